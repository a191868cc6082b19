"""A short mixed load (bench/mixed_load.py, the bench's own driver): 20 users in 5 tenants for 8 s over
PostgREST and PostGraphile at once, 2 GraphQL subscribers per tenant. Asserts what must hold under
concurrency, never a time: no 5xx, every acknowledged write in the database with the values sent and
audited, reads and events of the user's own tenant only, and every acknowledged progress action heard
by its tenant's subscribers. `make bench` runs the 60-s, 100-user version and prints the figures."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mixed_load", ROOT / "bench" / "mixed_load.py")
assert _spec and _spec.loader
mixed_load = sys.modules["mixed_load"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mixed_load)


def test_mixed_load_loses_nothing_and_keeps_tenants_apart(live: dict[str, Any], settings: Any) -> None:
    load = mixed_load.Load(mixed_load.Settings(
        rest=live["rest"], graphql=live["graphql"], database_url=live["url"], jwt_secret=settings.jwt_secret,
        users=20, tenants=5, seconds=8, think_ms=700, subscribers=2, projects=6, drain=3))
    load.setup()
    asyncio.run(load.run())
    summary = load.summary()
    report = load.report(summary)
    checks = summary["checks"]

    assert summary["server_errors"] == 0, report
    assert summary["subscribed"] == 10 and summary["subscription_errors"] == [], report
    # The load did what it is checked for: writes of each common kind through both APIs, events heard.
    assert summary["writes"].get("project", 0) and summary["writes"].get("progress", 0), report
    assert {operation.split()[0] for operation in load.outcome.latency} == {"rest", "graphql"}, report
    assert checks["lost"] == [] and checks["unaudited"] == [], report
    assert summary["foreign_rows"] == 0 and checks["foreign_events"] == [], report
    assert checks["expected_events"] and checks["delivered_events"] == checks["expected_events"], report

    # The checks find what is missing: a write acknowledged but not there, an event of another tenant.
    tenants = sorted(load.tenants)
    project = next(w for w in load.writes if w.kind == "project")
    load.writes += [mixed_load.Write("project", tenants[0], str(uuid.uuid4()), "never written"),
                    mixed_load.Write("rename", project.tenant, project.entity, "a title never sent")]
    subscriber, tenant = next(iter(load.subscriber_tenants.items()))
    other = next(t for t in tenants if t != tenant)
    load.events.append(mixed_load.Event("progress", subscriber, tenant, other, None, str(uuid.uuid4()), "completed", 0.0))
    caught = load.verify()
    assert len(caught["lost"]) == 2 and len(caught["unaudited"]) == 2 and len(caught["foreign_events"]) == 1, caught
