"""Retention over HTTP (#14.4): the archived activity log is exported as CSV by an auditor, refused to
writers with a clean 4xx, and each tenant sets its own retention."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from helpers import World, rest

pytestmark = pytest.mark.stack


def test_an_auditor_exports_the_archive_as_csv_and_nobody_changes_it(live: dict, world: World) -> None:
    tenant, other = world.tenant(), world.tenant()
    auditor, other_auditor = world.member(tenant, "auditor"), world.member(other, "auditor")
    admin, sales = world.member(tenant, "admin"), world.member(tenant, "sales")
    marker = f"site-{uuid.uuid4().hex[:8]}"
    world.sql("""insert into audit.activity_log (organization_id, occurred_at, actor_role, entity_type, entity_id, action)
                 values (%s, now() - interval '3 years', 'app_user', 'sites', %s, 'update')""", tenant, marker)
    assert world.sql("select app_private.archive_activity_log()") >= 1

    token = world.sign_in(auditor)
    exported = rest(live, "GET", f"/activity_log_archive?entity_id=eq.{marker}", token, headers={"Accept": "text/csv"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["entity_id"], r["organization_id"], r["action"]) for r in rows] == [(marker, tenant, "update")]
    assert rows[0]["archived_at"]

    assert rest(live, "GET", f"/activity_log_archive?entity_id=eq.{marker}", world.sign_in(other_auditor)).json() == []
    assert rest(live, "GET", f"/activity_log_archive?entity_id=eq.{marker}", world.sign_in(sales)).json() == []
    for method in ("DELETE", "PATCH"):
        refused = rest(live, method, f"/activity_log_archive?entity_id=eq.{marker}", token, json={"action": "insert"})
        assert refused.status_code in (403, 405), (method, refused.status_code, refused.text)

    admin_token = world.sign_in(admin)
    changed = rest(live, "PATCH", "/audit_settings", admin_token, json={"activity_log_retention_years": 10},
                   headers={"Prefer": "return=representation"})
    assert changed.status_code == 200, changed.text
    assert [(r["organization_id"], r["activity_log_retention_years"]) for r in changed.json()] == [(tenant, 10)]
    assert world.sql("select activity_log_retention_years from app.audit_settings where organization_id = %s", other) == 2
