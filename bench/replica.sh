#!/usr/bin/env bash
# A streaming replica for reporting (docs/scaling.md, "Replicas for reporting"): in a throw-away database
# pulse_bench_replica (demo data), a hot standby made by pg_basebackup of the local cluster; dashboard reads on
# the primary and on the replica, replication lag under writes, a KPI refresh reaching the replica
# (bench/replica.py). Prints; asserts nothing. Needs the local cluster (not DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_database pulse_bench_replica
$python bench/replica.py
