-- Deploy pulse:maintenance/pm_schedules to pg
-- requires: maintenance/joins

BEGIN;

-- Preventive maintenance schedules (90_maintenance, files 82-84): per asset
-- and work order template, by calendar (an RRULE subset, parsed on write
-- into the rule_* columns), by meter (every N units of a meter of the
-- asset), or whichever comes first; fixed (from the plan) or floating (from
-- the last completion). app_private.generate_pm_work_orders (job
-- generate-pm-work-orders) makes the preventive work orders, linked by
-- work_orders.pm_schedule_id and pm_due_date.

CREATE TABLE app.pm_schedules (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CONSTRAINT pm_schedules_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  equipment_id uuid NOT NULL,
  template_id uuid NOT NULL,
  site_id uuid,
  mode text NOT NULL DEFAULT 'fixed' CONSTRAINT pm_schedules_mode_known CHECK (mode IN ('fixed', 'floating')),
  rrule text CONSTRAINT pm_schedules_rrule_length CHECK (length(rrule) BETWEEN 1 AND 500),
  rule_freq text CONSTRAINT pm_schedules_rule_freq_known CHECK (rule_freq IN ('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY')),
  rule_interval integer CONSTRAINT pm_schedules_rule_interval_range CHECK (rule_interval BETWEEN 1 AND 1000),
  rule_byday text[],
  rule_bymonthday integer[],
  rule_count integer CONSTRAINT pm_schedules_rule_count_range CHECK (rule_count BETWEEN 1 AND 1000),
  rule_until date,
  anchor_date date NOT NULL,
  lead_days integer NOT NULL DEFAULT 0 CONSTRAINT pm_schedules_lead_days_range CHECK (lead_days BETWEEN 0 AND 366),
  meter_id uuid,
  meter_interval numeric CONSTRAINT pm_schedules_meter_interval_positive CHECK (meter_interval > 0),
  meter_lead numeric NOT NULL DEFAULT 0 CONSTRAINT pm_schedules_meter_lead_range CHECK (meter_lead >= 0),
  next_due_date date,
  next_due_usage numeric,
  compliance_window_days integer CONSTRAINT pm_schedules_window_range CHECK (compliance_window_days BETWEEN 0 AND 366),
  priority smallint NOT NULL DEFAULT 3 CONSTRAINT pm_schedules_priority_range CHECK (priority BETWEEN 1 AND 5),
  is_active boolean NOT NULL DEFAULT true,
  last_generated_at timestamptz,
  last_completed_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT pm_schedules_trigger_present CHECK (rrule IS NOT NULL OR meter_id IS NOT NULL),
  CONSTRAINT pm_schedules_rule_parsed CHECK ((rrule IS NULL) = (rule_freq IS NULL) AND (rule_freq IS NULL) = (rule_interval IS NULL)),
  CONSTRAINT pm_schedules_meter_complete CHECK ((meter_id IS NULL) = (meter_interval IS NULL) AND (meter_id IS NULL OR meter_lead < meter_interval)),
  CONSTRAINT pm_schedules_name_unique UNIQUE (organization_id, equipment_id, name),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, template_id) REFERENCES app.work_order_templates (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, meter_id) REFERENCES app.meters (organization_id, id)
);
CREATE INDEX pm_schedules_template_idx ON app.pm_schedules (organization_id, template_id);
CREATE INDEX pm_schedules_site_idx ON app.pm_schedules (organization_id, site_id);
CREATE INDEX pm_schedules_meter_idx ON app.pm_schedules (organization_id, meter_id);
CREATE INDEX pm_schedules_due_idx ON app.pm_schedules (next_due_date) WHERE is_active;
CREATE INDEX pm_schedules_created_by_idx ON app.pm_schedules (created_by);
COMMENT ON TABLE app.pm_schedules IS
  E'Preventive maintenance schedules\nPer asset and work order template: by calendar (an RRULE subset from anchor_date: FREQ=DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, BYDAY, BYMONTHDAY, COUNT/UNTIL), by meter (every meter_interval units), or whichever comes first; fixed (next due from the plan) or floating (next due from the last completion); work orders generated lead_days (lead units for meters) ahead by the job generate-pm-work-orders, never a second while one is open. Plant from the asset. Written by app.define_pm_schedule and app.set_pm_schedule_active.';
COMMENT ON COLUMN app.pm_schedules.organization_id IS E'Tenant';
COMMENT ON COLUMN app.pm_schedules.id IS E'Schedule id';
COMMENT ON COLUMN app.pm_schedules.name IS E'Name\nUnique per asset; the title of the work orders generated.';
COMMENT ON COLUMN app.pm_schedules.equipment_id IS E'Asset\nequipment.id.';
COMMENT ON COLUMN app.pm_schedules.template_id IS E'Template\nThe work order template the generated work orders copy (task, checklist, hours, qualification).';
COMMENT ON COLUMN app.pm_schedules.site_id IS E'Plant\nThe asset''s site: who may see and keep the schedule; its time zone dates the calendar.';
COMMENT ON COLUMN app.pm_schedules.mode IS E'Mode\nfixed: next due from the plan whenever the work was done; floating: next due from the last completion.';
COMMENT ON COLUMN app.pm_schedules.rrule IS E'Recurrence\nThe calendar trigger as written (RRULE subset); empty for a meter-only schedule.';
COMMENT ON COLUMN app.pm_schedules.rule_freq IS E'Frequency\nFREQ of the rule (server-managed).';
COMMENT ON COLUMN app.pm_schedules.rule_interval IS E'Interval\nINTERVAL of the rule, 1 by default (server-managed).';
COMMENT ON COLUMN app.pm_schedules.rule_byday IS E'By day\nBYDAY of the rule: MO..SU, in MONTHLY rules with an ordinal (1MO, -1FR) (server-managed).';
COMMENT ON COLUMN app.pm_schedules.rule_bymonthday IS E'By month day\nBYMONTHDAY of the rule, 1..31 or -31..-1 from the month''s end (server-managed).';
COMMENT ON COLUMN app.pm_schedules.rule_count IS E'Count\nCOUNT of the rule: occurrences from the anchor (server-managed).';
COMMENT ON COLUMN app.pm_schedules.rule_until IS E'Until\nUNTIL of the rule, the last day (server-managed).';
COMMENT ON COLUMN app.pm_schedules.anchor_date IS E'Anchor\nThe rule''s first day (DTSTART), in the plant''s time zone; for a floating schedule, moved to each completion.';
COMMENT ON COLUMN app.pm_schedules.lead_days IS E'Lead days\nHow many days before a calendar due date the work order is generated.';
COMMENT ON COLUMN app.pm_schedules.meter_id IS E'Meter\nA meter of the asset counting the usage (empty for a calendar-only schedule).';
COMMENT ON COLUMN app.pm_schedules.meter_interval IS E'Meter interval\nEvery how many units of the meter the work is due.';
COMMENT ON COLUMN app.pm_schedules.meter_lead IS E'Meter lead\nHow many units before the meter due point the work order is generated (below the interval).';
COMMENT ON COLUMN app.pm_schedules.next_due_date IS E'Next due date\nThe next calendar occurrence not yet generated; empty once the rule ended or for meter-only (server-managed).';
COMMENT ON COLUMN app.pm_schedules.next_due_usage IS E'Next due usage\nThe meter''s usage total (meters.usage_total) at which the work is next due (server-managed).';
COMMENT ON COLUMN app.pm_schedules.compliance_window_days IS E'Compliance window\nDays after the due date a completion still counts as on time; empty: 10 % of the interval (SMRP), at least 1 day; 7 days for meter-only schedules.';
COMMENT ON COLUMN app.pm_schedules.priority IS E'Priority\nOf the generated work orders, 1 (highest) to 5.';
COMMENT ON COLUMN app.pm_schedules.is_active IS E'Active\nA paused schedule generates nothing.';
COMMENT ON COLUMN app.pm_schedules.last_generated_at IS E'Last generated at\nWhen a work order was last generated (server-managed).';
COMMENT ON COLUMN app.pm_schedules.last_completed_at IS E'Last completed at\nWhen a generated work order was last completed (server-managed).';
COMMENT ON COLUMN app.pm_schedules.created_by IS E'Created by';
COMMENT ON COLUMN app.pm_schedules.created_at IS E'Created at';
COMMENT ON COLUMN app.pm_schedules.updated_at IS E'Updated at';

ALTER TABLE app.work_orders ADD COLUMN pm_schedule_id uuid, ADD COLUMN pm_due_date date;
ALTER TABLE app.work_orders ADD CONSTRAINT work_orders_pm_schedule_fkey
  FOREIGN KEY (organization_id, pm_schedule_id) REFERENCES app.pm_schedules (organization_id, id) ON DELETE SET NULL (pm_schedule_id);
ALTER TABLE app.work_orders ADD CONSTRAINT work_orders_pm_link CHECK ((pm_schedule_id IS NULL OR pm_due_date IS NOT NULL) AND (pm_due_date IS NULL OR work_type = 'preventive'));
CREATE UNIQUE INDEX work_orders_pm_occurrence_unique ON app.work_orders (organization_id, pm_schedule_id, pm_due_date) WHERE pm_schedule_id IS NOT NULL;
CREATE UNIQUE INDEX work_orders_pm_one_open ON app.work_orders (organization_id, pm_schedule_id)
  WHERE pm_schedule_id IS NOT NULL AND status NOT IN ('closed', 'cancelled');
COMMENT ON COLUMN app.work_orders.pm_schedule_id IS E'PM schedule\nThe preventive schedule that generated it (pm_schedules.id).';
COMMENT ON COLUMN app.work_orders.pm_due_date IS E'PM occurrence\nThe schedule''s occurrence (due date) it was generated for: one work order per schedule and occurrence.';

COMMIT;
