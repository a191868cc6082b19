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
pulse=.venv/bin/pulse
python=.venv/bin/python
database=pulse_bench_lab_lineage
trees=${LAB_LINEAGE_BENCH_TREES:-100000}
calls=${LAB_LINEAGE_BENCH_CALLS:-300}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

psql() { PGOPTIONS=--client-min-messages=warning command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }

IFS=$'\t' read -r admin_url bench_url cluster_running < <($python -c "
from pulse.cluster import Cluster
from pulse.config import Settings
s = Settings.load()
running = s.external or Cluster(s).running()
print(s.url_for_database('postgres'), s.url_for_database('$database'), int(running), sep='\t')")
cleanup() {
  psql "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  if [[ $cluster_running == 0 ]]; then $pulse db stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
DATABASE_URL=$bench_url quiet $pulse db migrate
DATABASE_URL=$bench_url quiet $pulse seed --demo
started=$(date +%s)
psql "$bench_url" -v trees="$trees" -f bench/lab_lineage_load.sql >/dev/null
links=$(psql "$bench_url" -Atc "select count(*) from app.sample_lineage_links")
loaded=$(( $(date +%s) - started ))

printf '%-44s %9s %9s %6s %9s\n' "app.sample_lineage, depth 10, ms per call" "median" "p95" "n" "rows"
psql "$bench_url" -AtF $'\t' -v calls="$calls" -f bench/lab_lineage_measure.sql |
  awk -F'\t' '{ printf "%-44s %9.2f %9.2f %6d %9.1f   %s\n", $1, $2, $3, $4, $5, ($2 <= 20 ? "<= 20 ms: met" : "<= 20 ms: missed") }'
echo "lineage links: $links (loaded in ${loaded} s); load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
