-- The lab's KPIs (migration lab/kpis): materialized views in app_private,
-- refreshed concurrently by the job refresh-kpis, read through these views.
-- They read app_private, so they run as their owner and filter by the
-- caller: the active tenant, staff (not portal users) holding sample.read
-- tenant-wide or at the row's site. computed_at says how fresh a row is.

CREATE OR REPLACE VIEW app.lab_kpi_turnaround WITH (security_barrier) AS
SELECT k.organization_id, k.site_id, k.sample_type_id, k.month, k.samples_released, k.mean_hours, k.median_hours, k.p90_hours,
       k.computed_at
  FROM app_private.lab_kpi_turnaround AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]));
COMMENT ON VIEW app.lab_kpi_turnaround IS
  E'Lab turnaround\nHours from receipt to release of the samples released each month, per site and sample type: mean, median, 90th percentile. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_turnaround.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_turnaround.site_id IS E'Site\nThe samples'' site; empty for samples without one.';
COMMENT ON COLUMN app.lab_kpi_turnaround.sample_type_id IS E'Sample type';
COMMENT ON COLUMN app.lab_kpi_turnaround.month IS E'Month\nThe month of release (its first instant).';
COMMENT ON COLUMN app.lab_kpi_turnaround.samples_released IS E'Samples released';
COMMENT ON COLUMN app.lab_kpi_turnaround.mean_hours IS E'Mean turnaround (hours)';
COMMENT ON COLUMN app.lab_kpi_turnaround.median_hours IS E'Median turnaround (hours)';
COMMENT ON COLUMN app.lab_kpi_turnaround.p90_hours IS E'90th percentile turnaround (hours)';
COMMENT ON COLUMN app.lab_kpi_turnaround.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.lab_kpi_backlog WITH (security_barrier) AS
SELECT k.organization_id, k.site_id, k.kind, k.status, k.open_count, k.overdue_count, k.computed_at
  FROM app_private.lab_kpi_backlog AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]));
COMMENT ON VIEW app.lab_kpi_backlog IS
  E'Lab backlog\nOpen samples and analyses per site and status, and how many analyses are past due. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_backlog.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_backlog.site_id IS E'Site';
COMMENT ON COLUMN app.lab_kpi_backlog.kind IS E'Kind\nsample or analysis.';
COMMENT ON COLUMN app.lab_kpi_backlog.status IS E'Status';
COMMENT ON COLUMN app.lab_kpi_backlog.open_count IS E'Open';
COMMENT ON COLUMN app.lab_kpi_backlog.overdue_count IS E'Overdue\nAnalyses past their due date (0 for samples).';
COMMENT ON COLUMN app.lab_kpi_backlog.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.lab_kpi_oos_rate WITH (security_barrier) AS
SELECT k.organization_id, k.site_id, k.test_code, k.month, k.results_judged, k.warnings, k.out_of_specification, k.oos_percent,
       k.computed_at
  FROM app_private.lab_kpi_oos_rate AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]));
COMMENT ON VIEW app.lab_kpi_oos_rate IS
  E'Out-of-specification rate\nResults judged against a specification per test and month of measurement: warnings, out of specification, and the OOS percentage. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_oos_rate.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_oos_rate.site_id IS E'Site';
COMMENT ON COLUMN app.lab_kpi_oos_rate.test_code IS E'Test';
COMMENT ON COLUMN app.lab_kpi_oos_rate.month IS E'Month';
COMMENT ON COLUMN app.lab_kpi_oos_rate.results_judged IS E'Results judged\nResults with an applicable specification (amended originals left out).';
COMMENT ON COLUMN app.lab_kpi_oos_rate.warnings IS E'Warnings';
COMMENT ON COLUMN app.lab_kpi_oos_rate.out_of_specification IS E'Out of specification';
COMMENT ON COLUMN app.lab_kpi_oos_rate.oos_percent IS E'OOS %';
COMMENT ON COLUMN app.lab_kpi_oos_rate.computed_at IS E'Computed at';
