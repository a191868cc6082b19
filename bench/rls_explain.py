"""EXPLAIN ANALYZE medians for bench/rls.sh.

Each query runs on app.bench_items relying on RLS alone, as the token's role
with the token's claims, and on app.bench_items_open as the owner with the
tenant filter written out. When config/postgrest.conf names a db-pre-request
function, the RLS query also runs after it, in the same transaction, as
every PostgREST request does.

usage: rls_explain.py OWNER_URL TOKEN ROW_ID RUNS
"""

from __future__ import annotations

import base64
import json
import re
import statistics
import sys
from pathlib import Path

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
    """The payload PostgREST puts in request.jwt.claims (`pulse jwt mint` signed it)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def pre_request_function() -> str | None:
    conf = (Path(__file__).resolve().parent.parent / "config" / "postgrest.conf").read_text()
    match = re.search(r'^db-pre-request\s*=\s*"([^"]+)"', conf, re.MULTILINE)
    return match.group(1) if match else None


def explain(conn: psycopg.Connection, query: str, params: dict, claims: dict | None, pre_request: str | None) -> dict:
    with conn.transaction():
        if claims:
            conn.execute(sql.SQL("set local role {}").format(sql.Identifier(claims["role"])))
            conn.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        if pre_request:
            conn.execute(sql.SQL("select {}()").format(sql.Identifier(*pre_request.split("."))))
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
    pre_request = pre_request_function()
    sides = {"rls": (claims, None), "open": (None, None)}
    # Each query follows one on the other table, so none finds the same
    # tenant's pages still in the CPU caches from the query before.
    order = ["rls", "open"]
    if pre_request:
        sides["rls_pre"] = (claims, pre_request)
        order += ["rls_pre", "open"]
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        rows = conn.execute("select count(*) from app.bench_items").fetchone()[0]
        print(f"EXPLAIN ANALYZE on {rows:,} rows per table, median Execution Time of {runs} runs (bar: ratio <= 1.2)")
        print(f"{'':34} {'RLS only':>10} {'explicit':>10} {'ratio':>7} {'diff':>10}")
        for name, rls_query, open_query in CASES:
            times: dict[str, list[float]] = {side: [] for side in sides}
            plans = {}
            for run in range(runs + 1):  # run 0 warms the cache and is not counted
                for side in order:
                    as_claims, pre = sides[side]
                    plan = explain(conn, open_query if side == "open" else rls_query, params, as_claims, pre)
                    plans[side] = plan
                    if run:
                        times[side].append(plan["Execution Time"])
            medians = {side: statistics.median(values) for side, values in times.items()}
            explicit = medians["open"]
            for side, label in (("rls", name), ("rls_pre", f"  after {pre_request}()")):
                if side in medians:
                    value = medians[side]
                    shown = f"{explicit:>7.3f} ms" if side == "rls" else " " * 10
                    print(f"{label:34} {value:>7.3f} ms {shown} {value / explicit:>6.2f}x {value - explicit:>+7.3f} ms")
            print(f"    plan, RLS:      {shape(plans['rls']['Plan'])}")
            print(f"    plan, explicit: {shape(plans['open']['Plan'])}")


if __name__ == "__main__":
    main()
