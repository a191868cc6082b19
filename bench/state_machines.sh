#!/usr/bin/env bash
# app.transition in SQL, in a throw-away database `pulse_bench_state_machines`
# on the configured server (demo data; bench/state_machines_prepare.sql):
#   a transition with 3 guards (permission, required fields, complete checklist)  (bar: <= 5 ms)
#   and, as the baseline in the same run, a transition with no guard.
# pgbench, one client, one transaction per call shaped like an API request
# (role and claims, auth.check_request(), the call); each call toggles a
# random entity between two states. Prints median and p95 in ms from
# pgbench's per-transaction log, and their ratio; asserts nothing. Drops the
# database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse
python=.venv/bin/python
database=pulse_bench_state_machines
transitions=${STATE_MACHINE_BENCH_TRANSITIONS:-2000}
loop_calls=${STATE_MACHINE_BENCH_LOOP_CALLS:-500}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

psql() { PGOPTIONS=--client-min-messages=warning command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }

IFS=$'\t' read -r admin_url bench_url cluster_running < <($python -c "
from pulse.cluster import Cluster
from pulse.config import Settings
s = Settings.load()
running = s.external or Cluster(s).running()
print(s.url_for_database('postgres'), s.url_for_database('$database'), int(running), sep='\t')")
work=$(mktemp -d)
cleanup() {
  psql "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  if [[ $cluster_running == 0 ]]; then $pulse db stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
DATABASE_URL=$bench_url quiet $pulse db migrate
DATABASE_URL=$bench_url quiet $pulse seed --demo
psql "$bench_url" -f bench/state_machines_prepare.sql >/dev/null

IFS=$'\t' read -r org qa documents projects < <(psql "$bench_url" -AtF $'\t' -c "
  select o.id, (select id from app.users where email = 'qa@acme.test'),
         (select count(*) from public.bench_sm_targets where kind = 'document'),
         (select count(*) from public.bench_sm_targets where kind = 'project')
    from app.organizations o where o.slug = 'acme-manufacturing'")
claims=$(printf '{"sub":"%s","role":"app_user","org_id":"%s"}' "$qa" "$org")

cat >"$work/transition.pgbench" <<'EOF2'
\set i random(0, :count - 1)
BEGIN;
SELECT set_config('request.jwt.claims', :claims, true), set_config('role', 'app_user', true);
SELECT auth.check_request();
SELECT (app.transition(:kind, t.entity_id, CASE s.state WHEN 'a' THEN 'b' ELSE 'a' END, 'bench')).state
  FROM public.bench_sm_targets AS t
  JOIN app.entity_states AS s ON s.organization_id = :org AND s.entity_type = t.kind AND s.entity_id = t.entity_id
 WHERE t.kind = :kind AND t.n = :i;
COMMIT;
EOF2
timed() {
  local name=$1 kind=$2 count=$3
  if ! (cd "$work" && pgbench -n -c1 -t "$transitions" -M extended -D kind="$kind" -D count="$count" -D org="$org" \
        -D claims="$claims" -l --log-prefix="$name" -f transition.pgbench "$bench_url" >"$name.out" 2>&1); then
    cat "$work/$name.out" >&2
    return 1
  fi
  sort -n -k3,3 "$work/$name".[0-9]* | awk '{ t[NR] = $3 / 1000 } END { printf "%.2f %.2f %d\n", t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], NR }'
}
# Warm-up, then the measured runs, interleaved once.
transitions=200 timed warm document "$documents" >/dev/null
read -r guarded_p50 guarded_p95 guarded_n < <(timed guarded document "$documents")
read -r bare_p50 bare_p95 bare_n < <(timed bare project "$projects")
moved=$(psql "$bench_url" -Atc "select count(*) from app.entity_state_history where reason = 'bench'")

loop=$(psql "$bench_url" -AtF $'\t' -v calls="$loop_calls" -f bench/state_machines_loop.sql)
IFS=$'\t' read -r _ loop_doc_p50 loop_doc_p95 loop_doc_n < <(grep '^document' <<<"$loop")
IFS=$'\t' read -r _ loop_prj_p50 loop_prj_p95 loop_prj_n < <(grep '^project' <<<"$loop")

row() { awk -v l="$1" -v a="$2" -v b="$3" -v n="$4" -v bar="$5" 'BEGIN { printf "%-62s %9.2f %9.2f %6d   %s\n", l, a, b, n, bar }'; }
verdict() { awk -v a="$1" 'BEGIN { print (a <= 5 ? "<= 5 ms: met" : "<= 5 ms: missed") }'; }
printf '%-62s %9s %9s %6s   %s\n' "app.transition, ms per call" "median" "p95" "n" "bar"
row "in SQL, 3 guards (permission, fields, checklist), $documents documents" "$loop_doc_p50" "$loop_doc_p95" "$loop_doc_n" \
  "$(verdict "$loop_doc_p50")"
row "in SQL, no guard, $projects projects (baseline)" "$loop_prj_p50" "$loop_prj_p95" "$loop_prj_n" ""
row "pgbench transaction (claims, check_request, call), 3 guards" "$guarded_p50" "$guarded_p95" "$guarded_n" ""
row "pgbench transaction, no guard (baseline)" "$bare_p50" "$bare_p95" "$bare_n" ""
awk -v a="$loop_doc_p50" -v b="$loop_prj_p50" -v c="$guarded_p50" -v d="$bare_p50" \
  'BEGIN { printf "%-62s %9.2f\n%-62s %9.2f\n", "ratio 3 guards / no guard, in SQL (median)", a / b, "ratio 3 guards / no guard, pgbench (median)", c / d }'
echo "transitions recorded: $moved; load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
