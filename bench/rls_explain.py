"""EXPLAIN ANALYZE medians for bench/rls.sh.

Each query runs twice over: on app.bench_items relying on RLS alone, as the
token's role with the token's claims (what PostgREST does per request), and
on app.bench_items_open as the owner with the tenant filter written out.

usage: rls_explain.py OWNER_URL TOKEN ROW_ID RUNS
"""

from __future__ import annotations

import base64
import json
import statistics
import sys

import psycopg
from psycopg import sql

CASES = [
    ("one row by id",
     "select * from app.bench_items where id = %(id)s",
     "select * from app.bench_items_open where organization_id = %(org)s and id = %(id)s"),
    ("sum(quantity) of the tenant",
     "select sum(quantity) from app.bench_items",
     "select sum(quantity) from app.bench_items_open where organization_id = %(org)s"),
]


def token_claims(token: str) -> dict:
    """The payload PostgREST puts in request.jwt.claims (already verified by `pulse jwt mint`)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def explain(conn: psycopg.Connection, query: str, params: dict, claims: dict | None) -> dict:
    with conn.transaction():
        if claims:
            conn.execute(sql.SQL("set local role {}").format(sql.Identifier(claims["role"])))
            conn.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        return conn.execute(sql.SQL("explain (analyze, format json) ") + sql.SQL(query), params).fetchone()[0][0]


def shape(node: dict) -> str:
    """The plan in one line: Aggregate(Index Scan bench_items_pkey, InitPlan 1: Result)."""
    label = node["Node Type"] + (f" {node['Index Name']}" if "Index Name" in node else "")
    if node.get("Subplan Name"):
        label = f"{node['Subplan Name'].split(' (')[0]}: {label}"
    children = [shape(child) for child in node.get("Plans", [])]
    return f"{label}({', '.join(children)})" if children else label


def main() -> None:
    url, token, row_id, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    claims = token_claims(token)
    params = {"org": claims["org_id"], "id": row_id}
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        rows = conn.execute("select count(*) from app.bench_items").fetchone()[0]
        print(f"EXPLAIN ANALYZE on {rows:,} rows per table, median Execution Time of {runs} runs (bar: ratio <= 1.2)")
        print(f"{'':30} {'RLS only':>10} {'explicit':>10} {'ratio':>7} {'diff':>10}")
        for name, rls_query, open_query in CASES:
            times: dict[str, list[float]] = {"rls": [], "open": []}
            plans = {}
            for run in range(runs + 1):  # run 0 warms the cache and is not counted
                for side, query, as_claims in (("rls", rls_query, claims), ("open", open_query, None)):
                    plan = explain(conn, query, params, as_claims)
                    plans[side] = plan
                    if run:
                        times[side].append(plan["Execution Time"])
            rls, open_ = statistics.median(times["rls"]), statistics.median(times["open"])
            print(f"{name:30} {rls:>7.3f} ms {open_:>7.3f} ms {rls / open_:>6.2f}x {rls - open_:>+7.3f} ms")
            for side in ("rls", "open"):
                print(f"  {side:5} {shape(plans[side]['Plan'])}")


if __name__ == "__main__":
    main()
