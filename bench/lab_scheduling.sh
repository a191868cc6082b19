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
pulse=.venv/bin/pulse
python=.venv/bin/python
database=pulse_bench_lab_scheduling
instruments=${SCHEDULING_BENCH_INSTRUMENTS:-1000}
per_instrument=${SCHEDULING_BENCH_PER_INSTRUMENT:-1000}
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
psql "$bench_url" -v instruments="$instruments" -v per_instrument="$per_instrument" -f bench/lab_scheduling_load.sql >/dev/null
echo "loaded $((instruments * per_instrument)) reservations in $(( $(date +%s) - started )) s"
$python bench/lab_scheduling.py "$bench_url"
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
