"""Inspections and SPC over HTTP (issue #16, phase 7): a plant technician opens an inspection against an approved control
plan and records two subgroups over REST, a gauge out of calibration is refused with its reason, quality freezes the
limits over GraphQL and reads the chart, a shifted subgroup raises a signal that closes only with its assignable cause,
the AS9102 forms come back as JSON, and a technician of another plant finds nothing."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

BASELINE = """mutation ($c: UUID!) {
  approveSpcBaseline(input: {characteristicId: $c, fromSubgroup: 1, toSubgroup: 2, reason: "Initial study"}) {
    result { center ucl lcl changeReference } } }"""
CHART = """query ($c: UUID!) { spcChart(characteristicId: $c, subgroups: 10) }"""


def test_inspect_freeze_limits_and_close_a_signal_over_rest_and_graphql(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    plant_a = str(world.sql("select tests.create_site(%s)", tenant))
    plant_b = str(world.sql("select tests.create_site(%s)", tenant))
    quality_id = world.member(tenant, "qa")
    characteristic = str(world.sql("select tests.create_characteristic(%s, %s, 'xbar_r', 5, %s)", tenant, plant_a, quality_id.id))
    plan = str(world.sql("select tests.plan_of(%s)", characteristic))
    # An equivalent of the planned gauge (its class) whose calibration expired a month ago.
    stale = str(world.sql("select tests.create_equipment(%s, (select class_id from app.equipment where id = tests.gauge_of(%s)), %s)",
                          tenant, characteristic, plant_a))
    world.sql("select tests.calibrate(%s, now() - interval '60 days', 'pass', now() - interval '30 days')", stale)
    technician = world.sign_in(world.member(tenant, "technician", site=plant_a))
    quality = world.sign_in(quality_id)
    elsewhere = world.sign_in(world.member(tenant, "technician", site=plant_b))

    opened = rest(live, "POST", "/rpc/open_inspection", technician,
                  json={"control_plan_id": plan, "kind": "in_process", "line": "Cell 4"})
    assert opened.status_code == 200, opened.text
    inspection = opened.json()["id"]
    values = [10.0, 10.01, 9.99, 10.02, 9.98, 10.01, 10.0, 9.99, 10.0, 10.01]
    recorded = rest(live, "POST", "/rpc/record_measurements", technician,
                    json={"inspection_id": inspection, "characteristic_id": characteristic, "values": values})
    assert (recorded.status_code, recorded.json()) == (200, 10), recorded.text
    refused = rest(live, "POST", "/rpc/record_measurement", technician,
                   json={"inspection_id": inspection, "characteristic_id": characteristic, "value": 10, "gauge_id": stale})
    assert (refused.status_code, refused.json()["details"]) == (409, "gauge.out_of_calibration"), refused.text
    assert refused.json()["hint"], "the refusal says what to do"

    frozen = graphql(live, BASELINE, quality, {"c": characteristic}).json()
    assert "errors" not in frozen, frozen
    assert frozen["data"]["approveSpcBaseline"]["result"]["changeReference"] is None
    again = graphql(live, BASELINE, quality, {"c": characteristic}).json()
    assert again["errors"][0]["extensions"]["details"] == "spc_baseline.change_required", again

    shifted = rest(live, "POST", "/rpc/record_measurements", technician,
                   json={"inspection_id": inspection, "characteristic_id": characteristic, "values": [10.09] * 5})
    assert shifted.status_code == 200, shifted.text
    chart = graphql(live, CHART, quality, {"c": characteristic}).json()
    assert "errors" not in chart, chart
    points = chart["data"]["spcChart"]["points"]
    assert [p["subgroup"] for p in points] == [1, 2, 3] and points[-1]["rules"] == [1], points
    signals = rest(live, "GET", "/spc_signals?select=id,subgroup,reaction_plan,status", technician).json()
    assert [(s["subgroup"], s["status"]) for s in signals] == [(3, "open")] and signals[0]["reaction_plan"], signals
    no_cause = rest(live, "POST", "/rpc/close_spc_signal", technician, json={"signal_id": signals[0]["id"], "cause": "", "action": "x"})
    assert (no_cause.status_code, no_cause.json()["details"]) == (422, "spc_signal.cause_required"), no_cause.text
    closed = rest(live, "POST", "/rpc/close_spc_signal", technician,
                  json={"signal_id": signals[0]["id"], "cause": "Worn insert", "action": "Insert changed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text

    completed = rest(live, "POST", "/rpc/complete_inspection", technician, json={"inspection_id": inspection})
    assert completed.status_code == 200 and completed.json()["passed"] is True, completed.text
    # A first article is kept out of SPC: its measurement opens no subgroup; its AS9102 report carries form 1's fields.
    fai = rest(live, "POST", "/rpc/open_inspection", technician,
               json={"control_plan_id": plan, "kind": "first_article", "line": "Cell 4", "fai_reason": "New part"}).json()["id"]
    detailed = rest(live, "POST", "/rpc/set_fai_details", technician,
                    json={"inspection_id": fai, "fai_report_number": "FAI-7", "fai_scope": "partial", "fai_partial_reason": ""})
    assert (detailed.status_code, detailed.json()["details"]) == (422, "fai.partial_reason_required"), detailed.text
    detailed = rest(live, "POST", "/rpc/set_fai_details", technician,
                    json={"inspection_id": fai, "fai_report_number": "FAI-7", "po_number": "PO-1"})
    assert detailed.status_code == 200 and detailed.json()["fai_scope"] == "full", detailed.text
    measured = rest(live, "POST", "/rpc/record_measurement", technician,
                    json={"inspection_id": fai, "characteristic_id": characteristic, "value": 10.0})
    assert measured.status_code == 200 and measured.json()["subgroup"] is None, measured.text
    assert rest(live, "POST", "/rpc/complete_inspection", technician, json={"inspection_id": fai}).status_code == 200
    report = rest(live, "POST", "/rpc/fai_report", quality, json={"inspection_id": fai})
    assert report.status_code == 200, report.text
    assert [row["balloon"] for row in report.json()["form3"]] == [1] and report.json()["form1"]["fai_reason"] == "New part"
    assert (report.json()["form1"]["fai_report_number"], report.json()["form1"]["po_number"]) == ("FAI-7", "PO-1")

    assert rest(live, "GET", "/inspections?select=id", elsewhere).json() == []
    assert rest(live, "GET", "/measurements?select=id", elsewhere).json() == []
    hidden = graphql(live, CHART, elsewhere, {"c": characteristic}).json()
    assert hidden["errors"][0]["extensions"]["details"] == "characteristic.not_found", hidden


ADD_FORM2 = """mutation ($i: UUID!) {
  addFaiForm2Item(input: {inspectionId: $i, kind: "special_process", name: "Zinc plating", specification: "ISO 2081",
                          supplierCode: "S-2001", customerApproval: "yes", cocNumber: "ZN-1"}) {
    result { rowId kind customerApproval } } }"""
FORM2_LINES = """query ($i: UUID!) { faiForm2Items(condition: {inspectionId: $i}) { nodes { kind name cocNumber } } }"""


def test_fai_form2_over_rest_and_graphql(live: dict[str, str]) -> None:
    """AS9102 form 2: lines added over both APIs with what each kind needs; the first article is approved only once
    the consumed lot's certificate is on record; another plant's technician reads no line."""
    world = World(live)
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    plant_b = str(world.sql("select tests.create_site(%s)", tenant))
    characteristic = str(world.sql("select tests.create_characteristic(%s, %s, 'xbar_r', 5)", tenant, plant))
    plan = str(world.sql("select tests.plan_of(%s)", characteristic))
    part = str(world.sql("select r.part_id from app.part_revisions r join app.control_plans p on p.part_revision_id = r.id "
                         "where p.id = %s", plan))
    raw = str(world.sql("select tests.create_lot(%s, tests.create_part(%s), %s, 10)", tenant, tenant, plant))
    lot = str(world.sql("select tests.create_lot(%s, %s, %s, 5)", tenant, part, plant))
    world.sql("insert into app.genealogy_edges (organization_id, consumed_lot_id, produced_lot_id, quantity, unit, site_id) "
              "values (%s, %s, %s, 4, 'pcs', %s)", tenant, raw, lot, plant)
    technician = world.sign_in(world.member(tenant, "technician", site=plant))
    quality = world.sign_in(world.member(tenant, "qa"))
    elsewhere = world.sign_in(world.member(tenant, "technician", site=plant_b))

    fai = rest(live, "POST", "/rpc/open_inspection", technician,
               json={"control_plan_id": plan, "kind": "first_article", "lot_id": lot, "fai_reason": "New part"}).json()["id"]
    missing = rest(live, "POST", "/rpc/add_fai_form2_item", technician,
                   json={"inspection_id": fai, "kind": "material", "name": "S235 sheet", "specification": "EN 10025-2"})
    assert (missing.status_code, missing.json()["details"]) == (422, "fai.form2_field_required"), missing.text
    added = graphql(live, ADD_FORM2, technician, {"i": fai}).json()
    assert "errors" not in added and added["data"]["addFaiForm2Item"]["result"]["customerApproval"] == "yes", added
    assert rest(live, "POST", "/rpc/record_measurements", technician,
                json={"inspection_id": fai, "characteristic_id": characteristic, "values": [10.0]}).status_code == 200
    assert rest(live, "POST", "/rpc/complete_inspection", technician, json={"inspection_id": fai}).status_code == 200

    refused = rest(live, "POST", "/rpc/decide_inspection", quality, json={"inspection_id": fai, "approve": True})
    assert (refused.status_code, refused.json()["details"]) == (409, "fai.form2_incomplete"), refused.text
    material = rest(live, "POST", "/rpc/add_fai_form2_item", technician,
                    json={"inspection_id": fai, "kind": "material", "name": "S235 sheet", "specification": "EN 10025-2",
                          "coc_number": "3.1-55120", "lot_id": raw})
    assert material.status_code == 200 and material.json()["lot_id"] == raw, material.text
    lines = graphql(live, FORM2_LINES, quality, {"i": fai}).json()
    assert "errors" not in lines, lines
    assert sorted((n["kind"], n["cocNumber"]) for n in lines["data"]["faiForm2Items"]["nodes"]) == [
        ("material", "3.1-55120"), ("special_process", "ZN-1")], lines
    form2 = rest(live, "POST", "/rpc/fai_report", quality, json={"inspection_id": fai}).json()["form2"]
    assert form2["complete"] is True and form2["consumed_lots"][0]["coc_number"] == "3.1-55120", form2
    approved = rest(live, "POST", "/rpc/decide_inspection", quality, json={"inspection_id": fai, "approve": True})
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    assert rest(live, "GET", "/fai_form2_items?select=id", elsewhere).json() == []
