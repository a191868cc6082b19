"""@supabase/postgrest-js against the live PostgREST, through the project's Node (js/postgrest-js.mjs)."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from clients_support import UNKNOWN, new_partner, run_js, shop, visible_projects

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def facts(live) -> dict:
    return shop(live)


def test_login_filters_embedding_pagination_and_csv(live, facts):
    signed_in = run_js("postgrest-js.mjs", "login", config=facts)
    assert signed_in["status"] == 200 and signed_in["data"]["access_token"] and signed_in["error"] is None

    read = run_js("postgrest-js.mjs", "read", config=facts)
    assert all(part["error"] is None for part in read.values()), read
    filtered = read["filtered"]["data"]
    assert filtered and all(row["status"] in ("reviewing", "production") and "a" in row["title"].lower()
                            for row in filtered)
    # Embeds across the composite (organization_id, id) keys, `!inner` filtering on the embedded partner.
    embedded = read["embedded"]["data"]
    assert embedded and all(row["customer"]["kind"] == "customer" and row["progress"] for row in embedded)
    total = visible_projects(live, facts["token"])
    assert read["page"]["status"] == 206 and read["page"]["count"] == total
    assert len(read["page"]["data"]) == min(3, total - 2)
    rows = list(csv.DictReader(io.StringIO(read["csv"]["data"])))
    assert len(rows) == 3 and list(rows[0]) == ["code", "name"]


def test_errors_expose_code_and_message(facts):
    errors = run_js("postgrest-js.mjs", "errors", config=facts)
    assert errors["refused"]["status"] == 403
    assert (errors["refused"]["error"]["code"], errors["refused"]["error"]["details"]) == ("PT403", "permission.missing")
    assert "project.override_stage" in errors["refused"]["error"]["hint"], "the hint names the permission"
    assert errors["unknown_column"]["error"]["code"] == "42703"


def test_a_failed_login_has_a_code_and_message(facts):
    failed = run_js("postgrest-js.mjs", "login", config={**facts, "email": UNKNOWN, "password": "wrong password"})
    assert failed["status"] == 401 and failed["data"] is None
    assert failed["error"]["code"] and failed["error"]["message"]


def test_upsert_by_primary_key(live, facts):
    partner = new_partner(live, facts["token"], f"JS-{uuid.uuid4().hex[:8]}")
    upserted = run_js("postgrest-js.mjs", "upsert", config={**facts, "code": partner["code"]})
    assert upserted["error"] is None, upserted
    assert upserted["data"] == [{"id": partner["id"], "name": f"{partner['name']} (upserted by postgrest-js)"}]
