#!/usr/bin/env bash
# A technician's work-order list through PostgREST, in a throw-away database
# `pulse_bench_work_orders` on the configured server (demo data;
# bench/work_order_list_load.sql: 20 tenants x 50,000 work orders = 1M, each
# with its primary asset row): Acme's technician (scoped to PLANT-1) asks
# GET /work_orders for their open work orders by due date with their assets
# (work_order_assets embedded), first page of 50, over one keep-alive
# connection (bench/work_order_list.py); the same query in SQL as the owner
# (no RLS, no HTTP) is the floor. Prints median and p95 in ms, the ratio of
# the median to the 20 ms budget and to the floor, measured in this one
# run; asserts nothing. Drops the database and stops its servers on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
per_tenant=${WORK_ORDER_BENCH_PER_TENANT:-50000}
calls=${WORK_ORDER_BENCH_CALLS:-300}
free_port() { $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rest_port=$(free_port)
graphql_port=$(free_port)
on_bench() { DATABASE_URL=$bench_url PULSE_REST_PORT=$rest_port PULSE_GRAPHQL_PORT=$graphql_port "$@"; }
stop_servers() { on_bench $pulse down >/dev/null 2>&1 || true; bench_cleanup; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_work_orders
trap stop_servers EXIT
started=$(date +%s)
psql "$bench_url" -v per_tenant="$per_tenant" -f bench/work_order_list_load.sql >/dev/null
loaded=$(( $(date +%s) - started ))
orders=$(psql "$bench_url" -Atc "select count(*) from app.work_orders")
quiet on_bench $pulse up --detach
token=$(on_bench $pulse jwt mint --email technician@acme.test --org acme-manufacturing)
technician=$(psql "$bench_url" -Atc "select id from app.users where email = 'technician@acme.test'")
$python bench/work_order_list.py "http://127.0.0.1:$rest_port" "$token" "$technician" "$bench_url" "$calls" "$orders" "$loaded"
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
