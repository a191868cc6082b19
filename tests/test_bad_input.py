"""Bad input over HTTP: each answered with a 4xx and a clear message, nothing written."""

from __future__ import annotations

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


def partner_count(live) -> int:
    with psycopg.connect(live["url"]) as conn:
        return conn.execute("select count(*) from app.partners").fetchone()[0]


BAD_PARTNERS = [
    ({"kind": "customer", "name": "x" * 201}, "partners_name_length"),
    ({"kind": "reseller", "name": "Unknown kind"}, "partner_kind"),
    ({"kind": "customer", "name": "   "}, "partners_name_length"),
    ({"kind": "customer", "name": "NUL \u0000 byte"}, ""),
    ({"kind": "customer", "name": "Robert'); DROP TABLE app.partners;--", "code": ""}, "partners_code_length"),
    ({"kind": "customer", "name": "Not granted", "id": "01a2012f-0000-7000-8000-000000000000"}, "permission denied"),
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
