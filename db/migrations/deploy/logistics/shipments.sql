-- Deploy pulse:logistics/shipments to pg
-- requires: traceability/lots

BEGIN;

-- Logistics (84_logistics): shipments to customers from a plant, their
-- shipping units (handling units with an SSCC) and items (a lot with a
-- quantity, or a serial), GS1-128 labels rendered by a job, certificates of
-- conformance per shipment rendered by a job, and scan events partitioned by
-- time. Plant-scoped (site_id NOT NULL on every row); a portal user bound to
-- a customer reads that customer's shipments only. Written by the RPCs of
-- db/functions/84_logistics only.

-- Parts carry their GTIN (AI 01), checked by a trigger (84_logistics/10_gs1.sql).
ALTER TABLE app.parts ADD COLUMN gtin text CONSTRAINT parts_gtin_format CHECK (gtin ~ '^[0-9]{14}$');
CREATE UNIQUE INDEX parts_gtin_unique ON app.parts (organization_id, gtin) WHERE gtin IS NOT NULL;
COMMENT ON COLUMN app.parts.gtin IS E'GTIN\nThe part''s Global Trade Item Number as 14 digits (GTIN-14, AI 01; shorter GTINs left-padded with zeros), its GS1 check digit valid; unique in the tenant.';

-- Where material is now: the last scan's location.
ALTER TABLE app.lots ADD COLUMN current_location text CONSTRAINT lots_current_location_length CHECK (length(current_location) BETWEEN 1 AND 200);
COMMENT ON COLUMN app.lots.current_location IS E'Current location\nWhere the lot was last scanned (app.scan).';
ALTER TABLE app.serials ADD COLUMN current_location text CONSTRAINT serials_current_location_length CHECK (length(current_location) BETWEEN 1 AND 200);
COMMENT ON COLUMN app.serials.current_location IS E'Current location\nWhere the piece was last scanned (app.scan).';

CREATE TABLE app.shipments (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  shipment_number text NOT NULL,
  customer_id uuid NOT NULL,
  site_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'draft' CONSTRAINT shipments_status_length CHECK (length(status) BETWEEN 1 AND 100),
  carrier text CONSTRAINT shipments_carrier_length CHECK (length(btrim(carrier)) BETWEEN 1 AND 200),
  tracking_number text CONSTRAINT shipments_tracking_number_length CHECK (length(btrim(tracking_number)) BETWEEN 1 AND 100),
  promised_date date,
  shipped_at timestamptz,
  shipped_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  delivered_at timestamptz,
  current_location text CONSTRAINT shipments_current_location_length CHECK (length(current_location) BETWEEN 1 AND 200),
  notes text NOT NULL DEFAULT '' CONSTRAINT shipments_notes_length CHECK (length(notes) <= 4000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT shipments_number_unique UNIQUE (organization_id, shipment_number),
  CONSTRAINT shipments_shipped_stamped CHECK (status NOT IN ('shipped', 'delivered') OR shipped_at IS NOT NULL),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX shipments_customer_idx ON app.shipments (organization_id, customer_id);
CREATE INDEX shipments_site_idx ON app.shipments (organization_id, site_id);
CREATE INDEX shipments_promised_idx ON app.shipments (organization_id, promised_date);
CREATE INDEX shipments_shipped_by_idx ON app.shipments (shipped_by);
CREATE INDEX shipments_created_by_idx ON app.shipments (created_by);
COMMENT ON TABLE app.shipments IS
  E'Shipments\nGoods sent to one customer (a partner) from one plant (site): carrier, tracking number, promised and actual ship and delivery dates, where it was last scanned, and its state on the tenant''s shipment state machine (draft, picked, packed, shipped, delivered; cancelled), mirrored in status. Seen with shipment.read tenant-wide or at its site, and by the customer''s portal users; created by app.create_shipment, shipped by app.ship_shipment, moved by app.transition.';
COMMENT ON COLUMN app.shipments.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.shipments.id IS E'Shipment id';
COMMENT ON COLUMN app.shipments.shipment_number IS E'Shipment number\nSHP-000123, unique in the tenant.';
COMMENT ON COLUMN app.shipments.customer_id IS E'Customer\nThe partner (partners.id) the goods go to; its portal users read the shipment.';
COMMENT ON COLUMN app.shipments.site_id IS E'Ship-from plant\nThe site (sites.id) the goods leave: who may see and act on the shipment.';
COMMENT ON COLUMN app.shipments.status IS E'Status\nThe shipment''s state on its state machine (app.entity_states), mirrored here: draft, picked, packed, shipped, delivered or cancelled.';
COMMENT ON COLUMN app.shipments.carrier IS E'Carrier';
COMMENT ON COLUMN app.shipments.tracking_number IS E'Tracking number\nThe carrier''s.';
COMMENT ON COLUMN app.shipments.promised_date IS E'Promised date\nThe delivery date promised to the customer (on-time delivery is measured against it).';
COMMENT ON COLUMN app.shipments.shipped_at IS E'Shipped at\nWhen app.ship_shipment moved the goods out of inventory.';
COMMENT ON COLUMN app.shipments.shipped_by IS E'Shipped by';
COMMENT ON COLUMN app.shipments.delivered_at IS E'Delivered at\nWhen the shipment entered delivered.';
COMMENT ON COLUMN app.shipments.current_location IS E'Current location\nWhere the shipment or one of its units was last scanned (app.scan).';
COMMENT ON COLUMN app.shipments.notes IS E'Notes';
COMMENT ON COLUMN app.shipments.created_by IS E'Created by';
COMMENT ON COLUMN app.shipments.created_at IS E'Created at';
COMMENT ON COLUMN app.shipments.updated_at IS E'Updated at';

CREATE TABLE app.shipping_units (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  shipment_id uuid NOT NULL,
  sscc text NOT NULL CONSTRAINT shipping_units_sscc_format CHECK (sscc ~ '^[0-9]{18}$'),
  packaging text NOT NULL DEFAULT 'carton' CONSTRAINT shipping_units_packaging_length CHECK (length(btrim(packaging)) BETWEEN 1 AND 100),
  site_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  current_location text CONSTRAINT shipping_units_current_location_length CHECK (length(current_location) BETWEEN 1 AND 200),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT shipping_units_sscc_unique UNIQUE (organization_id, sscc),
  CONSTRAINT shipping_units_shipment_key UNIQUE (organization_id, id, shipment_id),
  FOREIGN KEY (organization_id, shipment_id) REFERENCES app.shipments (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX shipping_units_shipment_idx ON app.shipping_units (organization_id, shipment_id);
CREATE INDEX shipping_units_site_idx ON app.shipping_units (organization_id, site_id);
CREATE INDEX shipping_units_customer_idx ON app.shipping_units (organization_id, customer_id);
CREATE INDEX shipping_units_created_by_idx ON app.shipping_units (created_by);
COMMENT ON TABLE app.shipping_units IS
  E'Shipping units\nA handling unit of a shipment (carton, pallet) with its SSCC-18 (AI 00) from the tenant''s GS1 company prefix; labelled and scanned. Plant and customer copied from the shipment. Written by app.add_shipping_unit.';
COMMENT ON COLUMN app.shipping_units.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.shipping_units.id IS E'Shipping unit id';
COMMENT ON COLUMN app.shipping_units.shipment_id IS E'Shipment\nshipments.id.';
COMMENT ON COLUMN app.shipping_units.sscc IS E'SSCC\nSerial Shipping Container Code, 18 digits: extension digit, GS1 company prefix, serial reference, check digit.';
COMMENT ON COLUMN app.shipping_units.packaging IS E'Packaging\ne.g. carton, pallet.';
COMMENT ON COLUMN app.shipping_units.site_id IS E'Plant\nThe shipment''s site.';
COMMENT ON COLUMN app.shipping_units.customer_id IS E'Customer\nThe shipment''s customer.';
COMMENT ON COLUMN app.shipping_units.current_location IS E'Current location\nWhere the unit was last scanned.';
COMMENT ON COLUMN app.shipping_units.created_by IS E'Created by';
COMMENT ON COLUMN app.shipping_units.created_at IS E'Created at';
COMMENT ON COLUMN app.shipping_units.updated_at IS E'Updated at';

CREATE TABLE app.shipment_items (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  shipment_id uuid NOT NULL,
  shipping_unit_id uuid,
  lot_id uuid,
  serial_id uuid,
  part_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT shipment_items_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  site_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT shipment_items_one_item CHECK (num_nonnulls(lot_id, serial_id) = 1),
  CONSTRAINT shipment_items_serial_one CHECK (serial_id IS NULL OR quantity = 1),
  CONSTRAINT shipment_items_serial_once UNIQUE (organization_id, shipment_id, serial_id),
  FOREIGN KEY (organization_id, shipment_id) REFERENCES app.shipments (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, shipping_unit_id, shipment_id) REFERENCES app.shipping_units (organization_id, id, shipment_id),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX shipment_items_shipment_idx ON app.shipment_items (organization_id, shipment_id);
CREATE INDEX shipment_items_unit_idx ON app.shipment_items (organization_id, shipping_unit_id, shipment_id);
CREATE INDEX shipment_items_lot_idx ON app.shipment_items (organization_id, lot_id);
CREATE INDEX shipment_items_serial_idx ON app.shipment_items (organization_id, serial_id);
CREATE INDEX shipment_items_part_idx ON app.shipment_items (organization_id, part_id);
CREATE INDEX shipment_items_site_idx ON app.shipment_items (organization_id, site_id);
CREATE INDEX shipment_items_customer_idx ON app.shipment_items (organization_id, customer_id);
CREATE INDEX shipment_items_unit_code_idx ON app.shipment_items (unit);
CREATE INDEX shipment_items_created_by_idx ON app.shipment_items (created_by);
COMMENT ON TABLE app.shipment_items IS
  E'Shipment items\nWhat a shipment carries: a quantity of a lot (in the part''s unit) or one serial, optionally packed in a shipping unit. Plant and customer copied from the shipment. Written by app.add_shipment_item; taken out of inventory by app.ship_shipment.';
COMMENT ON COLUMN app.shipment_items.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.shipment_items.id IS E'Item id';
COMMENT ON COLUMN app.shipment_items.shipment_id IS E'Shipment\nshipments.id.';
COMMENT ON COLUMN app.shipment_items.shipping_unit_id IS E'Shipping unit\nThe unit (shipping_units.id) it is packed in, if any.';
COMMENT ON COLUMN app.shipment_items.lot_id IS E'Lot\nlots.id, or empty for a serial.';
COMMENT ON COLUMN app.shipment_items.serial_id IS E'Serial\nserials.id, or empty for a lot.';
COMMENT ON COLUMN app.shipment_items.part_id IS E'Part\nThe lot''s or serial''s part.';
COMMENT ON COLUMN app.shipment_items.quantity IS E'Quantity\nIn unit (1 for a serial).';
COMMENT ON COLUMN app.shipment_items.unit IS E'Unit\nThe part''s unit (units.code).';
COMMENT ON COLUMN app.shipment_items.site_id IS E'Plant\nThe shipment''s site.';
COMMENT ON COLUMN app.shipment_items.customer_id IS E'Customer\nThe shipment''s customer.';
COMMENT ON COLUMN app.shipment_items.created_by IS E'Created by';
COMMENT ON COLUMN app.shipment_items.created_at IS E'Created at';

CREATE TYPE app.render_status AS ENUM ('queued', 'rendered', 'failed');
COMMENT ON TYPE app.render_status IS 'A document rendered by a job: queued (waiting or retrying), rendered (stored as an object), failed (every attempt failed).';

CREATE TABLE app.labels (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  shipping_unit_id uuid,
  lot_id uuid,
  serial_id uuid,
  site_id uuid NOT NULL,
  symbology text NOT NULL DEFAULT 'gs1-128' CONSTRAINT labels_symbology_known CHECK (symbology IN ('gs1-128', 'qr')),
  element_string text NOT NULL CONSTRAINT labels_element_string_length CHECK (length(element_string) BETWEEN 1 AND 200),
  raw_data text NOT NULL CONSTRAINT labels_raw_data_length CHECK (length(raw_data) BETWEEN 1 AND 200),
  human_text jsonb NOT NULL DEFAULT '{}' CONSTRAINT labels_human_text_object CHECK (jsonb_typeof(human_text) = 'object'),
  status app.render_status NOT NULL DEFAULT 'queued',
  object_key text CONSTRAINT labels_object_key_length CHECK (length(object_key) BETWEEN 1 AND 900),
  sha256 text CONSTRAINT labels_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes bigint CONSTRAINT labels_size_positive CHECK (size_bytes > 0),
  render_attempts integer NOT NULL DEFAULT 0,
  render_error text CONSTRAINT labels_render_error_length CHECK (length(render_error) <= 2000),
  requested_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rendered_at timestamptz,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT labels_one_subject CHECK (num_nonnulls(shipping_unit_id, lot_id, serial_id) = 1),
  CONSTRAINT labels_rendered_has_object CHECK ((status = 'rendered') = (object_key IS NOT NULL AND sha256 IS NOT NULL AND size_bytes IS NOT NULL)),
  FOREIGN KEY (organization_id, shipping_unit_id) REFERENCES app.shipping_units (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX labels_unit_idx ON app.labels (organization_id, shipping_unit_id);
CREATE INDEX labels_lot_idx ON app.labels (organization_id, lot_id);
CREATE INDEX labels_serial_idx ON app.labels (organization_id, serial_id);
CREATE INDEX labels_site_idx ON app.labels (organization_id, site_id);
CREATE INDEX labels_status_idx ON app.labels (organization_id, status) WHERE status <> 'rendered';
CREATE INDEX labels_requested_by_idx ON app.labels (requested_by);
COMMENT ON TABLE app.labels IS
  E'Labels\nA barcode label for a shipping unit (SSCC, AI 00) or a lot or serial (GTIN, lot, serial, expiry, quantity): the GS1-128 element string computed in SQL (human-readable with parentheses, and raw with GS separators), rendered to a PNG by the label_render job and stored as an object. Written by app.request_label.';
COMMENT ON COLUMN app.labels.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.labels.id IS E'Label id';
COMMENT ON COLUMN app.labels.shipping_unit_id IS E'Shipping unit\nshipping_units.id, for an SSCC label.';
COMMENT ON COLUMN app.labels.lot_id IS E'Lot\nlots.id, for a lot label.';
COMMENT ON COLUMN app.labels.serial_id IS E'Serial\nserials.id, for a serial label.';
COMMENT ON COLUMN app.labels.site_id IS E'Plant\nThe labelled item''s site.';
COMMENT ON COLUMN app.labels.symbology IS E'Symbology\ngs1-128 or qr.';
COMMENT ON COLUMN app.labels.element_string IS E'Element string\nHuman-readable GS1 element string: (00)...(01)...(10)...';
COMMENT ON COLUMN app.labels.raw_data IS E'Raw data\nThe element string as encoded: AIs and values, variable-length fields ended by GS (\\x1d).';
COMMENT ON COLUMN app.labels.human_text IS E'Text\nWhat the label prints beside the barcode (part, lot, customer, ...).';
COMMENT ON COLUMN app.labels.status IS E'Status\nqueued, rendered or failed.';
COMMENT ON COLUMN app.labels.object_key IS E'Image\nObject-store key of the rendered PNG inside the tenant''s storage.';
COMMENT ON COLUMN app.labels.sha256 IS E'Image checksum\nsha256 (hex).';
COMMENT ON COLUMN app.labels.size_bytes IS E'Image size\nIn bytes.';
COMMENT ON COLUMN app.labels.render_attempts IS E'Render attempts';
COMMENT ON COLUMN app.labels.render_error IS E'Render error\nThe last failed attempt''s error.';
COMMENT ON COLUMN app.labels.requested_by IS E'Requested by';
COMMENT ON COLUMN app.labels.created_at IS E'Created at';
COMMENT ON COLUMN app.labels.rendered_at IS E'Rendered at';

CREATE TABLE app.shipment_certificates (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  certificate_number text NOT NULL,
  shipment_id uuid NOT NULL,
  site_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  content jsonb NOT NULL CONSTRAINT shipment_certificates_content_object CHECK (jsonb_typeof(content) = 'object'),
  status app.render_status NOT NULL DEFAULT 'queued',
  pdf_key text CONSTRAINT shipment_certificates_pdf_key_length CHECK (length(pdf_key) BETWEEN 1 AND 900),
  pdf_sha256 text CONSTRAINT shipment_certificates_pdf_sha256_format CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  pdf_size bigint CONSTRAINT shipment_certificates_pdf_size_positive CHECK (pdf_size > 0),
  render_attempts integer NOT NULL DEFAULT 0,
  render_error text CONSTRAINT shipment_certificates_render_error_length CHECK (length(render_error) <= 2000),
  issued_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  rendered_at timestamptz,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT shipment_certificates_number_unique UNIQUE (organization_id, certificate_number),
  CONSTRAINT shipment_certificates_rendered_has_pdf CHECK ((status = 'rendered') = (pdf_key IS NOT NULL AND pdf_sha256 IS NOT NULL AND pdf_size IS NOT NULL)),
  FOREIGN KEY (organization_id, shipment_id) REFERENCES app.shipments (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX shipment_certificates_shipment_idx ON app.shipment_certificates (organization_id, shipment_id);
CREATE INDEX shipment_certificates_site_idx ON app.shipment_certificates (organization_id, site_id);
CREATE INDEX shipment_certificates_customer_idx ON app.shipment_certificates (organization_id, customer_id);
CREATE INDEX shipment_certificates_issued_by_idx ON app.shipment_certificates (issued_by);
COMMENT ON TABLE app.shipment_certificates IS
  E'Certificates of conformance\nOne per issue for a shipment whose items are all released: its content frozen at issue from app_private.shipment_certificate_lines (lots and serials, part revisions, quality status), rendered to PDF by the coc_render job and stored as an object attached to the shipment. Read like the shipment (its customer''s portal users too). Written by app.issue_shipment_certificate.';
COMMENT ON COLUMN app.shipment_certificates.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.shipment_certificates.id IS E'Certificate id';
COMMENT ON COLUMN app.shipment_certificates.certificate_number IS E'Certificate number\nCOC-000123, unique in the tenant.';
COMMENT ON COLUMN app.shipment_certificates.shipment_id IS E'Shipment\nshipments.id.';
COMMENT ON COLUMN app.shipment_certificates.site_id IS E'Plant\nThe shipment''s site.';
COMMENT ON COLUMN app.shipment_certificates.customer_id IS E'Customer\nThe shipment''s customer.';
COMMENT ON COLUMN app.shipment_certificates.content IS E'Content\nWhat the certificate states, frozen at issue: shipment, customer, lines.';
COMMENT ON COLUMN app.shipment_certificates.status IS E'PDF status\nqueued, rendered or failed.';
COMMENT ON COLUMN app.shipment_certificates.pdf_key IS E'PDF\nObject-store key inside the tenant''s storage.';
COMMENT ON COLUMN app.shipment_certificates.pdf_sha256 IS E'PDF checksum\nsha256 (hex).';
COMMENT ON COLUMN app.shipment_certificates.pdf_size IS E'PDF size\nIn bytes.';
COMMENT ON COLUMN app.shipment_certificates.render_attempts IS E'Render attempts';
COMMENT ON COLUMN app.shipment_certificates.render_error IS E'Render error';
COMMENT ON COLUMN app.shipment_certificates.issued_by IS E'Issued by';
COMMENT ON COLUMN app.shipment_certificates.issued_at IS E'Issued at';
COMMENT ON COLUMN app.shipment_certificates.rendered_at IS E'Rendered at';

-- Scan events: append-heavy, partitioned by month on scanned_at.
CREATE TABLE app.scan_events (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  scanned_at timestamptz NOT NULL DEFAULT now(),
  device text NOT NULL CONSTRAINT scan_events_device_length CHECK (length(btrim(device)) BETWEEN 1 AND 100),
  location text NOT NULL CONSTRAINT scan_events_location_length CHECK (length(btrim(location)) BETWEEN 1 AND 200),
  code text NOT NULL CONSTRAINT scan_events_code_length CHECK (length(code) BETWEEN 1 AND 200),
  code_kind text NOT NULL CONSTRAINT scan_events_code_kind_known CHECK (code_kind IN ('gs1', 'sscc', 'lot_number', 'serial_number', 'shipment_number')),
  decoded jsonb NOT NULL DEFAULT '{}' CONSTRAINT scan_events_decoded_object CHECK (jsonb_typeof(decoded) = 'object'),
  site_id uuid NOT NULL,
  shipment_id uuid,
  shipping_unit_id uuid,
  lot_id uuid,
  serial_id uuid,
  scanned_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  PRIMARY KEY (organization_id, id, scanned_at),
  CONSTRAINT scan_events_something CHECK (num_nonnulls(shipment_id, shipping_unit_id, lot_id, serial_id) >= 1),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, shipment_id) REFERENCES app.shipments (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, shipping_unit_id) REFERENCES app.shipping_units (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id)
) PARTITION BY RANGE (scanned_at);
-- The idempotency probe: the same device and code, newest first.
CREATE INDEX scan_events_device_code_idx ON app.scan_events (organization_id, device, code, scanned_at DESC);
CREATE INDEX scan_events_site_idx ON app.scan_events (organization_id, site_id, scanned_at DESC);
CREATE INDEX scan_events_shipment_idx ON app.scan_events (organization_id, shipment_id);
CREATE INDEX scan_events_unit_idx ON app.scan_events (organization_id, shipping_unit_id);
CREATE INDEX scan_events_lot_idx ON app.scan_events (organization_id, lot_id);
CREATE INDEX scan_events_serial_idx ON app.scan_events (organization_id, serial_id);
CREATE INDEX scan_events_scanned_by_idx ON app.scan_events (scanned_by);
COMMENT ON TABLE app.scan_events IS
  E'Scan events\nEvery scan of a barcode (GS1 element string, SSCC, lot, serial or shipment number) by a device at a location: what it decoded to and which shipment, unit, lot or serial it named. Append-only, partitioned by month (pg_partman); the same device and code within 5 seconds is one event. Written by app.scan.';
COMMENT ON COLUMN app.scan_events.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.scan_events.id IS E'Scan id';
COMMENT ON COLUMN app.scan_events.scanned_at IS E'Scanned at';
COMMENT ON COLUMN app.scan_events.device IS E'Device\nThe scanner''s name or id.';
COMMENT ON COLUMN app.scan_events.location IS E'Location\nWhere it was scanned (dock, rack, truck ...).';
COMMENT ON COLUMN app.scan_events.code IS E'Code\nWhat the scanner read.';
COMMENT ON COLUMN app.scan_events.code_kind IS E'Kind\ngs1 (an element string), sscc, lot_number, serial_number or shipment_number.';
COMMENT ON COLUMN app.scan_events.decoded IS E'Decoded\nThe GS1 application identifiers and values ({"00": ..., "10": ...}).';
COMMENT ON COLUMN app.scan_events.site_id IS E'Plant\nThe scanned item''s site.';
COMMENT ON COLUMN app.scan_events.shipment_id IS E'Shipment';
COMMENT ON COLUMN app.scan_events.shipping_unit_id IS E'Shipping unit';
COMMENT ON COLUMN app.scan_events.lot_id IS E'Lot';
COMMENT ON COLUMN app.scan_events.serial_id IS E'Serial';
COMMENT ON COLUMN app.scan_events.scanned_by IS E'Scanned by';

SELECT partman.create_parent('app.scan_events', 'scanned_at', 'native', '1 month',
         p_premake => (SELECT premake FROM app_private.partition_settings), p_jobmon => false);
INSERT INTO app_private.append_heavy_tables (table_name, control_column, partition_interval, why)
VALUES ('app.scan_events', 'scanned_at', interval '1 month',
        'One row per barcode scan on every dock and line (thousands a day per plant), never updated, read newest first per shipment or lot; old months are dropped whole.');

-- recall_simulation gains the shipments that received each item (a new
-- result column): the repeatable 82_traceability/40_trace.sql recreates it.
DROP FUNCTION IF EXISTS app.recall_simulation(uuid, integer);

COMMIT;
