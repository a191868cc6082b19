-- Deploy pulse:platform/downtime to pg
-- requires: platform/equipment

BEGIN;

-- One log of equipment stops that OEE (availability loss) and MTBF/MTTR
-- (breakdowns) both read. A piece of equipment cannot be stopped twice at
-- once: an exclusion constraint over the stop's time range (btree_gist for
-- the equality parts).
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE TABLE app.downtime_reasons (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT downtime_reasons_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  name text NOT NULL CONSTRAINT downtime_reasons_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT downtime_reasons_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  is_planned boolean NOT NULL DEFAULT false,
  is_breakdown boolean NOT NULL DEFAULT false,
  position integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT downtime_reasons_code_unique UNIQUE (organization_id, code),
  CONSTRAINT downtime_reasons_breakdown_unplanned CHECK (NOT (is_planned AND is_breakdown))
);
COMMENT ON TABLE app.downtime_reasons IS
  E'Downtime reasons\nA tenant''s reason codes for equipment stops (changeover, no material, breakdown, preventive maintenance, ...), as data.';
COMMENT ON COLUMN app.downtime_reasons.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.downtime_reasons.id IS E'Reason id';
COMMENT ON COLUMN app.downtime_reasons.code IS E'Code\nStable key in the tenant (lowercase).';
COMMENT ON COLUMN app.downtime_reasons.name IS E'Name\nDefault name; translations in labels.';
COMMENT ON COLUMN app.downtime_reasons.labels IS E'Translations\nThe name per locale.';
COMMENT ON COLUMN app.downtime_reasons.is_planned IS E'Planned\nDefault of a stop''s is_planned for this reason.';
COMMENT ON COLUMN app.downtime_reasons.is_breakdown IS E'Breakdown\nDefault of a stop''s is_breakdown for this reason.';
COMMENT ON COLUMN app.downtime_reasons.position IS E'Position\nOrder in pick lists.';
COMMENT ON COLUMN app.downtime_reasons.is_active IS E'Active\nWhether new stops may name it.';
COMMENT ON COLUMN app.downtime_reasons.created_at IS E'Created at';

CREATE TABLE app.downtime_events (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  reason_id uuid NOT NULL,
  in_production_schedule boolean NOT NULL DEFAULT true,
  is_planned boolean NOT NULL,
  is_breakdown boolean NOT NULL,
  notes text NOT NULL DEFAULT '' CONSTRAINT downtime_events_notes_length CHECK (length(notes) <= 4000),
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, reason_id) REFERENCES app.downtime_reasons (organization_id, id),
  CONSTRAINT downtime_events_order CHECK (ended_at IS NULL OR ended_at > started_at),
  CONSTRAINT downtime_events_breakdown_unplanned CHECK (NOT (is_planned AND is_breakdown)),
  CONSTRAINT downtime_events_no_overlap EXCLUDE USING gist (
    organization_id WITH =, equipment_id WITH =, tstzrange(started_at, ended_at) WITH &&)
);
CREATE INDEX downtime_events_equipment_idx ON app.downtime_events (organization_id, equipment_id, started_at);
CREATE INDEX downtime_events_reason_idx ON app.downtime_events (organization_id, reason_id);
CREATE INDEX downtime_events_recorded_by_idx ON app.downtime_events (recorded_by);
CREATE INDEX downtime_events_open_idx ON app.downtime_events (organization_id) WHERE ended_at IS NULL;
COMMENT ON TABLE app.downtime_events IS
  E'Downtime\nEquipment stops: from started_at to ended_at (open while the equipment is still stopped), planned or not, inside the production schedule or not, breakdown or not. One piece of equipment never has two overlapping stops.';
COMMENT ON COLUMN app.downtime_events.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.downtime_events.id IS E'Stop id';
COMMENT ON COLUMN app.downtime_events.equipment_id IS E'Equipment\nThe equipment stopped (equipment.id).';
COMMENT ON COLUMN app.downtime_events.started_at IS E'Started at';
COMMENT ON COLUMN app.downtime_events.ended_at IS E'Ended at\nEmpty while the equipment is still stopped.';
COMMENT ON COLUMN app.downtime_events.reason_id IS E'Reason\nThe reason code (downtime_reasons.id).';
COMMENT ON COLUMN app.downtime_events.in_production_schedule IS E'In production schedule\nWhether the stop fell in scheduled production time: only those count as availability loss (OEE).';
COMMENT ON COLUMN app.downtime_events.is_planned IS E'Planned\nA planned stop (preventive maintenance, changeover); defaults to the reason''s.';
COMMENT ON COLUMN app.downtime_events.is_breakdown IS E'Breakdown\nA failure: counted by MTBF and MTTR; defaults to the reason''s; never planned.';
COMMENT ON COLUMN app.downtime_events.notes IS E'Notes';
COMMENT ON COLUMN app.downtime_events.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.downtime_events.created_at IS E'Created at';
COMMENT ON COLUMN app.downtime_events.updated_at IS E'Updated at';

COMMIT;
