"""Profiles over HTTP (issue #19, item 5): colleagues read only the public
columns of each other's profile, a user still reads and edits their own
preferences, and no colleague reads another tenant's user id as someone's
direct manager, on REST and GraphQL (nested relations included)."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def people(live):
    """Tenant A (a qa member, a sales colleague, an admin) and tenant B (an admin); one member of A, managed by
    A's admin, who then joins B (invited, then active)."""
    world = World(live)
    a, b = world.tenant(), world.tenant()
    qa, sales, admin_a, admin_b = world.member(a, "qa"), world.member(a, "sales"), world.member(a, "admin"), world.member(b, "admin")
    two = world.member(a)
    world.sql("update app.users set direct_manager_id = %s where id = %s", admin_a.id, two.id)
    assert world.sql("select direct_manager_id::text from app.users where id = %s", two.id) == admin_a.id
    world.sql("insert into app.memberships (organization_id, user_id, status) values (%s, %s, 'invited')", b, two.id)
    world.sql("update app.memberships set status = 'active' where user_id = %s and status = 'invited'", two.id)
    return {"qa": world.sign_in(qa), "b": world.sign_in(admin_b), "sales": sales, "two": two}


def test_other_tenants_manager_is_not_revealed(live, people, figures):
    grace, two = people["b"], people["two"]
    # The reproduction: GET /users?email=eq.<other tenant's member> showed a user id of tenant A as manager.
    seen = rest(live, "GET", f"/users?email=eq.{two.email}&select=id,direct_manager_id", grace)
    assert seen.status_code == 200 and seen.json() == [{"id": two.id, "direct_manager_id": None}]
    body = graphql(live, """query($email: String!) { users(condition: {email: $email}) {
                              nodes { rowId directManagerId directManager { rowId email } } } }""",
                   grace, {"email": two.email}).json()
    assert "errors" not in body, body
    assert body["data"]["users"]["nodes"] == [{"rowId": two.id, "directManagerId": None, "directManager": None}]
    # Every manager id a northwind colleague reads names someone they can see.
    everyone = rest(live, "GET", "/users?select=id,direct_manager_id", grace).json()
    visible = {u["id"] for u in everyone}
    assert {u["direct_manager_id"] for u in everyone} - {None} <= visible
    nested = graphql(live, "{ users { nodes { directManagerId directManager { rowId } } } }", grace).json()
    assert "errors" not in nested, nested
    for node in nested["data"]["users"]["nodes"]:
        assert node["directManagerId"] == (node["directManager"] or {}).get("rowId")
    figures["profile_privacy_cases"] = figures.get("profile_privacy_cases", 0) + 4


@pytest.mark.parametrize("column", ["preferences", "last_sign_in_at", "updated_at", "is_platform_operator"])
def test_colleagues_cannot_read_private_profile_columns(live, people, column, figures):
    qa = people["qa"]
    read = rest(live, "GET", f"/users?email=eq.{people['sales'].email}&select=id,{column}", qa)
    assert read.status_code in (401, 403) and read.json()["code"] == "42501", read.text
    field = "".join(part.capitalize() if i else part for i, part in enumerate(column.split("_")))
    body = graphql(live, f"{{ users {{ nodes {{ displayName {field} }} }} }}", qa).json()
    assert body.get("errors") and body["errors"][0]["extensions"]["code"] == "42501", body
    figures["profile_privacy_cases"] = figures.get("profile_privacy_cases", 0) + 2


def test_public_profile_columns_and_own_preferences(live, people, figures):
    qa = people["qa"]
    me = rest(live, "GET", "/rpc/current_user_profile", qa).json()
    colleagues = rest(live, "GET", "/users?select=id,email,display_name,status,direct_manager_id,created_at", qa)
    assert colleagues.status_code == 200 and len(colleagues.json()) > 1
    # Filtering on a column colleagues cannot select is refused at once (the regex probe of #19.1).
    probe = rest(live, "GET", f"/users?select=id&id=eq.{me['id']}&preferences->>x=match.(.*)(.*)", qa)
    assert probe.status_code in (401, 403)
    # A user edits their preferences in place and reads them from their own profile.
    edited = rest(live, "PATCH", f"/users?id=eq.{me['id']}", qa, json={"preferences": {"language": "de"}})
    assert edited.status_code == 204, edited.text
    assert rest(live, "GET", "/rpc/current_user_profile", qa).json()["preferences"] == {"language": "de"}
    updated = graphql(live, """mutation($id: UUID!) { updateUser(input: {rowId: $id, patch: {preferences: {language: "fr"}}}) {
                                 user { displayName } } }""", qa, {"id": me["id"]}).json()
    assert "errors" not in updated, updated
    own = graphql(live, "{ currentUserProfile { preferences lastSignInAt } }", qa).json()
    assert "errors" not in own, own
    assert own["data"]["currentUserProfile"]["preferences"] == {"language": "fr"}
    assert own["data"]["currentUserProfile"]["lastSignInAt"]
    figures["profile_privacy_cases"] = figures.get("profile_privacy_cases", 0) + 4
