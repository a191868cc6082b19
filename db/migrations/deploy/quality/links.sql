-- Deploy pulse:quality/links to pg
-- requires: quality/ncr
-- requires: quality/complaints
-- requires: quality/inspections
-- requires: quality/suppliers
-- requires: quality/change_orders
-- requires: logistics/shipments

BEGIN;

-- The links between the manufacturing slices that were built apart: the
-- inspection (and characteristic) an NCR was found in, the shipments a
-- complaint is about, the receiving inspection a receipt was decided on,
-- and the change order an SPC baseline recalculation follows. Each is a
-- nullable column (or a link table) with a composite tenant foreign key.

ALTER TABLE app.ncrs
  ADD COLUMN inspection_id uuid,
  ADD COLUMN characteristic_id uuid,
  ADD CONSTRAINT ncrs_inspection_fkey FOREIGN KEY (organization_id, inspection_id) REFERENCES app.inspections (organization_id, id),
  ADD CONSTRAINT ncrs_characteristic_fkey FOREIGN KEY (organization_id, characteristic_id) REFERENCES app.characteristics (organization_id, id),
  ADD CONSTRAINT ncrs_characteristic_with_inspection CHECK (characteristic_id IS NULL OR inspection_id IS NOT NULL);
CREATE INDEX ncrs_inspection_idx ON app.ncrs (organization_id, inspection_id);
CREATE INDEX ncrs_characteristic_idx ON app.ncrs (organization_id, characteristic_id);
COMMENT ON COLUMN app.ncrs.inspection_id IS E'Inspection\nThe inspection (inspections.id) that found it: app.raise_inspection_ncr sets it.';
COMMENT ON COLUMN app.ncrs.characteristic_id IS E'Characteristic\nThe characteristic (characteristics.id) of that inspection found out of spec, where known.';

ALTER TABLE app.receipts
  ADD COLUMN inspection_id uuid,
  ADD CONSTRAINT receipts_inspection_fkey FOREIGN KEY (organization_id, inspection_id) REFERENCES app.inspections (organization_id, id);
CREATE INDEX receipts_inspection_idx ON app.receipts (organization_id, inspection_id);
COMMENT ON COLUMN app.receipts.inspection_id IS
  E'Receiving inspection\nThe receiving inspection (inspections.id) of the receipt''s lot the decision was made on: required when the part''s approved control plan at the plant has characteristics.';

ALTER TABLE app.spc_baselines
  ADD COLUMN change_order_id uuid,
  ADD CONSTRAINT spc_baselines_change_order_fkey FOREIGN KEY (organization_id, change_order_id) REFERENCES app.change_orders (organization_id, id);
CREATE INDEX spc_baselines_change_order_idx ON app.spc_baselines (organization_id, change_order_id);
COMMENT ON COLUMN app.spc_baselines.change_order_id IS
  E'Change order\nThe implemented engineering change order (change_orders.id) the recalculation follows, when change_reference is an ECO number.';

CREATE TABLE app.complaint_shipments (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  complaint_id uuid NOT NULL,
  shipment_id uuid NOT NULL,
  shipment_item_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT complaint_shipments_once UNIQUE NULLS NOT DISTINCT (organization_id, complaint_id, shipment_id, shipment_item_id),
  FOREIGN KEY (organization_id, complaint_id) REFERENCES app.customer_complaints (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, shipment_id) REFERENCES app.shipments (organization_id, id),
  FOREIGN KEY (organization_id, shipment_item_id) REFERENCES app.shipment_items (organization_id, id)
);
CREATE INDEX complaint_shipments_shipment_idx ON app.complaint_shipments (organization_id, shipment_id);
CREATE INDEX complaint_shipments_item_idx ON app.complaint_shipments (organization_id, shipment_item_id);
COMMENT ON TABLE app.complaint_shipments IS
  E'Complaint shipments\nThe shipments (and, where known, the shipment items) the complaining customer received that a complaint is about: the shipment''s customer is the complaint''s. Linked by staff (app.link_complaint_shipments); read like the complaint.';
COMMENT ON COLUMN app.complaint_shipments.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.complaint_shipments.id IS E'Link id';
COMMENT ON COLUMN app.complaint_shipments.complaint_id IS E'Complaint\ncustomer_complaints.id.';
COMMENT ON COLUMN app.complaint_shipments.shipment_id IS E'Shipment\nshipments.id, of the complaint''s customer.';
COMMENT ON COLUMN app.complaint_shipments.shipment_item_id IS E'Shipment item\nshipment_items.id of that shipment, or empty for the whole shipment.';
COMMENT ON COLUMN app.complaint_shipments.created_at IS E'Linked at';

COMMIT;
