"""Both servers through PgBouncer in transaction mode (`pulse up --pool`, docs/scaling.md "Pooling").

With two server connections for the whole stack, every transaction of every caller runs on one of the
same two backends, one after another. Nothing a request sets may outlive its transaction: the role,
request.jwt.claims and PostgREST's request.* settings are SET LOCAL / set_config(..., true) in both
servers. Here two tenants' users and anonymous callers interleave REST and GraphQL requests, and each
answer must be the caller's own; a GraphQL subscription (LISTEN, on its own direct connection) still
hears a write made through the pool.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from helpers import World, graphql, rest
from pulse import stack
from pulse.contracts import free_port
from test_realtime import DELIVERY, PROGRESS, GraphQLSocket, about, complete_first_sub_stage, subscribe

pytestmark = pytest.mark.stack

POOL_SIZE = 2
ROUNDS = 3  # per caller; each round is a REST and a GraphQL request

# What a transaction sees of its caller, made in the test's database only (no contract changes).
PROBE = """
create function app.pool_probe() returns jsonb language sql stable as $$
  select jsonb_build_object(
    'user', current_user::text,
    'sub', nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
    'org', nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'org_id',
    'path', nullif(current_setting('request.path', true), ''),
    'backend', pg_backend_pid())
$$;
comment on function app.pool_probe() is 'What this transaction sees of its caller (tests/test_pool_http.py).';
grant execute on function app.pool_probe() to anon, app_user;
"""
GRAPHQL_PROBE = "{ poolProbe organizations { nodes { rowId } } }"


@pytest.fixture(scope="module")
def pooled(settings, databases):
    """The stack's servers (pulse.stack, as `pulse up --pool` starts them) on a fresh copy of the template
    that holds the probe. Started here rather than by `pulse up`, whose migration would drop the probe with
    the rest of the repeatable layer."""
    url = databases.create("pulse_test_pool")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(PROBE)
    rest_port, graphql_port = free_port(), free_port()
    config = settings.with_values(DATABASE_URL=url, PULSE_REST_PORT=str(rest_port),
                                  PULSE_GRAPHQL_PORT=str(graphql_port), PULSE_POOL="true",
                                  PULSE_POOL_PORT=str(free_port()), PULSE_POOL_SIZE=str(POOL_SIZE))
    stack.start(config, started_database=False)
    try:
        yield {"rest": config.rest_url, "graphql": config.graphql_url, "url": url}
    finally:
        stack.stop(config)


def test_requests_share_two_server_connections_and_nothing_leaks_between_them(pooled):
    world = World(pooled)
    tenants = [world.tenant(), world.tenant()]
    people = [world.member(tenant, role) for tenant in tenants for role in ("sales", "qa", "engineering")]
    for tenant in tenants:
        world.project(tenant, created_by=people[0 if tenant == tenants[0] else 3].id)
    callers = [(person, world.sign_in(person)) for person in people] + [(None, None)] * 2  # two anonymous callers

    def run(caller) -> list[dict]:
        person, bearer = caller
        seen = []
        for _ in range(ROUNDS):
            probe = rest(pooled, "GET", "/rpc/pool_probe", bearer)
            assert probe.status_code == 200, probe.text
            seen.append({**probe.json(), "via": "rest"})
            answer = graphql(pooled, GRAPHQL_PROBE if person else "{ poolProbe }", bearer)
            assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
            data = answer.json()["data"]
            seen.append({**data["poolProbe"], "via": "graphql"})
            if person:
                organizations = {node["rowId"] for node in data["organizations"]["nodes"]}
                projects = rest(pooled, "GET", "/projects?select=organization_id", bearer)
                assert projects.status_code == 200 and projects.json(), projects.text
                assert {row["organization_id"] for row in projects.json()} == {person.tenant}
                assert organizations == {person.tenant}
        return seen

    with ThreadPoolExecutor(len(callers)) as pool:
        results = list(pool.map(run, callers))

    backends: dict[int, set] = {}
    for (person, _), seen in zip(callers, results, strict=True):
        for probe in seen:
            backends.setdefault(probe["backend"], set()).add(person.id if person else "anon")
            expected_path = "/rpc/pool_probe" if probe["via"] == "rest" else None
            assert probe["path"] == expected_path, probe  # no REST request's settings in a GraphQL transaction
            if person:
                assert (probe["user"], probe["sub"], probe["org"]) == ("app_user", person.id, person.tenant), probe
            else:
                assert (probe["user"], probe["sub"], probe["org"]) == ("anon", None, None), probe
    # Every transaction ran on one of the pool's server connections, each serving many callers in turn
    # (signed-in and anonymous alike), so the checks above were made on shared connections.
    assert len(backends) <= POOL_SIZE, backends
    assert any(len(callers_seen) > 2 and "anon" in callers_seen for callers_seen in backends.values()), backends


def test_a_subscription_hears_a_write_made_through_the_pool(pooled):
    world = World(pooled)
    tenant = world.workflow_tenant()
    socket: GraphQLSocket = subscribe(pooled, world, world.person(tenant, "qa"), PROGRESS)
    with socket:
        seller = world.sign_in(world.person(tenant, "sales"))
        project, _ = complete_first_sub_stage(pooled, seller, "Pooled write")
        event = socket.first(lambda e: about(project)(e) and e["projectProgressChanged"]["status"] == "completed",
                             DELIVERY)
        assert event["projectProgressChanged"]["organizationId"] == tenant

