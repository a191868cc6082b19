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
    partners = rest(live, "GET", "/partners?select=organization_id", tokens["access_token"])
    assert partners.status_code == 200 and partners.json()
    assert {row["organization_id"] for row in partners.json()} == {tokens["organization_id"]}
    nodes = graphql(live, PARTNERS, tokens["access_token"]).json()["data"]["partners"]["nodes"]
    assert len(nodes) == len(partners.json())


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
    assert gql_wrong == gql_unknown
    assert gql_wrong["data"] == {"login": None} and gql_wrong["errors"][0]["extensions"]["code"] == "PT401"


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


# -- Invitations (issue 9, finding 1): no tenant chooses, sees or resets a global account's password.

def owner_sql(live, sql, params=()):
    with psycopg.connect(live["url"], autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def outbox_token(live, email):
    rows = owner_sql(live, "select payload ->> 'token' from app_private.outbox where recipient = %s "
                           "and payload ->> 'type' = 'invitation' order by created_at desc, id desc limit 1", [email])
    return rows[0][0] if rows else None


ACCEPT = """mutation ($token: String!) { acceptInvitation(input: {token: $token}) { result { status } } }"""


def test_a_tenant_cannot_choose_the_password_of_a_global_account(live, figures):
    ada = login(live, "ada@acme.test").json()["access_token"]
    attack = rest(live, "POST", "/rpc/add_member", ada, json={
        "email": "newhire@northwind.test", "display_name": "N", "password": "attacker-chosen"})
    assert attack.status_code == 404 and attack.json()["code"] == "PGRST202", attack.text
    assert owner_sql(live, "select 1 from app.users where email = 'newhire@northwind.test'") == []
    assert login(live, "newhire@northwind.test", "attacker-chosen").status_code == 401
    figures["invitation_cases"] = figures.get("invitation_cases", 0) + 1


def test_invitation_token_flow_end_to_end(live, figures):
    ada = login(live, "ada@acme.test").json()["access_token"]
    new = rest(live, "POST", "/rpc/add_member", ada,
               json={"email": "fresh.hire@acme.test", "display_name": "Fresh Hire", "role_keys": ["qa"]})
    existing = rest(live, "POST", "/rpc/add_member", ada, json={"email": "logistics@northwind.test", "display_name": "G"})
    assert new.status_code == existing.status_code == 200, (new.text, existing.text)
    assert new.json().keys() == existing.json().keys() and new.json()["status"] == existing.json()["status"] == "invited"
    assert login(live, "fresh.hire@acme.test", "").status_code == 401  # no password until the invitee sets one

    token = outbox_token(live, "fresh.hire@acme.test")
    assert token and owner_sql(live, "select 1 from app_private.invitations where token_hash = digest(%s, 'sha256')", [token])
    accepted = rest(live, "POST", "/rpc/accept_invitation", json={"token": token, "password": "my-own-password"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "active", accepted.text
    signed_in = login(live, "fresh.hire@acme.test", "my-own-password")
    assert signed_in.status_code == 200
    assert rest(live, "GET", "/partners?select=name", signed_in.json()["access_token"]).status_code == 200

    reused = rest(live, "POST", "/rpc/accept_invitation", json={"token": token, "password": "attacker-password"})
    assert reused.status_code == 403 and reused.json()["details"] == "invitation.used"
    assert login(live, "fresh.hire@acme.test", "attacker-password").status_code == 401

    other_token = outbox_token(live, "logistics@northwind.test")
    owner_sql(live, "update app_private.invitations set expires_at = now() - interval '1 second' "
                    "where token_hash = digest(%s, 'sha256')", [other_token])
    expired = rest(live, "POST", "/rpc/accept_invitation", json={"token": other_token})
    assert expired.status_code == 403 and expired.json()["details"] == "invitation.expired"
    gql_expired = graphql(live, ACCEPT, variables={"token": other_token}).json()
    assert gql_expired["errors"][0]["extensions"]["details"] == "invitation.expired"

    assert rest(live, "POST", "/rpc/add_member", ada, json={"email": "logistics@northwind.test", "display_name": "G"}).status_code == 200
    fresh_token = outbox_token(live, "logistics@northwind.test")
    gql = graphql(live, ACCEPT, variables={"token": fresh_token}).json()
    assert gql["data"]["acceptInvitation"]["result"]["status"] == "active", gql
    figures["invitation_cases"] = figures.get("invitation_cases", 0) + 5


def test_an_admin_cannot_activate_an_invited_membership(live, figures):
    ada = login(live, "ada@acme.test").json()["access_token"]
    invited = rest(live, "POST", "/rpc/add_member", ada, json={"email": "not.yet@acme.test", "display_name": "Not Yet"}).json()
    forced = rest(live, "PATCH", f"/memberships?id=eq.{invited['id']}", ada, json={"status": "active"})
    assert forced.status_code == 403 and forced.json()["details"] == "membership.activation_needs_invitee", forced.text
    assert owner_sql(live, "select status::text from app.memberships where id = %s", [invited["id"]]) == [("invited",)]
    withdrawn = rest(live, "PATCH", f"/memberships?id=eq.{invited['id']}", ada, json={"status": "revoked"})
    assert withdrawn.status_code in (200, 204), withdrawn.text
    figures["invitation_cases"] = figures.get("invitation_cases", 0) + 2


# -- Lockout (issue 9, findings 6 and 7).

DECIDE = """mutation ($id: UUID!, $password: String!) {
  decideApproval(input: {approvalId: $id, decision: approve, comment: "ok", signatureReason: "checked",
                         signaturePassword: $password}) { result { status } } }"""


def test_signature_passwords_count_toward_lockout_and_apply_nothing(live, figures):
    (approval_id,), = owner_sql(live, "select a.id from app.approvals a join app.users u on u.id = a.current_approver_id "
                                      "where u.email = 'engineering@northwind.test' and a.status = 'pending' limit 1")
    owner_sql(live, "update app.approvals set requires_signature = true where id = %s", [approval_id])
    bearer = login(live, "engineering@northwind.test").json()["access_token"]
    try:
        gql = graphql(live, DECIDE, bearer, {"id": str(approval_id), "password": "guess-0"}).json()
        assert gql.get("errors") and gql["errors"][0]["extensions"]["code"] == "PT403", gql
        for attempt in range(1, 5):
            wrong = rest(live, "POST", "/rpc/decide_approval", bearer, json={
                "approval_id": str(approval_id), "decision": "approve", "comment": "ok",
                "signature_reason": "checked", "signature_password": f"guess-{attempt}"})
            assert wrong.status_code == 403 and wrong.headers["pulse-refusal"] == "signature.wrong_password", wrong.text
        right = rest(live, "POST", "/rpc/decide_approval", bearer, json={
            "approval_id": str(approval_id), "decision": "approve", "comment": "ok",
            "signature_reason": "checked", "signature_password": PASSWORD})
        assert right.status_code == 429 and right.json()["details"] == "sign_in.locked", right.text
        assert login(live, "engineering@northwind.test").status_code == 429
        assert owner_sql(live, "select status::text, decided_by from app.approvals where id = %s",
                         [approval_id]) == [("pending", None)]
        owner_sql(live, "delete from app_private.sign_in_throttle where email = 'engineering@northwind.test'")
        signed = graphql(live, DECIDE, bearer, {"id": str(approval_id), "password": PASSWORD}).json()
        assert "errors" not in signed and signed["data"]["decideApproval"]["result"]["status"] != "pending", signed
    finally:
        owner_sql(live, "update app.approvals set requires_signature = false where id = %s", [approval_id])
        owner_sql(live, "delete from app_private.sign_in_throttle where email = 'engineering@northwind.test'")
    figures["lockout_cases"] = figures.get("lockout_cases", 0) + 3


def test_a_stranger_cannot_lock_the_owner_out(live, figures):
    stranger = {"X-Forwarded-For": "203.0.113.50"}
    # What the stranger writes in the header is kept left of what the proxy appends.
    owner = {"X-Forwarded-For": "203.0.113.50, 198.51.100.60"}
    email = "lab_tech@northwind.test"
    for _ in range(5):
        assert rest(live, "POST", "/rpc/login", json={"email": email, "password": "guess"}, headers=stranger).status_code == 401
    throttled = rest(live, "POST", "/rpc/login", json={"email": email, "password": PASSWORD}, headers=stranger)
    assert throttled.status_code == 429 and throttled.json()["details"] == "sign_in.locked"
    again = rest(live, "POST", "/rpc/login", json={"email": email, "password": "guess"}, headers=stranger)
    assert again.status_code == 429  # brute force from one address is throttled
    signed_in = rest(live, "POST", "/rpc/login", json={"email": email, "password": PASSWORD}, headers=owner)
    assert signed_in.status_code == 200, signed_in.text
    owner_sql(live, "delete from app_private.sign_in_throttle where email = %s", [email])
    figures["lockout_cases"] = figures.get("lockout_cases", 0) + 3
