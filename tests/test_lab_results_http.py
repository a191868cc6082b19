"""The lab's results over HTTP (issue #15, phase 6 and the OOS part of phase 4): a result recorded, refused with
the JSON path of the bad value (422), reviewed with a wrong signature password (403 and the Pulse-Refusal header),
signed, released and then seen by the customer's portal user over PostgREST; an out-of-specification result whose
OOS investigation is decided and closed over PostGraphile; the events match their contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from helpers import TEST_PASSWORD, World, graphql, rest

pytestmark = pytest.mark.stack

EVENTS = Path(__file__).resolve().parent.parent / "contracts" / "events" / "lab"

RECORD = """mutation ($analysis: UUID!, $value: JSON!, $unit: String) {
  recordResult(input: {analysisId: $analysis, value: $value, unit: $unit}) { result { rowId status specVerdict numericValue unit } }
}"""
INVESTIGATIONS = """query ($result: UUID!) {
  oosInvestigations(condition: {resultId: $result}) { nodes { rowId investigationNumber status phase } }
}"""
DECIDE = """mutation ($id: UUID!, $findings: String!) {
  decideOosPhase1(input: {investigationId: $id, assignableCause: false, findings: $findings,
                          checklist: {calculation_checked: true, instrument_checked: true}}) {
    result { phase assignableCause }
  }
}"""
CLOSE = """mutation ($id: UUID!, $signature: JSON) {
  closeOosInvestigation(input: {investigationId: $id, conclusion: "Dosing pump fault; batch rejected",
                                phase2Findings: "The dosing pump delivered 20 % too little", signature: $signature}) {
    result { status closureSignature }
  }
}"""


def lab(world: World) -> tuple[str, str, str, str]:
    """A lab tenant (tests.create_lab_tenant) with a pH specification for water: tenant, site, customer, received sample."""
    tenant = str(world.sql("select tests.create_lab_tenant()"))
    site, customer, water = world.rows("""select (select id from app.sites where organization_id = %s order by created_at desc limit 1),
                                                 (select id from app.partners where organization_id = %s order by created_at limit 1),
                                                 (select id from app.sample_types where organization_id = %s and code = 'water')""",
                                       tenant, tenant, tenant)[0]
    world.sql("select tests.create_specification(%s, 'ph', p_sample_type_id => %s, p_unit => 'pH', "
              "p_action_low => 6.5, p_action_high => 8.5)", tenant, water)
    sample = world.sql("select tests.create_sample(%s, %s, %s, %s)", tenant, water, site, customer)
    world.sql("select tests.set_sample_status(%s, %s, 'received')", tenant, sample)
    return tenant, str(site), str(customer), str(sample)


def analysis(world: World, tenant: str, sample: str) -> str:
    test = world.sql("select id from app.lab_tests where organization_id = %s and code = 'ph' and status = 'published'", tenant)
    return str(world.sql("select tests.create_analysis(%s, %s, %s)", tenant, sample, test))


def event(world: World, tenant: str, event_type: str) -> dict:
    """The tenant's only event of the type, checked against its contract."""
    payloads = world.sql("select tests.lab_event_payloads(%s, %s)", tenant, event_type)
    assert len(payloads) == 1, payloads
    schema = json.loads((EVENTS / f"{event_type}.schema.json").read_text())
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(payloads[0])
    return payloads[0]


def test_record_review_release_over_rest(live) -> None:
    world = World(live)
    tenant, site, customer, sample = lab(world)
    tech = world.sign_in(world.member(tenant, "lab_tech", site=site))
    reviewer = world.sign_in(world.member(tenant, "lab_reviewer"))
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=customer))
    stranger = world.sign_in(world.member(world.tenant(), "admin"))
    first = analysis(world, tenant, sample)

    bad = rest(live, "POST", "/rpc/record_result", tech, json={"analysis_id": first, "value": {"value": "seven"}})
    assert (bad.status_code, bad.json()["details"]) == (422, "json_schema.invalid"), bad.text
    assert "$.value" in bad.json()["message"]
    recorded = rest(live, "POST", "/rpc/record_result", tech, json={"analysis_id": first, "value": {"value": 7.2}, "unit": "pH"})
    assert recorded.status_code == 200, recorded.text
    result = recorded.json()
    assert (result["status"], result["spec_verdict"], result["numeric_value"]) == ("entered", "within", 7.2)

    own = rest(live, "POST", "/rpc/review_result", tech, json={"result_id": result["id"]})
    assert (own.status_code, own.json()["details"]) == (403, "permission.missing")
    wrong = rest(live, "POST", "/rpc/review_result", reviewer,
                 json={"result_id": result["id"], "signature": {"password": "wrong", "reason": "checked"}})
    assert (wrong.status_code, wrong.headers.get("Pulse-Refusal")) == (403, "signature.wrong_password"), wrong.text
    signature = {"password": TEST_PASSWORD, "reason": "checked against the raw data"}
    reviewed = rest(live, "POST", "/rpc/review_result", reviewer, json={"result_id": result["id"], "signature": signature})
    assert reviewed.status_code == 200 and reviewed.json()["review_signature"]["meaning"] == "reviewed", reviewed.text
    assert rest(live, "GET", f"/results?id=eq.{result['id']}", portal).json() == [], "not released yet"
    released = rest(live, "POST", "/rpc/release_result", reviewer, json={"result_id": result["id"], "signature": signature})
    assert released.status_code == 200 and released.json()["status"] == "released", released.text
    seen = rest(live, "GET", f"/results?id=eq.{result['id']}&select=id,status,spec_verdict", portal).json()
    assert seen == [{"id": result["id"], "status": "released", "spec_verdict": "within"}]
    assert event(world, tenant, "result.released")["result_id"] == result["id"]

    foreign = rest(live, "POST", "/rpc/release_result", stranger, json={"result_id": result["id"]})
    assert (foreign.status_code, foreign.json()["details"]) == (404, "result.not_found")


def test_oos_investigation_over_graphql(live) -> None:
    world = World(live)
    tenant, site, _customer, sample = lab(world)
    tech = world.sign_in(world.member(tenant, "lab_tech", site=site))
    qa = world.sign_in(world.member(tenant, "qa"))

    recorded = graphql(live, RECORD, tech, {"analysis": analysis(world, tenant, sample), "value": {"value": 9.3}, "unit": "pH"}).json()
    result = recorded["data"]["recordResult"]["result"]
    assert (result["specVerdict"], result["status"]) == ("out_of_specification", "entered"), recorded
    found = graphql(live, INVESTIGATIONS, qa, {"result": result["rowId"]}).json()["data"]["oosInvestigations"]["nodes"]
    assert [(row["status"], row["phase"]) for row in found] == [("open", "phase_1")], found
    assert event(world, tenant, "oos.opened")["result_id"] == result["rowId"]
    investigation = found[0]["rowId"]

    denied = graphql(live, DECIDE, tech, {"id": investigation, "findings": "none"}).json()
    assert denied["errors"][0]["extensions"].get("details") == "permission.missing", denied
    decided = graphql(live, DECIDE, qa, {"id": investigation, "findings": "No laboratory error found"}).json()
    assert decided["data"]["decideOosPhase1"]["result"] == {"phase": "phase_2", "assignableCause": False}, decided
    closed = graphql(live, CLOSE, qa, {"id": investigation, "signature": {"password": TEST_PASSWORD, "reason": "complete"}}).json()
    investigation_row = closed["data"]["closeOosInvestigation"]["result"]
    assert investigation_row["status"] == "closed" and investigation_row["closureSignature"]["meaning"] == "closed", closed
    assert event(world, tenant, "oos.closed")["conclusion"] == "Dosing pump fault; batch rejected"
