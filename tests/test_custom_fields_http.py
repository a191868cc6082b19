"""Custom fields over both servers: definitions and type lists managed over REST, values written on the entity
and refused with the field and the rule, filtered and sorted by a custom field through PostgREST (with the
postgrest-py client) and PostGraphile (connection filter on customFields, orderByCustomFields)."""

from __future__ import annotations

import pytest
from postgrest import SyncPostgrestClient

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def world(live) -> World:
    return World(live)


@pytest.fixture(scope="module")
def tenant(world) -> dict:
    """A workflow tenant whose management defined a type list and two project fields over REST, and three
    projects with values (wall thickness 9.5, 10 and none: text order would put 9.5 after 10)."""
    a = world.workflow_tenant()
    management = world.sign_in(world.person(a, "management"))
    sales = world.sign_in(world.person(a, "sales"))
    created = {"Prefer": "return=representation"}
    answer = rest(world.live, "POST", "/type_lists", management, headers=created,
                  json={"code": "risk_class", "label": "Risk class", "labels": {"de": "Risikoklasse"}})
    assert answer.status_code == 201, answer.text
    risk = answer.json()[0]["id"]
    answer = rest(world.live, "POST", "/type_list_values", management, headers=created, json=[
        {"type_list_id": risk, "code": "low", "label": "Low", "color": "#2E7D32", "position": 1},
        {"type_list_id": risk, "code": "high", "label": "High", "color": "#C62828", "position": 2}])
    assert answer.status_code == 201, answer.text
    for definition in (
            {"code": "risk_class", "label": "Risk class", "field_type": "single_select", "type_list_id": risk, "position": 1},
            {"code": "wall_thickness", "label": "Wall thickness", "field_type": "decimal", "unit": "mm", "min_value": 0.5,
             "max_value": 20, "position": 2},
            {"code": "customer_reference", "label": "Customer reference", "field_type": "text",
             "pattern": "[A-Z]{2}-[0-9]{4}", "position": 3}):
        answer = rest(world.live, "POST", "/custom_field_definitions", management, json={"entity_type": "project", **definition})
        assert answer.status_code == 201, answer.text
    creator = world.person(a, "sales").id
    projects = {name: world.project(a, title=name, created_by=creator) for name in ("Thin", "Thick", "Plain")}
    for name, values in (("Thin", {"risk_class": "high", "wall_thickness": 9.5}),
                         ("Thick", {"risk_class": "high", "wall_thickness": {"value": 1, "unit": "cm"}}),
                         ("Plain", {"risk_class": "low"})):
        answer = rest(world.live, "PATCH", f"/projects?id=eq.{projects[name]}", sales, json={"custom_fields": values})
        assert answer.status_code == 204, answer.text
    return {"id": a, "management": management, "sales": sales, "projects": projects}


def test_a_lesser_role_cannot_define_fields(live, tenant):
    answer = rest(live, "POST", "/custom_field_definitions", tenant["sales"],
                  json={"entity_type": "project", "code": "x", "label": "X", "field_type": "text"})
    assert answer.status_code == 403 and answer.json()["details"] == "permission.missing", answer.text


def test_a_value_that_breaks_a_rule_is_refused_with_the_field_and_the_rule(live, tenant):
    project = tenant["projects"]["Plain"]
    answer = rest(live, "PATCH", f"/projects?id=eq.{project}", tenant["sales"],
                  json={"custom_fields": {"risk_class": "low", "customer_reference": "ab-12"}})
    body = answer.json()
    assert answer.status_code == 422 and body["code"] == "PT422" and body["details"] == "custom_field.pattern", body
    assert "customer_reference" in body["message"]
    gql = graphql(live, """mutation ($id: UUID!) { updateProject(input: {rowId: $id, patch: {customFields: {risk_class: "extreme"}}})
                             { project { rowId } } }""", tenant["sales"], {"id": project}).json()
    assert gql["errors"][0]["extensions"]["code"] == "PT422", gql
    assert gql["errors"][0]["extensions"]["details"] == "custom_field.option", gql
    assert "risk_class" in gql["errors"][0]["message"]


def test_rest_filters_and_sorts_by_a_custom_field(live, tenant):
    client = SyncPostgrestClient(live["rest"], schema="app", headers={"Authorization": f"Bearer {tenant['sales']}"})
    high = (client.from_("projects").select("title,custom_fields")
            .eq("custom_fields->>risk_class", "high").order("custom_fields->wall_thickness", desc=True).execute())
    assert [row["title"] for row in high.data] == ["Thick", "Thin"]
    assert high.data[0]["custom_fields"]["wall_thickness"] == 10, "1 cm is stored as 10 mm"
    # Containment (cs) is what the GIN index serves.
    contained = rest(live, "GET", '/projects?custom_fields=cs.{"risk_class":"low"}&select=title', tenant["sales"])
    assert contained.json() == [{"title": "Plain"}], contained.text
    ascending = (client.from_("projects").select("title").in_("title", ["Thin", "Thick", "Plain"])
                 .order("custom_fields->wall_thickness", nullsfirst=False).execute())
    assert [row["title"] for row in ascending.data] == ["Thin", "Thick", "Plain"]


def test_graphql_filters_and_sorts_by_a_custom_field(live, tenant):
    query = """{ projects(filter: {customFields: {contains: {risk_class: "high"}}},
                          orderByCustomFields: [{code: "wall_thickness", direction: DESC}]) { nodes { title } } }"""
    answer = graphql(live, query, tenant["sales"]).json()
    assert [node["title"] for node in answer["data"]["projects"]["nodes"]] == ["Thick", "Thin"], answer
    query = """{ projects(filter: {title: {in: ["Thin", "Thick", "Plain"]}}, orderByCustomFields: [{code: "wall_thickness"}])
                 { nodes { title } } }"""
    answer = graphql(live, query, tenant["sales"]).json()
    assert [node["title"] for node in answer["data"]["projects"]["nodes"]] == ["Thin", "Thick", "Plain"], answer
    query = """{ projects(filter: {customFields: {containsKey: "wall_thickness"}}) { totalCount } }"""
    assert graphql(live, query, tenant["sales"]).json()["data"]["projects"]["totalCount"] == 2


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_graphql_pages_through_an_order_by_a_custom_field(live, tenant, direction):
    """Page by page with cursors, across the rows without the value (whose cursors must read back), the same
    rows in the same order as in one page."""
    query = """query ($after: Cursor, $first: Int!, $direction: CustomFieldOrderDirection) {
                 projects(orderByCustomFields: [{code: "wall_thickness", direction: $direction}], first: $first, after: $after)
                 { nodes { rowId } pageInfo { endCursor hasNextPage } } }"""
    whole = graphql(live, query, tenant["sales"], {"first": 100, "direction": direction}).json()["data"]["projects"]
    paged, after = [], None
    while True:
        page = graphql(live, query, tenant["sales"], {"first": 1, "after": after, "direction": direction}).json()
        paged += [node["rowId"] for node in page["data"]["projects"]["nodes"]]
        if not page["data"]["projects"]["pageInfo"]["hasNextPage"]:
            break
        after = page["data"]["projects"]["pageInfo"]["endCursor"]
    assert paged == [node["rowId"] for node in whole["nodes"]] and len(paged) >= 3
    thin, thick = tenant["projects"]["Thin"], tenant["projects"]["Thick"]
    assert paged.index(thin) < paged.index(thick) if direction == "ASC" else paged.index(thick) < paged.index(thin)
    assert paged.index(tenant["projects"]["Plain"]) > max(paged.index(thin), paged.index(thick)), "no value: last"


def test_violations_and_localized_labels(live, world, tenant):
    answer = rest(live, "PATCH", "/custom_field_definitions?code=eq.wall_thickness", tenant["management"],
                  json={"max_value": 9.6})
    assert answer.status_code == 204, answer.text
    violations = rest(live, "POST", "/rpc/custom_field_violations", tenant["sales"], json={"entity_type": "project"}).json()
    assert [(v["title"].split(" ", 1)[1], v["field"], v["reason"]) for v in violations] == [
        ("Thick", "wall_thickness", "custom_field.max")], violations
    other = world.sign_in(world.person(world.workflow_tenant(), "admin"))
    assert rest(live, "POST", "/rpc/custom_field_violations", other, json={"entity_type": "project"}).json() == []
    labels = rest(live, "GET", "/type_lists?select=code,type_lists_localized_label", tenant["sales"]).json()
    assert labels == [{"code": "risk_class", "type_lists_localized_label": "Risk class"}]
    gql = graphql(live, "{ typeLists { nodes { code localizedLabel typeListValues { nodes { code color } } } } }",
                  tenant["sales"]).json()
    assert gql["data"]["typeLists"]["nodes"][0]["localizedLabel"] == "Risk class", gql
