"""Times app.search against the same lookup written with ILIKE '%term%', in one run, as a member of one tenant.

Each call is one transaction shaped like an API request (the member's claims and role app_user for the
transaction, then the statement), on one connection; the time is the statement's, measured by the client.
The ILIKE lookup asks what a list screen without search would: projects whose title, description or human id
contain every word of the query, first 20 by human id, under the same row-level security.
Prints p50 and p95 per query and the ratio of the p50s; asserts nothing.

    python bench/search_measure.py DATABASE_URL ORGANIZATION_ID USER_ID [ROUNDS]
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import psycopg

QUERIES = [
    ("a common word", "housing"),
    ("two words", "anodised bracket"),
    ("a rare part code", "zx1234"),
    ("a human id", "PRJ-123456"),
    ("a partial code", "23456"),
    ("a typo (no word matches)", "hosuing"),
]
SEARCH = "SELECT count(*) FROM app.search(%s, '{project}', 20)"
ILIKE = """SELECT count(*) FROM (
  SELECT p.id FROM app.projects AS p
   WHERE p.organization_id = %s
     AND NOT EXISTS (SELECT FROM unnest(string_to_array(%s, ' ')) AS w (word)
                      WHERE NOT (p.title ILIKE '%%' || w.word || '%%' OR p.description ILIKE '%%' || w.word || '%%'
                                 OR p.project_number ILIKE '%%' || w.word || '%%'))
   ORDER BY p.project_number LIMIT 20) AS hits"""


def timed(conn: psycopg.Connection, claims: str, sql: str, params: tuple[object, ...], rounds: int) -> tuple[list[float], int]:
    times: list[float] = []
    found = 0
    for n in range(rounds + 2):
        with conn.transaction():
            conn.execute("SELECT set_config('request.jwt.claims', %s, true), set_config('role', 'app_user', true)", (claims,))
            began = time.perf_counter()
            row = conn.execute(sql, params).fetchone()
            elapsed = (time.perf_counter() - began) * 1000
        found = int(row[0]) if row else 0
        if n >= 2:  # two warm-up calls
            times.append(elapsed)
    return times, found


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    url, organization, user = sys.argv[1:4]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    claims = json.dumps({"sub": user, "role": "app_user", "org_id": organization})
    print(f"{'query':<28} {'hits':>4} {'search p50':>11} {'p95':>8} {'ILIKE p50':>10} {'p95':>8} {'ILIKE/search':>13}")
    p50s: list[float] = []
    with psycopg.connect(url, autocommit=True) as conn:
        for label, text in QUERIES:
            search, hits = timed(conn, claims, SEARCH, (text,), rounds)
            ilike, _ = timed(conn, claims, ILIKE, (organization, text), rounds)
            s50, i50 = statistics.median(search), statistics.median(ilike)
            p50s.append(s50)
            print(f"{label + ' (' + text + ')':<28.28} {hits:>4} {s50:>8.1f} ms {percentile(search, 0.95):>5.1f} ms "
                  f"{i50:>7.1f} ms {percentile(ilike, 0.95):>5.1f} ms {i50 / s50:>12.2f}x")
    print(f"search p50 over the queries: median {statistics.median(p50s):.1f} ms, worst {max(p50s):.1f} ms ({rounds} calls each)")


if __name__ == "__main__":
    main()
