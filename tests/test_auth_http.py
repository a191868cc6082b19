"""Sign-in and refusals over HTTP, through PostgREST and PostGraphile alike."""

from __future__ import annotations

import psycopg
import pytest

from helpers import graphql, rest, token

pytestmark = pytest.mark.stack

LOGIN = """mutation ($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { result { accessToken refreshToken role organizationId } }
}"""
PARTNERS = "{ partners { nodes { name } } }"
PASSWORD = "pulse-demo-password"


def login(live, email, password=PASSWORD):
    return rest(live, "POST", "/rpc/login", json={"email": email, "password": password})


def test_login_over_rest_returns_tokens_that_both_servers_accept(live):
    response = login(live, "sales@acme.test")
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "bearer" and tokens["role"] == "app_user"
    partners = rest(live, "GET", "/partners?select=name", tokens["access_token"])
    assert partners.status_code == 200 and len(partners.json()) == 4
    assert len(graphql(live, PARTNERS, tokens["access_token"]).json()["data"]["partners"]["nodes"]) == 4


def test_login_over_graphql(live):
    response = graphql(live, LOGIN, variables={"email": "qa@northwind.test", "password": PASSWORD})
    result = response.json()["data"]["login"]["result"]
    assert result["role"] == "app_user" and result["accessToken"].startswith("ey")


def test_wrong_password_and_unknown_email_get_the_same_answer(live):
    wrong = login(live, "finance@northwind.test", "not the password")
    unknown = login(live, "nobody-here@northwind.test", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    assert "invalid email or password" in wrong.headers["www-authenticate"]
    gql_wrong = graphql(live, LOGIN, variables={"email": "finance@northwind.test", "password": "nope"}).json()
    gql_unknown = graphql(live, LOGIN, variables={"email": "nobody-here@northwind.test", "password": "nope"}).json()
    assert gql_wrong == gql_unknown == {"data": {"login": {"result": None}}}


def test_refresh_rotates_and_logout_ends_the_session_on_both_servers(live):
    tokens = login(live, "engineering@acme.test").json()
    renewed = rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    access = renewed.json()["access_token"]
    assert rest(live, "GET", "/sites", access).status_code == 200
    assert rest(live, "POST", "/rpc/logout", access, json={}).json() is True
    after = rest(live, "GET", "/sites", access)
    assert after.status_code == 401 and after.json()["message"] == "the session has ended"
    gql = graphql(live, PARTNERS, access)
    assert gql.status_code == 401 and gql.json()["errors"][0]["message"] == "the session has ended"


def test_a_reused_refresh_token_ends_the_session(live):
    tokens = login(live, "finance@acme.test").json()
    renewed = rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]}).json()
    reused = rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401 and "refresh token reused" in reused.headers["www-authenticate"]
    assert rest(live, "GET", "/sites", renewed["access_token"]).status_code == 401
    again = rest(live, "POST", "/rpc/refresh", json={"refresh_token": renewed["refresh_token"]})
    assert again.status_code == 401


def test_switch_organization_needs_a_membership(live):
    tokens = login(live, "ada@acme.test").json()
    northwind = rest(live, "GET", "/organizations?select=id", token_for_operator(live)).json()
    other = next(row["id"] for row in northwind if row["id"] != tokens["organization_id"])
    refused = rest(live, "POST", "/rpc/switch_organization", tokens["access_token"], json={"organization_id": other})
    assert refused.status_code == 403 and refused.json()["code"] == "PT403"


def token_for_operator(live):
    return login(live, "operator@pulse.test").json()["access_token"]


@pytest.mark.parametrize("change, status, words", [
    ("update app.users set status = 'suspended' where email = 'logistics@acme.test'", 403, "is suspended"),
    ("update app.memberships set status = 'revoked' where user_id = "
     "(select id from app.users where email = 'logistics@acme.test')", 403, "not an active member"),
])
def test_suspension_and_revocation_apply_to_the_next_request(settings, live, change, status, words):
    bearer = token(settings, live, "logistics@acme.test", "acme-manufacturing")
    assert rest(live, "GET", "/sites", bearer).status_code == 200
    with psycopg.connect(live["url"], autocommit=True) as conn:
        conn.execute(change)
    try:
        refused = rest(live, "GET", "/sites", bearer)
        assert refused.status_code == status and words in refused.json()["message"]
        gql = graphql(live, PARTNERS, bearer)
        assert gql.status_code == status and words in gql.json()["errors"][0]["message"]
    finally:
        with psycopg.connect(live["url"], autocommit=True) as conn:
            conn.execute("update app.users set status = 'active' where email = 'logistics@acme.test'")
            conn.execute("update app.memberships set status = 'active' where user_id = "
                         "(select id from app.users where email = 'logistics@acme.test')")


def test_errors_carry_code_message_and_hint_on_both_servers(live):
    bearer = login(live, "ada@acme.test").json()["access_token"]
    response = rest(live, "POST", "/rpc/create_role", bearer,
                    json={"key": "bogus", "name": "Bogus", "permissions": ["missiles.launch"]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "PT422" and "missiles.launch" in body["message"] and body["hint"]
    gql = graphql(live, 'mutation { createRole(input: {key: "bogus", name: "Bogus", permissions: ["missiles.launch"]}) '
                        "{ result { key } } }", bearer).json()
    assert gql["errors"][0]["extensions"]["code"] == "PT422"
    assert gql["errors"][0]["extensions"]["hint"] == body["hint"]
