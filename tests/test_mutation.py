"""`make mutation` (tools/mutation.py) on a throwaway table: a covered policy and guard are killed,
an uncovered policy survives, an effect trigger is no mutant, a file failing unmutated is set aside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
CREATE TABLE app.mutation_probe (id int PRIMARY KEY, secret boolean NOT NULL);
ALTER TABLE app.mutation_probe ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.mutation_probe FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON app.mutation_probe TO app_user;
-- No INSERT policy: the guard runs before RLS's check, so the test reaches it.
CREATE POLICY mutation_probe_select_public ON app.mutation_probe FOR SELECT TO app_user USING (NOT secret);
CREATE POLICY mutation_probe_update_untested ON app.mutation_probe FOR UPDATE TO app_user USING (true);
CREATE FUNCTION app_private.tg_mutation_probe__guard() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF NEW.id < 0 THEN
    RAISE EXCEPTION 'negative id' USING ERRCODE = 'PT422', DETAIL = 'probe.negative';
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION app_private.tg_mutation_probe__effect() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN NULL;
END $$;
CREATE TRIGGER _200_guard BEFORE INSERT ON app.mutation_probe
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_mutation_probe__guard();
CREATE TRIGGER _500_effect AFTER INSERT ON app.mutation_probe
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_mutation_probe__effect();
INSERT INTO app.mutation_probe VALUES (1, false), (2, true);
"""

COVERING_TEST = """
-- Only app_user's reads and the insert guard are tested.
BEGIN;
SELECT plan(2);
SET LOCAL ROLE app_user;
SELECT is((SELECT count(*)::int FROM app.mutation_probe), 1, 'app_user sees the public row only');
SELECT is(tests.refusal($$INSERT INTO app.mutation_probe VALUES (-1, false)$$), 'PT422 probe.negative',
          'a negative id is refused');
SELECT * FROM finish();
ROLLBACK;
"""

FAILING_TEST = """
BEGIN;
SELECT plan(1);
SELECT ok(false, 'fails before any mutant');
SELECT * FROM finish();
ROLLBACK;
"""


def test_mutation_report_on_a_probe_table(databases, tmp_path):
    url = databases.create("pulse_test_mutation")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(PROBE)
    (tmp_path / "test_probe.sql").write_text(COVERING_TEST)
    (tmp_path / "test_broken.sql").write_text(FAILING_TEST)

    run = subprocess.run(
        [sys.executable, "tools/mutation.py", "--template", url.rsplit("/", 1)[1], "--tests", str(tmp_path),
         "--only", "mutation_probe"],
        # Wide enough that the killing file's path (longer in a pytest-xdist worker's folder) stays on one line.
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "400"})

    assert run.returncode == 1, run.stdout + run.stderr
    rows = {line.split("│")[2].strip(): line for line in run.stdout.splitlines() if "mutation_probe" in line
            and line.count("│") > 4}
    assert set(rows) == {"mutation_probe_select_public", "mutation_probe_update_untested", "_200_guard"}, run.stdout
    assert "test_probe.sql" in rows["mutation_probe_select_public"], run.stdout
    assert "test_probe.sql" in rows["_200_guard"], run.stdout
    assert "SURVIVED" in rows["mutation_probe_update_untested"], run.stdout
    assert "test_broken.sql" in run.stdout.split("fail unmutated")[1], run.stdout
    assert "2 killed / 3 mutants" in run.stdout, run.stdout
