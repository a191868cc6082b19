"""CLI behaviour: tokens, seeding, and failures that print one line and exit non-zero."""

from __future__ import annotations

import socket

import jwt
import psycopg
import pytest

from pulse.contracts import free_port
from pulse.database import require_extensions
from pulse.errors import PulseError

from helpers import one_line_error, pulse, pulse_env


def test_unreachable_database_url_is_one_line():
    env = pulse_env("postgresql://nobody:secret@127.0.0.1:9/pulse")
    line = one_line_error(pulse("db", "status", env=env))
    assert "cannot connect to PostgreSQL at 127.0.0.1:9/pulse" in line
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
        line = one_line_error(pulse("up", "--detach", env=env, timeout=60))
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "PULSE_REST_PORT" in line


def test_mint_and_decode_follow_the_claims_contract(database_url, settings):
    env = pulse_env(database_url)
    minted = pulse("jwt", "mint", "--email", "ada@acme.test", "--org", "acme-manufacturing", "--ttl", "30m", env=env)
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip()
    claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"])
    assert set(claims) == {"sub", "role", "org_id", "exp", "iat"}
    assert claims["role"] == "app_user" and claims["exp"] - claims["iat"] == 1800
    with psycopg.connect(database_url) as conn:
        expected = conn.execute("select u.id::text, o.id::text from app.users u, app.organizations o "
                                "where u.email = 'ada@acme.test' and o.slug = 'acme-manufacturing'").fetchone()
    assert (claims["sub"], claims["org_id"]) == expected

    decoded = pulse("jwt", "decode", token, env=env)
    assert decoded.returncode == 0 and '"org_id"' in decoded.stdout


def test_operators_get_the_admin_role(database_url, settings):
    minted = pulse("jwt", "mint", "--email", "operator@pulse.test", "--org", "northwind-labs",
                   env=pulse_env(database_url))
    assert jwt.decode(minted.stdout.strip(), settings.jwt_secret, algorithms=["HS256"])["role"] == "app_admin"


def test_mint_refuses_strangers_and_bad_input(database_url):
    env = pulse_env(database_url)
    assert "no user with email" in one_line_error(
        pulse("jwt", "mint", "--email", "nobody@x.test", "--org", "acme-manufacturing", env=env))
    assert "not an active member" in one_line_error(
        pulse("jwt", "mint", "--email", "ada@acme.test", "--org", "northwind-labs", env=env))
    assert "--ttl" in one_line_error(
        pulse("jwt", "mint", "--email", "ada@acme.test", "--org", "acme-manufacturing", "--ttl", "soon", env=env))
    assert "invalid token" in one_line_error(pulse("jwt", "decode", "not.a.token", env=env))


def test_seed_is_idempotent(database_url):
    env = pulse_env(database_url)
    tables = ["organizations", "sites", "partners", "contacts", "users", "memberships", "roles", "role_assignments"]

    def counts():
        with psycopg.connect(database_url) as conn:
            return {table: conn.execute(f"select count(*) from app.{table}").fetchone()[0] for table in tables}

    before = counts()
    assert pulse("seed", "--demo", env=env).returncode == 0
    assert pulse("seed", "--demo", env=env).returncode == 0
    assert counts() == before
    assert before["organizations"] == 2 and before["roles"] == 30
    assert before["users"] == 33, "an operator, and a member for every system role in both tenants plus their admins"


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
        with pytest.raises(PulseError, match="lacks required extension.*no_such_extension"):
            require_extensions(conn, ("pgcrypto", "no_such_extension"))


def test_jobs_run_without_pg_cron(database_url):
    env = pulse_env(database_url)
    listed = pulse("jobs", "list", env=env)
    assert "purge-expired-organizations" in listed.stdout and "your scheduler" in listed.stdout
    ran = pulse("jobs", "run", "purge-expired-organizations", env=env)
    assert ran.returncode == 0 and "purge-expired-organizations: 0" in ran.stdout
    assert "no job named nope" in one_line_error(pulse("jobs", "run", "nope", env=env))


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
