#!/usr/bin/env bash
# The partitioned activity log (docs/scaling.md, "Partitions") at 1M and at
# 10M events, in one run, in a throw-away database `pulse_bench_partitions`
# (demo data; 20 tenants, events spread over two years, monthly partitions
# made by pg_partman, bulk-loaded with generate_series by
# bench/partitions_load.sql): the cost of writing one event as the audit
# triggers do, and of reading a tenant's last 50 events through
# app.activity_log as a member (qa@acme.test, claims, RLS) and straight
# from the table as the owner, and the planning time of that read, median and p95
# (bench/partitions_measure.sql), then the ratios 10M / 1M. Prints the
# figures; asserts nothing. Drops the database on exit.
# PARTITIONS_BENCH_ROWS (default 10000000; the first measure is at a tenth),
# PARTITIONS_BENCH_INSERTS (default 2000), PARTITIONS_BENCH_READS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
began=$EPOCHREALTIME
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=${PARTITIONS_BENCH_ROWS:-10000000}
inserts=${PARTITIONS_BENCH_INSERTS:-2000}
reads=${PARTITIONS_BENCH_READS:-50}
first=$((rows / 10))
chunk=1000000
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '%6.1f s  %s\n' "$(elapsed "$began")" "$*"; }

step "database pulse_bench_partitions: create, migrate, seed the demo data"
bench_database pulse_bench_partitions
psql "$bench_url" <<'SQL'
CREATE TABLE public.bench_partitions AS
SELECT o.id AS acme,
       ARRAY(SELECT p.id FROM app.projects AS p WHERE p.organization_id = o.id) AS projects,
       ARRAY(SELECT gen_random_uuid() FROM generate_series(1, 20)) AS tenants
  FROM app.organizations AS o WHERE o.slug = 'acme-manufacturing';
-- The months back to two years ago (partman makes premake months ahead).
SELECT partman.create_partition_time('audit.activity_log', ARRAY(
  SELECT generate_series(date_trunc('month', now() - interval '730 days'), date_trunc('month', now()), interval '1 month')
)) \g /dev/null
SQL

load() { # load $1 more events in chunks, then vacuum analyze
  local left=$1 n
  while ((left > 0)); do
    n=$((left < chunk ? left : chunk))
    step "bulk load: $n events ($(psql "$bench_url" -Atc 'select count(*) from audit.activity_log') so far)"
    psql "$bench_url" -v rows=$n -f bench/partitions_load.sql
    left=$((left - n))
  done
  step "VACUUM ANALYZE"
  psql "$bench_url" -c "vacuum analyze audit.activity_log"
}
measure() { psql "$bench_url" -AtF $'\t' -v inserts="$inserts" -v reads="$reads" -f bench/partitions_measure.sql; }

load "$first"
step "measure at $first events"
small=$(measure)
step "at $first events (name, median ms, p95 ms, n):"
sed 's/^/           /' <<<"$small"
load $((rows - first))
step "measure at $rows events"
large=$(measure)
partitions=$(psql "$bench_url" -Atc "select count(*) from pg_inherits where inhparent = 'audit.activity_log'::regclass")
in_default=$(psql "$bench_url" -Atc "select count(*) from audit.activity_log_default")

size_table_header "activity log, ms per statement"
for name in insert table read plan; do
  case $name in
    insert) label="write one event (owner, as the audit triggers)" ;;
    table) label="a tenant's last 50 events, from the table (owner)" ;;
    read) label="the same as a member, app.activity_log (RLS, view)" ;;
    plan) label="planning that read (EXPLAIN planning time)" ;;
  esac
  size_table_row "$label" "$name"
done
echo "sizes: $first and $rows events, 20 tenants (acme: 1 in 20), $partitions partitions (monthly, $in_default events in the default one);" \
     "$inserts writes, $reads reads per measure; S = $first events, L = $rows; ratio = median L / median S"
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg); took $(elapsed "$began") s"
