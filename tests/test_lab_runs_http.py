"""Runs with QC and instrument ingest over HTTP (issue #15): a run built and failed by its control through
PostgREST (status codes and reasons, the run.failed payload against its contract), a run accepted and an
instrument import ingested through PostGraphile (a duplicate of the same instrument run reported, not
ingested); portal users and other tenants see nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts" / "events" / "lab"
REPRESENTATION = {"Prefer": "return=representation"}


def lab(world: World) -> dict[str, str]:
    """A tenant with a site, the sample type water, the published test ph and a calibrated instrument there."""
    tenant = world.tenant()
    site = str(world.sql("select tests.create_site(%s)", tenant))
    return {"tenant": tenant, "site": site,
            "water": str(world.sql("select tests.create_sample_type(%s, 'water')", tenant)),
            "ph": str(world.sql("select tests.create_lab_test(%s, 'ph')", tenant)),
            "instrument": str(world.sql("select tests.create_instrument(%s, p_site_id => %s)", tenant, site))}


def analysis(world: World, ids: dict[str, str]) -> str:
    return str(world.sql("select tests.create_received_analysis(%s, %s, %s, %s)", ids["tenant"], ids["water"], ids["ph"], ids["site"]))


def event(world: World, event_type: str, run: str) -> dict:
    payload = world.sql("select payload from app_private.events where event_type = %s and entity_id = %s", event_type, run)
    schema = json.loads((CONTRACTS / f"{event_type}.schema.json").read_text())
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(payload)
    return payload


def test_a_failed_control_fails_the_run_over_rest(live) -> None:
    world = World(live)
    ids = lab(world)
    tech = world.sign_in(world.member(ids["tenant"], "lab_tech", site=ids["site"]))
    reviewer = world.sign_in(world.member(ids["tenant"], "lab_reviewer"))
    portal = world.sign_in(world.member(ids["tenant"], "customer_portal",
                                        partner=str(world.sql("select tests.create_partner(%s)", ids["tenant"]))))
    stranger = world.sign_in(world.member(world.tenant(), "admin"))
    first, second = analysis(world, ids), analysis(world, ids)

    denied = rest(live, "POST", "/runs", reviewer, json={"test_code": "ph", "equipment_id": ids["instrument"]})
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing")
    created = rest(live, "POST", "/runs", tech, headers=REPRESENTATION, json={"test_code": "ph", "equipment_id": ids["instrument"]})
    assert created.status_code == 201, created.text
    run = created.json()[0]
    assert (run["run_number"], run["status"], run["site_id"]) == ("RUN-000001", "open", ids["site"])
    lines = rest(live, "POST", "/run_analyses", tech, json=[{"run_id": run["id"], "analysis_id": first},
                                                            {"run_id": run["id"], "analysis_id": second}])
    assert lines.status_code == 201, lines.text
    control = rest(live, "POST", "/run_qc_samples", tech, headers=REPRESENTATION,
                   json={"run_id": run["id"], "kind": "control", "label": "pH 7.00 buffer", "expected_value": 7.0, "tolerance": 0.05})
    assert control.status_code == 201, control.text
    early = rest(live, "POST", "/rpc/record_qc_value", tech, json={"qc_sample_id": control.json()[0]["id"], "measured_value": 7.31})
    assert (early.status_code, early.json()["details"]) == (409, "run.status")
    assert rest(live, "POST", "/rpc/start_run", tech, json={"run_id": run["id"]}).json()["status"] == "in_progress"
    world.sql("insert into app.results (organization_id, analysis_id, value, numeric_value) "
              "values (%s, %s, '{\"value\": 6.9}', 6.9), (%s, %s, '{\"value\": 7.4}', 7.4)", ids["tenant"], first, ids["tenant"], second)

    recorded = rest(live, "POST", "/rpc/record_qc_value", tech, json={"qc_sample_id": control.json()[0]["id"], "measured_value": 7.31})
    assert recorded.status_code == 200, recorded.text
    assert (recorded.json()["passed"], recorded.json()["evaluation"]) == (False, "7.31 is outside 7.0 ± 0.05")
    failed = rest(live, "GET", f"/runs?id=eq.{run['id']}&select=status,failure_reason", tech).json()
    assert failed == [{"status": "failed", "failure_reason": "control pH 7.00 buffer failed: 7.31 is outside 7.0 ± 0.05"}]
    results = rest(live, "GET", f"/results?run_id=eq.{run['id']}&select=status", tech).json()
    assert [row["status"] for row in results] == ["invalidated", "invalidated"]
    retests = rest(live, "GET", f"/analyses?retest_of_id=in.({first},{second})&select=status", tech).json()
    assert [row["status"] for row in retests] == ["pending", "pending"]
    payload = event(world, "run.failed", run["id"])
    assert len(payload["retests"]) == 2 and payload["failed_qc"][0]["label"] == "pH 7.00 buffer"

    again = rest(live, "POST", "/rpc/accept_run", reviewer, json={"run_id": run["id"]})
    assert (again.status_code, again.json()["details"]) == (409, "run.status")
    assert rest(live, "GET", "/runs", portal).json() == []
    foreign = rest(live, "POST", "/rpc/start_run", stranger, json={"run_id": run["id"]})
    assert (foreign.status_code, foreign.json()["details"]) == (404, "run.not_found")


ACCEPT = """mutation ($run: UUID!) { acceptRun(input: {runId: $run}) { result { runNumber status decidedAt } } }"""
CREATE_IMPORT = """mutation ($import: InstrumentImportInput!) {
  createInstrumentImport(input: {instrumentImport: $import}) { instrumentImport { rowId status } }
}"""
INGEST = """mutation ($id: UUID!) {
  ingestResults(input: {importId: $id}) { result { status acceptedCount rejectedCount duplicateOfId } }
}"""
ROWS = """query ($id: UUID!) {
  instrumentImportRows(condition: {importId: $id}, orderBy: ROW_NUMBER_ASC) { nodes { rowNumber outcome rejectionCode } }
}"""


def test_acceptance_and_ingest_over_graphql(live) -> None:
    world = World(live)
    ids = lab(world)
    tech = world.sign_in(world.member(ids["tenant"], "lab_tech", site=ids["site"]))
    reviewer = world.sign_in(world.member(ids["tenant"], "lab_reviewer"))
    portal = world.sign_in(world.member(ids["tenant"], "customer_portal",
                                        partner=str(world.sql("select tests.create_partner(%s)", ids["tenant"]))))
    first, second = analysis(world, ids), analysis(world, ids)
    barcode = world.sql("select s.barcode from app.analyses a join app.samples s on s.id = a.sample_id where a.id = %s", first)

    run = str(world.sql("select tests.accepted_run_ready(%s, %s, %s)", ids["tenant"], ids["instrument"], second))
    accepted = graphql(live, ACCEPT, reviewer, {"run": run}).json()
    assert "errors" not in accepted, accepted
    assert accepted["data"]["acceptRun"]["result"]["status"] == "accepted"
    assert event(world, "run.accepted", run)["qc_samples"] == 1

    rows = [{"barcode": barcode, "test": "ph", "value": 7.05}, {"barcode": "NO-SUCH", "test": "ph", "value": 7.0}]
    batch = {"import": {"equipmentId": ids["instrument"], "externalRunId": "SEQ-0042", "rows": rows}}
    sent = graphql(live, CREATE_IMPORT, tech, batch).json()
    assert "errors" not in sent, sent
    staged = sent["data"]["createInstrumentImport"]["instrumentImport"]
    assert staged["status"] == "received"
    ingested = graphql(live, INGEST, tech, {"id": staged["rowId"]}).json()
    assert ingested["data"]["ingestResults"]["result"] == {"status": "processed", "acceptedCount": 1, "rejectedCount": 1,
                                                                     "duplicateOfId": None}
    outcomes = graphql(live, ROWS, tech, {"id": staged["rowId"]}).json()["data"]["instrumentImportRows"]["nodes"]
    assert outcomes == [{"rowNumber": 1, "outcome": "accepted", "rejectionCode": None},
                        {"rowNumber": 2, "outcome": "rejected", "rejectionCode": "ingest.sample_unknown"}]

    resent = graphql(live, CREATE_IMPORT, tech, batch).json()["data"]["createInstrumentImport"]["instrumentImport"]
    duplicate = graphql(live, INGEST, tech, {"id": resent["rowId"]}).json()
    assert duplicate["data"]["ingestResults"]["result"] == {"status": "duplicate", "acceptedCount": 0, "rejectedCount": 0,
                                                                      "duplicateOfId": staged["rowId"]}
    assert world.sql("select count(*) from app.results where analysis_id = %s", first) == 1

    hidden = graphql(live, "{ instrumentImports { totalCount } }", portal).json()
    assert hidden["data"]["instrumentImports"]["totalCount"] == 0
    refused = rest(live, "POST", "/rpc/ingest_results", reviewer, json={"import_id": staged["rowId"]})
    assert (refused.status_code, refused.json()["details"]) == (404, "ingest.not_found")
