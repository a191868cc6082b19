"""Lab storage, custody and reagents over HTTP (issue #15, phase 2): a location tree built and a sample stored
through PostgREST (201, 409 full, 422 temperature with both ranges, the custody trail, 403 for a wrong signature
with its Pulse-Refusal header); a reagent used and refused through PostGraphile, the stock view on both."""

from __future__ import annotations

import pytest

from helpers import TEST_PASSWORD, World, graphql, rest

pytestmark = pytest.mark.stack

MOVE = """mutation ($sample: UUID!, $to: UUID!) {
  moveSample(input: {sampleId: $sample, toLocationId: $to, reason: "to the cold room"}) { result { rowId toKey fromKey } }
}"""
USE = """mutation ($lot: UUID!, $sample: UUID!) {
  useReagent(input: {lotId: $lot, quantity: "25", unit: "mL", entityType: "sample", entityId: $sample}) { result { lotQuantity unit } }
}"""
STOCK = """query { reagentStocks { nodes { code available isLow } } }"""


def lab(world: World) -> tuple[str, str, str]:
    """A tenant with a site and a 2-8 °C sample type: (tenant, site, sample type)."""
    tenant = world.tenant()
    site = str(world.sql("select tests.create_site(%s)", tenant))
    water = str(world.sql("select tests.create_sample_type(%s, 'water')", tenant))
    return tenant, site, water


def received_sample(world: World, tenant: str, sample_type: str, site: str) -> str:
    sample = str(world.sql("select tests.create_sample(%s, %s, %s)", tenant, sample_type, site))
    world.sql("select tests.set_sample_status(%s, %s, 'received')", tenant, sample)
    return sample


def test_storage_and_custody_over_rest(live) -> None:
    world = World(live)
    tenant, site, water = lab(world)
    frozen = str(world.sql("select tests.create_sample_type(%s, 'plasma', 'mL', -30, -15)", tenant))
    manager = world.sign_in(world.member(tenant, "lab_manager"))
    tech_person = world.member(tenant, "lab_tech", site=site)
    tech = world.sign_in(tech_person)
    stranger = world.sign_in(world.member(world.tenant(), "admin"))
    representation = {"Prefer": "return=representation"}

    def location(**row: object) -> dict:
        created = rest(live, "POST", "/storage_locations", manager, headers=representation, json=row)
        assert created.status_code == 201, created.text
        return created.json()[0]

    fridge = location(kind="fridge", code="FR-1", name="Fridge 1", site_id=site, min_celsius=2, max_celsius=8)
    box = location(kind="box", code="FR-1/B1", name="Box 1", parent_id=fridge["id"], capacity=81)
    a1 = location(kind="position", code="FR-1/B1/A1", name="A1", parent_id=box["id"])
    assert (box["site_id"], a1["capacity"]) == (site, 1), "a child takes its parent's site; a position holds one"
    denied = rest(live, "POST", "/storage_locations", tech, json={"kind": "room", "code": "R", "name": "R"})
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing")

    sample, second = received_sample(world, tenant, water, site), received_sample(world, tenant, water, site)
    moved = rest(live, "POST", "/rpc/move_sample", tech,
                 json={"sample_id": sample, "to_location_id": a1["id"], "reason": "stored at receipt", "condition": "intact"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["to_key"] == f"location:{a1['id']}"
    full = rest(live, "POST", "/rpc/move_sample", tech, json={"sample_id": second, "to_location_id": a1["id"], "reason": "x"})
    assert (full.status_code, full.json()["details"]) == (409, "storage_location.full")
    plasma = received_sample(world, tenant, frozen, site)
    warm = rest(live, "POST", "/rpc/move_sample", tech, json={"sample_id": plasma, "to_location_id": box["id"], "reason": "x"})
    assert (warm.status_code, warm.json()["details"]) == (422, "storage.temperature_mismatch")
    assert "2 to 8" in warm.json()["message"] and "-30 to -15" in warm.json()["message"], warm.text

    handed = rest(live, "POST", "/rpc/hand_over_sample", tech,
                  json={"sample_id": sample, "reason": "courier pick-up", "to_external": "Acme Couriers"})
    assert handed.status_code == 200, handed.text
    trail = rest(live, "GET", f"/custody_events?sample_id=eq.{sample}&order=recorded_at,id&select=from_key,to_key,reason", tech)
    assert [row["to_key"] for row in trail.json()] == [f"location:{a1['id']}", "external:Acme Couriers"], trail.text
    assert trail.json()[1]["from_key"] == f"location:{a1['id']}", "each event starts where the last ended"
    assert rest(live, "GET", f"/samples?id=eq.{sample}&select=storage_location_id,custody_external", tech).json() == [
        {"storage_location_id": None, "custody_external": "Acme Couriers"}]
    assert rest(live, "PATCH", f"/samples?id=eq.{second}", tech, json={"storage_location_id": box["id"]}).status_code in (401, 403)
    assert rest(live, "GET", f"/custody_events?sample_id=eq.{sample}", stranger).json() == []

    world.sql("insert into app.tenant_feature_flags (organization_id, flag_key, value) values (%s, 'glp_esignatures_required', 'true')",
              tenant)
    wrong = rest(live, "POST", "/rpc/move_sample", tech,
                 json={"sample_id": second, "to_location_id": box["id"], "reason": "x", "signature": {"password": "nope", "reason": "x"}})
    assert (wrong.status_code, wrong.headers.get("Pulse-Refusal")) == (403, "signature.wrong_password"), wrong.text
    signed = rest(live, "POST", "/rpc/move_sample", tech,
                  json={"sample_id": second, "to_location_id": box["id"], "reason": "x",
                        "signature": {"password": TEST_PASSWORD, "reason": "stored as planned"}})
    assert signed.status_code == 200 and len(signed.json()["signature"]["payload_sha256"]) == 64, signed.text


def test_reagents_over_graphql(live) -> None:
    world = World(live)
    tenant, site, water = lab(world)
    manager = world.sign_in(world.member(tenant, "lab_manager"))
    tech = world.sign_in(world.member(tenant, "lab_tech", site=site))
    sample = received_sample(world, tenant, water, site)
    item = world.sql("select tests.create_reagent_item(%s, 'mL', 100)", tenant)
    world.sql("update app.reagent_items set code = 'BUF-PH7' where id = %s", item)
    lot = str(world.sql("select tests.create_reagent_lot(%s, %s, 0.125, current_date + 30, 'available', 'L')", tenant, item))
    expired = str(world.sql("select tests.create_reagent_lot(%s, %s, 50, current_date - 1)", tenant, item))

    used = graphql(live, USE, tech, {"lot": lot, "sample": sample}).json()
    assert "errors" not in used, used
    assert used["data"]["useReagent"]["result"] == {"lotQuantity": "0.025", "unit": "mL"}, used
    refused = graphql(live, USE, tech, {"lot": expired, "sample": sample}).json()
    assert refused["errors"][0]["extensions"]["details"] == "reagent_lot.expired", refused

    stock = graphql(live, STOCK, manager).json()
    assert stock["data"]["reagentStocks"]["nodes"] == [{"code": "BUF-PH7", "available": "100", "isLow": False}], stock
    assert graphql(live, USE, tech, {"lot": lot, "sample": sample}).json()["data"]["useReagent"]["result"]["lotQuantity"] == "0.025"
    low = rest(live, "GET", "/reagent_stock?select=code,available,is_low", manager).json()
    assert low == [{"code": "BUF-PH7", "available": 75, "is_low": True}], low
    notified = rest(live, "GET", "/notifications?select=title", manager).json()
    assert [row["title"] for row in notified] == ["BUF-PH7 is low on stock"], notified
    over = rest(live, "POST", "/rpc/use_reagent", tech,
                json={"lot_id": lot, "quantity": 1, "unit": "L", "entity_type": "sample", "entity_id": sample})
    assert (over.status_code, over.json()["details"]) == (409, "reagent_lot.insufficient")


def test_moving_over_graphql(live) -> None:
    world = World(live)
    tenant, site, water = lab(world)
    tech = world.sign_in(world.member(tenant, "lab_tech", site=site))
    fridge = str(world.sql("select tests.create_storage_location(%s, 'fridge', null, null, 2, 8, %s)", tenant, site))
    sample = received_sample(world, tenant, water, site)
    moved = graphql(live, MOVE, tech, {"sample": sample, "to": fridge}).json()
    assert "errors" not in moved, moved
    assert moved["data"]["moveSample"]["result"]["toKey"] == f"location:{fridge}"
    again = graphql(live, MOVE, tech, {"sample": sample, "to": fridge}).json()
    assert again["errors"][0]["extensions"]["details"] == "custody.same_place", again
