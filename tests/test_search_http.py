"""Search and soft delete over HTTP (issue #13, items 5 and 6), on both servers: `POST /rpc/search` and the
GraphQL `search` query return ranked hits of the caller's tenant only (a portal user their customer's projects,
another tenant nothing); `rpc/soft_delete` moves a project to the trash, which hides it from reads and search
for everyone but trash.manage holders, who list and restore it; a plain DELETE deletes nothing."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

SEARCH = """query($q: String!) { search(query: $q) { nodes { entityType entityId title humanId rank snippet } } }"""


def hits(live: dict, token: str, query: str) -> list[dict]:
    answer = rest(live, "POST", "/rpc/search", token, json={"query": query})
    assert answer.status_code == 200, answer.text
    return answer.json()


def graphql_hits(live: dict, token: str, query: str) -> list[dict]:
    answer = graphql(live, SEARCH, token, {"q": query})
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    return answer.json()["data"]["search"]["nodes"]


def test_search_finds_only_what_the_caller_may_see_on_both_servers(live) -> None:
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    customer = str(world.sql("select tests.portal_customer(%s)", tenant))
    mine = world.project(tenant, title="Quokka housing", customer_id=customer)
    theirs = world.project(tenant, title="Quokka manifold", customer_id=str(world.sql("select tests.create_partner(%s)", tenant)))
    world.project(other, title="Quokka elsewhere")
    sales = world.sign_in(world.person(tenant, "sales"))
    portal = world.sign_in(world.person(tenant, "customer_portal"))
    outsider = world.sign_in(world.person(other, "sales"))

    found = hits(live, sales, "quokka")
    assert {hit["entity_id"] for hit in found} == {mine, theirs}
    assert all(hit["entity_type"] == "project" and hit["human_id"].startswith("PRJ-") for hit in found)
    assert "<mark>Quokka</mark>" in found[0]["snippet"]
    assert {hit["entityId"] for hit in graphql_hits(live, sales, "quokka")} == {mine, theirs}

    assert [hit["entity_id"] for hit in hits(live, portal, "quokka")] == [mine]
    assert [hit["entityId"] for hit in graphql_hits(live, portal, "quokka")] == [mine]
    assert mine not in {hit["entity_id"] for hit in hits(live, outsider, "quokka")}
    assert {hit["entityId"] for hit in graphql_hits(live, outsider, "quokka")}.isdisjoint({mine, theirs})

    number = world.sql("select project_number from app.projects where id = %s", mine)
    assert hits(live, sales, number)[0]["entity_id"] == mine

    empty = rest(live, "POST", "/rpc/search", sales, json={"query": " "})
    assert (empty.status_code, empty.json()["details"]) == (422, "search.query_required")
    unknown = rest(live, "POST", "/rpc/search", sales, json={"query": "x", "entity_types": ["spaceship"]})
    assert (unknown.status_code, unknown.json()["details"]) == (422, "entity_type.unknown")
    refused = graphql(live, SEARCH, sales, {"q": ""})
    assert refused.json()["errors"][0]["extensions"]["details"] == "search.query_required"


def test_the_trash_over_both_servers(live) -> None:
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    project = world.project(tenant, title="Wombat bracket")
    second = world.project(tenant, title="Wombat gear")
    sales = world.sign_in(world.person(tenant, "sales"))
    engineering = world.sign_in(world.person(tenant, "engineering"))
    manager = world.sign_in(world.person(tenant, "management"))
    outsider = world.sign_in(world.person(other, "management"))

    # A plain DELETE deletes nothing: the tables grant no DELETE; GraphQL offers no delete mutation.
    deleted = rest(live, "DELETE", f"/projects?id=eq.{project}", manager)
    assert deleted.status_code == 403, deleted.text
    no_mutation = graphql(live, 'mutation($id: UUID!) { deleteProject(input: {id: $id}) { clientMutationId } }', manager,
                          {"id": project})
    assert "errors" in no_mutation.json() and "deleteProject" in no_mutation.text
    assert world.sql("select count(*) from app.projects where id = %s and deleted_at is null", project) == 1

    lesser = rest(live, "POST", "/rpc/soft_delete", engineering,
                  json={"entity_type": "project", "entity_id": project, "reason": "obsolete"})
    assert (lesser.status_code, lesser.json()["details"]) == (403, "permission.missing")
    foreign = rest(live, "POST", "/rpc/soft_delete", outsider,
                   json={"entity_type": "project", "entity_id": project, "reason": "obsolete"})
    assert (foreign.status_code, foreign.json()["details"]) == (404, "entity.not_found")

    trashed = rest(live, "POST", "/rpc/soft_delete", sales,
                   json={"entity_type": "project", "entity_id": project, "reason": "Customer cancelled"})
    assert trashed.status_code == 204, trashed.text
    assert rest(live, "GET", f"/projects?id=eq.{project}", sales).json() == []
    assert project not in {hit["entity_id"] for hit in hits(live, manager, "wombat")}
    assert rest(live, "GET", "/rpc/trash", sales).status_code == 403
    listed = rest(live, "GET", "/rpc/trash", manager).json()
    assert [(row["entity_id"], row["deletion_reason"]) for row in listed] == [(project, "Customer cancelled")]
    assert rest(live, "GET", "/rpc/trash", outsider).json() == []

    answer = graphql(live, """mutation($id: UUID!) { softDelete(input: {entityType: "project", entityId: $id, reason: "Duplicate"}) {
                                clientMutationId } }""", sales, {"id": second})
    assert "errors" not in answer.json(), answer.text
    trash = graphql(live, "{ trash { nodes { entityType entityId deletionReason purgeAfter } } }", manager)
    assert {node["entityId"] for node in trash.json()["data"]["trash"]["nodes"]} == {project, second}
    denied = graphql(live, 'mutation($id: UUID!) { restore(input: {entityType: "project", entityId: $id}) { clientMutationId } }',
                     sales, {"id": second})
    assert denied.json()["errors"][0]["extensions"]["details"] == "permission.missing"
    restored = graphql(live, 'mutation($id: UUID!) { restore(input: {entityType: "project", entityId: $id}) { clientMutationId } }',
                       manager, {"id": second})
    assert "errors" not in restored.json(), restored.text
    back = rest(live, "POST", "/rpc/restore", manager, json={"entity_type": "project", "entity_id": project})
    assert back.status_code == 204, back.text
    assert len(rest(live, "GET", f"/projects?id=in.({project},{second})", sales).json()) == 2
