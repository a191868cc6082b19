"""Faults: a server killed mid-write, PostgreSQL restarted under load.

These tests run on a cluster of their own: the tests beside them (other workers of `make test`)
share the session's cluster and must never see it restart."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from helpers import World, copy_project, pulse, pulse_env
from pulse.cluster import Cluster
from pulse.config import Settings
from pulse.contracts import free_port
from pulse.database import create_database
from pulse.lifecycle import build_test_template, ensure_database

pytestmark = pytest.mark.stack

TEMPLATE = "pulse_faults_template"


@pytest.fixture(scope="module")
def own_server(settings: Settings) -> Iterator[Settings]:
    """A cluster of this file's own on a free port, with the test template; stopped and removed afterwards."""
    if settings.external:
        pytest.skip("DATABASE_URL points at a server this suite does not manage")
    root = Path(tempfile.mkdtemp(prefix="pulse-faults-"))
    root.chmod(0o755)  # the postgres OS user (the server's, when tests run as root) may enter it
    copy_project(root)
    own = Settings(root=root, values={
        **settings.values, "PULSE_DB_PORT": str(free_port()), "PULSE_JWT_SECRET": settings.jwt_secret,
        **{name: settings.secret(name) for name in ("PULSE_SUPERUSER_PASSWORD", "PULSE_AUTHENTICATOR_PASSWORD")}})
    try:
        ensure_database(own)
        build_test_template(own, TEMPLATE)
        yield own
    finally:
        Cluster(own).stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def stack(own_server: Settings) -> Iterator[dict]:
    """A stack of its own (its servers are killed), and a tenant's sales member signed in to it."""
    name = f"pulse_test_faults_{uuid.uuid4().hex[:8]}"
    create_database(own_server.url_for_database("postgres"), name, TEMPLATE)
    url = own_server.url_for_database(name)
    rest_port, graphql_port = free_port(), free_port()
    env = pulse_env(url, PULSE_REST_PORT=str(rest_port), PULSE_GRAPHQL_PORT=str(graphql_port))
    up = pulse("up", "--detach", env=env, timeout=90)
    assert up.returncode == 0, up.stdout + up.stderr
    started = {"rest": f"http://127.0.0.1:{rest_port}", "graphql": f"http://127.0.0.1:{graphql_port}/graphql",
               "env": env, "url": url, "server": own_server}
    world = World(started)
    started["tenant"] = world.tenant()
    started["token"] = world.sign_in(world.member(started["tenant"], "sales"))
    yield started
    pulse("down", env=env)


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


def test_both_servers_serve_again_after_a_postgresql_restart(stack):
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
    cluster = Cluster(stack["server"])
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
