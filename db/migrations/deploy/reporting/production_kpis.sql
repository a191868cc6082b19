-- Deploy pulse:reporting/production_kpis to pg
-- requires: reporting/reports
-- requires: platform/downtime
-- requires: quality/ncr
-- requires: quality/inspections
-- requires: logistics/shipments

BEGIN;

-- Production KPIs (issue #16, phase 5): ideal cycle times per machine and
-- part, production runs with their counts, and the KPIs as materialized
-- views refreshed concurrently by the job refresh-kpis (app_private.*_kpi_*,
-- 50_platform/90_kpis.sql): OEE with the six big losses per machine, part
-- and day; on-time delivery per customer and month; scrap rate and first
-- pass yield per part and month; NCR and CAPA (8D) aging per site. They are
-- read through the views app.production_kpi_* (95_reporting/52_oee.sql,
-- 54_quality_kpis.sql), which filter by tenant and plant.

-- Downtime reasons get the loss they stand for in the six big losses.
ALTER TABLE app.downtime_reasons ADD COLUMN loss_category text;
UPDATE app.downtime_reasons SET loss_category = CASE WHEN is_breakdown THEN 'breakdown' ELSE 'other' END;
ALTER TABLE app.downtime_reasons ALTER COLUMN loss_category SET NOT NULL,
  ADD CONSTRAINT downtime_reasons_loss_category_known CHECK (loss_category IN ('breakdown', 'setup', 'other')),
  ADD CONSTRAINT downtime_reasons_breakdown_category CHECK (is_breakdown = (loss_category = 'breakdown'));
COMMENT ON COLUMN app.downtime_reasons.loss_category IS
  E'Loss category\nWhich of the six big losses a stop for this reason is in OEE: breakdown, setup (setup and adjustments: changeovers, even planned ones, stay in planned production time) or other (an unplanned stop; shorter than oee_small_stop_minutes a small stop). Defaults to breakdown for a breakdown reason, else other; a breakdown reason is always breakdown.';

CREATE TABLE app.ideal_cycle_times (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  part_id uuid NOT NULL,
  part_revision_id uuid,
  cycle_seconds numeric NOT NULL CONSTRAINT ideal_cycle_times_seconds_range CHECK (cycle_seconds > 0 AND cycle_seconds <= 86400),
  notes text NOT NULL DEFAULT '' CONSTRAINT ideal_cycle_times_notes_length CHECK (length(notes) <= 4000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT ideal_cycle_times_unique UNIQUE NULLS NOT DISTINCT (organization_id, equipment_id, part_id, part_revision_id)
);
CREATE INDEX ideal_cycle_times_part_idx ON app.ideal_cycle_times (organization_id, part_id);
CREATE INDEX ideal_cycle_times_revision_idx ON app.ideal_cycle_times (organization_id, part_revision_id);
COMMENT ON TABLE app.ideal_cycle_times IS
  E'Ideal cycle times\nThe fastest possible time to make one piece of a part (or of one revision of it) on a machine (equipment): what OEE performance is measured against. Seen with equipment.read, written with equipment.manage, tenant-wide or at the machine''s site.';
COMMENT ON COLUMN app.ideal_cycle_times.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.ideal_cycle_times.id IS E'Ideal cycle time id';
COMMENT ON COLUMN app.ideal_cycle_times.equipment_id IS E'Machine\nThe equipment (equipment.id).';
COMMENT ON COLUMN app.ideal_cycle_times.part_id IS E'Part';
COMMENT ON COLUMN app.ideal_cycle_times.part_revision_id IS E'Part revision\nA revision of the part when it runs at its own speed; empty for every revision (a revision''s own entry wins).';
COMMENT ON COLUMN app.ideal_cycle_times.cycle_seconds IS E'Ideal cycle time (s)\nSeconds per piece at the machine''s ideal speed, more than 0 and at most a day.';
COMMENT ON COLUMN app.ideal_cycle_times.notes IS E'Notes';
COMMENT ON COLUMN app.ideal_cycle_times.created_at IS E'Created at';
COMMENT ON COLUMN app.ideal_cycle_times.updated_at IS E'Updated at';

CREATE TABLE app.production_runs (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  site_id uuid NOT NULL,
  part_id uuid NOT NULL,
  part_revision_id uuid,
  scheduled_start timestamptz NOT NULL,
  scheduled_end timestamptz NOT NULL,
  total_count integer NOT NULL DEFAULT 0 CONSTRAINT production_runs_total_count_positive CHECK (total_count >= 0),
  good_count integer NOT NULL DEFAULT 0 CONSTRAINT production_runs_good_count_range CHECK (good_count >= 0 AND good_count <= total_count),
  startup_rejects integer NOT NULL DEFAULT 0
    CONSTRAINT production_runs_startup_rejects_range CHECK (startup_rejects >= 0 AND startup_rejects <= total_count - good_count),
  notes text NOT NULL DEFAULT '' CONSTRAINT production_runs_notes_length CHECK (length(notes) <= 4000),
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  CONSTRAINT production_runs_window_order CHECK (scheduled_end > scheduled_start),
  CONSTRAINT production_runs_no_overlap EXCLUDE USING gist (
    organization_id WITH =, equipment_id WITH =, tstzrange(scheduled_start, scheduled_end) WITH &&)
);
CREATE INDEX production_runs_site_idx ON app.production_runs (organization_id, site_id, scheduled_start);
CREATE INDEX production_runs_part_idx ON app.production_runs (organization_id, part_id, scheduled_start);
CREATE INDEX production_runs_revision_idx ON app.production_runs (organization_id, part_revision_id);
CREATE INDEX production_runs_recorded_by_idx ON app.production_runs (recorded_by);
COMMENT ON TABLE app.production_runs IS
  E'Production runs\nA part made on a machine over a scheduled window: pieces made (total) and good, the rejects split into startup rejects and production rejects (the rest), read by OEE. Runs of one machine never overlap. Plant-scoped: seen with equipment.read, recorded with production.record, tenant-wide or at the machine''s site.';
COMMENT ON COLUMN app.production_runs.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.production_runs.id IS E'Run id';
COMMENT ON COLUMN app.production_runs.equipment_id IS E'Machine\nThe equipment that ran (equipment.id).';
COMMENT ON COLUMN app.production_runs.site_id IS E'Plant\nThe machine''s site, set from it.';
COMMENT ON COLUMN app.production_runs.part_id IS E'Part';
COMMENT ON COLUMN app.production_runs.part_revision_id IS E'Part revision\nA revision of the part, when known.';
COMMENT ON COLUMN app.production_runs.scheduled_start IS E'Scheduled start\nStart of the planned production window.';
COMMENT ON COLUMN app.production_runs.scheduled_end IS E'Scheduled end\nEnd of the planned production window (after the start).';
COMMENT ON COLUMN app.production_runs.total_count IS E'Total count\nPieces made, good or not.';
COMMENT ON COLUMN app.production_runs.good_count IS E'Good count\nPieces good the first time (at most the total).';
COMMENT ON COLUMN app.production_runs.startup_rejects IS E'Startup rejects\nRejects made while the machine warmed up or after a changeover; the other rejects (total - good - startup) are production rejects.';
COMMENT ON COLUMN app.production_runs.notes IS E'Notes';
COMMENT ON COLUMN app.production_runs.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.production_runs.created_at IS E'Created at';
COMMENT ON COLUMN app.production_runs.updated_at IS E'Updated at';

-- OEE of one run (the materialized view and app.production_run_oee read it).
-- It reads the tables as its caller sees them; the materialized view's owner
-- sees every row. Times in seconds. See docs/manufacturing.md "KPIs".
CREATE FUNCTION app_private.production_run_oee(p_run app.production_runs, p_small_stop_seconds numeric)
RETURNS TABLE (planned_stop_seconds numeric, planned_production_seconds numeric, breakdown_seconds numeric, setup_seconds numeric,
               small_stop_seconds numeric, other_stop_seconds numeric, run_seconds numeric, ideal_cycle_seconds numeric,
               net_run_seconds numeric, reduced_speed_seconds numeric, startup_reject_seconds numeric,
               production_reject_seconds numeric, fully_productive_seconds numeric, availability numeric, performance numeric,
               quality numeric, oee numeric, performance_over_100 boolean)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH stops AS (
    SELECT d.is_planned, d.is_breakdown, d.in_production_schedule, r.loss_category,
           extract(epoch FROM least(coalesce(d.ended_at, now()), p_run.scheduled_end) - greatest(d.started_at, p_run.scheduled_start)) AS secs,
           extract(epoch FROM coalesce(d.ended_at, now()) - d.started_at) AS full_secs
      FROM app.downtime_events AS d
      JOIN app.downtime_reasons AS r ON r.organization_id = d.organization_id AND r.id = d.reason_id
     WHERE d.organization_id = p_run.organization_id AND d.equipment_id = p_run.equipment_id
       AND pg_catalog.tstzrange(d.started_at, d.ended_at) && pg_catalog.tstzrange(p_run.scheduled_start, p_run.scheduled_end)
  ), kinds AS (
    SELECT s.secs,
           CASE WHEN NOT s.in_production_schedule THEN 'excluded'
                WHEN s.is_breakdown THEN 'breakdown'
                WHEN s.loss_category = 'setup' THEN 'setup'
                WHEN s.is_planned THEN 'excluded'
                WHEN s.full_secs < p_small_stop_seconds THEN 'small'
                ELSE 'other' END AS kind
      FROM stops AS s
  ), sums AS (
    SELECT extract(epoch FROM p_run.scheduled_end - p_run.scheduled_start) AS window_secs,
           coalesce(sum(k.secs) FILTER (WHERE k.kind = 'excluded'), 0) AS planned,
           coalesce(sum(k.secs) FILTER (WHERE k.kind = 'breakdown'), 0) AS breakdown,
           coalesce(sum(k.secs) FILTER (WHERE k.kind = 'setup'), 0) AS setup,
           coalesce(sum(k.secs) FILTER (WHERE k.kind = 'small'), 0) AS small,
           coalesce(sum(k.secs) FILTER (WHERE k.kind = 'other'), 0) AS other
      FROM kinds AS k
  ), ideal AS (
    SELECT (SELECT c.cycle_seconds FROM app.ideal_cycle_times AS c
             WHERE c.organization_id = p_run.organization_id AND c.equipment_id = p_run.equipment_id AND c.part_id = p_run.part_id
               AND (c.part_revision_id IS NULL OR c.part_revision_id = p_run.part_revision_id)
             ORDER BY c.part_revision_id NULLS LAST LIMIT 1) AS cycle
  ), t AS (
    SELECT s.planned, s.window_secs - s.planned AS ppt, s.breakdown, s.setup, s.small, s.other,
           s.window_secs - s.planned - s.breakdown - s.setup - s.small - s.other AS run, i.cycle,
           i.cycle * p_run.total_count AS net
      FROM sums AS s, ideal AS i
  )
  SELECT t.planned, t.ppt, t.breakdown, t.setup, t.small, t.other, t.run, t.cycle, t.net, t.run - t.net,
         t.cycle * p_run.startup_rejects, t.cycle * (p_run.total_count - p_run.good_count - p_run.startup_rejects),
         t.cycle * p_run.good_count,
         CASE WHEN t.ppt > 0 THEN t.run / t.ppt END,
         CASE WHEN t.run > 0 THEN t.net / t.run END,
         CASE WHEN p_run.total_count > 0 THEN p_run.good_count::numeric / p_run.total_count END,
         CASE WHEN t.ppt > 0 THEN t.cycle * p_run.good_count / t.ppt END,
         t.run > 0 AND t.net > t.run
    FROM t
$$;
COMMENT ON FUNCTION app_private.production_run_oee(app.production_runs, numeric) IS
  'OEE of one production run, in seconds and fractions: planned production time = window - planned stops and stops outside the schedule (setup stops stay in); run time = planned production time - breakdowns, setups, small stops (unplanned, shorter than p_small_stop_seconds) and other unplanned stops; net run time = ideal cycle time x total; availability = run / planned, performance = net / run (not capped: performance_over_100 flags an ideal cycle time that is too slow), quality = good / total, OEE = A x P x Q = good x ideal / planned; reduced speed = run - net, startup and production rejects x ideal cycle time. Read by app_private.production_kpi_oee and app.production_run_oee.';

-- OEE per machine, part and day (of the run's scheduled start, UTC).
-- Performance and OEE count only the runs with an ideal cycle time
-- (ideal_cycle_time_missing flags a day with one without).
CREATE MATERIALIZED VIEW app_private.production_kpi_oee AS
WITH runs AS (
  SELECT r.organization_id, r.site_id, r.equipment_id, r.part_id, (r.scheduled_start AT TIME ZONE 'UTC')::date AS day,
         r.total_count, r.good_count, r.startup_rejects, o.*
    FROM app.production_runs AS r
   CROSS JOIN LATERAL app_private.production_run_oee(r,
     60 * coalesce((SELECT (t.value #>> '{}')::numeric FROM app.tenant_settings AS t
                     WHERE t.organization_id = r.organization_id AND t.setting_key = 'oee_small_stop_minutes'),
                   (SELECT (d.default_value #>> '{}')::numeric FROM app_private.setting_definitions AS d WHERE d.key = 'oee_small_stop_minutes'),
                   5)) AS o
)
SELECT md5(concat_ws('|', organization_id, equipment_id, part_id, day))::uuid AS id, organization_id, site_id, equipment_id, part_id, day,
       count(*)::integer AS runs, sum(total_count)::integer AS total_count, sum(good_count)::integer AS good_count,
       round(sum(planned_production_seconds) / 3600, 4) AS planned_production_hours,
       round(sum(run_seconds) / 3600, 4) AS run_hours,
       round(sum(net_run_seconds) / 3600, 4) AS net_run_hours,
       round(sum(fully_productive_seconds) / 3600, 4) AS fully_productive_hours,
       round(100 * sum(run_seconds) / nullif(sum(planned_production_seconds), 0), 2) AS availability_percent,
       round(100 * sum(net_run_seconds) / nullif(sum(run_seconds) FILTER (WHERE ideal_cycle_seconds IS NOT NULL), 0), 2) AS performance_percent,
       round(100.0 * sum(good_count) / nullif(sum(total_count), 0), 2) AS quality_percent,
       round(100 * sum(fully_productive_seconds) / nullif(sum(planned_production_seconds) FILTER (WHERE ideal_cycle_seconds IS NOT NULL), 0), 2) AS oee_percent,
       round(sum(breakdown_seconds) / 3600, 4) AS breakdown_hours,
       round(sum(setup_seconds) / 3600, 4) AS setup_hours,
       round(sum(small_stop_seconds) / 3600, 4) AS small_stop_hours,
       round(sum(other_stop_seconds) / 3600, 4) AS other_stop_hours,
       round(sum(reduced_speed_seconds) / 3600, 4) AS reduced_speed_hours,
       round(sum(startup_reject_seconds) / 3600, 4) AS startup_reject_hours,
       round(sum(production_reject_seconds) / 3600, 4) AS production_reject_hours,
       bool_or(performance_over_100) AS performance_over_100,
       bool_or(ideal_cycle_seconds IS NULL) AS ideal_cycle_time_missing,
       now() AS computed_at
  FROM runs
 GROUP BY organization_id, site_id, equipment_id, part_id, day;
CREATE UNIQUE INDEX production_kpi_oee_id ON app_private.production_kpi_oee (id);
CREATE INDEX production_kpi_oee_key ON app_private.production_kpi_oee (organization_id, site_id, day);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_oee IS
  'OEE per tenant, machine, part and day (of the scheduled start, UTC), summed over the day''s runs (app_private.production_run_oee); refreshed by the job refresh-kpis, read through app.production_kpi_oee.';

-- On-time delivery per customer, plant and month shipped.
CREATE MATERIALIZED VIEW app_private.production_kpi_otd AS
SELECT md5(concat_ws('|', s.organization_id, s.customer_id, s.site_id, date_trunc('month', s.shipped_at AT TIME ZONE 'UTC')))::uuid AS id,
       s.organization_id, s.customer_id, s.site_id, (date_trunc('month', s.shipped_at AT TIME ZONE 'UTC'))::date AS month,
       count(*)::integer AS shipments,
       (count(*) FILTER (WHERE (s.shipped_at AT TIME ZONE 'UTC')::date <= s.promised_date))::integer AS on_time,
       round(100.0 * count(*) FILTER (WHERE (s.shipped_at AT TIME ZONE 'UTC')::date <= s.promised_date) / count(*), 2) AS otd_percent,
       now() AS computed_at
  FROM app.shipments AS s
 WHERE s.shipped_at IS NOT NULL AND s.promised_date IS NOT NULL AND s.status <> 'cancelled'
 GROUP BY s.organization_id, s.customer_id, s.site_id, date_trunc('month', s.shipped_at AT TIME ZONE 'UTC');
CREATE UNIQUE INDEX production_kpi_otd_id ON app_private.production_kpi_otd (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_otd IS
  'On-time delivery per tenant, customer, plant and month shipped (UTC): shipments with a promised date shipped, and those shipped on or before it; read through app.production_kpi_otd.';

-- Scrap rate per part, plant and month: scrapped quantity (NCR dispositions
-- scrap, by the month approved) over the pieces made (production runs, by the
-- month of their scheduled start).
CREATE MATERIALIZED VIEW app_private.production_kpi_scrap AS
WITH scrapped AS (
  SELECT n.organization_id, n.part_id, n.site_id, (date_trunc('month', d.approved_at AT TIME ZONE 'UTC'))::date AS month, sum(d.quantity) AS quantity
    FROM app.ncr_dispositions AS d
    JOIN app.ncrs AS n ON n.organization_id = d.organization_id AND n.id = d.ncr_id
   WHERE d.disposition = 'scrap' AND n.status <> 'cancelled'
   GROUP BY 1, 2, 3, 4
), produced AS (
  SELECT r.organization_id, r.part_id, r.site_id, (date_trunc('month', r.scheduled_start AT TIME ZONE 'UTC'))::date AS month, sum(r.total_count) AS quantity
    FROM app.production_runs AS r
   GROUP BY 1, 2, 3, 4
)
SELECT md5(concat_ws('|', organization_id, part_id, site_id, month))::uuid AS id, organization_id, part_id, site_id, month,
       coalesce(p.quantity, 0)::numeric AS produced, coalesce(s.quantity, 0)::numeric AS scrapped,
       round(100 * coalesce(s.quantity, 0) / nullif(p.quantity, 0), 2) AS scrap_percent, now() AS computed_at
  FROM produced AS p
  FULL JOIN scrapped AS s USING (organization_id, part_id, site_id, month);
CREATE UNIQUE INDEX production_kpi_scrap_id ON app_private.production_kpi_scrap (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_scrap IS
  'Scrap rate per tenant, part, plant and month: quantity scrapped by MRB dispositions over pieces made in production runs; read through app.production_kpi_scrap.';

-- First pass yield per part, plant, line and month: the source of
-- app.inspection_fpy (the inspections' passed_first_time, judged when an
-- inspection completes), production inspections only (not receiving), all
-- kinds together.
CREATE MATERIALIZED VIEW app_private.production_kpi_fpy AS
SELECT md5(concat_ws('|', i.organization_id, i.part_id, i.site_id, i.line, date_trunc('month', i.completed_at AT TIME ZONE 'UTC')))::uuid AS id,
       i.organization_id, i.part_id, i.site_id, i.line, (date_trunc('month', i.completed_at AT TIME ZONE 'UTC'))::date AS month,
       count(*)::integer AS inspections, (count(*) FILTER (WHERE i.passed_first_time))::integer AS passed_first_time,
       round(100.0 * count(*) FILTER (WHERE i.passed_first_time) / count(*), 2) AS fpy_percent, now() AS computed_at
  FROM app.inspections AS i
 WHERE i.status <> 'open' AND i.kind <> 'receiving'
 GROUP BY i.organization_id, i.part_id, i.site_id, i.line, date_trunc('month', i.completed_at AT TIME ZONE 'UTC');
CREATE UNIQUE INDEX production_kpi_fpy_id ON app_private.production_kpi_fpy (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_fpy IS
  'First pass yield per tenant, part, plant, line and month, from the source of app.inspection_fpy (completed in-process, final and first article inspections and their passed_first_time); read through app.production_kpi_fpy.';

-- Aging of open NCRs and CAPAs (8D) per site, in buckets of days open.
CREATE MATERIALIZED VIEW app_private.production_kpi_aging AS
WITH open_items AS (
  SELECT n.organization_id, n.site_id, 'ncr'::text AS kind, extract(epoch FROM now() - n.created_at) / 86400 AS days
    FROM app.ncrs AS n WHERE n.status NOT IN ('closed', 'cancelled')
  UNION ALL
  SELECT c.organization_id, c.site_id, 'capa', extract(epoch FROM now() - c.created_at) / 86400
    FROM app.capas AS c WHERE c.status NOT IN ('closed', 'cancelled')
)
SELECT md5(concat_ws('|', organization_id, site_id, kind))::uuid AS id, organization_id, site_id, kind,
       count(*)::integer AS open_count,
       (count(*) FILTER (WHERE days < 8))::integer AS days_0_to_7,
       (count(*) FILTER (WHERE days >= 8 AND days < 31))::integer AS days_8_to_30,
       (count(*) FILTER (WHERE days >= 31 AND days < 91))::integer AS days_31_to_90,
       (count(*) FILTER (WHERE days >= 91))::integer AS over_90_days,
       round(max(days)::numeric, 1) AS oldest_days, now() AS computed_at
  FROM open_items
 GROUP BY organization_id, site_id, kind;
CREATE UNIQUE INDEX production_kpi_aging_id ON app_private.production_kpi_aging (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_aging IS
  'Open NCRs and CAPAs (8D) per tenant, site and kind by whole days open: 0-7, 8-30, 31-90, over 90; read through app.production_kpi_aging.';

COMMIT;
