-- Deploy pulse:maintenance/kpis to pg
-- requires: maintenance/joins
-- requires: reporting/production_kpis

BEGIN;

-- Maintenance KPIs (issue #17 "Dashboards"), archival of old work orders
-- (issue #17 "Archival") and the index of a technician's work-order list.
--
-- KPIs: materialized views app_private.maintenance_kpi_* refreshed
-- concurrently by the job refresh-kpis (50_platform/90_kpis.sql finds them),
-- read through app.maintenance_kpi_* (95_reporting/60_*-64_*), which filter
-- by tenant and plant. Definitions and worked examples: docs/maintenance.md
-- "Dashboards". Every figure is per asset (equipment) and month (UTC) of the
-- event; plants are the asset's site.
--
-- Archival: closed and cancelled work orders older than the tenant's
-- maintenance_archive_after_years move, with every row that references them
-- by a cascading foreign key (labour, contractor charges, assets, ...), to
-- the cold tables app_private.archived_work_orders and
-- app_private.archived_work_order_rows (composite tenant keys kept; the rows
-- as JSON so later columns need no change here), by the job
-- archive-work-orders (90_maintenance/96_archive.sql). Why cold tables and
-- not partitions: docs/scaling.md "Work orders and maintenance logs".

-- A stop keeps naming its work order once the work order is archived: the
-- foreign key becomes a check on insert and update (the work order is live
-- then), app_private.tg_downtime_events__check_work_order.
ALTER TABLE app.downtime_events DROP CONSTRAINT downtime_events_work_order_fkey;
COMMENT ON COLUMN app.downtime_events.work_order_id IS
  E'Work order\nThe maintenance work order the stop was recorded from (app.record_work_order_stop): a live work order when recorded; it may since have been archived (app.archived_work_orders).';

-- A technician's list: open work orders assigned to them by due date.
CREATE INDEX work_orders_assignee_open_idx ON app.work_orders (organization_id, assignee_id, due_date, id)
  WHERE status IN ('planned', 'scheduled', 'in_progress', 'on_hold');
-- The archival job's candidates.
CREATE INDEX work_orders_archivable_idx ON app.work_orders (organization_id, (coalesce(closed_at, updated_at)))
  WHERE status IN ('closed', 'cancelled');

-- Per asset and month (UTC): breakdowns, downtime, MTBF, MTTR, PM
-- compliance and planned work. A stop counts in the month it starts (its
-- whole length; an open stop until now); labour in the month it started.
CREATE MATERIALIZED VIEW app_private.maintenance_kpi_asset_month AS
WITH settings AS (
  SELECT o.id AS organization_id,
         coalesce((SELECT (t.value #>> '{}')::integer FROM app.tenant_settings AS t
                    WHERE t.organization_id = o.id AND t.setting_key = 'pm_compliance_grace_days'),
                  (SELECT (d.default_value #>> '{}')::integer FROM app_private.setting_definitions AS d WHERE d.key = 'pm_compliance_grace_days'),
                  0) AS grace_days
    FROM app.organizations AS o
), stops AS (
  SELECT d.organization_id, d.equipment_id, date_trunc('month', d.started_at AT TIME ZONE 'UTC')::date AS month,
         d.is_planned, d.is_breakdown, d.ended_at IS NOT NULL AS ended,
         extract(epoch FROM coalesce(d.ended_at, now()) - d.started_at) AS secs
    FROM app.downtime_events AS d
), stop_sums AS (
  SELECT s.organization_id, s.equipment_id, s.month,
         sum(s.secs) AS downtime_secs,
         sum(s.secs) FILTER (WHERE NOT s.is_planned) AS unplanned_secs,
         count(*) FILTER (WHERE s.is_breakdown) AS breakdowns,
         count(*) FILTER (WHERE s.is_breakdown AND s.ended) AS repaired,
         sum(s.secs) FILTER (WHERE s.is_breakdown AND s.ended) AS repair_secs
    FROM stops AS s GROUP BY s.organization_id, s.equipment_id, s.month
), pm AS (
  SELECT w.organization_id, w.equipment_id, date_trunc('month', w.due_date)::date AS month,
         count(*) AS pm_due,
         count(*) FILTER (WHERE w.completed_at IS NOT NULL
                            AND (w.completed_at AT TIME ZONE 'UTC')::date <= w.due_date + st.grace_days) AS pm_on_time
    FROM app.work_orders AS w JOIN settings AS st ON st.organization_id = w.organization_id
   WHERE w.work_type = 'preventive' AND w.status <> 'cancelled' AND w.due_date IS NOT NULL
   GROUP BY w.organization_id, w.equipment_id, date_trunc('month', w.due_date)::date
), labour AS (
  SELECT w.organization_id, w.equipment_id, date_trunc('month', l.started_at AT TIME ZONE 'UTC')::date AS month,
         sum(l.hours) AS total_hours,
         sum(l.hours) FILTER (WHERE w.work_type <> 'emergency' AND NOT w.is_breakdown) AS planned_hours
    FROM app.labour_entries AS l
    JOIN app.work_orders AS w ON w.organization_id = l.organization_id AND w.id = l.work_order_id
   GROUP BY w.organization_id, w.equipment_id, date_trunc('month', l.started_at AT TIME ZONE 'UTC')::date
), keys AS (
  SELECT organization_id, equipment_id, month FROM stop_sums
  UNION SELECT organization_id, equipment_id, month FROM pm
  UNION SELECT organization_id, equipment_id, month FROM labour
), t AS (
  SELECT k.organization_id, e.site_id, k.equipment_id, k.month,
         extract(epoch FROM least((k.month + interval '1 month')::timestamp AT TIME ZONE 'UTC', greatest(now(), k.month::timestamp AT TIME ZONE 'UTC'))
                            - k.month::timestamp AT TIME ZONE 'UTC') AS calendar_secs,
         coalesce(s.downtime_secs, 0) AS downtime_secs, coalesce(s.unplanned_secs, 0) AS unplanned_secs,
         coalesce(s.breakdowns, 0) AS breakdowns, coalesce(s.repaired, 0) AS repaired, coalesce(s.repair_secs, 0) AS repair_secs,
         coalesce(p.pm_due, 0) AS pm_due, coalesce(p.pm_on_time, 0) AS pm_on_time,
         coalesce(l.total_hours, 0) AS total_hours, coalesce(l.planned_hours, 0) AS planned_hours
    FROM keys AS k
    JOIN app.equipment AS e ON e.organization_id = k.organization_id AND e.id = k.equipment_id
    LEFT JOIN stop_sums AS s ON s.organization_id = k.organization_id AND s.equipment_id = k.equipment_id AND s.month = k.month
    LEFT JOIN pm AS p ON p.organization_id = k.organization_id AND p.equipment_id = k.equipment_id AND p.month = k.month
    LEFT JOIN labour AS l ON l.organization_id = k.organization_id AND l.equipment_id = k.equipment_id AND l.month = k.month
)
SELECT md5(concat_ws('|', organization_id, equipment_id, month))::uuid AS id, organization_id, site_id, equipment_id, month,
       round(calendar_secs / 3600, 4) AS calendar_hours,
       round(downtime_secs / 3600, 4) AS downtime_hours,
       round(unplanned_secs / 3600, 4) AS unplanned_downtime_hours,
       round(greatest(calendar_secs - downtime_secs, 0) / 3600, 4) AS operating_hours,
       breakdowns::integer AS breakdowns, repaired::integer AS breakdowns_repaired,
       round(repair_secs / 3600, 4) AS repair_hours,
       CASE WHEN breakdowns > 0 THEN round(greatest(calendar_secs - downtime_secs, 0) / 3600 / breakdowns, 4) END AS mtbf_hours,
       CASE WHEN repaired > 0 THEN round(repair_secs / 3600 / repaired, 4) END AS mttr_hours,
       pm_due::integer AS pm_due, pm_on_time::integer AS pm_on_time,
       CASE WHEN pm_due > 0 THEN round(100.0 * pm_on_time / pm_due, 2) END AS pm_compliance_percent,
       total_hours AS maintenance_hours, planned_hours,
       CASE WHEN total_hours > 0 THEN round(100 * planned_hours / total_hours, 2) END AS planned_work_percent,
       now() AS computed_at
  FROM t;
CREATE UNIQUE INDEX maintenance_kpi_asset_month_id ON app_private.maintenance_kpi_asset_month (id);
CREATE INDEX maintenance_kpi_asset_month_tenant ON app_private.maintenance_kpi_asset_month (organization_id, site_id, month);
COMMENT ON MATERIALIZED VIEW app_private.maintenance_kpi_asset_month IS
  'Maintenance KPIs per tenant, asset and month (UTC): calendar, downtime, unplanned downtime and operating hours; breakdowns, MTBF and MTTR; PM work orders due and done on time (PM compliance); labour hours and the planned share. Definitions: docs/maintenance.md "Dashboards". Read through app.maintenance_kpi_asset_month and app.maintenance_kpi_plant_month.';

-- Maintenance cost per asset, month and currency: the cost lines of
-- app.work_order_cost_lines, computed from the tables here; labour in the
-- month the work started, a contractor charge when recorded, parts when moved.
CREATE MATERIALIZED VIEW app_private.maintenance_kpi_asset_costs AS
WITH lines AS (
  SELECT l.organization_id, l.work_order_id, 'labour'::text AS kind, l.cost AS amount, l.currency, l.started_at AS booked_at
    FROM app.labour_entries AS l
  UNION ALL
  SELECT c.organization_id, c.work_order_id, 'contractor', c.amount, c.currency, c.created_at
    FROM app.contractor_charges AS c
  UNION ALL
  SELECT m.organization_id, m.entity_id, 'parts', round(-m.quantity * m.unit_cost, 2),
         coalesce((SELECT o.settings ->> 'currency' FROM app.organizations AS o WHERE o.id = m.organization_id), 'EUR'), m.moved_at
    FROM app.stock_movements AS m
   WHERE m.entity_type = 'work_order' AND m.kind IN ('issue', 'return')
)
SELECT md5(concat_ws('|', w.organization_id, w.equipment_id, date_trunc('month', l.booked_at AT TIME ZONE 'UTC')::date, l.currency))::uuid AS id,
       w.organization_id, e.site_id, w.equipment_id, date_trunc('month', l.booked_at AT TIME ZONE 'UTC')::date AS month, l.currency,
       count(DISTINCT w.id)::integer AS work_orders,
       coalesce(sum(l.amount) FILTER (WHERE l.kind = 'labour'), 0) AS labour_cost,
       coalesce(sum(l.amount) FILTER (WHERE l.kind = 'contractor'), 0) AS contractor_cost,
       coalesce(sum(l.amount) FILTER (WHERE l.kind = 'parts'), 0) AS parts_cost,
       coalesce(sum(l.amount), 0) AS total_cost,
       now() AS computed_at
  FROM lines AS l
  JOIN app.work_orders AS w ON w.organization_id = l.organization_id AND w.id = l.work_order_id
  JOIN app.equipment AS e ON e.organization_id = w.organization_id AND e.id = w.equipment_id
 GROUP BY w.organization_id, e.site_id, w.equipment_id, date_trunc('month', l.booked_at AT TIME ZONE 'UTC')::date, l.currency;
CREATE UNIQUE INDEX maintenance_kpi_asset_costs_id ON app_private.maintenance_kpi_asset_costs (id);
COMMENT ON MATERIALIZED VIEW app_private.maintenance_kpi_asset_costs IS
  'Maintenance cost per tenant, primary asset, month booked (UTC) and currency: labour, contractor charges, parts issued less returned (the lines of app.work_order_cost_lines). Read through app.maintenance_kpi_asset_costs.';

-- Backlog per plant now: open (approved) work and its estimate in crew-weeks.
CREATE MATERIALIZED VIEW app_private.maintenance_kpi_backlog AS
WITH crew AS (
  SELECT o.id AS organization_id,
         coalesce((SELECT (t.value #>> '{}')::numeric FROM app.tenant_settings AS t
                    WHERE t.organization_id = o.id AND t.setting_key = 'maintenance_weekly_crew_hours'),
                  (SELECT (d.default_value #>> '{}')::numeric FROM app_private.setting_definitions AS d WHERE d.key = 'maintenance_weekly_crew_hours'),
                  200) AS weekly_hours
    FROM app.organizations AS o
)
SELECT md5(concat_ws('|', w.organization_id, w.site_id))::uuid AS id, w.organization_id, w.site_id,
       count(*)::integer AS open_work_orders,
       (count(*) FILTER (WHERE w.estimated_hours IS NULL))::integer AS without_estimate,
       (count(*) FILTER (WHERE w.due_date < (now() AT TIME ZONE 'UTC')::date))::integer AS overdue,
       coalesce(sum(w.estimated_hours), 0) AS estimated_hours,
       c.weekly_hours AS weekly_crew_hours,
       round(coalesce(sum(w.estimated_hours), 0) / c.weekly_hours, 2) AS backlog_crew_weeks,
       now() AS computed_at
  FROM app.work_orders AS w JOIN crew AS c ON c.organization_id = w.organization_id
 WHERE w.status IN ('planned', 'scheduled', 'in_progress', 'on_hold')
 GROUP BY w.organization_id, w.site_id, c.weekly_hours;
CREATE UNIQUE INDEX maintenance_kpi_backlog_id ON app_private.maintenance_kpi_backlog (id);
COMMENT ON MATERIALIZED VIEW app_private.maintenance_kpi_backlog IS
  'Maintenance backlog per tenant and plant when computed: open work orders (planned, scheduled, in progress, on hold), their estimated hours and those hours in crew-weeks of the tenant''s maintenance_weekly_crew_hours. Read through app.maintenance_kpi_backlog.';

-- Parts below their reorder point (or a critical spare's minimum) per plant now.
CREATE MATERIALIZED VIEW app_private.maintenance_kpi_stock AS
WITH levels AS (
  SELECT s.organization_id, s.part_id, s.storeroom_id, s.site_id, s.reorder_point AS level, false AS is_critical
    FROM app.part_storeroom_settings AS s
  UNION ALL
  SELECT c.organization_id, c.part_id, c.storeroom_id, c.site_id, c.minimum_stock, true
    FROM app.equipment_spare_parts AS c WHERE c.is_critical
), worst AS (
  SELECT l.organization_id, l.part_id, l.storeroom_id, l.site_id, max(l.level) AS level, bool_or(l.is_critical) AS is_critical
    FROM levels AS l GROUP BY l.organization_id, l.part_id, l.storeroom_id, l.site_id
), below AS (
  SELECT w.* FROM worst AS w
   WHERE coalesce((SELECT sum(s.available) FROM app.part_stock AS s
                    WHERE s.organization_id = w.organization_id AND s.part_id = w.part_id AND s.storeroom_id = w.storeroom_id), 0) < w.level
)
SELECT md5(concat_ws('|', b.organization_id, b.site_id))::uuid AS id, b.organization_id, b.site_id,
       count(*)::integer AS parts_below_reorder_point, (count(*) FILTER (WHERE b.is_critical))::integer AS critical_spares_below,
       now() AS computed_at
  FROM below AS b GROUP BY b.organization_id, b.site_id;
CREATE UNIQUE INDEX maintenance_kpi_stock_id ON app_private.maintenance_kpi_stock (id);
COMMENT ON MATERIALIZED VIEW app_private.maintenance_kpi_stock IS
  'Per tenant and plant when computed: (part, storeroom) pairs whose available stock is below the reorder point or a critical spare''s minimum (as app.parts_below_reorder_point), and how many of them hold a critical spare. Read through app.maintenance_kpi_stock.';

-- Archive (cold tables).
CREATE TABLE app_private.archived_work_orders (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  work_order_number text NOT NULL,
  work_type app.work_order_type NOT NULL,
  status text NOT NULL,
  equipment_id uuid NOT NULL,
  site_id uuid,
  contractor_id uuid,
  due_date date,
  completed_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  record jsonb NOT NULL,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT archived_work_orders_number_unique UNIQUE (organization_id, work_order_number)
);
CREATE INDEX archived_work_orders_site_idx ON app_private.archived_work_orders (organization_id, site_id, closed_at);
CREATE INDEX archived_work_orders_equipment_idx ON app_private.archived_work_orders (organization_id, equipment_id);
COMMENT ON TABLE app_private.archived_work_orders IS
  E'Archived work orders\nClosed and cancelled work orders moved out of app.work_orders by the job archive-work-orders once older than the tenant''s maintenance_archive_after_years: the columns a planner filters on, and the whole row as JSON (record). Read through app.archived_work_orders.';
COMMENT ON COLUMN app_private.archived_work_orders.organization_id IS E'Tenant';
COMMENT ON COLUMN app_private.archived_work_orders.id IS E'Work order id\nThe id it had (and keeps: stops, stock movements, comments still name it).';
COMMENT ON COLUMN app_private.archived_work_orders.work_order_number IS E'Work order number';
COMMENT ON COLUMN app_private.archived_work_orders.work_type IS E'Type';
COMMENT ON COLUMN app_private.archived_work_orders.status IS E'Status\nclosed or cancelled.';
COMMENT ON COLUMN app_private.archived_work_orders.equipment_id IS E'Primary asset';
COMMENT ON COLUMN app_private.archived_work_orders.site_id IS E'Plant';
COMMENT ON COLUMN app_private.archived_work_orders.contractor_id IS E'Contractor';
COMMENT ON COLUMN app_private.archived_work_orders.due_date IS E'Due date';
COMMENT ON COLUMN app_private.archived_work_orders.completed_at IS E'Completed at';
COMMENT ON COLUMN app_private.archived_work_orders.closed_at IS E'Closed at';
COMMENT ON COLUMN app_private.archived_work_orders.created_at IS E'Created at';
COMMENT ON COLUMN app_private.archived_work_orders.archived_at IS E'Archived at';
COMMENT ON COLUMN app_private.archived_work_orders.record IS E'Record\nThe work order row as it was (to_jsonb).';

CREATE TABLE app_private.archived_work_order_rows (
  organization_id uuid NOT NULL,
  work_order_id uuid NOT NULL,
  source_table text NOT NULL CONSTRAINT archived_work_order_rows_source_format CHECK (source_table ~ '^[a-z_]+\.[a-z0-9_]+$'),
  row_key text NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  record jsonb NOT NULL,
  PRIMARY KEY (organization_id, work_order_id, source_table, row_key),
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app_private.archived_work_orders (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX archived_work_order_rows_source_idx ON app_private.archived_work_order_rows (organization_id, source_table, row_key);
COMMENT ON TABLE app_private.archived_work_order_rows IS
  E'Archived work order rows\nThe rows that referenced an archived work order through a cascading foreign key (labour entries, contractor charges, work order assets, and any a later slice adds), moved with it: the table they came from, their key (id, else the row''s other key columns) and the row as JSON. An append-only row leaves its table only once its copy is here.';
COMMENT ON COLUMN app_private.archived_work_order_rows.organization_id IS E'Tenant';
COMMENT ON COLUMN app_private.archived_work_order_rows.work_order_id IS E'Work order';
COMMENT ON COLUMN app_private.archived_work_order_rows.source_table IS E'Source table\nschema.table the row came from.';
COMMENT ON COLUMN app_private.archived_work_order_rows.row_key IS E'Row key\nThe row''s id, else its primary key columns joined by |.';
COMMENT ON COLUMN app_private.archived_work_order_rows.archived_at IS E'Archived at';
COMMENT ON COLUMN app_private.archived_work_order_rows.record IS E'Record\nThe row as it was (to_jsonb).';

COMMIT;
