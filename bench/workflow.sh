#!/usr/bin/env bash
# The project workflow under load, on this machine, in a throw-away database
# `pulse_bench_workflow` on the configured server (20 tenants x 10,000
# projects, each project in a stage with that stage's 3-4 sub-stages seeded):
#   a manual stage change that seeds 30 sub-stages, by pgbench     (bar: <= 5 ms)
#     (statements prepared, as PostgREST sends them by default; and once more
#     unprepared, as through PgBouncer, where db-prepared-statements is off)
#   app.update_progress, complete and start, by pgbench             (bar: <= 5 ms)
#   PostgREST GET /project_workflow of a random project, by wrk     (bar: p50 <= 20 ms; the spec's: 250 ms)
#   and, as the baseline in the same run, GET /projects of one row by id.
# The writes act as the APIs do: one transaction per call that sets the role
# and the claims, runs auth.check_request() and then the statement; timings
# are per transaction from pgbench's log (median, p95). Prints the figures;
# asserts nothing. Drops the database and stops its servers on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse
python=.venv/bin/python
began=$EPOCHREALTIME
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
database=pulse_bench_workflow
stage_changes=${WORKFLOW_BENCH_STAGE_CHANGES:-300}
progress_actions=${WORKFLOW_BENCH_PROGRESS_ACTIONS:-500}
rounds=${WORKFLOW_BENCH_ROUNDS:-3}

psql() { PGOPTIONS=--client-min-messages=warning command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# A pulse command's progress lines only when it fails.
quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '%6.1f s  %s\n' "$(elapsed "$began")" "$*"; }
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
work=$(mktemp -d)

# Every pulse command on the bench database and the bench stack's ports.
on_bench() { DATABASE_URL=$bench_url PULSE_REST_PORT=$rest_port PULSE_GRAPHQL_PORT=$graphql_port "$@"; }

cleanup() {
  on_bench $pulse down >/dev/null 2>&1 || true
  psql "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  if [[ $cluster_running == 0 ]]; then $pulse db stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "database $database: create, migrate, seed the demo data"
if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
quiet on_bench $pulse db migrate
quiet on_bench $pulse seed --demo
step "PostgREST and PostGraphile on ports $rest_port and $graphql_port"
quiet on_bench $pulse up --detach

step "18 more tenants (default workflow by trigger), 10 projects each through the triggers"
psql "$bench_url" -f bench/workflow_tenants.sql
step "acme-manufacturing: a 30-sub-stage stage and a definition with it; $((2 * stage_changes)) + $progress_actions projects through the triggers, as management"
psql "$bench_url" -v stage_targets="$((2 * stage_changes))" -v progress_targets="$progress_actions" -f bench/workflow_prepare.sql
for first in 1 6 11 16; do
  step "bulk load, tenants $first-$((first + 4)) of 20, up to 10,000 projects each"
  psql "$bench_url" -v first=$first -v last=$((first + 4)) -f bench/workflow_load.sql
done
step "VACUUM ANALYZE"
psql "$bench_url" -c "vacuum analyze app.projects, app.project_sub_stage_progress, app.project_stage_transitions,
                             app_private.human_id_counters, app.notifications, audit.activity_log"
IFS=$'\t' read -r projects progress_rows < <(psql "$bench_url" -AtF $'\t' -c "
  select (select count(*) from app.projects), (select count(*) from app.project_sub_stage_progress)")

IFS=$'\t' read -r org big_stage management sales engineering rfq_review clarification < <(psql "$bench_url" -AtF $'\t' -c "
  select o.id, s.id,
         (select id from app.users where email = 'management@acme.test'),
         (select id from app.users where email = 'sales@acme.test'),
         (select id from app.users where email = 'engineering@acme.test'),
         (select id from app.workflow_sub_stages where organization_id = o.id and slug = 'rfq-review'),
         (select id from app.workflow_sub_stages where organization_id = o.id and slug = 'customer-clarification')
    from app.organizations as o
    join app.workflow_stages as s on s.organization_id = o.id and s.slug = 'bench-thirty-steps'
   where o.slug = 'acme-manufacturing'")
first_number() { psql "$bench_url" -Atc "select min(number) - 1 from app_private.bench_workflow_targets where kind = '$1'"; }
claims() { printf '{"sub":"%s","role":"app_user","org_id":"%s"}' "$1" "$org"; }

# One transaction per call, shaped like a PostgREST request: role and claims
# for the transaction, the pre-request check, the call. Transaction k works
# on the k-th prepared project (human ids are consecutive).
cat >"$work/stage.pgbench" <<'EOF'
\set k :k + 1
\set n :base + :k
BEGIN;
SELECT set_config('request.jwt.claims', :claims, true), set_config('role', 'app_user', true);
SELECT auth.check_request();
SELECT app.override_project_stage(
  (SELECT id FROM app.projects WHERE organization_id = :org AND project_number = 'PRJ-' || lpad(:n::text, 6, '0')), :stage, 'bench');
COMMIT;
EOF
cat >"$work/progress.pgbench" <<'EOF'
\set k :k + 1
\set n :base + :k
BEGIN;
SELECT set_config('request.jwt.claims', :claims, true), set_config('role', 'app_user', true);
SELECT auth.check_request();
SELECT (app.update_progress(p.id, :sub, :action)).status
  FROM app.projects AS p
 WHERE p.organization_id = :org AND p.project_number = 'PRJ-' || lpad(:n::text, 6, '0');
COMMIT;
EOF
# pgbench, one client, one transaction per prepared project; prints the
# median and p95 in ms from the per-transaction log. Statements are prepared
# (-M prepared) as PostgREST prepares its own (db-prepared-statements), unless
# the query mode is given.
timed() {
  local name=$1 script=$2 count=$3 mode=prepared
  shift 3
  if [[ ${1:-} == -M ]]; then mode=$2; shift 2; fi
  if ! (cd "$work" && pgbench -n -c1 -t "$count" -M "$mode" -D k=0 "$@" -l --log-prefix="$name" -f "$script" "$bench_url" \
        >"$name.out" 2>&1); then
    cat "$work/$name.out" >&2
    return 1
  fi
  sort -n -k3,3 "$work/$name".[0-9]* | awk '{ t[NR] = $3 / 1000 } END { printf "%.2f %.2f %d\n", t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], NR }'
}

step "stage change into the 30-sub-stage stage, $stage_changes projects one at a time, as management@acme.test"
read -r stage_p50 stage_p95 stage_n < <(timed stage stage.pgbench "$stage_changes" \
  -D base="$(first_number stage)" -D stage="$big_stage" -D org="$org" -D claims="$(claims "$management")")
step "the same, $stage_changes more projects, statements unprepared (as through PgBouncer)"
read -r pooled_p50 pooled_p95 pooled_n < <(timed pooled stage.pgbench "$stage_changes" -M extended \
  -D base="$(($(first_number stage) + stage_changes))" -D stage="$big_stage" -D org="$org" -D claims="$(claims "$management")")
stage_seeded=$(psql "$bench_url" -Atc "
  select count(*) filter (where n = 30 and moved) || '/' || count(*) from (
    select t.project_id, bool_and(p.current_stage_id = '$big_stage') as moved, count(pr.id) as n
      from app_private.bench_workflow_targets as t
      join app.projects as p on p.id = t.project_id
      left join app.project_sub_stage_progress as pr
        on pr.organization_id = p.organization_id and pr.project_id = p.id and pr.workflow_stage_id = '$big_stage'
     where t.kind = 'stage' group by t.project_id) as x")

step "update_progress as sales@acme.test: complete RFQ Review, then start Customer Clarification, $progress_actions projects each"
progress_base=$(first_number progress)
read -r complete_p50 complete_p95 complete_n < <(timed complete progress.pgbench "$progress_actions" \
  -D base="$progress_base" -D sub="$rfq_review" -D action=complete -D org="$org" -D claims="$(claims "$sales")")
read -r start_p50 start_p95 start_n < <(timed start progress.pgbench "$progress_actions" \
  -D base="$progress_base" -D sub="$clarification" -D action=start -D org="$org" -D claims="$(claims "$sales")")
IFS=$'\t' read -r completed started < <(psql "$bench_url" -AtF $'\t' -c "
  select count(*) filter (where pr.sub_stage_id = '$rfq_review' and pr.status = 'completed') || '/$progress_actions',
         count(*) filter (where pr.sub_stage_id = '$clarification' and pr.status = 'in_progress') || '/$progress_actions'
    from app_private.bench_workflow_targets as t
    join app.project_sub_stage_progress as pr on pr.organization_id = '$org' and pr.project_id = t.project_id
   where t.kind = 'progress'")

# Reads: 1,000 random projects of acme-manufacturing, as its engineering member.
token=$(on_bench $pulse jwt mint --email engineering@acme.test --org acme-manufacturing)
psql "$bench_url" -Atc "
  select id from app.projects where organization_id = '$org' order by random() limit 1000" >"$work/ids"
sed 's|.*|/project_workflow?project_id=eq.&\&order=stage_order,sub_stage_order|' "$work/ids" >"$work/workflow.paths"
sed 's|.*|/projects?id=eq.&|' "$work/ids" >"$work/baseline.paths"
cat >"$work/pick.lua" <<'EOF'
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function() return wrk.format(nil, paths[math.random(#paths)]) end
EOF
auth="Authorization: Bearer $token"
rows() { curl -s -H "$auth" "$rest$1" | $python -c 'import json, sys; body = json.load(sys.stdin); print(len(body) if isinstance(body, list) else body)'; }
read -r one_id <"$work/ids"
step "PostgREST answers: workflow $(rows "/project_workflow?project_id=eq.$one_id&order=stage_order,sub_stage_order") rows, baseline $(rows "/projects?id=eq.$one_id") row"

# The same reads in SQL only (one project, as the member, prepared statements),
# to tell the database's share from the server's.
sql_latency() {
  local who=$1 query=$2
  printf '%s\n' "$query" >"$work/read.pgbench"
  if [[ $who == member ]]; then
    PGOPTIONS="-c role=app_user -c request.jwt.claims=$(claims "$engineering")" \
      pgbench -n -c1 -T3 -M prepared -D id="$one_id" -D org="$org" -f "$work/read.pgbench" "$bench_url" 2>&1
  else
    pgbench -n -c1 -T3 -M prepared -D id="$one_id" -D org="$org" -f "$work/read.pgbench" "$bench_url" 2>&1
  fi | awk '/latency average/ { print $4 }'
}
workflow_sql="SELECT count(*) FROM (SELECT * FROM app.project_workflow WHERE organization_id = :org AND project_id = :id ORDER BY stage_order, sub_stage_order) AS w;"
sql_workflow_member=$(sql_latency member "$workflow_sql")
sql_workflow_owner=$(sql_latency owner "$workflow_sql")
sql_project_member=$(sql_latency member "SELECT count(*) FROM (SELECT * FROM app.projects WHERE organization_id = :org AND id = :id) AS p;")

# One wrk run: prints requests/s, p50 ms, p99 ms, non-2xx responses.
wrk_run() {
  local seconds=$1 target=$2 threads=${3:-2} connections=${4:-8}
  BENCH_PATHS="$work/$target.paths" wrk -t"$threads" -c"$connections" -d"$seconds"s --latency -s "$work/pick.lua" -H "$auth" "$rest" | awk '
    function ms(v) { n = v + 0; if (v ~ /us$/) return n / 1000; if (v ~ /ms$/) return n; if (v ~ /m$/) return n * 60000; return n * 1000 }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %d\n", rps, p50, p99, bad }'
}
step "wrk -t2 -c8: warm-up, then $rounds rounds of 10 s per target"
for target in workflow baseline; do wrk_run 2 "$target" >/dev/null; done
results=$(for round in $(seq "$rounds"); do
  for target in workflow baseline; do echo "$round $target $(wrk_run 10 "$target")"; done
done)
step "wrk -t1 -c1, 5 s per target: latency without queueing"
read -r _ single_workflow_p50 _ _ < <(wrk_run 5 workflow 1 1)
read -r _ single_baseline_p50 _ _ < <(wrk_run 5 baseline 1 1)
step "done"

echo
echo "Project workflow: 20 tenants x 10,000 projects ($projects projects, $progress_rows progress rows)"
echo "$(nproc) cores; load average at the start $load_before, now $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-54s %9s %9s %6s   %-9s %s\n' "writes: pgbench, 1 client, ms per transaction" "median" "p95" "n" "bar" "check"
row() { awk -v l="$1" -v a="$2" -v b="$3" -v n="$4" -v c="$5" 'BEGIN {
  printf "%-54s %9.2f %9.2f %6d   <= 5 ms   %s at the median, %s at p95; %s\n", l, a, b, n,
    a + 0 <= 5 ? "met" : "missed", b + 0 <= 5 ? "met" : "missed", c }'; }
row "stage change seeding 30 sub-stages (management)" "$stage_p50" "$stage_p95" "$stage_n" \
  "$stage_seeded moved, each with 30 progress rows"
row "the same, unprepared (as through PgBouncer)" "$pooled_p50" "$pooled_p95" "$pooled_n" "statements parsed and planned each time"
row "update_progress complete (sales; RFQ Review)" "$complete_p50" "$complete_p95" "$complete_n" "$completed completed"
row "update_progress start (sales; Customer Clarification)" "$start_p50" "$start_p95" "$start_n" "$started in progress"
echo
echo "reads: PostgREST, engineering@acme.test's token, random projects of acme-manufacturing"
echo "wrk -t2 -c8 -d10s --latency, $rounds rounds in turn; medians over the rounds"
awk -v rounds="$rounds" -v one_w="$single_workflow_p50" -v one_b="$single_baseline_p50" -v sqlm="$sql_workflow_member" -v sqlo="$sql_workflow_owner" -v sqlp="$sql_project_member" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rps[$1, $2] = $3; p50r[$1, $2] = $4; all[$2] = all[$2] " " $3; p50[$2] = p50[$2] " " $4; p99[$2] = p99[$2] " " $5; bad[$2] += $6 }
  END {
    printf "%-54s %9s %9s %9s %8s   %s\n", "", "req/s", "p50 ms", "p99 ms", "non-2xx", "bar"
    m = median(p50["workflow"]); t = median(p99["workflow"])
    spec = t <= 250 ? "met even at p99" : m <= 250 ? "met at p50, missed at p99" : "missed"
    printf "%-54s %9.1f %9.2f %9.2f %8d   p50 <= 20 ms: %s; the spec'"'"'s 250 ms: %s\n", "GET /project_workflow?project_id=eq.<id>&order=...",
      median(all["workflow"]), m, t, bad["workflow"], m <= 20 ? "met" : "missed", spec
    printf "%-54s %9.1f %9.2f %9.2f %8d   baseline\n", "GET /projects?id=eq.<id>",
      median(all["baseline"]), median(p50["baseline"]), median(p99["baseline"]), bad["baseline"]
    for (r = 1; r <= rounds; r++) { lat = lat sprintf(" %.2f", p50r[r, "workflow"] / p50r[r, "baseline"]); thr = thr sprintf(" %.3f", rps[r, "workflow"] / rps[r, "baseline"]) }
    printf "%-54s %9.2f   rounds:%s\n", "latency ratio workflow / baseline (p50)", median(lat), lat
    printf "%-54s %9.3f   rounds:%s\n", "throughput ratio workflow / baseline", median(thr), thr
    printf "%-54s %9.2f ms workflow, %.2f ms baseline\n", "p50 with one connection (wrk -t1 -c1 -d5s)", one_w, one_b
    printf "%-54s %9.2f ms as the member, %.2f ms as the owner (no RLS)\n", "the workflow in SQL alone, one project, prepared", sqlm, sqlo
    printf "%-54s %9.2f ms as the member\n", "the project row in SQL alone, prepared", sqlp
  }' <<<"$results"
echo
echo "total $(elapsed "$began") s"
