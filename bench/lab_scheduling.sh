#!/usr/bin/env bash
# Instrument scheduling, in a throw-away database `pulse_bench_lab_scheduling`
# on the configured server (demo data; bench/lab_scheduling_load.sql):
#   app.instrument_availability for 10 instruments over a week with
#   SCHEDULING_BENCH_INSTRUMENTS x SCHEDULING_BENCH_PER_INSTRUMENT reservations
#   in the table (default 1000 x 1000 = 1M)                  (bar: p50 <= 10 ms)
#   and booking under 16 concurrent clients racing for the same slots
#   (exactly one wins each slot, zero overlaps), by bench/lab_scheduling.py.
# Prints figures; asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
instruments=${SCHEDULING_BENCH_INSTRUMENTS:-1000}
per_instrument=${SCHEDULING_BENCH_PER_INSTRUMENT:-1000}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_database pulse_bench_lab_scheduling
started=$(date +%s)
psql "$bench_url" -v instruments="$instruments" -v per_instrument="$per_instrument" -f bench/lab_scheduling_load.sql >/dev/null
echo "loaded $((instruments * per_instrument)) reservations in $(( $(date +%s) - started )) s"
$python bench/lab_scheduling.py "$bench_url"
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
