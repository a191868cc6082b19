-- Deploy pulse:lab/kpis_operations to pg
-- requires: lab/kpis
-- requires: lab/runs
-- requires: lab/scheduling
-- requires: lab/oos

BEGIN;

-- The lab's operational KPIs (like lab/kpis: refreshed concurrently by the
-- job refresh-kpis, read through app.lab_kpi_* views).

-- Run and QC failure rate: runs decided per test and month, QC samples by kind.
CREATE MATERIALIZED VIEW app_private.lab_kpi_run_failures AS
SELECT md5(concat_ws('|', r.organization_id, r.site_id, r.test_code, date_trunc('month', r.decided_at)))::uuid AS id, r.organization_id, r.site_id, r.test_code, date_trunc('month', r.decided_at) AS month,
       count(*)::integer AS runs_decided,
       (count(*) FILTER (WHERE r.status = 'failed'))::integer AS runs_failed,
       round(100.0 * count(*) FILTER (WHERE r.status = 'failed') / count(*), 2) AS run_failure_percent,
       coalesce(sum(q.qc_measured), 0)::integer AS qc_measured,
       coalesce(sum(q.qc_failed), 0)::integer AS qc_failed,
       now() AS computed_at
  FROM app.runs AS r
  LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE s.passed IS NOT NULL) AS qc_measured, count(*) FILTER (WHERE NOT s.passed) AS qc_failed
                       FROM app.run_qc_samples AS s WHERE s.organization_id = r.organization_id AND s.run_id = r.id) AS q ON true
 WHERE r.status IN ('accepted', 'failed') AND r.decided_at IS NOT NULL
 GROUP BY r.organization_id, r.site_id, r.test_code, date_trunc('month', r.decided_at);
CREATE UNIQUE INDEX lab_kpi_run_failures_id ON app_private.lab_kpi_run_failures (id);
CREATE UNIQUE INDEX lab_kpi_run_failures_key ON app_private.lab_kpi_run_failures (organization_id, site_id, test_code, month) NULLS NOT DISTINCT;

-- Instrument utilization: hours booked per instrument and ISO week, against
-- the hours of its availability windows that week (or the whole week when
-- it has none), over the last twelve weeks and the next four.
CREATE MATERIALIZED VIEW app_private.lab_kpi_instrument_utilization AS
WITH weeks AS (
  SELECT w AS week_start, w + interval '7 days' AS week_end
    FROM generate_series(date_trunc('week', now()) - interval '12 weeks', date_trunc('week', now()) + interval '4 weeks', interval '1 week') AS w
), booked AS (
  SELECT e.organization_id, e.id AS equipment_id, e.site_id, w.week_start,
         coalesce(sum(extract(epoch FROM upper(r.during * tstzrange(w.week_start, w.week_end)) - lower(r.during * tstzrange(w.week_start, w.week_end))))
                  FILTER (WHERE r.id IS NOT NULL), 0) / 3600 AS booked_hours
    FROM app.equipment AS e
    JOIN app.equipment_classes AS c ON c.organization_id = e.organization_id AND c.id = e.class_id AND c.kind = 'instrument'
   CROSS JOIN weeks AS w
    LEFT JOIN app.instrument_reservations AS r
           ON r.organization_id = e.organization_id AND r.equipment_id = e.id AND r.status = 'active'
          AND r.during && tstzrange(w.week_start, w.week_end)
   GROUP BY e.organization_id, e.id, e.site_id, w.week_start
)
SELECT md5(concat_ws('|', organization_id, equipment_id, week_start))::uuid AS id, organization_id, equipment_id, site_id, week_start, round(booked_hours::numeric, 2) AS booked_hours,
       round(100 * booked_hours::numeric / (7 * 24), 2) AS utilization_percent, now() AS computed_at
  FROM booked;
CREATE UNIQUE INDEX lab_kpi_instrument_utilization_id ON app_private.lab_kpi_instrument_utilization (id);
CREATE UNIQUE INDEX lab_kpi_instrument_utilization_key ON app_private.lab_kpi_instrument_utilization (organization_id, equipment_id, week_start);

-- Investigation aging: open OOS investigations per phase, by age.
CREATE MATERIALIZED VIEW app_private.lab_kpi_investigation_aging AS
SELECT md5(concat_ws('|', i.organization_id, s.site_id, i.phase))::uuid AS id, i.organization_id, s.site_id, i.phase::text AS phase,
       count(*)::integer AS open_count,
       (count(*) FILTER (WHERE now() - i.opened_at <= interval '7 days'))::integer AS up_to_7_days,
       (count(*) FILTER (WHERE now() - i.opened_at > interval '7 days' AND now() - i.opened_at <= interval '30 days'))::integer AS days_8_to_30,
       (count(*) FILTER (WHERE now() - i.opened_at > interval '30 days'))::integer AS over_30_days,
       round((extract(epoch FROM max(now() - i.opened_at)) / 86400)::numeric, 1) AS oldest_days,
       now() AS computed_at
  FROM app.oos_investigations AS i
  JOIN app.samples AS s ON s.organization_id = i.organization_id AND s.id = i.sample_id
 WHERE i.status = 'open'
 GROUP BY i.organization_id, s.site_id, i.phase;
CREATE UNIQUE INDEX lab_kpi_investigation_aging_id ON app_private.lab_kpi_investigation_aging (id);
CREATE UNIQUE INDEX lab_kpi_investigation_aging_key ON app_private.lab_kpi_investigation_aging (organization_id, site_id, phase) NULLS NOT DISTINCT;

COMMIT;
