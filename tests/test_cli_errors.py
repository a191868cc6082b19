"""The CLI's failures are one clear line (ARCHITECTURE §10): the error classes `pulse` turns into
a line, and the release manifest's refusals (`pulse db check`, `pulse db tag`), which CI relies on."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest

from helpers import copy_project, one_line_error, pulse, pulse_env
from pulse import cli
from pulse.errors import PulseError
from pulse.release import MANIFEST, check_released, read_manifest, tag_release


def _raise(error: BaseException) -> Callable[[], None]:
    def failing() -> None:
        raise error

    return failing


@pytest.mark.parametrize(("error", "line", "status"), [
    (PulseError("first line\n  second line"), "error: first line second line", 1),
    (psycopg.errors.RaiseException("refused"), "database error: refused", 1),
    (httpx.ConnectError("All connection attempts failed\nmore"), "error: HTTP request failed: All connection attempts failed", 1),
    (FileNotFoundError(2, "No such file or directory", "node_modules/.bin/node"),
     "error: [Errno 2] No such file or directory: 'node_modules/.bin/node'", 1),
    (KeyboardInterrupt(), "", 130),
])
def test_each_kind_of_failure_is_one_line_and_a_status(monkeypatch, capsys, error, line, status):
    monkeypatch.setattr(cli, "app", _raise(error))
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == status
    assert capsys.readouterr().err.strip() == line


def test_pulse_debug_shows_the_traceback_of_an_unexpected_failure(monkeypatch):
    monkeypatch.setattr(cli, "app", _raise(RuntimeError("nobody planned for this")))
    monkeypatch.setenv("PULSE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="nobody planned for this"):
        cli.main()


def test_python_dash_m_pulse_is_the_cli():
    result = subprocess.run([sys.executable, "-m", "pulse", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "db" in result.stdout and "contracts" in result.stdout


def test_a_question_without_a_terminal_asks_for_yes(database_url):
    """`pulse db reset` on an external server needs --yes when nobody can answer."""
    result = pulse("db", "reset", env=pulse_env(database_url))
    assert "needs confirmation: pass --yes" in one_line_error(result)


# -- the release manifest (db/migrations/released.sha1) ------------------------------------------


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    return copy_project(tmp_path) / "db" / "migrations"


def test_a_malformed_manifest_line_is_named_with_its_line_number(migrations):
    with (migrations / MANIFEST).open("a") as manifest:
        manifest.write("not-a-sha1 widgets@v9\n")
    lines = (migrations / MANIFEST).read_text().splitlines()
    with pytest.raises(PulseError, match=rf"released\.sha1:{len(lines)}: expected `<sha1>  <change>@<tag>`"):
        read_manifest(migrations)


def test_no_manifest_means_nothing_released(migrations):
    (migrations / MANIFEST).unlink()
    assert read_manifest(migrations) == {}


def test_a_released_change_removed_from_the_plan_is_named(migrations):
    with (migrations / MANIFEST).open("a") as manifest:
        manifest.write(f"{'0' * 40}  vanished@v0.1.0\n")
    assert check_released(migrations) == [
        f"{MANIFEST} names vanished@v0.1.0, which the plan no longer has: released changes stay planned"]


def test_a_tagged_change_missing_from_the_manifest_is_named(migrations):
    manifest = migrations / MANIFEST
    kept = [line for line in manifest.read_text().splitlines(keepends=True) if not line.endswith("  roles@v0.1.0\n")]
    manifest.write_text("".join(kept))
    [problem] = check_released(migrations)
    assert problem.startswith("roles@") and problem.endswith(f"is tagged but not in {MANIFEST}: tag releases with `pulse db tag`")


def test_a_tag_is_refused_while_a_released_script_is_edited(migrations):
    plan = (migrations / "sqitch.plan").read_text()
    with (migrations / "deploy" / "roles.sql").open("a") as script:
        script.write("-- an edit\n")
    with pytest.raises(PulseError, match=r"^cannot tag: .*deploy/roles\.sql was released in roles@v0\.1\.0"):
        tag_release(migrations, "v9.9.9", "")
    assert (migrations / "sqitch.plan").read_text() == plan  # nothing was tagged


def test_a_broken_plan_is_one_line_from_db_check(migrations):
    with (migrations / "sqitch.plan").open("a") as plan:
        plan.write("this is not a plan entry\n")
    env = pulse_env("postgresql://unused/none", migrations.parent.parent)
    assert "Syntax error in" in one_line_error(pulse("db", "check", env=env))
