#!/usr/bin/env bash
# app.recall_simulation in SQL, in a throw-away database `pulse_bench_recall`
# on the configured server (demo data; bench/recall_load.sql): Acme with 1M
# genealogy edges (11 layers of 33,334 lots and serials, each item made from
# 3 of the layer before), Northwind and a third tenant with 100,000 each as
# noise, walked 10 levels deep (bench/recall_measure.sql): the recall of a
# raw lot as QA (row-level security on), the same walk as a bare recursive
# CTE as the owner, and trace_backward of a finished serial (bar: recall
# p50 <= 20 ms). Prints median and p95 in ms and the ratio recall / bare walk,
# measured in this one run; asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
width=${RECALL_BENCH_WIDTH:-33334}
noise_width=${RECALL_BENCH_NOISE_WIDTH:-3334}
calls=${RECALL_BENCH_CALLS:-300}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_recall
started=$(date +%s)
psql "$bench_url" -v width="$width" -v noise_width="$noise_width" -f bench/recall_load.sql >/dev/null
edges=$(psql "$bench_url" -Atc "select count(*) from app.genealogy_edges e join app.organizations o on o.id = e.organization_id where o.slug = 'acme-manufacturing'")
all_edges=$(psql "$bench_url" -Atc "select count(*) from app.genealogy_edges")
loaded=$(( $(date +%s) - started ))

results=$(psql "$bench_url" -AtF $'\t' -v calls="$calls" -f bench/recall_measure.sql)
label() { case $1 in raw) echo "bare recursive CTE, owner, depth 10";; recall) echo "app.recall_simulation, QA (RLS), depth 10";;
                     backward) echo "app.trace_backward of a serial, QA, depth 10";; esac; }
printf '%-48s %9s %9s %6s %9s\n' "ms per call" "median" "p95" "n" "rows"
while IFS=$'\t' read -r shape p50 p95 n rows; do
  bar=""
  [[ $shape == recall ]] && bar=$(awk -v m="$p50" 'BEGIN { print (m <= 20 ? "<= 20 ms: met" : "<= 20 ms: missed") }')
  printf '%-48s %9.2f %9.2f %6d %9.1f   %s\n' "$(label "$shape")" "$p50" "$p95" "$n" "$rows" "$bar"
done <<<"$results"
raw=$(awk -F'\t' '$1 == "raw" { print $2 }' <<<"$results")
recall=$(awk -F'\t' '$1 == "recall" { print $2 }' <<<"$results")
awk -v a="$recall" -v b="$raw" 'BEGIN { printf "ratio recall_simulation / bare walk (medians, this run): %.2f\n", a / b }'
echo "genealogy edges: $edges in acme, $all_edges in all (loaded in ${loaded} s); load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
