#!/usr/bin/env bash
# SPC chart data of one characteristic (app.spc_chart, db/functions/80_quality/
# 54_spc_charts.sql) in a throw-away database `pulse_bench_spc_chart` on the
# configured server (demo data): Acme's "Hole distance" (X̄-R, subgroups of 5)
# timed as QA (row-level security on) before and after loading 1M measurements
# of it (200,000 subgroups of 5, 25 ± noise, spread over ten months of
# partitions, and their subgroup summaries, with generate_series), plus 200,000
# measurements of the attribute as noise (bench/spc_chart.sql). Prints median
# and p95 in ms of the chart of the last 100 and 1,000 subgroups and of one
# app.record_measurement (the per-measurement path, closing a subgroup every
# 5th call), and the ratio after / before the load of the same chart in this
# one run (bar: chart p50 <= 50 ms over 1M measurements). Asserts nothing.
# Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
measurements=${SPC_CHART_BENCH_MEASUREMENTS:-1000000}
calls=${SPC_CHART_BENCH_CALLS:-200}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_spc_chart
started=$(date +%s)
results=$(psql "$bench_url" -AtF $'\t' -v measurements="$measurements" -v calls="$calls" -f bench/spc_chart.sql)
elapsed=$(( $(date +%s) - started ))
label() { case $1 in before_100) echo "spc_chart, last 100 subgroups, before the load";;
                     after_100) echo "spc_chart, last 100 subgroups, over 1M measurements";;
                     after_1000) echo "spc_chart, last 1,000 subgroups, over 1M measurements";;
                     record) echo "record_measurement (closes every 5th subgroup)";;
                     *) echo "$1";; esac; }
printf '%-56s %9s %9s %6s\n' "ms per call" "median" "p95" "n"
while IFS=$'\t' read -r shape p50 p95 n; do
  [[ $shape == rows ]] && { rows=$p50; continue; }
  bar=""
  [[ $shape == after_100 ]] && bar=$(awk -v m="$p50" 'BEGIN { print (m <= 50 ? "<= 50 ms: met" : "<= 50 ms: missed") }')
  printf '%-56s %9.2f %9.2f %6d   %s\n' "$(label "$shape")" "$p50" "$p95" "$n" "$bar"
done <<<"$results"
before=$(awk -F'\t' '$1 == "before_100" { print $2 }' <<<"$results")
after=$(awk -F'\t' '$1 == "after_100" { print $2 }' <<<"$results")
awk -v a="$after" -v b="$before" 'BEGIN { printf "ratio chart over 1M / before the load (medians, this run): %.2f\n", a / b }'
echo "measurements of the characteristic: $rows (load and measure ${elapsed} s); load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
