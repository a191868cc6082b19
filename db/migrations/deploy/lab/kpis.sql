-- Deploy pulse:lab/kpis to pg
-- requires: lab/core

BEGIN;

-- The lab's KPIs as materialized views (docs/lab.md "KPIs"), refreshed
-- concurrently by the job refresh-kpis (app_private.refresh_kpis) and read
-- through the app.lab_kpi_* views, which filter to the caller's tenant and
-- sites. Each keeps the time it was computed. A unique index (NULLS NOT
-- DISTINCT: rows without a site are one group) lets the refresh run
-- CONCURRENTLY; id (a uuid made from the grouping key) is each row's
-- identity over the APIs (GraphQL node ids).

-- Turnaround: receipt to release of samples, per month of release.
CREATE MATERIALIZED VIEW app_private.lab_kpi_turnaround AS
WITH released AS (
  SELECT s.organization_id, s.site_id, s.sample_type_id, s.received_at, max(r.released_at) AS released_at
    FROM app.samples AS s
    JOIN app.results AS r ON r.organization_id = s.organization_id AND r.sample_id = s.id AND r.status = 'released'
   WHERE s.status IN ('released', 'disposed') AND s.received_at IS NOT NULL
   GROUP BY s.organization_id, s.id
)
SELECT md5(concat_ws('|', organization_id, site_id, sample_type_id, date_trunc('month', released_at)))::uuid AS id, organization_id, site_id, sample_type_id, date_trunc('month', released_at) AS month,
       count(*)::integer AS samples_released,
       round((avg(extract(epoch FROM released_at - received_at)) / 3600)::numeric, 2) AS mean_hours,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM released_at - received_at)) / 3600)::numeric, 2) AS median_hours,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM released_at - received_at)) / 3600)::numeric, 2) AS p90_hours,
       now() AS computed_at
  FROM released
 GROUP BY organization_id, site_id, sample_type_id, date_trunc('month', released_at);
CREATE UNIQUE INDEX lab_kpi_turnaround_id ON app_private.lab_kpi_turnaround (id);
CREATE UNIQUE INDEX lab_kpi_turnaround_key ON app_private.lab_kpi_turnaround (organization_id, site_id, sample_type_id, month) NULLS NOT DISTINCT;

-- Backlog: open samples and analyses by status, and how many are overdue.
CREATE MATERIALIZED VIEW app_private.lab_kpi_backlog AS
SELECT md5(concat_ws('|', s.organization_id, s.site_id, 'sample', s.status))::uuid AS id, s.organization_id, s.site_id, 'sample'::text AS kind, s.status::text AS status, count(*)::integer AS open_count,
       0 AS overdue_count, now() AS computed_at
  FROM app.samples AS s
 WHERE s.status IN ('registered', 'received', 'in_progress', 'completed', 'invalidated', 'retest')
 GROUP BY s.organization_id, s.site_id, s.status
UNION ALL
SELECT md5(concat_ws('|', a.organization_id, s.site_id, 'analysis', a.status))::uuid, a.organization_id, s.site_id, 'analysis', a.status::text, count(*)::integer,
       (count(*) FILTER (WHERE a.due_at < now()))::integer, now()
  FROM app.analyses AS a
  JOIN app.samples AS s ON s.organization_id = a.organization_id AND s.id = a.sample_id
 WHERE a.status IN ('pending', 'in_progress', 'resulted', 'reviewed')
 GROUP BY a.organization_id, s.site_id, a.status;
CREATE UNIQUE INDEX lab_kpi_backlog_id ON app_private.lab_kpi_backlog (id);
CREATE UNIQUE INDEX lab_kpi_backlog_key ON app_private.lab_kpi_backlog (organization_id, site_id, kind, status) NULLS NOT DISTINCT;

-- Out-of-specification rate: judged results per test and month of measurement.
CREATE MATERIALIZED VIEW app_private.lab_kpi_oos_rate AS
SELECT md5(concat_ws('|', r.organization_id, s.site_id, t.code, date_trunc('month', r.measured_at)))::uuid AS id, r.organization_id, s.site_id, t.code AS test_code, date_trunc('month', r.measured_at) AS month,
       count(*)::integer AS results_judged,
       (count(*) FILTER (WHERE r.spec_verdict = 'warning'))::integer AS warnings,
       (count(*) FILTER (WHERE r.spec_verdict = 'out_of_specification'))::integer AS out_of_specification,
       round(100.0 * count(*) FILTER (WHERE r.spec_verdict = 'out_of_specification') / count(*), 2) AS oos_percent,
       now() AS computed_at
  FROM app.results AS r
  JOIN app.samples AS s ON s.organization_id = r.organization_id AND s.id = r.sample_id
  JOIN app.analyses AS a ON a.organization_id = r.organization_id AND a.id = r.analysis_id
  JOIN app.lab_tests AS t ON t.organization_id = a.organization_id AND t.id = a.lab_test_id
 WHERE r.spec_verdict <> 'no_specification' AND r.status <> 'superseded'
 GROUP BY r.organization_id, s.site_id, t.code, date_trunc('month', r.measured_at);
CREATE UNIQUE INDEX lab_kpi_oos_rate_id ON app_private.lab_kpi_oos_rate (id);
CREATE UNIQUE INDEX lab_kpi_oos_rate_key ON app_private.lab_kpi_oos_rate (organization_id, site_id, test_code, month) NULLS NOT DISTINCT;

COMMIT;
