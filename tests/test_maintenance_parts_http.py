"""Maintenance spare parts over HTTP (issue #17): a storekeeper sets up a storeroom, a bin and a reorder point and
receives stock through PostgREST; a plant-scoped technician issues against an asset through PostGraphile and
PostgREST (409 stock.insufficient beyond what is available); the low-stock purchase request appears on both
servers; two connections racing for the last unit: one waits for the other's lock and is refused."""

from __future__ import annotations

import psycopg
import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

ISSUE = """mutation ($part: UUID!, $bin: UUID!, $asset: UUID!) {
  issueStock(input: {partId: $part, quantity: "1", entityType: "equipment", entityId: $asset, binId: $bin}) { result { quantity kind } }
}"""
REQUESTS = """query { purchaseRequests { nodes { partId quantity status vendorId } } }"""


def store(world: World) -> tuple[str, str, str, str]:
    """A tenant with a plant, a pump there and a part: (tenant, site, pump, part)."""
    tenant = world.tenant()
    site = str(world.sql("select tests.create_site(%s)", tenant))
    kind = world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant)
    pump = str(world.sql("select tests.create_equipment(%s, %s, %s)", tenant, kind, site))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    return tenant, site, pump, part


def test_issue_and_purchase_request_on_both_servers(live) -> None:
    world = World(live)
    tenant, site, pump, part = store(world)
    keeper = world.sign_in(world.member(tenant, "storekeeper"))
    tech = world.sign_in(world.member(tenant, "technician", site=site))
    stranger = world.sign_in(world.member(world.tenant(), "admin"))
    representation = {"Prefer": "return=representation"}

    room = rest(live, "POST", "/storerooms", keeper, headers=representation, json={"site_id": site, "code": "S1", "name": "Main store"})
    assert room.status_code == 201, room.text
    room_id = room.json()[0]["id"]
    bin_ = rest(live, "POST", "/storeroom_bins", keeper, headers=representation, json={"storeroom_id": room_id, "code": "A-01"})
    assert bin_.status_code == 201 and bin_.json()[0]["site_id"] == site, bin_.text
    bin_id = bin_.json()[0]["id"]
    denied = rest(live, "POST", "/storeroom_bins", tech, json={"storeroom_id": room_id, "code": "A-02"})
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing")
    received = rest(live, "POST", "/rpc/receive_stock", keeper, json={"part_id": part, "bin_id": bin_id, "quantity": 3, "unit_cost": 9.5})
    assert received.status_code == 200 and received.json()["kind"] == "receipt", received.text
    setting = rest(live, "POST", "/part_storeroom_settings", keeper,
                   json={"part_id": part, "storeroom_id": room_id, "reorder_point": 2, "reorder_quantity": 5})
    assert setting.status_code == 201, setting.text

    issued = graphql(live, ISSUE, tech, {"part": part, "bin": bin_id, "asset": pump}).json()
    assert "errors" not in issued, issued
    assert issued["data"]["issueStock"]["result"] == {"quantity": "-1", "kind": "issue"}
    assert graphql(live, REQUESTS, keeper).json()["data"]["purchaseRequests"]["nodes"] == [], "2 available is not below the point of 2"

    too_many = rest(live, "POST", "/rpc/issue_stock", tech,
                    json={"part_id": part, "quantity": 5, "entity_type": "equipment", "entity_id": pump, "bin_id": bin_id})
    assert (too_many.status_code, too_many.json()["details"]) == (409, "stock.insufficient")
    again = rest(live, "POST", "/rpc/issue_stock", tech,
                 json={"part_id": part, "quantity": 1, "entity_type": "equipment", "entity_id": pump, "bin_id": bin_id})
    assert again.status_code == 200, again.text

    requests = rest(live, "GET", "/purchase_requests?select=part_id,quantity,status,available_at_request", keeper)
    assert requests.json() == [{"part_id": part, "quantity": 5, "status": "open", "available_at_request": 1}]
    nodes = graphql(live, REQUESTS, keeper).json()["data"]["purchaseRequests"]["nodes"]
    assert [(n["partId"], n["quantity"], n["status"]) for n in nodes] == [(part, "5", "open")]
    below = rest(live, "GET", "/parts_below_reorder_point?select=part_id,available,level", keeper)
    assert below.json() == [{"part_id": part, "available": 1, "level": 2}]
    assert rest(live, "GET", "/purchase_requests", stranger).json() == []
    assert rest(live, "GET", "/part_stock", stranger).json() == []


def test_two_connections_racing_for_the_last_unit(live) -> None:
    """The first issue holds the stock row's lock until it commits: the second waits (lock_timeout shows the wait
    without sleeping), then sees nothing left and is refused with PT409 stock.insufficient; on hand stays 0."""
    world = World(live)
    tenant, site, pump, part = store(world)
    keeper = world.member(tenant, "storekeeper")
    tech = world.member(tenant, "technician", site=site)
    room = world.sql("insert into app.storerooms (organization_id, site_id, code, name) values (%s, %s, 'S1', 'Store') returning id",
                     tenant, site)
    bin_id = world.sql("insert into app.storeroom_bins (organization_id, storeroom_id, code) values (%s, %s, 'A-01') returning id",
                       tenant, room)
    with psycopg.connect(live["url"]) as conn:
        conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [keeper.id, tenant])
        conn.execute("select app.receive_stock(%s, %s, 1)", [part, bin_id])
    issue = "select (app.issue_stock(%s, 1, 'equipment', %s, %s)).quantity"
    with psycopg.connect(live["url"]) as first, psycopg.connect(live["url"]) as second:
        for conn in (first, second):
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [tech.id, tenant])
        assert first.execute(issue, [part, pump, bin_id]).fetchone() == (-1,)
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(issue, [part, pump, bin_id])
        second.rollback()
        first.commit()
        second.execute("select tests.act_as(%s::uuid, %s::uuid)", [tech.id, tenant])
        with pytest.raises(psycopg.Error) as refused:
            second.execute(issue, [part, pump, bin_id])
        assert (refused.value.diag.sqlstate, refused.value.diag.message_detail) == ("PT409", "stock.insufficient")
    assert world.sql("select on_hand from app.part_stock where bin_id = %s", bin_id) == 0
    assert world.sql("select count(*) from app.stock_movements where bin_id = %s and kind = 'issue'", bin_id) == 1
