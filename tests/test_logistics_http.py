"""Logistics over both servers: a shipment is built, packed and shipped over REST, its SSCC label and its
certificate of conformance are rendered by the stack's worker (config/worker/tasks/label_render.mjs, coc_render.mjs)
and stored as objects; the customer's portal user reads it over GraphQL and a scanner records a scan."""
from __future__ import annotations

import hashlib
import json
import struct
import time
from typing import Any

import httpx
import psycopg
import pytest

from helpers import World, graphql, rest
from object_store import ObjectStore

pytestmark = pytest.mark.stack


def rendered(live: dict[str, Any], bearer: str, path: str, seconds: float = 20) -> dict[str, Any]:
    """The label or certificate row once the worker is done with it (or the time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        row: dict[str, Any] = rest(live, "GET", path, bearer).json()[0]
        if row["status"] != "queued" or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def test_a_shipment_ships_its_label_and_certificate_are_rendered_and_the_customer_reads_it(
        live: dict[str, Any], world: World, object_store: ObjectStore) -> None:
    object_store.configure(live["url"])
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    customer = str(world.sql("select tests.create_partner(%s)", tenant))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    lot = str(world.sql("select tests.create_lot(%s, %s, %s, 10)", tenant, part, plant))
    world.sql("insert into app.tenant_settings (organization_id, setting_key, value) values (%s, 'gs1_company_prefix', %s)",
              tenant, '"0614141"')
    shipper = world.sign_in(world.member(tenant, "logistics", site=plant))

    created = rest(live, "POST", "/rpc/create_shipment", shipper,
                   json={"customer_id": customer, "site_id": plant, "carrier": "DHL", "promised_date": "2030-01-31"})
    assert created.status_code == 200, created.text
    shipment = created.json()
    assert (shipment["status"], shipment["shipment_number"][:4]) == ("draft", "SHP-")
    unit = rest(live, "POST", "/rpc/add_shipping_unit", shipper, json={"shipment_id": shipment["id"], "packaging": "pallet"}).json()
    assert unit["sscc"] == "006141410000000012"
    too_much = rest(live, "POST", "/rpc/add_shipment_item", shipper, json={"shipment_id": shipment["id"], "lot_id": lot, "quantity": 11})
    assert (too_much.status_code, too_much.json()["details"]) == (409, "lot.insufficient_quantity"), too_much.text
    item = rest(live, "POST", "/rpc/add_shipment_item", shipper,
                json={"shipment_id": shipment["id"], "lot_id": lot, "quantity": 4, "shipping_unit_id": unit["id"]})
    assert item.status_code == 200, item.text
    for state in ("picked", "packed"):
        moved = rest(live, "POST", "/rpc/transition", shipper,
                     json={"entity_type": "shipment", "entity_id": shipment["id"], "to_state": state})
        assert moved.status_code == 200, moved.text
    shipped = rest(live, "POST", "/rpc/ship_shipment", shipper, json={"shipment_id": shipment["id"]})
    assert (shipped.status_code, shipped.json()["status"]) == (200, "shipped"), shipped.text

    # The worker renders the SSCC label (PNG) and the certificate of conformance (PDF) and stores them.
    label = rest(live, "POST", "/rpc/request_label", shipper, json={"shipping_unit_id": unit["id"]}).json()
    assert label["element_string"] == "(00)006141410000000012"
    uninspected = rest(live, "POST", "/rpc/issue_shipment_certificate", shipper, json={"shipment_id": shipment["id"]})
    assert (uninspected.status_code, uninspected.json()["details"]) == (409, "certificate.not_inspected"), uninspected.text
    world.sql("select tests.approve_inspection(lot_id => %s)", lot)
    certificate = rest(live, "POST", "/rpc/issue_shipment_certificate", shipper, json={"shipment_id": shipment["id"]}).json()
    for path, url_rpc, key, digest, size, magic in (
            (f"/labels?id=eq.{label['id']}", "label_image_url", "label_id", "sha256", "size_bytes", b"\x89PNG"),
            (f"/shipment_certificates?id=eq.{certificate['id']}", "shipment_certificate_url", "certificate_id", "pdf_sha256",
             "pdf_size", b"%PDF")):
        row = rendered(live, shipper, path)
        assert row["status"] == "rendered", row
        url = rest(live, "POST", f"/rpc/{url_rpc}", shipper, json={key: row["id"]})
        assert url.status_code == 200, url.text
        body = httpx.get(url.json()["url"]).content
        assert body.startswith(magic) and (hashlib.sha256(body).hexdigest(), len(body)) == (row[digest], row[size])

    # The customer's portal user reads the shipment and its certificate over GraphQL; a scanner scans the unit.
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=customer))
    seen = graphql(live, """{ shipments { nodes { shipmentNumber status shipmentCertificates { nodes { status } } } } }""", portal).json()
    assert "errors" not in seen, seen
    assert seen["data"]["shipments"]["nodes"] == [{"shipmentNumber": shipment["shipment_number"], "status": "shipped",
                                                   "shipmentCertificates": {"nodes": [{"status": "rendered"}]}}]
    scanned = graphql(live, """mutation($code: String!) { scan(input: {code: $code, location: "Truck 12", device: "gun-1"}) {
                                 result { codeKind location } } }""", shipper, {"code": "(00)006141410000000012"}).json()
    assert "errors" not in scanned, scanned
    assert scanned["data"]["scan"]["result"] == {"codeKind": "gs1", "location": "Truck 12"}
    unknown = rest(live, "POST", "/rpc/scan", shipper, json={"code": "NOPE", "location": "Dock", "device": "gun-1"})
    assert (unknown.status_code, unknown.json()["details"]) == (404, "scan.unknown_code"), unknown.text


def png_size(png: bytes) -> tuple[int, int, int | None]:
    """Width and height in pixels (IHDR, the first chunk) and pixels per metre (pHYs, unit 1), from the PNG header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    offset, per_metre = 8, None
    while offset < len(png):
        (length,), kind = struct.unpack(">I", png[offset:offset + 4]), png[offset + 4:offset + 8]
        if kind == b"pHYs" and png[offset + 16] == 1:
            per_metre = struct.unpack(">I", png[offset + 8:offset + 12])[0]
        if kind == b"IDAT":
            break
        offset += 12 + length
    return width, height, per_metre


@pytest.mark.parametrize(("label_width", "label_height", "image_pixels"), [(102, 152, (780, 347)), (50, 30, (312, 109))])
def test_a_label_image_has_the_size_of_the_tenants_label_format(
        live: dict[str, Any], world: World, object_store: ObjectStore, label_width: int, label_height: int,
        image_pixels: tuple[int, int]) -> None:
    """The label_render job draws the SSCC's GS1-128 symbol to fit the tenant's setting shipment_label_format: 90 % of
    the label's width, a quarter of its height (10 mm at least), plus the human-readable line, at 216 dpi (bwip-js:
    72 dpi x scale 3), which the PNG records (pHYs). A module is a whole number of pixels, so the symbol is as wide
    as the most whole pixels per module fit: an SSCC is 156 modules; 92 mm is 782 px, 5 px a module, 780 px
    (91.7 mm); 45 mm is 383 px, 2 px a module, 312 px (36.7 mm). Bars 38 mm (323 px) or 10 mm (85 px) high, and
    24 px of text."""
    object_store.configure(live["url"])
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    customer = str(world.sql("select tests.create_partner(%s)", tenant))
    world.sql("insert into app.tenant_settings (organization_id, setting_key, value) values (%s, 'gs1_company_prefix', %s),"
              " (%s, 'shipment_label_format', %s)", tenant, '"0614141"', tenant,
              json.dumps({"symbology": "gs1-128", "width_mm": label_width, "height_mm": label_height}))
    shipper = world.sign_in(world.member(tenant, "logistics", site=plant))
    shipment = rest(live, "POST", "/rpc/create_shipment", shipper, json={"customer_id": customer, "site_id": plant}).json()
    unit = rest(live, "POST", "/rpc/add_shipping_unit", shipper, json={"shipment_id": shipment["id"], "packaging": "carton"}).json()
    label = rest(live, "POST", "/rpc/request_label", shipper, json={"shipping_unit_id": unit["id"]}).json()
    row = rendered(live, shipper, f"/labels?id=eq.{label['id']}")
    assert row["status"] == "rendered", row
    url = rest(live, "POST", "/rpc/label_image_url", shipper, json={"label_id": row["id"]}).json()["url"]
    width, height, per_metre = png_size(httpx.get(url).content)

    dpi = 216
    assert per_metre == int(dpi / 0.0254)
    px = dpi / 25.4  # pixels per millimetre
    symbol_width, bar_height = round(label_width * 0.9), max(10, round(label_height * 0.25))
    module = int(symbol_width * px / 156)
    assert (width, height) == (156 * module, round(bar_height * px) + 24) == image_pixels
    # In millimetres, as it prints: never wider than the setting asks, and a pixel more a module would be.
    printed = width / per_metre * 1000
    assert printed <= symbol_width < 156 * (module + 1) / px


def test_two_connections_scanning_the_same_code_on_one_device_record_one_event(live: dict[str, Any], world: World) -> None:
    """The first scan holds the device-and-code lock until it commits: the second waits (lock_timeout shows the wait
    without sleeping), then finds the first event and returns it; one row, not two."""
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    lot = str(world.sql("select tests.create_lot(%s, %s, %s, 10)", tenant, part, plant))
    number = world.sql("select lot_number from app.lots where id = %s", lot)
    scanner = world.member(tenant, "logistics", site=plant)
    scan = "select id::text from app.scan(%s, 'Dock 1', 'gun-7')"
    with psycopg.connect(live["url"]) as first, psycopg.connect(live["url"]) as second:
        for conn in (first, second):
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [scanner.id, tenant])
        (event,) = first.execute(scan, [number]).fetchone() or ("",)
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(scan, [number])
        second.rollback()
        first.commit()
        second.execute("select tests.act_as(%s::uuid, %s::uuid)", [scanner.id, tenant])
        assert second.execute(scan, [number]).fetchone() == (event,)
        second.commit()
    assert world.sql("select count(*) from app.scan_events where lot_id = %s", lot) == 1
