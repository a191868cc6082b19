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


OEE = """{ productionKpiOees { nodes { equipmentId runs availabilityPercent performancePercent qualityPercent oeePercent
  reducedSpeedHours productionRejectHours } } }"""
RUN_OEE = """query ($run: UUID!) { productionRunOee(runId: $run) { nodes { availabilityPercent performancePercent oeePercent } } }"""


def test_production_runs_and_oee_over_both_servers(live) -> None:
    """A run recorded over REST at the member's plant; its OEE over both servers (RPC and the KPI view once the
    job refreshed it); a member of another plant and another tenant see none of it."""
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    site, elsewhere = world.sql("select tests.create_site(%s)", tenant), world.sql("select tests.create_site(%s)", tenant)
    production = world.sign_in(world.member(tenant, "production", site=str(site)))
    scoped = world.sign_in(world.member(tenant, "technician", site=str(elsewhere)))
    stranger = world.sign_in(world.person(other, "admin"))
    klass = world.sql("select tests.create_equipment_class(%s, 'cnc', false)", tenant)
    lathe = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Lathe')", tenant, klass, site))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    world.sql("insert into app.ideal_cycle_times (organization_id, id, equipment_id, part_id, cycle_seconds)"
              " values (%s, public.uuid_generate_v7(), %s, %s, 30)", tenant, lathe, part)

    run = {"equipment_id": lathe, "part_id": part, "scheduled_start": "2026-01-05T08:00:00Z",
           "scheduled_end": "2026-01-05T09:00:00Z", "total_count": 100, "good_count": 90, "startup_rejects": 4}
    created = rest(live, "POST", "/production_runs", production, headers={"Prefer": "return=representation"}, json=run)
    assert created.status_code == 201, created.text
    assert created.json()[0]["site_id"] == str(site)
    bad = rest(live, "POST", "/production_runs", production,
               json={**run, "scheduled_start": "2026-01-06T08:00:00Z", "scheduled_end": "2026-01-06T09:00:00Z", "good_count": 101})
    assert (bad.status_code, bad.json()["details"]) == (422, "production_run.counts_invalid"), bad.text
    overlap = rest(live, "POST", "/production_runs", production, json={**run, "scheduled_start": "2026-01-05T08:30:00Z"})
    assert (overlap.status_code, overlap.json()["details"]) == (409, "production_run.overlap"), overlap.text

    # 60 min planned, no stops: A 100 %, P = 100 x 30 s / 60 min = 83.33 %, Q 90 %, OEE 75 %.
    run_id = created.json()[0]["id"]
    over_rest = rest(live, "GET", f"/rpc/production_run_oee?run_id={run_id}", production)
    assert over_rest.status_code == 200, over_rest.text
    assert (over_rest.json()[0]["performance_percent"], over_rest.json()[0]["oee_percent"]) == (83.33, 75.0), over_rest.text
    over_graphql = graphql(live, RUN_OEE, production, {"run": run_id}).json()
    assert over_graphql["data"]["productionRunOee"]["nodes"] == [
        {"availabilityPercent": "100.00", "performancePercent": "83.33", "oeePercent": "75.00"}], over_graphql

    world.sql("select app_private.refresh_kpis()")
    view = graphql(live, OEE, production).json()
    assert view["data"]["productionKpiOees"]["nodes"] == [
        {"equipmentId": lathe, "runs": 1, "availabilityPercent": "100.00", "performancePercent": "83.33", "qualityPercent": "90.00",
         "oeePercent": "75.00", "reducedSpeedHours": "0.1667", "productionRejectHours": "0.0500"}], view
    assert rest(live, "GET", "/production_kpi_oee?select=oee_percent", production).json() == [{"oee_percent": 75.0}]
    for outsider in (scoped, stranger):
        assert rest(live, "GET", "/production_kpi_oee", outsider).json() == []
        assert graphql(live, OEE, outsider).json()["data"]["productionKpiOees"]["nodes"] == []
        assert rest(live, "GET", "/production_runs", outsider).json() == []
    assert rest(live, "GET", f"/rpc/production_run_oee?run_id={run_id}", scoped).status_code == 404


LOSSES = """{ productionKpiAvailabilityLosses { nodes { equipmentId reasonCode loss stops lossHours availabilityLossPercent } } }"""
EQUIPMENT_LOSSES = """query ($equipment: UUID!, $start: Datetime!, $end: Datetime!) {
  equipmentAvailabilityLosses(equipmentId: $equipment, periodStart: $start, periodEnd: $end) {
    nodes { reasonCode loss stops lossHours availabilityLossPercent } } }"""


def test_availability_loss_by_downtime_reason_over_both_servers(live) -> None:
    """A 60-minute run with a 12-minute jam and a 3-minute small stop of the same reason and a 6-minute breakdown:
    the loss by reason and big-loss category over REST and GraphQL, for a period (RPC) and per day (the KPI view);
    a member of another plant and another tenant see none of it."""
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    site, elsewhere = world.sql("select tests.create_site(%s)", tenant), world.sql("select tests.create_site(%s)", tenant)
    production = world.sign_in(world.member(tenant, "production", site=str(site)))
    scoped = world.sign_in(world.member(tenant, "technician", site=str(elsewhere)))
    stranger = world.sign_in(world.person(other, "admin"))
    klass = world.sql("select tests.create_equipment_class(%s, 'cnc', false)", tenant)
    press = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Press')", tenant, klass, site))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    jam = world.sql("select tests.create_downtime_reason(%s, 'jam')", tenant)
    motor = world.sql("select tests.create_downtime_reason(%s, 'motor', false, true)", tenant)
    world.sql("insert into app.production_runs (organization_id, id, equipment_id, part_id, scheduled_start, scheduled_end,"
              " total_count, good_count) values (%s, public.uuid_generate_v7(), %s, %s, '2026-01-05T08:00:00Z',"
              " '2026-01-05T09:00:00Z', 100, 100)", tenant, press, part)
    world.sql("insert into app.downtime_events (organization_id, id, equipment_id, started_at, ended_at, reason_id) values"
              " (%s, public.uuid_generate_v7(), %s, '2026-01-05T08:10:00Z', '2026-01-05T08:22:00Z', %s),"
              " (%s, public.uuid_generate_v7(), %s, '2026-01-05T08:30:00Z', '2026-01-05T08:33:00Z', %s),"
              " (%s, public.uuid_generate_v7(), %s, '2026-01-05T08:40:00Z', '2026-01-05T08:46:00Z', %s)",
              tenant, press, jam, tenant, press, jam, tenant, press, motor)

    period = "period_start=2026-01-01T00:00:00Z&period_end=2026-02-01T00:00:00Z"
    over_rest = rest(live, "GET", f"/rpc/equipment_availability_losses?equipment_id={press}&{period}"
                                  "&select=reason_code,loss,stops,loss_hours,availability_loss_percent", production)
    assert over_rest.status_code == 200, over_rest.text
    assert over_rest.json() == [
        {"reason_code": "jam", "loss": "other_stop", "stops": 1, "loss_hours": 0.2, "availability_loss_percent": 20.0},
        {"reason_code": "motor", "loss": "breakdown", "stops": 1, "loss_hours": 0.1, "availability_loss_percent": 10.0},
        {"reason_code": "jam", "loss": "small_stop", "stops": 1, "loss_hours": 0.05, "availability_loss_percent": 5.0}], over_rest.text
    over_graphql = graphql(live, EQUIPMENT_LOSSES, production,
                           {"equipment": press, "start": "2026-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}).json()
    assert [n["reasonCode"] + "/" + n["loss"] for n in over_graphql["data"]["equipmentAvailabilityLosses"]["nodes"]] == [
        "jam/other_stop", "motor/breakdown", "jam/small_stop"], over_graphql

    world.sql("select app_private.refresh_kpis()")
    view = graphql(live, LOSSES, production).json()
    nodes = view["data"]["productionKpiAvailabilityLosses"]["nodes"]
    assert sorted((n["reasonCode"], n["loss"], n["availabilityLossPercent"]) for n in nodes) == [
        ("jam", "other_stop", "20.00"), ("jam", "small_stop", "5.00"), ("motor", "breakdown", "10.00")], view
    oee = rest(live, "GET", f"/production_kpi_oee?equipment_id=eq.{press}&select=availability_percent", production).json()
    assert oee == [{"availability_percent": 65.0}], oee  # 100 - (20 + 10 + 5)
    for outsider in (scoped, stranger):
        assert rest(live, "GET", "/production_kpi_availability_losses", outsider).json() == []
        assert graphql(live, LOSSES, outsider).json()["data"]["productionKpiAvailabilityLosses"]["nodes"] == []
        refused = rest(live, "GET", f"/rpc/equipment_availability_losses?equipment_id={press}&{period}", outsider)
        assert (refused.status_code, refused.json()["details"]) == (404, "equipment.not_found"), refused.text
