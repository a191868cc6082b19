-- Deploy pulse:maintenance/parts to pg
-- requires: quality/parts
-- requires: platform/equipment

BEGIN;

-- Maintenance spare parts and stores (90_maintenance, 40_*..69_*): MRO spares
-- are rows of the one tenant item master, app.parts (as a material master
-- holds production and spare materials alike); a part is stocked in
-- maintenance once it has stock or a reorder setting in a storeroom.
-- Storerooms (per site) and their bins; stock per part x bin maintained from
-- an append-only ledger of movements; reservations and issues against any
-- registered entity (entity type + id); reorder point/quantity per part x
-- storeroom; the spare-parts list of each asset with critical spares;
-- purchase requests raised once per shortage; vendors and contractors as
-- partner roles with the parts they supply.

CREATE TYPE app.stock_movement_kind AS ENUM ('receipt', 'issue', 'return', 'adjustment', 'transfer_out', 'transfer_in', 'reservation', 'reservation_release');
COMMENT ON TYPE app.stock_movement_kind IS 'What a stock movement is: receipt, issue (against a reference), return (of issued parts), adjustment (a count, with a reason), transfer_out/transfer_in (between bins), reservation and reservation_release (reserved quantity only).';
CREATE TYPE app.stock_reservation_status AS ENUM ('open', 'issued', 'released');
COMMENT ON TYPE app.stock_reservation_status IS 'A reservation''s life: open (quantity held), issued (all of it issued), released (the rest given back: cancelled or no longer needed).';
CREATE TYPE app.purchase_request_status AS ENUM ('open', 'ordered', 'received', 'cancelled');
COMMENT ON TYPE app.purchase_request_status IS 'A purchase request''s life: open, ordered (sent to the vendor), received, cancelled. One open or ordered request per part and storeroom.';
CREATE TYPE app.partner_role_kind AS ENUM ('vendor', 'contractor');
COMMENT ON TYPE app.partner_role_kind IS 'What a partner does for maintenance: vendor (supplies parts), contractor (does maintenance work).';

CREATE TABLE app.storerooms (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  site_id uuid NOT NULL,
  code text NOT NULL CONSTRAINT storerooms_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$'),
  name text NOT NULL CONSTRAINT storerooms_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  responsible_user_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT storerooms_code_unique UNIQUE (organization_id, code),
  CONSTRAINT storerooms_site_key UNIQUE (organization_id, id, site_id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX storerooms_site_idx ON app.storerooms (organization_id, site_id);
CREATE INDEX storerooms_responsible_idx ON app.storerooms (responsible_user_id);
COMMENT ON TABLE app.storerooms IS E'Storerooms\nMaintenance stores of a site (plant). Read with stock.read, written with stock.manage, tenant-wide or at the site.';
COMMENT ON COLUMN app.storerooms.organization_id IS E'Tenant';
COMMENT ON COLUMN app.storerooms.id IS E'Storeroom id';
COMMENT ON COLUMN app.storerooms.site_id IS E'Site\nThe plant (sites.id) the storeroom belongs to; its permissions scope everything stocked there. Fixed.';
COMMENT ON COLUMN app.storerooms.code IS E'Code\nUnique in the tenant.';
COMMENT ON COLUMN app.storerooms.name IS E'Name';
COMMENT ON COLUMN app.storerooms.responsible_user_id IS E'Responsible\nThe storekeeper told about low stock (with the holders of purchase_request.manage at the site).';
COMMENT ON COLUMN app.storerooms.is_active IS E'Active';
COMMENT ON COLUMN app.storerooms.created_at IS E'Created at';
COMMENT ON COLUMN app.storerooms.updated_at IS E'Updated at';

CREATE TABLE app.storeroom_bins (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  storeroom_id uuid NOT NULL,
  site_id uuid NOT NULL,
  code text NOT NULL CONSTRAINT storeroom_bins_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$'),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT storeroom_bins_code_unique UNIQUE (organization_id, storeroom_id, code),
  CONSTRAINT storeroom_bins_place_key UNIQUE (organization_id, id, storeroom_id, site_id),
  FOREIGN KEY (organization_id, storeroom_id, site_id) REFERENCES app.storerooms (organization_id, id, site_id) ON DELETE CASCADE
);
CREATE INDEX storeroom_bins_site_idx ON app.storeroom_bins (organization_id, site_id);
COMMENT ON TABLE app.storeroom_bins IS E'Storeroom bins\nShelf places of a storeroom (A-01-03); stock is kept per part and bin.';
COMMENT ON COLUMN app.storeroom_bins.organization_id IS E'Tenant';
COMMENT ON COLUMN app.storeroom_bins.id IS E'Bin id';
COMMENT ON COLUMN app.storeroom_bins.storeroom_id IS E'Storeroom\nFixed.';
COMMENT ON COLUMN app.storeroom_bins.site_id IS E'Site\nThe storeroom''s site, copied (the composite key holds it equal).';
COMMENT ON COLUMN app.storeroom_bins.code IS E'Code\nUnique in the storeroom.';
COMMENT ON COLUMN app.storeroom_bins.is_active IS E'Active';
COMMENT ON COLUMN app.storeroom_bins.created_at IS E'Created at';

CREATE TABLE app.part_stock (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  part_id uuid NOT NULL,
  bin_id uuid NOT NULL,
  storeroom_id uuid NOT NULL,
  site_id uuid NOT NULL,
  on_hand numeric NOT NULL DEFAULT 0 CONSTRAINT part_stock_on_hand_not_negative CHECK (on_hand >= 0),
  reserved numeric NOT NULL DEFAULT 0 CONSTRAINT part_stock_reserved_range CHECK (reserved >= 0 AND reserved <= on_hand),
  available numeric GENERATED ALWAYS AS (on_hand - reserved) STORED,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, part_id, bin_id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, bin_id, storeroom_id, site_id) REFERENCES app.storeroom_bins (organization_id, id, storeroom_id, site_id)
);
CREATE INDEX part_stock_bin_idx ON app.part_stock (organization_id, bin_id, storeroom_id, site_id);
CREATE INDEX part_stock_storeroom_idx ON app.part_stock (organization_id, storeroom_id, part_id);
CREATE INDEX part_stock_site_idx ON app.part_stock (organization_id, site_id);
COMMENT ON TABLE app.part_stock IS E'Part stock\nOn hand, reserved and available quantity per part and bin, in the part''s unit. Written only by the movement ledger (stock_movements); never negative, reserved never above on hand.';
COMMENT ON COLUMN app.part_stock.organization_id IS E'Tenant';
COMMENT ON COLUMN app.part_stock.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.part_stock.bin_id IS E'Bin';
COMMENT ON COLUMN app.part_stock.storeroom_id IS E'Storeroom\nThe bin''s.';
COMMENT ON COLUMN app.part_stock.site_id IS E'Site\nThe bin''s.';
COMMENT ON COLUMN app.part_stock.on_hand IS E'On hand\nThe sum of the bin''s movement quantities.';
COMMENT ON COLUMN app.part_stock.reserved IS E'Reserved\nHeld for open reservations (the sum of the movements'' reserved deltas).';
COMMENT ON COLUMN app.part_stock.available IS E'Available\nOn hand minus reserved.';
COMMENT ON COLUMN app.part_stock.updated_at IS E'Updated at';

CREATE TABLE app.stock_reservations (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  part_id uuid NOT NULL,
  bin_id uuid NOT NULL,
  storeroom_id uuid NOT NULL,
  site_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT stock_reservations_quantity_positive CHECK (quantity > 0),
  issued_quantity numeric NOT NULL DEFAULT 0 CONSTRAINT stock_reservations_issued_range CHECK (issued_quantity >= 0 AND issued_quantity <= quantity),
  needed_by date,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  status app.stock_reservation_status NOT NULL DEFAULT 'open',
  release_reason text CONSTRAINT stock_reservations_release_reason_length CHECK (length(release_reason) <= 2000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, part_id, bin_id) REFERENCES app.part_stock (organization_id, part_id, bin_id),
  FOREIGN KEY (organization_id, bin_id, storeroom_id, site_id) REFERENCES app.storeroom_bins (organization_id, id, storeroom_id, site_id),
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE
);
CREATE INDEX stock_reservations_stock_idx ON app.stock_reservations (organization_id, part_id, bin_id) WHERE status = 'open';
CREATE INDEX stock_reservations_bin_idx ON app.stock_reservations (organization_id, bin_id, storeroom_id, site_id);
CREATE INDEX stock_reservations_site_idx ON app.stock_reservations (organization_id, site_id);
CREATE INDEX stock_reservations_entity_idx ON app.stock_reservations (organization_id, entity_type, entity_id);
CREATE INDEX stock_reservations_created_by_idx ON app.stock_reservations (created_by);
COMMENT ON TABLE app.stock_reservations IS E'Stock reservations\nA quantity of a part held in a bin for a future use by a referenced entity (equipment now; work orders register their type). Made by app.reserve_stock, issued by app.issue_stock, given back by app.release_stock_reservation.';
COMMENT ON COLUMN app.stock_reservations.organization_id IS E'Tenant';
COMMENT ON COLUMN app.stock_reservations.id IS E'Reservation id';
COMMENT ON COLUMN app.stock_reservations.part_id IS E'Part';
COMMENT ON COLUMN app.stock_reservations.bin_id IS E'Bin\nWhere the quantity is held (chosen by app.reserve_stock when only a storeroom is named).';
COMMENT ON COLUMN app.stock_reservations.storeroom_id IS E'Storeroom';
COMMENT ON COLUMN app.stock_reservations.site_id IS E'Site';
COMMENT ON COLUMN app.stock_reservations.quantity IS E'Quantity\nReserved, in the part''s unit.';
COMMENT ON COLUMN app.stock_reservations.issued_quantity IS E'Issued quantity\nIssued against the reservation so far.';
COMMENT ON COLUMN app.stock_reservations.needed_by IS E'Needed by';
COMMENT ON COLUMN app.stock_reservations.entity_type IS E'Reference type\nThe registered entity type the parts are for (equipment, work_order, ...).';
COMMENT ON COLUMN app.stock_reservations.entity_id IS E'Reference id';
COMMENT ON COLUMN app.stock_reservations.status IS E'Status\nopen, issued or released; written only by the stock RPCs.';
COMMENT ON COLUMN app.stock_reservations.release_reason IS E'Release reason';
COMMENT ON COLUMN app.stock_reservations.created_by IS E'Created by';
COMMENT ON COLUMN app.stock_reservations.created_at IS E'Created at';
COMMENT ON COLUMN app.stock_reservations.closed_at IS E'Closed at\nWhen it was fully issued or released.';

CREATE TABLE app.stock_movements (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  part_id uuid NOT NULL,
  bin_id uuid NOT NULL,
  storeroom_id uuid NOT NULL,
  site_id uuid NOT NULL,
  kind app.stock_movement_kind NOT NULL,
  quantity numeric NOT NULL DEFAULT 0,
  reserved_delta numeric NOT NULL DEFAULT 0,
  unit_cost numeric CONSTRAINT stock_movements_unit_cost_not_negative CHECK (unit_cost >= 0),
  reason text CONSTRAINT stock_movements_reason_length CHECK (length(reason) <= 2000),
  entity_type text,
  entity_id uuid,
  reservation_id uuid,
  transfer_id uuid,
  moved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  moved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT stock_movements_changes CHECK (quantity <> 0 OR reserved_delta <> 0),
  CONSTRAINT stock_movements_sign CHECK (CASE kind
    WHEN 'receipt' THEN quantity > 0 AND reserved_delta = 0
    WHEN 'return' THEN quantity > 0 AND reserved_delta = 0
    WHEN 'transfer_in' THEN quantity > 0 AND reserved_delta = 0
    WHEN 'issue' THEN quantity < 0 AND reserved_delta <= 0
    WHEN 'transfer_out' THEN quantity < 0 AND reserved_delta = 0
    WHEN 'adjustment' THEN reserved_delta = 0 AND reason IS NOT NULL
    WHEN 'reservation' THEN quantity = 0 AND reserved_delta > 0
    WHEN 'reservation_release' THEN quantity = 0 AND reserved_delta < 0 END),
  CONSTRAINT stock_movements_reference_whole CHECK ((entity_type IS NULL) = (entity_id IS NULL)),
  CONSTRAINT stock_movements_issue_reference CHECK (kind NOT IN ('issue', 'return', 'reservation') OR entity_id IS NOT NULL),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, bin_id, storeroom_id, site_id) REFERENCES app.storeroom_bins (organization_id, id, storeroom_id, site_id),
  FOREIGN KEY (organization_id, reservation_id) REFERENCES app.stock_reservations (organization_id, id),
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id)
);
CREATE INDEX stock_movements_stock_idx ON app.stock_movements (organization_id, part_id, bin_id, moved_at);
CREATE INDEX stock_movements_bin_idx ON app.stock_movements (organization_id, bin_id, storeroom_id, site_id);
CREATE INDEX stock_movements_site_idx ON app.stock_movements (organization_id, site_id, moved_at);
CREATE INDEX stock_movements_entity_idx ON app.stock_movements (organization_id, entity_type, entity_id);
CREATE INDEX stock_movements_reservation_idx ON app.stock_movements (organization_id, reservation_id);
CREATE INDEX stock_movements_moved_by_idx ON app.stock_movements (moved_by);
COMMENT ON TABLE app.stock_movements IS E'Stock movements\nThe append-only stock ledger: every change of on-hand or reserved quantity of a part in a bin is one row, written by the stock RPCs; part_stock is kept from it in the same statement, with the stock row locked. Not partitioned: a ledger is kept whole (never dropped when old) and read by part and bin.';
COMMENT ON COLUMN app.stock_movements.organization_id IS E'Tenant';
COMMENT ON COLUMN app.stock_movements.id IS E'Movement id';
COMMENT ON COLUMN app.stock_movements.part_id IS E'Part';
COMMENT ON COLUMN app.stock_movements.bin_id IS E'Bin';
COMMENT ON COLUMN app.stock_movements.storeroom_id IS E'Storeroom';
COMMENT ON COLUMN app.stock_movements.site_id IS E'Site';
COMMENT ON COLUMN app.stock_movements.kind IS E'Kind';
COMMENT ON COLUMN app.stock_movements.quantity IS E'Quantity\nChange of on hand, signed (issue and transfer out negative), in the part''s unit.';
COMMENT ON COLUMN app.stock_movements.reserved_delta IS E'Reserved change\nChange of the reserved quantity, signed.';
COMMENT ON COLUMN app.stock_movements.unit_cost IS E'Unit cost\nAt receipt, per unit of the part.';
COMMENT ON COLUMN app.stock_movements.reason IS E'Reason\nRequired for adjustments.';
COMMENT ON COLUMN app.stock_movements.entity_type IS E'Reference type\nWhat the parts were issued for, returned from, reserved for or received against.';
COMMENT ON COLUMN app.stock_movements.entity_id IS E'Reference id';
COMMENT ON COLUMN app.stock_movements.reservation_id IS E'Reservation\nThe reservation issued or released.';
COMMENT ON COLUMN app.stock_movements.transfer_id IS E'Transfer\nThe same id on both rows of a transfer.';
COMMENT ON COLUMN app.stock_movements.moved_by IS E'Moved by';
COMMENT ON COLUMN app.stock_movements.moved_at IS E'Moved at';

CREATE TABLE app.part_storeroom_settings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  part_id uuid NOT NULL,
  storeroom_id uuid NOT NULL,
  site_id uuid NOT NULL,
  reorder_point numeric NOT NULL CONSTRAINT part_storeroom_settings_reorder_point_not_negative CHECK (reorder_point >= 0),
  reorder_quantity numeric NOT NULL CONSTRAINT part_storeroom_settings_reorder_quantity_positive CHECK (reorder_quantity > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, part_id, storeroom_id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, storeroom_id, site_id) REFERENCES app.storerooms (organization_id, id, site_id) ON DELETE CASCADE
);
CREATE INDEX part_storeroom_settings_storeroom_idx ON app.part_storeroom_settings (organization_id, storeroom_id, site_id);
CREATE INDEX part_storeroom_settings_site_idx ON app.part_storeroom_settings (organization_id, site_id);
COMMENT ON TABLE app.part_storeroom_settings IS E'Reorder settings\nReorder point and reorder quantity of a part in a storeroom: when the storeroom''s available stock drops below the point, a purchase request is raised.';
COMMENT ON COLUMN app.part_storeroom_settings.organization_id IS E'Tenant';
COMMENT ON COLUMN app.part_storeroom_settings.part_id IS E'Part';
COMMENT ON COLUMN app.part_storeroom_settings.storeroom_id IS E'Storeroom';
COMMENT ON COLUMN app.part_storeroom_settings.site_id IS E'Site\nThe storeroom''s (filled).';
COMMENT ON COLUMN app.part_storeroom_settings.reorder_point IS E'Reorder point\nAvailable stock below it raises a purchase request.';
COMMENT ON COLUMN app.part_storeroom_settings.reorder_quantity IS E'Reorder quantity\nWhat a purchase request asks for (at least enough to get back to the level).';
COMMENT ON COLUMN app.part_storeroom_settings.created_at IS E'Created at';
COMMENT ON COLUMN app.part_storeroom_settings.updated_at IS E'Updated at';

CREATE TABLE app.equipment_spare_parts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  equipment_id uuid NOT NULL,
  part_id uuid NOT NULL,
  quantity numeric NOT NULL DEFAULT 1 CONSTRAINT equipment_spare_parts_quantity_positive CHECK (quantity > 0),
  is_critical boolean NOT NULL DEFAULT false,
  storeroom_id uuid,
  site_id uuid,
  minimum_stock numeric CONSTRAINT equipment_spare_parts_minimum_not_negative CHECK (minimum_stock >= 0),
  notes text CONSTRAINT equipment_spare_parts_notes_length CHECK (length(notes) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, equipment_id, part_id),
  CONSTRAINT equipment_spare_parts_critical_minimum CHECK (NOT is_critical OR (minimum_stock IS NOT NULL AND storeroom_id IS NOT NULL)),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, storeroom_id, site_id) REFERENCES app.storerooms (organization_id, id, site_id)
);
CREATE INDEX equipment_spare_parts_part_idx ON app.equipment_spare_parts (organization_id, part_id);
CREATE INDEX equipment_spare_parts_storeroom_idx ON app.equipment_spare_parts (organization_id, storeroom_id, site_id);
CREATE INDEX equipment_spare_parts_critical_idx ON app.equipment_spare_parts (organization_id, part_id, storeroom_id) WHERE is_critical;
COMMENT ON TABLE app.equipment_spare_parts IS E'Asset spare parts\nThe spare-parts list of an asset (equipment): which parts, how many per use, and the critical spares with a fixed minimum stock in a storeroom that does not depend on usage.';
COMMENT ON COLUMN app.equipment_spare_parts.organization_id IS E'Tenant';
COMMENT ON COLUMN app.equipment_spare_parts.equipment_id IS E'Asset\nequipment.id.';
COMMENT ON COLUMN app.equipment_spare_parts.part_id IS E'Part';
COMMENT ON COLUMN app.equipment_spare_parts.quantity IS E'Quantity\nHow many the asset uses (per replacement).';
COMMENT ON COLUMN app.equipment_spare_parts.is_critical IS E'Critical spare\nKept in stock whatever the usage: needs a storeroom and a minimum stock.';
COMMENT ON COLUMN app.equipment_spare_parts.storeroom_id IS E'Storeroom\nWhere the critical spare is kept.';
COMMENT ON COLUMN app.equipment_spare_parts.site_id IS E'Site\nThe storeroom''s (filled).';
COMMENT ON COLUMN app.equipment_spare_parts.minimum_stock IS E'Minimum stock\nA critical spare''s fixed minimum available in the storeroom: below it a purchase request is raised, whatever the reorder point.';
COMMENT ON COLUMN app.equipment_spare_parts.notes IS E'Notes';
COMMENT ON COLUMN app.equipment_spare_parts.created_at IS E'Created at';
COMMENT ON COLUMN app.equipment_spare_parts.updated_at IS E'Updated at';

CREATE TABLE app.partner_roles (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  partner_id uuid NOT NULL,
  role app.partner_role_kind NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, partner_id, role),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app.partner_roles IS E'Partner roles\nWhat a partner does for maintenance: vendor of parts, contractor for work. Contacts are the partner''s (contacts). Read with partner.read, written with partner.manage.';
COMMENT ON COLUMN app.partner_roles.organization_id IS E'Tenant';
COMMENT ON COLUMN app.partner_roles.partner_id IS E'Partner';
COMMENT ON COLUMN app.partner_roles.role IS E'Role\nvendor or contractor.';
COMMENT ON COLUMN app.partner_roles.created_at IS E'Created at';

CREATE TABLE app.vendor_parts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  partner_id uuid NOT NULL,
  part_id uuid NOT NULL,
  vendor_part_number text CONSTRAINT vendor_parts_number_length CHECK (length(vendor_part_number) BETWEEN 1 AND 64),
  unit_price numeric CONSTRAINT vendor_parts_unit_price_not_negative CHECK (unit_price >= 0),
  currency text CONSTRAINT vendor_parts_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
  lead_time_days integer NOT NULL CONSTRAINT vendor_parts_lead_time_range CHECK (lead_time_days BETWEEN 0 AND 3650),
  is_preferred boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, partner_id, part_id),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX vendor_parts_part_idx ON app.vendor_parts (organization_id, part_id);
CREATE UNIQUE INDEX vendor_parts_one_preferred ON app.vendor_parts (organization_id, part_id) WHERE is_preferred;
COMMENT ON TABLE app.vendor_parts IS E'Vendor parts\nThe parts a vendor supplies: its part number, price, lead time; at most one preferred vendor per part. Purchase requests suggest the preferred vendor, else the quickest.';
COMMENT ON COLUMN app.vendor_parts.organization_id IS E'Tenant';
COMMENT ON COLUMN app.vendor_parts.partner_id IS E'Vendor\nA partner with the vendor role.';
COMMENT ON COLUMN app.vendor_parts.part_id IS E'Part';
COMMENT ON COLUMN app.vendor_parts.vendor_part_number IS E'Vendor part number';
COMMENT ON COLUMN app.vendor_parts.unit_price IS E'Unit price\nPer unit of the part.';
COMMENT ON COLUMN app.vendor_parts.currency IS E'Currency\nISO 4217.';
COMMENT ON COLUMN app.vendor_parts.lead_time_days IS E'Lead time (days)';
COMMENT ON COLUMN app.vendor_parts.is_preferred IS E'Preferred\nThe vendor a purchase request suggests; one per part.';
COMMENT ON COLUMN app.vendor_parts.created_at IS E'Created at';
COMMENT ON COLUMN app.vendor_parts.updated_at IS E'Updated at';

CREATE TABLE app.purchase_requests (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  part_id uuid NOT NULL,
  storeroom_id uuid NOT NULL,
  site_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT purchase_requests_quantity_positive CHECK (quantity > 0),
  trigger_level numeric NOT NULL,
  available_at_request numeric NOT NULL,
  is_critical boolean NOT NULL DEFAULT false,
  vendor_id uuid,
  vendor_part_number text,
  lead_time_days integer,
  unit_price numeric,
  expected_on date,
  status app.purchase_request_status NOT NULL DEFAULT 'open',
  status_note text CONSTRAINT purchase_requests_note_length CHECK (length(status_note) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  closed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, storeroom_id, site_id) REFERENCES app.storerooms (organization_id, id, site_id),
  FOREIGN KEY (organization_id, vendor_id) REFERENCES app.partners (organization_id, id)
);
-- No duplicates while one is open: the constraint itself.
CREATE UNIQUE INDEX purchase_requests_one_open ON app.purchase_requests (organization_id, part_id, storeroom_id) WHERE status IN ('open', 'ordered');
CREATE INDEX purchase_requests_storeroom_idx ON app.purchase_requests (organization_id, storeroom_id, site_id);
CREATE INDEX purchase_requests_site_idx ON app.purchase_requests (organization_id, site_id, status);
CREATE INDEX purchase_requests_vendor_idx ON app.purchase_requests (organization_id, vendor_id);
CREATE INDEX purchase_requests_closed_by_idx ON app.purchase_requests (closed_by);
COMMENT ON TABLE app.purchase_requests IS E'Purchase requests\nRaised when a part''s available stock in a storeroom drops below its reorder point or a critical spare''s minimum: once while one is open or ordered (unique index purchase_requests_one_open), with the suggested vendor and lead time. Purchasing itself is the next issue.';
COMMENT ON COLUMN app.purchase_requests.organization_id IS E'Tenant';
COMMENT ON COLUMN app.purchase_requests.id IS E'Purchase request id';
COMMENT ON COLUMN app.purchase_requests.part_id IS E'Part';
COMMENT ON COLUMN app.purchase_requests.storeroom_id IS E'Storeroom';
COMMENT ON COLUMN app.purchase_requests.site_id IS E'Site';
COMMENT ON COLUMN app.purchase_requests.quantity IS E'Quantity\nThe reorder quantity, or more when that would not get back to the level.';
COMMENT ON COLUMN app.purchase_requests.trigger_level IS E'Level\nThe reorder point or critical minimum (the higher) the stock fell below.';
COMMENT ON COLUMN app.purchase_requests.available_at_request IS E'Available then\nThe storeroom''s available stock when the request was raised.';
COMMENT ON COLUMN app.purchase_requests.is_critical IS E'Critical\nWhether a critical spare''s minimum set the level.';
COMMENT ON COLUMN app.purchase_requests.vendor_id IS E'Suggested vendor\nThe preferred vendor of the part, else the one with the shortest lead time.';
COMMENT ON COLUMN app.purchase_requests.vendor_part_number IS E'Vendor part number';
COMMENT ON COLUMN app.purchase_requests.lead_time_days IS E'Lead time (days)';
COMMENT ON COLUMN app.purchase_requests.unit_price IS E'Unit price';
COMMENT ON COLUMN app.purchase_requests.expected_on IS E'Expected on\nRequest date plus the lead time.';
COMMENT ON COLUMN app.purchase_requests.status IS E'Status\nWritten only by app.set_purchase_request_status and receipts against the request.';
COMMENT ON COLUMN app.purchase_requests.status_note IS E'Status note';
COMMENT ON COLUMN app.purchase_requests.created_at IS E'Created at';
COMMENT ON COLUMN app.purchase_requests.closed_at IS E'Closed at';
COMMENT ON COLUMN app.purchase_requests.closed_by IS E'Closed by';

COMMIT;
