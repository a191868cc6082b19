"""Samples over HTTP (issue #15, phase 2): a technician receives a batch over REST (one received, one rejected with
a reason from the tenant's list), splits and pools over REST, walks the lineage over GraphQL, and another tenant
finds nothing; two connections taking from one parent at once: the second waits for the first's lock and then
gets 409 with the reason, never a negative remaining quantity."""

from __future__ import annotations

import psycopg
import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def lab(world: World) -> tuple[str, str, str]:
    """A lab tenant (tests.create_lab_tenant) with its rejection reasons: tenant, site, sample type water."""
    tenant = str(world.sql("select tests.create_lab_tenant()"))
    world.sql("select tests.create_rejection_reasons(%s)", tenant)
    site = str(world.sql("select id from app.sites where organization_id = %s limit 1", tenant))
    water = str(world.sql("select id from app.sample_types where organization_id = %s and code = 'water'", tenant))
    return tenant, site, water


def test_receive_split_pool_and_lineage_over_rest_and_graphql(live) -> None:
    world = World(live)
    tenant, site, water = lab(world)
    tech = world.sign_in(world.member(tenant, "lab_tech", site=site))
    outsider = world.sign_in(world.member(world.tenant(), "admin"))

    received = rest(
        live,
        "POST",
        "/rpc/receive_samples",
        tech,
        json={
            "samples": [
                {
                    "sample_type_id": water,
                    "site_id": site,
                    "quantity": 100,
                    "temperature_celsius": 4.2,
                    "container_intact": True,
                    "seal_intact": True,
                },
                {
                    "sample_type_id": water,
                    "site_id": site,
                    "quantity": 100,
                    "barcode": "CUST-9",
                    "rejection_reason": "leaking",
                    "notes": "Cap cracked",
                },
            ]
        },
    )
    assert received.status_code == 200, received.text
    batch = received.json()
    assert [(s["sample_number"], s["barcode"], s["status"]) for s in batch] == [
        ("S-000001", "S-000001", "received"),
        ("S-000002", "CUST-9", "rejected"),
    ]
    parent, rejected = batch[0]["id"], batch[1]["id"]

    unknown = rest(live, "POST", "/rpc/reject_sample", tech, json={"sample_id": parent, "reason": "no-such"})
    assert (unknown.status_code, unknown.json()["details"]) == (422, "sample.rejection_reason_unknown"), unknown.text
    closed = rest(live, "POST", "/rpc/retest_sample", tech, json={"sample_id": rejected})
    assert (closed.status_code, closed.json()["details"]) == (409, "sample.status_transition"), closed.text

    split = rest(
        live,
        "POST",
        "/rpc/split_sample",
        tech,
        json={"sample_id": parent, "kind": "aliquot", "children": [{"quantity": 30}, {"quantity": 0.01, "unit": "L"}]},
    )
    assert split.status_code == 200, split.text
    children = [c["id"] for c in split.json()]
    too_much = rest(live, "POST", "/rpc/split_sample", tech, json={"sample_id": parent, "kind": "aliquot", "children": [{"quantity": 61}]})
    assert (too_much.status_code, too_much.json()["details"]) == (409, "sample.insufficient_quantity"), too_much.text
    pool = rest(
        live,
        "POST",
        "/rpc/pool_samples",
        tech,
        json={
            "parents": [{"sample_id": children[0], "quantity": 5, "unit": "mL"}, {"sample_id": children[1], "quantity": 5, "unit": "mL"}]
        },
    )
    assert pool.status_code == 200, pool.text
    assert pool.json()["quantity"] == 10, pool.text

    walked = rest(live, "GET", f"/rpc/sample_lineage?sample_id={pool.json()['id']}&direction=ancestors&depth=5", tech)
    assert walked.status_code == 200, walked.text
    assert sorted((row["sample_number"], row["level"]) for row in walked.json()) == [
        ("S-000001", 2),
        ("S-000001", 2),
        ("S-000003", 1),
        ("S-000004", 1),
    ]
    query = """query ($id: UUID!) { sampleLineage(sampleId: $id, direction: "descendants", depth: 3) {
                 nodes { sampleNumber relation kind quantity unit level } } }"""
    answer = graphql(live, query, tech, {"id": parent}).json()
    assert "errors" not in answer, answer
    nodes = answer["data"]["sampleLineage"]["nodes"]
    assert sorted((n["sampleNumber"], n["kind"], n["level"]) for n in nodes) == [
        ("S-000003", "aliquot", 1),
        ("S-000004", "aliquot", 1),
        ("S-000005", "pool", 2),
        ("S-000005", "pool", 2),
    ]
    receipts = graphql(live, "{ sampleReceipts { nodes { outcome rejectionReason temperatureCelsius } } }", tech).json()
    assert sorted(r["outcome"] for r in receipts["data"]["sampleReceipts"]["nodes"]) == ["received", "rejected"], receipts

    hidden = rest(live, "POST", "/rpc/split_sample", outsider, json={"sample_id": parent, "kind": "aliquot", "children": [{"quantity": 1}]})
    assert (hidden.status_code, hidden.json()["details"]) == (404, "sample.not_found"), hidden.text
    assert rest(live, "GET", f"/rpc/sample_lineage?sample_id={parent}", outsider).json() == []
    forged = rest(live, "POST", "/sample_lineage_links", tech, json={"parent_id": pool.json()["id"], "child_id": parent, "kind": "aliquot"})
    assert forged.status_code in (401, 403), forged.text


def test_two_connections_cannot_overdraw_a_parent(live) -> None:
    """The first split holds the parent's row lock until it commits: the second connection cannot take it meanwhile
    (lock_timeout shows the wait without sleeping), and afterwards sees what is left and is refused with 409."""
    world = World(live)
    tenant, site, water = lab(world)
    tech = world.member(tenant, "lab_tech", site=site)
    parent = str(world.sql("select tests.create_sample(%s, %s, %s, null, 100)", tenant, water, site))
    world.sql("select tests.set_sample_status(%s, %s, 'received')", tenant, parent)
    take = "select count(*) from app.split_sample(%s, 'aliquot', '[{\"quantity\": 60}]')"
    with psycopg.connect(live["url"]) as first, psycopg.connect(live["url"]) as second:
        for conn in (first, second):
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [tech.id, tenant])
        assert first.execute(take, [parent]).fetchone() == (1,)
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(take, [parent])
        second.rollback()
        first.commit()
        second.execute("select tests.act_as(%s::uuid, %s::uuid)", [tech.id, tenant])
        with pytest.raises(psycopg.Error) as refused:
            second.execute(take, [parent])
        assert refused.value.diag.sqlstate == "PT409" and refused.value.diag.message_detail == "sample.insufficient_quantity"
    assert world.sql("select remaining_quantity from app.samples where id = %s", parent) == 40
