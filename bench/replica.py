"""A streaming replica for reporting (docs/scaling.md, "Replicas for reporting"): what it lags and what a
dashboard read costs on it against the primary.

bench/replica.sh makes a throw-away database `pulse_bench_replica` (demo data) on the local cluster; this
script takes a base backup of the cluster (pg_basebackup -R, as the postgres OS user), starts it as a hot
standby on a free port, then, all in one run:
- a dashboard read (app.project_overview and app.on_time_delivery, as a member of acme-manufacturing:
  claims and role per transaction, as PostgREST sets them) on the primary and on the replica, median and p95;
- replication lag while REPLICA_BENCH_WRITERS connections insert as fast as they can for
  REPLICA_BENCH_SECONDS: how long a committed row takes to be visible on the replica (markers, p50/p95/max)
  and the replay lag the primary reports (pg_stat_replication, bytes and time);
- a KPI refresh (app_private.refresh_kpis) on the primary reaching the replica.
The standby is stopped and removed at the end. Prints; asserts nothing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "cli")]

from pulse.cluster import Cluster, find_bindir, free_port  # noqa: E402
from pulse.config import Settings  # noqa: E402

DATABASE = "pulse_bench_replica"
READS = int(os.environ.get("REPLICA_BENCH_READS", "200"))
WRITERS = int(os.environ.get("REPLICA_BENCH_WRITERS", "4"))
SECONDS = float(os.environ.get("REPLICA_BENCH_SECONDS", "10"))
DASHBOARDS = {
    "project_overview": "select * from app.project_overview",
    "on_time_delivery": "select * from app.on_time_delivery",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def as_postgres(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", "env", *[f"{k}={v}" for k, v in (env or {}).items()], *command]
        env = None
    return subprocess.run(command, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=True)


def on_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit(":", 1)[0] + f":{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def read_times(url: str, claims: str, query: str) -> list[float]:
    times = []
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(READS):
            began = time.perf_counter()
            with conn.transaction():
                conn.execute("select set_config('request.jwt.claims', %s, true), set_config('role', 'app_user', true)",
                             [claims])
                conn.execute("select auth.check_request()")
                conn.execute(query).fetchall()
            times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    settings = Settings.load().with_values(PULSE_DB_NAME=DATABASE)
    cluster = Cluster(settings)
    bindir = find_bindir(settings)
    primary = settings.url_for_database(DATABASE)
    port = free_port()
    folder = cluster.folder.parent / "postgres-replica-bench"
    password = settings.secret("PULSE_SUPERUSER_PASSWORD")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    began = time.perf_counter()
    as_postgres([str(bindir / "pg_basebackup"), "-h", settings.get("PULSE_DB_HOST"), "-p", str(settings.db_port),
                 "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast"], {"PGPASSWORD": password})
    backup_seconds = time.perf_counter() - began
    size = sum(f.stat().st_size for f in data.rglob("*") if f.is_file()) / 2**20
    as_postgres([str(bindir / "pg_ctl"), "start", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
                 "-o", f"-p {port} -c unix_socket_directories={folder} -c log_min_duration_statement=-1"])
    replica = on_port(primary, port)
    try:
        print(f"base backup of the cluster ({size:.0f} MiB) in {backup_seconds:.1f} s; standby on port {port}")
        measure(primary, replica)
    finally:
        as_postgres([str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w"])
        shutil.rmtree(folder, ignore_errors=True)


def measure(primary: str, replica: str) -> None:
    with psycopg.connect(primary, autocommit=True) as conn:
        member, organization = conn.execute(
            "select m.user_id, m.organization_id from app.memberships m join app.organizations o on o.id = m.organization_id"
            " join app.users u on u.id = m.user_id where o.slug = 'acme-manufacturing' and m.status = 'active'"
            " and not u.is_platform_operator order by u.email limit 1").fetchone()
        projects = conn.execute("select count(*) from app.projects where organization_id = %s", [organization]).fetchone()[0]
        conn.execute("create table if not exists public.bench_replica_writes (id bigserial primary key,"
                     " written_at timestamptz not null default clock_timestamp(), payload text not null)")
    claims = f'{{"sub": "{member}", "role": "app_user", "org_id": "{organization}"}}'
    wait_until_visible(replica, "select to_regclass('public.bench_replica_writes') is not null", 30)

    print(f"\ndashboard reads as a member of acme-manufacturing ({projects} projects), {READS} each, ms:")
    for name, query in DASHBOARDS.items():
        on_primary, on_replica = read_times(primary, claims, query), read_times(replica, claims, query)
        p, r = statistics.median(on_primary), statistics.median(on_replica)
        print(f"  {name:18} primary p50 {p:6.2f} p95 {percentile(on_primary, 0.95):6.2f} | "
              f"replica p50 {r:6.2f} p95 {percentile(on_replica, 0.95):6.2f} | replica/primary {r / p:.2f}")

    stop = threading.Event()
    written = [0] * WRITERS

    def writer(index: int) -> None:
        with psycopg.connect(primary, autocommit=True) as conn:
            while not stop.is_set():
                conn.execute("insert into public.bench_replica_writes (payload) select repeat('x', 200) from generate_series(1, 50)")
                written[index] += 50

    samples: list[tuple[int, float]] = []
    visible: list[float] = []
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    ended = time.monotonic() + SECONDS
    with psycopg.connect(primary, autocommit=True) as source, psycopg.connect(replica, autocommit=True) as target:
        while time.monotonic() < ended:
            row = source.execute("select pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,"
                                 " extract(epoch from replay_lag) * 1000 from pg_stat_replication limit 1").fetchone()
            if row:
                samples.append((row[0] or 0, float(row[1] or 0)))
            committed = time.perf_counter()
            marker = source.execute("insert into public.bench_replica_writes (payload) values ('marker') returning id").fetchone()[0]
            while not target.execute("select exists (select from public.bench_replica_writes where id = %s)", [marker]).fetchone()[0]:
                time.sleep(0.0005)
            visible.append((time.perf_counter() - committed) * 1000)
            time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()
    rows = sum(written)
    print(f"\nwrites: {WRITERS} connections inserting 50-row statements for {SECONDS:.0f} s ({rows / SECONDS:,.0f} rows/s)")
    print(f"  a committed row visible on the replica after (ms, {len(visible)} markers): p50 {statistics.median(visible):.1f}"
          f" p95 {percentile(visible, 0.95):.1f} max {max(visible):.1f}")
    if samples:
        lag_bytes = [s[0] for s in samples]
        lag_ms = [s[1] for s in samples]
        print(f"  replay lag reported by the primary: p50 {statistics.median(lag_bytes) / 1024:.0f} KiB"
              f" / {statistics.median(lag_ms):.1f} ms, max {max(lag_bytes) / 1024:.0f} KiB / {max(lag_ms):.1f} ms")

    with psycopg.connect(primary, autocommit=True) as source, psycopg.connect(replica, autocommit=True) as target:
        began = time.perf_counter()
        refreshed = source.execute("select app_private.refresh_kpis()").fetchone()[0]
        refresh_ms = (time.perf_counter() - began) * 1000
        lsn = source.execute("select pg_current_wal_lsn()::text").fetchone()[0]
        began = time.perf_counter()
        wait_until_visible(replica, f"select pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", 30)
        print(f"\nKPI refresh on the primary: {refreshed} materialized views in {refresh_ms:.0f} ms; on the replica "
              f"{(time.perf_counter() - began) * 1000:.1f} ms later")
        source.execute("drop table public.bench_replica_writes")


def wait_until_visible(url: str, check: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            if conn.execute(check).fetchone()[0]:
                return
            time.sleep(0.01)
    raise SystemExit(f"the replica did not show it within {seconds:.0f} s: {check}")


if __name__ == "__main__":
    main()
