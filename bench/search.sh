#!/usr/bin/env bash
# app.search on 1M projects, on this machine, in a throw-away database
# `pulse_bench_search` on the configured server (20 tenants x 50,000
# projects, bulk-loaded with generate_series): search as management@acme.test
# in one tenant against the same lookup with ILIKE '%term%' (bench/search_measure.py:
# p50, p95, ratio), for a common word, two words, a rare code, a human id, a
# partial code and a typo (bar: p50 <= 50 ms). Prints the figures; asserts
# nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse
python=.venv/bin/python
began=$EPOCHREALTIME
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
database=pulse_bench_search
rounds=${SEARCH_BENCH_ROUNDS:-30}

psql() { PGOPTIONS=--client-min-messages=warning command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '%6.1f s  %s\n' "$(elapsed "$began")" "$*"; }

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

step "database $database: create, migrate, seed the demo data"
if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
quiet env DATABASE_URL="$bench_url" $pulse db migrate
quiet env DATABASE_URL="$bench_url" $pulse seed --demo
step "18 more tenants (default workflow by trigger)"
psql "$bench_url" -f bench/search_tenants.sql
for first in 1 6 11 16; do
  step "bulk load, tenants $first-$((first + 4)) of 20, 50,000 projects each"
  psql "$bench_url" -v first=$first -v last=$((first + 4)) -f bench/search_load.sql
done
step "VACUUM ANALYZE"
psql "$bench_url" -c "vacuum analyze app.projects"
IFS=$'\t' read -r projects org management < <(psql "$bench_url" -AtF $'\t' -c "
  select (select count(*) from app.projects), o.id, (select id from app.users where email = 'management@acme.test')
    from app.organizations as o where o.slug = 'acme-manufacturing'")

step "search vs ILIKE as management@acme.test in acme-manufacturing ($rounds calls each)"
$python bench/search_measure.py "$bench_url" "$org" "$management" "$rounds"
echo "projects: $projects in 20 tenants; load before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg); took $(elapsed "$began") s"
