"""The maintenance calendar bench (bench/maintenance_calendar.sh): a technician's month of the calendar and their ICS
feed through PostgREST over one keep-alive connection, the tenant's month as the planner (with the PM forecast), the
same calendar in SQL as the technician (no HTTP) and a single-row GET by primary key as the baseline, alternating in
one run; prints medians, p95 and ratios. Asserts nothing."""

import http.client
import json
import statistics
import sys
import time
import urllib.parse
from datetime import UTC, datetime, timedelta

import psycopg

SQL = """
SELECT set_config('request.jwt.claims', %(claims)s, true), set_config('role', 'app_user', true);
"""


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    base, technician_token, planner_token, technician, tenant, url, calls, loaded = sys.argv[1:9]
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    refused: dict[str, bytes] = {}

    def get(path: str, token: str | None, accept: str = "application/json") -> tuple[float, bytes]:
        headers = {"Accept": accept}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        began = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status != 200:
            refused[path.split("?")[0] + (" (tenant)" if "maintenance_calendar" in path and "for_user" not in path else "")] = body[:120]
        return elapsed, body

    connection.request("POST", "/rpc/issue_calendar_feed", body="{}",
                       headers={"Authorization": f"Bearer {technician_token}", "Content-Type": "application/json"})
    feed = json.loads(connection.getresponse().read())
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    month = {"from_at": start.isoformat(), "to_at": (start + timedelta(days=30)).isoformat()}
    mine = "/rpc/maintenance_calendar?" + urllib.parse.urlencode({**month, "for_user": technician})
    tenant_month = "/rpc/maintenance_calendar?" + urllib.parse.urlencode(month)
    one_row = None
    claims = json.dumps({"sub": technician, "role": "app_user", "org_id": tenant})
    timings: dict[str, list[float]] = {k: [] for k in ("mine", "ics", "tenant", "sql", "row")}
    sizes: dict[str, int] = {}
    with psycopg.connect(url, autocommit=True) as db:
        one_row = db.execute("SELECT id FROM app.work_orders WHERE organization_id = %s AND assignee_id = %s LIMIT 1",
                             (tenant, technician)).fetchone()[0]
        row_path = f"/work_orders?id=eq.{one_row}&select=id,work_order_number,title,status"

        def in_sql() -> tuple[float, int]:
            began = time.perf_counter()
            with db.transaction():
                db.execute(SQL, {"claims": claims})
                rows = db.execute("SELECT * FROM app.maintenance_calendar(%s, %s, for_user => %s)",
                                  (month["from_at"], month["to_at"], technician)).fetchall()
            return (time.perf_counter() - began) * 1000, len(rows)

        for _ in range(5):  # warm-up
            get(mine, technician_token), get(feed["path"], None, "*/*"), get(tenant_month, planner_token)
            get(row_path, technician_token), in_sql()
        for _ in range(int(calls)):
            elapsed, body = get(mine, technician_token)
            timings["mine"].append(elapsed)
            sizes["mine"] = len(json.loads(body)) if body.startswith(b"[") else -1
            elapsed, body = get(feed["path"], None, "*/*")
            timings["ics"].append(elapsed)
            sizes["ics"] = body.count(b"BEGIN:VEVENT")
            elapsed, body = get(tenant_month, planner_token)
            timings["tenant"].append(elapsed)
            sizes["tenant"] = len(json.loads(body)) if body.startswith(b"[") else -1
            elapsed, _ = get(row_path, technician_token)
            timings["row"].append(elapsed)
            elapsed, sizes["sql"] = in_sql()
            timings["sql"].append(elapsed)
        orders = db.execute("SELECT count(*) FROM app.work_orders").fetchone()[0]
        availability = db.execute("SELECT count(*) FROM app.technician_availability").fetchone()[0]
    median = {k: statistics.median(v) for k, v in timings.items()}
    labels = {
        "mine": "GET /rpc/maintenance_calendar, technician, 30 days",
        "ics": "GET /rpc/calendar_ics (feed token, 210 days, text/calendar)",
        "tenant": "GET /rpc/maintenance_calendar, planner, tenant, 30 days",
        "sql": "the technician's 30 days in SQL (claims set, no HTTP)",
        "row": "GET /work_orders?id=eq (one row, baseline)",
    }
    print(f"{'ms per call':<62} {'median':>8} {'p95':>8} {'n':>5} {'events':>7}")
    for key, label in labels.items():
        events = "" if key == "row" else str(sizes[key])
        print(f"{label:<62} {median[key]:8.2f} {p95(timings[key]):8.2f} {len(timings[key]):5d} {events:>7}")
    print(f"ratios (medians, this run): technician month / one-row GET {median['mine'] / median['row']:.1f}; "
          f"REST / SQL {median['mine'] / median['sql']:.2f}; ICS feed / technician month {median['ics'] / median['mine']:.2f}; "
          f"tenant month / technician month {median['tenant'] / median['mine']:.2f}")
    print(f"work orders: {orders}, availability rows: {availability} in 10 tenants (loaded in {loaded} s)")
    for path, body in refused.items():
        print(f"refused at least once (timed all the same, events -1): {path}: {body!r}")


if __name__ == "__main__":
    main()
