#!/usr/bin/env bash
# Saved reports (db/functions/95_reporting/), in a throw-away database
# `pulse_bench_reports` (demo data, plus REPORTS_BENCH_ROWS pieces of equipment
# at Acme's two plants): what the worker's app_private.report_execution_start
# (the requester's claims and role, the checks as of the run, the query, the
# CSV or JSON-lines file built in SQL) costs against the report's query alone
# run as the requester, in one session, rounds alternating the variants
# (bench/reports_measure.sql). Prints medians and the median of the rounds'
# ratios; asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rows=${REPORTS_BENCH_ROWS:-20000}
rounds=${REPORTS_BENCH_ROUNDS:-7}

bench_database pulse_bench_reports
psql "$bench_url" <<SQL >/dev/null
INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9', 'us-east-1', 'pulse-bench', 'bench', 'bench') ON CONFLICT (singleton) DO NOTHING;
INSERT INTO app.equipment (organization_id, name, class_id, site_id, serial_number)
SELECT o.id, 'Gauge ' || g || CASE WHEN g % 10 = 0 THEN ', "spare"' ELSE '' END,
       (SELECT c.id FROM app.equipment_classes AS c WHERE c.organization_id = o.id ORDER BY c.code LIMIT 1),
       (SELECT s.id FROM app.sites AS s WHERE s.organization_id = o.id ORDER BY s.code OFFSET g % 2 LIMIT 1), 'SN-' || g
  FROM app.organizations AS o, generate_series(1, $rows) AS g
 WHERE o.slug = 'acme-manufacturing';
ANALYZE;
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object('sub', u.id, 'role', 'app_user', 'org_id', o.id)::text, true),
       set_config('role', 'app_user', true)
  FROM app.users AS u, app.organizations AS o WHERE u.email = 'management@acme.test' AND o.slug = 'acme-manufacturing';
INSERT INTO app.report_definitions (name, source_key, columns, sort, row_limit)
VALUES ('Bench equipment', 'equipment_calibration_status', '{equipment_number,name,site_id,calibration_status,valid_to,is_usable}',
        '[{"column": "equipment_number"}]', 50000);
COMMIT;
SQL
echo "saved report over app.equipment_calibration_status, $rows pieces of equipment, $rounds rounds (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
PGOPTIONS="--client-min-messages=notice -c bench.rounds=$rounds" command psql -X -q -v ON_ERROR_STOP=1 "$bench_url" -f bench/reports_measure.sql
