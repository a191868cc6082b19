#!/usr/bin/env bash
# The SPC and Gauge R&R library (db/functions/80_quality/50_spc.sql,
# 52_gauge_rr.sql) in a throw-away database `pulse_bench_spc` on the
# configured server: median and p95 of each function at chart sizes (25
# subgroups, 1,000 points, a 3 x 10 x 3 study) and the ratios large / small
# of the same function in the same run (bench/spc_measure.sql, timed inside
# the database). Asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_database pulse_bench_spc
echo "SPC and Gauge R&R functions (load $(cut -d' ' -f1-3 /proc/loadavg))"
psql "$bench_url" -f bench/spc_measure.sql
