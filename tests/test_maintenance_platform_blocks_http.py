"""Maintenance records on the platform blocks over both servers: custom fields defined for work orders and assets, set,
refused and filtered; the platform search finds the CNC lathe for a planner; a contractor's portal user reads the asset
of their company's work order and none of the staff's labour (names, rates, costs)."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_custom_fields_search_and_the_contractor_view_of_maintenance_records(live: dict[str, Any], world: World) -> None:
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    equipment_class = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    lathe = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'CNC lathe')", tenant, equipment_class, plant))
    world.sql("insert into app.assets (organization_id, equipment_id, level) values (%s, %s, 'machine')", tenant, lathe)
    contractor = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    admin = world.sign_in(world.member(tenant, "admin"))
    planner_person = world.member(tenant, "maintenance_planner")
    planner = world.sign_in(planner_person)
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=contractor))

    # Custom fields for work orders and assets: defined, set, checked, filtered.
    for entity_type in ("work_order", "equipment"):
        defined = rest(live, "POST", "/custom_field_definitions", admin,
                       json={"entity_type": entity_type, "code": "cost_centre", "label": "Cost centre", "field_type": "text",
                             "max_length": 6})
        assert defined.status_code == 201, defined.text
    order = rest(live, "POST", "/rpc/create_work_order", planner,
                 json={"equipment_id": lathe, "work_type": "preventive", "title": "Spindle bearing check"}).json()
    set_fields = rest(live, "POST", "/rpc/set_work_order_custom_fields", planner,
                      json={"work_order_id": order["id"], "custom_fields": {"cost_centre": "CC-410"}})
    assert (set_fields.status_code, set_fields.json()["custom_fields"]) == (200, {"cost_centre": "CC-410"}), set_fields.text
    refused = rest(live, "POST", "/rpc/set_work_order_custom_fields", planner,
                   json={"work_order_id": order["id"], "custom_fields": {"cost_centre": 410}})
    assert (refused.status_code, refused.json()["details"]) == (422, "custom_field.type"), refused.text
    patched = rest(live, "PATCH", f"/equipment?id=eq.{lathe}", planner, json={"custom_fields": {"cost_centre": "too long"}})
    assert (patched.status_code, patched.json()["details"]) == (422, "custom_field.max_length"), patched.text
    found = rest(live, "GET", "/work_orders?custom_fields->>cost_centre=eq.CC-410&select=work_order_number", planner)
    assert found.json() == [{"work_order_number": order["work_order_number"]}], found.text
    filtered = graphql(live, '{ workOrders(filter: {customFields: {contains: {cost_centre: "CC-410"}}}) { nodes { workOrderNumber } } }',
                       planner).json()
    assert filtered == {"data": {"workOrders": {"nodes": [{"workOrderNumber": order["work_order_number"]}]}}}, filtered

    # Search: the planner finds the asset.
    hits = rest(live, "POST", "/rpc/search", planner, json={"query": "CNC lathe"})
    assert [(hit["entity_type"], hit["entity_id"]) for hit in hits.json()] == [("equipment", lathe)], hits.text

    # The contractor's portal user: the asset of their work order, none of the staff's labour.
    world.sql("update app.work_orders set contractor_id = %s where id = %s", contractor, order["id"])
    world.sql("""insert into app.labour_entries (organization_id, work_order_id, user_id, started_at, hours, hourly_rate, currency, site_id)
                 values (%s, %s, %s, now() - interval '1 hour', 1, 62.5, 'EUR', %s)""", tenant, order["id"], planner_person.id, plant)
    assert rest(live, "GET", "/labour_entries?select=id", portal).json() == []
    assert [row["equipment_id"] for row in rest(live, "GET", "/assets", portal).json()] == [lathe]
    seen = graphql(live, "{ workOrders { nodes { workOrderNumber labourEntries { totalCount } } } }", portal).json()
    assert seen == {"data": {"workOrders": {"nodes": [{"workOrderNumber": order["work_order_number"],
                                                       "labourEntries": {"totalCount": 0}}]}}}, seen
    assert len(rest(live, "GET", "/labour_entries?select=id,hours", planner).json()) == 1
