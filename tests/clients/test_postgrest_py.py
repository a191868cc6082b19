"""postgrest-py (PyPI `postgrest`) against the live PostgREST, as a Python client developer uses it."""

from __future__ import annotations

import uuid

import pytest
from clients_support import UNKNOWN, new_partner, shop, visible_projects
from postgrest import APIError, CountMethod, SyncPostgrestClient

pytestmark = pytest.mark.stack


def client(live: dict) -> SyncPostgrestClient:
    # The API lives in schema `app`; postgrest-py's default, `public`, is not exposed.
    return SyncPostgrestClient(live["rest"], schema="app")


@pytest.fixture(scope="module")
def facts(live) -> dict:
    return shop(live)


@pytest.fixture
def token(live, facts) -> str:
    """The access token of the shop's seller, from the login RPC."""
    session = client(live).rpc("login", {"email": facts["email"], "password": facts["password"]}).execute().data
    assert session["access_token"] and session["role"] == "app_user", session
    return session["access_token"]


@pytest.fixture
def api(live, token) -> SyncPostgrestClient:
    return client(live).auth(token)


def test_filters_embedding_pagination_and_csv(live, api, token):
    filtered = (api.from_("projects").select("title,status").in_("status", ["reviewing", "production"])
                .ilike("title", "%a%").order("title").execute().data)
    assert filtered and all(row["status"] in ("reviewing", "production") and "a" in row["title"].lower()
                            for row in filtered)
    assert [row["title"] for row in filtered] == sorted(row["title"] for row in filtered)

    # projects → partners and → progress follow composite (organization_id, id) foreign keys.
    embedded = (api.from_("projects").select("title, customer:partners!inner(name,kind), "
                                              "progress:project_sub_stage_progress(status)")
                .eq("customer.kind", "customer").execute().data)
    assert embedded and all(row["customer"]["kind"] == "customer" and row["progress"] for row in embedded)

    total = visible_projects(live, token)
    page = api.from_("projects").select("id", count=CountMethod.exact).order("id").range(2, 4).execute()
    assert page.count == total and len(page.data) == min(3, total - 2)

    csv = api.from_("partners").select("code,name").order("code").limit(3).csv().execute().data
    assert csv.splitlines()[0] == "code,name" and len(csv.splitlines()) == 4


def test_errors_expose_code_and_message(api, facts):
    with pytest.raises(APIError) as refused:
        api.rpc("override_project_stage", {"project_id": facts["project"], "stage_id": facts["stage"],
                                           "reason": "client test"}).execute()
    assert (refused.value.code, refused.value.details) == ("PT403", "permission.missing")
    assert "project.override_stage" in refused.value.hint, "the hint names the permission"
    with pytest.raises(APIError) as unknown:
        api.from_("projects").select("no_such_column").execute()
    assert unknown.value.code == "42703" and "no_such_column" in unknown.value.message


def test_a_failed_login_has_a_code_and_message(live):
    with pytest.raises(APIError) as failed:
        client(live).rpc("login", {"email": UNKNOWN, "password": "wrong password"}).execute()
    assert failed.value.code and failed.value.message


def test_upsert_by_primary_key(live, api, token):
    partner = new_partner(live, token, f"PY-{uuid.uuid4().hex[:8]}")
    row = {key: partner[key] for key in ("id", "code", "kind")} | {"name": "Renamed by postgrest-py"}
    upserted = api.from_("partners").upsert(row).execute().data
    assert [(r["id"], r["name"]) for r in upserted] == [(partner["id"], "Renamed by postgrest-py")]
