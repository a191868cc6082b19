"""The activity log over HTTP shows nobody what the changed row's own policy
hides (issue #9, finding 4): the reproductions replayed on both servers."""

from __future__ import annotations

import psycopg
import pytest

from helpers import graphql, rest, sign_in

pytestmark = pytest.mark.stack




@pytest.fixture(scope="module")
def people(live):
    emails = ["qa@acme.test", "management@acme.test", "ada@acme.test", "auditor@acme.test",
              "customer_portal@acme.test", "auditor@northwind.test", "operator@pulse.test"]
    tokens = {email.split(".test")[0]: sign_in(live, email) for email in emails}
    with psycopg.connect(live["url"]) as conn:
        ids = dict(conn.execute("select email::text, id::text from app.users where email = any(%s)", (emails,)))
    return {"tokens": tokens, "ids": {email.split(".test")[0]: user_id for email, user_id in ids.items()}}


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
    assert not [m for m in rest(live, "GET", "/messages", tokens["qa@acme"]).json() if m["recipient_id"]]
    # ... and now not through the log either, on either server.
    assert log(live, tokens["qa@acme"], "entity_type=eq.messages"), "qa still reads the project-wide messages' events"
    assert not direct_messages(log(live, tokens["qa@acme"], "entity_type=eq.messages"))
    body = graphql(live, '{ activityLogs(filter: {entityType: {equalTo: "messages"}}) { nodes { newValues } } }',
                   tokens["qa@acme"]).json()
    assert "errors" not in body, body
    assert not [n for n in body["data"]["activityLogs"]["nodes"] if n["newValues"].get("recipient_id")]
    for reader in ("ada@acme", "auditor@acme"):
        assert not direct_messages(log(live, tokens[reader], "entity_type=eq.messages")), reader
    # The recipient reads it (management holds audit.read); so does a platform operator.
    for reader in ("management@acme", "operator@pulse"):
        assert direct_messages(log(live, tokens[reader], "entity_type=eq.messages")), reader
    message = direct_messages(log(live, tokens["management@acme"], "entity_type=eq.messages"))[0]
    timeline = rest(live, "GET", f"/rpc/entity_timeline?entity_type=messages&entity_id={message['entity_id']}",
                    tokens["qa@acme"])
    assert timeline.status_code == 200 and timeline.json() == []
    project = rest(live, "GET", f"/rpc/project_timeline?project_id={message['project_id']}", tokens["qa@acme"])
    assert project.status_code == 200 and not direct_messages([e for e in project.json() if e["entity_type"] == "messages"])
    figures["audit_visibility_cases"] = figures.get("audit_visibility_cases", 0) + 9


def test_sessions_are_read_by_their_owner_only(live, people, figures):
    tokens, ids = people["tokens"], people["ids"]
    # The reproduction: entity_type=eq.sessions showed colleagues' session ids, agents and addresses.
    for reader in ("qa@acme", "management@acme", "ada@acme", "auditor@acme"):
        assert session_owners(log(live, tokens[reader], "entity_type=eq.sessions")) <= {ids[reader]}, reader
    assert session_owners(log(live, tokens["qa@acme"], "entity_type=eq.sessions")) == {ids["qa@acme"]}
    body = graphql(live, '{ activityLogs(filter: {entityType: {equalTo: "sessions"}}) { nodes { newValues } } }',
                   tokens["auditor@acme"]).json()
    assert "errors" not in body, body
    assert {n["newValues"].get("user_id") for n in body["data"]["activityLogs"]["nodes"]} <= {ids["auditor@acme"], None}
    operator = session_owners(log(live, tokens["operator@pulse"], "entity_type=eq.sessions"))
    assert {ids["qa@acme"], ids["management@acme"]} <= operator, "platform operators read every event"
    figures["audit_visibility_cases"] = figures.get("audit_visibility_cases", 0) + 6


def test_portal_users_and_other_tenants_read_nothing(live, people, figures):
    tokens = people["tokens"]
    portal = rest(live, "GET", "/activity_log?select=id&limit=1", tokens["customer_portal@acme"])
    assert portal.status_code == 200 and portal.json() == []
    with psycopg.connect(live["url"]) as conn:
        acme = conn.execute("select id::text from app.organizations where slug = 'acme-manufacturing'").fetchone()[0]
    other = rest(live, "GET", f"/activity_log?organization_id=eq.{acme}&select=id&limit=1", tokens["auditor@northwind"])
    assert other.status_code == 200 and other.json() == []
    figures["audit_visibility_cases"] = figures.get("audit_visibility_cases", 0) + 2
