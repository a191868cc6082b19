"""Tenant CRUD over HTTP for platform operators (seed 004), through PostgREST and GraphQL."""

from __future__ import annotations

import pytest

from helpers import graphql, rest

pytestmark = pytest.mark.stack

def test_operator_creates_lists_reads_updates_and_deletes_a_tenant_over_rest(world):
    live = world.live
    operator = world.sign_in(world.operator())
    other = world.slug(world.tenant())
    slug = f"wayne-labs-{world.sql('select tests.unique_suffix()')}"
    created = rest(live, "POST", "/organizations", operator, headers={"Prefer": "return=representation"},
                   json={"slug": slug, "name": "Wayne Labs", "settings": {"timezone": "UTC"}})
    assert created.status_code == 201, created.text
    tenant = created.json()[0]
    assert tenant["slug"] == slug and tenant["deleted_at"] is None

    listed = rest(live, "GET", "/organizations?select=slug&order=slug", operator).json()
    assert {"slug": slug} in listed and {"slug": other} in listed, "an operator lists every tenant"
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


def test_operator_manages_tenants_over_graphql(world):
    live = world.live
    operator = world.sign_in(world.operator())
    slug = f"stark-labs-{world.sql('select tests.unique_suffix()')}"
    created = graphql(live, """mutation ($slug: String!) { createOrganization(input: {organization: {slug: $slug, name: "Stark Labs"}})
                               { organization { rowId slug } } }""", operator, {"slug": slug}).json()
    assert created["data"]["createOrganization"]["organization"]["slug"] == slug, created
    row_id = created["data"]["createOrganization"]["organization"]["rowId"]
    updated = graphql(live, """mutation ($id: UUID!) { updateOrganization(input: {rowId: $id, patch: {name: "Stark Industries Labs"}})
                               { organization { name } } }""", operator, {"id": row_id}).json()
    assert updated["data"]["updateOrganization"]["organization"]["name"] == "Stark Industries Labs"
    deleted = graphql(live, """mutation ($id: UUID!) { deleteOrganization(input: {organizationId: $id}) { result { deletedAt } } }""",
                      operator, {"id": row_id}).json()
    assert deleted["data"]["deleteOrganization"]["result"]["deletedAt"]


def test_members_see_only_their_tenant_and_cannot_manage_tenants(world):
    live = world.live
    tenant, other = world.tenant(), world.tenant()
    admin = world.sign_in(world.member(tenant, "admin"))
    assert [row["slug"] for row in rest(live, "GET", "/organizations", admin).json()] == [world.slug(tenant)]
    created = rest(live, "POST", "/organizations", admin, json={"slug": f"mine-{tenant[:8]}", "name": "Mine"})
    assert created.status_code == 403 and created.json()["code"] == "42501", created.text
    refused = rest(live, "POST", "/rpc/delete_organization", admin, json={"organization_id": other})
    assert refused.status_code in (403, 404) and refused.json()["code"] in ("PT403", "PT404", "42501"), refused.text
    assert world.sql("select deleted_at from app.organizations where id = %s", other) is None
    gql = graphql(live, "{ organizations { nodes { slug } } }", admin).json()
    assert gql["data"]["organizations"]["nodes"] == [{"slug": world.slug(tenant)}]
