"""Suppliers over HTTP (issue #16): procurement approves a supplier over REST, the dock records a receipt (its lot
quarantined with the supplier's lot) and an unlisted supplier's receipt is refused with its reason; quality decides
over GraphQL (the accepted lot released), issues a SCAR; the supplier's portal user answers it over GraphQL and
another supplier's portal user finds nothing over either API; the scorecard is read over REST and GraphQL."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

DECIDE = """mutation ($receipt: UUID!) {
  decideReceipt(input: {receiptId: $receipt, acceptedQuantity: "90", rejectedQuantity: "10", rejectionReason: "Burrs"}) {
    result { status acceptedQuantity rejectedQuantity lotId } } }"""
RESPOND = """mutation ($scar: UUID!) {
  respondToScar(input: {scarId: $scar, rootCause: "Worn deburring tool", correctiveAction: "Tool life monitored"}) {
    result { status scarNumber } } }"""
SCARS = """{ scars { nodes { scarNumber status } } }"""
SCORECARD = """{ qualityKpiSupplierScorecards(condition: {period: "month"}) { nodes { supplierId receipts ppm scarsIssued } } }"""


def test_list_receipt_decision_scar_and_scorecard_over_rest_and_graphql(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    supplier = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    other = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    buyer = world.sign_in(world.member(tenant, "procurement"))
    dock = world.sign_in(world.member(tenant, "logistics", site=plant))
    quality = world.sign_in(world.member(tenant, "qa"))
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=supplier))
    stranger = world.sign_in(world.member(tenant, "customer_portal", partner=other))

    listed = rest(live, "POST", "/approved_suppliers", buyer, json={
        "supplier_id": supplier, "status": "approved", "basis": "certificate", "certificate": "ISO 9001",
        "certificate_expires_on": "2099-01-01", "valid_until": "2099-01-01"}, headers={"Prefer": "return=representation"})
    assert listed.status_code == 201, listed.text
    effective = rest(live, "GET", "/approved_suppliers?select=status,effective_status:approved_suppliers_effective_status", buyer)
    assert effective.json() == [{"status": "approved", "effective_status": "approved"}], effective.text

    refused = rest(live, "POST", "/rpc/record_receipt", dock, json={
        "supplier_id": other, "part_id": part, "site_id": plant, "quantity": 5, "supplier_lot": "X-1", "due_on": "2099-01-01"})
    assert (refused.status_code, refused.json()["details"]) == (409, "supplier.not_approved"), refused.text
    received = rest(live, "POST", "/rpc/record_receipt", dock, json={
        "supplier_id": supplier, "part_id": part, "site_id": plant, "quantity": 100, "supplier_lot": "HX-0042", "due_on": "2099-01-01"})
    assert received.status_code == 200, received.text
    receipt = received.json()
    assert (receipt["status"], receipt["on_time"], receipt["receipt_number"][:4]) == ("awaiting_decision", True, "RCV-")
    lot = rest(live, "GET", f"/lots?id=eq.{receipt['lot_id']}&select=quality_status,supplier_lot", quality).json()
    assert lot == [{"quality_status": "quarantined", "supplier_lot": "HX-0042"}]

    decided = graphql(live, DECIDE, quality, {"receipt": receipt["id"]}).json()
    assert "errors" not in decided, decided
    assert decided["data"]["decideReceipt"]["result"]["status"] == "partially_accepted"
    lot = rest(live, "GET", f"/lots?id=eq.{receipt['lot_id']}&select=quality_status,quantity", quality).json()
    assert lot == [{"quality_status": "released", "quantity": 90}]
    again = graphql(live, DECIDE, quality, {"receipt": receipt["id"]}).json()
    assert again["errors"][0]["extensions"]["details"] == "receipt.already_decided", again

    issued = rest(live, "POST", "/rpc/issue_scar", quality, json={
        "supplier_id": supplier, "title": "Burrs on HX-0042", "problem_statement": "10 of 100 with burrs on the bore",
        "response_due_on": "2099-01-01", "receipt_id": receipt["id"]})
    assert issued.status_code == 200, issued.text
    scar = issued.json()

    assert rest(live, "GET", "/scars?select=id", stranger).json() == []
    assert graphql(live, SCARS, stranger).json()["data"]["scars"]["nodes"] == []
    hidden = graphql(live, RESPOND, stranger, {"scar": scar["id"]}).json()
    assert hidden["errors"][0]["extensions"]["details"] == "scar.not_found", hidden
    mine = graphql(live, SCARS, portal).json()["data"]["scars"]["nodes"]
    assert [(n["scarNumber"], n["status"]) for n in mine] == [(scar["scar_number"], "awaiting_response")]
    answered = graphql(live, RESPOND, portal, {"scar": scar["id"]}).json()
    assert answered["data"]["respondToScar"]["result"] == {"status": "responded", "scarNumber": scar["scar_number"]}, answered

    world.sql("select app_private.refresh_kpis()")
    rows = rest(live, "GET", "/quality_kpi_supplier_scorecard?period=eq.month&select=supplier_id,receipts,ppm,scars_issued",
                quality).json()
    assert rows == [{"supplier_id": supplier, "receipts": 1, "ppm": 100000, "scars_issued": 1}], rows
    card = graphql(live, SCORECARD, portal).json()
    assert card["data"]["qualityKpiSupplierScorecards"]["nodes"] == [
        {"supplierId": supplier, "receipts": 1, "ppm": 100000, "scarsIssued": 1}], card
    assert rest(live, "GET", "/quality_kpi_supplier_scorecard?select=id", stranger).json() == []
