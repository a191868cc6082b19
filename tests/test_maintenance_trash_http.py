"""The maintenance trash over both servers: no plain DELETE on assets, meters, failure codes, storerooms and bins (403 over
REST, no delete mutation over GraphQL); app.soft_delete with the delete permission at the row's plant; the delete guards'
reasons on trashing; trashed rows gone from the lists and the spatial pickers; trash.manage lists and restores; another
tenant finds nothing."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_maintenance_records_go_to_the_trash_over_rest_and_graphql(live: dict[str, Any], world: World) -> None:
    tenant = world.tenant()
    plant_a = str(world.sql("select tests.create_site(%s)", tenant))
    plant_b = str(world.sql("select tests.create_site(%s)", tenant))
    equipment_class = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    press = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Press P-9')", tenant, equipment_class, plant_a))
    pump = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump B-2')", tenant, equipment_class, plant_b))
    world.sql("""insert into app.assets (organization_id, equipment_id, level, longitude, latitude)
                 values (%s, %s, 'machine', 11.0, 48.0), (%s, %s, 'machine', 11.001, 48.0)""", tenant, press, tenant, pump)
    add_meter = "insert into app.meters (organization_id, equipment_id, name, unit) values (%s, %s, %s, '1') returning id"
    meter_a = str(world.sql(add_meter, tenant, press, "Strokes"))
    meter_b = str(world.sql(add_meter, tenant, pump, "Hours"))
    code = str(world.sql("insert into app.failure_codes (organization_id, kind, code, name) values (%s, 'problem', 'NOISE', 'Noise') "
                         "returning id", tenant))
    admin = world.sign_in(world.member(tenant, "admin"))
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    plant_a_person = world.member(tenant, "technician")
    world.sql("select tests.grant_role(%s, %s, 'maintenance_planner', %s)", tenant, plant_a_person.id, plant_a)
    plant_a_planner = world.sign_in(plant_a_person)
    outsider = world.sign_in(world.member(world.tenant(), "admin"))

    def trash(token: str, entity_type: str, entity_id: str, reason: str = "not needed") -> Any:
        return rest(live, "POST", "/rpc/soft_delete", token, json={"entity_type": entity_type, "entity_id": entity_id, "reason": reason})

    # No plain DELETE: REST answers 403, GraphQL has no delete mutation.
    for path in (f"/equipment?id=eq.{pump}", f"/assets?equipment_id=eq.{pump}", f"/meters?id=eq.{meter_b}", f"/failure_codes?id=eq.{code}",
                 "/storerooms?code=eq.none", "/storeroom_bins?code=eq.none"):
        deleted = rest(live, "DELETE", path, admin)
        assert (deleted.status_code, deleted.json()["code"]) == (403, "42501"), (path, deleted.text)
    for mutation in ("deleteEquipment", "deleteAsset", "deleteMeter", "deleteFailureCode", "deleteStoreroom", "deleteStoreroomBin"):
        missing = graphql(live, f'mutation {{ {mutation}(input: {{rowId: "{meter_b}"}}) {{ clientMutationId }} }}', admin).json()
        assert "Cannot query field" in missing["errors"][0]["message"], (mutation, missing)

    # The delete permission at the row's plant; another tenant finds nothing.
    refused = trash(plant_a_planner, "meter", meter_b)
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing"), refused.text
    foreign = trash(outsider, "meter", meter_a)
    assert (foreign.status_code, foreign.json()["details"]) == (404, "entity.not_found"), foreign.text
    assert trash(plant_a_planner, "meter", meter_a, "sensor removed").status_code == 204
    assert rest(live, "GET", f"/meters?id=eq.{meter_a}", planner).json() == []

    # The delete guard's reason, then the asset goes and leaves the pickers.
    order = rest(live, "POST", "/rpc/create_work_order", planner,
                 json={"equipment_id": press, "work_type": "preventive", "title": "Ram check"}).json()
    busy = trash(planner, "equipment", press)
    assert (busy.status_code, busy.json()["details"]) == (409, "asset.open_work"), busy.text
    cancelled = rest(live, "POST", "/rpc/transition_work_order", planner,
                     json={"work_order_id": order["id"], "to_state": "cancelled", "reason": "not needed"})
    assert cancelled.status_code == 200, cancelled.text
    gone = graphql(live, """mutation($id: UUID!) { softDelete(input: {entityType: "equipment", entityId: $id, reason: "scrapped"}) {
                             clientMutationId } }""", planner, {"id": press}).json()
    assert "errors" not in gone, gone
    nearby = rest(live, "GET", "/rpc/assets_within?lon=11.0&lat=48.0&radius_m=1000", admin).json()
    assert [row["equipment_id"] for row in nearby] == [pump]
    assert rest(live, "GET", f"/equipment?id=eq.{press}", planner).json() == []
    seen = graphql(live, "{ assets { nodes { equipmentId } } }", planner).json()
    assert [node["equipmentId"] for node in seen["data"]["assets"]["nodes"]] == [pump], seen

    # GraphQL: a failure code to the trash; trash.manage lists and restores; others may not.
    coded = graphql(live, """mutation($id: UUID!) { softDelete(input: {entityType: "failure_code", entityId: $id, reason: "merged"}) {
                              clientMutationId } }""", planner, {"id": code}).json()
    assert "errors" not in coded, coded
    listed = graphql(live, '{ trash(entityTypes: ["equipment", "meter", "failure_code"]) '
                           '{ nodes { entityType entityId deletionReason } } }', admin).json()
    nodes = listed["data"]["trash"]["nodes"]
    assert {(n["entityType"], n["entityId"], n["deletionReason"]) for n in nodes} == {
        ("equipment", press, "scrapped"), ("meter", meter_a, "sensor removed"), ("failure_code", code, "merged")}, listed
    denied = graphql(live, 'mutation($id: UUID!) { restore(input: {entityType: "failure_code", entityId: $id}) { clientMutationId } }',
                     planner, {"id": code}).json()
    assert denied["errors"][0]["extensions"]["details"] == "permission.missing", denied
    assert rest(live, "POST", "/rpc/restore", outsider, json={"entity_type": "meter", "entity_id": meter_a}).status_code == 404
    restored = graphql(live, 'mutation($id: UUID!) { restore(input: {entityType: "failure_code", entityId: $id}) { clientMutationId } }',
                       admin, {"id": code}).json()
    assert "errors" not in restored, restored
    assert rest(live, "POST", "/rpc/restore", admin, json={"entity_type": "meter", "entity_id": meter_a}).status_code == 204
    assert [row["id"] for row in rest(live, "GET", "/failure_codes?select=id", planner).json()] == [code]
    # The meter is out of the trash, but hangs off an asset that is not: only trash.manage reads it until the asset is restored.
    assert rest(live, "GET", f"/meters?id=eq.{meter_a}&select=id", planner).json() == []
    assert rest(live, "GET", f"/meters?id=eq.{meter_a}&select=deleted_at", admin).json() == [{"deleted_at": None}]
