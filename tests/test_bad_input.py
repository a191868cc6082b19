"""Bad input over HTTP: each answered with a 4xx, its SQLSTATE (and the constraint or reason), nothing written."""

from __future__ import annotations

import sys

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def tenant(live) -> dict:
    """A workflow tenant of its own on the shared stack (the rows these tests do manage to write stay in it),
    its sales member signed in, and a new project whose rfq-review (sales') is in progress."""
    world = World(live)
    tenant = world.workflow_tenant()
    sales = world.person(tenant, "sales")
    project = world.project(tenant, created_by=sales.id)
    sub_stage = world.sql("""select pr.sub_stage_id::text from app.project_sub_stage_progress pr
                               join app.workflow_sub_stages s on s.organization_id = pr.organization_id and s.id = pr.sub_stage_id
                              where pr.project_id = %s and s.slug = 'rfq-review' and pr.status = 'in_progress'""", project)
    assert sub_stage
    return {"world": world, "id": tenant, "sales": sales, "bearer": world.sign_in(sales), "project": project,
            "sub_stage": sub_stage}


@pytest.fixture(scope="module")
def sales(tenant) -> str:
    return tenant["bearer"]


@pytest.fixture(autouse=True)
def count_bad_inputs(monkeypatch, figures):
    """Every request these tests send is a bad input; make security-report counts them."""
    module = sys.modules[__name__]
    for name, send in (("rest", rest), ("graphql", graphql)):
        def counted(*args, _send=send, **kwargs):
            figures["bad_inputs"] = figures.get("bad_inputs", 0) + 1
            return _send(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)


def partner_count(tenant) -> int:
    return tenant["world"].sql("select count(*) from app.partners where organization_id = %s", tenant["id"])


# The body, then the SQLSTATE PostgREST answers with and the constraint (or nothing) it names.
BAD_PARTNERS = [
    ({"kind": "customer", "name": "x" * 201}, "23514", "partners_name_length"),
    ({"kind": "reseller", "name": "Unknown kind"}, "22P02", None),
    ({"kind": "customer", "name": "   "}, "23514", "partners_name_length"),
    ({"kind": "customer", "name": "NUL \u0000 byte"}, "22P05", None),
    ({"kind": "customer", "name": "Robert'); DROP TABLE app.partners;--", "code": ""}, "23514", "partners_code_length"),
    # A client may choose the id (upsert by primary key); server-managed columns stay closed.
    ({"kind": "customer", "name": "Not granted", "created_at": "2020-01-01T00:00:00Z"}, "42501", None),
    ({"kind": "customer", "name": "Long notes", "notes": "x" * 10001}, "23514", "partners_notes_length"),
]


def violated_constraint(body: dict) -> str | None:
    """The constraint a check violation names (PostgreSQL's message carries it; PostgREST passes it on)."""
    return body["message"].split('constraint "')[1].split('"')[0] if body.get("code") == "23514" else None


@pytest.mark.parametrize("body, code, constraint", BAD_PARTNERS)
def test_bad_rows_are_refused_and_nothing_is_written(live, tenant, sales, body, code, constraint):
    before = partner_count(tenant)
    response = rest(live, "POST", "/partners", sales, json=body)
    answer = response.json()
    assert 400 <= response.status_code < 500 and answer.get("message"), response.text
    assert answer["code"] == code and violated_constraint(answer) == constraint, answer
    assert partner_count(tenant) == before


def test_malformed_uuid_in_a_body_is_400(live, sales):
    response = rest(live, "POST", "/contacts", sales, json={"partner_id": "not-a-uuid", "full_name": "Nobody"})
    assert response.status_code == 400 and response.json()["code"] == "22P02", response.text


def test_sql_looking_and_unusual_unicode_strings_are_just_text(live, sales):
    name = "Robert'); DROP TABLE app.partners;-- ẞ 👩‍🔬 \u202e"
    created = rest(live, "POST", "/partners", sales, headers={"Prefer": "return=representation"},
                   json={"kind": "customer", "name": name})
    assert created.status_code == 201 and created.json()[0]["name"] == name
    found = rest(live, "GET", "/partners", sales, params={"name": f"eq.{name}", "select": "name"})
    assert found.json() == [{"name": name}]


def test_malformed_filters_and_ids_are_400(live, sales):
    assert rest(live, "GET", "/partners?id=eq.not-a-uuid", sales).status_code == 400
    assert rest(live, "GET", "/partners?created_at=gt.yesterday-ish", sales).status_code == 400
    assert rest(live, "GET", "/partners?kind=eq.reseller", sales).status_code == 400
    assert rest(live, "GET", "/partners?order=nonexistent.desc", sales).status_code == 400
    gql = graphql(live, '{ partner(rowId: "not-a-uuid") { name } }', sales).json()
    assert (gql["errors"] and "data" not in gql) or gql.get("data") is None


def test_wrong_content_types_and_bodies(live, tenant, sales):
    before = partner_count(tenant)
    xml = rest(live, "POST", "/partners", sales, content="<partner/>", headers={"Content-Type": "application/xml"})
    assert 400 <= xml.status_code < 500 and xml.json()["code"].startswith("PGRST"), xml.text
    broken = rest(live, "POST", "/partners", sales, content="{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["code"].startswith("PGRST"), broken.text
    gql = rest(live, "POST", "/rpc/login", content="email=x", headers={"Content-Type": "text/plain"})
    assert 400 <= gql.status_code < 500
    assert partner_count(tenant) == before


def test_oversized_bodies_are_refused(live, tenant, sales):
    before = partner_count(tenant)
    huge = {"kind": "customer", "name": "big", "notes": "x" * (8 * 1024 * 1024)}
    response = rest(live, "POST", "/partners", sales, json=huge)
    assert response.status_code == 400 and violated_constraint(response.json()) == "partners_notes_length", response.text
    preferences = rest(live, "PATCH", f"/users?id=eq.{tenant['sales'].id}", sales,
                       json={"preferences": {"blob": "x" * 100_000}})
    assert preferences.status_code == 400 and violated_constraint(preferences.json()) == "users_preferences_object", \
        preferences.text
    too_big_query = graphql(live, "{ partners { nodes { name } } }" + " " * (2 * 1024 * 1024), sales)
    assert 400 <= too_big_query.status_code < 500
    assert partner_count(tenant) == before


# The change to a valid body, then the status, SQLSTATE and reason (none for a malformed value PostgreSQL refuses).
BAD_PROGRESS = [
    ({"action": "finish"}, 400, "22P02", None),
    ({"action": "complete", "project_id": "not-a-uuid"}, 400, "22P02", None),
    ({"action": "block", "comment": "x" * 4001}, 422, "PT422", "progress.comment_too_long"),
    ({"action": "complete", "attachments": {"document_id": 1}}, 422, "PT422", "progress.attachments_invalid"),
    ({"action": "complete", "metadata": [1, 2]}, 422, "PT422", "progress.metadata_invalid"),
]


@pytest.mark.parametrize("change, status, code, reason", BAD_PROGRESS)
def test_bad_progress_actions_are_refused_and_nothing_is_written(live, tenant, sales, change, status, code, reason):
    world = tenant["world"]
    before = world.sql("select count(*) from audit.activity_log where organization_id = %s", tenant["id"])
    body = {"project_id": tenant["project"], "sub_stage_id": tenant["sub_stage"], **change}
    answer = rest(live, "POST", "/rpc/update_progress", sales, json=body)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    if reason:
        assert answer.json()["details"] == reason, answer.text
    assert world.sql("select count(*) from audit.activity_log where organization_id = %s", tenant["id"]) == before
    # ...and the sub-stage is as it was.
    assert world.sql("select status::text from app.project_sub_stage_progress where project_id = %s and sub_stage_id = %s",
                     tenant["project"], tenant["sub_stage"]) == "in_progress"
