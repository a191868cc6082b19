"""The job worker: graphile-worker (npm) running config/worker/runner.mjs beside PostGraphile.

SQL enqueues jobs in the transaction that causes them (app_private.enqueue_job, through the
relay outbox: graphile_worker.add_job in that transaction on one node, from the coordinator under
Citus), so graphile-worker's schema must exist before the repeatables that
call it are applied: `pulse db migrate` installs or upgrades it here (graphile-worker's own
migrations, recorded in graphile_worker.migrations), after the plan and before the repeatables.
The schema is not part of the Sqitch plan: it belongs to the npm package's version, and
`pulse db reset` drops it with the database. No API role is granted anything in it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pulse.errors import PulseError

# Private addresses a webhook may reach when PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS is not set:
# loopback only, so a receiver on this machine works in development and tests.
DEFAULT_ALLOWED_PRIVATE_NETWORKS = "127.0.0.0/8,::1/128"


def node(root: Path) -> Path:
    path = root / "node_modules" / ".bin" / "node"
    if not path.exists():
        raise PulseError(f"{path.relative_to(root)} is missing: run `npm ci` in {root}")
    return path


def command(root: Path) -> list[str]:
    """What `pulse up` runs (and the tests, through the same stack code)."""
    return [str(node(root)), str(root / "config" / "worker" / "runner.mjs")]


def environment(database_url: str, values: dict[str, str]) -> dict[str, str]:
    """The variables config/worker/runner.mjs reads."""
    return {
        "PULSE_WORKER_DATABASE_URL": database_url,
        "PULSE_WORKER_CONCURRENCY": values.get("PULSE_WORKER_CONCURRENCY", "10"),
        "PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS": values.get("PULSE_WEBHOOK_ALLOWED_PRIVATE_NETWORKS",
                                                             DEFAULT_ALLOWED_PRIVATE_NETWORKS),
        "PULSE_DNS_RESOLVER": values.get("PULSE_DNS_RESOLVER", ""),
    }


def install_queue(root: Path, database_url: str) -> None:
    """Install or upgrade graphile-worker's schema (graphile_worker) in the database."""
    result = subprocess.run([*command(root), "--migrate"], cwd=root, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PULSE_WORKER_DATABASE_URL": database_url}, check=False)
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        raise PulseError(f"installing the job queue (graphile_worker) failed: {lines[-1] if lines else result.returncode}")
