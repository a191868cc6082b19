#!/usr/bin/env bash
# app.assets_within in SQL, in a throw-away database `pulse_bench_assets` on
# the configured server (demo data; bench/assets_nearby_load.sql): 20 tenants
# x 50,000 maintenance assets = 1M points over one 110 km x 100 km box,
# searched 1 km around random points (bench/assets_nearby_measure.sql): the
# bare ST_DWithin query as the owner (no RLS), assets_within as Acme's
# planner (RLS) and as its plant-scoped technician, nearest_assets (10) as
# the planner (bar: assets_within p50 <= 10 ms). Prints median and p95 in ms,
# rows per call and the ratio assets_within / bare query, measured in this
# one run; asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
per_tenant=${ASSETS_BENCH_PER_TENANT:-50000}
calls=${ASSETS_BENCH_CALLS:-300}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_assets
started=$(date +%s)
psql "$bench_url" -v per_tenant="$per_tenant" -f bench/assets_nearby_load.sql >/dev/null
assets=$(psql "$bench_url" -Atc "select count(*) from app.assets")
loaded=$(( $(date +%s) - started ))

results=$(psql "$bench_url" -AtF $'\t' -v calls="$calls" -f bench/assets_nearby_measure.sql)
label() { case $1 in bare) echo "bare ST_DWithin 1 km, owner (no RLS)";; within) echo "app.assets_within 1 km, planner (RLS)";;
                     within_scoped) echo "app.assets_within 1 km, technician at PLANT-1";;
                     nearest) echo "app.nearest_assets 10, planner (RLS)";; esac; }
printf '%-48s %9s %9s %6s %9s\n' "ms per call" "median" "p95" "n" "rows"
while IFS=$'\t' read -r shape p50 p95 n rows; do
  bar=""
  [[ $shape == within ]] && bar=$(awk -v m="$p50" 'BEGIN { print (m <= 10 ? "<= 10 ms: met" : "<= 10 ms: missed") }')
  printf '%-48s %9.2f %9.2f %6d %9.1f   %s\n' "$(label "$shape")" "$p50" "$p95" "$n" "$rows" "$bar"
done <<<"$results"
bare=$(awk -F'\t' '$1 == "bare" { print $2 }' <<<"$results")
within=$(awk -F'\t' '$1 == "within" { print $2 }' <<<"$results")
awk -v a="$within" -v b="$bare" 'BEGIN { printf "ratio assets_within / bare query (medians, this run): %.2f\n", a / b }'
echo "assets: $assets in 20 tenants (loaded in ${loaded} s); load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
