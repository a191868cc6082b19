"""Scheduled jobs: listed and run by the database (app_private.jobs, app_private.run_job)."""

from __future__ import annotations

import psycopg

from pulse.config import Settings
from pulse.database import connection, scalar
from pulse.errors import PulseError


def list_jobs(settings: Settings) -> list[tuple[str, str, str, bool]]:
    """(name, schedule, description, scheduled by pg_cron here) for every job."""
    with connection(settings.database_url) as conn:
        has_cron = scalar(conn, "select to_regclass('cron.job') is not null")
        scheduled = {row[0] for row in conn.execute("select jobname from cron.job")} if has_cron else set()
        return [(name, schedule, description, name in scheduled)
                for name, schedule, description in conn.execute(
                    "select name, schedule, description from app_private.jobs() order by name")]


def run_job(settings: Settings, name: str) -> str | None:
    # Autocommit: what the job did must stay done.
    with connection(settings.database_url, autocommit=True) as conn:
        try:
            result: str | None = scalar(conn, "select app_private.run_job(%s)", [name])
            return result
        except psycopg.Error as error:
            raise PulseError(error.diag.message_primary or str(error)) from None
