"""Sign-in and refusals over HTTP, through PostgREST and PostGraphile alike."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from helpers import TEST_PASSWORD, graphql, rest

pytestmark = pytest.mark.stack

LOGIN = """mutation ($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { result { accessToken refreshToken role organizationId } }
}"""
PARTNERS = "{ partners { nodes { name } } }"
PASSWORD = TEST_PASSWORD


def login(live, email, password=PASSWORD):
    return rest(live, "POST", "/rpc/login", json={"email": email, "password": password})


def refusal(response) -> tuple[int, str, str | None]:
    """Status, code and reason of a refused REST call."""
    body = response.json()
    return response.status_code, body.get("code"), body.get("details")


def test_login_over_rest_returns_tokens_that_both_servers_accept(world):
    tenant = world.tenant()
    world.sql("select tests.create_partner(%s)", tenant)
    world.sql("select tests.create_partner(tests.create_tenant())")  # another tenant's partner stays unseen
    response = world.login(world.member(tenant, "sales"))
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "bearer" and tokens["role"] == "app_user" and tokens["organization_id"] == tenant
    partners = rest(world.live, "GET", "/partners?select=organization_id", tokens["access_token"])
    assert partners.status_code == 200 and [row["organization_id"] for row in partners.json()] == [tenant]
    nodes = graphql(world.live, PARTNERS, tokens["access_token"]).json()["data"]["partners"]["nodes"]
    assert len(nodes) == 1


def test_login_over_graphql(world):
    qa = world.member(world.tenant(), "qa")
    response = graphql(world.live, LOGIN, variables={"email": qa.email, "password": PASSWORD})
    result = response.json()["data"]["login"]["result"]
    assert result["role"] == "app_user" and result["accessToken"].startswith("ey") and result["organizationId"] == qa.tenant


def test_wrong_password_and_unknown_email_get_the_same_answer(world):
    live = world.live
    known = world.member(world.tenant(), "finance").email
    unknown = f"nobody-{known}"
    wrong, stranger = login(live, known, "not the password"), login(live, unknown, "not the password")
    assert refusal(wrong) == refusal(stranger) == (401, "PT401", "sign_in.invalid_credentials")
    assert wrong.json() == stranger.json()
    assert wrong.headers["www-authenticate"] == stranger.headers["www-authenticate"]
    assert wrong.headers["www-authenticate"].startswith('Bearer error="invalid_grant"')
    gql_wrong = graphql(live, LOGIN, variables={"email": known, "password": "nope"}).json()
    gql_unknown = graphql(live, LOGIN, variables={"email": unknown, "password": "nope"}).json()
    assert gql_wrong == gql_unknown
    assert gql_wrong["data"] == {"login": None}
    extensions = gql_wrong["errors"][0]["extensions"]
    assert (extensions["code"], extensions["details"]) == ("PT401", "sign_in.invalid_credentials")
    world.sql("delete from app_private.sign_in_throttle where email in (%s, %s)", known, unknown)


def test_refresh_rotates_and_logout_ends_the_session_on_both_servers(world):
    live = world.live
    tokens = world.login(world.member(world.tenant(), "engineering")).json()
    renewed = rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    access = renewed.json()["access_token"]
    assert rest(live, "GET", "/sites", access).status_code == 200
    assert rest(live, "POST", "/rpc/logout", access, json={}).json() is True
    after = rest(live, "GET", "/sites", access)
    assert refusal(after) == (401, "PT401", "session.ended")
    gql = graphql(live, PARTNERS, access)
    extensions = gql.json()["errors"][0]["extensions"]
    assert gql.status_code == 401 and (extensions["code"], extensions.get("details")) == ("PT401", "session.ended")


def test_a_reused_refresh_token_ends_the_session(world):
    live = world.live
    tokens = world.login(world.member(world.tenant(), "finance")).json()
    renewed = rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]}).json()
    reused = rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refusal(reused) == (401, "PT401", "session.refresh_token_reused")
    assert rest(live, "GET", "/sites", renewed["access_token"]).status_code == 401
    again = rest(live, "POST", "/rpc/refresh", json={"refresh_token": renewed["refresh_token"]})
    assert again.status_code == 401


def test_switch_organization_needs_a_membership(world):
    mine, other = world.tenant(), world.tenant()
    admin = world.member(mine, "admin")
    bearer = world.sign_in(admin)
    refused = rest(world.live, "POST", "/rpc/switch_organization", bearer, json={"organization_id": other})
    assert refusal(refused) == (403, "PT403", "membership.not_active")
    world.sql("insert into app.memberships (organization_id, user_id) values (%s, %s)", other, admin.id)
    switched = rest(world.live, "POST", "/rpc/switch_organization", bearer, json={"organization_id": other})
    assert switched.status_code == 200 and switched.json()["organization_id"] == other, switched.text


@pytest.mark.parametrize("change, reason", [
    ("update app.users set status = 'suspended' where id = %s", "user.inactive"),
    ("update app.memberships set status = 'revoked' where user_id = %s", "membership.not_active"),
])
def test_suspension_and_revocation_apply_to_the_next_request(settings, world, change, reason):
    live = world.live
    tenant = world.tenant()
    world.member(tenant, "admin")  # a tenant keeps an admin: revoking its only member would be refused
    logistics = world.member(tenant, "logistics")
    bearer = world.mint(settings, logistics)
    assert rest(live, "GET", "/sites", bearer).status_code == 200
    world.sql(change, logistics.id)
    refused = rest(live, "GET", "/sites", bearer)
    assert refusal(refused) == (403, "PT403", reason)
    gql = graphql(live, PARTNERS, bearer)
    extensions = gql.json()["errors"][0]["extensions"]
    assert gql.status_code == 403 and (extensions["code"], extensions.get("details")) == ("PT403", reason)


CREATE_PARTNER = "mutation($name: String!) { createPartner(input: {partner: {name: $name, kind: customer}}) { partner { name } } }"


@pytest.mark.parametrize("operation", ["mutation", "data", "no data"])
def test_a_graphql_operation_of_a_suspended_user_runs_nothing(settings, world, operation):
    """GraphQL checks the request in the transaction of the operation's own statements: a refusal answers
    the request with its status whatever the operation was, writes nothing, and an operation that reads
    nothing from the database is checked too."""
    live = world.live
    tenant = world.tenant()
    world.member(tenant, "admin")
    admin = world.member(tenant, "admin")
    bearer = world.mint(settings, admin)
    name = f"after suspension {operation}"
    query, variables = {
        "mutation": (CREATE_PARTNER, {"name": name}),
        "data": (PARTNERS, None),
        "no data": ("{ __typename }", None),
    }[operation]
    allowed = graphql(live, CREATE_PARTNER, bearer, {"name": f"before suspension {operation}"})
    assert allowed.status_code == 200 and "errors" not in allowed.json(), allowed.text
    world.sql("update app.users set status = 'suspended' where id = %s", admin.id)
    refused = graphql(live, query, bearer, variables)
    body = refused.json()
    assert refused.status_code == 403 and "data" not in body, refused.text
    assert [(e["extensions"]["code"], e["extensions"].get("details")) for e in body["errors"]] == [("PT403", "user.inactive")]
    assert world.sql("select count(*) from app.partners where organization_id = %s and name = %s", tenant, name) == 0


def test_a_graphql_token_of_an_unknown_user_is_challenged(settings, world):
    tenant = world.tenant()
    world.member(tenant, "admin")
    bearer = world.mint(settings, world.member(tenant, "logistics"), sub=str(uuid.uuid4()))
    refused = graphql(world.live, PARTNERS, bearer)
    assert refused.status_code == 401 and refused.json()["errors"][0]["extensions"]["code"] == "PT401", refused.text
    assert refused.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


def test_errors_carry_code_reason_and_hint_on_both_servers(world):
    bearer = world.sign_in(world.member(world.tenant(), "admin"))
    response = rest(world.live, "POST", "/rpc/create_role", bearer,
                    json={"key": "bogus", "name": "Bogus", "permissions": ["missiles.launch"]})
    body = response.json()
    assert response.status_code == 422 and body["code"] == "PT422" and body["hint"], response.text
    assert body["details"] == "permission.unknown", response.text
    gql = graphql(world.live, 'mutation { createRole(input: {key: "bogus", name: "Bogus", permissions: ["missiles.launch"]}) '
                              "{ result { key } } }", bearer).json()
    extensions = gql["errors"][0]["extensions"]
    assert extensions["code"] == "PT422" and extensions["hint"] == body["hint"]
    assert extensions.get("details") == body["details"]


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


def test_a_tenant_cannot_choose_the_password_of_a_global_account(world, figures):
    live = world.live
    admin = world.sign_in(world.member(world.tenant(), "admin"))
    email = f"newhire-{world.sql('select tests.unique_suffix()')}@example.test"
    attack = rest(live, "POST", "/rpc/add_member", admin, json={"email": email, "display_name": "N", "password": "attacker-chosen"})
    assert attack.status_code == 404 and attack.json()["code"] == "PGRST202", attack.text
    assert owner_sql(live, "select 1 from app.users where email = %s", [email]) == []
    assert login(live, email, "attacker-chosen").status_code == 401
    figures["invitation_cases"] = figures.get("invitation_cases", 0) + 1


def test_invitation_token_flow_end_to_end(world, figures):
    live = world.live
    tenant = world.tenant()
    admin = world.sign_in(world.member(tenant, "admin"))
    fresh = f"fresh-{world.sql('select tests.unique_suffix()')}@example.test"
    elsewhere = world.member(world.tenant(), "logistics").email  # an account of another tenant, with a password
    new = rest(live, "POST", "/rpc/add_member", admin, json={"email": fresh, "display_name": "Fresh Hire", "role_keys": ["qa"]})
    existing = rest(live, "POST", "/rpc/add_member", admin, json={"email": elsewhere, "display_name": "G"})
    assert new.status_code == existing.status_code == 200, (new.text, existing.text)
    assert new.json().keys() == existing.json().keys() and new.json()["status"] == existing.json()["status"] == "invited"
    assert login(live, fresh, "").status_code == 401  # no password until the invitee sets one

    token = outbox_token(live, fresh)
    assert token and owner_sql(live, "select 1 from app_private.invitations where token_hash = digest(%s, 'sha256')", [token])
    accepted = rest(live, "POST", "/rpc/accept_invitation", json={"token": token, "password": "my-own-password"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "active", accepted.text
    signed_in = login(live, fresh, "my-own-password")
    assert signed_in.status_code == 200 and signed_in.json()["organization_id"] == tenant
    assert rest(live, "GET", "/partners?select=name", signed_in.json()["access_token"]).status_code == 200

    reused = rest(live, "POST", "/rpc/accept_invitation", json={"token": token, "password": "attacker-password"})
    assert refusal(reused) == (403, "PT403", "invitation.used")
    assert login(live, fresh, "attacker-password").status_code == 401

    other_token = outbox_token(live, elsewhere)
    owner_sql(live, "update app_private.invitations set expires_at = now() - interval '1 second' "
                    "where token_hash = digest(%s, 'sha256')", [other_token])
    expired = rest(live, "POST", "/rpc/accept_invitation", json={"token": other_token})
    assert refusal(expired) == (403, "PT403", "invitation.expired")
    gql_expired = graphql(live, ACCEPT, variables={"token": other_token}).json()
    assert gql_expired["errors"][0]["extensions"]["details"] == "invitation.expired"

    assert rest(live, "POST", "/rpc/add_member", admin, json={"email": elsewhere, "display_name": "G"}).status_code == 200
    fresh_token = outbox_token(live, elsewhere)
    gql = graphql(live, ACCEPT, variables={"token": fresh_token}).json()
    assert gql["data"]["acceptInvitation"]["result"]["status"] == "active", gql
    figures["invitation_cases"] = figures.get("invitation_cases", 0) + 5


def test_an_admin_cannot_activate_an_invited_membership(world, figures):
    live = world.live
    admin = world.sign_in(world.member(world.tenant(), "admin"))
    email = f"not-yet-{world.sql('select tests.unique_suffix()')}@example.test"
    invited = rest(live, "POST", "/rpc/add_member", admin, json={"email": email, "display_name": "Not Yet"}).json()
    forced = rest(live, "PATCH", f"/memberships?id=eq.{invited['id']}", admin, json={"status": "active"})
    assert refusal(forced) == (403, "PT403", "membership.activation_needs_invitee"), forced.text
    assert owner_sql(live, "select status::text from app.memberships where id = %s", [invited["id"]]) == [("invited",)]
    withdrawn = rest(live, "PATCH", f"/memberships?id=eq.{invited['id']}", admin, json={"status": "revoked"})
    assert withdrawn.status_code in (200, 204), withdrawn.text
    figures["invitation_cases"] = figures.get("invitation_cases", 0) + 2


# -- Lockout (issue 9, findings 6 and 7).

DECIDE = """mutation ($id: UUID!, $password: String!) {
  decideApproval(input: {approvalId: $id, decision: approve, comment: "ok", signatureReason: "checked",
                         signaturePassword: $password}) { result { status } } }"""


def test_signature_passwords_count_toward_lockout_and_apply_nothing(world, figures):
    live = world.live
    tenant = world.workflow_tenant()
    approval_id = world.pending_approval(tenant)
    engineering = world.person(tenant, "engineering")
    assert world.sql("select current_approver_id::text from app.approvals where id = %s", approval_id) == engineering.id
    world.sql("update app.approvals set requires_signature = true where id = %s", approval_id)
    bearer = world.sign_in(engineering)
    gql = graphql(live, DECIDE, bearer, {"id": approval_id, "password": "guess-0"}).json()
    assert gql.get("errors") and gql["errors"][0]["extensions"]["code"] == "PT403", gql
    assert gql["errors"][0]["extensions"]["details"] == "signature.wrong_password", gql
    for attempt in range(1, 5):
        wrong = rest(live, "POST", "/rpc/decide_approval", bearer, json={
            "approval_id": approval_id, "decision": "approve", "comment": "ok",
            "signature_reason": "checked", "signature_password": f"guess-{attempt}"})
        assert wrong.status_code == 403 and wrong.headers["pulse-refusal"] == "signature.wrong_password", wrong.text
    right = rest(live, "POST", "/rpc/decide_approval", bearer, json={
        "approval_id": approval_id, "decision": "approve", "comment": "ok",
        "signature_reason": "checked", "signature_password": PASSWORD})
    assert refusal(right) == (429, "PT429", "sign_in.locked"), right.text
    assert refusal(world.login(engineering)) == (429, "PT429", "sign_in.locked")
    assert world.rows("select status::text, decided_by from app.approvals where id = %s", approval_id) == [("pending", None)]
    world.sql("delete from app_private.sign_in_throttle where email = %s", engineering.email)
    signed = graphql(live, DECIDE, bearer, {"id": approval_id, "password": PASSWORD}).json()
    assert "errors" not in signed and signed["data"]["decideApproval"]["result"]["status"] != "pending", signed
    figures["lockout_cases"] = figures.get("lockout_cases", 0) + 3


def test_a_stranger_cannot_lock_the_owner_out(world, figures):
    live = world.live
    stranger = {"X-Forwarded-For": "203.0.113.50"}
    # What the stranger writes in the header is kept left of what the proxy appends.
    owner = {"X-Forwarded-For": "203.0.113.50, 198.51.100.60"}
    email = world.member(world.tenant(), "lab_tech").email
    for _ in range(5):
        assert rest(live, "POST", "/rpc/login", json={"email": email, "password": "guess"}, headers=stranger).status_code == 401
    throttled = rest(live, "POST", "/rpc/login", json={"email": email, "password": PASSWORD}, headers=stranger)
    assert refusal(throttled) == (429, "PT429", "sign_in.locked")
    again = rest(live, "POST", "/rpc/login", json={"email": email, "password": "guess"}, headers=stranger)
    assert again.status_code == 429  # brute force from one address is throttled
    signed_in = rest(live, "POST", "/rpc/login", json={"email": email, "password": PASSWORD}, headers=owner)
    assert signed_in.status_code == 200, signed_in.text
    figures["lockout_cases"] = figures.get("lockout_cases", 0) + 3
