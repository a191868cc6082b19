"""app.database_lock_waits shows a platform operator who waits for whom (docs/scaling.md, "Seeing load").

A lock wait needs two sessions, which a pgTAP file cannot have: one holds a row lock in an open transaction,
a second blocks on the same row, and an operator's session then sees the second waiting on the first.
"""

from __future__ import annotations

import threading
import time

import psycopg

from helpers import World


def test_an_operator_sees_a_blocked_session_and_its_blocker(database_url):
    world = World.on(database_url)
    tenant = world.tenant()
    operator = world.sql("select tests.create_operator()")
    organization = str(tenant)
    with psycopg.connect(database_url) as holder, psycopg.connect(database_url, autocommit=True) as observer:
        holder.execute("select * from app.organizations where id = %s for update", [organization])
        holder_pid = holder.info.backend_pid
        waiting: dict[str, int] = {}

        def wait_for_the_row() -> None:
            with psycopg.connect(database_url) as blocked:
                waiting["pid"] = blocked.info.backend_pid
                blocked.execute("update app.organizations set name = name || '' where id = %s -- blocked by the holder",
                                [organization])
                blocked.rollback()

        thread = threading.Thread(target=wait_for_the_row)
        thread.start()
        try:
            rows: list[tuple] = []
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not rows:
                with observer.transaction():
                    observer.execute("select tests.act_as(%s::uuid, %s::uuid)", [operator, organization])
                    rows = observer.execute(
                        "select waiting_pid, waiting_query, wait_event, blocking_pids, blocking_queries, blocking_states"
                        " from app.database_lock_waits()").fetchall()
                time.sleep(0.05)
            assert len(rows) == 1, rows
            pid, query, event, blockers, blocking_queries, states = rows[0]
            assert pid == waiting["pid"] and "blocked by the holder" in query and event.startswith("Lock:")
            assert blockers == [holder_pid] and "for update" in blocking_queries[0]
            assert states == ["idle in transaction"]
        finally:
            holder.rollback()
            thread.join(timeout=10)
