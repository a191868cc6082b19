"""Instrument scheduling bench (bench/lab_scheduling.sh): free slots of ten instruments over a week with every
booking of bench/lab_scheduling_load.sql in the table, and 16 clients racing for the same slots. Prints figures,
asserts nothing."""

from __future__ import annotations

import os
import random
import statistics
import sys
import threading
import time
from typing import Any

import psycopg

URL = sys.argv[1]
CALLS = int(os.environ.get("SCHEDULING_BENCH_CALLS", "200"))
CLIENTS = int(os.environ.get("SCHEDULING_BENCH_CLIENTS", "16"))
SLOTS = int(os.environ.get("SCHEDULING_BENCH_SLOTS", "40"))


def act_as_tech(conn: psycopg.Connection[Any]) -> None:
    """A request's setting: the lab technician's claims, as app_user (the transaction stays open)."""
    conn.execute("""
        select set_config('request.jwt.claims', json_build_object(
                 'sub', (select id from app.users where email = 'lab_tech@northwind.test'), 'role', 'app_user',
                 'org_id', (select id from app.organizations where slug = 'northwind-labs'))::text, true),
               set_config('role', 'app_user', true)""")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def availability() -> None:
    with psycopg.connect(URL, autocommit=False) as conn:
        total = conn.execute("select count(*) from app.instrument_reservations").fetchone()[0]  # type: ignore[index]
        ids = [row[0] for row in conn.execute("select equipment_id from public.bench_instruments where n between 1 and 10")]
        timings: list[float] = []
        slots: list[int] = []
        random.seed(15)
        for call in range(CALLS + 20):
            week = random.randint(0, 20)
            act_as_tech(conn)
            started = time.perf_counter()
            rows = conn.execute(
                "select count(*) from app.instrument_availability(%s, date_trunc('week', now()) + %s * interval '1 week',"
                " date_trunc('week', now()) + (%s + 1) * interval '1 week', interval '30 minutes')",
                [ids, week, week]).fetchone()
            elapsed = (time.perf_counter() - started) * 1000
            conn.rollback()
            if call >= 20:  # warm-up calls are not counted
                timings.append(elapsed)
                slots.append(rows[0])  # type: ignore[index]
    print(f"{'instrument_availability, 10 instruments x 1 week, ms per call':<66} {'p50':>8} {'p95':>8} {'n':>6}   bar")
    p50 = statistics.median(timings)
    print(f"{f'with {total:,} reservations in the table':<66} {p50:8.2f} {percentile(timings, 0.95):8.2f} {len(timings):6d}"
          f"   <= 10 ms: {'met' if p50 <= 10 else 'missed'}")
    print(f"free slots per call (>= 30 min): median {statistics.median(slots):.0f}")


def race() -> None:
    with psycopg.connect(URL, autocommit=True) as conn:
        instrument = conn.execute("select equipment_id from public.bench_instruments where n = 0").fetchone()[0]  # type: ignore[index]
    barrier = threading.Barrier(CLIENTS)
    wins: dict[int, int] = dict.fromkeys(range(SLOTS), 0)
    conflicts = 0
    other: list[str] = []
    attempts: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        nonlocal conflicts
        with psycopg.connect(URL, autocommit=False) as conn:
            for slot in range(SLOTS):
                barrier.wait()
                act_as_tech(conn)
                started = time.perf_counter()
                try:
                    conn.execute(
                        "select app.book_instrument(%s, date_trunc('hour', now()) + interval '30 days' + %s * interval '1 hour',"
                        " date_trunc('hour', now()) + interval '30 days' + (%s + 1) * interval '1 hour', 'Race')",
                        [instrument, slot, slot])
                    conn.commit()
                    outcome = "win"
                except psycopg.Error as error:
                    conn.rollback()
                    detail = error.diag.message_detail
                    outcome = "conflict" if detail == "reservation.conflict" else f"{error.sqlstate} {detail}"
                with lock:
                    attempts.append((time.perf_counter() - started) * 1000)
                    if outcome == "win":
                        wins[slot] += 1
                    elif outcome == "conflict":
                        conflicts += 1
                    else:
                        other.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with psycopg.connect(URL, autocommit=True) as conn:
        overlaps = conn.execute("""
            select count(*) from app.instrument_reservations a join app.instrument_reservations b
              on a.equipment_id = b.equipment_id and a.id < b.id and a.during && b.during
             where a.equipment_id = %s and a.status = 'active' and b.status = 'active'""", [instrument]).fetchone()[0]  # type: ignore[index]
    exactly_one = sum(1 for count in wins.values() if count == 1)
    print(f"booking race: {CLIENTS} clients x {SLOTS} slots in {elapsed:.1f} s; slots with exactly one winner: {exactly_one}/{SLOTS};"
          f" refused with reservation.conflict: {conflicts}; other errors: {len(other)}{' ' + repr(other[:3]) if other else ''};"
          f" overlapping active bookings: {overlaps}")
    print(f"booking attempt under contention, ms: p50 {statistics.median(attempts):.2f}, p95 {percentile(attempts, 0.95):.2f}")


availability()
race()
