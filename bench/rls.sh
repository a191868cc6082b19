#!/usr/bin/env bash
# What row-level security costs, on this machine, in a throw-away database
# `pulse_bench` on the configured server (20 tenants x 100,000 rows in two
# identical tables, one behind RLS, one open):
#   EXPLAIN ANALYZE at 1M rows, RLS only vs an explicit tenant filter  (bar: <= 1.2x)
#   PostgREST, one row by key, wrk: RLS as a member vs open as anon     (bar: RLS/open >= 0.90)
#   PostGraphile, the same lookup as a GraphQL query (wrk POST)          (bar: RLS/open >= 0.85)
# and, to tell the policy from the cost of the token, the open table read
# with the member's token too. Prints the figures; asserts nothing. Drops
# the database and stops its servers on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse
python=.venv/bin/python
began=$EPOCHREALTIME
database=pulse_bench
rounds=${RLS_BENCH_ROUNDS:-3}

psql() { PGOPTIONS=--client-min-messages=warning command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# A pulse command's progress lines only when it fails.
quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }
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
bench_graphql_port=$(free_port)
rest=http://127.0.0.1:$rest_port
graphql=http://127.0.0.1:$bench_graphql_port/graphql
work=$(mktemp -d)
graphql_pid=

# Every pulse command on the bench database and the bench stack's ports.
on_bench() { DATABASE_URL=$bench_url PULSE_REST_PORT=$rest_port PULSE_GRAPHQL_PORT=$graphql_port "$@"; }

cleanup() {
  if [[ -n $graphql_pid ]]; then kill "$graphql_pid" 2>/dev/null || true; wait "$graphql_pid" 2>/dev/null || true; fi
  on_bench $pulse down >/dev/null 2>&1 || true
  psql "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  if [[ $cluster_running == 0 ]]; then $pulse db stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
quiet on_bench $pulse db migrate
quiet on_bench $pulse seed --demo
# Started before the bench tables exist: `pulse up` migrates, and the policy
# reset would drop their policy and grants.
quiet on_bench $pulse up --detach

loading=$EPOCHREALTIME
psql "$bench_url" -f bench/rls_tables.sql
psql "$bench_url" -v first=1 -v last=10 -f bench/rls_load.sql
psql "$bench_url" -f bench/rls_access.sql
load_first=$(elapsed "$loading")

org=$(psql "$bench_url" -Atc "select id from app.organizations where slug = 'acme-manufacturing'")
member=$(psql "$bench_url" -Atc "
  select u.email from app.memberships m join app.users u on u.id = m.user_id
   where m.organization_id = '$org' and m.status = 'active' and not u.is_platform_operator
   order by m.created_at, u.email limit 1")
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

# PostGraphile reads the schema once, at start (no watch mode), so the stack's
# server knows nothing of the bench tables: a second one, same config, reads
# them now.
(
  eval "$(on_bench $python -c "
import shlex
from pulse.config import Settings
for name, value in Settings.load().server_environment().items(): print(f'export {name}={shlex.quote(value)}')")"
  export PULSE_GRAPHQL_PORT=$bench_graphql_port
  exec node_modules/.bin/node config/graphql-server.mjs >"$work/graphql.log" 2>&1
) &
graphql_pid=$!
for _ in $(seq 300); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$graphql") == 200 ]] && break
  kill -0 "$graphql_pid" 2>/dev/null || { cat "$work/graphql.log" >&2; exit 1; }
  sleep 0.1
done
# The same lookup by (organization_id, id) as a GraphQL query, POSTed as a
# client would. (The single-row field benchItem(rowId) takes the tenant from
# the policy, which the open table has not: there it would scan every tenant.)
lookup() { printf '{"query":"{ %s(condition: {organizationId: \\"%s\\", rowId: \\"%s\\"}) { nodes { rowId name quantity createdAt } } }"}' "$1" "$org" "$row_id"; }
lookup benchItems >"$work/rls.json"
lookup benchItemsOpens >"$work/open.json"
cat >"$work/post.lua" <<'LUA'
local file = io.open(os.getenv("BENCH_BODY"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
LUA

rest_pid=$(on_bench $python -c "from pulse import stack; from pulse.config import Settings; print(stack.running_pids(Settings.load())['postgrest'])")

rls_url="$rest/bench_items?organization_id=eq.$org&id=eq.$row_id"
open_url="$rest/bench_items_open?organization_id=eq.$org&id=eq.$row_id"
auth="Authorization: Bearer $token"

# PostgREST reloads its schema cache asynchronously after the NOTIFY.
for _ in $(seq 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$open_url") == 200 ]] && break
  sleep 0.1
done
rows() { curl -s "$@" | $python -c 'import json, sys; body = json.load(sys.stdin); print(len(body) if isinstance(body, list) else body)'; }
echo "rows answered: RLS $(rows -H "$auth" "$rls_url"), open $(rows "$open_url"), open with the token $(rows -H "$auth" "$open_url")"
found() { curl -s -H 'Content-Type: application/json' --data-binary "@$work/$1.json" "${@:2}" "$graphql" |
  $python -c 'import json, sys; body = json.load(sys.stdin); data = body.get("data") or {}; print(sum(len(v["nodes"]) for v in data.values()) if data else body)'; }
echo "GraphQL rows answered: RLS $(found rls -H "$auth"), open $(found open), open with the token $(found open -H "$auth")"

# One wrk run against a target: prints requests/s, p50 ms, p99 ms, non-2xx responses.
wrk_run() {
  local seconds=$1 target=$2
  case $target in
    rls) set -- -H "$auth" "$rls_url" ;;
    open) set -- "$open_url" ;;
    open_token) set -- -H "$auth" "$open_url" ;;
    gql_rls) set -- -s "$work/post.lua" -H "$auth" "$graphql"; export BENCH_BODY=$work/rls.json ;;
    gql_open) set -- -s "$work/post.lua" "$graphql"; export BENCH_BODY=$work/open.json ;;
    gql_open_token) set -- -s "$work/post.lua" -H "$auth" "$graphql"; export BENCH_BODY=$work/open.json ;;
  esac
  # CPU the two servers and every database backend spent, per request: what a
  # busy shared machine blurs far less than throughput.
  local pids before after
  pids="$rest_pid $graphql_pid $(psql "$admin_url" -Atc "select pid from pg_stat_activity where backend_type = 'client backend'")"
  before=$(cpu_ticks $pids)
  wrk -t2 -c16 -d"$seconds"s --latency "$@" >"$work/wrk.out"
  # Backends a server's pool opened during the run count from zero.
  after=$(cpu_ticks $pids $(psql "$admin_url" -Atc "select pid from pg_stat_activity where backend_type = 'client backend'"))
  awk -v tick="$(getconf CLK_TCK)" -v before="$before" -v after="$after" '
    function ms(v) { n = v + 0; if (v ~ /us$/) return n / 1000; if (v ~ /ms$/) return n; if (v ~ /m$/) return n * 60000; return n * 1000 }
    BEGIN { n = split(before, b, " "); for (i = 1; i < n; i += 2) start[b[i]] = b[i + 1]
            n = split(after, a, " "); for (i = 1; i < n; i += 2) if (!(a[i] in seen)) { seen[a[i]]; used += a[i + 1] - start[a[i]] } }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } / requests in / { requests = $1 }
    $1 == "Requests/sec:" { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %d %.4f\n", rps, p50, p99, bad, requests ? used * 1000 / tick / requests : 0 }' "$work/wrk.out"
}
# "pid ticks" of each live process: user + system CPU, in clock ticks.
cpu_ticks() { local p; for p in "$@"; do [[ -r /proc/$p/stat ]] && awk -v p="$p" '{ printf "%s %d ", p, $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done; true; }
targets="rls open open_token gql_rls gql_open gql_open_token"
for target in $targets; do wrk_run 3 "$target" >/dev/null; done
# Several rounds in turn, so that a slow spell of a shared machine hits
# every target alike; the ratio is taken within each round.
results=$(for round in $(seq "$rounds"); do
  for target in $targets; do echo "$round $target $(wrk_run 10 "$target")"; done
done)

echo
echo "One row by key, 20 tenants x 100,000 rows: PostgREST GET by (organization_id, id),"
echo "PostGraphile POST { benchItems(condition: {organizationId, rowId}) }; wrk -t2 -c16 -d10s --latency,"
echo "$rounds rounds in turn; medians over the rounds. cpu ms/req: CPU of both servers and of every database"
echo "backend per request (/proc), which a busy shared machine blurs far less than throughput"
awk -v rounds="$rounds" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rps[$1, $2] = $3; p50[$2] = p50[$2] " " $4; p99[$2] = p99[$2] " " $5; all[$2] = all[$2] " " $3; bad[$2] += $6
    cpu[$1, $2] = $7; cpus[$2] = cpus[$2] " " $7 }
  function row(label, t) { printf "%-38s %9.1f %8.2f %8.2f %8d %9.3f\n", label, median(all[t]), median(p50[t]), median(p99[t]), bad[t], median(cpus[t]) }
  function ratio(label, a, b, note,   r, list, cpu_list) {
    for (r = 1; r <= rounds; r++) list = list sprintf(" %.3f", rps[r, a] / rps[r, b])
    for (r = 1; r <= rounds; r++) cpu_list = cpu_list sprintf(" %.3f", cpu[r, a] ? cpu[r, b] / cpu[r, a] : 0)
    printf "%-38s %9.3f   %s; rounds:%s\n", label, median(list), note, list
    printf "%-38s %9.3f   the same by CPU per request (%s); rounds:%s\n", "", median(cpu_list), b " / " a, cpu_list
  }
  END {
    printf "%-38s %9s %8s %8s %8s %9s\n", "", "req/s", "p50 ms", "p99 ms", "non-2xx", "cpu ms/req"
    row("bench_items, RLS, member token", "rls")
    row("bench_items_open, anon", "open")
    row("bench_items_open, same token", "open_token")
    ratio("throughput RLS / open anon", "rls", "open", "bar: >= 0.90")
    ratio("throughput RLS / open same token", "rls", "open_token", "the policy alone")
    row("GraphQL benchItems, RLS, member token", "gql_rls")
    row("GraphQL benchItemsOpens, anon", "gql_open")
    row("GraphQL benchItemsOpens, same token", "gql_open_token")
    ratio("GraphQL RLS / open anon", "gql_rls", "gql_open", "bar: >= 0.85")
    ratio("GraphQL RLS / open same token", "gql_rls", "gql_open_token", "the policy alone")
  }' <<<"$results"
echo
echo "setup: 1M rows x 2 tables ${load_first} s, next 1M rows x 2 tables ${load_rest} s; total $(elapsed "$began") s"
