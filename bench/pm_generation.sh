#!/usr/bin/env bash
# PM generation, in a throw-away database `pulse_bench_pm` on the configured
# server (demo data; bench/pm_generation_load.sql): 20 tenants x 500 assets =
# 10,000 PM schedules (fixed and floating, calendar, meter and whichever
# first), all due. Times app_private.generate_pm_work_orders() -- what the
# job generate-pm-work-orders runs -- once (every schedule makes its work
# order) and again (idempotent: nothing to make), inside the database.
# Prints both times (wall clock, and the backend's CPU time from
# /proc/self/stat, read by the server: a local superuser connection), the
# work orders each made, and the ratios to the 5 s budget, measured in this
# one run; asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
per_tenant=${PM_BENCH_PER_TENANT:-500}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_pm
psql "$bench_url" -v per_tenant="$per_tenant" -f bench/pm_generation_load.sql >/dev/null
schedules=$(psql "$bench_url" -Atc "select count(*) from app.pm_schedules")
# One session per run (a job runs in its own transaction).
IFS=$'\t' read -r made1 ms1 cpu1 < <(psql "$bench_url" -AtF $'\t' <<'SQL'
select clock_timestamp() as t0, split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint as c0 \gset
select app_private.generate_pm_work_orders(), round(extract(epoch from clock_timestamp() - :'t0'::timestamptz) * 1000),
       (split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint - :c0) * 10;
SQL
)
IFS=$'\t' read -r made2 ms2 cpu2 < <(psql "$bench_url" -AtF $'\t' <<'SQL'
select clock_timestamp() as t0, split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint as c0 \gset
select app_private.generate_pm_work_orders(), round(extract(epoch from clock_timestamp() - :'t0'::timestamptz) * 1000),
       (split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint - :c0) * 10;
SQL
)
printf '%-44s %10s %14s %12s\n' "app_private.generate_pm_work_orders()" "ms" "backend CPU ms" "work orders"
printf '%-44s %10d %14d %12d\n' "first run ($schedules schedules)" "$ms1" "$cpu1" "$made1"
printf '%-44s %10d %14d %12d\n' "second run (idempotent)" "$ms2" "$cpu2" "$made2"
awk -v a="$ms1" 'BEGIN { printf "ratio first run / 5 s budget (this run): %.2f (%s)\n", a / 5000, (a <= 5000 ? "met" : "missed") }'
awk -v a="$ms2" 'BEGIN { printf "ratio second run / 5 s budget (this run): %.3f\n", a / 5000 }'
awk -v a="$cpu1" 'BEGIN { printf "ratio first run backend CPU time / 5 s budget (this run; the wall time on a shared machine waits for a core): %.2f\n", a / 5000 }'
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
