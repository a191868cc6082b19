"""Webhooks end to end: the stack `pulse up` starts (PostgREST, PostGraphile and the graphile-worker
runner) delivers real events to receivers on 127.0.0.1 that answer 200, 500, too late, with a
redirect, or not at all (docs/platform/webhooks.md).

The stack's database gets short retry waits and a short timeout (app_private.webhook_settings), so
retries, backoff and dead letters take a second, not an hour.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from conftest import start_stack, stop_stack
from event_contracts import has_contract, published_in_sources, webhook_contracts
from helpers import World, graphql, rest
from pulse import stack as pulse_stack
from pulse.config import Settings
from pulse.contracts import free_port
from webhook_receiver import Receiver, signature

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "contracts" / "events"
RETRY_BASE = 0.3  # seconds
TIMEOUT_MS = 400


@pytest.fixture(scope="module")
def hooks(databases):
    started = start_stack(databases, "pulse_test_hooks")
    with psycopg.connect(started["url"], autocommit=True) as conn:
        conn.execute("update app_private.webhook_settings set retry_base = %s * interval '1 second', "
                     "retry_max = interval '2 seconds', timeout_ms = %s", [RETRY_BASE, TIMEOUT_MS])
    yield started
    stop_stack(started)


@pytest.fixture(scope="module")
def receiver():
    started = Receiver(slow_seconds=2.0).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def world(hooks) -> World:
    return World(hooks)


def admin_token(world: World, tenant: str) -> str:
    return world.sign_in(world.person(tenant, "admin"))


def register(hooks: dict, token: str, url: str, event_types: list[str], max_attempts: int = 8) -> dict:
    response = rest(hooks, "POST", "/webhook_endpoints", token, headers={"Prefer": "return=representation"},
                    json={"url": url, "event_types": event_types, "max_attempts": max_attempts,
                          "description": "test receiver"})
    assert response.status_code == 201, response.text
    return response.json()[0]


def wait_for_status(world: World, endpoint: str, statuses: set[str], count: int = 1, seconds: float = 20) -> list[tuple]:
    """The endpoint's deliveries (id, status, attempt_count, event_type) once `count` of them are in `statuses`."""
    deadline = time.monotonic() + seconds
    while True:
        rows = world.rows("select id::text, status, attempt_count, event_type from app.webhook_deliveries "
                          "where endpoint_id = %s order by created_at", endpoint)
        if sum(1 for row in rows if row[1] in statuses) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def attempts(world: World, delivery: str) -> list[tuple]:
    return world.rows("select attempt_number, outcome, response_code, error, duration_ms, attempted_at "
                      "from app.webhook_attempts where delivery_id = %s order by attempt_number", delivery)


def test_a_delivery_is_signed_and_logged_for_the_admin(hooks, world, receiver):
    tenant = world.workflow_tenant()
    token = admin_token(world, tenant)
    endpoint = register(hooks, token, receiver.url(f"/ok?t={tenant}"), ["project.*"])
    assert "secret" not in endpoint  # the table never shows it
    secret = rest(hooks, "POST", "/rpc/webhook_endpoint_secret", token, json={"endpoint_id": endpoint["id"]}).json()
    assert secret.startswith("whsec_")

    project = world.project(tenant)
    [request] = receiver.wait_for(f"/ok?t={tenant}")
    headers, body = request.headers, request.body
    assert headers["content-type"] == "application/json"
    assert headers["pulse-webhook-signature"] == signature(secret, headers["pulse-webhook-timestamp"], body)
    assert abs(int(headers["pulse-webhook-timestamp"]) - time.time()) < 60
    event = json.loads(body)
    assert event["type"] == "project.created" and event["organization_id"] == tenant
    assert event["data"]["project_id"] == project
    assert set(event) == {"id", "type", "occurred_at", "organization_id", "data"}

    [delivery] = wait_for_status(world, endpoint["id"], {"delivered"})
    assert headers["pulse-webhook-id"] == delivery[0]
    # The log, over both APIs, as the admin.
    log = rest(hooks, "GET", f"/webhook_deliveries?endpoint_id=eq.{endpoint['id']}"
                             "&select=status,event_type,attempt_count,webhook_attempts(outcome,response_code,duration_ms)",
               token).json()
    assert log == [{"status": "delivered", "event_type": "project.created", "attempt_count": 1,
                    "webhook_attempts": [{"outcome": "delivered", "response_code": 200,
                                          "duration_ms": log[0]["webhook_attempts"][0]["duration_ms"]}]}]
    answer = graphql(hooks, "query($endpoint: UUID!) { webhookDeliveries(condition: {endpointId: $endpoint}) "
                            "{ nodes { status eventType attempts { nodes { responseCode } } } } }", token,
                     {"endpoint": endpoint["id"]}).json()
    assert "errors" not in answer, answer
    assert answer["data"]["webhookDeliveries"]["nodes"] == [
        {"status": "delivered", "eventType": "project.created", "attempts": {"nodes": [{"responseCode": 200}]}}]
    # A member without webhook.manage sees none of it.
    sales = world.sign_in(world.person(tenant, "sales"))
    assert rest(hooks, "GET", "/webhook_deliveries", sales).json() == []
    assert rest(hooks, "GET", "/webhook_endpoints", sales).json() == []


def test_failures_are_retried_with_exponential_backoff_until_delivered(hooks, world, receiver):
    tenant = world.workflow_tenant()
    endpoint = register(hooks, admin_token(world, tenant), receiver.url(f"/flaky?t={tenant}"), ["project.created"])
    world.project(tenant)
    [delivery] = wait_for_status(world, endpoint["id"], {"delivered"})
    assert delivery[1:3] == ("delivered", 3)
    tried = attempts(world, delivery[0])
    assert [(row[1], row[2]) for row in tried] == [("failed", 500), ("failed", 500), ("delivered", 200)]
    arrivals = [r.at for r in receiver.at(f"/flaky?t={tenant}")]
    first_wait, second_wait = arrivals[1] - arrivals[0], arrivals[2] - arrivals[1]
    assert first_wait >= RETRY_BASE * 0.9, first_wait
    assert second_wait >= 2 * RETRY_BASE * 0.9, second_wait  # the wait doubles


def test_a_delivery_is_dead_after_max_attempts_and_a_replay_keeps_its_history(hooks, world, receiver):
    tenant = world.workflow_tenant()
    token = admin_token(world, tenant)
    endpoint = register(hooks, token, receiver.url(f"/switch?t={tenant}"), ["project.created"], max_attempts=3)
    world.project(tenant)
    [delivery] = wait_for_status(world, endpoint["id"], {"dead"})
    assert delivery[1:3] == ("dead", 3)
    assert [(row[1], row[2], row[3]) for row in attempts(world, delivery[0])] == [("failed", 500, "HTTP 500")] * 3
    assert len(receiver.at(f"/switch?t={tenant}")) == 3

    receiver.switch_ok = True
    try:
        replayed = rest(hooks, "POST", "/rpc/replay_webhook_delivery", token, json={"delivery_id": delivery[0]})
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["status"] == "pending"
        [delivery] = wait_for_status(world, endpoint["id"], {"delivered"})
    finally:
        receiver.switch_ok = False
    assert delivery[1:3] == ("delivered", 4)
    assert [row[2] for row in attempts(world, delivery[0])] == [500, 500, 500, 200]
    # The same delivery id and body on the replay.
    sent = receiver.at(f"/switch?t={tenant}")
    assert {r.headers["pulse-webhook-id"] for r in sent} == {delivery[0]}
    assert len({r.body for r in sent}) == 1
    again = rest(hooks, "POST", "/rpc/replay_webhook_delivery", token, json={"delivery_id": delivery[0]})
    assert again.status_code == 200  # a delivered one may be sent again too


def test_timeouts_redirects_and_refused_connections_fail(hooks, world, receiver):
    tenant = world.workflow_tenant()
    token = admin_token(world, tenant)
    closed = free_port()
    slow = register(hooks, token, receiver.url(f"/slow?t={tenant}"), ["project.created"], max_attempts=1)
    moved = register(hooks, token, receiver.url(f"/redirect?t={tenant}"), ["project.created"], max_attempts=1)
    nobody = register(hooks, token, f"http://127.0.0.1:{closed}/hook", ["project.created"], max_attempts=1)
    world.project(tenant)
    outcomes = {}
    for name, endpoint in (("slow", slow), ("moved", moved), ("nobody", nobody)):
        [delivery] = wait_for_status(world, endpoint["id"], {"dead"})
        [attempt] = attempts(world, delivery[0])
        outcomes[name] = attempt
    assert outcomes["slow"][2] is None and outcomes["slow"][3] == f"no answer within {TIMEOUT_MS} ms"
    assert TIMEOUT_MS * 0.9 <= outcomes["slow"][4] < TIMEOUT_MS + 1500
    assert outcomes["moved"][2] == 302 and "not followed" in outcomes["moved"][3]
    assert not receiver.at(f"/ok?t={tenant}")  # the redirect's target was never called
    assert outcomes["nobody"][2] is None and "ECONNREFUSED" in outcomes["nobody"][3]


def test_no_delivery_ever_reaches_another_tenants_endpoint(hooks, world, receiver):
    a, b = world.workflow_tenant(), world.workflow_tenant()
    a_token, b_token = admin_token(world, a), admin_token(world, b)
    a_endpoint = register(hooks, a_token, receiver.url(f"/ok?t={a}"), ["*"])
    b_endpoint = register(hooks, b_token, receiver.url(f"/ok?t={b}"), ["*"])
    world.project(a)
    wait_for_status(world, a_endpoint["id"], {"delivered"})
    time.sleep(0.5)
    assert receiver.at(f"/ok?t={a}") and not receiver.at(f"/ok?t={b}")
    assert world.rows("select 1 from app.webhook_deliveries where endpoint_id = %s", b_endpoint["id"]) == []
    # B's admin sees nothing of A, and cannot replay or read A's secret.
    assert rest(hooks, "GET", "/webhook_deliveries", b_token).json() == []
    assert rest(hooks, "GET", "/webhook_attempts", b_token).json() == []
    a_delivery = world.sql("select id::text from app.webhook_deliveries where endpoint_id = %s", a_endpoint["id"])
    replay = rest(hooks, "POST", "/rpc/replay_webhook_delivery", b_token, json={"delivery_id": a_delivery})
    assert replay.status_code == 404 and replay.json()["details"] == "webhook_delivery.not_found"
    secret = rest(hooks, "POST", "/rpc/webhook_endpoint_secret", b_token, json={"endpoint_id": a_endpoint["id"]})
    assert secret.status_code == 404


def contract(event_type: str) -> dict:
    return json.loads((EVENTS / "workflow" / f"{event_type}.schema.json").read_text())


def test_workflow_events_match_their_contracts(hooks, world, receiver):
    """Real payloads, captured from deliveries: a project created and driven through its stages (documents
    stored on the way), and an approval decided."""
    tenant = world.workflow_tenant()
    register(hooks, admin_token(world, tenant), receiver.url(f"/ok?contracts={tenant}"), ["*"])
    approval = world.pending_approval(tenant)
    approver = world.sql("select current_approver_id::text from app.approvals where id = %s", approval)
    with psycopg.connect(hooks["url"]) as conn:
        conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [approver, tenant])
        conn.execute("select app.decide_approval(%s, 'approve', 'Fine.')", [approval])
    expected = {"project.created", "project.stage_changed", "document.version_stored", "approval.decided"}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        bodies = [json.loads(r.body) for r in receiver.at(f"/ok?contracts={tenant}")]
        if expected <= {body["type"] for body in bodies}:
            break
        time.sleep(0.1)
    seen = {body["type"] for body in bodies}
    assert expected <= seen, seen
    for body in bodies:
        schema = contract(body["type"])
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(body["data"])
        assert schema["x-webhook"]["event_type"] == body["type"]


def test_the_event_contracts_are_strict():
    files = [path for path in sorted(EVENTS.rglob("*.schema.json")) if "x-webhook" in json.loads(path.read_text())]
    assert len(files) >= 4
    for path in files:
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
        assert path.name == f"{schema['x-webhook']['event_type'].replace('{', '').replace('}', '')}.schema.json"
        assert schema["additionalProperties"] is False
        assert set(schema["required"]) == set(schema["properties"]), path.name


def test_the_worker_refuses_private_destinations_unless_the_operator_allows_them(databases, settings: Settings, receiver):
    """The worker `pulse up` runs, started here on its own database with no private network allowed."""
    url = databases.create("pulse_test_hooks_ssrf")
    world = World.on(url)
    tenant = world.workflow_tenant()
    endpoint = world.sql("select tests.create_webhook_endpoint(%s, %s, '{*}', 1)", tenant, receiver.url(f"/ok?ssrf={tenant}"))
    config = settings.with_values(DATABASE_URL=url, PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS="")
    [server] = [server for server in pulse_stack.servers(config) if server.name == "worker"]
    process = subprocess.Popen(server.command, cwd=ROOT, env={**os.environ, **dict(server.environment)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        world.sql("select tests.publish_test_event(%s, 'test.ping')", tenant)
        deadline = time.monotonic() + 20
        while not world.rows("select 1 from app.webhook_deliveries where endpoint_id = %s and status = 'dead'", endpoint):
            assert time.monotonic() < deadline, "the delivery was not attempted"
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)
    error = world.sql("select a.error from app.webhook_attempts a join app.webhook_deliveries d on d.id = a.delivery_id "
                      "where d.endpoint_id = %s", endpoint)
    assert error.startswith("destination refused: 127.0.0.1"), error
    assert not receiver.at(f"/ok?ssrf={tenant}")


ADDRESSES = {
    "127.0.0.1": False, "10.1.2.3": False, "172.16.0.1": False, "192.168.1.1": False, "169.254.169.254": False,
    "100.64.0.1": False, "0.0.0.0": False, "224.0.0.1": False, "::1": False, "fd00::1": False, "fe80::1": False,
    "::ffff:10.0.0.1": False, "::ffff:127.0.0.1": False, "::": False,
    "8.8.8.8": True, "93.184.216.34": True, "172.32.0.1": True, "2606:4700::1111": True, "::ffff:8.8.8.8": True,
}


@pytest.mark.parametrize("allowed", ["", "127.0.0.0/8,::1/128"])
def test_the_destination_rule(allowed):
    """The worker's rule (config/worker/tasks/webhook_deliver.mjs): public addresses pass; private, loopback,
    link-local, CGNAT, multicast and unspecified ones only where PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS says."""
    from pulse import worker

    script = ("const m = await import('./config/worker/tasks/webhook_deliver.mjs');"
              f"console.log(JSON.stringify(Object.fromEntries({json.dumps(list(ADDRESSES))}"
              ".map((a) => [a, m.destinationAllowed(a)]))));")
    result = subprocess.run([worker.command(ROOT)[0], "--input-type=module", "-e", script], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={**os.environ, "PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS": allowed})
    expected = dict(ADDRESSES)
    if allowed:
        expected.update({"127.0.0.1": True, "::1": True, "::ffff:127.0.0.1": True})
    assert json.loads(result.stdout) == expected


def test_every_event_type_the_sql_publishes_has_a_contract():
    """Every event type a publish_event call names (whole, or the prefix or suffix the code completes) follows
    a contract; the events of tenants' rules and of their state machines' effects are checked on the demo
    data (tests/test_stack.py)."""
    contracts = webhook_contracts()
    published = published_in_sources()
    assert {"ncr.opened", "work_order.", ".state_changed"} <= published, published
    missing = [event_type for event_type in sorted(published) if not has_contract(event_type, contracts)]
    assert not missing, f"no contract in contracts/events/ for: {missing}"
