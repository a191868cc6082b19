"""Traceability over HTTP (issue #16, phase 8): a production member makes lots and serials and records consumption over
REST, quality holds a lot, a recall is simulated over GraphQL; a lot on hold is refused over REST and over GraphQL with
its reason, and a technician of another plant finds nothing. Two connections consuming one lot at once: the second
waits for the first's lock, then gets 409 lot.insufficient_quantity, never a negative remaining quantity; two connections
numbering lots take consecutive numbers one after the other."""

from __future__ import annotations

import psycopg
import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

RECALL = """query ($lot: UUID!) { recallSimulation(lotId: $lot) { nodes { itemNumber itemType depth finished } } }"""
HOLD = """mutation ($lot: UUID!, $reason: String!) {
  setLotQualityStatus(input: {lotId: $lot, qualityStatus: on_hold, reason: $reason}) {
    result { lotNumber qualityStatus inventoryState } } }"""


def plant(world: World) -> tuple[str, str, str, str, str]:
    """A tenant with two plants, a raw material (kg) and a finished part (pcs): tenant, plant A, plant B, raw, finished."""
    tenant = world.tenant()
    plant_a = str(world.sql("select tests.create_site(%s)", tenant))
    plant_b = str(world.sql("select tests.create_site(%s)", tenant))
    raw = str(world.sql("select tests.create_part(%s, 'kg')", tenant))
    finished = str(world.sql("select tests.create_part(%s)", tenant))
    return tenant, plant_a, plant_b, raw, finished


def test_make_consume_hold_and_recall_over_rest_and_graphql(live: dict[str, str]) -> None:
    world = World(live)
    tenant, plant_a, plant_b, raw, finished = plant(world)
    producer = world.sign_in(world.member(tenant, "production", site=plant_a))
    quality = world.sign_in(world.member(tenant, "qa"))
    elsewhere = world.sign_in(world.member(tenant, "technician", site=plant_b))

    made = rest(live, "POST", "/rpc/create_lots", producer, json={"part_id": raw, "site_id": plant_a, "quantity": 100, "lot_count": 2})
    assert made.status_code == 200, made.text
    coil, spare = (lot["id"] for lot in made.json())
    assert [lot["inventory_state"] for lot in made.json()] == ["available", "available"]
    batch = rest(live, "POST", "/rpc/create_lots", producer, json={"part_id": finished, "site_id": plant_a, "quantity": 10})
    batch_id = batch.json()[0]["id"]
    serials = rest(live, "POST", "/rpc/create_serials", producer,
                   json={"part_id": finished, "site_id": plant_a, "serial_count": 3, "lot_id": batch_id})
    assert serials.status_code == 200 and len(serials.json()) == 3, serials.text
    used = rest(live, "POST", "/rpc/record_consumption", producer,
                json={"produced_lot_id": batch_id, "consumed": [{"lot_id": coil, "quantity": 2500, "unit": "g"}]})
    assert used.status_code == 200 and used.json()[0]["quantity"] == 2.5, used.text
    for serial in serials.json():
        step = rest(live, "POST", "/rpc/record_consumption", producer,
                    json={"produced_serial_id": serial["id"], "consumed": [{"lot_id": batch_id, "quantity": 1}]})
        assert step.status_code == 200, step.text
    left = rest(live, "GET", f"/lots?id=eq.{coil}&select=remaining_quantity,inventory_state", producer).json()
    assert left == [{"remaining_quantity": 97.5, "inventory_state": "partly_consumed"}]

    recall = graphql(live, RECALL, quality, {"lot": coil}).json()
    assert "errors" not in recall, recall
    nodes = recall["data"]["recallSimulation"]["nodes"]
    assert sorted((n["itemType"], n["depth"], n["finished"]) for n in nodes) == [
        ("lot", 0, False), ("lot", 1, False), ("serial", 2, True), ("serial", 2, True), ("serial", 2, True)]

    held = graphql(live, HOLD, quality, {"lot": spare, "reason": "Supplier alert 2026-17"}).json()
    assert "errors" not in held, held
    assert held["data"]["setLotQualityStatus"]["result"]["qualityStatus"] == "on_hold", held
    refused = rest(live, "POST", "/rpc/record_consumption", producer,
                   json={"produced_lot_id": batch_id, "consumed": [{"lot_id": spare, "quantity": 1}]})
    assert (refused.status_code, refused.json()["details"]) == (409, "lot.not_released"), refused.text
    no_reason = graphql(live, HOLD, quality, {"lot": spare, "reason": " "}).json()
    assert no_reason["errors"][0]["extensions"]["details"] == "trace_status.reason_required", no_reason

    assert rest(live, "GET", "/lots?select=id", elsewhere).json() == []
    hidden = graphql(live, RECALL, elsewhere, {"lot": coil}).json()
    assert hidden["errors"][0]["extensions"]["details"] == "lot.not_found", hidden
    forged = rest(live, "POST", "/lots", producer, json={"lot_number": "X", "part_id": raw, "site_id": plant_a, "quantity": 1,
                                                        "remaining_quantity": 1, "unit": "kg"})
    assert forged.status_code in (401, 403), forged.text


def test_two_connections_cannot_overdraw_a_lot(live: dict[str, str]) -> None:
    """The first consumption holds the lot's row lock until it commits: the second connection cannot take it meanwhile
    (lock_timeout shows the wait without sleeping), and afterwards sees what is left and is refused with 409."""
    world = World(live)
    tenant, plant_a, _, raw, finished = plant(world)
    producer = world.member(tenant, "production", site=plant_a)
    lot = str(world.sql("select tests.create_lot(%s, %s, %s, 100)", tenant, raw, plant_a))
    out_1 = str(world.sql("select tests.create_lot(%s, %s, %s, 1)", tenant, finished, plant_a))
    out_2 = str(world.sql("select tests.create_lot(%s, %s, %s, 1)", tenant, finished, plant_a))
    take = "select count(*) from app.record_consumption(jsonb_build_array(jsonb_build_object('lot_id', %s::text, 'quantity', 60)), %s)"
    with psycopg.connect(live["url"]) as first, psycopg.connect(live["url"]) as second:
        for conn in (first, second):
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [producer.id, tenant])
        assert first.execute(take, [lot, out_1]).fetchone() == (1,)
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(take, [lot, out_2])
        second.rollback()
        first.commit()
        second.execute("select tests.act_as(%s::uuid, %s::uuid)", [producer.id, tenant])
        with pytest.raises(psycopg.Error) as refused:
            second.execute(take, [lot, out_2])
        assert refused.value.diag.sqlstate == "PT409" and refused.value.diag.message_detail == "lot.insufficient_quantity"
    assert world.sql("select remaining_quantity from app.lots where id = %s", lot) == 40


def test_two_connections_number_lots_one_after_the_other(live: dict[str, str]) -> None:
    """Lot numbers are race-free: the second creator waits on the counter row until the first commits, then takes the
    next number (never the same one)."""
    world = World(live)
    tenant, plant_a, _, raw, _ = plant(world)
    producer = world.member(tenant, "production", site=plant_a)
    make = "select lot_number from app.create_lots(%s, %s, 1, produced_at => '2026-01-15 12:00Z')"  # one period, whatever the clock
    with psycopg.connect(live["url"]) as first, psycopg.connect(live["url"]) as second:
        for conn in (first, second):
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [producer.id, tenant])
        (one,) = first.execute(make, [raw, plant_a]).fetchone() or ("",)
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(make, [raw, plant_a])
        second.rollback()
        first.commit()
        second.execute("select tests.act_as(%s::uuid, %s::uuid)", [producer.id, tenant])
        (two,) = second.execute(make, [raw, plant_a]).fetchone() or ("",)
        second.commit()
    assert one.endswith("-0001") and two.endswith("-0002") and one[:-4] == two[:-4], (one, two)
