"""Over both servers: a technician scoped to one plant comments on that plant's work orders (a permission held at
the entity's plant counts for the entity) and not on another plant's; a supplier's portal user reads only their own
vendor prices and partner roles; a work order goes only to a partner with the contractor role, in the tenant's
currency (docs/maintenance.md, "Labour, contractors, stops and costs" and "Vendors and contractors")."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_plant_scoped_comments_and_portal_confinement(live: dict[str, Any], world: World) -> None:
    tenant = world.tenant()
    plant_a = str(world.sql("select tests.create_site(%s)", tenant))
    plant_b = str(world.sql("select tests.create_site(%s)", tenant))
    equipment_class = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    lathe = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Lathe A')", tenant, equipment_class, plant_a))
    mill = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Mill B')", tenant, equipment_class, plant_b))
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    technician = world.sign_in(world.member(tenant, "technician", site=plant_a))
    order_a = rest(live, "POST", "/rpc/create_work_order", planner,
                   json={"equipment_id": lathe, "work_type": "corrective", "title": "Chatter"}).json()
    order_b = rest(live, "POST", "/rpc/create_work_order", planner,
                   json={"equipment_id": mill, "work_type": "corrective", "title": "Spindle noise"}).json()

    # comment.write through a role at plant A counts on plant A's work order, over REST and GraphQL.
    posted = rest(live, "POST", "/comments", technician, headers={"Prefer": "return=representation"},
                  json={"entity_type": "work_order", "entity_id": order_a["id"], "body": "Bearing replaced"})
    assert posted.status_code == 201, posted.text
    created = graphql(live, """mutation($id: UUID!) {
        createComment(input: {comment: {entityType: "work_order", entityId: $id, body: "Belt tightened"}}) { comment { body } } }""",
                      technician, {"id": order_a["id"]}).json()
    assert "errors" not in created, created
    assert created["data"]["createComment"]["comment"]["body"] == "Belt tightened"
    other = rest(live, "POST", "/comments", technician,
                 json={"entity_type": "work_order", "entity_id": order_b["id"], "body": "Not my plant"})
    assert (other.status_code, other.json()["details"]) == (404, "entity.not_found"), other.text
    other_gql = graphql(live, """mutation($id: UUID!) {
        createComment(input: {comment: {entityType: "work_order", entityId: $id, body: "x"}}) { comment { id } } }""",
                        technician, {"id": order_b["id"]}).json()
    assert other_gql["errors"][0]["extensions"]["details"] == "entity.not_found", other_gql

    # Vendor prices: a supplier's portal user reads their own, never a competitor's.
    supplier = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    rival = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    customer = str(world.sql("select tests.create_partner(%s, 'customer')", tenant))
    part = str(world.sql("select tests.create_part(%s)", tenant))
    world.sql("insert into app.partner_roles (organization_id, partner_id, role) values (%s, %s, 'vendor'), (%s, %s, 'vendor'),"
              " (%s, %s, 'contractor') returning 1", tenant, supplier, tenant, rival, tenant, rival)
    world.sql("insert into app.vendor_parts (organization_id, partner_id, part_id, unit_price, currency, lead_time_days)"
              " values (%s, %s, %s, 10, 'EUR', 5), (%s, %s, %s, 9, 'EUR', 5) returning 1", tenant, supplier, part, tenant, rival, part)
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=supplier))
    prices = rest(live, "GET", "/vendor_parts?select=partner_id,unit_price", portal).json()
    assert prices == [{"partner_id": supplier, "unit_price": 10}], prices
    assert {row["partner_id"] for row in rest(live, "GET", "/partner_roles", portal).json()} == {supplier}
    prices_gql = graphql(live, "{ vendorParts { nodes { partnerId } } partnerRoles { nodes { partnerId } } }", portal).json()
    assert "errors" not in prices_gql, prices_gql
    assert [n["partnerId"] for n in prices_gql["data"]["vendorParts"]["nodes"]] == [supplier]
    assert {n["partnerId"] for n in prices_gql["data"]["partnerRoles"]["nodes"]} == {supplier}
    staff = world.sign_in(world.member(tenant, "storekeeper"))
    assert len(rest(live, "GET", "/vendor_parts", staff).json()) == 2

    # Contractors: only a partner with the contractor role; charges in the tenant's currency (EUR when unset).
    refused = rest(live, "POST", "/rpc/assign_work_order_contractor", planner,
                   json={"work_order_id": order_a["id"], "contractor_id": customer})
    assert (refused.status_code, refused.json()["details"]) == (422, "partner.not_contractor"), refused.text
    given = rest(live, "POST", "/rpc/assign_work_order_contractor", planner, json={"work_order_id": order_a["id"], "contractor_id": rival})
    assert given.status_code == 200, given.text
    dollars = rest(live, "POST", "/rpc/add_contractor_charge", planner,
                   json={"work_order_id": order_a["id"], "partner_id": rival, "amount": 100, "currency": "USD"})
    assert (dollars.status_code, dollars.json()["details"]) == (422, "money.currency_not_tenant"), dollars.text
    refused_gql = graphql(live, """mutation($wo: UUID!, $p: UUID!) {
        assignWorkOrderContractor(input: {workOrderId: $wo, contractorId: $p}) { result { id } } }""",
                          planner, {"wo": order_b["id"], "p": customer}).json()
    assert refused_gql["errors"][0]["extensions"]["details"] == "partner.not_contractor", refused_gql
