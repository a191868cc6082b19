"""The repeatables are rebuilt on every migrate: an upgraded database holds what the source
defines, exactly as a fresh one does; migrations that need logic work on both paths.

docs/operations.md ("Repeatables") describes the rules these tests hold.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import psycopg
import pytest

from conftest import start_stack, stop_stack
from helpers import ROOT, World, copy_project, pulse, pulse_env, rest, sqitch
from pulse.migrate import Migrator
from pulse.repeatables import drop_layer, layer
from pulse.scripts import split_statements

needs_sqitch = pytest.mark.skipif(shutil.which("sqitch") is None, reason="Debian's sqitch package is not installed")

SNAPSHOT = (ROOT / "tests" / "catalog_snapshot.sql").read_text()
# The release an upgrade starts from: the newest git tag v*, else the last state before
# the security fixes of issues #9 and #19 (two changes, several renamed functions ago).
FALLBACK_BASE = "683dbcd"


def snapshot(url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute(SNAPSHOT).fetchall()


def scalar(url: str, query: str):
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: expected one {old[:60]!r}"
    path.write_text(text.replace(old, new))


def base_ref() -> str:
    tags = subprocess.run(["git", "tag", "--list", "v*", "--merged", "HEAD", "--sort=-v:refname"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.split()
    return tags[0] if tags else FALLBACK_BASE


def checkout_of(ref: str, destination: Path) -> Path:
    """db/ as it was at a git ref (config/ and node_modules/ from this checkout), for `pulse db migrate`."""
    archive = subprocess.run(["git", "archive", ref, "db"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    shutil.copytree(ROOT / "config", destination / "config")
    (destination / "node_modules").symlink_to(ROOT / "node_modules")  # `pulse db migrate` installs the job queue with it
    return destination


def test_migrations_own_no_object_of_the_repeatable_layer(databases, settings):
    """What the rebuild drops must be what db/functions and db/policies re-create: after the
    migrations alone, the layer is empty (a function a migration makes is one a table needs)."""
    url = databases.create("pulse_test_migrations_only", template=None)
    Migrator(settings, url=url).deploy(repeatables=False)
    with psycopg.connect(url) as conn:
        assert layer(conn) == []


def test_what_tables_need_stays_out_of_the_layer(database_url):
    """Functions a domain, a CHECK, an index or a default uses, and the functions those call
    (SQL-standard bodies record it), are the migrations' and survive the rebuild; a view over
    them is the repeatables'."""
    with psycopg.connect(database_url) as conn, conn.transaction(force_rollback=True):
        conn.execute("""
            CREATE FUNCTION app_private.code_pattern() RETURNS text LANGUAGE sql IMMUTABLE RETURN '^[A-Z]+$';
            CREATE FUNCTION app_private.valid_code(p text) RETURNS boolean LANGUAGE sql IMMUTABLE
              RETURN p ~ app_private.code_pattern();
            CREATE FUNCTION app_private.short(p text) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN length(p) < 9;
            CREATE FUNCTION app_private.folded(p text) RETURNS text LANGUAGE sql IMMUTABLE RETURN lower(p);
            CREATE FUNCTION app_private.unnamed() RETURNS text LANGUAGE sql STABLE RETURN 'unnamed';
            CREATE DOMAIN app.widget_code AS text CHECK (app_private.valid_code(VALUE));
            CREATE TABLE app.widgets (code app.widget_code, name text DEFAULT app_private.unnamed()
                                      CHECK (app_private.short(name)));
            CREATE INDEX widgets_folded ON app.widgets (app_private.folded(name));
            CREATE VIEW app.widget_names AS SELECT app_private.folded(name) AS name FROM app.widgets;
        """)
        needed = ("app_private.code_pattern()", "app_private.valid_code(text)", "app_private.short(text)",
                  "app_private.folded(text)", "app_private.unnamed()")
        identities = {item.identity for item in layer(conn)}
        assert not identities & set(needed)
        assert "app.widget_names" in identities and "app.entity_timeline(text, text)" in identities
        drop_layer(conn)
        assert all(conn.execute("select to_regprocedure(%s) is not null", [name]).fetchone()[0] for name in needed)
        assert conn.execute("select to_regclass('app.widgets_folded') is not null").fetchone()[0]
        assert conn.execute("select count(*) from pg_policy").fetchone()[0] == 0
        assert layer(conn) == []


def test_migrations_leave_the_repeatables_alone():
    """A deploy script never calls, creates, replaces or drops (save DROP ... IF EXISTS) what
    db/functions defines: on a fresh database it does not exist yet, on an upgraded one it is
    the previous release's, rebuilt right after."""
    defined = set()
    for path in (ROOT / "db" / "functions").rglob("*.sql"):
        defined |= {name.lower() for name in re.findall(
            r"(?i)create\s+(?:or\s+replace\s+)?(?:function|procedure|(?:materialized\s+)?view)\s+(\w+\.\w+)",
            path.read_text())}
    # One pattern for every name: a search per name and statement took a minute.
    named = re.compile(r"(?i)\b(" + "|".join(re.escape(name) for name in sorted(defined)) + r")\b")
    found = []
    for path in sorted((ROOT / "db" / "migrations" / "deploy").rglob("*.sql")):
        for statement in split_statements(path.read_text()):
            code = re.sub(r"(?m)--.*$", "", statement.text)
            if re.match(r"(?is)\s*(comment\s+on|drop\s+(function|procedure|routine|(materialized\s+)?view|trigger|policy)"
                        r"\s+if\s+exists)\b", code):
                continue
            code = re.sub(r"(?s)'(?:[^']|'')*'", "''", code)
            found += [f"{path.relative_to(ROOT)}:{statement.line}: {name}"
                      for name in sorted({match.lower() for match in named.findall(code)})]
    assert found == [], "migrations use repeatable objects (see docs/operations.md, Repeatables):\n" + "\n".join(found)


@pytest.mark.stack
def test_removed_renamed_and_retyped_objects_are_gone_after_migrate(databases, settings, tmp_path):
    """Issue 12, item 1: the leftover function, the old overload and the GRANT it hid."""
    stack = start_stack(databases, "pulse_test_leftovers")
    try:
        url = stack["url"]
        world = World(stack)
        tenant = world.workflow_tenant()
        ada = world.sign_in(world.person(tenant, "admin"))
        partner = world.sql("select tests.portal_customer(%s)", tenant)
        project = world.project(tenant, until="technical-review", created_by=world.person(tenant, "sales").id)
        timeline = f"/rpc/entity_timeline?entity_type=partners&entity_id={partner}"
        assert rest(stack, "GET", timeline, ada).json(), "the partner's creation is on its timeline"
        assert len(rest(stack, "GET", f"/rpc/project_timeline?project_id={project}", ada).json()) > 1

        root = copy_project(tmp_path)
        audit, grants = root / "db/functions/40_audit/20_activity_views.sql", root / "db/policies/40_audit.sql"
        text = audit.read_text()
        start = text.index("CREATE OR REPLACE FUNCTION app.entity_timeline")
        audit.write_text(text[:start] + text[text.index("CREATE OR REPLACE FUNCTION app.project_timeline"):])
        edit(grants, "GRANT EXECUTE ON FUNCTION app.entity_timeline(text, text) TO app_user, app_admin;\n", "")
        edit(audit, "app.project_timeline(project_id uuid)", "app.project_timeline(project_id uuid, max_events integer DEFAULT 100)")
        edit(audit, "   WHERE a.project_id = project_timeline.project_id\n   ORDER BY a.occurred_at, a.id\n",
             "   WHERE a.project_id = project_timeline.project_id\n   ORDER BY a.occurred_at, a.id\n"
             "   LIMIT project_timeline.max_events\n")
        edit(audit, "COMMENT ON FUNCTION app.project_timeline(uuid)", "COMMENT ON FUNCTION app.project_timeline(uuid, integer)")
        dashboards = root / "db/functions/60_workflow/80_portal.sql"
        edit(dashboards, "       p.delivered_at, p.completed_at\n  FROM app.projects AS p\n  LEFT JOIN",
             "       p.delivered_at\n  FROM app.projects AS p\n  LEFT JOIN")
        edit(dashboards, "COMMENT ON COLUMN app.customer_projects.completed_at IS 'When the project completed.';\n", "")
        edit(root / "db/functions/50_platform/20_notifications.sql",
             "CREATE OR REPLACE TRIGGER _200_stamp_read BEFORE UPDATE OF read_at ON app.notifications\n"
             "  FOR EACH ROW EXECUTE FUNCTION app_private.tg_notifications__stamp_read();\n", "")
        env = pulse_env(url, root)

        # The GRANT still names the old signature: the upgrade fails as a fresh database would.
        refused = pulse("db", "migrate", env=env)
        assert refused.returncode != 0
        assert re.search(r"db/policies/60_workflow.sql:\d+: ERROR 42883", refused.stderr), refused.stderr
        assert scalar(url, "select to_regprocedure('app.entity_timeline(text, text)') is not null"), "rolled back"

        edit(root / "db/policies/60_workflow.sql", "app.project_timeline(uuid)", "app.project_timeline(uuid, integer)")
        migrated = pulse("db", "migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
        report = " ".join(migrated.stderr.split())
        for gone in ("routine app.entity_timeline(text, text)", "routine app.project_timeline(uuid)",
                     "trigger _200_stamp_read ON app.notifications"):
            assert gone in report
        assert scalar(url, "select to_regprocedure('app.entity_timeline(text, text)') is null")
        assert scalar(url, "select to_regprocedure('app.project_timeline(uuid)') is null")
        assert scalar(url, "select has_function_privilege('app_user', 'app.project_timeline(uuid, integer)', 'execute')")
        assert scalar(url, "select count(*) from pg_trigger where tgname = '_200_stamp_read'") == 0
        assert scalar(url, """select count(*) from pg_attribute where attrelid = 'app.customer_projects'::regclass
                              and attname = 'completed_at'""") == 0
        assert scalar(url, "select count(*) from pg_policies where schemaname = 'app'") > 0

        # PostgREST reloads its schema cache when the migrate commits.
        deadline = time.monotonic() + 15
        while (gone := rest(stack, "GET", timeline, ada)).json().get("code") != "PGRST202" \
                and time.monotonic() < deadline:
            time.sleep(0.3)
        assert gone.status_code == 404 and gone.json()["code"] == "PGRST202", gone.text
        feed = rest(stack, "GET", f"/rpc/project_timeline?project_id={project}&max_events=1", ada)
        assert feed.status_code == 200 and len(feed.json()) == 1, feed.text
    finally:
        stop_stack(stack)


def test_an_upgraded_database_matches_a_fresh_one(databases, tmp_path):
    """Issue 12, item 1: the last release upgraded to HEAD has the catalog of HEAD built fresh
    (the test template): routines with their definitions, views, triggers, policies, grants,
    comments, columns, constraints, indexes, types."""
    url = databases.create("pulse_test_upgraded", template=None)
    base = checkout_of(base_ref(), tmp_path / "base")
    deployed = pulse("db", "migrate", env=pulse_env(url, base))
    assert deployed.returncode == 0, deployed.stderr
    upgraded = pulse("db", "migrate", env=pulse_env(url))
    assert upgraded.returncode == 0, upgraded.stderr

    fresh, after = snapshot(databases.create("pulse_test_fresh")), snapshot(url)  # a copy: nobody reads the template itself
    assert {kind for kind, _, _ in fresh} >= {"routine", "view", "trigger", "policy", "grant on routine",
                                              "grant on column", "comment", "column", "constraint", "index"}
    differences = sorted({("fresh only",) + row for row in set(fresh) - set(after)}
                         | {("upgraded only",) + row for row in set(after) - set(fresh)})
    assert differences == [], "\n".join(" | ".join(row) for row in differences[:40])


# A change that needs logic, written by the rules of docs/operations.md: it drops the
# repeatable view that stands in the way of retyping a column (DROP ... IF EXISTS: nothing
# to drop on a fresh database), and backfills with a temporary function of its own.
CHANGE = "organizations_initials"
DEPLOY = """-- Deploy pulse:organizations_initials to pg
-- requires: collaboration

BEGIN;

DROP VIEW IF EXISTS app.approval_sla_breaches;
ALTER TABLE app.approvals ALTER COLUMN last_escalated_at TYPE timestamptz(0);

ALTER TABLE app.organizations ADD COLUMN initials text;

CREATE FUNCTION pg_temp.initials(p_name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_word text;
  v_initials text := '';
BEGIN
  FOREACH v_word IN ARRAY regexp_split_to_array(btrim(p_name), '\\s+') LOOP
    v_initials := v_initials || upper(left(v_word, 1));
  END LOOP;
  RETURN v_initials;
END
$$;

UPDATE app.organizations SET initials = pg_temp.initials(name);

COMMIT;
"""
REVERT = """-- Revert pulse:organizations_initials from pg

BEGIN;

ALTER TABLE app.organizations DROP COLUMN initials;
DROP VIEW IF EXISTS app.approval_sla_breaches;
ALTER TABLE app.approvals ALTER COLUMN last_escalated_at TYPE timestamptz;

COMMIT;
"""
VERIFY = """-- Verify pulse:organizations_initials on pg

BEGIN;

SELECT initials FROM app.organizations WHERE false;
SELECT 1 / (atttypmod = 0)::int FROM pg_attribute
 WHERE attrelid = 'app.approvals'::regclass AND attname = 'last_escalated_at';

ROLLBACK;
"""


def project_with_change(tmp_path: Path) -> Path:
    root = copy_project(tmp_path)
    for folder, text in (("deploy", DEPLOY), ("revert", REVERT), ("verify", VERIFY)):
        (root / f"db/migrations/{folder}/{CHANGE}.sql").write_text(text)
    with (root / "db/migrations/sqitch.plan").open("a") as plan:
        plan.write(f"{CHANGE} [collaboration] 2026-12-05T22:00:00Z Pulse Test <test@pulse.test>"
                   " # Initials of each organization, backfilled; escalation times to the second\n")
    return root


def initials_are_backfilled(url: str) -> bool:
    return scalar(url, "select count(*) filter (where initials is null) = 0 from app.organizations")


@needs_sqitch
def test_a_change_that_needs_logic_deploys_fresh_upgraded_and_with_sqitch(databases, tmp_path):
    """Issue 12, item 2: the same change deploys on a fresh database and on an upgraded one, with
    `pulse` and with `sqitch`, and the view it dropped is back after the repeatables."""
    root = project_with_change(tmp_path)
    for url in (databases.create("pulse_test_logic_upgrade"), databases.create("pulse_test_logic_fresh", template=None)):
        env = pulse_env(url, root)
        migrated = pulse("db", "migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
        verified = pulse("db", "verify", env=env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert initials_are_backfilled(url)
        assert scalar(url, "select to_regclass('app.approval_sla_breaches') is not null")
    assert scalar(url, "select count(*) from app.organizations") == 0, "the last one was the fresh database"

    upgraded = databases.create("pulse_test_logic_sqitch_upgrade")
    fresh = databases.create("pulse_test_logic_sqitch_fresh", template=None)
    for url in (upgraded, fresh):
        deployed = sqitch("deploy", database_url=url, top_dir=root / "db/migrations")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        verified = sqitch("verify", database_url=url, top_dir=root / "db/migrations")
        assert verified.returncode == 0, verified.stdout + verified.stderr
    assert initials_are_backfilled(upgraded)
    assert scalar(upgraded, "select to_regclass('app.approval_sla_breaches') is null"), "sqitch applies no repeatables"
    migrated = pulse("db", "migrate", env=pulse_env(upgraded, root))
    assert migrated.returncode == 0, migrated.stderr
    assert scalar(upgraded, "select to_regclass('app.approval_sla_breaches') is not null")
