#!/usr/bin/env bash
# Mixed load (bench/mixed_load.py): 100 simulated users in 5 tenants for 60 s, reading and writing through
# PostgREST and PostGraphile at once (list, detail, create, rename, progress actions, approval requests and
# decisions), 2 GraphQL subscribers per tenant. Prints p50/p99 per operation and the throughput, then the
# checks: 5xx, lost acknowledged writes, writes without audit, other tenants' rows or events. Times are
# printed, never asserted; the exit status is the checks'.
#
# By default in a throw-away database pulse_bench_mixed_load (migrated, no demo data) with its own
# PostgREST and PostGraphile on free ports (MIXED_LOAD_UP_FLAGS are passed to `pulse up`, e.g. a pooled
# stack's flag). With MIXED_LOAD_REST and MIXED_LOAD_GRAPHQL set it runs against that stack instead,
# its database DATABASE_URL (or the configured one); the load's tenants stay there.
# Knobs: MIXED_LOAD_SECONDS (60), MIXED_LOAD_USERS (100), MIXED_LOAD_TENANTS (5), MIXED_LOAD_THINK_MS (1000),
# MIXED_LOAD_SUBSCRIBERS (2 per tenant), MIXED_LOAD_PROJECTS (10 seeded per tenant), MIXED_LOAD_SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

if [[ -n ${MIXED_LOAD_REST:-} && -n ${MIXED_LOAD_GRAPHQL:-} ]]; then
  exec $python bench/mixed_load.py
fi

database=pulse_bench_mixed_load
free_port() { $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
IFS=$'\t' read -r admin_url bench_url cluster_running < <($python -c "
from pulse.cluster import Cluster
from pulse.config import Settings
s = Settings.load()
running = s.external or Cluster(s).running()
print(s.url_for_database('postgres'), s.url_for_database('$database'), int(running), sep='\t')")
rest_port=$(free_port)
graphql_port=$(free_port)
on_bench() { DATABASE_URL=$bench_url PULSE_REST_PORT=$rest_port PULSE_GRAPHQL_PORT=$graphql_port "$@"; }
cleanup() {
  on_bench $pulse down >/dev/null 2>&1 || true
  bench_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
quiet on_bench $pulse db migrate
# shellcheck disable=SC2086  # flags, split on purpose
quiet on_bench $pulse up --detach ${MIXED_LOAD_UP_FLAGS:-}
on_bench $python bench/mixed_load.py
