-- Deploy pulse:integration/sap to pg
-- requires: quality/suppliers platform/webhooks

BEGIN;

-- SAP sync (db/functions/97_integration, docs/integration.md): a tenant's
-- connection to its SAP system, mappings between Pulse entities and SAP
-- objects, outbound messages sent by the worker (task sap_deliver) with a
-- sync log, inbound staging of material masters and purchase orders, and the
-- purchase orders they become.

CREATE TABLE app.sap_connections (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  endpoint_url text NOT NULL CONSTRAINT sap_connections_endpoint_url_length CHECK (length(endpoint_url) BETWEEN 1 AND 2000),
  system_id text NOT NULL CONSTRAINT sap_connections_system_id_format CHECK (system_id ~ '^[A-Z][A-Z0-9]{2}$'),
  client text NOT NULL CONSTRAINT sap_connections_client_format CHECK (client ~ '^[0-9]{3}$'),
  username text NOT NULL CONSTRAINT sap_connections_username_length CHECK (length(btrim(username)) BETWEEN 1 AND 200),
  is_enabled boolean NOT NULL DEFAULT false,
  max_attempts integer NOT NULL DEFAULT 5 CONSTRAINT sap_connections_max_attempts_range CHECK (max_attempts BETWEEN 1 AND 20),
  retry_base interval NOT NULL DEFAULT '30 seconds'
    CONSTRAINT sap_connections_retry_base_range CHECK (retry_base BETWEEN interval '0.1 seconds' AND interval '1 hour'),
  updated_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sap_connections_one_per_tenant UNIQUE (organization_id)
);
CREATE INDEX sap_connections_updated_by_idx ON app.sap_connections (updated_by);
COMMENT ON TABLE app.sap_connections IS
  E'SAP connection\nThe tenant''s SAP system (one per tenant): endpoint, system id, client, user, whether outbound sync is on, and its retry policy. Written with app.set_sap_connection (integration.manage); the password is kept apart and never returned.';
COMMENT ON COLUMN app.sap_connections.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sap_connections.id IS E'Connection id';
COMMENT ON COLUMN app.sap_connections.endpoint_url IS E'Endpoint\nThe URL outbound messages are POSTed to: https, or http to localhost only.';
COMMENT ON COLUMN app.sap_connections.system_id IS E'System id\nThe SAP system id (SID: a letter and two letters or digits, PRD).';
COMMENT ON COLUMN app.sap_connections.client IS E'Client\nThe SAP client (three digits, 100), sent as the sap-client header.';
COMMENT ON COLUMN app.sap_connections.username IS E'User\nThe SAP user outbound messages authenticate as (HTTP basic authentication).';
COMMENT ON COLUMN app.sap_connections.is_enabled IS E'Enabled\nWhether changes are sent to SAP; while off, nothing is enqueued.';
COMMENT ON COLUMN app.sap_connections.max_attempts IS E'Max attempts\nAttempts of a message (since its last replay) before it is dead (1 to 20).';
COMMENT ON COLUMN app.sap_connections.retry_base IS E'Retry base\nThe wait before the 2nd attempt; each later wait doubles (at most webhook_settings.retry_max).';
COMMENT ON COLUMN app.sap_connections.updated_by IS E'Changed by';
COMMENT ON COLUMN app.sap_connections.created_at IS E'Created at';
COMMENT ON COLUMN app.sap_connections.updated_at IS E'Updated at';

-- The password: no API role reads it; the worker's request is built from it.
CREATE TABLE app_private.sap_credentials (
  organization_id uuid NOT NULL,
  connection_id uuid NOT NULL,
  password text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, connection_id),
  FOREIGN KEY (organization_id, connection_id) REFERENCES app.sap_connections (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app_private.sap_credentials IS
  'The password of each tenant''s SAP user, set by app.set_sap_connection and read only by app_private.sap_attempt_begin.';

CREATE TABLE app.purchase_orders (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  po_number text NOT NULL CONSTRAINT purchase_orders_po_number_format CHECK (po_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,34}$'),
  supplier_id uuid NOT NULL,
  source text NOT NULL DEFAULT 'sap' CONSTRAINT purchase_orders_source_known CHECK (source IN ('sap')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT purchase_orders_po_number_unique UNIQUE (organization_id, po_number),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX purchase_orders_supplier_idx ON app.purchase_orders (organization_id, supplier_id);
COMMENT ON TABLE app.purchase_orders IS
  E'Purchase orders\nPurchase orders from SAP (applied from app.sap_staged_purchase_orders): number, supplier. Read-only to users; read with supplier.read or integration.manage.';
COMMENT ON COLUMN app.purchase_orders.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.purchase_orders.id IS E'Purchase order id';
COMMENT ON COLUMN app.purchase_orders.po_number IS E'PO number\nThe SAP purchase order number, unique in the tenant.';
COMMENT ON COLUMN app.purchase_orders.supplier_id IS E'Supplier\nThe partner (partners.id) the order is placed with.';
COMMENT ON COLUMN app.purchase_orders.source IS E'Source\nWhere the order came from (sap).';
COMMENT ON COLUMN app.purchase_orders.created_at IS E'Created at';
COMMENT ON COLUMN app.purchase_orders.updated_at IS E'Updated at\nWhen SAP last changed it.';

CREATE TABLE app.purchase_order_lines (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  purchase_order_id uuid NOT NULL,
  line_number integer NOT NULL CONSTRAINT purchase_order_lines_line_number_positive CHECK (line_number BETWEEN 1 AND 999999),
  part_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT purchase_order_lines_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  delivery_date date,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT purchase_order_lines_line_unique UNIQUE (organization_id, purchase_order_id, line_number),
  FOREIGN KEY (organization_id, purchase_order_id) REFERENCES app.purchase_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id)
);
CREATE INDEX purchase_order_lines_part_idx ON app.purchase_order_lines (organization_id, part_id);
CREATE INDEX purchase_order_lines_unit_idx ON app.purchase_order_lines (unit);
COMMENT ON TABLE app.purchase_order_lines IS
  E'Purchase order lines\nWhat a purchase order orders: part (the SAP material), quantity in a unit of the units register, delivery date. Read-only to users.';
COMMENT ON COLUMN app.purchase_order_lines.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.purchase_order_lines.id IS E'Line id';
COMMENT ON COLUMN app.purchase_order_lines.purchase_order_id IS E'Purchase order\npurchase_orders.id.';
COMMENT ON COLUMN app.purchase_order_lines.line_number IS E'Line\nThe SAP item number (10, 20, ...), unique per order.';
COMMENT ON COLUMN app.purchase_order_lines.part_id IS E'Part\nparts.id of the material ordered.';
COMMENT ON COLUMN app.purchase_order_lines.quantity IS E'Quantity\nOrdered quantity (positive).';
COMMENT ON COLUMN app.purchase_order_lines.unit IS E'Unit\nunits.code of the quantity.';
COMMENT ON COLUMN app.purchase_order_lines.delivery_date IS E'Delivery date';

-- A mapping: one Pulse entity <-> one SAP object, unique both ways per type.
-- The typed columns are generated from (entity_type, entity_id) so the
-- foreign keys refuse a missing or foreign entity and cascade its deletion.
CREATE TABLE app.sap_mappings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sap_object_type text NOT NULL
    CONSTRAINT sap_mappings_object_type_known CHECK (sap_object_type IN ('MATERIAL', 'VENDOR', 'CUSTOMER', 'PURCHASE_ORDER')),
  sap_object_number text NOT NULL CONSTRAINT sap_mappings_object_number_format CHECK (sap_object_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$'),
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  part_id uuid GENERATED ALWAYS AS (CASE WHEN entity_type = 'part' THEN entity_id END) STORED,
  partner_id uuid GENERATED ALWAYS AS (CASE WHEN entity_type = 'partner' THEN entity_id END) STORED,
  purchase_order_id uuid GENERATED ALWAYS AS (CASE WHEN entity_type = 'purchase_order' THEN entity_id END) STORED,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sap_mappings_type_matches CHECK (
    (sap_object_type = 'MATERIAL' AND entity_type = 'part')
    OR (sap_object_type IN ('VENDOR', 'CUSTOMER') AND entity_type = 'partner')
    OR (sap_object_type = 'PURCHASE_ORDER' AND entity_type = 'purchase_order')),
  CONSTRAINT sap_mappings_entity_unique UNIQUE (organization_id, sap_object_type, entity_type, entity_id),
  CONSTRAINT sap_mappings_object_unique UNIQUE (organization_id, sap_object_type, sap_object_number),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, purchase_order_id) REFERENCES app.purchase_orders (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sap_mappings_part_idx ON app.sap_mappings (organization_id, part_id);
CREATE INDEX sap_mappings_partner_idx ON app.sap_mappings (organization_id, partner_id);
CREATE INDEX sap_mappings_purchase_order_idx ON app.sap_mappings (organization_id, purchase_order_id);
CREATE INDEX sap_mappings_created_by_idx ON app.sap_mappings (created_by);
COMMENT ON TABLE app.sap_mappings IS
  E'SAP mappings\nWhich SAP object a Pulse entity is: MATERIAL <-> part, VENDOR and CUSTOMER <-> partner, PURCHASE_ORDER <-> purchase order; unique both ways per tenant and object type. Written with app.map_sap_object / app.unmap_sap_object (integration.manage), read with integration.read or integration.manage.';
COMMENT ON COLUMN app.sap_mappings.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sap_mappings.id IS E'Mapping id';
COMMENT ON COLUMN app.sap_mappings.sap_object_type IS E'SAP object type\nMATERIAL, VENDOR, CUSTOMER or PURCHASE_ORDER.';
COMMENT ON COLUMN app.sap_mappings.sap_object_number IS E'SAP object number\nThe material, vendor, customer or purchase order number in SAP.';
COMMENT ON COLUMN app.sap_mappings.entity_type IS E'Entity type\npart, partner or purchase_order.';
COMMENT ON COLUMN app.sap_mappings.entity_id IS E'Entity\nThe id of the part, partner or purchase order.';
COMMENT ON COLUMN app.sap_mappings.part_id IS E'Part\nentity_id when the entity is a part (generated; the foreign key).';
COMMENT ON COLUMN app.sap_mappings.partner_id IS E'Partner\nentity_id when the entity is a partner (generated; the foreign key).';
COMMENT ON COLUMN app.sap_mappings.purchase_order_id IS E'Purchase order\nentity_id when the entity is a purchase order (generated; the foreign key).';
COMMENT ON COLUMN app.sap_mappings.created_by IS E'Mapped by';
COMMENT ON COLUMN app.sap_mappings.created_at IS E'Mapped at';

CREATE TABLE app.sap_outbound_messages (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  idempotency_key text NOT NULL,
  message_type text NOT NULL CONSTRAINT sap_outbound_messages_type_format CHECK (message_type ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$'),
  sap_object_type text NOT NULL,
  sap_object_number text,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  entity_version integer NOT NULL CONSTRAINT sap_outbound_messages_version_positive CHECK (entity_version > 0),
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CONSTRAINT sap_outbound_messages_status_known CHECK (status IN ('pending', 'sent', 'dead')),
  attempt_count integer NOT NULL DEFAULT 0,
  round_attempts integer NOT NULL DEFAULT 0,
  replay_count integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_http_status integer,
  last_error text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sap_outbound_messages_idempotency_unique UNIQUE (organization_id, idempotency_key),
  CONSTRAINT sap_outbound_messages_version_unique UNIQUE (organization_id, entity_type, entity_id, entity_version)
);
CREATE INDEX sap_outbound_messages_status_idx ON app.sap_outbound_messages (organization_id, status, created_at);
COMMENT ON TABLE app.sap_outbound_messages IS
  E'SAP outbound messages\nChanges sent to SAP, one per entity version, built in SQL when the change commits and POSTed by the worker (task sap_deliver): pending, sent, or dead after the connection''s max_attempts; app.replay_sap_message sends a dead one again. Read with integration.read or integration.manage.';
COMMENT ON COLUMN app.sap_outbound_messages.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sap_outbound_messages.id IS E'Message id';
COMMENT ON COLUMN app.sap_outbound_messages.idempotency_key IS E'Idempotency key\n<entity_type>:<entity_id>:<version>, sent as the Idempotency-Key header: SAP applies a message once however often it arrives.';
COMMENT ON COLUMN app.sap_outbound_messages.message_type IS E'Message type\nWhat changed: part.changed, part_revision.released, lot.released.';
COMMENT ON COLUMN app.sap_outbound_messages.sap_object_type IS E'SAP object type\nMATERIAL (a part) or BATCH (a lot).';
COMMENT ON COLUMN app.sap_outbound_messages.sap_object_number IS E'SAP object number\nThe mapped SAP number when the entity was mapped; empty for an entity SAP does not know yet.';
COMMENT ON COLUMN app.sap_outbound_messages.entity_type IS E'Entity type';
COMMENT ON COLUMN app.sap_outbound_messages.entity_id IS E'Entity';
COMMENT ON COLUMN app.sap_outbound_messages.entity_version IS E'Entity version\n1 for the entity''s first message, then one more per message.';
COMMENT ON COLUMN app.sap_outbound_messages.payload IS E'Payload\nThe JSON body sent (the entity as it was when the change committed).';
COMMENT ON COLUMN app.sap_outbound_messages.status IS E'Status\npending, sent or dead.';
COMMENT ON COLUMN app.sap_outbound_messages.attempt_count IS E'Attempts\nAll attempts so far.';
COMMENT ON COLUMN app.sap_outbound_messages.round_attempts IS E'Attempts since replay\nAttempts since the message was last replayed (max_attempts counts these).';
COMMENT ON COLUMN app.sap_outbound_messages.replay_count IS E'Replays';
COMMENT ON COLUMN app.sap_outbound_messages.next_attempt_at IS E'Next attempt at';
COMMENT ON COLUMN app.sap_outbound_messages.last_attempt_at IS E'Last attempt at';
COMMENT ON COLUMN app.sap_outbound_messages.last_http_status IS E'Last HTTP status';
COMMENT ON COLUMN app.sap_outbound_messages.last_error IS E'Last error';
COMMENT ON COLUMN app.sap_outbound_messages.sent_at IS E'Sent at\nWhen SAP accepted it (2xx).';
COMMENT ON COLUMN app.sap_outbound_messages.created_at IS E'Created at';
COMMENT ON COLUMN app.sap_outbound_messages.updated_at IS E'Updated at';

CREATE TABLE app.sap_sync_log (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  direction text NOT NULL CONSTRAINT sap_sync_log_direction_known CHECK (direction IN ('outbound', 'inbound')),
  message_id uuid,
  sap_object_type text NOT NULL,
  sap_object_number text,
  status text NOT NULL CONSTRAINT sap_sync_log_status_known CHECK (status IN ('sent', 'failed', 'applied', 'error')),
  http_status integer,
  response_excerpt text CONSTRAINT sap_sync_log_excerpt_length CHECK (length(response_excerpt) <= 1000),
  error text CONSTRAINT sap_sync_log_error_length CHECK (length(error) <= 2000),
  attempt_number integer,
  duration_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, message_id) REFERENCES app.sap_outbound_messages (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sap_sync_log_message_idx ON app.sap_sync_log (organization_id, message_id);
CREATE INDEX sap_sync_log_created_idx ON app.sap_sync_log (organization_id, created_at DESC);
COMMENT ON TABLE app.sap_sync_log IS
  E'SAP sync log\nEvery exchange with SAP: outbound attempts (sent or failed, HTTP status, response excerpt, attempt, duration) and inbound staged rows applied or refused. Read with integration.read or integration.manage.';
COMMENT ON COLUMN app.sap_sync_log.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sap_sync_log.id IS E'Entry id';
COMMENT ON COLUMN app.sap_sync_log.direction IS E'Direction\noutbound (Pulse to SAP) or inbound (SAP to Pulse).';
COMMENT ON COLUMN app.sap_sync_log.message_id IS E'Message\nsap_outbound_messages.id of an outbound attempt.';
COMMENT ON COLUMN app.sap_sync_log.sap_object_type IS E'SAP object type';
COMMENT ON COLUMN app.sap_sync_log.sap_object_number IS E'SAP object number';
COMMENT ON COLUMN app.sap_sync_log.status IS E'Status\nsent or failed (outbound), applied or error (inbound).';
COMMENT ON COLUMN app.sap_sync_log.http_status IS E'HTTP status\nSAP''s answer to an outbound attempt; empty when there was none.';
COMMENT ON COLUMN app.sap_sync_log.response_excerpt IS E'Response excerpt\nThe first 1000 characters of SAP''s answer.';
COMMENT ON COLUMN app.sap_sync_log.error IS E'Error\nWhy the attempt failed or the staged row was refused.';
COMMENT ON COLUMN app.sap_sync_log.attempt_number IS E'Attempt\nThe message''s attempt number (outbound).';
COMMENT ON COLUMN app.sap_sync_log.duration_ms IS E'Duration (ms)';
COMMENT ON COLUMN app.sap_sync_log.created_at IS E'At';

CREATE TABLE app.sap_staged_materials (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  material_number text NOT NULL CONSTRAINT sap_staged_materials_number_length CHECK (length(material_number) BETWEEN 1 AND 64),
  description text NOT NULL CONSTRAINT sap_staged_materials_description_length CHECK (length(description) <= 4000),
  base_unit text NOT NULL CONSTRAINT sap_staged_materials_base_unit_length CHECK (length(base_unit) BETWEEN 1 AND 32),
  revision_level text CONSTRAINT sap_staged_materials_revision_length CHECK (length(revision_level) BETWEEN 1 AND 16),
  status text NOT NULL DEFAULT 'staged' CONSTRAINT sap_staged_materials_status_known CHECK (status IN ('staged', 'applied', 'error')),
  errors jsonb NOT NULL DEFAULT '[]' CONSTRAINT sap_staged_materials_errors_array CHECK (jsonb_typeof(errors) = 'array'),
  part_id uuid,
  staged_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  staged_at timestamptz NOT NULL DEFAULT now(),
  applied_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE SET NULL (part_id)
);
CREATE INDEX sap_staged_materials_status_idx ON app.sap_staged_materials (organization_id, status);
CREATE INDEX sap_staged_materials_part_idx ON app.sap_staged_materials (organization_id, part_id);
CREATE INDEX sap_staged_materials_staged_by_idx ON app.sap_staged_materials (staged_by);
COMMENT ON TABLE app.sap_staged_materials IS
  E'Staged SAP materials\nMaterial masters SAP sent (app.stage_sap_materials), waiting to be applied (app.apply_sap_staging): each becomes a part (mapped as MATERIAL) or stays with its errors. Read with integration.read or integration.manage.';
COMMENT ON COLUMN app.sap_staged_materials.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sap_staged_materials.id IS E'Staged row id';
COMMENT ON COLUMN app.sap_staged_materials.material_number IS E'Material number\nSAP''s material number (MATNR).';
COMMENT ON COLUMN app.sap_staged_materials.description IS E'Description\nThe material''s short text: the part''s name.';
COMMENT ON COLUMN app.sap_staged_materials.base_unit IS E'Base unit\nThe base unit of measure; must be a unit of the units register.';
COMMENT ON COLUMN app.sap_staged_materials.revision_level IS E'Revision level\nSAP''s revision level: becomes a released part revision when new.';
COMMENT ON COLUMN app.sap_staged_materials.status IS E'Status\nstaged, applied or error.';
COMMENT ON COLUMN app.sap_staged_materials.errors IS E'Errors\nWhy the row was not applied: [{reason, message}].';
COMMENT ON COLUMN app.sap_staged_materials.part_id IS E'Part\nThe part the row became.';
COMMENT ON COLUMN app.sap_staged_materials.staged_by IS E'Staged by';
COMMENT ON COLUMN app.sap_staged_materials.staged_at IS E'Staged at';
COMMENT ON COLUMN app.sap_staged_materials.applied_at IS E'Applied at\nWhen the row was last validated (applied or refused).';

CREATE TABLE app.sap_staged_purchase_orders (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  po_number text NOT NULL CONSTRAINT sap_staged_purchase_orders_number_length CHECK (length(po_number) BETWEEN 1 AND 35),
  vendor_number text NOT NULL CONSTRAINT sap_staged_purchase_orders_vendor_length CHECK (length(vendor_number) BETWEEN 1 AND 40),
  lines jsonb NOT NULL CONSTRAINT sap_staged_purchase_orders_lines_array CHECK (jsonb_typeof(lines) = 'array'),
  status text NOT NULL DEFAULT 'staged' CONSTRAINT sap_staged_purchase_orders_status_known CHECK (status IN ('staged', 'applied', 'error')),
  errors jsonb NOT NULL DEFAULT '[]' CONSTRAINT sap_staged_purchase_orders_errors_array CHECK (jsonb_typeof(errors) = 'array'),
  purchase_order_id uuid,
  staged_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  staged_at timestamptz NOT NULL DEFAULT now(),
  applied_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, purchase_order_id) REFERENCES app.purchase_orders (organization_id, id) ON DELETE SET NULL (purchase_order_id)
);
CREATE INDEX sap_staged_purchase_orders_status_idx ON app.sap_staged_purchase_orders (organization_id, status);
CREATE INDEX sap_staged_purchase_orders_po_idx ON app.sap_staged_purchase_orders (organization_id, purchase_order_id);
CREATE INDEX sap_staged_purchase_orders_staged_by_idx ON app.sap_staged_purchase_orders (staged_by);
COMMENT ON TABLE app.sap_staged_purchase_orders IS
  E'Staged SAP purchase orders\nPurchase orders SAP sent (app.stage_sap_purchase_orders) with their lines, waiting to be applied (app.apply_sap_staging): each becomes a purchase order with all its lines, or stays with its errors. Read with integration.read or integration.manage.';
COMMENT ON COLUMN app.sap_staged_purchase_orders.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sap_staged_purchase_orders.id IS E'Staged row id';
COMMENT ON COLUMN app.sap_staged_purchase_orders.po_number IS E'PO number\nSAP''s purchase order number (EBELN).';
COMMENT ON COLUMN app.sap_staged_purchase_orders.vendor_number IS E'Vendor\nSAP''s vendor number: a VENDOR mapping, or a supplier''s partner code.';
COMMENT ON COLUMN app.sap_staged_purchase_orders.lines IS E'Lines\n[{line, material, quantity, unit, delivery_date}] as SAP sent them.';
COMMENT ON COLUMN app.sap_staged_purchase_orders.status IS E'Status\nstaged, applied or error.';
COMMENT ON COLUMN app.sap_staged_purchase_orders.errors IS E'Errors\nWhy the row was not applied: [{reason, message, line}].';
COMMENT ON COLUMN app.sap_staged_purchase_orders.purchase_order_id IS E'Purchase order\nThe purchase order the row became.';
COMMENT ON COLUMN app.sap_staged_purchase_orders.staged_by IS E'Staged by';
COMMENT ON COLUMN app.sap_staged_purchase_orders.staged_at IS E'Staged at';
COMMENT ON COLUMN app.sap_staged_purchase_orders.applied_at IS E'Applied at\nWhen the row was last validated (applied or refused).';

COMMIT;
