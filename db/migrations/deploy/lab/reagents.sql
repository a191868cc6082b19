-- Deploy pulse:lab/reagents to pg
-- requires: lab/core lab/storage

BEGIN;

-- Reagents, consumables and standards: the catalog (items with a low-stock
-- threshold), the lots received (expiry, quantity left, quarantine), and
-- every use by a task, run, analysis or result (the result's reagent
-- provenance). remaining_quantity changes only through app.use_reagent.

CREATE TYPE app.reagent_kind AS ENUM ('reagent', 'consumable', 'standard');
COMMENT ON TYPE app.reagent_kind IS 'What a stock item is: a reagent, a consumable, or a (reference) standard.';
CREATE TYPE app.reagent_lot_status AS ENUM ('available', 'quarantined', 'disposed');
COMMENT ON TYPE app.reagent_lot_status IS
  'A lot: available for use, quarantined (held: not to be used until released), or disposed. A lot past its expiry date is expired whatever its status (reagent_lots_effective_status).';

CREATE TABLE app.reagent_items (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT reagent_items_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  name text NOT NULL CONSTRAINT reagent_items_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind app.reagent_kind NOT NULL DEFAULT 'reagent',
  unit text NOT NULL REFERENCES app.units (code),
  low_stock_threshold numeric CONSTRAINT reagent_items_threshold_not_negative CHECK (low_stock_threshold >= 0),
  catalog_number text CONSTRAINT reagent_items_catalog_number_length CHECK (length(btrim(catalog_number)) BETWEEN 1 AND 100),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT reagent_items_code_unique UNIQUE (organization_id, code)
);
CREATE INDEX reagent_items_unit_idx ON app.reagent_items (unit);
COMMENT ON TABLE app.reagent_items IS
  E'Reagents and consumables\nThe tenant''s catalog of reagents, consumables and standards: the unit stock is counted in and the threshold below which it is low (app.reagent_stock). Staff read it; reagent.manage changes it.';
COMMENT ON COLUMN app.reagent_items.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.reagent_items.id IS E'Item id';
COMMENT ON COLUMN app.reagent_items.code IS E'Code\nUnique in the tenant (e.g. BUF-PH7).';
COMMENT ON COLUMN app.reagent_items.name IS E'Name';
COMMENT ON COLUMN app.reagent_items.kind IS E'Kind\nreagent, consumable or standard.';
COMMENT ON COLUMN app.reagent_items.unit IS E'Unit\nunits.code stock is counted in (lots may be in another unit of the same dimension).';
COMMENT ON COLUMN app.reagent_items.low_stock_threshold IS E'Low-stock threshold\nIn unit: when the available stock falls below it, reagent.manage holders are told once (event reagent.low_stock); empty for none.';
COMMENT ON COLUMN app.reagent_items.catalog_number IS E'Catalog number\nThe supplier''s article number.';
COMMENT ON COLUMN app.reagent_items.is_active IS E'Active\nWhether new lots may be received.';
COMMENT ON COLUMN app.reagent_items.created_at IS E'Created at';
COMMENT ON COLUMN app.reagent_items.updated_at IS E'Updated at';

CREATE TABLE app.reagent_lots (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  item_id uuid NOT NULL,
  lot_number text NOT NULL CONSTRAINT reagent_lots_lot_number_length CHECK (length(btrim(lot_number)) BETWEEN 1 AND 100),
  supplier_id uuid,
  received_on date NOT NULL,
  expires_on date,
  received_quantity numeric NOT NULL CONSTRAINT reagent_lots_received_positive CHECK (received_quantity > 0),
  remaining_quantity numeric NOT NULL CONSTRAINT reagent_lots_remaining_not_negative CHECK (remaining_quantity >= 0),
  unit text NOT NULL REFERENCES app.units (code),
  status app.reagent_lot_status NOT NULL DEFAULT 'available',
  status_reason text CONSTRAINT reagent_lots_status_reason_length CHECK (length(btrim(status_reason)) BETWEEN 1 AND 1000),
  storage_location_id uuid,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT reagent_lots_number_unique UNIQUE (organization_id, item_id, lot_number),
  CONSTRAINT reagent_lots_remaining_within_received CHECK (remaining_quantity <= received_quantity),
  CONSTRAINT reagent_lots_expiry_after_receipt CHECK (expires_on IS NULL OR expires_on >= received_on - 3650),
  FOREIGN KEY (organization_id, item_id) REFERENCES app.reagent_items (organization_id, id),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, storage_location_id) REFERENCES app.storage_locations (organization_id, id)
);
CREATE INDEX reagent_lots_storage_location_idx ON app.reagent_lots (organization_id, storage_location_id);
CREATE INDEX reagent_lots_item_idx ON app.reagent_lots (organization_id, item_id);
CREATE INDEX reagent_lots_supplier_idx ON app.reagent_lots (organization_id, supplier_id);
CREATE INDEX reagent_lots_unit_idx ON app.reagent_lots (unit);
CREATE INDEX reagent_lots_created_by_idx ON app.reagent_lots (created_by);
CREATE INDEX reagent_lots_expiry_idx ON app.reagent_lots (organization_id, expires_on) WHERE status = 'available';
COMMENT ON TABLE app.reagent_lots IS
  E'Reagent lots\nWhat was received of an item: lot number, supplier, expiry, the quantity received and what is left (changed only by app.use_reagent), available or quarantined. An expired or quarantined lot cannot be used.';
COMMENT ON COLUMN app.reagent_lots.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.reagent_lots.id IS E'Lot id';
COMMENT ON COLUMN app.reagent_lots.item_id IS E'Item\nreagent_items.id.';
COMMENT ON COLUMN app.reagent_lots.lot_number IS E'Lot number\nThe supplier''s lot (batch) number; unique per item.';
COMMENT ON COLUMN app.reagent_lots.supplier_id IS E'Supplier\nThe supplier (partners.id).';
COMMENT ON COLUMN app.reagent_lots.received_on IS E'Received on\nToday when not sent (filled by the server, so the API documents no SQL default).';
COMMENT ON COLUMN app.reagent_lots.expires_on IS E'Expires on\nThe last day it may be used; empty for no expiry.';
COMMENT ON COLUMN app.reagent_lots.received_quantity IS E'Quantity received\nIn unit.';
COMMENT ON COLUMN app.reagent_lots.remaining_quantity IS E'Quantity left\nIn unit; the quantity received when not sent, then lowered only by app.use_reagent, never below 0.';
COMMENT ON COLUMN app.reagent_lots.unit IS E'Unit\nunits.code of the quantities, of the item''s dimension; the item''s unit when not sent.';
COMMENT ON COLUMN app.reagent_lots.status IS E'Status\navailable, quarantined or disposed (app.reagent_lot_status); expiry is read from expires_on.';
COMMENT ON COLUMN app.reagent_lots.status_reason IS E'Status reason\nWhy it was quarantined or disposed.';
COMMENT ON COLUMN app.reagent_lots.storage_location_id IS E'Stored in\nThe storage location (storage_locations.id) it is kept in, if recorded.';
COMMENT ON COLUMN app.reagent_lots.created_by IS E'Received by';
COMMENT ON COLUMN app.reagent_lots.created_at IS E'Created at';
COMMENT ON COLUMN app.reagent_lots.updated_at IS E'Updated at';

CREATE TABLE app.reagent_uses (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  lot_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT reagent_uses_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  lot_quantity numeric NOT NULL CONSTRAINT reagent_uses_lot_quantity_positive CHECK (lot_quantity > 0),
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  used_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  used_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.reagent_lots (organization_id, id),
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE
);
CREATE INDEX reagent_uses_lot_idx ON app.reagent_uses (organization_id, lot_id);
CREATE INDEX reagent_uses_entity_idx ON app.reagent_uses (organization_id, entity_type, entity_id);
CREATE INDEX reagent_uses_unit_idx ON app.reagent_uses (unit);
CREATE INDEX reagent_uses_used_by_idx ON app.reagent_uses (used_by);
COMMENT ON TABLE app.reagent_uses IS
  E'Reagent uses\nWhich lot, how much, used for what (a task, run, analysis or result: the result''s reagent provenance), by whom and when. Written only by app.use_reagent, append-only; seen by whoever may see what it was used for.';
COMMENT ON COLUMN app.reagent_uses.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.reagent_uses.id IS E'Use id';
COMMENT ON COLUMN app.reagent_uses.lot_id IS E'Lot\nreagent_lots.id.';
COMMENT ON COLUMN app.reagent_uses.quantity IS E'Quantity\nHow much was used, in unit.';
COMMENT ON COLUMN app.reagent_uses.unit IS E'Unit\nunits.code of quantity, as sent.';
COMMENT ON COLUMN app.reagent_uses.lot_quantity IS E'Quantity in the lot''s unit\nWhat was deducted from the lot.';
COMMENT ON COLUMN app.reagent_uses.entity_type IS E'Used for (type)\nThe entity type (entity_types) it was used for: result, analysis, a run or task.';
COMMENT ON COLUMN app.reagent_uses.entity_id IS E'Used for\nThe id of that entity.';
COMMENT ON COLUMN app.reagent_uses.used_by IS E'Used by';
COMMENT ON COLUMN app.reagent_uses.used_at IS E'Used at';

-- Items announced as low (once per crossing below the threshold): a row while
-- the item is below, removed when its stock is back at or above it.
CREATE TABLE app_private.reagent_low_stock (
  organization_id uuid NOT NULL,
  item_id uuid NOT NULL,
  available numeric NOT NULL,
  since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, item_id),
  FOREIGN KEY (organization_id, item_id) REFERENCES app.reagent_items (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app_private.reagent_low_stock IS
  'Items whose stock crossed below their threshold and were announced (reagent.low_stock); the row goes when the stock is back at or above the threshold, so the next crossing is announced again.';

COMMIT;
