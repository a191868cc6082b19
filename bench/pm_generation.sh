#!/usr/bin/env bash
# PM generation, in a throw-away database `pulse_bench_pm` on the configured
# server (demo data; bench/pm_generation_load.sql): 20 tenants x 500 assets =
# 10,000 PM schedules (fixed and floating, calendar, meter and whichever
# first), all due. Times app_private.generate_pm_work_orders() -- what the
# job generate-pm-work-orders runs -- once (every schedule makes its work
# order) and again (idempotent: nothing to make), inside the database.
# Prints both times, the work orders each made, and the ratio of the first
# run to the 5 s budget, measured in this one run; asserts nothing. Drops
# the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
per_tenant=${PM_BENCH_PER_TENANT:-500}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_pm
psql "$bench_url" -v per_tenant="$per_tenant" -f bench/pm_generation_load.sql >/dev/null
schedules=$(psql "$bench_url" -Atc "select count(*) from app.pm_schedules")
# One session per run (a job runs in its own transaction).
IFS=$'\t' read -r made1 ms1 < <(psql "$bench_url" -AtF $'\t' <<'SQL'
select clock_timestamp() as t0 \gset
select app_private.generate_pm_work_orders(), round(extract(epoch from clock_timestamp() - :'t0'::timestamptz) * 1000);
SQL
)
IFS=$'\t' read -r made2 ms2 < <(psql "$bench_url" -AtF $'\t' <<'SQL'
select clock_timestamp() as t0 \gset
select app_private.generate_pm_work_orders(), round(extract(epoch from clock_timestamp() - :'t0'::timestamptz) * 1000);
SQL
)
printf '%-52s %10s %12s\n' "app_private.generate_pm_work_orders()" "ms" "work orders"
printf '%-52s %10d %12d\n' "first run ($schedules schedules due)" "$ms1" "$made1"
printf '%-52s %10d %12d\n' "second run (idempotent)" "$ms2" "$made2"
awk -v a="$ms1" 'BEGIN { printf "ratio first run / 5 s budget (this run): %.2f (%s)\n", a / 5000, (a <= 5000 ? "met" : "missed") }'
awk -v a="$ms2" 'BEGIN { printf "ratio second run / 5 s budget (this run): %.3f\n", a / 5000 }'
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
