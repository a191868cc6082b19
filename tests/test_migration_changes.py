"""Changes beyond the plain transactional one, each checked against the real `sqitch`:
non-transactional changes, edited deployed scripts, the released-scripts check, and
change specs (reworked names, tags, offsets) resolved as Sqitch resolves them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from helpers import ROOT, copy_project, one_line_error, planned_changes, pulse, pulse_env, sqitch
from pulse.sqitch.plan import load_plan

needs_sqitch = pytest.mark.skipif(shutil.which("sqitch") is None, reason="Debian's sqitch package is not installed")
LAST = planned_changes()[-1]
# The change the first release tags: later changes are planned after it.
RELEASED = next(tag.change.name for tag in load_plan(ROOT / "db/migrations/sqitch.plan").tags if tag.name == "v0.1.0")

NON_TRANSACTIONAL = {
    # CREATE INDEX CONCURRENTLY cannot run in a transaction block (25001).
    "organizations_name_index": (
        "-- pulse: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS organizations_name_idx"
        " ON app.organizations (name);\n",
        "-- pulse: no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS app.organizations_name_idx;\n",
        "SELECT 'app.organizations_name_idx'::regclass;\n",
    ),
    # A new enum value cannot be used in the transaction that added it (55P04).
    "critical_priority": (
        "-- pulse: no-transaction\nALTER TYPE app.priority_level ADD VALUE IF NOT EXISTS 'critical';\n"
        "CREATE TABLE app.escalations (level app.priority_level NOT NULL DEFAULT 'critical');\n",
        "BEGIN;\nDROP TABLE app.escalations;\nCOMMIT;\n",
        "BEGIN;\nSELECT 'critical'::app.priority_level, level FROM app.escalations WHERE false;\nROLLBACK;\n",
    ),
    # psql meta-commands, as Sqitch users write them; the script keeps its own transaction.
    "psql_variables": (
        "-- pulse: no-transaction\n\\set ON_ERROR_STOP 1\n\\set table_name app.psql_made\n"
        "BEGIN;\nCREATE TABLE :table_name (id int);\nCOMMIT;\n",
        "BEGIN;\nDROP TABLE app.psql_made;\nCOMMIT;\n",
        "BEGIN;\nSELECT id FROM app.psql_made WHERE false;\nROLLBACK;\n",
    ),
}


@pytest.fixture
def empty_database(databases) -> str:
    return databases.create("pulse_test_empty", template=None)


def scalar(url: str, query: str, *params):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchone()[0]


def add_change(root: Path, name: str, deploy: str, revert: str, verify: str, requires: str = LAST) -> None:
    migrations = root / "db/migrations"
    for folder, text in (("deploy", deploy), ("revert", revert), ("verify", verify)):
        (migrations / folder / f"{name}.sql").write_text(text)
    with (migrations / "sqitch.plan").open("a") as plan:
        plan.write(f"{name} [{requires}] 2026-12-05T22:00:00Z Pulse Test <test@pulse.test> # {name}\n")


def with_non_transactional_changes(root: Path) -> Path:
    for name, scripts in NON_TRANSACTIONAL.items():
        add_change(root, name, *scripts)
    return root


# -- 3. non-transactional changes -------------------------------------------------


@needs_sqitch
def test_non_transactional_changes_deploy_as_under_sqitch(empty_database, tmp_path):
    root = with_non_transactional_changes(copy_project(tmp_path))
    top_dir = root / "db/migrations"
    env = pulse_env(empty_database, root)
    deployed = pulse("db", "migrate", env=env)
    assert deployed.returncode == 0, deployed.stderr
    assert scalar(empty_database, "select indisvalid from pg_index where indexrelid = 'app.organizations_name_idx'::regclass")
    assert scalar(empty_database, "select pg_get_expr(adbin, adrelid) from pg_attrdef"
                                  " where adrelid = 'app.escalations'::regclass") == "'critical'::app.priority_level"
    assert scalar(empty_database, "select to_regclass('app.psql_made') is not null")
    assert scalar(empty_database, "select count(*) from sqitch.events where event = 'deploy' and change = any(%s)",
                  list(NON_TRANSACTIONAL)) == 3
    status = sqitch("status", database_url=empty_database, top_dir=top_dir)
    assert "Nothing to deploy (up-to-date)" in status.stdout, status.stdout + status.stderr
    verify = sqitch("verify", database_url=empty_database, top_dir=top_dir)
    assert verify.returncode == 0 and "Verify successful" in verify.stdout, verify.stdout + verify.stderr
    assert pulse("db", "verify", env=env).returncode == 0

    reverted = pulse("db", "revert", "--to", LAST, "-y", env=env)
    assert reverted.returncode == 0, reverted.stderr
    assert scalar(empty_database, "select to_regclass('app.organizations_name_idx') is null")
    again = sqitch("deploy", database_url=empty_database, top_dir=top_dir)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "pending:  none" in pulse("db", "status", env=env).stdout


@needs_sqitch
def test_pulse_continues_non_transactional_changes_sqitch_started(empty_database, tmp_path):
    root = with_non_transactional_changes(copy_project(tmp_path))
    top_dir = root / "db/migrations"
    deployed = sqitch("deploy", "--to", "critical_priority", database_url=empty_database, top_dir=top_dir)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    env = pulse_env(empty_database, root)
    assert "pending:  1: psql_variables" in pulse("db", "status", env=env).stdout
    migrated = pulse("db", "migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert pulse("db", "verify", env=env).returncode == 0
    assert "Nothing to deploy (up-to-date)" in sqitch("status", database_url=empty_database, top_dir=top_dir).stdout
    reverted = sqitch("revert", "--to", LAST, "-y", database_url=empty_database, top_dir=top_dir)
    assert reverted.returncode == 0, reverted.stdout + reverted.stderr
    assert "pending:  3" in pulse("db", "status", env=env).stdout


def test_without_the_marker_such_changes_fail_cleanly(empty_database, tmp_path):
    root = copy_project(tmp_path)
    add_change(root, "unmarked_index", "CREATE INDEX CONCURRENTLY unmarked_idx ON app.organizations (name);\n",
               "DROP INDEX app.unmarked_idx;\n", "SELECT 1;\n")
    env = pulse_env(empty_database, root)
    line = one_line_error(pulse("db", "migrate", env=env))
    assert "db/migrations/deploy/unmarked_index.sql:1: ERROR 25001" in line
    (root / "db/migrations/deploy/unmarked_index.sql").write_text("\\set ON_ERROR_STOP 1\nSELECT 1;\n")
    line = one_line_error(pulse("db", "migrate", env=env))
    assert "deploy/unmarked_index.sql:1: psql meta-command \\set" in line and "-- pulse: no-transaction" in line


def test_a_failing_non_transactional_change_names_its_line_and_records_the_failure(empty_database, tmp_path):
    root = copy_project(tmp_path)
    add_change(root, "half_done", "-- pulse: no-transaction\n\nCREATE TABLE app.left_behind (id int);\n"
                                  "SELECT 1 / 0;\n", "DROP TABLE app.left_behind;\n", "SELECT 1;\n")
    line = one_line_error(pulse("db", "migrate", env=pulse_env(empty_database, root)))
    assert "db/migrations/deploy/half_done.sql:4: ERROR 22012: division by zero" in line
    assert scalar(empty_database, "select count(*) from sqitch.events where change = 'half_done' and event = 'fail'") == 1
    assert scalar(empty_database, "select count(*) from sqitch.changes where change = 'half_done'") == 0
    # What the script committed before the failure stays (docs/operations.md says so).
    assert scalar(empty_database, "select to_regclass('app.left_behind') is not null")


# -- 4. edited deployed scripts, released scripts ---------------------------------------


@needs_sqitch
def test_an_edited_deployed_script_is_reported_and_blocks_migrate(empty_database, tmp_path):
    root = copy_project(tmp_path)
    env = pulse_env(empty_database, root)
    assert pulse("db", "migrate", env=env).returncode == 0
    with (root / "db/migrations/deploy/partners.sql").open("a") as script:
        script.write("\nALTER TABLE app.partners ADD COLUMN nickname text;\n")
    check = sqitch("check", database_url=empty_database, top_dir=root / "db/migrations")
    assert "Script signatures diverge" in check.stdout + check.stderr

    status = pulse("db", "status", env=env)
    assert "edited:   partners: db/migrations/deploy/partners.sql differs" in status.stdout, status.stdout
    line = one_line_error(pulse("db", "migrate", env=env))
    assert "db/migrations/deploy/partners.sql changed after partners was deployed" in line
    verify = pulse("db", "verify", env=env)
    assert "partners .. NOT OK" in verify.stdout and "deploy/partners.sql changed after it was deployed" in verify.stderr
    assert "new change" in line and "rework" in line


def test_the_released_scripts_are_unchanged():
    """The gate CI runs: every deploy script released by a tag hashes as recorded."""
    result = pulse("db", "check")
    assert result.returncode == 0, result.stderr
    entries = (ROOT / "db/migrations/released.sha1").read_text()
    assert f"  {RELEASED}@v0.1.0\n" in entries


def test_editing_a_released_script_fails_the_check(tmp_path):
    root = copy_project(tmp_path)
    env = pulse_env("postgresql://unused/none", root)
    with (root / "db/migrations/deploy/tenancy.sql").open("a") as script:
        script.write("-- a harmless comment is still an edit\n")
    line = one_line_error(pulse("db", "check", env=env))
    assert "db/migrations/deploy/tenancy.sql was released in tenancy@v0.1.0 and has been edited" in line


@needs_sqitch
def test_tag_writes_what_sqitch_tag_writes_and_records_the_release(tmp_path):
    ours = copy_project(tmp_path / "ours")
    theirs = copy_project(tmp_path / "theirs")
    for root in (ours, theirs):
        add_change(root, "widgets", "CREATE TABLE app.widgets (id int);\n", "DROP TABLE app.widgets;\n", "SELECT 1;\n")
    env = pulse_env("postgresql://unused/none", ours, SQITCH_FULLNAME="Pulse Test", SQITCH_EMAIL="test@pulse.test")
    tagged = pulse("db", "tag", "v0.2.0", "-n", "Widgets", env=env)
    assert tagged.returncode == 0, tagged.stderr
    subprocess.run(["sqitch", "tag", "v0.2.0", "-n", "Widgets"], cwd=theirs / "db/migrations", check=True,
                   env={**env, "PULSE_ROOT": str(theirs)}, capture_output=True)
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    plans = [stamp.sub("T", (root / "db/migrations/sqitch.plan").read_text()) for root in (ours, theirs)]
    assert plans[0] == plans[1]
    assert plans[0].endswith("@v0.2.0 T Pulse Test <test@pulse.test> # Widgets\n")
    assert "  widgets@v0.2.0\n" in (ours / "db/migrations/released.sha1").read_text()
    assert pulse("db", "check", env=env).returncode == 0
    # A released change is fixed by a rework: the released script moves to widgets@v0.2.0.sql, unchanged.
    reworked = pulse("db", "rework", "widgets", "-n", "Widgets get names", env=env)
    assert reworked.returncode == 0, reworked.stderr
    assert (ours / "db/migrations/revert/widgets.sql").read_text() == "CREATE TABLE app.widgets (id int);\n"
    (ours / "db/migrations/deploy/widgets.sql").write_text("ALTER TABLE app.widgets ADD COLUMN name text;\n")
    assert pulse("db", "check", env=env).returncode == 0
    assert "already exists" in one_line_error(pulse("db", "tag", "v0.2.0", env=env))


# -- 5. change specs resolve as in Sqitch -----------------------------------------------


@pytest.fixture
def reworked(empty_database, tmp_path):
    """A database with `widgets` deployed twice: as released in @v0.2.0, and reworked after it."""
    root = copy_project(tmp_path)
    env = pulse_env(empty_database, root, SQITCH_FULLNAME="Pulse Test", SQITCH_EMAIL="test@pulse.test")
    add_change(root, "widgets", "CREATE TABLE app.widgets (id int);\n", "DROP TABLE app.widgets;\n",
               "SELECT id FROM app.widgets WHERE false;\n")
    assert pulse("db", "tag", "v0.2.0", env=env).returncode == 0
    subprocess.run(["sqitch", "rework", "widgets", "-n", "Widgets get names"], cwd=root / "db/migrations",
                   check=True, env=env, capture_output=True)
    migrations = root / "db/migrations"
    (migrations / "deploy/widgets.sql").write_text("ALTER TABLE app.widgets ADD COLUMN name text;\n")
    (migrations / "revert/widgets.sql").write_text("ALTER TABLE app.widgets DROP COLUMN name;\n")
    (migrations / "verify/widgets.sql").write_text("SELECT name FROM app.widgets WHERE false;\n")
    add_change(root, "gadgets", "CREATE TABLE app.gadgets (id int);\n", "DROP TABLE app.gadgets;\n",
               "SELECT 1;\n", requires="widgets")
    assert pulse("db", "migrate", env=env).returncode == 0
    return root, env, empty_database


def deployed_names(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("select change from sqitch.changes order by committed_at")]


@needs_sqitch
def test_an_ambiguous_name_is_refused_listing_the_candidates(reworked):
    root, env, url = reworked
    before = deployed_names(url)
    theirs = sqitch("revert", "--to", "widgets", "-y", database_url=url, top_dir=root / "db/migrations")
    assert 'Change "widgets" is ambiguous. Please specify a tag-qualified change:' in theirs.stderr
    assert "widgets@HEAD" in theirs.stderr and "widgets@v0.2.0" in theirs.stderr
    for command in (("db", "revert", "--to", "widgets", "-y"), ("db", "migrate", "--to", "widgets")):
        line = one_line_error(pulse(*command, env=env))
        assert 'Change "widgets" is ambiguous. Please specify a tag-qualified change: widgets@HEAD, widgets@v0.2.0' in line
    assert deployed_names(url) == before


@needs_sqitch
@pytest.mark.parametrize("spec, reverted", [
    ("widgets@v0.2.0", 2),   # the released instance: the rework and gadgets go
    ("widgets@HEAD", 1),     # the last deployed instance: gadgets goes
    ("@HEAD^", 1),
    ("HEAD^^", 2),
    ("@v0.2.0", 2),
    (LAST, 3),
])
def test_specs_revert_what_sqitch_reverts(reworked, spec, reverted):
    root, env, url = reworked
    before = deployed_names(url)
    result = pulse("db", "revert", "--to", spec, "-y", env=env)
    assert result.returncode == 0, result.stderr
    ours = deployed_names(url)
    assert ours == before[: len(before) - reverted]
    assert pulse("db", "migrate", env=env).returncode == 0
    theirs = sqitch("revert", "--to", spec, "-y", database_url=url, top_dir=root / "db/migrations")
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr
    assert deployed_names(url) == ours


def test_a_spec_beyond_the_deployed_changes_is_refused(reworked):
    _, env, _ = reworked
    assert "Unknown change" in one_line_error(pulse("db", "revert", "--to", "HEAD~", "-y", env=env))


def test_a_change_id_names_a_change(reworked):
    _, env, url = reworked
    with psycopg.connect(url) as conn:
        first_widgets = conn.execute("select change_id from sqitch.changes where change = 'widgets'"
                                     " order by committed_at limit 1").fetchone()[0]
    assert pulse("db", "revert", "--to", first_widgets, "-y", env=env).returncode == 0
    assert deployed_names(url)[-1] == "widgets" and deployed_names(url).count("widgets") == 1


@needs_sqitch
def test_a_tag_planned_after_deploying_is_recorded_by_the_next_migrate(empty_database, tmp_path):
    root = copy_project(tmp_path)
    add_change(root, "widgets", "CREATE TABLE app.widgets (id int);\n", "DROP TABLE app.widgets;\n", "SELECT 1;\n")
    env = pulse_env(empty_database, root)
    assert pulse("db", "migrate", env=env).returncode == 0
    assert pulse("db", "tag", "v9.9.9", "-n", "tagged after deploying", env=env).returncode == 0
    assert pulse("db", "migrate", env=env).returncode == 0
    tagged = "select c.change from sqitch.tags t join sqitch.changes c using (change_id) where t.tag = '@v9.9.9'"
    assert scalar(empty_database, tagged) == "widgets"
    status = sqitch("status", database_url=empty_database, top_dir=root / "db/migrations")
    assert "@v9.9.9" in status.stdout and "Nothing to deploy (up-to-date)" in status.stdout, status.stdout
