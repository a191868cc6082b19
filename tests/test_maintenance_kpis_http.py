"""Maintenance KPIs and the work-order archive over both servers (docs/maintenance.md "Dashboards",
"Archival and partitions"): a planner reads the refreshed KPI views and the archive over REST and GraphQL;
a technician of another plant and another tenant read none of it."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

KPIS = """{ maintenanceKpiAssetCosts { nodes { currency labourCost contractorCost totalCost } }
  maintenanceKpiBacklogs { nodes { openWorkOrders } }
  archivedWorkOrders { nodes { status workOrderNumber } } }"""


def test_maintenance_kpis_and_archive_over_both_servers(live: dict[str, Any]) -> None:
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    elsewhere = world.sql("select tests.create_site(%s)", tenant)
    scoped = world.sign_in(world.member(tenant, "technician", site=str(elsewhere)))
    stranger = world.sign_in(world.person(other, "admin"))
    # An in-progress work order with 1 h of labour at 60 EUR and a 250 EUR charge; one closed 9 years ago, archived.
    world.sql("select tests.fill_maintenance_work(%s)", tenant)
    archived = str(world.sql("select tests.fill_maintenance_archive(%s)", tenant))
    world.sql("select app_private.refresh_kpis()")

    costs = rest(live, "GET", "/maintenance_kpi_asset_costs?select=currency,labour_cost,contractor_cost,total_cost", planner)
    assert costs.status_code == 200, costs.text
    assert costs.json() == [{"currency": "EUR", "labour_cost": 60.0, "contractor_cost": 250, "total_cost": 310.0}], costs.text
    assert rest(live, "GET", "/maintenance_kpi_backlog?select=open_work_orders", planner).json() == [{"open_work_orders": 1}]
    rows = rest(live, "GET", f"/archived_work_order_rows?work_order_id=eq.{archived}&select=source_table&order=source_table", planner)
    assert rows.json() == [{"source_table": "app.labour_entries"}, {"source_table": "app.work_order_assets"}], rows.text
    data = graphql(live, KPIS, planner).json()["data"]
    assert data["maintenanceKpiAssetCosts"]["nodes"] == [
        {"currency": "EUR", "labourCost": "60.00", "contractorCost": "250", "totalCost": "310.00"}], data
    assert data["maintenanceKpiBacklogs"]["nodes"] == [{"openWorkOrders": 1}], data
    assert [n["status"] for n in data["archivedWorkOrders"]["nodes"]] == ["closed"], data

    for outsider in (scoped, stranger):
        for path in ("/maintenance_kpi_asset_costs", "/maintenance_kpi_asset_month", "/maintenance_kpi_backlog",
                     "/archived_work_orders", "/archived_work_order_rows"):
            assert rest(live, "GET", path, outsider).json() == [], (path, outsider)
        nothing = graphql(live, KPIS, outsider).json()["data"]
        assert all(part["nodes"] == [] for part in nothing.values()), nothing
