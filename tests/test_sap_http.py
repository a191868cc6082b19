"""SAP sync end to end (issue #16, docs/integration.md): the shared stack's worker sends a part change to a fake
SAP endpoint on 127.0.0.1 (tests/webhook_receiver.py) with basic authentication, the SAP client and the
idempotency key; a 500 is retried and the message logged dead, and a replay over GraphQL sends it; staged
material masters and purchase orders are applied over REST, bad rows kept with their errors. The connection
sets a short retry wait of its own, so nothing the other tests share is changed."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from helpers import World, graphql, rest
from webhook_receiver import Receiver

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


def wait_for_status(world: World, tenant: str, version: int, status: str, seconds: float = 20) -> tuple[Any, ...]:
    deadline = time.monotonic() + seconds
    while True:
        row = world.rows("select id::text, status, attempt_count from app.sap_outbound_messages "
                         "where organization_id = %s and entity_version = %s", tenant, version)
        if (row and row[0][1] == status) or time.monotonic() > deadline:
            return row[0] if row else ()
        time.sleep(0.05)


def connect(live: dict[str, str], token: str, url: str, password: str | None = "s3cret") -> None:
    answer = rest(live, "POST", "/rpc/set_sap_connection", token, json={
        "endpoint_url": url, "system_id": "PRD", "client": "100", "username": "PULSE", "password": password,
        "is_enabled": True, "max_attempts": 2, "retry_base_seconds": 0.2})
    assert answer.status_code == 200, answer.text
    assert "password" not in answer.json()


def test_a_part_change_reaches_sap_a_failure_is_retried_logged_and_replayed(live: dict[str, str], receiver: Receiver) -> None:
    world = World(live)
    tenant = world.tenant()
    admin = world.sign_in(world.member(tenant, "admin"))
    engineer = world.sign_in(world.member(tenant, "engineering"))
    quality = world.sign_in(world.member(tenant, "qa"))
    connect(live, admin, receiver.url(f"/ok?t={tenant}"))
    bad = rest(live, "POST", "/rpc/set_sap_connection", admin, json={
        "endpoint_url": "http://sap.example.com/", "system_id": "PRD", "client": "100", "username": "PULSE"})
    assert (bad.status_code, bad.json()["details"]) == (422, "sap_connection.url_invalid"), bad.text

    created = rest(live, "POST", "/parts", engineer, headers={"Prefer": "return=representation"},
                   json={"part_number": "SAP-100", "name": "Housing", "unit": "pcs"})
    assert created.status_code == 201, created.text
    part = created.json()[0]["id"]
    mapped = rest(live, "POST", "/rpc/map_sap_object", admin, json={
        "sap_object_type": "MATERIAL", "sap_object_number": "000000000000004711", "entity_type": "part", "entity_id": part})
    assert mapped.status_code == 200, mapped.text

    [request] = receiver.wait_for(f"/ok?t={tenant}")
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"PULSE:s3cret").decode()
    assert request.headers["sap-client"] == "100"
    assert request.headers["idempotency-key"] == f"part:{part}:1"
    body = json.loads(request.body)
    assert body["entity"] == {"type": "part", "id": part, "version": 1}
    assert body["data"]["material_number"] == "SAP-100" and body["data"]["description"] == "Housing"
    assert set(body) == {"idempotency_key", "message_type", "sap", "object", "entity", "data", "occurred_at"}
    assert wait_for_status(world, tenant, 1, "sent")[1] == "sent"

    # SAP answers 500: retried once (max_attempts 2), then dead; every attempt in the log.
    connect(live, admin, receiver.url(f"/switch?t={tenant}"), password=None)
    changed = rest(live, "PATCH", f"/parts?id=eq.{part}", engineer, json={"name": "Housing, anodized"})
    assert changed.status_code == 204, changed.text
    message, status, attempts = wait_for_status(world, tenant, 2, "dead")
    assert (status, attempts) == ("dead", 2)
    received = receiver.at(f"/switch?t={tenant}")
    assert len(received) == 2 and json.loads(received[0].body)["object"] == {"type": "MATERIAL", "number": "000000000000004711"}
    log = rest(live, "GET", f"/sap_sync_log?message_id=eq.{message}&select=status,http_status,response_excerpt,attempt_number"
                            "&order=attempt_number", admin).json()
    assert log == [{"status": "failed", "http_status": 500, "response_excerpt": "receiver error", "attempt_number": 1},
                   {"status": "failed", "http_status": 500, "response_excerpt": "receiver error", "attempt_number": 2}]
    assert rest(live, "GET", "/sap_sync_log", quality).json() == []  # no integration permission: nothing

    receiver.switch_ok = True
    replayed = graphql(live, "mutation($id: UUID!) { replaySapMessage(input: {messageId: $id}) { result { status replayCount } } }",
                       admin, {"id": message}).json()
    assert "errors" not in replayed, replayed
    assert replayed["data"]["replaySapMessage"]["result"] == {"status": "pending", "replayCount": 1}
    assert wait_for_status(world, tenant, 2, "sent")[1:] == ("sent", 3)
    assert receiver.at(f"/switch?t={tenant}")[-1].headers["idempotency-key"] == f"part:{part}:2"


def test_staged_materials_and_purchase_orders_are_applied_with_error_rows(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    admin = world.sign_in(world.member(tenant, "admin"))
    buyer = world.sign_in(world.member(tenant, "procurement"))
    supplier = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    vendor = world.sql("select code from app.partners where id = %s", supplier)

    staged = rest(live, "POST", "/rpc/stage_sap_materials", admin, json={"materials": [
        {"material_number": "RAW-1", "description": "Aluminium bar", "base_unit": "kg", "revision_level": "00"},
        {"material_number": "RAW-2", "description": "Unknown unit", "base_unit": "bushel"}]})
    assert (staged.status_code, staged.json()) == (200, 2), staged.text
    staged = rest(live, "POST", "/rpc/stage_sap_purchase_orders", admin, json={"purchase_orders": [
        {"po_number": "4500000100", "vendor": vendor,
         "lines": [{"line": 10, "material": "RAW-1", "quantity": 500, "unit": "kg", "delivery_date": "2027-03-01"}]},
        {"po_number": "4500000101", "vendor": "NOBODY", "lines": [{"line": 10, "material": "RAW-1", "quantity": 1, "unit": "kg"}]}]})
    assert (staged.status_code, staged.json()) == (200, 2), staged.text
    refused = rest(live, "POST", "/rpc/apply_sap_staging", buyer, json={})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing"), refused.text

    applied = rest(live, "POST", "/rpc/apply_sap_staging", admin, json={})
    assert applied.json() == {"materials_applied": 1, "materials_failed": 1, "purchase_orders_applied": 1,
                              "purchase_orders_failed": 1}, applied.text
    errors = rest(live, "GET", "/sap_staged_materials?status=eq.error&select=material_number,errors", admin).json()
    assert [(row["material_number"], [e["reason"] for e in row["errors"]]) for row in errors] == [("RAW-2", ["material.unit_unknown"])]
    orders = rest(live, "GET", "/purchase_orders?select=po_number,supplier_id,purchase_order_lines(line_number,quantity,unit)",
                  buyer).json()
    assert orders == [{"po_number": "4500000100", "supplier_id": supplier,
                       "purchase_order_lines": [{"line_number": 10, "quantity": 500, "unit": "kg"}]}]
    answer = graphql(live, "{ sapStagedPurchaseOrders(condition: {status: \"error\"}) { nodes { poNumber errors } } }", admin).json()
    assert "errors" not in answer, answer
    assert [(n["poNumber"], [e["reason"] for e in n["errors"]]) for n in answer["data"]["sapStagedPurchaseOrders"]["nodes"]] == [
        ("4500000101", ["purchase_order.vendor_unknown"])]
    assert rest(live, "POST", "/purchase_orders", admin, json={"po_number": "X", "supplier_id": supplier}).status_code in (401, 403)


def wait_for_entity(world: World, entity: str, version: int, status: str, seconds: float = 20) -> tuple[Any, ...]:
    deadline = time.monotonic() + seconds
    while True:
        row = world.rows("select id::text, status, attempt_count from app.sap_outbound_messages "
                         "where entity_id = %s and entity_version = %s", entity, version)
        if (row and row[0][1] == status) or time.monotonic() > deadline:
            return row[0] if row else ()
        time.sleep(0.05)


def test_a_shipped_shipment_is_an_sap_delivery_and_an_unmapped_ncr_waits_blocked_until_replayed(
        live: dict[str, str], receiver: Receiver) -> None:
    world = World(live)
    tenant = world.tenant()
    admin = world.sign_in(world.member(tenant, "admin"))
    quality = world.sign_in(world.member(tenant, "qa"))
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    customer = str(world.sql("select tests.create_partner(%s)", tenant))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    lot = str(world.sql("select tests.create_lot(%s, %s, %s, 10)", tenant, part, plant))
    lot_number = world.sql("select lot_number from app.lots where id = %s", lot)
    shipper = world.sign_in(world.member(tenant, "logistics", site=plant))
    connect(live, admin, receiver.url(f"/ok?t={tenant}-d"))
    for sap_type, number, entity_type, entity in (("CUSTOMER", "0000300100", "partner", customer),
                                                  ("MATERIAL", "MAT-4711", "part", part)):
        mapped = rest(live, "POST", "/rpc/map_sap_object", admin, json={
            "sap_object_type": sap_type, "sap_object_number": number, "entity_type": entity_type, "entity_id": entity})
        assert mapped.status_code == 200, mapped.text

    shipment = rest(live, "POST", "/rpc/create_shipment", shipper, json={
        "customer_id": customer, "site_id": plant, "carrier": "DHL", "tracking_number": "1Z999", "promised_date": "2030-01-31"}).json()
    item = rest(live, "POST", "/rpc/add_shipment_item", shipper, json={"shipment_id": shipment["id"], "lot_id": lot, "quantity": 4})
    assert item.status_code == 200, item.text
    for state in ("picked", "packed"):
        moved = rest(live, "POST", "/rpc/transition", shipper,
                     json={"entity_type": "shipment", "entity_id": shipment["id"], "to_state": state})
        assert moved.status_code == 200, moved.text
    shipped = rest(live, "POST", "/rpc/ship_shipment", shipper, json={"shipment_id": shipment["id"]})
    assert shipped.status_code == 200, shipped.text

    [request] = receiver.wait_for(f"/ok?t={tenant}-d")
    assert request.headers["idempotency-key"] == f"shipment:{shipment['id']}:1"
    body = json.loads(request.body)
    assert (body["message_type"], body["object"]) == ("shipment.shipped", {"type": "DELIVERY", "number": None})
    data = body["data"]
    assert (data["delivery_number"], data["customer_number"], data["movement"], data["carrier"], data["tracking_number"],
            data["promised_date"]) == (shipment["shipment_number"], "0000300100", "goods_issue", "DHL", "1Z999", "2030-01-31")
    assert [(i["item"], i["material_number"], i["batch"], i["quantity"], i["unit"]) for i in data["items"]] == [
        (10, "MAT-4711", lot_number, 4, "pcs")]
    assert wait_for_entity(world, shipment["id"], 1, "sent")[1] == "sent"

    # An NCR against an unmapped supplier: blocked with its reason, nothing sent; mapped, then replayed over GraphQL.
    supplier = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    raised = rest(live, "POST", "/rpc/create_ncr", quality, json={
        "part_id": part, "site_id": plant, "title": "Burr", "description": "Burr on edge", "nonconforming_quantity": 2,
        "supplier_id": supplier})
    assert raised.status_code == 200, raised.text
    ncr = raised.json()["id"]
    blocked = rest(live, "GET", f"/sap_outbound_messages?entity_id=eq.{ncr}&select=id,message_type,status,blocked_reason,last_error",
                   admin).json()
    assert [(m["message_type"], m["status"], m["blocked_reason"]) for m in blocked] == [("ncr.raised", "blocked", "sap_mapping.missing")]
    assert "VENDOR" in blocked[0]["last_error"]
    refused = rest(live, "POST", "/rpc/replay_sap_message", admin, json={"message_id": blocked[0]["id"]})
    assert (refused.status_code, refused.json()["details"]) == (409, "sap_mapping.missing"), refused.text
    mapped = rest(live, "POST", "/rpc/map_sap_object", admin, json={
        "sap_object_type": "VENDOR", "sap_object_number": "0000104711", "entity_type": "partner", "entity_id": supplier})
    assert mapped.status_code == 200, mapped.text
    replayed = graphql(live, "mutation($id: UUID!) { replaySapMessage(input: {messageId: $id}) { result { status blockedReason } } }",
                       admin, {"id": blocked[0]["id"]}).json()
    assert replayed.get("data", {}).get("replaySapMessage", {}).get("result") == {"status": "pending", "blockedReason": None}, replayed
    assert wait_for_entity(world, ncr, 1, "sent")[1] == "sent"
    notification = json.loads(receiver.at(f"/ok?t={tenant}-d")[-1].body)
    assert (notification["message_type"], notification["object"]["type"], notification["data"]["vendor_number"],
            notification["data"]["material_number"], notification["data"]["notification_type"]) == (
        "ncr.raised", "QUALITY_NOTIFICATION", "0000104711", "MAT-4711", "Q2")


def test_receipts_against_a_purchase_order_line_count_against_its_open_quantity(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    admin = world.sign_in(world.member(tenant, "admin"))
    buyer = world.sign_in(world.member(tenant, "procurement"))
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    dock = world.sign_in(world.member(tenant, "logistics", site=plant))
    supplier = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    vendor = world.sql("select code from app.partners where id = %s", supplier)
    steel = str(world.sql("select tests.create_part(%s, 'kg')", tenant))
    world.sql("insert into app.approved_suppliers (organization_id, supplier_id, status, valid_until) "
              "values (%s, %s, 'approved', current_date + 365)", tenant, supplier)
    material = world.sql("select part_number from app.parts where id = %s", steel)
    staged = rest(live, "POST", "/rpc/stage_sap_purchase_orders", admin, json={"purchase_orders": [
        {"po_number": "4500000200", "vendor": vendor,
         "lines": [{"line": 10, "material": material, "quantity": 50000, "unit": "g", "delivery_date": "2030-02-01"}]}]})
    assert staged.status_code == 200, staged.text
    assert rest(live, "POST", "/rpc/apply_sap_staging", admin, json={}).json()["purchase_orders_applied"] == 1
    [line] = rest(live, "GET", "/purchase_order_lines?select=id,line_number", buyer).json()

    received = rest(live, "POST", "/rpc/record_receipt", dock, json={
        "supplier_id": supplier, "part_id": steel, "site_id": plant, "quantity": 20, "supplier_lot": "H-1",
        "purchase_order_line_id": line["id"]})
    assert received.status_code == 200, received.text
    assert (received.json()["due_on"], received.json()["purchase_order"]) == ("2030-02-01", "4500000200")
    over = rest(live, "POST", "/rpc/record_receipt", dock, json={
        "supplier_id": supplier, "part_id": steel, "site_id": plant, "quantity": 31, "supplier_lot": "H-2",
        "purchase_order_line_id": line["id"]})
    assert (over.status_code, over.json()["details"]) == (409, "receipt.over_receipt"), over.text

    rest_line = rest(live, "GET", f"/purchase_order_lines?id=eq.{line['id']}"
                                  "&select=quantity,unit,purchase_order_lines_received_quantity,purchase_order_lines_open_quantity",
                     buyer).json()
    assert rest_line == [{"quantity": 50000, "unit": "g", "purchase_order_lines_received_quantity": 20000,
                          "purchase_order_lines_open_quantity": 30000}]
    answer = graphql(live, "{ purchaseOrderLines { nodes { lineNumber receivedQuantity openQuantity deliveryCompleted } } }", buyer).json()
    assert answer.get("data", {}).get("purchaseOrderLines", {}).get("nodes") == [
        {"lineNumber": 10, "receivedQuantity": "20000", "openQuantity": "30000", "deliveryCompleted": False}], answer

    # SAP shrinks the line below the 20 kg received: refused in staging.
    rest(live, "POST", "/rpc/stage_sap_purchase_orders", admin, json={"purchase_orders": [
        {"po_number": "4500000200", "vendor": vendor, "lines": [{"line": 10, "material": material, "quantity": 15, "unit": "kg"}]}]})
    assert rest(live, "POST", "/rpc/apply_sap_staging", admin, json={}).json()["purchase_orders_failed"] == 1
    errors = rest(live, "GET", "/sap_staged_purchase_orders?status=eq.error&select=errors", admin).json()
    assert [e["reason"] for row in errors for e in row["errors"]] == ["purchase_order_line.below_received"]
