"""Scheduled jobs run by themselves (#14.1): pg_cron runs them in background workers of the local
cluster, so they need no connection and no password. The shared cluster of a test session may
predate that setting (it takes effect at a restart, which tests never do), so this test runs a
throw-away cluster of its own, configured as an older Pulse left it, and waits for real runs."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from helpers import ROOT, copy_project, pulse
from pulse.contracts import free_port

needs_server_binaries = pytest.mark.skipif(not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
                                           reason="no PostgreSQL server binaries to run a local cluster")

PASSWORD = "cron-test-superuser-password"
# What `pulse db start` appended to postgresql.conf before it wrote pulse.conf: pg_cron connected to
# localhost, where the cluster does not listen on the default port, and every run failed.
OLD_SETTINGS = """
# Written by `pulse db start`: what the platform needs from its cluster.
listen_addresses = '127.0.0.1'
shared_preload_libraries = 'pg_cron,pg_stat_statements'
cron.database_name = 'pulse'
"""
JOB = "escalate-overdue-approvals"
# Every job of app_private.jobs() is scheduled again under this suffix, every minute, so each one is
# seen to run under pg_cron (not only to be scheduled).
EVERY_MINUTE = "-every-minute"


@pytest.fixture
def own_cluster() -> Iterator[tuple[dict[str, str], str]]:
    """A checkout with a cluster of its own on a free port; stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="pulse-cron-"))
    root.chmod(0o755)  # the postgres OS user (the server's, when tests run as root) may enter it
    copy_project(root)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(PULSE_ROOT=str(root), PULSE_DB_PORT=str(port), PULSE_SUPERUSER_PASSWORD=PASSWORD)
    try:
        yield env, f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/pulse"
    finally:
        pulse("db", "stop", env=env)
        shutil.rmtree(root, ignore_errors=True)


def as_an_older_pulse_left_it(data: Path) -> None:
    """postgresql.conf with the settings appended at initdb by an older Pulse, and no pulse.conf."""
    conf = data / "postgresql.conf"
    text = conf.read_text()
    text = text[:text.index("# The platform's settings")] if "# The platform's settings" in text else text
    conf.write_text(text + OLD_SETTINGS)
    (data / "pulse.conf").unlink()


def overdue_approval(conn: psycopg.Connection) -> str:
    """An open technical review of a new project, its SLA breached an hour ago (committed: the job
    runs in a transaction of its own)."""
    with conn.transaction():  # the factories remember and act for one transaction
        conn.execute("select tests.remember('t', tests.create_workflow_tenant())")
        conn.execute("select tests.remember('p', tests.create_project(tests.recall('t')))")
        conn.execute("select tests.drive_project(tests.recall('p'), 'technical-review')")
        conn.execute("select tests.act_as_role(tests.recall('t'), 'management')")
        conn.execute("""select app.update_progress(tests.recall('p'), pr.sub_stage_id, 'complete', 'Done.')
                          from app.project_sub_stage_progress pr
                          join app.workflow_sub_stages ss on ss.organization_id = pr.organization_id and ss.id = pr.sub_stage_id
                         where pr.project_id = tests.recall('p') and ss.slug = 'engineering-review'""")
        conn.execute("select tests.act_as_owner()")
        approval = conn.execute("update app.approvals set sla_due_at = now() - interval '1 hour'"
                                " where project_id = tests.recall('p') and status = 'pending' returning id").fetchone()
        assert approval is not None, "the factories leave a pending approval"
    return str(approval[0])


@needs_server_binaries
def test_pg_cron_runs_every_scheduled_job_by_itself(own_cluster: tuple[dict[str, str], str]) -> None:
    env, url = own_cluster
    assert pulse("db", "start", env=env).returncode == 0
    assert pulse("db", "stop", env=env).returncode == 0
    data = Path(env["PULSE_ROOT"]) / ".pulse" / "postgres" / "data"
    as_an_older_pulse_left_it(data)

    started = pulse("db", "start", env=env)
    assert started.returncode == 0, started.stderr
    migrated = pulse("db", "migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    again = pulse("db", "migrate", env=env)
    assert again.returncode == 0, again.stderr

    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("show cron.use_background_workers").fetchone() == ("on",), \
            "an existing cluster takes the setting at its next start"
        listed = conn.execute("select name, schedule, command from app_private.jobs() order by name").fetchall()
        scheduled = conn.execute("select jobname, schedule, command from cron.job"
                                 " where database = current_database() and username = current_user"
                                 " order by jobname").fetchall()
        assert scheduled == listed, "migrate (twice) schedules each job once, in this database, as the owner"

        for fixture in sorted((ROOT / "db" / "tests" / "fixtures").glob("*.sql")):
            conn.execute(fixture.read_text())
        approval = overdue_approval(conn)

        conn.execute("select cron.schedule(name || %s, '* * * * *', command) from app_private.jobs()", [EVERY_MINUTE])
        try:
            deadline = time.monotonic() + 100
            runs: dict[str, tuple[str, str]] = {}
            while time.monotonic() < deadline:
                runs = {name: (status, message) for name, status, message in conn.execute(
                    """select distinct on (j.jobname) j.jobname, d.status, coalesce(d.return_message, '')
                         from cron.job_run_details d join cron.job j using (jobid)
                        where j.jobname like '%%' || %s and d.status in ('succeeded', 'failed')
                        order by j.jobname, d.end_time""", [EVERY_MINUTE]).fetchall()}
                if len(runs) == len(listed):
                    break
                time.sleep(2)
        finally:
            conn.execute("select cron.unschedule(jobname) from cron.job where jobname like '%%' || %s", [EVERY_MINUTE])
        assert sorted(runs) == sorted(name + EVERY_MINUTE for name, _, _ in listed), "pg_cron ran every job within 100 seconds"
        failed = {name: message for name, (status, message) in runs.items() if status != "succeeded"}
        assert not failed, f"every job's run succeeded: {failed}"
        level, history = conn.execute(
            """select a.escalation_level,
                      (select count(*) from app.approval_history h where h.approval_id = a.id and h.action_type = 'escalate')
                 from app.approvals a where a.id = %s""", [approval]).fetchone()
        assert (level, history) == (1, 1), "the run escalated the overdue approval, once"
    log = re.findall(r"connection failed", (data.parent / "server.log").read_text(errors="replace"))
    assert not log, "no job tried to connect"
