"""A local cluster from any folder the invoking user owns (#11.11): as root in a clone of
mode 700 (root's home), the postgres OS user cannot enter the checkout, so the cluster
lives in that user's home and `.pulse/postgres` links to it. Each test runs a throw-away
cluster on a free port and removes it; the shared cluster is never touched."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import tempfile
from pathlib import Path

import pytest

from helpers import copy_project, pulse
from pulse.cluster import Cluster
from pulse.config import Settings
from pulse.contracts import free_port
from pulse.errors import PulseError

needs_server_binaries = pytest.mark.skipif(not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
                                           reason="no PostgreSQL server binaries to run a local cluster")
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another OS user")


@pytest.fixture
def private_checkout():
    """A checkout in a folder of mode 700 owned by the invoking user, as a clone in root's home is."""
    root = Path(tempfile.mkdtemp(prefix="pulse-private-"))
    assert (root.stat().st_mode & 0o777, root.stat().st_uid) == (0o700, os.geteuid())
    copy_project(root)
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(PULSE_ROOT=str(root), PULSE_DB_PORT=str(free_port()))
    yield root, env
    cluster = root / ".pulse" / "postgres"
    elsewhere = cluster.resolve() if cluster.is_symlink() else None
    pulse("db", "stop", env=env)
    shutil.rmtree(root, ignore_errors=True)
    if elsewhere is not None:
        shutil.rmtree(elsewhere, ignore_errors=True)
        with contextlib.suppress(OSError):
            elsewhere.parent.rmdir()  # ~postgres/pulse, when no other checkout's cluster is there


@needs_server_binaries
def test_a_cluster_starts_and_migrates_in_a_checkout_only_its_owner_may_enter(private_checkout):
    root, env = private_checkout
    (root / ".pulse" / "postgres").mkdir(parents=True)  # left by an earlier attempt that failed at initdb
    started = pulse("db", "start", env=env)
    assert started.returncode == 0, started.stderr
    migrated = pulse("db", "migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert pulse("db", "status", env=env).returncode == 0
    cluster = root / ".pulse" / "postgres"
    if os.geteuid() == 0:
        assert cluster.is_symlink(), "the cluster lives where the postgres user can reach it"
        target = cluster.resolve()
        assert target.is_relative_to(Path(pwd.getpwnam("postgres").pw_dir))
        assert target.stat().st_uid == pwd.getpwnam("postgres").pw_uid
        assert not (target / "initdb-password").exists(), "the password file is removed after initdb"
    stopped = pulse("db", "stop", env=env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout + stopped.stderr
    again = pulse("db", "start", env=env)
    assert again.returncode == 0, "the next run finds the same cluster: " + again.stderr


@as_root
def test_no_place_the_postgres_user_can_reach_is_one_line(private_checkout, monkeypatch):
    root, _env = private_checkout
    unreachable = root / "home"  # inside the mode-700 checkout: the postgres user cannot enter it
    unreachable.mkdir()
    postgres = pwd.getpwnam("postgres")
    monkeypatch.setattr(pwd, "getpwnam", lambda name: pwd.struct_passwd((*postgres[:5], str(unreachable), postgres[6])))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(PulseError) as refused:
        Cluster(Settings.load(root))
    message = str(refused.value)
    assert "\n" not in message
    assert f"the postgres OS user can enter neither {root}" in message and "set DATABASE_URL" in message


@as_root
def test_a_cluster_already_out_of_reach_is_never_moved_but_named_in_one_line(private_checkout, monkeypatch):
    root, _env = private_checkout
    data = root / ".pulse" / "postgres" / "data"
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("15\n")  # a cluster made while the postgres user could still enter
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(PulseError, match=r"cannot enter .*\.pulse, where this checkout's cluster is: let it in"):
        Cluster(Settings.load(root))
    assert (data / "PG_VERSION").exists()
