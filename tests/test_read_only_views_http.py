"""Writes to the API's read-only views (issue #14, item 10a): `DELETE /activity_log` answered 500 ("views
containing UNION..."), as did any write to a view PostgreSQL cannot update: the rewrite failed before any
privilege was checked. The pre-request (auth.check_request) now refuses such writes first, so every view of schema
`app` answers POST, PATCH and DELETE with 403 (no privilege: views are granted SELECT only) or 405
(`view.read_only`) and a JSON error, never 500; and PostgREST's OpenAPI document still offers only GET on them."""

from __future__ import annotations

import pytest

from helpers import World, rest

pytestmark = pytest.mark.stack


def test_writes_to_views_are_refused_with_a_json_error_never_500(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    admin = world.sign_in(world.person(tenant, "admin"))
    world.project(tenant)
    # Each view is written with a column it has and a value of that column's type (organization_id where it has
    # one: the tenant's rows), so the refusal is about writing to a view, not about a value PostgreSQL cannot read.
    columns = {view: (column, kind) for view, column, kind in world.rows("""
        select distinct on (c.relname) c.relname, a.attname, t.typcategory
          from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
          join pg_type t on t.oid = a.atttypid
         where c.relnamespace = 'app'::regnamespace and c.relkind = 'v'
         order by c.relname, a.attname <> 'organization_id', a.attname""")}
    views = {view: column for view, (column, _) in columns.items()}
    assert "activity_log" in views and "project_overview" in views and views["entity_types"] == "entity_type"
    samples = {"D": "2026-01-01T00:00:00Z", "N": 1, "B": True, "U": tenant, "A": [], "S": "x"}
    answers = {}
    for view, (column, kind) in columns.items():
        value = tenant if column == "organization_id" else samples.get(kind, "x")
        for method, body in (("POST", {column: value}), ("PATCH", {column: value}), ("DELETE", None)):
            query = "" if method == "POST" else f"?{column}=eq.{value}"
            response = rest(live, method, f"/{view}{query}", admin, json=body)
            answers[(view, method)] = response.status_code
            assert response.status_code in (403, 405), (view, method, response.status_code, response.text)
            error = response.json()
            assert error["code"] in ("42501", "PT405"), (view, method, error)
            if error["code"] == "PT405":
                assert error["details"] == "view.read_only"
    assert answers[("activity_log", "DELETE")] == 403
    deleted = rest(live, "DELETE", f"/activity_log?organization_id=eq.{tenant}", admin).json()
    assert (deleted["code"], deleted["details"]) == ("42501", "view.no_privilege")
    spec = rest(live, "GET", "/", admin).json()
    offered = {view: sorted(spec["paths"].get(f"/{view}", {})) for view in ("activity_log", "project_overview", "on_time_delivery")}
    assert offered == {view: ["get"] for view in offered}, offered
