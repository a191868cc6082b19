"""The real-time event payloads match their contracts (contracts/events/<domain>/*.schema.json).

Real events: members of two factory-made tenants act through the RPCs while a
connection LISTENs on the tenants' channels; every NOTIFY payload is
validated against the schema of its topic. The GraphQL subscription types are
built from the same files (config/graphile/event-contracts.mjs): their fields
match the contracts one for one, and a property added to a contract is a
field once the server restarts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import psycopg
import pytest
from graphql import GraphQLEnumType, GraphQLNonNull, build_client_schema, get_introspection_query, get_named_type
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from helpers import TEST_PASSWORD, World, graphql

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "contracts" / "events"
CHANNEL = re.compile(r"^pulse:(?P<topic>[a-z_]+):(?P<organization_id>[0-9a-f-]{36})$")


def contracts() -> dict[str, dict]:
    """topic -> schema, from each real-time schema's x-channel (pulse:<topic>:{organization_id}); the
    webhook event contracts (x-webhook) have no channel."""
    schemas = {}
    for path in sorted(EVENTS.rglob("*.schema.json")):
        schema = json.loads(path.read_text())
        if "x-webhook" in schema:
            continue  # a platform event's payload, delivered to webhooks (tests/test_webhooks_http.py)
        match = re.fullmatch(r"pulse:([a-z_]+):\{organization_id\}", schema.get("x-channel", ""))
        assert match, f"{path.name}: x-channel must be pulse:<topic>:{{organization_id}}"
        assert match[1] not in schemas, f"two schemas for topic {match[1]}"
        schemas[match[1]] = schema
    return schemas


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


# Channels that wake a Pulse worker rather than a subscriber: a fixed name the
# worker LISTENs on, carrying an id, never an event (no schema).
WORKER_CHANNELS = {"'pulse_document_uploads'": "cli/pulse/storage.py", "'pulse_attachment_uploads'": "cli/pulse/storage.py"}


def published_topics(sql: str) -> set[str]:
    """The topics of every app_private.publish_realtime call in some SQL (the outbox, docs/scaling.md). pg_notify
    is left to the outbox relay (42_relay_outbox.sql), on the channel app_private.event_channel builds from the queued topic,
    to app_private.publish_realtime_many's one-node batch (on its caller's topic), and to the WORKER_CHANNELS."""
    calls = [channel for channel in re.findall(r"pg_notify\s*\(\s*([^,]*)", sql, flags=re.IGNORECASE)
             if channel.strip() not in WORKER_CHANNELS]
    for channel in calls:
        assert re.match(r"app_private\.event_channel\s*\(\s*((p_message|NEW)\.name|p_topic)\b", channel), \
            f"pg_notify other than the outbox relay's: {channel} (publish with app_private.publish_realtime)"
    return set(re.findall(r"app_private\.publish_realtime\s*\(\s*'([a-z_]+)'", sql))


def test_the_schemas_are_valid_draft_2020_12_and_strict():
    schemas = contracts()
    assert set(schemas) == {"progress", "approvals", "lab"}
    for topic, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False
        assert set(schema["required"]) == set(schema["properties"]), topic


def test_every_channel_the_database_publishes_on_has_a_schema(database_url):
    schemas = contracts()
    in_files = set()
    for path in sorted((ROOT / "db").rglob("*.sql")):
        if "tests" not in path.parts:
            in_files |= published_topics(path.read_text())
    assert in_files == set(schemas), f"topics published in db/: {in_files}; schemas: {set(schemas)}"
    # The functions actually installed (whatever file they came from) publish on the same topics.
    with psycopg.connect(database_url) as conn:
        sources = [row[0] for row in conn.execute(
            "select p.prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
            "where n.nspname in ('app', 'app_private', 'auth', 'audit') and p.prosrc ~* 'pg_notify|publish_realtime'")]
        channel = conn.execute("select app_private.event_channel('progress', '00000000-0000-0000-0000-000000000001')"
                               ).fetchone()[0]
    assert sources and set().union(*map(published_topics, sources)) == set(schemas)
    assert channel == "pulse:progress:00000000-0000-0000-0000-000000000001"


def test_every_worker_channel_has_its_worker():
    """A worker channel nobody LISTENs on would leave its work to the worker's periodic sweep."""
    for channel, worker in WORKER_CHANNELS.items():
        source = (ROOT / worker).read_text()
        # The worker names the channel and LISTENs on every channel it names (pulse.storage.CHANNELS).
        assert f'"{channel.strip(chr(39))}"' in source and "listen {channel}" in source, (channel, worker)


def test_every_topic_has_a_visibility_rule_the_api_roles_may_call(database_url):
    """auth.realtime_event asks auth.can_see_<topic>_event whether a subscriber may see an event: without one,
    every event of the topic would be refused (realtime.unknown_topic)."""
    with psycopg.connect(database_url) as conn:
        for topic in contracts():
            rule = conn.execute("select to_regprocedure(%s)::text", [f"auth.can_see_{topic}_event(jsonb)"]).fetchone()[0]
            assert rule, f"no auth.can_see_{topic}_event(jsonb)"
            for role in ("app_user", "app_admin"):
                assert conn.execute("select has_function_privilege(%s, %s, 'execute')", [role, rule]).fetchone()[0], \
                    (role, rule)
            assert not conn.execute("select has_function_privilege('anon', %s, 'execute')", [rule]).fetchone()[0]


def pg_enums(node) -> list[dict]:
    """Every part of a schema that names its database enum (x-pg-enum)."""
    if isinstance(node, dict):
        return ([node] if "x-pg-enum" in node else []) + [found for value in node.values() for found in pg_enums(value)]
    if isinstance(node, list):
        return [found for value in node for found in pg_enums(value)]
    return []


def test_the_schemas_name_every_value_of_the_database_enums(database_url):
    named = [node for schema in contracts().values() for node in pg_enums(schema)]
    assert {node["x-pg-enum"] for node in named} >= {"app.sub_stage_status", "app.approval_status", "app.approval_type"}
    with psycopg.connect(database_url) as conn:
        for node in named:
            values = conn.execute(f"select enum_range(null::{node['x-pg-enum']})::text[]").fetchone()[0]
            assert node["enum"] == values, node["x-pg-enum"]


VALID = {
    "progress": {"event": "progress.updated", "organization_id": "01a20194-5e50-733c-964f-8f0c38869bea",
                 "project_id": "01a20197-2c10-7d4a-ab0f-64ae51798157",
                 "progress_id": "01a20197-2c1c-72cd-898c-dd629aa711a4",
                 "sub_stage_id": "01a20194-5ebd-796d-9823-1d69ef1877d8", "status": "completed",
                 "previous_status": "in_progress", "occurred_at": "2026-11-22T04:50:14.174715+00:00"},
    "approvals": {"event": "approval.updated", "organization_id": "01a20194-5e50-733c-964f-8f0c38869bea",
                  "approval_id": "01a20197-2c1c-72cd-898c-dd629aa711a4",
                  "project_id": None, "approval_type": "technical_review", "status": "in_review",
                  "previous_status": "pending", "current_approver_id": None,
                  "occurred_at": "2026-11-22T04:50:14-05:00"},
    "lab": {"event": "coa.issued", "organization_id": "01a20194-5e50-733c-964f-8f0c38869bea",
            "event_id": "01a20197-2c10-7d4a-ab0f-64ae51798157", "entity_type": "certificate",
            "entity_id": "01a20197-2c1c-72cd-898c-dd629aa711a4", "sample_id": None,
            "actor_id": "01a20194-5ebd-796d-9823-1d69ef1877d8", "occurred_at": "2026-11-22T04:50:14.174715+00:00"},
}


@pytest.mark.parametrize("topic, change", [
    ("progress", {"status": "done"}),
    ("progress", {"event": "progress.seeded"}),  # a seeded row has no previous status
    ("progress", {"previous_status": None}),  # an update always has one
    ("progress", {"progress_id": "PRJ-000001"}),
    ("progress", {"occurred_at": "yesterday"}),
    ("progress", {"extra": 1}),
    ("progress", {"organization_id": None}),
    ("approvals", {"approval_type": "gut_feeling"}),
    ("approvals", {"previous_status": "maybe"}),
    ("approvals", {"current_approver_id": 42}),
    ("approvals", {"event": "approval.requested"}),
    ("lab", {"event": "coa"}),
    ("lab", {"entity_id": None}),
    ("lab", {"sample_id": "S-000001"}),
    ("lab", {"data": {}}),
])
def test_the_schemas_refuse_what_the_triggers_never_send(topic, change):
    check = validator(contracts()[topic])
    check.validate(VALID[topic])
    with pytest.raises(ValidationError):
        check.validate({**VALID[topic], **change})


@pytest.mark.parametrize("topic", sorted(VALID))
def test_every_key_is_required(topic):
    check = validator(contracts()[topic])
    for key in VALID[topic]:
        with pytest.raises(ValidationError):
            check.validate({k: v for k, v in VALID[topic].items() if k != key})


class Tenant:
    """Acting as the members of one factory-made workflow tenant (by role), one committed transaction per
    action, as the API would."""

    def __init__(self, url: str, tenant: str):
        self.url, self.id = url, tenant

    def run(self, role: str, query: str, params=()):
        with psycopg.connect(self.url) as conn:
            conn.execute("select tests.act_as_role(%s, %s)", [self.id, role])
            return conn.execute(query, params).fetchone()

    def member(self, role: str):
        return self.run(role, "select auth.user_id()")[0]

    def in_progress(self, role: str, project_id, stage: str) -> dict:
        row = self.run(role, "select sub_stage_id, progress_id from app.project_workflow "
                             "where project_id = %s and stage_slug = %s and status = 'in_progress' "
                             "order by sub_stage_order limit 1", [project_id, stage])
        assert row, f"nothing in progress in {stage}"
        return {"sub_stage_id": row[0], "progress_id": row[1]}

    def sub_stage(self, role: str, slug: str):
        return self.run(role, "select id from app.workflow_sub_stages where slug = %s", [slug])[0]

    def progress(self, role: str, project_id, sub_stage_id, action: str, comment: str | None = None):
        return self.run(role, "select status from app.update_progress(%s, %s, %s, %s)",
                        [project_id, sub_stage_id, action, comment])[0]


def drive_a_project(tenant: Tenant) -> None:
    """Every kind of progress and approval event: seeding, start, complete, block, skip, an approval
    gate that is requested, cancelled, requested again, reassigned and approved (through every step)."""
    project_id = tenant.run("sales", "insert into app.projects (title) values ('Event contract') returning id")[0]
    first = tenant.in_progress("sales", project_id, "inquiry")
    assert tenant.progress("sales", project_id, first["sub_stage_id"], "complete") == "completed"
    clarification = tenant.sub_stage("sales", "customer-clarification")
    assert tenant.progress("sales", project_id, clarification, "block", "waiting for the drawing") == "blocked"
    assert tenant.progress("sales", project_id, clarification, "skip") == "skipped"

    stage = tenant.run("management", "select id from app.workflow_stages where slug = 'technical-review'")[0]
    tenant.run("management", "select id from app.override_project_stage(%s, %s, 'contract test')", [project_id, stage])
    gate = tenant.in_progress("management", project_id, "technical-review")
    assert tenant.progress("management", project_id, gate["sub_stage_id"], "complete") == "in_review"
    approval = tenant.run("management", "select id from app.approvals where entity_id = %s and status = 'pending'",
                          [gate["progress_id"]])[0]
    tenant.run("management", "select app.cancel_approval(%s, 'contract test')", [approval])
    assert tenant.progress("management", project_id, gate["sub_stage_id"], "complete") == "in_review"
    admin = tenant.member("admin")
    for _ in range(5):
        row = tenant.run("management", "select id, status, current_approver_id from app.approvals "
                                       "where entity_id = %s and status in ('pending', 'in_review')", [gate["progress_id"]])
        if row is None:
            break
        approval, _, approver = row
        # The manager requested it, so may not decide it: handed to the admin (an event with an
        # unchanged status), who signs.
        if approver != admin:
            tenant.run("management", "select app.reassign_approval(%s, %s, 'contract test')", [approval, admin])
        tenant.run("admin", "select app.decide_approval(%s, 'approve', 'fine', 'approved', 'contract test', %s)",
                   [approval, TEST_PASSWORD])
    assert row is None, "the approval is still open"


def test_the_events_the_triggers_send_match_their_schemas(database_url):
    schemas = {topic: validator(schema) for topic, schema in contracts().items()}
    world = World.on(database_url)
    tenants = [Tenant(database_url, str(world.sql("select tests.create_workflow_tenant()"))) for _ in range(2)]
    organizations = {tenant.id for tenant in tenants}
    with psycopg.connect(database_url, autocommit=True) as listener:
        for organization_id in organizations:
            for topic in schemas:
                listener.execute(f'LISTEN "pulse:{topic}:{organization_id}"')
        for tenant in tenants:
            drive_a_project(tenant)
        received = [(n.channel, n.payload) for n in listener.notifies(timeout=1.0)]

    seen: dict[str, list[dict]] = defaultdict(list)
    for channel, payload in received:
        match = CHANNEL.match(channel)
        assert match, channel
        event = json.loads(payload)
        errors = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                  for e in schemas[match["topic"]].iter_errors(event)]
        assert not errors, f"{channel} {payload}: {errors}"
        assert event["organization_id"] == match["organization_id"], (channel, payload)
        seen[match["topic"]].append(event)

    progress, approvals = seen["progress"], seen["approvals"]
    assert {e["organization_id"] for e in progress} == {e["organization_id"] for e in approvals} \
        == organizations
    assert {e["event"] for e in progress} == {"progress.seeded", "progress.updated"}
    assert {e["status"] for e in progress} >= {"pending", "in_progress", "in_review", "blocked", "skipped", "completed"}
    assert {e["event"] for e in approvals} == {"approval.requested", "approval.updated"}
    assert {e["status"] for e in approvals} >= {"pending", "cancelled", "approved"}
    assert any(e["status"] == e["previous_status"] for e in approvals), "a reassignment is an event too"


def test_the_lab_events_match_their_schema(database_url):
    """A certificate issued and reissued: the lab channel carries both events, each valid for lab.schema.json
    and naming its certificate and sample; the reissue's webhook data matches its own contract."""
    world = World.on(database_url)
    ids = world.sql("select tests.create_certificate_world()")
    check = validator(contracts()["lab"])
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute(f'LISTEN "pulse:lab:{ids["tenant"]}"')
        with psycopg.connect(database_url) as conn:
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [ids["reviewer"], ids["tenant"]])
            certificate = conn.execute("select certificate_id from app.issue_certificate(%s, signature_password => %s)",
                                       [ids["sample"], TEST_PASSWORD]).fetchone()[0]
            conn.execute("select app.reissue_certificate(%s, 'a clearer title', %s)", [certificate, TEST_PASSWORD])
        received = [json.loads(n.payload) for n in listener.notifies(timeout=1.0)]
    for event in received:
        check.validate(event)
    assert [(e["event"], e["entity_id"], e["sample_id"]) for e in received] == \
        [("coa.issued", str(certificate), ids["sample"]), ("coa.reissued", str(certificate), ids["sample"])]
    for event_type in ("coa.issued", "coa.reissued"):
        data = world.sql("select payload from app_private.events where event_type = %s and entity_id = %s",
                         event_type, certificate)
        schema = json.loads((EVENTS / "lab" / f"{event_type}.schema.json").read_text())
        validator(schema).validate(data)


def contract_fields(schema: dict) -> dict[str, tuple[bool, object]]:
    """camelCase field -> (non-null, the JSON schema node that gives its type), as the contract declares them."""
    fields = {}
    for name, node in schema["properties"].items():
        options = node.get("anyOf", [node])
        kinds = [option for option in options if option.get("type") != "null"]
        assert len(kinds) == 1, name
        kind = kinds[0]
        if "$ref" in kind:
            kind = schema["$defs"][kind["$ref"].rsplit("/", 1)[1]]
        nullable = len(kinds) < len(options) or "null" in (kind.get("type") if isinstance(kind.get("type"), list) else [])
        camel = re.sub(r"_([a-z])", lambda m: m[1].upper(), name)
        fields[camel] = (name in schema["required"] and not nullable, kind)
    return fields


@pytest.mark.stack
def test_the_graphql_event_types_match_their_contracts_field_for_field(live, world):
    bearer = world.sign_in(world.person(world.workflow_tenant(), "qa"))
    answer = graphql(live, get_introspection_query(), bearer).json()
    assert "errors" not in answer, answer
    schema = build_client_schema(answer["data"])
    for topic, contract in contracts().items():
        names = contract["x-graphql"]
        subscription = schema.subscription_type.fields[names["subscription"]]
        assert get_named_type(subscription.type).name == names["type"] and "projectId" in subscription.args
        served = schema.get_type(names["type"]).fields
        declared = contract_fields(contract)
        assert set(served) == set(declared) | {names["row"]["field"]}, topic
        for field, (non_null, kind) in declared.items():
            graphql_type = served[field].type
            assert isinstance(graphql_type, GraphQLNonNull) == non_null, f"{names['type']}.{field}"
            named = get_named_type(graphql_type)
            if "x-pg-enum" in kind:
                assert isinstance(named, GraphQLEnumType) and list(named.values) == kind["enum"], field
            elif "enum" in kind:
                assert named.name == "String", field
            else:
                assert named.name == {"uuid": "UUID", "date-time": "Datetime"}.get(kind.get("format"), "String"), field
            assert served[field].description == contract["properties"][re.sub(r"[A-Z]", lambda m: "_" + m[0].lower(),
                                                                                 field)]["description"]


def printed_schema(settings, database_url: str, root: Path) -> str:
    """The GraphQL SDL config/print-schema.mjs prints from a checkout (its config/ and contracts/events)."""
    environment = settings.with_values(DATABASE_URL=database_url).server_environment()
    printed = subprocess.run([str(ROOT / "node_modules" / ".bin" / "node"), str(root / "config" / "print-schema.mjs")],
                             env={**os.environ, **environment}, capture_output=True, text=True,
                             timeout=120, cwd=root, stdin=subprocess.DEVNULL)
    assert printed.returncode == 0, printed.stderr
    return printed.stdout


def type_block(sdl: str, name: str) -> str:
    match = re.search(rf"^type {name} \{{\n(.*?)^\}}", sdl, re.M | re.S)
    assert match, f"no type {name}"
    return match[1]


def test_a_property_added_to_a_contract_is_a_field_of_its_event_type(settings, database_url, tmp_path):
    """Nothing about an event's fields is restated in JavaScript: the copy's contract gains a property, and
    the copy's server serves it."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shutil.copytree(EVENTS, tmp_path / "contracts" / "events")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    contract = next(tmp_path.glob("contracts/events/*/progress.schema.json"))
    schema = json.loads(contract.read_text())
    schema["properties"]["handled_by"] = {"description": "Who handled it (app.users.id).",
                                          "type": ["string", "null"], "format": "uuid"}
    schema["properties"]["attempt"] = {"description": "How often it was tried.", "type": "integer"}
    schema["required"] += ["handled_by", "attempt"]
    contract.write_text(json.dumps(schema))

    before = type_block(printed_schema(settings, database_url, ROOT), "ProgressEvent")
    after = type_block(printed_schema(settings, database_url, tmp_path), "ProgressEvent")
    assert "handledBy" not in before and "attempt" not in before
    assert re.search(r'"""Who handled it \(app.users.id\)."""\n\s+handledBy: UUID\n', after), after
    assert re.search(r"\n\s+attempt: Int!\n", after), after
