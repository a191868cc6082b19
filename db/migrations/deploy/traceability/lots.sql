-- Deploy pulse:traceability/lots to pg
-- requires: quality/parts

BEGIN;

-- Traceability (82_traceability): lot and serial numbers from per-tenant
-- patterns, lots and serials at a plant (site) with a quality status kept
-- apart from their inventory state, and the genealogy: which lot or serial
-- was consumed into which, with the quantity. Everything here is
-- plant-scoped (site_id NOT NULL) and written by the RPCs of
-- db/functions/82_traceability only.

CREATE TYPE app.trace_item_kind AS ENUM ('lot', 'serial');
COMMENT ON TYPE app.trace_item_kind IS 'What a traced item is: a lot (a quantity of one part) or a serial (one piece).';
CREATE TYPE app.trace_quality_status AS ENUM ('released', 'quarantined', 'on_hold');
COMMENT ON TYPE app.trace_quality_status IS
  'Whether material may be used: released; quarantined (waiting for a decision, e.g. receiving inspection); on_hold (stopped, e.g. under an NCR). Kept apart from the inventory state.';
CREATE TYPE app.trace_inventory_state AS ENUM ('available', 'partly_consumed', 'consumed', 'shipped', 'scrapped');
COMMENT ON TYPE app.trace_inventory_state IS
  'Where the material of a lot or serial stands: available (all of it), partly_consumed (some went into other lots or serials), consumed (none left), shipped, scrapped.';

-- The tenant's numbering patterns, one per kind. Tokens: {YYYY} {YY} {MM}
-- {DD} {WW} (ISO week) in the plant's time zone, and one counter {#...}
-- (as many # as digits, zero-padded). The counter runs per rendered prefix,
-- so a pattern with a date part starts again at 1 every period.
CREATE TABLE app.trace_number_patterns (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  kind app.trace_item_kind NOT NULL,
  pattern text NOT NULL CONSTRAINT trace_number_patterns_pattern_format
    CHECK (pattern ~ '^([A-Za-z0-9._/-]|\{(YYYY|YY|MM|DD|WW)\}|\{#{1,12}\})+$'
           AND (length(pattern) - length(replace(pattern, '{#', ''))) = 2 AND length(pattern) <= 64),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, kind)
);
COMMENT ON TABLE app.trace_number_patterns IS
  E'Lot and serial number patterns\nOne pattern per tenant and kind (lot, serial): literal text (letters, digits, . _ / -), date parts {YYYY} {YY} {MM} {DD} {WW} (ISO week, in the plant''s time zone) and exactly one counter {###...} (its width, zero-padded). The counter is race-free and starts again at 1 whenever the text before it changes, so every period of a dated pattern. Provisioned from app_private.default_trace_number_patterns; changed with traceability.manage.';
COMMENT ON COLUMN app.trace_number_patterns.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.trace_number_patterns.kind IS E'Kind\nlot or serial.';
COMMENT ON COLUMN app.trace_number_patterns.pattern IS E'Pattern\ne.g. LOT-{YYYY}{MM}{DD}-{####} or SN{YY}{WW}{######}.';
COMMENT ON COLUMN app.trace_number_patterns.updated_at IS E'Updated at';

CREATE TABLE app_private.default_trace_number_patterns (
  kind app.trace_item_kind PRIMARY KEY,
  pattern text NOT NULL
);
COMMENT ON TABLE app_private.default_trace_number_patterns IS
  'The patterns a new tenant starts with (db/seeds/reference/82_traceability.sql); copied by app_private.provision_traceability.';
INSERT INTO app_private.default_trace_number_patterns (kind, pattern) VALUES
  ('lot', 'LOT-{YYYY}{MM}{DD}-{####}'), ('serial', 'SN{YY}{WW}-{######}');
INSERT INTO app.trace_number_patterns (organization_id, kind, pattern)
SELECT o.id, d.kind, d.pattern FROM app.organizations AS o CROSS JOIN app_private.default_trace_number_patterns AS d;

CREATE TABLE app.lots (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  lot_number text NOT NULL CONSTRAINT lots_lot_number_length CHECK (length(lot_number) BETWEEN 1 AND 64),
  part_id uuid NOT NULL,
  part_revision_id uuid,
  site_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT lots_quantity_positive CHECK (quantity > 0),
  remaining_quantity numeric NOT NULL,
  unit text NOT NULL REFERENCES app.units (code),
  supplier_id uuid,
  supplier_lot text CONSTRAINT lots_supplier_lot_length CHECK (length(supplier_lot) BETWEEN 1 AND 100),
  quality_status app.trace_quality_status NOT NULL DEFAULT 'released',
  inventory_state app.trace_inventory_state NOT NULL DEFAULT 'available',
  produced_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT lots_lot_number_unique UNIQUE (organization_id, lot_number),
  -- Never negative, never more than was made; the state follows what is left.
  CONSTRAINT lots_remaining_range CHECK (remaining_quantity >= 0 AND remaining_quantity <= quantity),
  CONSTRAINT lots_state_matches_remaining CHECK (
    CASE inventory_state
      WHEN 'available' THEN remaining_quantity = quantity
      WHEN 'partly_consumed' THEN remaining_quantity > 0 AND remaining_quantity < quantity
      WHEN 'consumed' THEN remaining_quantity = 0
      ELSE true END),
  CONSTRAINT lots_supplier_lot_from_supplier CHECK (supplier_lot IS NULL OR supplier_id IS NOT NULL),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX lots_part_idx ON app.lots (organization_id, part_id);
CREATE INDEX lots_part_revision_idx ON app.lots (organization_id, part_revision_id);
CREATE INDEX lots_site_idx ON app.lots (organization_id, site_id);
CREATE INDEX lots_supplier_idx ON app.lots (organization_id, supplier_id, supplier_lot);
CREATE INDEX lots_unit_idx ON app.lots (unit);
CREATE INDEX lots_created_by_idx ON app.lots (created_by);
COMMENT ON TABLE app.lots IS
  E'Lots\nA quantity of one part made or received at one plant, numbered from the tenant''s lot pattern: how much was made and how much is left (never negative), the supplier''s lot for purchased material, a quality status (released, quarantined, on hold) apart from the inventory state (available, partly consumed, consumed, shipped, scrapped). Seen with traceability.read tenant-wide or at its site; written by app.create_lots, app.record_consumption and app.set_lot_quality_status.';
COMMENT ON COLUMN app.lots.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.lots.id IS E'Lot id';
COMMENT ON COLUMN app.lots.lot_number IS E'Lot number\nFrom the tenant''s lot pattern (trace_number_patterns), unique in the tenant.';
COMMENT ON COLUMN app.lots.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.lots.part_revision_id IS E'Part revision\nThe revision made (part_revisions.id): the part''s released one unless another was named.';
COMMENT ON COLUMN app.lots.site_id IS E'Plant\nThe site (sites.id) where the lot is: who may see and act on it.';
COMMENT ON COLUMN app.lots.quantity IS E'Quantity\nHow much was made or received, in unit.';
COMMENT ON COLUMN app.lots.remaining_quantity IS E'Remaining quantity\nWhat has not been consumed yet, in unit; never negative.';
COMMENT ON COLUMN app.lots.unit IS E'Unit\nThe part''s unit (units.code).';
COMMENT ON COLUMN app.lots.supplier_id IS E'Supplier\nThe partner (partners.id) purchased material came from.';
COMMENT ON COLUMN app.lots.supplier_lot IS E'Supplier lot\nThe supplier''s own lot number, recorded at receipt.';
COMMENT ON COLUMN app.lots.quality_status IS E'Quality status\nreleased, quarantined or on_hold: only released lots may be consumed.';
COMMENT ON COLUMN app.lots.inventory_state IS E'Inventory state\navailable, partly_consumed, consumed, shipped or scrapped; follows remaining_quantity.';
COMMENT ON COLUMN app.lots.produced_at IS E'Produced at\nWhen the lot was made or received.';
COMMENT ON COLUMN app.lots.expires_at IS E'Expires at\nShelf life end, where the material has one.';
COMMENT ON COLUMN app.lots.created_by IS E'Created by';
COMMENT ON COLUMN app.lots.created_at IS E'Created at';
COMMENT ON COLUMN app.lots.updated_at IS E'Updated at';

CREATE TABLE app.serials (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  serial_number text NOT NULL CONSTRAINT serials_serial_number_length CHECK (length(serial_number) BETWEEN 1 AND 64),
  part_id uuid NOT NULL,
  part_revision_id uuid,
  lot_id uuid,
  site_id uuid NOT NULL,
  quality_status app.trace_quality_status NOT NULL DEFAULT 'released',
  inventory_state app.trace_inventory_state NOT NULL DEFAULT 'available'
    CONSTRAINT serials_state_whole CHECK (inventory_state <> 'partly_consumed'),
  produced_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT serials_serial_number_unique UNIQUE (organization_id, serial_number),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX serials_part_idx ON app.serials (organization_id, part_id);
CREATE INDEX serials_part_revision_idx ON app.serials (organization_id, part_revision_id);
CREATE INDEX serials_lot_idx ON app.serials (organization_id, lot_id);
CREATE INDEX serials_site_idx ON app.serials (organization_id, site_id);
CREATE INDEX serials_created_by_idx ON app.serials (created_by);
COMMENT ON TABLE app.serials IS
  E'Serials\nOne piece of a part, numbered from the tenant''s serial pattern, optionally of a lot, at one plant, with the same quality status and inventory state as lots (a piece is never partly consumed). Seen with traceability.read tenant-wide or at its site; written by app.create_serials, app.record_consumption and app.set_serial_quality_status.';
COMMENT ON COLUMN app.serials.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.serials.id IS E'Serial id';
COMMENT ON COLUMN app.serials.serial_number IS E'Serial number\nFrom the tenant''s serial pattern, unique in the tenant.';
COMMENT ON COLUMN app.serials.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.serials.part_revision_id IS E'Part revision\nThe revision made (part_revisions.id).';
COMMENT ON COLUMN app.serials.lot_id IS E'Lot\nThe lot (lots.id) the piece belongs to, if any.';
COMMENT ON COLUMN app.serials.site_id IS E'Plant\nThe site (sites.id) where the piece is: who may see and act on it.';
COMMENT ON COLUMN app.serials.quality_status IS E'Quality status\nreleased, quarantined or on_hold: only a released piece may be consumed.';
COMMENT ON COLUMN app.serials.inventory_state IS E'Inventory state\navailable, consumed, shipped or scrapped.';
COMMENT ON COLUMN app.serials.produced_at IS E'Produced at';
COMMENT ON COLUMN app.serials.created_by IS E'Created by';
COMMENT ON COLUMN app.serials.created_at IS E'Created at';
COMMENT ON COLUMN app.serials.updated_at IS E'Updated at';

CREATE TABLE app.genealogy_edges (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  consumed_lot_id uuid,
  consumed_serial_id uuid,
  produced_lot_id uuid,
  produced_serial_id uuid,
  -- One column per end for the walks (ids are uuids: a lot and a serial never share one).
  from_id uuid NOT NULL GENERATED ALWAYS AS (coalesce(consumed_lot_id, consumed_serial_id)) STORED,
  to_id uuid NOT NULL GENERATED ALWAYS AS (coalesce(produced_lot_id, produced_serial_id)) STORED,
  quantity numeric NOT NULL CONSTRAINT genealogy_edges_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  site_id uuid NOT NULL,
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT genealogy_edges_one_consumed CHECK (num_nonnulls(consumed_lot_id, consumed_serial_id) = 1),
  CONSTRAINT genealogy_edges_one_produced CHECK (num_nonnulls(produced_lot_id, produced_serial_id) = 1),
  CONSTRAINT genealogy_edges_not_itself CHECK (from_id <> to_id),
  FOREIGN KEY (organization_id, consumed_lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, consumed_serial_id) REFERENCES app.serials (organization_id, id),
  FOREIGN KEY (organization_id, produced_lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, produced_serial_id) REFERENCES app.serials (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
-- The walks: forward by from_id, backward by to_id; the other end is in the index so a step reads the index only.
CREATE INDEX genealogy_edges_from_idx ON app.genealogy_edges (organization_id, from_id) INCLUDE (to_id);
CREATE INDEX genealogy_edges_to_idx ON app.genealogy_edges (organization_id, to_id) INCLUDE (from_id);
CREATE INDEX genealogy_edges_consumed_lot_idx ON app.genealogy_edges (organization_id, consumed_lot_id);
CREATE INDEX genealogy_edges_consumed_serial_idx ON app.genealogy_edges (organization_id, consumed_serial_id);
CREATE INDEX genealogy_edges_produced_lot_idx ON app.genealogy_edges (organization_id, produced_lot_id);
CREATE INDEX genealogy_edges_produced_serial_idx ON app.genealogy_edges (organization_id, produced_serial_id);
CREATE INDEX genealogy_edges_site_idx ON app.genealogy_edges (organization_id, site_id);
CREATE INDEX genealogy_edges_unit_idx ON app.genealogy_edges (unit);
CREATE INDEX genealogy_edges_recorded_by_idx ON app.genealogy_edges (recorded_by);
COMMENT ON TABLE app.genealogy_edges IS
  E'Genealogy\nOne edge per consumption: a lot or serial (consumed_*) went into a lot or serial (produced_*), with the quantity in the consumed item''s unit. Append-only, written by app.record_consumption; plant-scoped by the produced item''s site. Walked by app.trace_forward, app.trace_backward and app.recall_simulation.';
COMMENT ON COLUMN app.genealogy_edges.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.genealogy_edges.id IS E'Edge id';
COMMENT ON COLUMN app.genealogy_edges.consumed_lot_id IS E'Consumed lot\nlots.id, or empty when a serial was consumed.';
COMMENT ON COLUMN app.genealogy_edges.consumed_serial_id IS E'Consumed serial\nserials.id, or empty when a lot was consumed.';
COMMENT ON COLUMN app.genealogy_edges.produced_lot_id IS E'Produced lot\nlots.id, or empty when a serial was produced.';
COMMENT ON COLUMN app.genealogy_edges.produced_serial_id IS E'Produced serial\nserials.id, or empty when a lot was produced.';
COMMENT ON COLUMN app.genealogy_edges.from_id IS E'From\nThe consumed lot or serial (generated).';
COMMENT ON COLUMN app.genealogy_edges.to_id IS E'To\nThe produced lot or serial (generated).';
COMMENT ON COLUMN app.genealogy_edges.quantity IS E'Quantity\nHow much of the consumed item went in, in unit (1 for a serial).';
COMMENT ON COLUMN app.genealogy_edges.unit IS E'Unit\nThe consumed item''s unit (units.code).';
COMMENT ON COLUMN app.genealogy_edges.site_id IS E'Plant\nThe produced item''s site (sites.id).';
COMMENT ON COLUMN app.genealogy_edges.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.genealogy_edges.recorded_at IS E'Recorded at';

-- Quality status changes, with their reason (the audit log has the row
-- change; this is the record a quality manager reads).
CREATE TABLE app.trace_status_changes (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  lot_id uuid,
  serial_id uuid,
  site_id uuid NOT NULL,
  from_status app.trace_quality_status NOT NULL,
  to_status app.trace_quality_status NOT NULL,
  reason text NOT NULL CONSTRAINT trace_status_changes_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  changed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT trace_status_changes_one_item CHECK (num_nonnulls(lot_id, serial_id) = 1),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX trace_status_changes_lot_idx ON app.trace_status_changes (organization_id, lot_id, changed_at);
CREATE INDEX trace_status_changes_serial_idx ON app.trace_status_changes (organization_id, serial_id, changed_at);
CREATE INDEX trace_status_changes_site_idx ON app.trace_status_changes (organization_id, site_id);
CREATE INDEX trace_status_changes_changed_by_idx ON app.trace_status_changes (changed_by);
COMMENT ON TABLE app.trace_status_changes IS
  E'Quality status changes\nEvery change of a lot''s or serial''s quality status (hold, quarantine, release) with who, when and why; append-only, written by app.set_lot_quality_status and app.set_serial_quality_status. Plant-scoped like the item.';
COMMENT ON COLUMN app.trace_status_changes.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.trace_status_changes.id IS E'Change id';
COMMENT ON COLUMN app.trace_status_changes.lot_id IS E'Lot\nlots.id, or empty for a serial.';
COMMENT ON COLUMN app.trace_status_changes.serial_id IS E'Serial\nserials.id, or empty for a lot.';
COMMENT ON COLUMN app.trace_status_changes.site_id IS E'Plant\nThe item''s site when it changed.';
COMMENT ON COLUMN app.trace_status_changes.from_status IS E'From';
COMMENT ON COLUMN app.trace_status_changes.to_status IS E'To';
COMMENT ON COLUMN app.trace_status_changes.reason IS E'Reason\nWhy (required).';
COMMENT ON COLUMN app.trace_status_changes.changed_by IS E'Changed by';
COMMENT ON COLUMN app.trace_status_changes.changed_at IS E'Changed at';

COMMIT;
