#!/usr/bin/env bash
# Production KPIs (db/functions/95_reporting/52_oee.sql), in a throw-away
# database `pulse_bench_production_kpis` (demo data plus PRODUCTION_BENCH_MACHINES
# machines at Acme's first plant, each with two runs a day for a year and
# four stops a run, bulk-loaded with generate_series): the refresh of the OEE
# materialized view (app_private.production_run_oee per run, CONCURRENTLY as
# the job runs it) against a bare aggregate of the same runs (pieces per
# machine, part and day, no stops read), and app.equipment_oee of one machine
# over a month as a member; rounds alternate the variants in one session,
# timed inside the database. Prints medians and the median of the rounds'
# ratios; asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
machines=${PRODUCTION_BENCH_MACHINES:-20}
rounds=${PRODUCTION_BENCH_ROUNDS:-5}

bench_database pulse_bench_production_kpis
psql "$bench_url" <<SQL >/dev/null
WITH acme AS (SELECT o.id, (SELECT s.id FROM app.sites AS s WHERE s.organization_id = o.id AND s.code = 'PLANT-1') AS site,
                     (SELECT c.id FROM app.equipment_classes AS c WHERE c.organization_id = o.id AND c.code = 'cnc-lathe') AS class
                FROM app.organizations AS o WHERE o.slug = 'acme-manufacturing')
INSERT INTO app.equipment (organization_id, id, name, class_id, site_id, serial_number)
SELECT acme.id, public.uuid_generate_v7(), 'Bench machine ' || g, acme.class, acme.site, 'BENCH-' || g
  FROM acme, generate_series(1, $machines) AS g;
INSERT INTO app.ideal_cycle_times (organization_id, id, equipment_id, part_id, cycle_seconds)
SELECT e.organization_id, public.uuid_generate_v7(), e.id, p.id, 40
  FROM app.equipment AS e JOIN app.parts AS p ON p.organization_id = e.organization_id AND p.part_number = 'BRK-1100'
 WHERE e.serial_number LIKE 'BENCH-%';
-- Two 8-hour runs a day for a year (triggers off: bulk load), four stops a run.
ALTER TABLE app.production_runs DISABLE TRIGGER USER;
ALTER TABLE app.downtime_events DISABLE TRIGGER USER;
INSERT INTO app.production_runs (organization_id, id, equipment_id, site_id, part_id, scheduled_start, scheduled_end, total_count, good_count, startup_rejects)
SELECT e.organization_id, public.uuid_generate_v7(), e.id, e.site_id, p.id, s, s + interval '8 hours', 650, 630, 5
  FROM app.equipment AS e JOIN app.parts AS p ON p.organization_id = e.organization_id AND p.part_number = 'BRK-1100',
       generate_series(date_trunc('day', now()) - interval '366 days', date_trunc('day', now()) - interval '1 day', interval '12 hours') AS s
 WHERE e.serial_number LIKE 'BENCH-%';
INSERT INTO app.downtime_events (organization_id, id, equipment_id, started_at, ended_at, reason_id, is_planned, is_breakdown)
SELECT r.organization_id, public.uuid_generate_v7(), r.equipment_id, r.scheduled_start + k * interval '100 minutes',
       r.scheduled_start + k * interval '100 minutes' + (k * 4) * interval '1 minute', d.id, d.is_planned, d.is_breakdown
  FROM app.production_runs AS r
  JOIN app.equipment AS e ON e.organization_id = r.organization_id AND e.id = r.equipment_id AND e.serial_number LIKE 'BENCH-%',
       generate_series(1, 4) AS k
  JOIN app.downtime_reasons AS d ON d.code = CASE k WHEN 1 THEN 'changeover' WHEN 2 THEN 'breakdown' ELSE 'no-material' END
 WHERE d.organization_id = r.organization_id;
ALTER TABLE app.production_runs ENABLE TRIGGER USER;
ALTER TABLE app.downtime_events ENABLE TRIGGER USER;
ANALYZE;
REFRESH MATERIALIZED VIEW app_private.production_kpi_oee;
SQL
runs=$(psql "$bench_url" -At -c "select count(*) from app.production_runs")
stops=$(psql "$bench_url" -At -c "select count(*) from app.downtime_events")
echo "OEE over $runs runs and $stops stops ($machines machines x 2 runs a day x a year), $rounds rounds (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
PGOPTIONS="--client-min-messages=notice -c bench.rounds=$rounds" command psql -X -q -v ON_ERROR_STOP=1 "$bench_url" <<'SQL'
DO $$
DECLARE
  v_rounds integer := current_setting('bench.rounds')::integer;
  v_refresh numeric[] := '{}';
  v_bare numeric[] := '{}';
  v_period numeric[] := '{}';
  v_ratio numeric[] := '{}';
  v_t timestamptz;
  v_a numeric;
  v_b numeric;
  v_machine uuid := (SELECT id FROM app.equipment WHERE serial_number = 'BENCH-1');
  v_claims text := (SELECT jsonb_build_object('sub', u.id, 'role', 'app_user', 'org_id', o.id)::text
                      FROM app.users AS u, app.organizations AS o WHERE u.email = 'management@acme.test' AND o.slug = 'acme-manufacturing');
BEGIN
  FOR i IN 1..v_rounds LOOP
    v_t := clock_timestamp();
    REFRESH MATERIALIZED VIEW CONCURRENTLY app_private.production_kpi_oee;
    v_a := extract(epoch FROM clock_timestamp() - v_t) * 1000;
    v_t := clock_timestamp();
    PERFORM r.equipment_id, r.part_id, (r.scheduled_start AT TIME ZONE 'UTC')::date, sum(r.total_count), sum(r.good_count)
      FROM app.production_runs AS r GROUP BY 1, 2, 3;
    v_b := extract(epoch FROM clock_timestamp() - v_t) * 1000;
    v_refresh := v_refresh || v_a; v_bare := v_bare || v_b; v_ratio := v_ratio || (v_a / nullif(v_b, 0));
    PERFORM set_config('request.jwt.claims', v_claims, true);
    v_t := clock_timestamp();
    PERFORM * FROM app.equipment_oee(v_machine, now() - interval '31 days', now());
    v_period := v_period || extract(epoch FROM clock_timestamp() - v_t) * 1000;
  END LOOP;
  RAISE NOTICE 'refresh of production_kpi_oee (concurrently)  median % ms', round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v_refresh) AS x)::numeric, 1);
  RAISE NOTICE 'bare aggregate of the runs                   median % ms', round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v_bare) AS x)::numeric, 1);
  RAISE NOTICE 'ratio refresh / bare aggregate               median %', round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v_ratio) AS x)::numeric, 1);
  RAISE NOTICE 'app.equipment_oee, one machine, 31 days      median % ms', round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v_period) AS x)::numeric, 2);
END
$$;
SQL
