"""The live stack: `pulse up --detach`, real HTTP to PostgREST and PostGraphile, `pulse down`."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import threading
import time

import httpx
import jwt
import psycopg
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from event_contracts import contract_for, webhook_contracts
from helpers import PULSE, ROOT, graphql, one_line_error, planned_changes, pulse, pulse_env, rest, token
from pulse.contracts import free_port

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def live(demo_live):
    """The subject here is what `make up` serves, demo data included."""
    return demo_live


def test_up_prints_urls_and_a_ready_token_per_demo_member(live):
    output = live["output"]
    for line in (live["rest"], live["graphql"], "/graphiql", "application/openapi+json"):
        assert line in output
    for email in ("ada@acme.test", "grace@northwind.test", "operator@pulse.test", "lab_tech@northwind.test"):
        assert email in output
    with psycopg.connect(live["url"]) as conn:
        people = conn.execute("select count(*) from app.users").fetchone()[0]
    assert output.count('curl -H "Authorization: Bearer ey') == people, "a token for every demo person"
    assert "pulse-demo-password" in output


def printed_tokens(output: str) -> dict[str, str]:
    """The ready token `pulse up` prints under each user's line, by email (the user's first tenant)."""
    lines = output.splitlines()
    tokens: dict[str, str] = {}
    for line, curl in itertools.pairwise(lines):
        if 'curl -H "Authorization: Bearer ' in curl and line.strip() and not line.strip().startswith("curl"):
            tokens.setdefault(line.split()[0], curl.split("Bearer ")[1].split('"')[0])
    return tokens


def test_up_prints_the_plant_scoped_demo_users(live):
    """Beside the tenant-wide role users, Acme has a technician at each plant and an inspector at PLANT-2; the
    printed line names the plant of each role (docs/maintenance.md, docs/manufacturing.md "Demo data")."""
    output = live["output"]
    for email, roles in (("technician@acme.test", "technician@PLANT-1"), ("technician.plant2@acme.test", "technician@PLANT-2"),
                         ("inspector.plant2@acme.test", "inspector@PLANT-2"), ("inspector@acme.test", "inspector"),
                         ("maintenance_planner@acme.test", "maintenance_planner")):
        assert any(line.split() == [email, "acme-manufacturing", roles] for line in output.splitlines()), email
    assert {"technician@acme.test", "technician.plant2@acme.test", "inspector.plant2@acme.test"} <= set(printed_tokens(output))


PLANT_VIEWS = {  # who sees which plant's rows in the demo, by the printed token
    "technician@acme.test": {"PLANT-1"},
    "technician.plant2@acme.test": {"PLANT-2"},
    "maintenance_planner@acme.test": {"PLANT-1", "PLANT-2"},
}
QUALITY_VIEWS = {
    "technician@acme.test": {"PLANT-1"},
    "inspector.plant2@acme.test": {"PLANT-2"},
    "inspector@acme.test": {"PLANT-1", "PLANT-2"},
}


def _site_codes(live) -> tuple[dict[str, str], dict[str, str]]:
    """Site id -> code and equipment id -> site code of Acme, read as the owner."""
    with psycopg.connect(live["url"]) as conn:
        sites = dict(conn.execute("select s.id::text, s.code from app.sites s join app.organizations o on o.id = s.organization_id"
                                  " where o.slug = 'acme-manufacturing'").fetchall())
        equipment = dict(conn.execute("select e.id::text, s.code from app.equipment e join app.sites s"
                                      " on s.organization_id = e.organization_id and s.id = e.site_id").fetchall())
    return sites, equipment


@pytest.mark.parametrize("email", sorted(PLANT_VIEWS))
def test_demo_maintenance_is_plant_scoped_over_rest(live, email):
    """The printed token of a plant-scoped technician reads its plant's work orders, assets and stock and none of
    the other plant's; the planner (tenant-wide) reads both plants'."""
    bearer = printed_tokens(live["output"])[email]
    sites, equipment = _site_codes(live)
    for path in ("/work_orders?select=site_id", "/part_stock?select=site_id", "/storerooms?select=site_id",
                 "/pm_schedules?select=site_id"):
        response = rest(live, "GET", path, bearer)
        assert response.status_code == 200, response.text
        assert {sites[row["site_id"]] for row in response.json()} == PLANT_VIEWS[email], (email, path)
    response = rest(live, "GET", "/assets?select=equipment_id", bearer)
    assert response.status_code == 200, response.text
    assert {equipment[row["equipment_id"]] for row in response.json()} == PLANT_VIEWS[email], email


@pytest.mark.parametrize("email", sorted(PLANT_VIEWS))
def test_demo_maintenance_is_plant_scoped_over_graphql(live, email):
    bearer = printed_tokens(live["output"])[email]
    sites, _ = _site_codes(live)
    response = graphql(live, "{ workOrders { nodes { siteId } } partStocks { nodes { siteId } }"
                             " assets { nodes { equipment { siteId } } } }", bearer)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    data = response.json()["data"]
    assert {sites[node["siteId"]] for node in data["workOrders"]["nodes"]} == PLANT_VIEWS[email]
    assert {sites[node["siteId"]] for node in data["partStocks"]["nodes"]} == PLANT_VIEWS[email]
    assert {sites[node["equipment"]["siteId"]] for node in data["assets"]["nodes"]} == PLANT_VIEWS[email]


@pytest.mark.parametrize("email", sorted(QUALITY_VIEWS))
def test_demo_quality_and_traceability_are_plant_scoped(live, email):
    """Lots, inspections and NCRs over both servers: the PLANT-2 inspector reads PLANT-2's only, the PLANT-1
    technician PLANT-1's only, the tenant-wide inspector both plants'."""
    bearer = printed_tokens(live["output"])[email]
    sites, _ = _site_codes(live)
    for path in ("/lots?select=site_id", "/inspections?select=site_id", "/ncrs?select=site_id"):
        response = rest(live, "GET", path, bearer)
        assert response.status_code == 200, response.text
        assert {sites[row["site_id"]] for row in response.json()} == QUALITY_VIEWS[email], (email, path)
    response = graphql(live, "{ lots { nodes { siteId } } inspections { nodes { siteId } } ncrs { nodes { siteId } } }", bearer)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    for field, connection in response.json()["data"].items():
        assert {sites[node["siteId"]] for node in connection["nodes"]} == QUALITY_VIEWS[email], (email, field)


def test_demo_plant_scoped_technician_cannot_reach_the_other_plant(live):
    """Asked by id, the PLANT-2 technician's token finds no PLANT-1 work order on either server, and reporting a
    problem on a PLANT-1 asset is refused as if it did not exist (404 equipment.not_found, nothing written)."""
    bearer = printed_tokens(live["output"])["technician.plant2@acme.test"]
    with psycopg.connect(live["url"]) as conn:
        plant_1_order = conn.execute("select w.id::text from app.work_orders w join app.sites s on s.organization_id = w.organization_id"
                                     " and s.id = w.site_id where s.code = 'PLANT-1' limit 1").fetchone()[0]
        lathe = conn.execute("select id::text from app.equipment where serial_number = 'DMG-350-0042'").fetchone()[0]
    assert rest(live, "GET", f"/work_orders?id=eq.{plant_1_order}", bearer).json() == []
    gql = graphql(live, "query($id: UUID!) { workOrder(rowId: $id) { rowId } }", bearer, {"id": plant_1_order})
    assert gql.status_code == 200 and gql.json()["data"]["workOrder"] is None, gql.text
    refused = rest(live, "POST", "/rpc/request_work", bearer, json={"equipment_id": lathe, "title": "Noise"})
    assert refused.status_code == 404 and refused.json()["details"] == "equipment.not_found", refused.text


def test_request_grants_match_the_demo_data(live):
    """app_private.request_grants (what auth.check_request() reads for an ordinary token) admits exactly what
    the source tables do, for every demo user x tenant x session x role (db/tests/fixtures/identity.sql)."""
    with psycopg.connect(live["url"]) as conn:
        cases = conn.execute("select count(*) from app.users, app.organizations").fetchone()[0]
        disagreements = conn.execute("select * from tests.request_grant_disagreements()").fetchall()
    assert cases > 50
    assert disagreements == []


def test_every_event_of_the_demo_follows_its_contract(live):
    """What seeding the demo published (every domain acts through its functions) against the webhook contracts,
    the events a state machine's "event" effects publish against the state change's; a rule's webhook action
    (rule.<name>) sends the tenant's own data."""
    contracts = webhook_contracts()
    with psycopg.connect(live["url"]) as conn:
        effect_types = {row[0] for row in conn.execute(
            "select distinct e ->> 'event_type' from app.state_machine_transitions as t, jsonb_array_elements(t.effects) as e"
            " where e ->> 'kind' = 'event'")}
        events = conn.execute(
            "select distinct on (event_type, payload_keys) event_type, payload from"
            " (select event_type, payload, array(select jsonb_object_keys(payload) order by 1) as payload_keys"
            "    from app_private.events where event_type not like 'rule.%') as e").fetchall()
    assert len({event_type for event_type, _ in events}) >= 30, events
    failures = []
    for event_type, payload in events:
        schema = contract_for(event_type, contracts, effect_types)
        if schema is None:
            failures.append(f"{event_type}: no contract")
            continue
        for error in Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(payload):
            failures.append(f"{event_type} ({schema['x-path']}): {error.message} at {list(error.absolute_path)}")
    assert not failures, "\n".join(failures)


def test_printed_curl_token_works(live):
    lines = live["output"].splitlines()
    curl = lines[next(i for i, line in enumerate(lines) if "ada@acme.test  acme-manufacturing" in line) + 1]
    bearer = curl.split("Bearer ")[1].split('"')[0]
    response = httpx.get(f"{live['rest']}/partners?select=organization_id", headers={"Authorization": f"Bearer {bearer}"})
    claims = jwt.decode(bearer, options={"verify_signature": False})
    assert response.status_code == 200 and response.json()
    assert {row["organization_id"] for row in response.json()} == {claims["org_id"]}


RENDER_TASKS = ["coa_render", "coc_render", "label_render", "report_export"]


def test_the_demos_render_jobs_never_find_object_storage_unconfigured(live):
    """`pulse up` starts its local object store first and puts its bucket and settings in the database before
    the job worker starts, so the render jobs the demo queued (labels, certificates, report exports) upload at
    their first attempt: none fails with "object storage is not configured", in the queue or the worker's log."""
    deadline = time.monotonic() + 90
    with psycopg.connect(live["url"], autocommit=True) as conn:
        while conn.execute("select count(*) from graphile_worker.jobs where task_identifier = any(%s) and attempts < max_attempts",
                           [RENDER_TASKS]).fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.5)
        unconfigured = conn.execute("select task_identifier, attempts from graphile_worker.jobs"
                                    " where last_error like '%%object storage is not configured%%'").fetchall()
        labels = conn.execute("select status, render_attempts from app.labels").fetchall()
    assert unconfigured == []
    assert labels and all(label == ("rendered", 1) for label in labels), labels
    log = ROOT / ".pulse" / "logs" / live["rest"].rsplit(":", 1)[1] / "worker.log"
    assert "object storage is not configured" not in log.read_text()


def test_rest_serves_each_tenant_its_own_rows(settings, live):
    ada = token(settings, live, "ada@acme.test", "acme-manufacturing")
    grace = token(settings, live, "grace@northwind.test", "northwind-labs")
    as_ada = httpx.get(f"{live['rest']}/organizations", headers={"Authorization": f"Bearer {ada}"})
    as_grace = httpx.get(f"{live['rest']}/organizations", headers={"Authorization": f"Bearer {grace}"})
    assert [row["slug"] for row in as_ada.json()] == ["acme-manufacturing"]
    assert [row["slug"] for row in as_grace.json()] == ["northwind-labs"]


def test_graphql_serves_each_tenant_its_own_rows(settings, live):
    query = "{ organizations { nodes { slug } } }"
    ada = token(settings, live, "ada@acme.test", "acme-manufacturing")
    response = graphql(live, query, ada)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["organizations"]["nodes"] == [{"slug": "acme-manufacturing"}]


def test_health_is_anonymous_on_both_servers(live):
    rest = httpx.get(f"{live['rest']}/rpc/health")
    assert rest.status_code == 200 and rest.json()["database_ok"] is True
    assert rest.json()["deployed_changes"] == len(planned_changes())
    gql = graphql(live, "{ health { databaseOk serverVersion deployedChanges lastChange } }")
    assert gql.json()["data"]["health"]["databaseOk"] is True


@pytest.mark.parametrize("server", ["rest", "graphql"])
def test_bad_tokens_are_refused_with_a_clear_status(settings, live, server):
    now = int(time.time())
    expired = token(settings, live, "ada@acme.test", "acme-manufacturing", iat=now - 7200, exp=now - 3600)
    forged = jwt.encode({"sub": "x", "role": "app_user", "exp": now + 60}, "another-secret-of-32-characters-xx",
                        algorithm="HS256")
    stranger_role = token(settings, live, "ada@acme.test", "acme-manufacturing", role="postgres")
    cases = [(expired, 401, "expired"), (forged, 401, ""), (stranger_role, (401, 403), "")]
    for bearer, status, words in cases:
        if server == "rest":
            response = httpx.get(f"{live['rest']}/organizations", headers={"Authorization": f"Bearer {bearer}"})
            message = response.json()["message"]
        else:
            response = graphql(live, "{ organizations { nodes { slug } } }", bearer)
            message = response.json()["errors"][0]["message"]
        assert response.status_code in (status if isinstance(status, tuple) else (status,)), response.text
        assert words.lower() in message.lower()


def test_openapi_document_is_served(settings, live):
    # It follows privileges: anonymous callers see only what they may call.
    anonymous = httpx.get(f"{live['rest']}/", headers={"Accept": "application/openapi+json"})
    assert anonymous.status_code == 200
    assert "/rpc/login" in anonymous.json()["paths"] and "/organizations" not in anonymous.json()["paths"]
    ada = token(settings, live, "ada@acme.test", "acme-manufacturing")
    signed_in = httpx.get(f"{live['rest']}/", headers={"Accept": "application/openapi+json",
                                                       "Authorization": f"Bearer {ada}"})
    assert "/organizations" in signed_in.json()["paths"]


def test_a_second_up_refuses_before_it_changes_anything(live):
    with psycopg.connect(live["url"]) as conn:
        before = conn.execute("select count(*) from sqitch.events").fetchone()[0]
    result = pulse("up", "--detach", "--demo", env=live["env"], timeout=60)
    assert "already running" in one_line_error(result)
    assert "✓" not in result.stderr, "nothing migrated or seeded before refusing"
    with psycopg.connect(live["url"]) as conn:
        assert conn.execute("select count(*) from sqitch.events").fetchone()[0] == before


def test_down_leaves_no_process_behind(databases, settings):
    rest_port, graphql_port = free_port(), free_port()
    env = pulse_env(databases.create("pulse_test_down"), PULSE_REST_PORT=str(rest_port),
                    PULSE_GRAPHQL_PORT=str(graphql_port))
    assert pulse("up", "--detach", env=env, timeout=90).returncode == 0
    pids = json.loads((settings.home / f"stack-{rest_port}.json").read_text())["pids"]
    assert {"postgrest", "postgraphile", "worker"} <= set(pids)  # the job worker runs beside the servers
    result = pulse("down", env=env)
    assert result.returncode == 0, result.stderr
    assert "worker" in result.stdout
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids.values()):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids.values())
    for port in (rest_port, graphql_port):
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# Run alone (make test's second phase): twice under pytest-xdist, with the other process busy, `pulse up` did not
# stop within 60 s of Ctrl-C, which it does in 20 s alone (stop 30's closing note).
@pytest.mark.serial
def test_ctrl_c_stops_everything_up_started(databases, settings):
    url = databases.create("pulse_test_foreground")
    rest_port, graphql_port = free_port(), free_port()
    env = pulse_env(url, PULSE_REST_PORT=str(rest_port), PULSE_GRAPHQL_PORT=str(graphql_port))
    process = subprocess.Popen([str(PULSE), "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, stdin=subprocess.DEVNULL)
    try:
        for line in process.stdout:
            if "press Ctrl-C to stop" in line:
                break
        # What the stack prints from now on is read, so that a full pipe never holds it up.
        printed: list[str] = []
        reader = threading.Thread(target=lambda: printed.extend(process.stdout), daemon=True)
        reader.start()
        pids = json.loads((settings.home / f"stack-{rest_port}.json").read_text())["pids"]
        assert httpx.get(f"http://127.0.0.1:{rest_port}/rpc/health").status_code == 200
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=60) == 0
        except subprocess.TimeoutExpired:
            pytest.fail("pulse up did not stop within 60 s of Ctrl-C; it printed:\n" + "".join(printed[-40:]))
    finally:
        process.kill()
    assert not any(_alive(pid) for pid in pids.values())
    assert not (settings.home / f"stack-{rest_port}.json").exists()
