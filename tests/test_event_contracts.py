"""The real-time event payloads match their contracts (contracts/events/<domain>/*.schema.json).

Real events: tenant users act through the RPCs in a migrated, demo-seeded
database while a connection LISTENs on the tenants' channels; every NOTIFY
payload is validated against the schema of its topic.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import psycopg
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "contracts" / "events"
PASSWORD = "pulse-demo-password"
CHANNEL = re.compile(r"^pulse:(?P<topic>[a-z_]+):(?P<organization_id>[0-9a-f-]{36})$")


def contracts() -> dict[str, dict]:
    """topic -> schema, from each schema's x-channel (pulse:<topic>:{organization_id})."""
    schemas = {}
    for path in sorted(EVENTS.rglob("*.schema.json")):
        schema = json.loads(path.read_text())
        match = re.fullmatch(r"pulse:([a-z_]+):\{organization_id\}", schema.get("x-channel", ""))
        assert match, f"{path.name}: x-channel must be pulse:<topic>:{{organization_id}}"
        assert match[1] not in schemas, f"two schemas for topic {match[1]}"
        schemas[match[1]] = schema
    return schemas


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def published_topics(sql: str) -> set[str]:
    """The topics of every pg_notify in some SQL; each must name its channel with app_private.event_channel."""
    calls = re.findall(r"pg_notify\s*\(\s*([^,]*)", sql, flags=re.IGNORECASE)
    for channel in calls:
        assert re.match(r"app_private\.event_channel\s*\(\s*'[a-z_]+'", channel), \
            f"pg_notify on a channel not built by app_private.event_channel: {channel}"
    return set(re.findall(r"app_private\.event_channel\s*\(\s*'([a-z_]+)'", ",".join(calls)))


def test_the_schemas_are_valid_draft_2020_12_and_strict():
    schemas = contracts()
    assert set(schemas) == {"progress", "approvals"}
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
            "where n.nspname in ('app', 'app_private', 'auth', 'audit') and p.prosrc ~* 'pg_notify'")]
        channel = conn.execute("select app_private.event_channel('progress', '00000000-0000-0000-0000-000000000001')"
                               ).fetchone()[0]
    assert sources and set().union(*map(published_topics, sources)) == set(schemas)
    assert channel == "pulse:progress:00000000-0000-0000-0000-000000000001"


def test_the_schemas_name_every_value_of_the_database_enums(database_url):
    schemas = contracts()
    with psycopg.connect(database_url) as conn:
        def values(enum: str) -> list[str]:
            return conn.execute(f"select enum_range(null::app.{enum})::text[]").fetchone()[0]

        assert schemas["progress"]["$defs"]["sub_stage_status"]["enum"] == values("sub_stage_status")
        assert schemas["approvals"]["$defs"]["approval_status"]["enum"] == values("approval_status")
        assert schemas["approvals"]["properties"]["approval_type"]["enum"] == values("approval_type")


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
    """Acting as members of one tenant, one committed transaction per action, as the API would."""

    def __init__(self, url: str, slug: str):
        self.url, self.slug = url, slug

    def run(self, email: str, query: str, params=()):
        with psycopg.connect(self.url) as conn:
            conn.execute("select tests.act_as(%s, %s)", [email, self.slug])
            return conn.execute(query, params).fetchone()

    def in_progress(self, email: str, project_id, stage: str) -> dict:
        row = self.run(email, "select sub_stage_id, progress_id from app.project_workflow "
                              "where project_id = %s and stage_slug = %s and status = 'in_progress' "
                              "order by sub_stage_order limit 1", [project_id, stage])
        assert row, f"nothing in progress in {stage}"
        return {"sub_stage_id": row[0], "progress_id": row[1]}

    def sub_stage(self, email: str, slug: str):
        return self.run(email, "select id from app.workflow_sub_stages where slug = %s", [slug])[0]

    def progress(self, email: str, project_id, sub_stage_id, action: str, comment: str | None = None):
        return self.run(email, "select status from app.update_progress(%s, %s, %s, %s)",
                        [project_id, sub_stage_id, action, comment])[0]


def drive_a_project(tenant: Tenant, domain: str) -> None:
    """Every kind of progress and approval event: seeding, start, complete, block, skip, an approval
    gate that is requested, cancelled, requested again, reassigned and approved (through every step)."""
    sales, manager = f"sales@{domain}", f"management@{domain}"
    project_id = tenant.run(sales, "insert into app.projects (title) values ('Event contract') returning id")[0]
    first = tenant.in_progress(sales, project_id, "inquiry")
    assert tenant.progress(sales, project_id, first["sub_stage_id"], "complete") == "completed"
    clarification = tenant.sub_stage(sales, "customer-clarification")
    assert tenant.progress(sales, project_id, clarification, "block", "waiting for the drawing") == "blocked"
    assert tenant.progress(sales, project_id, clarification, "skip") == "skipped"

    stage = tenant.run(manager, "select id from app.workflow_stages where slug = 'technical-review'")[0]
    tenant.run(manager, "select id from app.override_project_stage(%s, %s, 'contract test')", [project_id, stage])
    gate = tenant.in_progress(manager, project_id, "technical-review")
    assert tenant.progress(manager, project_id, gate["sub_stage_id"], "complete") == "in_review"
    approval = tenant.run(manager, "select id from app.approvals where entity_id = %s and status = 'pending'",
                          [gate["progress_id"]])[0]
    tenant.run(manager, "select app.cancel_approval(%s, 'contract test')", [approval])
    assert tenant.progress(manager, project_id, gate["sub_stage_id"], "complete") == "in_review"
    for _ in range(5):
        row = tenant.run(manager, "select id, status, current_approver_id from app.approvals "
                                  "where entity_id = %s and status in ('pending', 'in_review')", [gate["progress_id"]])
        if row is None:
            break
        approval, _, approver = row
        # The manager requested it, so may not decide it: handed to the admin (an event with an
        # unchanged status), who signs.
        admin = f"admin@{domain}"
        admin_id = tenant.run(manager, "select tests.id_of_user(%s)", [admin])[0]
        if approver != admin_id:
            tenant.run(manager, "select app.reassign_approval(%s, %s, 'contract test')", [approval, admin_id])
        tenant.run(admin, "select app.decide_approval(%s, 'approve', 'fine', 'approved', 'contract test', %s)",
                   [approval, PASSWORD])
    assert row is None, "the approval is still open"


def test_the_events_the_triggers_send_match_their_schemas(database_url):
    schemas = {topic: validator(schema) for topic, schema in contracts().items()}
    tenants = {"acme.test": Tenant(database_url, "acme-manufacturing"),
               "northwind.test": Tenant(database_url, "northwind-labs")}
    with psycopg.connect(database_url, autocommit=True) as listener:
        organizations = dict(listener.execute(
            "select slug, id::text from app.organizations where slug in ('acme-manufacturing', 'northwind-labs')"))
        for organization_id in organizations.values():
            for topic in schemas:
                listener.execute(f'LISTEN "pulse:{topic}:{organization_id}"')
        for domain, tenant in tenants.items():
            drive_a_project(tenant, domain)
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
        == set(organizations.values())
    assert {e["event"] for e in progress} == {"progress.seeded", "progress.updated"}
    assert {e["status"] for e in progress} >= {"pending", "in_progress", "in_review", "blocked", "skipped", "completed"}
    assert {e["event"] for e in approvals} == {"approval.requested", "approval.updated"}
    assert {e["status"] for e in approvals} >= {"pending", "cancelled", "approved"}
    assert any(e["status"] == e["previous_status"] for e in approvals), "a reassignment is an event too"
