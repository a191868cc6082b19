"""CLI behaviour: tokens, seeding, and failures that print one line and exit non-zero."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

import jwt
import psycopg
import pytest

from helpers import World, copy_project, one_line_error, pulse, pulse_env
from pulse import database
from pulse.contracts import free_port
from pulse.database import require_extensions
from pulse.errors import PulseError


def test_unreachable_database_url_is_one_line():
    env = pulse_env("postgresql://nobody:secret@127.0.0.1:9/pulse")
    line = one_line_error(pulse("db", "status", env=env))
    assert "cannot connect to PostgreSQL at 127.0.0.1:9/pulse: Connection refused" in line, "the cause, not libpq's hint"
    assert "secret" not in line


def test_db_start_refuses_with_an_external_server():
    line = one_line_error(pulse("db", "start", env=pulse_env("postgresql://x@127.0.0.1:9/pulse")))
    assert "DATABASE_URL is set" in line


def test_port_in_use_is_a_clear_error_not_a_hang(database_url):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = pulse_env(database_url, PULSE_REST_PORT=str(port), PULSE_GRAPHQL_PORT=str(free_port()))
        result = pulse("up", "--detach", env=env, timeout=60)
        line = one_line_error(result)
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "PULSE_REST_PORT" in line
    assert "✓" not in result.stderr, "refused before migrating or seeding anything"


def test_mint_and_decode_follow_the_claims_contract(database_url, settings):
    env = pulse_env(database_url)
    world = World.on(database_url)
    tenant = world.tenant()
    member = world.member(tenant, "qa")
    minted = pulse("jwt", "mint", "--email", member.email, "--org", world.slug(tenant), "--ttl", "30m", env=env)
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip()
    claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"])
    assert set(claims) == {"sub", "role", "org_id", "exp", "iat"}
    assert claims["role"] == "app_user" and claims["exp"] - claims["iat"] == 1800
    assert (claims["sub"], claims["org_id"]) == (member.id, tenant)

    decoded = pulse("jwt", "decode", token, env=env)
    assert decoded.returncode == 0 and '"org_id"' in decoded.stdout


def test_operators_get_the_admin_role(database_url, settings):
    world = World.on(database_url)
    minted = pulse("jwt", "mint", "--email", world.operator().email, "--org", world.slug(world.tenant()),
                   env=pulse_env(database_url))
    assert jwt.decode(minted.stdout.strip(), settings.jwt_secret, algorithms=["HS256"])["role"] == "app_admin"


def test_mint_refuses_strangers_and_bad_input(database_url):
    env = pulse_env(database_url)
    world = World.on(database_url)
    tenant = world.tenant()
    mine, other = world.slug(tenant), world.slug(world.tenant())
    email = world.member(tenant, "admin").email
    assert "no user with email" in one_line_error(
        pulse("jwt", "mint", "--email", "nobody@x.test", "--org", mine, env=env))
    assert "not an active member" in one_line_error(
        pulse("jwt", "mint", "--email", email, "--org", other, env=env))
    assert "--ttl" in one_line_error(
        pulse("jwt", "mint", "--email", email, "--org", mine, "--ttl", "soon", env=env))
    assert "30d" in one_line_error(
        pulse("jwt", "mint", "--email", email, "--org", mine, "--ttl", "100000d", env=env))
    assert pulse("jwt", "mint", "--email", email, "--org", mine, "--ttl", "30d",
                 env=env).returncode == 0
    assert "invalid token" in one_line_error(pulse("jwt", "decode", "not.a.token", env=env))


def test_seed_is_idempotent(database_url):
    """The demo seed is the subject: seeded once into the template's copy (which holds none), then again."""
    env = pulse_env(database_url)
    tables = ["organizations", "sites", "partners", "contacts", "users", "memberships", "roles", "role_assignments"]

    def counts():
        with psycopg.connect(database_url) as conn:
            return {table: conn.execute(f"select count(*) from app.{table}").fetchone()[0] for table in tables}

    assert counts()["organizations"] == 0, "the test template holds no demo data"
    assert pulse("seed", "--demo", env=env).returncode == 0
    before = counts()
    assert pulse("seed", "--demo", env=env).returncode == 0
    assert pulse("seed", "--demo", env=env).returncode == 0
    assert counts() == before
    with psycopg.connect(database_url) as conn:
        system_roles = conn.execute("select count(*) from app_private.system_roles").fetchone()[0]
    assert before["organizations"] == 2 and before["roles"] == 2 * system_roles
    assert before["users"] == 1 + 2 * system_roles + 2 + 1 + 3, (
        "an operator, a member for every system role in both tenants plus their admins, a contractor's portal user,"
        " and Acme's PLANT-2 technician, inspector and production lead")
    with psycopg.connect(database_url) as conn:
        scoped = conn.execute(
            "select u.email, r.key, s.code from app.role_assignments ra join app.memberships m on m.organization_id = ra.organization_id"
            " and m.id = ra.membership_id join app.users u on u.id = m.user_id join app.roles r on r.organization_id = ra.organization_id"
            " and r.id = ra.role_id join app.sites s on s.organization_id = ra.organization_id and s.id = ra.site_id order by 1").fetchall()
    assert scoped == [("inspector.plant2@acme.test", "inspector", "PLANT-2"), ("production.plant2@acme.test", "production", "PLANT-2"),
                      ("technician.plant2@acme.test", "technician", "PLANT-2"), ("technician@acme.test", "technician", "PLANT-1")], (
        "the plant-scoped demo users, each at one plant")


def test_reset_rebuilds_the_database(databases):
    url = databases.create("pulse_test_reset")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into app.organizations (slug, name) values ('scratch', 'Scratch')")
    result = pulse("db", "reset", "--demo", "--yes", env=pulse_env(url))
    assert result.returncode == 0, result.stderr
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from app.organizations where slug = 'scratch'").fetchone()[0] == 0
        assert conn.execute("select count(*) from app.organizations").fetchone()[0] == 2


def test_reset_of_an_external_server_asks_first(database_url):
    line = one_line_error(pulse("db", "reset", env=pulse_env(database_url)))
    assert "--yes" in line


def test_missing_extensions_are_named_before_anything_changes(database_url):
    with psycopg.connect(database_url) as conn:
        with pytest.raises(PulseError, match=r"lacks required extension.*no_such_extension"):
            require_extensions(conn, ("pgcrypto", "no_such_extension"))


def test_jobs_run_without_pg_cron(database_url):
    env = pulse_env(database_url)
    listed = pulse("jobs", "list", env=env)
    assert "purge-expired-organizations" in listed.stdout and "your scheduler" in listed.stdout
    ran = pulse("jobs", "run", "purge-expired-organizations", env=env)
    assert ran.returncode == 0 and "purge-expired-organizations: 0" in ran.stdout
    assert "no job named nope" in one_line_error(pulse("jobs", "run", "nope", env=env))


def test_db_distribute_prints_the_citus_ddl_the_database_generates(database_url):
    env = pulse_env(database_url)
    emitted = pulse("db", "distribute", "--emit", env=env)
    assert emitted.returncode == 0, emitted.stderr
    lines = emitted.stdout.splitlines()
    assert "SELECT create_reference_table('app.organizations');" in lines
    assert any(line.startswith("SELECT create_distributed_table('app.projects', 'organization_id', colocate_with => ")
               for line in lines)
    with psycopg.connect(database_url) as conn:
        assert lines == [row[0] for row in conn.execute("select ddl from app_private.citus_distribution_ddl() order by step")]
    assert "pass --emit" in one_line_error(pulse("db", "distribute", env=env))


def test_outbox_lists_pending_messages_and_marks_them_sent(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into app_private.outbox (recipient, subject, body) "
                     "values ('new@example.test', 'You are invited', 'token: abc123')")
    env = pulse_env(database_url)
    listed = pulse("outbox", "--mark-sent", env=env)
    assert listed.returncode == 0 and "new@example.test" in listed.stdout and "token: abc123" in listed.stdout
    assert "no messages waiting" in pulse("outbox", env=env).stdout


def test_a_job_run_from_the_cli_stays_done(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into app_private.sign_in_failures (email, failed_count, first_failed_at) "
                     "values ('tried-once@nowhere.test', 1, now() - interval '2 days')")
    ran = pulse("jobs", "run", "purge-sign-in-failures", env=pulse_env(database_url))
    assert ran.returncode == 0 and "1 email rows" in ran.stdout, ran.stdout + ran.stderr
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select count(*) from app_private.sign_in_failures "
                            "where email = 'tried-once@nowhere.test'").fetchone()[0] == 0


@pytest.mark.parametrize("command", [[], ["up"], ["db"], ["db", "migrate"], ["db", "reset"], ["jwt", "mint"],
                                     ["contracts", "diff"], ["outbox"]])
def test_help_names_no_type_after_a_plain_flag(command):
    result = pulse(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "<bool>" not in result.stdout, result.stdout
    for line in result.stdout.splitlines():
        if line.strip().startswith(("--demo", "--yes", "-y,", "-d,", "--json", "--help")):
            assert "<" not in line, line


def test_contracts_refuse_an_unreachable_database_at_once():
    began = time.monotonic()
    line = one_line_error(pulse("contracts", "check", env=pulse_env("postgresql://x:y@127.0.0.1:9/pulse")))
    assert time.monotonic() - began < 15, "no 30 s wait for PostgREST to give up"
    assert "Connection refused" in line


def test_contracts_refuse_a_database_that_is_not_migrated(databases):
    empty = databases.create("pulse_test_unmigrated", template=None)
    for command in ("check", "snapshot"):
        line = one_line_error(pulse("contracts", command, env=pulse_env(empty)))
        assert "not fully migrated" in line and "pulse db migrate" in line


def test_migrate_to_a_change_says_what_is_still_pending(databases):
    env = pulse_env(databases.create("pulse_test_partial", template=None))
    first = pulse("db", "migrate", "--to", "schemas", env=env)
    assert first.returncode == 0, first.stderr
    again = pulse("db", "migrate", "--to", "schemas", env=env)
    assert again.returncode == 0, again.stderr
    for result in (first, again):
        assert "repeatables not applied" in result.stderr
        assert "re-applied" not in result.stdout and "still pending" in result.stdout, result.stdout


def test_a_do_block_failure_keeps_detail_and_hint(database_url, tmp_path):
    root = copy_project(tmp_path)
    (root / "db/functions/99_refuse.sql").write_text(
        "DO $$\nBEGIN\n  RAISE EXCEPTION 'refused' USING DETAIL = 'reason.code', HINT = 'Do the other thing.';\nEND\n$$;\n")
    line = one_line_error(pulse("db", "migrate", env=pulse_env(database_url, root)))
    assert "db/functions/99_refuse.sql:1: ERROR P0001: refused DETAIL: reason.code HINT: Do the other thing." in line


def test_a_failed_sql_statement_keeps_detail(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("create function public.refuse() returns int language plpgsql as "
                     "$$ begin raise exception 'refused' using detail = 'reason.code'; end $$")
    with psycopg.connect(database_url) as conn:
        with pytest.raises(psycopg.Error) as raised:
            conn.execute("select public.refuse()")
    assert database.error_line(raised.value) == "refused DETAIL: reason.code"


needs_server_binaries = pytest.mark.skipif(not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
                                           reason="no PostgreSQL server binaries to run a local cluster")


@needs_server_binaries
def test_db_start_refuses_a_port_this_checkout_does_not_run_on():
    # Under /tmp, readable by the postgres OS user the cluster runs as when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="pulse-cluster-"))
    root.chmod(0o755)
    copy_project(root)
    port, other = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(PULSE_ROOT=str(root), PULSE_DB_PORT=str(port))
    try:
        started = pulse("db", "start", env=env)
        assert started.returncode == 0, started.stderr
        result = pulse("db", "start", env={**env, "PULSE_DB_PORT": str(other)})
        line = one_line_error(result)
        assert "✓" not in result.stderr, "no check mark before the failure"
        assert f"runs on port {port}, not on PULSE_DB_PORT={other}" in line
    finally:
        pulse("db", "stop", env=env)
        shutil.rmtree(root, ignore_errors=True)


def test_a_damaged_stack_record_is_one_line(tmp_path):
    root = copy_project(tmp_path)
    (root / ".pulse").mkdir()
    (root / ".pulse" / "stack-3999.json").write_text("{")
    env = pulse_env("postgresql://x@127.0.0.1:9/pulse", root, PULSE_REST_PORT="3999")
    assert "stack-3999.json is not a record" in one_line_error(pulse("down", env=env))


def test_an_unexpected_failure_is_one_line_without_a_traceback(monkeypatch, capsys):
    from pulse import cli

    def broken() -> None:
        raise RuntimeError("something\nnobody planned for")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("PULSE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "error: unexpected RuntimeError: something nobody planned for (PULSE_DEBUG=1 shows the traceback)")
