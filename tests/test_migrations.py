"""Migrations: round trip, atomic failure, plan errors, and Sqitch interop both ways."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from helpers import copy_project, one_line_error, planned_changes, pulse, pulse_env, sqitch

needs_sqitch = pytest.mark.skipif(shutil.which("sqitch") is None, reason="Debian's sqitch package is not installed")


@pytest.fixture
def empty_database(databases) -> str:
    """A database with nothing deployed (copied from template0, not the migrated template)."""
    return databases.create("pulse_test_empty", template=None)


def scalar(url: str, query: str):
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def test_deploy_revert_deploy_round_trip(empty_database):
    env = pulse_env(empty_database)
    assert pulse("db", "migrate", env=env).returncode == 0
    assert pulse("db", "verify", env=env).returncode == 0
    assert scalar(empty_database, "select count(*) from app.organizations") == 0

    reverted = pulse("db", "revert", "-y", env=env)
    assert reverted.returncode == 0, reverted.stderr
    assert scalar(empty_database, "select count(*) from sqitch.changes") == 0
    assert scalar(empty_database, "select to_regnamespace('app') is null")

    again = pulse("db", "migrate", env=env)
    assert again.returncode == 0, again.stderr
    verified = pulse("db", "verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert f"verified {len(planned_changes())} change(s)" in verified.stdout
    assert scalar(empty_database, "select (app.health()).deployed_changes") == len(planned_changes())


def test_revert_to_a_change_keeps_it_and_those_before(empty_database):
    env = pulse_env(empty_database)
    pulse("db", "migrate", env=env)
    assert pulse("db", "revert", "--to", "uuid_v7", "-y", env=env).returncode == 0
    status = pulse("db", "status", env=env)
    later = planned_changes()[planned_changes().index("uuid_v7") + 1:]
    assert f"pending:  {len(later)}: {', '.join(later)}" in status.stdout
    assert scalar(empty_database, "select to_regclass('app.organizations') is null")


def test_failed_migration_leaves_no_trace(empty_database, tmp_path):
    root = copy_project(tmp_path)
    env = pulse_env(empty_database, root)
    assert pulse("db", "migrate", env=env).returncode == 0
    (root / "db/migrations/deploy/broken.sql").write_text(
        "-- Deploy pulse:broken to pg\n\nBEGIN;\n\nCREATE TABLE app.half_done (id int);\n\n"
        "INSERT INTO app.half_done VALUES (1);\nSELECT 1 / 0;\n\nCOMMIT;\n")
    (root / "db/migrations/revert/broken.sql").write_text("BEGIN;\nDROP TABLE app.half_done;\nCOMMIT;\n")
    (root / "db/migrations/verify/broken.sql").write_text("BEGIN;\nSELECT 1;\nROLLBACK;\n")
    with (root / "db/migrations/sqitch.plan").open("a") as plan:
        plan.write("broken [tenancy] 2026-11-22T03:00:00Z Pulse Test <test@pulse.test> # Fails halfway\n")

    result = pulse("db", "migrate", env=env)
    line = one_line_error(result)
    assert "db/migrations/deploy/broken.sql:8: ERROR 22012: division by zero" in line
    assert scalar(empty_database, "select to_regclass('app.half_done') is null")
    assert scalar(empty_database, "select count(*) from sqitch.changes where change = 'broken'") == 0
    assert scalar(empty_database, "select count(*) from sqitch.events where change = 'broken' and event = 'fail'") == 1
    assert scalar(empty_database, "select count(*) from sqitch.changes") == len(planned_changes())


@pytest.mark.parametrize("plan_line, message", [
    ("orphan [nowhere] 2026-11-22T03:00:00Z Pulse Test <test@pulse.test>", "nowhere"),
    ("roles [tenancy] 2026-11-22T03:00:00Z Pulse Test <test@pulse.test>", "roles"),
])
def test_plan_errors_are_reported_before_anything_runs(empty_database, tmp_path, plan_line, message):
    root = copy_project(tmp_path)
    name = plan_line.split()[0]
    for folder in ("deploy", "revert", "verify"):
        (root / f"db/migrations/{folder}/{name}.sql").touch(exist_ok=True)
    with (root / "db/migrations/sqitch.plan").open("a") as plan:
        plan.write(plan_line + "\n")
    line = one_line_error(pulse("db", "migrate", env=pulse_env(empty_database, root)))
    assert message in line
    assert scalar(empty_database, "select to_regnamespace('sqitch') is null"), "nothing may run on a bad plan"


def test_unknown_change_is_reported(empty_database):
    line = one_line_error(pulse("db", "migrate", "--to", "no_such_change", env=pulse_env(empty_database)))
    assert "no_such_change" in line


def test_new_change_appends_to_the_plan_and_writes_templates(tmp_path, empty_database):
    root = copy_project(tmp_path)
    result = pulse("db", "new", "widgets", "--requires", "tenancy", "-n", "Widgets for the demo",
                   env=pulse_env(empty_database, root))
    assert result.returncode == 0, result.stderr
    last = (root / "db/migrations/sqitch.plan").read_text().splitlines()[-1]
    assert last.startswith("widgets [tenancy] ") and last.endswith("# Widgets for the demo")
    for folder in ("deploy", "revert", "verify"):
        assert "widgets" in (root / f"db/migrations/{folder}/widgets.sql").read_text()
    one_line_error(pulse("db", "new", "widgets", env=pulse_env(empty_database, root)))
    result = pulse("db", "new", "lab/samples", "--requires", "widgets", "-n", "Samples",
                   env=pulse_env(empty_database, root))
    assert result.returncode == 0, result.stderr
    assert (root / "db/migrations/sqitch.plan").read_text().splitlines()[-1].startswith("lab/samples [widgets] ")
    for folder in ("deploy", "revert", "verify"):
        assert "pulse:lab/samples" in (root / f"db/migrations/{folder}/lab/samples.sql").read_text()


@needs_sqitch
def test_sqitch_reads_a_database_pulse_deployed(empty_database):
    assert pulse("db", "migrate", env=pulse_env(empty_database)).returncode == 0
    status = sqitch("status", database_url=empty_database)
    assert status.returncode == 0, status.stderr
    assert "Nothing to deploy (up-to-date)" in status.stdout
    verify = sqitch("verify", database_url=empty_database)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "Verify successful" in verify.stdout


@needs_sqitch
def test_pulse_continues_from_a_database_sqitch_deployed(empty_database):
    deployed = sqitch("deploy", "--to", "uuid_v7", database_url=empty_database)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    env = pulse_env(empty_database)
    status = pulse("db", "status", env=env)
    assert "deployed: 3 changes, last uuid_v7" in status.stdout, status.stdout + status.stderr
    assert pulse("db", "migrate", env=env).returncode == 0
    assert "Nothing to deploy (up-to-date)" in sqitch("status", database_url=empty_database).stdout
    reverted = sqitch("revert", "-y", database_url=empty_database)
    assert reverted.returncode == 0, reverted.stdout + reverted.stderr
    assert "deployed: nothing" in pulse("db", "status", env=env).stdout


@needs_sqitch
def test_sqitch_and_pulse_agree_on_domain_named_changes(empty_database):
    """Changes named <domain>/<change> (scripts in deploy/<domain>/...) pass between the tools both
    ways: each deploys, verifies and reverts what the other deployed."""
    changes = planned_changes()
    domain_named = [name for name in changes if "/" in name]
    assert len(domain_named) >= 2, "the plan has changes named <domain>/<change>"
    first, before = domain_named[0], changes[changes.index(domain_named[0]) - 1]
    env = pulse_env(empty_database)

    deployed = sqitch("deploy", "--to", first, database_url=empty_database)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert f"last {first} " in pulse("db", "status", env=env).stdout
    verified = pulse("db", "verify", env=env)
    assert verified.returncode == 0, verified.stderr
    reverted = pulse("db", "revert", "--to", before, "--yes", env=env)
    assert reverted.returncode == 0, reverted.stderr
    assert f"Undeployed changes:\n  * {first}\n" in sqitch("status", database_url=empty_database).stdout

    assert pulse("db", "migrate", env=env).returncode == 0
    verify = sqitch("verify", database_url=empty_database)
    assert verify.returncode == 0 and "Verify successful" in verify.stdout, verify.stdout + verify.stderr
    reverted = sqitch("revert", "-y", "--to", first, database_url=empty_database)
    assert reverted.returncode == 0, reverted.stdout + reverted.stderr
    assert all(f"  - {name} " in reverted.stdout for name in domain_named[1:]), reverted.stdout
    assert f"last {first} " in pulse("db", "status", env=env).stdout
    assert pulse("db", "migrate", env=env).returncode == 0
    assert "Nothing to deploy (up-to-date)" in sqitch("status", database_url=empty_database).stdout
