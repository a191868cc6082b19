#!/usr/bin/env bash
# What row-level security costs, on this machine, in a throw-away database
# `pulse_bench` on the configured server (20 tenants x 100,000 rows in two
# identical tables, one behind RLS, one open):
#   EXPLAIN ANALYZE at 1M rows, RLS only vs an explicit tenant filter  (bar: <= 1.2x)
#   PostgREST, one row by key, wrk: RLS as a member vs open as anon     (bar: RLS/open >= 0.90)
# Prints the figures; asserts nothing. Drops the database and stops its
# servers on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse
python=.venv/bin/python
began=$EPOCHREALTIME
database=pulse_bench

psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
free_port() { $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

IFS=$'\t' read -r admin_url bench_url external cluster_running < <($python -c "
from pulse.cluster import Cluster
from pulse.config import Settings
s = Settings.load()
running = s.external or Cluster(s).running()
print(s.url_for_database('postgres'), s.url_for_database('$database'), int(s.external), int(running), sep='\t')")
rest_port=$(free_port)
graphql_port=$(free_port)
rest=http://127.0.0.1:$rest_port

# Every pulse command on the bench database and the bench stack's ports.
on_bench() { DATABASE_URL=$bench_url PULSE_REST_PORT=$rest_port PULSE_GRAPHQL_PORT=$graphql_port "$@"; }

cleanup() {
  on_bench $pulse down >/dev/null 2>&1 || true
  psql "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  if [[ $cluster_running == 0 ]]; then $pulse db stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $cluster_running == 0 ]]; then $pulse db start >/dev/null; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
on_bench $pulse db migrate >/dev/null
on_bench $pulse seed --demo >/dev/null
# Started before the bench tables exist: `pulse up` migrates, and the policy
# reset would drop their policy and grants.
on_bench $pulse up --detach >/dev/null

loading=$EPOCHREALTIME
psql "$bench_url" -f bench/rls_tables.sql
psql "$bench_url" -v first=1 -v last=10 -f bench/rls_load.sql
psql "$bench_url" -f bench/rls_access.sql
load_first=$(elapsed "$loading")

org=$(psql "$bench_url" -Atc "select id from app.organizations where slug = 'acme-manufacturing'")
member=$(psql "$bench_url" -Atc "
  select u.email from app.memberships m join app.users u on u.id = m.user_id
   where m.organization_id = '$org' and m.is_active and not u.is_platform_operator
   order by u.email limit 1")
token=$(on_bench $pulse jwt mint --email "$member" --org acme-manufacturing)
# Both tables hold the same rows, so one id names a row of acme in each.
row_id=$(psql "$bench_url" -Atc "
  select id from app.bench_items_open where organization_id = '$org' order by id offset 50000 limit 1")

echo "tenant acme-manufacturing ($org), member $member, row $row_id"
echo
$python bench/rls_explain.py "$bench_url" "$token" "$row_id" 20
echo

loading=$EPOCHREALTIME
psql "$bench_url" -v first=11 -v last=20 -f bench/rls_load.sql
psql "$bench_url" -f bench/rls_access.sql
psql "$bench_url" -c "notify pgrst, 'reload schema'"
load_rest=$(elapsed "$loading")

rls_url="$rest/bench_items?organization_id=eq.$org&id=eq.$row_id"
open_url="$rest/bench_items_open?organization_id=eq.$org&id=eq.$row_id"
auth="Authorization: Bearer $token"

# PostgREST reloads its schema cache asynchronously after the NOTIFY.
for _ in $(seq 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$open_url") == 200 ]] && break
  sleep 0.1
done
rows() { curl -s "$@" | $python -c 'import json, sys; body = json.load(sys.stdin); print(len(body) if isinstance(body, list) else body)'; }
echo "rows answered: RLS $(rows -H "$auth" "$rls_url"), open $(rows "$open_url")"

# requests/s, p50 ms, p99 ms, non-2xx responses from `wrk --latency`.
measure() {
  wrk -t2 -c16 -d10s --latency "$@" | awk '
    function ms(v) { n = v + 0; if (v ~ /us$/) return n / 1000; if (v ~ /ms$/) return n; if (v ~ /m$/) return n * 60000; return n * 1000 }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %d\n", rps, p50, p99, bad }'
}
wrk -t2 -c16 -d3s -H "$auth" "$rls_url" >/dev/null
wrk -t2 -c16 -d3s "$open_url" >/dev/null
read -r rls_rps rls_p50 rls_p99 rls_bad < <(measure -H "$auth" "$rls_url")
read -r open_rps open_p50 open_p99 open_bad < <(measure "$open_url")

echo
echo "PostgREST, GET one row by (organization_id, id), 20 tenants x 100,000 rows, wrk -t2 -c16 -d10s"
printf '%-26s %10s %9s %9s %8s\n' "" "req/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-26s %10.1f %9.2f %9.2f %8d\n' "bench_items (RLS, member)" "$rls_rps" "$rls_p50" "$rls_p99" "$rls_bad"
printf '%-26s %10.1f %9.2f %9.2f %8d\n' "bench_items_open (anon)" "$open_rps" "$open_p50" "$open_p99" "$open_bad"
awk -v a="$rls_rps" -v b="$open_rps" 'BEGIN { printf "%-26s %10.3f   (bar: >= 0.90)\n", "throughput RLS / open", a / b }'
echo
echo "setup: 1M rows x 2 tables ${load_first} s, next 1M rows x 2 tables ${load_rest} s; total $(elapsed "$began") s"
