"""Maintenance assets over both servers: a planner puts assets on the map over REST, a technician scoped to the
plant finds them by radius (REST) and nearest (GraphQL, with the GeoJSON computed field) and records meter readings
over both; bad coordinates and a decreasing reading get their own errors."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_assets_on_the_map_and_meter_readings_over_rest_and_graphql(live: dict[str, Any], world: World) -> None:
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    other_plant = str(world.sql("select tests.create_site(%s)", tenant))
    pumps = str(world.sql("select tests.create_equipment_class(%s, 'pump', false, null)", tenant))
    near = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump near')", tenant, pumps, plant))
    far = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump far')", tenant, pumps, plant))
    elsewhere = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump elsewhere')", tenant, pumps, other_plant))
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    technician = world.sign_in(world.member(tenant, "technician", site=plant))

    # On the equator 0.01 degree of longitude is 1113.2 m.
    created = rest(live, "POST", "/assets", planner, json=[
        {"equipment_id": near, "level": "machine", "criticality": "A", "longitude": 0.001, "latitude": 0},
        {"equipment_id": far, "level": "machine", "criticality": "C", "longitude": 0.01, "latitude": 0},
        {"equipment_id": elsewhere, "level": "machine", "criticality": "B", "longitude": 0.002, "latitude": 0}])
    assert created.status_code == 201, created.text
    bad = rest(live, "PATCH", f"/assets?equipment_id=eq.{far}", planner, json={"latitude": 91})
    assert (bad.status_code, bad.json()["details"]) == (422, "geo.latitude_out_of_range"), bad.text

    within = rest(live, "POST", "/rpc/assets_within", technician, json={"lon": 0, "lat": 0, "radius_m": 2000})
    assert within.status_code == 200, within.text
    assert [(row["name"], round(row["distance_m"], 1)) for row in within.json()] == [("Pump near", 111.3), ("Pump far", 1113.2)]
    out_of_range = rest(live, "POST", "/rpc/assets_within", technician, json={"lon": 0, "lat": 0, "radius_m": -1})
    assert (out_of_range.status_code, out_of_range.json()["details"]) == (422, "geo.radius_out_of_range"), out_of_range.text
    shaped = rest(live, "GET", f"/assets?equipment_id=eq.{far}&select=criticality,assets_geojson", technician)
    assert shaped.json() == [{"criticality": "C", "assets_geojson": {"type": "Point", "coordinates": [0.01, 0]}}], shaped.text

    nearest = graphql(live, """query($near: UUID!) { nearestAssets(lon: 0.009, lat: 0, n: 1) { nodes { name distanceM } }
                                 assets(condition: {equipmentId: $near}) { nodes { criticality geojson } } }""",
                      technician, {"near": near}).json()
    assert "errors" not in nearest, nearest
    assert [node["name"] for node in nearest["data"]["nearestAssets"]["nodes"]] == ["Pump far"]
    assert nearest["data"]["assets"]["nodes"] == [{"criticality": "A", "geojson": {"type": "Point", "coordinates": [0.001, 0]}}]

    meter = rest(live, "POST", "/meters", planner, json={"equipment_id": near, "name": "Operating hours", "unit": "h"},
                 headers={"Prefer": "return=representation"})
    assert meter.status_code == 201, meter.text
    meter_id = meter.json()[0]["id"]
    first = rest(live, "POST", "/meter_readings", technician, json={"meter_id": meter_id, "value": 100},
                 headers={"Prefer": "return=representation"})
    assert first.status_code == 201, first.text
    second = graphql(live, """mutation($meter: UUID!) { createMeterReading(input: {meterReading: {meterId: $meter, value: "160"}}) {
                                meterReading { usage usageTotal } } }""", technician, {"meter": meter_id}).json()
    assert "errors" not in second, second
    assert second["data"]["createMeterReading"]["meterReading"] == {"usage": "60", "usageTotal": "60"}
    lower = rest(live, "POST", "/meter_readings", technician, json={"meter_id": meter_id, "value": 150})
    assert (lower.status_code, lower.json()["details"]) == (409, "meter_reading.decreasing"), lower.text
    since = rest(live, "POST", "/rpc/meter_usage_since", technician, json={"reading_id": first.json()[0]["id"]})
    assert (since.status_code, since.json()) == (200, 60), since.text
