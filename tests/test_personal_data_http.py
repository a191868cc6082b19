"""Personal data over HTTP (issue #13, item 9): a person exports their own data over REST and GraphQL; an
administrator erases a person over GraphQL and the profile answers with the pseudonym; a colleague may do neither."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_export_and_erasure_over_both_servers(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    person, admin, colleague = world.person(tenant, "engineering"), world.person(tenant, "admin"), world.person(tenant, "sales")
    person_token, admin_token, colleague_token = world.sign_in(person), world.sign_in(admin), world.sign_in(colleague)

    exported = rest(live, "POST", "/rpc/export_personal_data", person_token, json={})
    assert exported.status_code == 200, exported.text
    assert exported.json()["subject"]["id"] == person.id
    assert "app.memberships" in exported.json()["records"]

    over_graphql = graphql(live, "mutation { exportPersonalData(input: {}) { result } }", person_token).json()
    assert "errors" not in over_graphql, over_graphql
    assert over_graphql["data"]["exportPersonalData"]["result"]["subject"]["id"] == person.id

    refused = rest(live, "POST", "/rpc/export_personal_data", colleague_token, json={"user_id": person.id})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing")

    erase = """mutation($id: UUID!) { erasePersonalData(input: {userId: $id, reason: "Request by email"}) {
                 result { pseudonym rowsPseudonymised restricted } } }"""
    erased = graphql(live, erase, admin_token, {"id": person.id}).json()
    assert "errors" not in erased, erased
    pseudonym = erased["data"]["erasePersonalData"]["result"]["pseudonym"]
    assert pseudonym.startswith("Erased person ")
    assert {"table": "audit.activity_log"}.items() <= erased["data"]["erasePersonalData"]["result"]["restricted"][0].items()

    # The person left the tenant: their profile is read as the owner.
    [(name, email, status)] = world.rows("select display_name, email::text, status::text from app.users where id = %s", person.id)
    assert (name, status) == (pseudonym, "disabled") and email.endswith("@erased.invalid")
    assert rest(live, "GET", "/projects?limit=1", person_token).status_code in (401, 403)
