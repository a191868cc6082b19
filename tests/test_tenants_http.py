"""Tenant CRUD over HTTP for platform operators (seed 004), through PostgREST and GraphQL."""

from __future__ import annotations

import pytest

from helpers import graphql, rest

pytestmark = pytest.mark.stack

PASSWORD = "pulse-demo-password"


def access_token(live, email):
    return rest(live, "POST", "/rpc/login", json={"email": email, "password": PASSWORD}).json()["access_token"]


def test_operator_creates_lists_reads_updates_and_deletes_a_tenant_over_rest(live):
    operator = access_token(live, "operator@pulse.test")
    created = rest(live, "POST", "/organizations", operator, headers={"Prefer": "return=representation"},
                   json={"slug": "wayne-labs", "name": "Wayne Labs", "settings": {"timezone": "UTC"}})
    assert created.status_code == 201, created.text
    tenant = created.json()[0]
    assert tenant["slug"] == "wayne-labs" and tenant["deleted_at"] is None

    listed = rest(live, "GET", "/organizations?select=slug&order=slug", operator).json()
    assert {"slug": "wayne-labs"} in listed and len(listed) >= 3
    one = rest(live, "GET", f"/organizations?id=eq.{tenant['id']}", operator,
               headers={"Accept": "application/vnd.pgrst.object+json"})
    assert one.status_code == 200 and one.json()["name"] == "Wayne Labs"

    updated = rest(live, "PATCH", f"/organizations?id=eq.{tenant['id']}", operator,
                   headers={"Prefer": "return=representation"}, json={"name": "Wayne Laboratories"})
    assert updated.json()[0]["name"] == "Wayne Laboratories"

    deleted = rest(live, "POST", "/rpc/delete_organization", operator, json={"organization_id": tenant["id"]})
    assert deleted.status_code == 200 and deleted.json()["deleted_at"] is not None
    purged = rest(live, "POST", "/rpc/purge_organization", operator,
                  json={"organization_id": tenant["id"], "ignore_retention": True})
    assert purged.json() is True
    gone = rest(live, "GET", f"/organizations?id=eq.{tenant['id']}", operator,
                headers={"Accept": "application/vnd.pgrst.object+json"})
    assert gone.status_code == 406


def test_operator_manages_tenants_over_graphql(live):
    operator = access_token(live, "operator@pulse.test")
    created = graphql(live, """mutation { createOrganization(input: {organization: {slug: "stark-labs", name: "Stark Labs"}})
                               { organization { rowId slug } } }""", operator).json()
    row_id = created["data"]["createOrganization"]["organization"]["rowId"]
    updated = graphql(live, """mutation ($id: UUID!) { updateOrganization(input: {rowId: $id, patch: {name: "Stark Industries Labs"}})
                               { organization { name } } }""", operator, {"id": row_id}).json()
    assert updated["data"]["updateOrganization"]["organization"]["name"] == "Stark Industries Labs"
    deleted = graphql(live, """mutation ($id: UUID!) { deleteOrganization(input: {organizationId: $id}) { result { deletedAt } } }""",
                      operator, {"id": row_id}).json()
    assert deleted["data"]["deleteOrganization"]["result"]["deletedAt"]


def test_members_see_only_their_tenant_and_cannot_manage_tenants(live):
    ada = access_token(live, "ada@acme.test")
    assert [row["slug"] for row in rest(live, "GET", "/organizations", ada).json()] == ["acme-manufacturing"]
    created = rest(live, "POST", "/organizations", ada, json={"slug": "mine", "name": "Mine"})
    assert created.status_code == 403
    refused = rest(live, "POST", "/rpc/delete_organization", ada, json={"organization_id": "00000000-0000-0000-0000-000000000000"})
    assert refused.status_code in (403, 404)
    gql = graphql(live, "{ organizations { nodes { slug } } }", ada).json()
    assert gql["data"]["organizations"]["nodes"] == [{"slug": "acme-manufacturing"}]
