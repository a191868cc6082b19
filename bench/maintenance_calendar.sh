#!/usr/bin/env bash
# The maintenance calendar and the ICS feed for a technician over a month,
# through PostgREST, in a throw-away database `pulse_bench_calendar` on the
# configured server (demo data; bench/maintenance_calendar_load.sql: Acme's
# PLANT-1 crew of 20 technicians in 4 teams with a year of shifts, absences
# and scheduled work, 300 PM schedules, 9 noise tenants). Over one keep-alive
# connection (bench/maintenance_calendar.py), alternating: Acme's demo
# technician's 30 days (their work orders, their teams', their shifts), their
# ICS feed (30 days back, 180 ahead), the planner's tenant-wide 30 days (with
# the PM forecast), the technician's 30 days in SQL (no HTTP) and a one-row
# GET as the baseline. Prints medians, p95, the events returned and the
# ratios measured in this one run; asserts nothing. Drops the database and
# stops its servers on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
technicians=${CALENDAR_BENCH_TECHNICIANS:-20}
calls=${CALENDAR_BENCH_CALLS:-100}
free_port() { $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rest_port=$(free_port)
graphql_port=$(free_port)
on_bench() { DATABASE_URL=$bench_url PULSE_REST_PORT=$rest_port PULSE_GRAPHQL_PORT=$graphql_port "$@"; }
stop_servers() { on_bench $pulse down >/dev/null 2>&1 || true; bench_cleanup; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_calendar
trap stop_servers EXIT
started=$(date +%s)
psql "$bench_url" -v technicians="$technicians" -f bench/maintenance_calendar_load.sql >/dev/null
loaded=$(( $(date +%s) - started ))
quiet on_bench $pulse up --detach
technician_token=$(on_bench $pulse jwt mint --email technician@acme.test --org acme-manufacturing)
planner_token=$(on_bench $pulse jwt mint --email maintenance_planner@acme.test --org acme-manufacturing)
technician=$(psql "$bench_url" -Atc "select id from app.users where email = 'technician@acme.test'")
tenant=$(psql "$bench_url" -Atc "select id from app.organizations where slug = 'acme-manufacturing'")
$python bench/maintenance_calendar.py "http://127.0.0.1:$rest_port" "$technician_token" "$planner_token" "$technician" "$tenant" \
  "$bench_url" "$calls" "$loaded"
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
