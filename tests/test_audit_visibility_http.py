"""The activity log over HTTP shows nobody what the changed row's own policy
hides (issue #9, finding 4): the reproductions replayed on both servers."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def people(live):
    """A workflow tenant with a project where management writes to the team and sales writes to management
    alone (both over REST), its staff signed in, the auditor of another tenant and a platform operator."""
    world = World(live)
    tenant, other = world.workflow_tenant(), world.tenant()
    roles = ("qa", "management", "admin", "auditor", "customer_portal", "sales")
    people = {role: world.person(tenant, role) for role in roles}
    people["other_auditor"] = world.member(other, "auditor")
    people["operator"] = world.operator()
    tokens = {name: world.sign_in(person) for name, person in people.items()}
    project = world.project(tenant, created_by=people["sales"].id)
    for author, body in (("management", {"subject": "Kick-off", "content": "Monday at 10:00."}),
                         ("sales", {"recipient_id": people["management"].id, "subject": "Customer call",
                                    "content": "The customer asks to pull delivery in by a week."})):
        posted = rest(live, "POST", "/messages", tokens[author], json={"project_id": project, **body})
        assert posted.status_code == 201, posted.text
    return {"tokens": tokens, "ids": {name: person.id for name, person in people.items()}, "tenant": tenant}


def log(live, bearer: str, query: str) -> list[dict]:
    response = rest(live, "GET", f"/activity_log?{query}", bearer)
    assert response.status_code == 200, response.text
    return response.json()


def direct_messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if (e["new_values"] or e["old_values"] or {}).get("recipient_id")]


def session_owners(entries: list[dict]) -> set[str]:
    return {e["new_values"]["user_id"] for e in entries if e["action"] == "insert"}


def test_direct_messages_stay_with_their_participants(live, people, figures):
    tokens = people["tokens"]
    # The reproduction: qa cannot read the direct message in /messages ...
    assert not [m for m in rest(live, "GET", "/messages", tokens["qa"]).json() if m["recipient_id"]]
    # ... and now not through the log either, on either server.
    assert log(live, tokens["qa"], "entity_type=eq.messages"), "qa still reads the project-wide messages' events"
    assert not direct_messages(log(live, tokens["qa"], "entity_type=eq.messages"))
    body = graphql(live, '{ activityLogs(filter: {entityType: {equalTo: "messages"}}) { nodes { newValues } } }',
                   tokens["qa"]).json()
    assert "errors" not in body, body
    assert not [n for n in body["data"]["activityLogs"]["nodes"] if n["newValues"].get("recipient_id")]
    for reader in ("admin", "auditor"):
        assert not direct_messages(log(live, tokens[reader], "entity_type=eq.messages")), reader
    # The recipient reads it (management holds audit.read); so does a platform operator.
    for reader in ("management", "operator"):
        assert direct_messages(log(live, tokens[reader], "entity_type=eq.messages")), reader
    message = direct_messages(log(live, tokens["management"], "entity_type=eq.messages"))[0]
    timeline = rest(live, "GET", f"/rpc/entity_timeline?entity_type=messages&entity_id={message['entity_id']}",
                    tokens["qa"])
    assert timeline.status_code == 200 and timeline.json() == []
    project = rest(live, "GET", f"/rpc/project_timeline?project_id={message['project_id']}", tokens["qa"])
    assert project.status_code == 200 and not direct_messages([e for e in project.json() if e["entity_type"] == "messages"])
    figures["audit_visibility_cases"] = figures.get("audit_visibility_cases", 0) + 9


def test_sessions_are_read_by_their_owner_only(live, people, figures):
    tokens, ids = people["tokens"], people["ids"]
    # The reproduction: entity_type=eq.sessions showed colleagues' session ids, agents and addresses.
    for reader in ("qa", "management", "admin", "auditor"):
        assert session_owners(log(live, tokens[reader], "entity_type=eq.sessions")) <= {ids[reader]}, reader
    assert session_owners(log(live, tokens["qa"], "entity_type=eq.sessions")) == {ids["qa"]}
    body = graphql(live, '{ activityLogs(filter: {entityType: {equalTo: "sessions"}}) { nodes { newValues } } }',
                   tokens["auditor"]).json()
    assert "errors" not in body, body
    assert {n["newValues"].get("user_id") for n in body["data"]["activityLogs"]["nodes"]} <= {ids["auditor"], None}
    operator = session_owners(log(live, tokens["operator"], "entity_type=eq.sessions"))
    assert {ids["qa"], ids["management"]} <= operator, "platform operators read every event"
    figures["audit_visibility_cases"] = figures.get("audit_visibility_cases", 0) + 6


def test_portal_users_and_other_tenants_read_nothing(live, people, figures):
    tokens = people["tokens"]
    portal = rest(live, "GET", "/activity_log?select=id&limit=1", tokens["customer_portal"])
    assert portal.status_code == 200 and portal.json() == []
    tenant = people["tenant"]
    assert rest(live, "GET", f"/activity_log?organization_id=eq.{tenant}&select=id&limit=1", tokens["auditor"]).json()
    other = rest(live, "GET", f"/activity_log?organization_id=eq.{tenant}&select=id&limit=1", tokens["other_auditor"])
    assert other.status_code == 200 and other.json() == []
    figures["audit_visibility_cases"] = figures.get("audit_visibility_cases", 0) + 2
