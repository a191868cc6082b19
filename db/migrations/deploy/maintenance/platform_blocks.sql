-- Deploy pulse:maintenance/platform_blocks to pg
-- requires: maintenance/pm_schedules
-- requires: quality/workflows
-- requires: logistics/shipments
-- requires: traceability/lots
-- requires: platform/search
-- requires: platform/custom_fields

BEGIN;

-- Custom fields (docs/platform/custom-fields.md) on assets (the equipment
-- register), work orders, lots and shipments: a custom_fields object with
-- its GIN index (containment filters); the repeatables enable the block
-- (app_private.enable_custom_fields) for each entity type.
ALTER TABLE app.equipment ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT equipment_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object');
ALTER TABLE app.work_orders ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT work_orders_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object');
ALTER TABLE app.lots ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT lots_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object');
ALTER TABLE app.shipments ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT shipments_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object');
CREATE INDEX equipment_custom_fields_idx ON app.equipment USING gin (custom_fields);
CREATE INDEX work_orders_custom_fields_idx ON app.work_orders USING gin (custom_fields);
CREATE INDEX lots_custom_fields_idx ON app.lots USING gin (custom_fields);
CREATE INDEX shipments_custom_fields_idx ON app.shipments USING gin (custom_fields);
COMMENT ON COLUMN app.equipment.custom_fields IS E'Custom fields\nValues of the tenant''s custom fields for equipment and assets (custom_field_definitions, entity type equipment).';
COMMENT ON COLUMN app.work_orders.custom_fields IS E'Custom fields\nValues of the tenant''s custom fields for work orders (custom_field_definitions, entity type work_order), set with app.set_work_order_custom_fields.';
COMMENT ON COLUMN app.lots.custom_fields IS E'Custom fields\nValues of the tenant''s custom fields for lots (custom_field_definitions, entity type lot), set with app.set_lot_custom_fields.';
COMMENT ON COLUMN app.shipments.custom_fields IS E'Custom fields\nValues of the tenant''s custom fields for shipments (custom_field_definitions, entity type shipment).';

-- Search (docs/platform/search.md): assets (equipment), shipments, serials,
-- work requests and change orders get a stored search vector (human id and
-- name or title weight A, the rest B) with its GIN index, and trigram
-- indexes on what the candidates step matches by substring and typo. The
-- repeatables register them (app_private.register_search).
ALTER TABLE app.equipment ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', equipment_number || ' ' || name), 'A')
  || setweight(to_tsvector('simple', coalesce(manufacturer, '') || ' ' || coalesce(model, '') || ' ' || coalesce(serial_number, '')
                                       || ' ' || coalesce(location, '') || ' ' || notes), 'B')) STORED;
ALTER TABLE app.shipments ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', shipment_number), 'A')
  || setweight(to_tsvector('simple', coalesce(carrier, '') || ' ' || coalesce(tracking_number, '') || ' ' || notes), 'B')) STORED;
ALTER TABLE app.serials ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', serial_number), 'A') || setweight(to_tsvector('simple', coalesce(current_location, '')), 'B')) STORED;
ALTER TABLE app.work_requests ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', request_number || ' ' || title), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED;
ALTER TABLE app.change_orders ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', eco_number || ' ' || title), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED;

CREATE INDEX equipment_search_idx ON app.equipment USING gin (search_vector);
CREATE INDEX equipment_equipment_number_trgm_idx ON app.equipment USING gin (equipment_number public.gin_trgm_ops);
CREATE INDEX equipment_name_trgm_idx ON app.equipment USING gin (name public.gin_trgm_ops);
CREATE INDEX shipments_search_idx ON app.shipments USING gin (search_vector);
CREATE INDEX shipments_shipment_number_trgm_idx ON app.shipments USING gin (shipment_number public.gin_trgm_ops);
CREATE INDEX serials_search_idx ON app.serials USING gin (search_vector);
CREATE INDEX serials_serial_number_trgm_idx ON app.serials USING gin (serial_number public.gin_trgm_ops);
CREATE INDEX work_requests_search_idx ON app.work_requests USING gin (search_vector);
CREATE INDEX work_requests_request_number_trgm_idx ON app.work_requests USING gin (request_number public.gin_trgm_ops);
CREATE INDEX work_requests_title_trgm_idx ON app.work_requests USING gin (title public.gin_trgm_ops);
CREATE INDEX change_orders_search_idx ON app.change_orders USING gin (search_vector);
CREATE INDEX change_orders_eco_number_trgm_idx ON app.change_orders USING gin (eco_number public.gin_trgm_ops);
CREATE INDEX change_orders_title_trgm_idx ON app.change_orders USING gin (title public.gin_trgm_ops);

COMMENT ON COLUMN app.equipment.search_vector IS E'Search vector\nNumber and name (A); manufacturer, model, serial number, location and notes (B).';
COMMENT ON COLUMN app.shipments.search_vector IS E'Search vector\nShipment number (A); carrier, tracking number and notes (B).';
COMMENT ON COLUMN app.serials.search_vector IS E'Search vector\nSerial number (A), current location (B).';
COMMENT ON COLUMN app.work_requests.search_vector IS E'Search vector\nRequest number and title (A), description (B).';
COMMENT ON COLUMN app.change_orders.search_vector IS E'Search vector\nECO number and title (A), description (B).';

COMMIT;
