"""Change orders tied to plants over HTTP (issue #16): an engineer names the plant an ECO affects over REST (another
tenant's site is refused), or leaves it to be derived at submission from where its part is in use; QA and engineering
approve tenant-wide; a production approver scoped to PLANT-1 reads and approves the PLANT-1 ECO over GraphQL, reads the
ECO affecting PLANT-1 and PLANT-2 but may not approve it (PT403 with its reason and hint, on both servers), and does
not see the PLANT-2 ECO at all (404, no refusal names it); the holder of the role at PLANT-2 approves that one."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

APPROVE = """mutation ($id: UUID!) { approveChangeOrder(input: {changeOrderId: $id, comment: "Go"}) { result { status siteIds } } }"""
READ = """{ changeOrders(orderBy: TITLE_ASC) { nodes { title siteIds } } }"""


def test_plant_scoped_eco_approval_over_rest_and_graphql(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    plant1 = str(world.sql("select tests.create_site(%s, 'PLANT-1')", tenant))
    plant2 = str(world.sql("select tests.create_site(%s, 'PLANT-2')", tenant))
    foreign_site = str(world.sql("select tests.create_site(tests.create_tenant())"))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    world.sql("select tests.create_lot(%s, %s, %s)", tenant, part, plant1)
    engineer = world.sign_in(world.member(tenant, "engineering"))
    quality = world.sign_in(world.member(tenant, "qa"))
    designer = world.sign_in(world.member(tenant, "engineering"))
    prod1 = world.sign_in(world.member(tenant, "production", site=plant1))
    prod2 = world.sign_in(world.member(tenant, "production", site=plant2))
    world.member(tenant, "production")  # tenant-wide: the ECO affecting both plants is routed to someone who may decide it
    made = {"Prefer": "return=representation"}

    refused = rest(live, "POST", "/change_orders", engineer, json={"title": "Foreign", "reason": "other", "effectivity": "date",
                                                                    "effective_date": "2027-01-01", "site_ids": [foreign_site]})
    assert (refused.status_code, refused.json()["details"]) == (404, "site.not_found"), refused.text
    ecos = {}
    for title, sites in (("Derived", None), ("Both plants", [plant1, plant2]), ("Plant 2", [plant2])):
        body = {"title": title, "reason": "other", "effectivity": "date", "effective_date": "2027-01-01"}
        if sites:
            body["site_ids"] = sites
        made_eco = rest(live, "POST", "/change_orders", engineer, headers=made, json=body)
        assert made_eco.status_code == 201, made_eco.text
        ecos[title] = made_eco.json()[0]["id"]
        item = rest(live, "POST", "/change_order_items", engineer, json={"change_order_id": ecos[title], "kind": "part", "part_id": part})
        assert item.status_code == 201, item.text
        submitted = rest(live, "POST", "/rpc/submit_change_order", engineer, json={"change_order_id": ecos[title]})
        assert submitted.status_code == 200, submitted.text
    assert rest(live, "GET", f"/change_orders?id=eq.{ecos['Derived']}&select=site_ids", engineer).json() == [{"site_ids": [plant1]}]
    for who in (quality, designer):
        for eco in ecos.values():
            assert rest(live, "POST", "/rpc/approve_change_order", who, json={"change_order_id": eco}).status_code == 200

    # PLANT-1's approver reads the ECOs affecting PLANT-1 (GraphQL), not PLANT-2's (REST).
    seen = graphql(live, READ, prod1).json()
    assert seen["data"]["changeOrders"]["nodes"] == [{"title": "Both plants", "siteIds": sorted([plant1, plant2])},
                                                     {"title": "Derived", "siteIds": [plant1]}], seen
    titles = [row["title"] for row in rest(live, "GET", "/change_orders?select=title&order=title", prod2).json()]
    assert titles == ["Both plants", "Plant 2"], titles

    approved = graphql(live, APPROVE, prod1, {"id": ecos["Derived"]}).json()
    assert approved["data"]["approveChangeOrder"]["result"] == {"status": "approved", "siteIds": [plant1]}, approved
    both = rest(live, "POST", "/rpc/approve_change_order", prod1, json={"change_order_id": ecos["Both plants"]})
    assert (both.status_code, both.json()["details"]) == (403, "change_order.outside_plants"), both.text
    assert "PLANT-2" in both.json()["message"] and both.json()["hint"], both.text
    both_gql = graphql(live, APPROVE, prod1, {"id": ecos["Both plants"]}).json()
    codes = [(e["extensions"]["code"], e["extensions"].get("details")) for e in both_gql["errors"]]
    assert codes == [("PT403", "change_order.outside_plants")], both_gql
    hidden = rest(live, "POST", "/rpc/approve_change_order", prod1, json={"change_order_id": ecos["Plant 2"]})
    assert (hidden.status_code, hidden.json()["details"]) == (404, "change_order.not_found"), hidden.text
    other = graphql(live, APPROVE, prod2, {"id": ecos["Plant 2"]}).json()
    assert other["data"]["approveChangeOrder"]["result"]["status"] == "approved", other
