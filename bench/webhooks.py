"""Enqueue-to-delivery latency of webhooks to a local receiver (issue #13: p50 <= 200 ms).

In a throw-away database `pulse_bench_webhooks` (migrated with the test factories), the job worker that
`pulse up` runs (pulse.stack.servers) delivers events of one tenant to a receiver on 127.0.0.1 that answers
200 at once. Latency: from just before the transaction that publishes the event commits (each event its own
transaction, as an API request is) until the receiver has read the request. Prints p50, p95 and max for
events published one at a time (the worker idle between them) and for a burst published back to back;
asserts nothing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "cli"), str(ROOT / "tests")]

from pulse import stack  # noqa: E402
from pulse.config import Settings  # noqa: E402
from pulse.database import drop_database  # noqa: E402
from pulse.lifecycle import build_test_template  # noqa: E402
from webhook_receiver import Receiver  # noqa: E402

DATABASE = "pulse_bench_webhooks"
EVENTS = int(os.environ.get("WEBHOOK_BENCH_EVENTS", "200"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def publish(conn: psycopg.Connection, tenant: str, n: int) -> tuple[str, float]:
    began = time.time()
    row = conn.execute("select app_private.publish_event(%s, 'bench.ping', jsonb_build_object('n', %s::int))",
                       [tenant, n]).fetchone()
    assert row is not None
    return str(row[0]), began


def main() -> None:
    settings = Settings.load(ROOT)
    url = build_test_template(settings, DATABASE)
    receiver = Receiver().start()
    config = settings.with_values(DATABASE_URL=url)
    [worker] = [server for server in stack.servers(config) if server.name == "worker"]
    process = subprocess.Popen(worker.command, cwd=ROOT, env={**os.environ, **dict(worker.environment)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            tenant = str(conn.execute("select tests.create_tenant()").fetchone()[0])  # type: ignore[index]
            conn.execute("select tests.create_webhook_endpoint(%s, %s, '{bench.*}')", [tenant, receiver.url("/ok")])
            for n in range(10):  # warm-up: the worker's connections and prepared statements
                publish(conn, tenant, n)
            receiver.wait_for("/ok", 10, seconds=30)

            def arrivals() -> dict[str, float]:
                return {json.loads(r.body)["id"]: r.at for r in receiver.at("/ok")}

            sequential: list[float] = []
            for n in range(EVENTS):
                event, began = publish(conn, tenant, n)
                receiver.wait_for("/ok", 10 + n + 1, seconds=30)
                sequential.append((arrivals()[event] - began) * 1000)

            sent = [publish(conn, tenant, n) for n in range(EVENTS)]
            receiver.wait_for("/ok", 10 + 2 * EVENTS, seconds=120)
            burst_began = sent[0][1]
            got = arrivals()
            burst = [(got[event] - began) * 1000 for event, began in sent]
            burst_seconds = max(got[event] for event, _ in sent) - burst_began
            deadline = time.monotonic() + 10  # the worker records an attempt just after the receiver answered
            while True:
                delivered = conn.execute("select count(*) from app.webhook_deliveries where status = 'delivered'").fetchone()
                if (delivered and delivered[0] >= 10 + 2 * EVENTS) or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)
        receiver.stop()
        drop_database(settings.url_for_database("postgres"), DATABASE)

    print(f"webhook enqueue-to-delivery, {EVENTS} events one at a time:  p50 {statistics.median(sequential):7.1f} ms"
          f"   p95 {percentile(sequential, 0.95):7.1f} ms   max {max(sequential):7.1f} ms   (bar: p50 <= 200 ms)")
    print(f"webhook enqueue-to-delivery, {EVENTS} events back to back:  p50 {statistics.median(burst):7.1f} ms"
          f"   p95 {percentile(burst, 0.95):7.1f} ms   max {max(burst):7.1f} ms   ({EVENTS / burst_seconds:.0f} deliveries/s)")
    print(f"deliveries recorded delivered: {delivered[0] if delivered else 0} of {10 + 2 * EVENTS}")


if __name__ == "__main__":
    main()
