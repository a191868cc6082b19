-- The lab's KPIs (migration lab/kpis): materialized views in app_private,
-- refreshed concurrently by the job refresh-kpis, read through these views.
-- They read app_private, so they run as their owner and filter by the
-- caller: the active tenant, staff (not portal users) holding sample.read
-- tenant-wide or at the row's site. computed_at says how fresh a row is.

CREATE OR REPLACE VIEW app.lab_kpi_turnaround WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.sample_type_id, k.month, k.samples_released, k.mean_hours, k.median_hours, k.p90_hours,
       k.computed_at
  FROM app_private.lab_kpi_turnaround AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.lab_kpi_turnaround IS
  E'Lab turnaround\nHours from receipt to release of the samples released each month, per site and sample type: mean, median, 90th percentile. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_turnaround.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
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
SELECT k.id, k.organization_id, k.site_id, k.kind, k.status, k.open_count, k.overdue_count, k.computed_at
  FROM app_private.lab_kpi_backlog AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.lab_kpi_backlog IS
  E'Lab backlog\nOpen samples and analyses per site and status, and how many analyses are past due. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_backlog.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.lab_kpi_backlog.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_backlog.site_id IS E'Site';
COMMENT ON COLUMN app.lab_kpi_backlog.kind IS E'Kind\nsample or analysis.';
COMMENT ON COLUMN app.lab_kpi_backlog.status IS E'Status';
COMMENT ON COLUMN app.lab_kpi_backlog.open_count IS E'Open';
COMMENT ON COLUMN app.lab_kpi_backlog.overdue_count IS E'Overdue\nAnalyses past their due date (0 for samples).';
COMMENT ON COLUMN app.lab_kpi_backlog.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.lab_kpi_oos_rate WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.test_code, k.month, k.results_judged, k.warnings, k.out_of_specification, k.oos_percent,
       k.computed_at
  FROM app_private.lab_kpi_oos_rate AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.lab_kpi_oos_rate IS
  E'Out-of-specification rate\nResults judged against a specification per test and month of measurement: warnings, out of specification, and the OOS percentage. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_oos_rate.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.lab_kpi_oos_rate.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_oos_rate.site_id IS E'Site';
COMMENT ON COLUMN app.lab_kpi_oos_rate.test_code IS E'Test';
COMMENT ON COLUMN app.lab_kpi_oos_rate.month IS E'Month';
COMMENT ON COLUMN app.lab_kpi_oos_rate.results_judged IS E'Results judged\nResults with an applicable specification (amended originals left out).';
COMMENT ON COLUMN app.lab_kpi_oos_rate.warnings IS E'Warnings';
COMMENT ON COLUMN app.lab_kpi_oos_rate.out_of_specification IS E'Out of specification';
COMMENT ON COLUMN app.lab_kpi_oos_rate.oos_percent IS E'OOS %';
COMMENT ON COLUMN app.lab_kpi_oos_rate.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.lab_kpi_run_failures WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.test_code, k.month, k.runs_decided, k.runs_failed, k.run_failure_percent, k.qc_measured,
       k.qc_failed, k.computed_at
  FROM app_private.lab_kpi_run_failures AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.lab_kpi_run_failures IS
  E'Run and QC failure rate\nRuns accepted or failed per test and month of the decision, the share that failed, and their QC samples measured and failed. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_run_failures.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.lab_kpi_run_failures.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_run_failures.site_id IS E'Site';
COMMENT ON COLUMN app.lab_kpi_run_failures.test_code IS E'Test';
COMMENT ON COLUMN app.lab_kpi_run_failures.month IS E'Month\nThe month the runs were accepted or failed.';
COMMENT ON COLUMN app.lab_kpi_run_failures.runs_decided IS E'Runs decided';
COMMENT ON COLUMN app.lab_kpi_run_failures.runs_failed IS E'Runs failed';
COMMENT ON COLUMN app.lab_kpi_run_failures.run_failure_percent IS E'Run failure %';
COMMENT ON COLUMN app.lab_kpi_run_failures.qc_measured IS E'QC samples measured';
COMMENT ON COLUMN app.lab_kpi_run_failures.qc_failed IS E'QC samples failed';
COMMENT ON COLUMN app.lab_kpi_run_failures.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.lab_kpi_instrument_utilization WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.equipment_id, k.site_id, k.week_start, k.booked_hours, k.utilization_percent, k.computed_at
  FROM app_private.lab_kpi_instrument_utilization AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('equipment.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.lab_kpi_instrument_utilization IS
  E'Instrument utilization\nHours of active bookings per instrument and week (Monday first), and their share of the week''s 168 hours, from twelve weeks back to four ahead. Readers of the equipment register see it. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.equipment_id IS E'Instrument';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.site_id IS E'Site';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.week_start IS E'Week\nIts first instant (Monday 00:00, server time zone).';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.booked_hours IS E'Hours booked';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.utilization_percent IS E'Utilization %\nHours booked over the week''s 168.';
COMMENT ON COLUMN app.lab_kpi_instrument_utilization.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.lab_kpi_investigation_aging WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.phase, k.open_count, k.up_to_7_days, k.days_8_to_30, k.over_30_days, k.oldest_days, k.computed_at
  FROM app_private.lab_kpi_investigation_aging AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('sample.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.lab_kpi_investigation_aging IS
  E'OOS investigation aging\nOpen out-of-specification investigations per phase and site, by age since opened, and the oldest. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.organization_id IS E'Tenant';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.site_id IS E'Site';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.phase IS E'Phase\nphase_1 or phase_2.';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.open_count IS E'Open';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.up_to_7_days IS E'Open up to 7 days';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.days_8_to_30 IS E'Open 8 to 30 days';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.over_30_days IS E'Open over 30 days';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.oldest_days IS E'Oldest (days)';
COMMENT ON COLUMN app.lab_kpi_investigation_aging.computed_at IS E'Computed at';
