-- Deploy pulse:quality/complaints to pg
-- requires: quality/ncr

BEGIN;

-- Customer complaints: filed by staff or by the customer's own portal users,
-- linked to the lots and serials concerned and to NCRs, and worked as an 8D
-- in the platform CAPA register (customer_complaints.capa_id). The shipment
-- a complaint is about is added by logistics as a nullable column with a
-- composite foreign key (organization_id, shipment_id).

CREATE TYPE app.complaint_status AS ENUM ('open', 'investigating', 'closed', 'rejected');
COMMENT ON TYPE app.complaint_status IS
  'A complaint''s standing: open (received), investigating (its 8D is open), closed (answered; its 8D closed, when it has one), rejected (not justified).';
CREATE TYPE app.complaint_severity AS ENUM ('minor', 'major', 'critical');
COMMENT ON TYPE app.complaint_severity IS 'How serious the customer''s problem is: minor, major, critical (safety, line stop, field failure).';

CREATE TABLE app.customer_complaints (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  complaint_number text NOT NULL CONSTRAINT customer_complaints_number_format CHECK (complaint_number ~ '^CC-[0-9]{4}-[0-9]{6,12}$'),
  customer_id uuid NOT NULL,
  part_id uuid NOT NULL,
  site_id uuid,
  title text NOT NULL CONSTRAINT customer_complaints_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description text NOT NULL CONSTRAINT customer_complaints_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 20000),
  severity app.complaint_severity NOT NULL DEFAULT 'major',
  received_on date NOT NULL,
  customer_reference text CONSTRAINT customer_complaints_customer_reference_length CHECK (length(customer_reference) BETWEEN 1 AND 100),
  quantity_affected numeric CONSTRAINT customer_complaints_quantity_positive CHECK (quantity_affected > 0),
  status app.complaint_status NOT NULL DEFAULT 'open',
  capa_id uuid,
  response text CONSTRAINT customer_complaints_response_length CHECK (length(response) <= 20000),
  filed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  filed_by_customer boolean NOT NULL DEFAULT false,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT customer_complaints_number_unique UNIQUE (organization_id, complaint_number),
  CONSTRAINT customer_complaints_closed_when CHECK ((status IN ('closed', 'rejected')) = (closed_at IS NOT NULL)),
  CONSTRAINT customer_complaints_answered CHECK (status NOT IN ('closed', 'rejected') OR response IS NOT NULL),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, capa_id) REFERENCES app.capas (organization_id, id)
);
CREATE INDEX customer_complaints_customer_idx ON app.customer_complaints (organization_id, customer_id);
CREATE INDEX customer_complaints_part_idx ON app.customer_complaints (organization_id, part_id);
CREATE INDEX customer_complaints_site_idx ON app.customer_complaints (organization_id, site_id);
CREATE INDEX customer_complaints_capa_idx ON app.customer_complaints (organization_id, capa_id);
CREATE INDEX customer_complaints_status_idx ON app.customer_complaints (organization_id, status);
CREATE INDEX customer_complaints_filed_by_idx ON app.customer_complaints (filed_by);
COMMENT ON TABLE app.customer_complaints IS
  E'Customer complaints\nA customer''s complaint about a part: filed by staff (complaint.manage) or by the customer''s own portal users (complaint.file, their partner only), linked to lots and serials (complaint_items) and NCRs (complaint_ncrs), worked as an 8D in the CAPA register (app.open_complaint_8d). Its own small machine: open -> investigating (8D open) -> closed (8D closed, response given) or rejected. Staff read with complaint.read tenant-wide or at its plant; a portal user reads their partner''s complaints only.';
COMMENT ON COLUMN app.customer_complaints.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.customer_complaints.id IS E'Complaint id';
COMMENT ON COLUMN app.customer_complaints.complaint_number IS E'Complaint number\nHuman id CC-<year>-<counter>, a counter per tenant and year.';
COMMENT ON COLUMN app.customer_complaints.customer_id IS E'Customer\nThe partner (partners.id) complaining; a portal user''s own partner.';
COMMENT ON COLUMN app.customer_complaints.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.customer_complaints.site_id IS E'Plant\nThe site (sites.id) responsible, once known: plant-scoped staff see it there.';
COMMENT ON COLUMN app.customer_complaints.title IS E'Title';
COMMENT ON COLUMN app.customer_complaints.description IS E'Description\nThe customer''s problem as reported.';
COMMENT ON COLUMN app.customer_complaints.severity IS E'Severity\nminor, major or critical.';
COMMENT ON COLUMN app.customer_complaints.received_on IS E'Received on';
COMMENT ON COLUMN app.customer_complaints.customer_reference IS E'Customer reference\nThe customer''s own complaint number.';
COMMENT ON COLUMN app.customer_complaints.quantity_affected IS E'Quantity affected\nIn the part''s unit, as the customer reports it.';
COMMENT ON COLUMN app.customer_complaints.status IS E'Status\nopen, investigating, closed or rejected; changed by the complaint RPCs only.';
COMMENT ON COLUMN app.customer_complaints.capa_id IS E'8D\nThe CAPA (capas.id) of the 8D method opened for it.';
COMMENT ON COLUMN app.customer_complaints.response IS E'Response\nThe answer given to the customer (required to close or reject).';
COMMENT ON COLUMN app.customer_complaints.filed_by IS E'Filed by';
COMMENT ON COLUMN app.customer_complaints.filed_by_customer IS E'Filed by the customer\nWhether a portal user of the customer filed it.';
COMMENT ON COLUMN app.customer_complaints.closed_at IS E'Closed at';
COMMENT ON COLUMN app.customer_complaints.created_at IS E'Created at';
COMMENT ON COLUMN app.customer_complaints.updated_at IS E'Updated at';

CREATE TABLE app.complaint_items (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  complaint_id uuid NOT NULL,
  lot_id uuid,
  serial_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT complaint_items_one_item CHECK (num_nonnulls(lot_id, serial_id) = 1),
  CONSTRAINT complaint_items_lot_unique UNIQUE (organization_id, complaint_id, lot_id),
  CONSTRAINT complaint_items_serial_unique UNIQUE (organization_id, complaint_id, serial_id),
  FOREIGN KEY (organization_id, complaint_id) REFERENCES app.customer_complaints (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id)
);
CREATE INDEX complaint_items_complaint_idx ON app.complaint_items (organization_id, complaint_id);
CREATE INDEX complaint_items_lot_idx ON app.complaint_items (organization_id, lot_id);
CREATE INDEX complaint_items_serial_idx ON app.complaint_items (organization_id, serial_id);
COMMENT ON TABLE app.complaint_items IS E'Complaint material\nThe lots and serials a complaint is about (one per row), linked by staff (app.link_complaint).';
COMMENT ON COLUMN app.complaint_items.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.complaint_items.id IS E'Item id';
COMMENT ON COLUMN app.complaint_items.complaint_id IS E'Complaint\ncustomer_complaints.id.';
COMMENT ON COLUMN app.complaint_items.lot_id IS E'Lot\nlots.id, or empty for a serial.';
COMMENT ON COLUMN app.complaint_items.serial_id IS E'Serial\nserials.id, or empty for a lot.';
COMMENT ON COLUMN app.complaint_items.created_at IS E'Linked at';

CREATE TABLE app.complaint_ncrs (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  complaint_id uuid NOT NULL,
  ncr_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, complaint_id, ncr_id),
  FOREIGN KEY (organization_id, complaint_id) REFERENCES app.customer_complaints (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, ncr_id) REFERENCES app.ncrs (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX complaint_ncrs_ncr_idx ON app.complaint_ncrs (organization_id, ncr_id);
COMMENT ON TABLE app.complaint_ncrs IS E'Complaint NCRs\nThe NCRs raised for, or found related to, a complaint (app.link_complaint).';
COMMENT ON COLUMN app.complaint_ncrs.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.complaint_ncrs.complaint_id IS E'Complaint\ncustomer_complaints.id.';
COMMENT ON COLUMN app.complaint_ncrs.ncr_id IS E'NCR\nncrs.id.';
COMMENT ON COLUMN app.complaint_ncrs.created_at IS E'Linked at';

COMMIT;
