#!/usr/bin/env bash
# app.sample_lineage in SQL, in a throw-away database `pulse_bench_lab_lineage`
# on the configured server (demo data; bench/lab_lineage_load.sql): Northwind
# with 1M lineage links (100,000 chains of 10 generations, 1.1M samples),
# walked 10 generations deep as its lab manager with row-level security on
# (bench/lab_lineage_measure.sql): descendants of a root, ancestors of a
# leaf, both ways from the middle (target: median <= 20 ms). Prints median
# and p95 in ms; asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
trees=${LAB_LINEAGE_BENCH_TREES:-100000}
calls=${LAB_LINEAGE_BENCH_CALLS:-300}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_lab_lineage
started=$(date +%s)
psql "$bench_url" -v trees="$trees" -f bench/lab_lineage_load.sql >/dev/null
links=$(psql "$bench_url" -Atc "select count(*) from app.sample_lineage_links")
loaded=$(( $(date +%s) - started ))

printf '%-44s %9s %9s %6s %9s\n' "app.sample_lineage, depth 10, ms per call" "median" "p95" "n" "rows"
psql "$bench_url" -AtF $'\t' -v calls="$calls" -f bench/lab_lineage_measure.sql |
  awk -F'\t' '{ printf "%-44s %9.2f %9.2f %6d %9.1f   %s\n", $1, $2, $3, $4, $5, ($2 <= 20 ? "<= 20 ms: met" : "<= 20 ms: missed") }'
echo "lineage links: $links (loaded in ${loaded} s); load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
