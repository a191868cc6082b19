"""The project-local PostgreSQL cluster under `.pulse/postgres`.

PostgreSQL refuses to run as root, so when the CLI runs as root every
server command runs as the `postgres` OS user, on folders that user owns.
That user must reach the cluster's folder (data, socket, log, the password
file initdb reads): when the checkout is out of its reach (a clone in root's
home, mode 700), the cluster lives in the postgres user's home instead, in a
folder named after the checkout, and `.pulse/postgres` links to it.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import socket
import subprocess
from pathlib import Path

from pulse import console
from pulse.config import Settings
from pulse.errors import PulseError

MINIMUM_MAJOR = 15

SERVER_SETTINGS = """# Written by `pulse db start` on every start (edits are overwritten): what the
# platform needs from its cluster. postgresql.conf includes this file last.
listen_addresses = '{host}'
unix_socket_directories = '{socket_dir}'
shared_preload_libraries = 'pg_cron,pg_stat_statements'
# pg_cron runs the jobs `pulse db migrate` schedules in this database, each in a
# background worker of the server: no connection, so no host or password to set.
cron.database_name = '{database}'
cron.use_background_workers = on
cron.max_running_jobs = 8
max_worker_processes = 24
# A disposable development cluster: durable enough for a crash of any client,
# not tuned for a crash of the machine.
synchronous_commit = off
max_connections = 200
# Slow statements (docs/operations.md, "Slow statements"): each one slower than
# PULSE_DB_LOG_SLOWER_THAN is logged with its duration, and auto_explain logs
# the plan of those slower than PULSE_DB_LOG_PLANS_SLOWER_THAN (-1: never).
log_min_duration_statement = '{log_slower_than}'
session_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = '{log_plans_slower_than}'
auto_explain.log_format = 'text'
auto_explain.log_nested_statements = on
"""
DURATION = re.compile(r"^(-1|0|[1-9][0-9]*(us|ms|s|min|h|d)?)$")
SETTINGS_FILE = "pulse.conf"
INCLUDE_LINE = f"include_if_exists = '{SETTINGS_FILE}'"


def find_bindir(settings: Settings) -> Path:
    """PULSE_PG_BINDIR, else the newest PostgreSQL >= 15 installed by Debian's packages."""
    if explicit := settings.values.get("PULSE_PG_BINDIR"):
        return Path(explicit)
    candidates = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        if bindir.parent.name.isdigit() and (bindir / "initdb").exists():
            candidates.append((int(bindir.parent.name), bindir))
    usable = [c for c in candidates if c[0] >= MINIMUM_MAJOR]
    if not usable:
        raise PulseError(
            "PostgreSQL 15+ server binaries not found: install postgresql-15 "
            "(sudo apt-get install postgresql-15), set PULSE_PG_BINDIR, or set DATABASE_URL"
        )
    return max(usable)[1]


class Cluster:
    def __init__(self, settings: Settings):
        if settings.external:
            raise PulseError("DATABASE_URL is set: the server is managed elsewhere, not by `pulse db start/stop`")
        self.settings = settings
        self.as_root = os.geteuid() == 0
        self.folder = self._folder()
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"

    def _folder(self) -> Path:
        """`.pulse/postgres`, unless the CLI runs as root and the postgres user cannot enter `.pulse`."""
        local = self.settings.home / "postgres"
        if local.is_symlink():
            return local.resolve()
        if not self.as_root:
            return local
        if shutil.which("runuser") is None:
            raise PulseError("running as root needs `runuser` (util-linux) to start PostgreSQL as the postgres user")
        self.settings.home.mkdir(mode=0o755, exist_ok=True)
        if self._postgres_can_enter(self.settings.home):
            return local
        if (local / "data" / "PG_VERSION").exists():
            raise PulseError(f"the postgres OS user cannot enter {self.settings.home}, where this checkout's cluster "
                             "is: let it in (chmod o+x on that folder and those above it)")
        root = self.settings.root.resolve()
        digest = hashlib.sha256(str(root).encode()).hexdigest()[:12]
        elsewhere = Path(pwd.getpwnam("postgres").pw_dir) / "pulse" / f"{root.name}-{digest}"
        if not self._postgres_can_enter(elsewhere.parent.parent):
            raise PulseError(f"the postgres OS user can enter neither {root} nor its home {elsewhere.parent.parent}: "
                             "clone Pulse where it can (e.g. under /srv or /opt), or set DATABASE_URL")
        return elsewhere

    def _postgres_can_enter(self, folder: Path) -> bool:
        return subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(folder)],
                              capture_output=True).returncode == 0

    def _run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            reason = detail[-1] if detail else f"exit status {result.returncode}"
            raise PulseError(f"{Path(args[0]).name} failed: {reason}")
        return result

    def _bin(self, name: str) -> Path:
        return find_bindir(self.settings) / name

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def running(self) -> bool:
        if not self.initialised:
            return False
        return self._run(self._bin("pg_ctl"), "status", "-D", self.data, check=False).returncode == 0

    def init(self) -> None:
        if self.initialised:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        local = self.settings.home / "postgres"
        if local != self.folder and not local.is_symlink():
            if local.is_dir():  # left by an initdb the postgres user could not run: holds no cluster
                shutil.rmtree(local)
            local.symlink_to(self.folder)
        password_file = self.folder / "initdb-password"
        password_file.write_text(self.settings.secret("PULSE_SUPERUSER_PASSWORD") + "\n")
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(password_file, "postgres", "postgres")
        password_file.chmod(0o600)
        try:
            self._run(
                self._bin("initdb"), "-D", self.data, "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8",
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", f"--pwfile={password_file}",
            )
        finally:
            password_file.unlink(missing_ok=True)

    def configure(self) -> bool:
        """(Re)write the platform's server settings into data/pulse.conf and make postgresql.conf include
        it last, so a cluster initialised by an older Pulse takes today's settings at its next start
        (its settings appended to postgresql.conf come before the include and lose). True when
        anything changed (a running server needs a restart to take it)."""
        durations = {}
        for name in ("PULSE_DB_LOG_SLOWER_THAN", "PULSE_DB_LOG_PLANS_SLOWER_THAN"):
            value = self.settings.get(name).replace(" ", "")
            if not DURATION.match(value):
                raise PulseError(f"{name} must be a duration such as 500ms, 2s or -1 (off), got {value!r}")
            durations[name] = value
        wanted = SERVER_SETTINGS.format(
            host=self.settings.get("PULSE_DB_HOST"), socket_dir=self.folder,
            database=self.settings.get("PULSE_DB_NAME"),
            log_slower_than=durations["PULSE_DB_LOG_SLOWER_THAN"],
            log_plans_slower_than=durations["PULSE_DB_LOG_PLANS_SLOWER_THAN"],
        )
        settings_file = self.data / SETTINGS_FILE
        changed = not settings_file.exists() or settings_file.read_text() != wanted
        if changed:
            settings_file.write_text(wanted)
            if self.as_root:
                shutil.chown(settings_file, "postgres", "postgres")
        conf = self.data / "postgresql.conf"
        lines = [line.strip() for line in conf.read_text().splitlines() if line.strip()]
        if not lines or lines[-1] != INCLUDE_LINE:
            with conf.open("a") as out:
                out.write(f"\n# The platform's settings, last so they win: see {SETTINGS_FILE}.\n{INCLUDE_LINE}\n")
            changed = True
        return changed

    def running_port(self) -> int | None:
        """The port the running cluster listens on (line 4 of postmaster.pid); None when it is not running."""
        if not self.running():
            return None
        try:
            return int((self.data / "postmaster.pid").read_text().splitlines()[3])
        except (OSError, IndexError, ValueError):
            return None

    def start(self) -> bool:
        """Start the cluster; False when it was already running on the configured port."""
        self.init()
        reconfigured = self.configure()
        port = self.settings.db_port
        if self.running():
            actual = self.running_port()
            if actual is not None and actual != port:
                raise PulseError(f"this checkout's PostgreSQL runs on port {actual}, not on PULSE_DB_PORT={port}: "
                                 f"set PULSE_DB_PORT={actual}, or `pulse db stop` it first")
            if reconfigured:
                console.info(f"PostgreSQL's settings changed ({self.data / SETTINGS_FILE}): they apply at its next "
                             "start (`pulse db stop` then `pulse db start`)")
            return False
        ensure_port_free(self.settings.get("PULSE_DB_HOST"), port, "PULSE_DB_PORT")
        result = self._run(
            self._bin("pg_ctl"), "start", "-D", self.data, "-l", self.log, "-w", "-t", "60",
            "-o", f"-p {port}", check=False,
        )
        if result.returncode != 0:
            raise PulseError(f"PostgreSQL did not start: {last_error_line(self.log)} (log: {self.log})")
        return True

    def stop(self) -> bool:
        """Stop the cluster; False when it was not running."""
        if not self.running():
            return False
        self._run(self._bin("pg_ctl"), "stop", "-D", self.data, "-m", "fast", "-w")
        return True


def last_error_line(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return "no server log"
    for line in reversed(lines):
        if re.search(r"(FATAL|ERROR|PANIC):", line):
            return line.split(":  ", 1)[-1]
    return lines[-1] if lines else "empty server log"


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def ensure_port_free(host: str, port: int, setting: str) -> None:
    """Fail at once, naming the setting to change, instead of waiting for a server that cannot bind."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host, port)) == 0:
            raise PulseError(f"port {port} on {host} is already in use; stop what uses it or set {setting}")
