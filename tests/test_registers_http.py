"""The operations registers over HTTP (issue #13, item 9): equipment and calibrations through PostgREST, the rule
of use answering 409 with its reason, site scope, downtime and reliability through PostGraphile, qualifications
through both; another tenant sees nothing."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

CREATE_STOP = """mutation ($stop: DowntimeEventInput!) {
  createDowntimeEvent(input: {downtimeEvent: $stop}) { downtimeEvent { rowId isBreakdown isPlanned } }
}"""
RELIABILITY = """query ($equipment: UUID!, $start: Datetime!, $end: Datetime!) {
  equipmentReliability(equipmentId: $equipment, periodStart: $start, periodEnd: $end) {
    nodes { stops breakdowns downtimeHours mtbfHours mttrHours }
  }
}"""


def test_equipment_calibration_and_use_over_rest(live) -> None:
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    site, elsewhere = world.sql("select tests.create_site(%s)", tenant), world.sql("select tests.create_site(%s)", tenant)
    manager = world.sign_in(world.member(tenant, "lab_manager"))
    qa = world.sign_in(world.person(tenant, "qa"))
    scoped = world.sign_in(world.member(tenant, "technician", site=str(elsewhere)))
    stranger = world.sign_in(world.person(other, "admin"))
    klass = world.sql("select tests.create_equipment_class(%s, 'caliper', true, 365)", tenant)
    project = world.project(tenant)
    representation = {"Prefer": "return=representation"}

    created = rest(live, "POST", "/equipment", manager, headers=representation,
                   json={"name": "Caliper 150 mm", "class_id": str(klass), "site_id": str(site), "serial_number": "MT-1"})
    assert created.status_code == 201, created.text
    gauge = created.json()[0]
    assert gauge["equipment_number"] == "EQ-000001"
    denied = rest(live, "POST", "/equipment", qa, json={"name": "Mine", "class_id": str(klass)})
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing")

    use = {"equipment_id": gauge["id"], "entity_type": "project", "entity_id": project}
    refused = rest(live, "POST", "/equipment_uses", qa, json=use)
    assert (refused.status_code, refused.json()["details"]) == (409, "equipment.not_calibrated"), refused.text

    calibrated = rest(live, "POST", "/calibrations", qa, headers=representation,
                      json={"equipment_id": gauge["id"], "performed_at": "2026-01-10T08:00:00Z", "result": "pass",
                            "as_found": {"error_mm": 0.01}, "certificate_number": "CAL-1"})
    assert calibrated.status_code == 201, calibrated.text
    assert calibrated.json()[0]["valid_to"].startswith("2027-01-10")
    status = rest(live, "GET", f"/equipment_calibration_status?equipment_id=eq.{gauge['id']}", qa).json()
    assert [(row["calibration_status"], row["is_usable"]) for row in status] in ([("calibrated", True)], [("due_soon", True)])

    recorded = rest(live, "POST", "/equipment_uses", qa, headers=representation, json=use)
    assert recorded.status_code == 201, recorded.text
    since = rest(live, "GET", f"/rpc/equipment_uses_since_last_good_calibration?equipment_id={gauge['id']}", qa)
    assert since.status_code == 200 and [row["entity_id"] for row in since.json()] == [project], since.text

    assert rest(live, "GET", "/equipment", scoped).json() == [], "a technician of another site sees none of it"
    assert rest(live, "GET", f"/equipment?id=eq.{gauge['id']}", stranger).json() == []
    foreign = rest(live, "GET", f"/rpc/equipment_uses_since_last_good_calibration?equipment_id={gauge['id']}", stranger)
    assert (foreign.status_code, foreign.json()["details"]) == (404, "equipment.not_found")


def test_downtime_and_reliability_over_graphql(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    klass = world.sql("select tests.create_equipment_class(%s, 'press', false, null)", tenant)
    press = str(world.sql("select tests.create_equipment(%s, %s, null, null, 'Press 1')", tenant, klass))
    breakdown = str(world.sql("select tests.create_downtime_reason(%s, 'breakdown', false, true)", tenant))
    production, qa = world.sign_in(world.person(tenant, "production")), world.sign_in(world.person(tenant, "qa"))

    stop = {"equipmentId": press, "startedAt": "2026-01-05T10:00:00Z", "endedAt": "2026-01-05T12:00:00Z", "reasonId": breakdown}
    created = graphql(live, CREATE_STOP, production, {"stop": stop}).json()
    assert "data" in created, created
    assert created["data"]["createDowntimeEvent"]["downtimeEvent"]["isBreakdown"] is True, created
    overlap = graphql(live, CREATE_STOP, production, {"stop": {**stop, "startedAt": "2026-01-05T11:00:00Z"}}).json()
    assert overlap["errors"][0]["extensions"]["details"] == "downtime.overlap", overlap
    denied = graphql(live, CREATE_STOP, qa, {"stop": {**stop, "startedAt": "2026-01-06T10:00:00Z",
                                                      "endedAt": "2026-01-06T11:00:00Z"}}).json()
    assert denied["errors"][0]["extensions"]["details"] == "permission.missing", denied
    second = {**stop, "startedAt": "2026-01-07T10:00:00Z", "endedAt": "2026-01-07T14:00:00Z"}
    assert "errors" not in graphql(live, CREATE_STOP, production, {"stop": second}).json()

    figures = graphql(live, RELIABILITY, qa, {"equipment": press, "start": "2026-01-01T00:00:00Z",
                                              "end": "2026-01-11T00:00:00Z"}).json()
    assert figures["data"]["equipmentReliability"]["nodes"] == [
        {"stops": 2, "breakdowns": 2, "downtimeHours": "6.0000", "mtbfHours": "117.0000", "mttrHours": "3.0000"}], figures
    over_rest = rest(live, "GET", f"/rpc/equipment_reliability?equipment_id={press}&period_start=2026-01-01T00:00:00Z"
                                  "&period_end=2026-01-11T00:00:00Z", qa)
    assert over_rest.status_code == 200 and over_rest.json()[0]["mtbf_hours"] == 117.0, over_rest.text


def test_qualifications_over_both_servers(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    management = world.sign_in(world.person(tenant, "management"))
    qa_person = world.person(tenant, "qa")
    qa, sales = world.sign_in(qa_person), world.sign_in(world.person(tenant, "sales"))

    defined = rest(live, "POST", "/qualifications", management, headers={"Prefer": "return=representation"},
                   json={"code": "release-authority", "name": "Release authority", "kind": "authorization"})
    assert defined.status_code == 201, defined.text
    granted = graphql(live, """mutation ($grant: PersonQualificationInput!) {
        createPersonQualification(input: {personQualification: $grant}) { personQualification { rowId } } }""",
                      management, {"grant": {"userId": qa_person.id, "qualificationId": defined.json()[0]["id"],
                                             "evidence": "Appointed"}}).json()
    assert "data" in granted, granted
    grant = granted["data"]["createPersonQualification"]["personQualification"]["rowId"]
    held = graphql(live, "{ currentQualifications { nodes { code userId } } }", qa).json()
    assert held["data"]["currentQualifications"]["nodes"] == [{"code": "release-authority", "userId": qa_person.id}]
    assert rest(live, "GET", "/current_qualifications", sales).json() == [], "others' qualifications need competence.read"

    refused = rest(live, "POST", "/rpc/revoke_qualification", qa, json={"person_qualification_id": grant, "reason": "x"})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing")
    revoked = graphql(live, """mutation ($id: UUID!) { revokeQualification(input: {personQualificationId: $id, reason: "Left QA"}) {
        result { revokedAt revokeReason } } }""", management, {"id": grant}).json()
    assert "data" in revoked, revoked
    assert revoked["data"]["revokeQualification"]["result"]["revokeReason"] == "Left QA", revoked
    assert rest(live, "GET", "/current_qualifications", qa).json() == []
