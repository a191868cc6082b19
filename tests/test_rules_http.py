"""Rules over HTTP (issue #13, item 4): rule managers create, read, change and delete rules over PostgREST and
PostGraphile; a bad condition answers 422 naming the node; a dry run shows what would fire without doing it; the
run log is readable by rule managers only; other members and tenants see nothing."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

BIG_QUOTE: dict[str, Any] = {
    "key": "big_quote",
    "name": "Big quote reaches quoted",
    "event_type": "project.stage_changed",
    "condition": {"all": [{"field": "new.quote_value", "gt": 10000}, {"field": "stage", "changed_to": "quoted"}]},
    "actions": [{"kind": "notify", "roles": ["qa"], "title": "{{project_number}} reached {{new.stage}}"},
                {"kind": "set_field", "field": "priority", "value": "high"}],
}
PAYLOAD = {"project_number": "PRJ-000042", "old": {"stage": "inquiry"}, "new": {"stage": "quoted", "quote_value": 25000}}


def test_rules_over_rest(live) -> None:
    world = World(live)
    tenant, other = world.workflow_tenant(), world.workflow_tenant()
    manager_person = world.person(tenant, "management")
    manager, qa, stranger = (world.sign_in(manager_person), world.sign_in(world.person(tenant, "qa")),
                             world.sign_in(world.person(other, "admin")))
    project = world.project(tenant)

    denied = rest(live, "POST", "/rules", qa, json=BIG_QUOTE)
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing"), denied.text

    bad = rest(live, "POST", "/rules", manager, json={**BIG_QUOTE, "condition": {"any": [{"field": "x", "like": "q%"}]}})
    assert (bad.status_code, bad.json()["details"]) == (422, "rule.condition_invalid"), bad.text
    assert bad.json()["message"].startswith("condition.any[0].like:")
    wizard = [{"kind": "notify", "roles": ["wizard"], "title": "T"}]
    bad_action = rest(live, "POST", "/rules", manager, json={**BIG_QUOTE, "actions": wizard})
    assert (bad_action.status_code, bad_action.json()["details"]) == (422, "rule.action_invalid"), bad_action.text
    assert bad_action.json()["message"].startswith("actions[0].roles[0]:")

    created = rest(live, "POST", "/rules", manager, json=BIG_QUOTE, headers={"Prefer": "return=representation"})
    assert created.status_code == 201, created.text
    rule = created.json()[0]
    assert (rule["author_id"], rule["is_active"]) == (manager_person.id, True)

    assert rest(live, "GET", "/rules", qa).json() == []
    assert rest(live, "GET", "/rules", stranger).json() == []
    assert rest(live, "PATCH", f"/rules?id=eq.{rule['id']}", stranger, json={"is_active": False},
                headers={"Prefer": "return=representation"}).json() == []

    dry = rest(live, "POST", "/rpc/dry_run_rules", manager,
               json={"event_type": "project.stage_changed", "payload": PAYLOAD, "entity_type": "project", "entity_id": project})
    assert dry.status_code == 200, dry.text
    [plan] = dry.json()
    assert (plan["rule_key"], plan["matched"], plan["would_fire"]) == ("big_quote", True, True)
    assert plan["actions"][0]["title"] == "PRJ-000042 reached quoted"
    assert plan["actions"][1] == {"kind": "set_field", "entity_type": "project", "entity_id": project, "field": "priority",
                                  "value": "high", "author_allowed": True}
    assert world.sql("select priority::text from app.projects where id = %s", project) == "normal", "a dry run changes nothing"
    assert rest(live, "GET", "/rule_runs", manager).json() == [], "nor logs a run"
    refused = rest(live, "POST", "/rpc/dry_run_rules", qa, json={"event_type": "project.stage_changed", "payload": PAYLOAD})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing")

    # The event, as the workflow publishes it: the rule runs in that transaction and is logged.
    world.sql("select tests.publish(%s, 'project.stage_changed', %s::jsonb, 'project', %s)", tenant,
              '{"project_number": "PRJ-000042", "old": {"stage": "inquiry"}, "new": {"stage": "quoted", "quote_value": 25000}}',
              project)
    runs = rest(live, "GET", "/rule_runs?select=status,matched,event_type,actions", manager).json()
    assert [(run["status"], run["matched"], run["event_type"]) for run in runs] == [("done", True, "project.stage_changed")]
    assert [action["kind"] for action in runs[0]["actions"]] == ["notify", "set_field"]
    assert world.sql("select priority::text from app.projects where id = %s", project) == "high"
    assert rest(live, "GET", "/rule_runs", qa).json() == []
    assert rest(live, "GET", "/rule_runs", stranger).json() == []

    paused = rest(live, "PATCH", f"/rules?id=eq.{rule['id']}", manager, json={"is_active": False},
                  headers={"Prefer": "return=representation"})
    assert paused.status_code == 200 and paused.json()[0]["is_active"] is False, paused.text
    fixed = rest(live, "PATCH", f"/rules?id=eq.{rule['id']}", manager, json={"key": "renamed"})
    assert (fixed.status_code, fixed.json()["details"]) == (409, "row.fixed_column")
    deleted = rest(live, "DELETE", f"/rules?id=eq.{rule['id']}", manager, headers={"Prefer": "return=representation"})
    assert deleted.status_code == 200 and len(deleted.json()) == 1
    assert rest(live, "GET", "/rule_runs", manager).json() == [], "a rule's runs go with it"


def test_rules_over_graphql(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    admin, qa = world.sign_in(world.person(tenant, "admin")), world.sign_in(world.person(tenant, "qa"))

    created = graphql(live, """
        mutation ($rule: RuleInput!) { createRule(input: {rule: $rule}) { rule { rowId key eventType isActive condition } } }""",
                      admin, {"rule": {"key": "big_quote", "name": BIG_QUOTE["name"], "eventType": BIG_QUOTE["event_type"],
                                       "condition": BIG_QUOTE["condition"], "actions": BIG_QUOTE["actions"]}}).json()
    assert "errors" not in created, created
    rule = created["data"]["createRule"]["rule"]
    assert (rule["key"], rule["isActive"], rule["condition"]) == ("big_quote", True, BIG_QUOTE["condition"])

    invalid = graphql(live, """
        mutation { createRule(input: {rule: {key: "x", name: "X", eventType: "project.*", condition: {field: "a", eq: null},
                                             actions: [{kind: "webhook"}]}}) { rule { rowId } } }""", admin).json()
    assert {key: invalid["errors"][0]["extensions"].get(key) for key in ("code", "details")} == {
        "code": "PT422", "details": "rule.condition_invalid"}, invalid

    dry = graphql(live, """
        mutation ($payload: JSON!) {
          dryRunRules(input: {eventType: "project.stage_changed", payload: $payload}) {
            result { ruleKey matched wouldFire actions }
          }
        }""", admin, {"payload": PAYLOAD}).json()
    assert "errors" not in dry, dry
    [plan] = dry["data"]["dryRunRules"]["result"]
    assert (plan["ruleKey"], plan["matched"], plan["wouldFire"]) == ("big_quote", True, True)
    assert [action["kind"] for action in plan["actions"]] == ["notify", "set_field"]

    listed = graphql(live, "{ rules { nodes { key } } ruleRuns { totalCount } }", admin).json()
    assert listed["data"] == {"rules": {"nodes": [{"key": "big_quote"}]}, "ruleRuns": {"totalCount": 0}}, listed
    hidden = graphql(live, "{ rules { nodes { key } } }", qa).json()
    assert hidden["data"]["rules"]["nodes"] == []
    refused = graphql(live, """mutation { dryRunRules(input: {eventType: "project.stage_changed", payload: {}}) { result { ruleKey } } }""",
                      qa).json()
    assert refused["errors"][0]["extensions"]["details"] == "permission.missing", refused

    paused = graphql(live, """mutation ($id: UUID!) { updateRule(input: {rowId: $id, patch: {isActive: false}}) { rule { isActive } } }""",
                     admin, {"id": rule["rowId"]}).json()
    assert paused["data"]["updateRule"]["rule"]["isActive"] is False, paused
