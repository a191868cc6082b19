"""Faults: a server killed mid-write, PostgreSQL restarted under load."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid

import httpx
import psycopg
import pytest

from conftest import start_stack, stop_stack
from helpers import World
from pulse.cluster import Cluster

pytestmark = pytest.mark.stack


@pytest.fixture
def stack(databases):
    """A stack of its own (its servers are killed), and a tenant's sales member signed in to it."""
    started = start_stack(databases, "pulse_test_faults")
    world = World(started)
    started["tenant"] = world.tenant()
    started["token"] = world.sign_in(world.member(started["tenant"], "sales"))
    yield started
    stop_stack(started)


def test_kill_9_of_postgrest_loses_no_acknowledged_write(stack, settings):
    acknowledged: list[str] = []
    stop = threading.Event()

    def write():
        with httpx.Client(timeout=5) as client:
            while not stop.is_set():
                name = f"burst {uuid.uuid4()}"
                try:
                    response = client.post(f"{stack['rest']}/partners", json={"kind": "customer", "name": name},
                                           headers={"Authorization": f"Bearer {stack['token']}"})
                except httpx.TransportError:
                    continue
                if response.status_code == 201:
                    acknowledged.append(name)

    writers = [threading.Thread(target=write) for _ in range(4)]
    for writer in writers:
        writer.start()
    time.sleep(1.5)
    rest_port = stack["rest"].rsplit(":", 1)[1]
    postgrest = json.loads((settings.home / f"stack-{rest_port}.json").read_text())["pids"]["postgrest"]
    os.kill(postgrest, signal.SIGKILL)
    time.sleep(0.5)
    stop.set()
    for writer in writers:
        writer.join()

    assert len(acknowledged) > 10, "the burst never got going"
    with psycopg.connect(stack["url"]) as conn:
        stored = {row[0] for row in conn.execute("select name from app.partners where organization_id = %s "
                                                 "and name like 'burst %%'", [stack["tenant"]])}
        audited = conn.execute("select count(*) from audit.activity_log where organization_id = %s "
                               "and entity_type = 'partners' and action = 'insert' and new_values ->> 'name' like 'burst %%'",
                               [stack["tenant"]]).fetchone()[0]
    assert set(acknowledged) <= stored, "an acknowledged write is missing"
    assert audited == len(stored), "every stored write has its audit row, and nothing half-written exists"


def test_both_servers_serve_again_after_a_postgresql_restart(stack, settings):
    if settings.external:
        pytest.skip("DATABASE_URL points at a server this suite does not manage")
    headers = {"Authorization": f"Bearer {stack['token']}"}

    def statuses():
        with httpx.Client(timeout=2) as client:
            try:
                rest_status = client.get(f"{stack['rest']}/sites", headers=headers).status_code
                graphql_status = client.post(stack["graphql"], headers=headers,
                                             json={"query": "{ sites { totalCount } }"}).status_code
                return rest_status, graphql_status
            except httpx.TransportError:
                return None, None

    assert statuses() == (200, 200)
    cluster = Cluster(settings)
    cluster.stop()
    try:
        down = statuses()
        assert down[0] == 503 and down[1] == 503, f"while the database is away: {down}"
    finally:
        cluster.start()
    began = time.monotonic()
    while statuses() != (200, 200) and time.monotonic() - began < 10:
        time.sleep(0.2)
    assert statuses() == (200, 200), "not serving again within 10 s"
