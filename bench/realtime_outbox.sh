#!/usr/bin/env bash
# What the real-time outbox costs the publishing transaction, in a throw-away
# database `pulse_bench_realtime` (demo data): 30 events per transaction (a
# stage entered with 30 sub-stages) published by pg_notify directly (what the
# triggers did before), through app_private.publish_realtime on one node (the
# relay trigger NOTIFYs and stores nothing), and stored as on a Citus worker
# (trigger disabled), with the relay's time per event sent and deleted. Rounds
# alternate the variants in one session; prints medians and the medians of
# the rounds' ratios; asserts nothing (bench/realtime_outbox.sql).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_database pulse_bench_realtime
PGOPTIONS="--client-min-messages=warning -c bench.transactions=${REALTIME_BENCH_TRANSACTIONS:-200} -c bench.rounds=${REALTIME_BENCH_ROUNDS:-5}" \
  command psql -X -q -v ON_ERROR_STOP=1 -At "$bench_url" -f bench/realtime_outbox.sql | sed -n 's/^[^|]*|//p'
