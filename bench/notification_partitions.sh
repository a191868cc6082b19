#!/usr/bin/env bash
# The notifications partitioned by month (docs/scaling.md, "Partitions") at
# 100,000 and at 1M rows, in one run, in a throw-away database
# `pulse_bench_notifications` (demo data; notifications spread over every
# active membership and over two years, monthly partitions made by
# pg_partman, bulk-loaded by bench/notification_partitions_load.sql): the
# cost of writing one notification, and, as qa@acme.test (claims, RLS), of
# the inbox's newest 20, the unread count, one notification by id alone, and
# the planning of the newest-20 read; median and p95
# (bench/notification_partitions_measure.sql), then the ratios L / S. Prints
# the figures; asserts nothing. Drops the database on exit.
# NOTIFICATIONS_BENCH_ROWS (default 1000000; the first measure is at a tenth),
# NOTIFICATIONS_BENCH_INSERTS (default 2000), NOTIFICATIONS_BENCH_READS (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
began=$EPOCHREALTIME
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=${NOTIFICATIONS_BENCH_ROWS:-1000000}
inserts=${NOTIFICATIONS_BENCH_INSERTS:-2000}
reads=${NOTIFICATIONS_BENCH_READS:-200}
first=$((rows / 10))
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '%6.1f s  %s\n' "$(elapsed "$began")" "$*"; }

step "database pulse_bench_notifications: create, migrate, seed the demo data"
bench_database pulse_bench_notifications
psql "$bench_url" <<'SQL'
CREATE TABLE public.bench_members AS
SELECT (row_number() OVER (ORDER BY m.organization_id, m.user_id) - 1)::integer AS n, m.organization_id, m.user_id
  FROM app.memberships AS m WHERE m.status = 'active';
-- The months back to two years ago (partman makes premake months ahead).
SELECT partman.create_partition_time('app.notifications', ARRAY(
  SELECT generate_series(date_trunc('month', now() - interval '730 days'), date_trunc('month', now()), interval '1 month')
)) \g /dev/null
SQL

load() { # load $1 more notifications, then vacuum analyze
  step "bulk load: $1 notifications ($(psql "$bench_url" -Atc 'select count(*) from app.notifications') so far)"
  psql "$bench_url" -v rows="$1" -f bench/notification_partitions_load.sql
  step "VACUUM ANALYZE"
  psql "$bench_url" -c "vacuum analyze app.notifications"
}
measure() { psql "$bench_url" -AtF $'\t' -v inserts="$inserts" -v reads="$reads" -f bench/notification_partitions_measure.sql; }

load "$first"
step "measure at $first notifications"
small=$(measure)
load $((rows - first))
step "measure at $rows notifications"
large=$(measure)
partitions=$(psql "$bench_url" -Atc "select count(*) from pg_inherits where inhparent = 'app.notifications'::regclass")
members=$(psql "$bench_url" -Atc "select count(*) from public.bench_members")

size_table_header "notifications, ms per statement"
for name in insert newest unread by_id plan; do
  case $name in
    insert) label="write one notification (owner, as notify_readers)" ;;
    newest) label="a person's newest 20 (member, RLS)" ;;
    unread) label="their unread count (member, RLS; 1 in 10 unread)" ;;
    by_id) label="one of theirs by id alone (member, RLS)" ;;
    plan) label="planning the newest-20 read" ;;
  esac
  size_table_row "$label" "$name"
done
echo "sizes: $first and $rows notifications over two years, $members people, $partitions partitions (monthly);" \
     "$inserts writes, $reads reads per measure; S = $first, L = $rows; ratio = median L / median S"
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg); took $(elapsed "$began") s"
