"""The technician's work-order list (bench/work_order_list.sh): timed over one keep-alive HTTP connection to PostgREST,
and the same query in SQL as the owner, alternating; prints medians, p95 and ratios. Asserts nothing."""

import http.client
import statistics
import sys
import time
import urllib.parse

import psycopg

BUDGET_MS = 20.0
OPEN = "planned,scheduled,in_progress,on_hold"
SQL = """
SELECT w.id, w.work_order_number, w.title, w.status, w.priority, w.due_date,
       (SELECT json_agg(json_build_object('equipment_id', a.equipment_id, 'is_primary', a.is_primary))
          FROM app.work_order_assets a WHERE a.organization_id = w.organization_id AND a.work_order_id = w.id)
  FROM app.work_orders w
 WHERE w.organization_id = (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing')
   AND w.assignee_id = %s AND w.status IN ('planned', 'scheduled', 'in_progress', 'on_hold')
 ORDER BY w.due_date, w.id LIMIT 50
"""


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    base, token, technician, url, calls, orders, loaded = sys.argv[1:8]
    parts = urllib.parse.urlsplit(base)
    path = "/work_orders?" + urllib.parse.urlencode({
        "select": "id,work_order_number,title,status,priority,due_date,work_order_assets(equipment_id,is_primary)",
        "assignee_id": f"eq.{technician}", "status": f"in.({OPEN})", "order": "due_date.asc,id.asc", "limit": "50"}, safe="(),.*")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    rest: list[float] = []
    sql: list[float] = []
    rows = 0
    with psycopg.connect(url, autocommit=True) as db:
        for _ in range(20):  # warm-up
            connection.request("GET", path, headers=headers)
            connection.getresponse().read()
            db.execute(SQL, (technician,)).fetchall()
        for _ in range(int(calls)):
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            rest.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                sys.exit(f"PostgREST answered {response.status}: {body[:200]!r}")
            rows = body.count(b'"work_order_number"')
            began = time.perf_counter()
            db.execute(SQL, (technician,)).fetchall()
            sql.append((time.perf_counter() - began) * 1000)
        plan = "\n".join(r[0] for r in db.execute("EXPLAIN " + SQL, (technician,)).fetchall())
    index = "work_orders_assignee_open_idx" in plan
    rest_p50, sql_p50 = statistics.median(rest), statistics.median(sql)
    print(f"{'ms per call':<58} {'median':>8} {'p95':>8} {'n':>6}")
    print(f"{'GET /work_orders, technician PLANT-1 (RLS, HTTP, JSON)':<58} {rest_p50:8.2f} {p95(rest):8.2f} {len(rest):6d}   rows {rows}")
    print(f"{'the same query in SQL, owner (no RLS, no HTTP)':<58} {sql_p50:8.2f} {p95(sql):8.2f} {len(sql):6d}")
    verdict = "met" if rest_p50 <= BUDGET_MS else "missed"
    print(f"ratio median / 20 ms budget (this run): {rest_p50 / BUDGET_MS:.2f} ({verdict}); "
          f"PostgREST / SQL floor: {rest_p50 / sql_p50:.2f}")
    print(f"work orders: {orders} in 20 tenants (loaded in {loaded} s); owner plan uses work_orders_assignee_open_idx: {index}")


if __name__ == "__main__":
    main()
