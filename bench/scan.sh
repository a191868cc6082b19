#!/usr/bin/env bash
# app.scan under 16 concurrent devices, in a throw-away database
# `pulse_bench_scan` (demo data; `scan_prepare.sql` gives Acme's main plant
# SCAN_BENCH_LOTS lots, default 200, few enough that two devices sharing a
# name often scan the same code within 5 seconds): pgbench -c 16 for
# SCAN_BENCH_SECONDS (default 20), each transaction shaped like an API
# request as logistics@acme.test (claims, role, auth.check_request()), a lot
# number or a GS1 element string "(10)<lot>" at random, device gun-0..7 (two
# clients per device name), the call timed inside the database
# (clock_timestamp around app.scan), first with one client (the call's own
# cost), then with 16. Prints the median and p95 of the call in SQL for both
# (bar: p50 <= 5 ms at 16), their ratio, the events stored and the duplicates
# (the same device and code twice within 5 s: must be 0). Asserts nothing.
# Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse
python=.venv/bin/python
database=pulse_bench_scan
seconds=${SCAN_BENCH_SECONDS:-20}
lots=${SCAN_BENCH_LOTS:-200}
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
psql "$bench_url" -v lots="$lots" -f bench/scan_prepare.sql >/dev/null

IFS=$'\t' read -r org shipper < <(psql "$bench_url" -AtF $'\t' -c "
  select o.id, (select id from app.users where email = 'logistics@acme.test')
    from app.organizations o where o.slug = 'acme-manufacturing'")
claims=$(printf '{"sub":"%s","role":"app_user","org_id":"%s"}' "$shipper" "$org")

cat >"$work/scan.pgbench" <<'EOF2'
\set i random(1, :lots)
\set gs1 random(0, 1)
BEGIN;
SELECT set_config('request.jwt.claims', :claims, true), set_config('role', 'app_user', true);
SELECT auth.check_request();
SELECT clock_timestamp() AS t0 \gset
SELECT (app.scan(CASE WHEN :gs1 = 1 THEN '(10)' ELSE '' END || 'BENCH-' || lpad(:i::text, 6, '0'), 'Dock ' || :client_id, 'gun-' || (:client_id % 8))).id;
INSERT INTO public.bench_scan_times (ms) SELECT extract(epoch FROM clock_timestamp() - :t0::timestamptz) * 1000;
COMMIT;
EOF2
# One device first (the call's own cost), then 16 at once; the timings table is emptied between.
measure() {
  local clients=$1 threads=$2
  psql "$bench_url" -c "truncate public.bench_scan_times"
  if ! (cd "$work" && pgbench -n -c"$clients" -j"$threads" -T "$seconds" -M extended -D claims="$claims" -D lots="$lots" \
        -f scan.pgbench "$bench_url" >pgbench.out 2>&1); then
    cat "$work/pgbench.out" >&2
    return 1
  fi
  psql "$bench_url" -AtF ' ' -c "select percentile_cont(0.5) within group (order by ms), percentile_cont(0.95) within group (order by ms),
                                       count(*) from public.bench_scan_times"
}
read -r one_p50 one_p95 one_calls < <(measure 1 1)
read -r p50 p95 calls < <(measure 16 2)
IFS=$'\t' read -r events duplicates < <(psql "$bench_url" -AtF $'\t' -c "
  select (select count(*) from app.scan_events),
         (select count(*) from app.scan_events a join app.scan_events b
            on b.organization_id = a.organization_id and b.device = a.device and b.code = a.code
           and b.scanned_at > a.scanned_at and b.scanned_at < a.scanned_at + interval '5 seconds')")
awk -v a="$p50" -v b="$p95" -v n="$calls" -v x="$one_p50" -v y="$one_p95" -v m="$one_calls" -v e="$events" -v d="$duplicates" -v s="$seconds" 'BEGIN {
  printf "%-58s %9s %9s %7s   %s\n", "app.scan in SQL, ms per call (" s " s each)", "median", "p95", "calls", "bar"
  printf "%-58s %9.2f %9.2f %7d   %s\n", "16 devices at once (pgbench -c16), logistics@acme.test, RLS", a, b, n, (a <= 5 ? "<= 5 ms: met" : "<= 5 ms: missed")
  printf "%-58s %9.2f %9.2f %7d\n", "one device (pgbench -c1), baseline", x, y, m
  printf "ratio 16 devices / one device (medians, this run): %.2f\n", a / x
  printf "events stored: %d; duplicates (same device and code within 5 s): %d (must be 0); calls / events: %.2f\n", e, d, (n + m) / e }'
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
