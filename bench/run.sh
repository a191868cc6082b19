#!/usr/bin/env bash
# Every benchmark, one after the other. Each prints its own figures; when all
# of them succeed, docs/benchmarks.md is rewritten with what they printed, the
# date, the commit and the machine (tools/reports.py). Commit it when it changes.
set -euo pipefail
cd "$(dirname "$0")"
benches=(lifecycle.sh rls.sh request_check.sh workflow.sh search.sh custom_fields.sh webhooks.sh state_machines.sh lab_scheduling.sh lab_lineage.sh recall.sh realtime_outbox.sh replica.sh mixed_load.sh partitions.sh notification_partitions.sh spc.sh spc_chart.sh theme.sh reports.sh scan.sh production_kpis.sh assets_nearby.sh work_order_list.sh pm_generation.sh maintenance_calendar.sh)
printed=$(mktemp -d)
trap 'rm -rf "$printed"' EXIT
for bench in "${benches[@]}"; do
  echo "== $bench"
  "./$bench" | tee "$printed/$bench.txt"
done
../.venv/bin/python ../tools/reports.py benchmarks "$printed" "${benches[@]}"
