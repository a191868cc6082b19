"""Bad input over HTTP: each answered with a 4xx and a clear message, nothing written."""

from __future__ import annotations

import sys

import psycopg
import pytest

from conftest import start_stack, stop_stack
from helpers import graphql, rest

pytestmark = pytest.mark.stack

PASSWORD = "pulse-demo-password"


@pytest.fixture(scope="module")
def live(databases):
    """A stack of its own: the rows these tests do manage to write stay out of the shared one."""
    stack = start_stack(databases, "pulse_test_bad_input")
    yield stack
    stop_stack(stack)


@pytest.fixture(scope="module")
def sales(live):
    return rest(live, "POST", "/rpc/login", json={"email": "sales@acme.test", "password": PASSWORD}).json()["access_token"]


@pytest.fixture(autouse=True)
def count_bad_inputs(monkeypatch, figures):
    """Every request these tests send is a bad input; make security-report counts them."""
    module = sys.modules[__name__]
    for name, send in (("rest", rest), ("graphql", graphql)):
        def counted(*args, _send=send, **kwargs):
            figures["bad_inputs"] = figures.get("bad_inputs", 0) + 1
            return _send(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)


def partner_count(live) -> int:
    with psycopg.connect(live["url"]) as conn:
        return conn.execute("select count(*) from app.partners").fetchone()[0]


BAD_PARTNERS = [
    ({"kind": "customer", "name": "x" * 201}, "partners_name_length"),
    ({"kind": "reseller", "name": "Unknown kind"}, "partner_kind"),
    ({"kind": "customer", "name": "   "}, "partners_name_length"),
    ({"kind": "customer", "name": "NUL \u0000 byte"}, ""),
    ({"kind": "customer", "name": "Robert'); DROP TABLE app.partners;--", "code": ""}, "partners_code_length"),
    # A client may choose the id (upsert by primary key); server-managed columns stay closed.
    ({"kind": "customer", "name": "Not granted", "created_at": "2020-01-01T00:00:00Z"}, "permission denied"),
    ({"kind": "customer", "name": "Long notes", "notes": "x" * 10001}, "partners_notes_length"),
]


@pytest.mark.parametrize("body, words", BAD_PARTNERS)
def test_bad_rows_are_refused_and_nothing_is_written(live, sales, body, words):
    before = partner_count(live)
    response = rest(live, "POST", "/partners", sales, json=body)
    assert 400 <= response.status_code < 500, response.text
    message = response.json()
    assert message.get("message"), message
    assert words.lower() in (message["message"] + " " + str(message.get("details"))).lower()
    assert partner_count(live) == before


def test_malformed_uuid_in_a_body_is_400(live, sales):
    response = rest(live, "POST", "/contacts", sales, json={"partner_id": "not-a-uuid", "full_name": "Nobody"})
    assert response.status_code == 400 and "uuid" in response.json()["message"]


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
    assert gql["errors"] and "data" not in gql or gql.get("data") is None


def test_wrong_content_types_and_bodies(live, sales):
    before = partner_count(live)
    xml = rest(live, "POST", "/partners", sales, content="<partner/>", headers={"Content-Type": "application/xml"})
    assert 400 <= xml.status_code < 500 and xml.json()["message"]
    broken = rest(live, "POST", "/partners", sales, content="{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400
    gql = rest(live, "POST", "/rpc/login", content="email=x", headers={"Content-Type": "text/plain"})
    assert 400 <= gql.status_code < 500
    assert partner_count(live) == before


def test_oversized_bodies_are_refused(live, sales):
    before = partner_count(live)
    huge = {"kind": "customer", "name": "big", "notes": "x" * (8 * 1024 * 1024)}
    response = rest(live, "POST", "/partners", sales, json=huge)
    assert response.status_code == 400 and "partners_notes_length" in response.json()["message"]
    preferences = rest(live, "PATCH", "/users?email=eq.sales@acme.test", sales,
                       json={"preferences": {"blob": "x" * 100_000}})
    assert preferences.status_code == 400 and "users_preferences_object" in preferences.json()["message"]
    too_big_query = graphql(live, "{ partners { nodes { name } } }" + " " * (2 * 1024 * 1024), sales)
    assert 400 <= too_big_query.status_code < 500
    assert partner_count(live) == before


BAD_PROGRESS = [
    ({"action": "finish"}, "invalid input value for enum progress_action"),
    ({"action": "complete", "project_id": "not-a-uuid"}, "invalid input syntax for type uuid"),
    ({"action": "block", "comment": "x" * 4001}, "comment is longer than 4000 characters"),
    ({"action": "complete", "attachments": {"document_id": 1}}, "attachments must be an array"),
    ({"action": "complete", "metadata": [1, 2]}, "metadata must be a JSON object"),
]


@pytest.mark.parametrize("change, words", BAD_PROGRESS)
def test_bad_progress_actions_are_refused_and_nothing_is_written(live, sales, change, words):
    with psycopg.connect(live["url"]) as conn:
        project, sub_stage = conn.execute("""
            select p.project_id, p.sub_stage_id from app.project_sub_stage_progress p
              join app.organizations o on o.id = p.organization_id join app.workflow_sub_stages s on s.id = p.sub_stage_id
             where o.slug = 'acme-manufacturing' and s.slug = 'rfq-review' and p.status = 'in_progress' limit 1""").fetchone()
        before = conn.execute("select count(*) from audit.activity_log").fetchone()[0]
    body = {"project_id": str(project), "sub_stage_id": str(sub_stage), **change}
    answer = rest(live, "POST", "/rpc/update_progress", sales, json=body)
    assert 400 <= answer.status_code < 500 and words in answer.json()["message"], answer.text
    with psycopg.connect(live["url"]) as conn:
        assert conn.execute("select count(*) from audit.activity_log").fetchone()[0] == before
