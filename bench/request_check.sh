#!/usr/bin/env bash
# What the signed-in request check costs in the database, in a throw-away
# database `pulse_bench_request_check` (demo data): auth.check_request() in a
# fresh transaction each time, as PostgREST runs it before every request, for
# a member's token admitted by app_private.request_grants (one relation),
# the same token admitted by the lookup of users, sessions, memberships and
# organizations, and anonymous. Rounds alternate the variants in one session;
# prints medians and the median of the rounds' ratios; asserts nothing
# (bench/request_check.sql).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_database pulse_bench_request_check
PGOPTIONS="--client-min-messages=warning -c bench.checks=${REQUEST_CHECK_BENCH_CHECKS:-20000} -c bench.rounds=${REQUEST_CHECK_BENCH_ROUNDS:-5}" \
  command psql -X -q -v ON_ERROR_STOP=1 -At "$bench_url" -f bench/request_check.sql
