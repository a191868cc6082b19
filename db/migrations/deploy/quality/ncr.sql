-- Deploy pulse:quality/ncr to pg
-- requires: traceability/lots
-- requires: platform/capa

BEGIN;

-- Nonconformance reports (NCRs) as a material review board (MRB) works them,
-- their dispositions, and customer concessions (deviation permits). Root
-- cause and corrective action live in the platform CAPA/8D register
-- (ncrs.capa_id). The inspection and shipment an NCR came from are added by
-- their domains as nullable columns with a composite foreign key
-- (organization_id, inspection_id) / (organization_id, shipment_id); nothing
-- here needs to change for it.

CREATE TYPE app.ncr_status AS ENUM ('open', 'containment', 'disposition', 'verification', 'closed', 'cancelled');
COMMENT ON TYPE app.ncr_status IS
  'An NCR''s MRB step: open (reported, material held), containment (suspect material found and segregated), disposition (the MRB decides what happens to the quantity), verification (the disposition was carried out and is checked), closed; or cancelled.';
CREATE TYPE app.ncr_detection AS ENUM ('receiving', 'in_process', 'final_inspection', 'customer', 'audit', 'other');
COMMENT ON TYPE app.ncr_detection IS 'Where the nonconformance was found.';
CREATE TYPE app.ncr_disposition_kind AS ENUM ('use_as_is', 'rework', 'repair', 'scrap', 'return_to_supplier');
COMMENT ON TYPE app.ncr_disposition_kind IS
  'What the MRB decides for a quantity: use_as_is, rework (to the drawing), repair (usable, not to the drawing), scrap, return_to_supplier. use_as_is, rework and repair need the customer''s concession where the part requires it.';
CREATE TYPE app.concession_status AS ENUM ('requested', 'granted', 'rejected', 'expired', 'revoked');
COMMENT ON TYPE app.concession_status IS
  'A concession''s standing: requested, granted, rejected, revoked are stored; expired is computed (app.concessions_current_status) once valid_until has passed.';

CREATE TABLE app.concessions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  concession_number text NOT NULL CONSTRAINT concessions_number_format CHECK (concession_number ~ '^CON-[0-9]{4}-[0-9]{6,12}$'),
  customer_id uuid NOT NULL,
  part_id uuid NOT NULL,
  description text NOT NULL CONSTRAINT concessions_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 4000),
  quantity_limit numeric NOT NULL CONSTRAINT concessions_quantity_limit_positive CHECK (quantity_limit > 0),
  unit text NOT NULL REFERENCES app.units (code),
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  status app.concession_status NOT NULL DEFAULT 'requested' CONSTRAINT concessions_status_stored CHECK (status <> 'expired'),
  customer_reference text CONSTRAINT concessions_customer_reference_length CHECK (length(customer_reference) BETWEEN 1 AND 100),
  decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  decision_note text CONSTRAINT concessions_decision_note_length CHECK (length(decision_note) <= 2000),
  requested_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT concessions_number_unique UNIQUE (organization_id, concession_number),
  CONSTRAINT concessions_validity_order CHECK (valid_until > valid_from),
  CONSTRAINT concessions_decided_stamped CHECK (status = 'requested' OR decided_at IS NOT NULL),
  CONSTRAINT concessions_granted_referenced CHECK (status <> 'granted' OR customer_reference IS NOT NULL),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id)
);
CREATE INDEX concessions_customer_idx ON app.concessions (organization_id, customer_id);
CREATE INDEX concessions_part_idx ON app.concessions (organization_id, part_id);
CREATE INDEX concessions_unit_idx ON app.concessions (unit);
CREATE INDEX concessions_decided_by_idx ON app.concessions (decided_by);
CREATE INDEX concessions_requested_by_idx ON app.concessions (requested_by);
COMMENT ON TABLE app.concessions IS
  E'Concessions\nA customer''s deviation permit: for one part (optionally narrowed to revisions, lots or serials: concession_scope), up to a quantity, valid from..until, granted under the customer''s reference. A use-as-is, rework or repair disposition of a part whose customer requires it names one that is granted, in force and not exhausted. Read with concession.read; written by app.request_concession, app.decide_concession, app.revoke_concession (concession.manage).';
COMMENT ON COLUMN app.concessions.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.concessions.id IS E'Concession id';
COMMENT ON COLUMN app.concessions.concession_number IS E'Concession number\nHuman id CON-<year>-<counter>, a counter per tenant and year.';
COMMENT ON COLUMN app.concessions.customer_id IS E'Customer\nThe partner (partners.id) who grants it: the part''s customer.';
COMMENT ON COLUMN app.concessions.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.concessions.description IS E'Description\nThe deviation permitted.';
COMMENT ON COLUMN app.concessions.quantity_limit IS E'Quantity limit\nHow much may be dispositioned under it in all, in unit.';
COMMENT ON COLUMN app.concessions.unit IS E'Unit\nThe part''s unit (units.code).';
COMMENT ON COLUMN app.concessions.valid_from IS E'Valid from';
COMMENT ON COLUMN app.concessions.valid_until IS E'Valid until\nAfter it the concession is expired (computed) and cannot be used.';
COMMENT ON COLUMN app.concessions.status IS E'Status\nrequested, granted, rejected or revoked as recorded; app.concessions_current_status adds expired and exhausted.';
COMMENT ON COLUMN app.concessions.customer_reference IS E'Customer reference\nThe customer''s number for the permit (required to grant).';
COMMENT ON COLUMN app.concessions.decided_by IS E'Decided by\nWho recorded the customer''s decision or the revocation.';
COMMENT ON COLUMN app.concessions.decided_at IS E'Decided at';
COMMENT ON COLUMN app.concessions.decision_note IS E'Decision note';
COMMENT ON COLUMN app.concessions.requested_by IS E'Requested by';
COMMENT ON COLUMN app.concessions.created_at IS E'Created at';
COMMENT ON COLUMN app.concessions.updated_at IS E'Updated at';

CREATE TABLE app.concession_scope (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  concession_id uuid NOT NULL,
  part_revision_id uuid,
  lot_id uuid,
  serial_id uuid,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT concession_scope_one_item CHECK (num_nonnulls(part_revision_id, lot_id, serial_id) = 1),
  FOREIGN KEY (organization_id, concession_id) REFERENCES app.concessions (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id)
);
CREATE INDEX concession_scope_concession_idx ON app.concession_scope (organization_id, concession_id);
CREATE INDEX concession_scope_part_revision_idx ON app.concession_scope (organization_id, part_revision_id);
CREATE INDEX concession_scope_lot_idx ON app.concession_scope (organization_id, lot_id);
CREATE INDEX concession_scope_serial_idx ON app.concession_scope (organization_id, serial_id);
COMMENT ON TABLE app.concession_scope IS
  E'Concession scope\nWhat a concession is narrowed to: part revisions, lots or serials (one per row). Without rows it covers the whole part. Of each kind named, the NCR''s revision, lots and serials must be among them.';
COMMENT ON COLUMN app.concession_scope.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.concession_scope.id IS E'Scope row id';
COMMENT ON COLUMN app.concession_scope.concession_id IS E'Concession\nconcessions.id.';
COMMENT ON COLUMN app.concession_scope.part_revision_id IS E'Part revision\npart_revisions.id, or empty.';
COMMENT ON COLUMN app.concession_scope.lot_id IS E'Lot\nlots.id, or empty.';
COMMENT ON COLUMN app.concession_scope.serial_id IS E'Serial\nserials.id, or empty.';

CREATE TABLE app.ncrs (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  ncr_number text NOT NULL CONSTRAINT ncrs_number_format CHECK (ncr_number ~ '^NCR-[0-9]{4}-[0-9]{6,12}$'),
  title text NOT NULL CONSTRAINT ncrs_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description text NOT NULL CONSTRAINT ncrs_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 20000),
  site_id uuid NOT NULL,
  part_id uuid NOT NULL,
  part_revision_id uuid,
  supplier_id uuid,
  customer_id uuid,
  project_id uuid,
  capa_id uuid,
  detection app.ncr_detection NOT NULL DEFAULT 'in_process',
  nonconforming_quantity numeric NOT NULL CONSTRAINT ncrs_quantity_positive CHECK (nonconforming_quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  status app.ncr_status NOT NULL DEFAULT 'open',
  containment_summary text CONSTRAINT ncrs_containment_length CHECK (length(containment_summary) <= 20000),
  verification_result text CONSTRAINT ncrs_verification_result_known CHECK (verification_result IN ('accepted', 'rejected')),
  verification_note text CONSTRAINT ncrs_verification_note_length CHECK (length(verification_note) <= 5000),
  verified_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  verified_at timestamptz,
  cancel_reason text CONSTRAINT ncrs_cancel_reason_length CHECK (length(cancel_reason) <= 2000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT ncrs_number_unique UNIQUE (organization_id, ncr_number),
  CONSTRAINT ncrs_closed_when CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CONSTRAINT ncrs_closed_verified CHECK (status <> 'closed' OR verification_result = 'accepted'),
  CONSTRAINT ncrs_verified_stamped CHECK ((verification_result IS NULL) = (verified_at IS NULL)),
  CONSTRAINT ncrs_cancel_reason_when CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id),
  FOREIGN KEY (organization_id, capa_id) REFERENCES app.capas (organization_id, id)
);
CREATE INDEX ncrs_status_idx ON app.ncrs (organization_id, status);
CREATE INDEX ncrs_site_idx ON app.ncrs (organization_id, site_id);
CREATE INDEX ncrs_part_idx ON app.ncrs (organization_id, part_id);
CREATE INDEX ncrs_part_revision_idx ON app.ncrs (organization_id, part_revision_id);
CREATE INDEX ncrs_supplier_idx ON app.ncrs (organization_id, supplier_id);
CREATE INDEX ncrs_customer_idx ON app.ncrs (organization_id, customer_id);
CREATE INDEX ncrs_project_idx ON app.ncrs (organization_id, project_id);
CREATE INDEX ncrs_capa_idx ON app.ncrs (organization_id, capa_id);
CREATE INDEX ncrs_unit_idx ON app.ncrs (unit);
CREATE INDEX ncrs_created_by_idx ON app.ncrs (created_by);
CREATE INDEX ncrs_verified_by_idx ON app.ncrs (verified_by);
COMMENT ON TABLE app.ncrs IS
  E'Nonconformance reports\nNonconforming material of one part at one plant, worked as a material review board does: open -> containment -> disposition -> verification -> closed (or cancelled), moved by app.advance_ncr only. The lots and serials named (ncr_items) are on hold while it is open. Root cause and corrective action are in the CAPA it raised (capa_id). Seen with ncr.read tenant-wide or at its site; written by the NCR RPCs (ncr.manage, ncr.disposition).';
COMMENT ON COLUMN app.ncrs.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.ncrs.id IS E'NCR id';
COMMENT ON COLUMN app.ncrs.ncr_number IS E'NCR number\nHuman id NCR-<year>-<counter>, a counter per tenant and year.';
COMMENT ON COLUMN app.ncrs.title IS E'Title';
COMMENT ON COLUMN app.ncrs.description IS E'Description\nWhat is nonconforming (requirement, found condition, how many).';
COMMENT ON COLUMN app.ncrs.site_id IS E'Plant\nThe site (sites.id) where the material is: who may see and act on the NCR.';
COMMENT ON COLUMN app.ncrs.part_id IS E'Part\nparts.id (required).';
COMMENT ON COLUMN app.ncrs.part_revision_id IS E'Part revision\npart_revisions.id, where known.';
COMMENT ON COLUMN app.ncrs.supplier_id IS E'Supplier\nThe partner (partners.id) the material came from, for purchased material.';
COMMENT ON COLUMN app.ncrs.customer_id IS E'Customer\nThe partner (partners.id) affected: the part''s customer unless another was named.';
COMMENT ON COLUMN app.ncrs.project_id IS E'Project\nprojects.id, where the NCR belongs to one.';
COMMENT ON COLUMN app.ncrs.capa_id IS E'CAPA\nThe CAPA/8D (capas.id) opened for root cause and corrective action (app.open_ncr_capa).';
COMMENT ON COLUMN app.ncrs.detection IS E'Detected at\nreceiving, in_process, final_inspection, customer, audit or other.';
COMMENT ON COLUMN app.ncrs.nonconforming_quantity IS E'Nonconforming quantity\nIn unit; the dispositions must cover it exactly before verification.';
COMMENT ON COLUMN app.ncrs.unit IS E'Unit\nThe part''s unit (units.code).';
COMMENT ON COLUMN app.ncrs.status IS E'Status\nThe MRB step; changed by app.advance_ncr only.';
COMMENT ON COLUMN app.ncrs.containment_summary IS E'Containment\nWhat was done to find and segregate suspect material.';
COMMENT ON COLUMN app.ncrs.verification_result IS E'Verification result\naccepted or rejected (rejected goes back to disposition); closing needs accepted.';
COMMENT ON COLUMN app.ncrs.verification_note IS E'Verification note\nThe evidence that the disposition was carried out.';
COMMENT ON COLUMN app.ncrs.verified_by IS E'Verified by';
COMMENT ON COLUMN app.ncrs.verified_at IS E'Verified at';
COMMENT ON COLUMN app.ncrs.cancel_reason IS E'Cancel reason';
COMMENT ON COLUMN app.ncrs.created_by IS E'Reported by';
COMMENT ON COLUMN app.ncrs.status_changed_at IS E'Status changed at';
COMMENT ON COLUMN app.ncrs.closed_at IS E'Closed at';
COMMENT ON COLUMN app.ncrs.created_at IS E'Created at';
COMMENT ON COLUMN app.ncrs.updated_at IS E'Updated at';

CREATE TABLE app.ncr_items (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  ncr_id uuid NOT NULL,
  lot_id uuid,
  serial_id uuid,
  status_before app.trace_quality_status NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT ncr_items_one_item CHECK (num_nonnulls(lot_id, serial_id) = 1),
  CONSTRAINT ncr_items_lot_unique UNIQUE (organization_id, ncr_id, lot_id),
  CONSTRAINT ncr_items_serial_unique UNIQUE (organization_id, ncr_id, serial_id),
  FOREIGN KEY (organization_id, ncr_id) REFERENCES app.ncrs (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id)
);
CREATE INDEX ncr_items_ncr_idx ON app.ncr_items (organization_id, ncr_id);
CREATE INDEX ncr_items_lot_idx ON app.ncr_items (organization_id, lot_id);
CREATE INDEX ncr_items_serial_idx ON app.ncr_items (organization_id, serial_id);
COMMENT ON TABLE app.ncr_items IS
  E'NCR material\nThe lots and serials an NCR is about (one per row), put on hold when named and released again when the last open NCR holding them closes or is cancelled (to the status they had before, unless scrapped).';
COMMENT ON COLUMN app.ncr_items.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.ncr_items.id IS E'Item id';
COMMENT ON COLUMN app.ncr_items.ncr_id IS E'NCR\nncrs.id.';
COMMENT ON COLUMN app.ncr_items.lot_id IS E'Lot\nlots.id, or empty for a serial.';
COMMENT ON COLUMN app.ncr_items.serial_id IS E'Serial\nserials.id, or empty for a lot.';
COMMENT ON COLUMN app.ncr_items.status_before IS E'Status before\nThe quality status the item had when the NCR held it: what it returns to.';
COMMENT ON COLUMN app.ncr_items.created_at IS E'Created at';

CREATE TABLE app.ncr_dispositions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  ncr_id uuid NOT NULL,
  disposition app.ncr_disposition_kind NOT NULL,
  quantity numeric NOT NULL CONSTRAINT ncr_dispositions_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  lot_id uuid,
  serial_id uuid,
  concession_id uuid,
  instructions text CONSTRAINT ncr_dispositions_instructions_length CHECK (length(instructions) <= 5000),
  approved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  approved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT ncr_dispositions_one_item CHECK (num_nonnulls(lot_id, serial_id) <= 1),
  FOREIGN KEY (organization_id, ncr_id) REFERENCES app.ncrs (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id),
  FOREIGN KEY (organization_id, concession_id) REFERENCES app.concessions (organization_id, id)
);
CREATE INDEX ncr_dispositions_ncr_idx ON app.ncr_dispositions (organization_id, ncr_id);
CREATE INDEX ncr_dispositions_lot_idx ON app.ncr_dispositions (organization_id, lot_id);
CREATE INDEX ncr_dispositions_serial_idx ON app.ncr_dispositions (organization_id, serial_id);
CREATE INDEX ncr_dispositions_concession_idx ON app.ncr_dispositions (organization_id, concession_id);
CREATE INDEX ncr_dispositions_unit_idx ON app.ncr_dispositions (unit);
CREATE INDEX ncr_dispositions_approved_by_idx ON app.ncr_dispositions (approved_by);
COMMENT ON TABLE app.ncr_dispositions IS
  E'NCR dispositions\nThe MRB''s decisions: a quantity of the nonconforming material to use as is, rework, repair, scrap or return to the supplier, approved by a holder of ncr.disposition who did not report the NCR; the customer''s concession recorded where the part requires one. Together at most the nonconforming quantity; exactly it to leave the disposition step. Written by app.add_ncr_disposition and app.withdraw_ncr_disposition.';
COMMENT ON COLUMN app.ncr_dispositions.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.ncr_dispositions.id IS E'Disposition id';
COMMENT ON COLUMN app.ncr_dispositions.ncr_id IS E'NCR\nncrs.id.';
COMMENT ON COLUMN app.ncr_dispositions.disposition IS E'Disposition\nuse_as_is, rework, repair, scrap or return_to_supplier.';
COMMENT ON COLUMN app.ncr_dispositions.quantity IS E'Quantity\nIn unit.';
COMMENT ON COLUMN app.ncr_dispositions.unit IS E'Unit\nThe NCR''s unit (units.code).';
COMMENT ON COLUMN app.ncr_dispositions.lot_id IS E'Lot\nThe NCR''s lot it applies to (a scrap of a lot lowers its remaining quantity when the NCR closes).';
COMMENT ON COLUMN app.ncr_dispositions.serial_id IS E'Serial\nThe NCR''s serial it applies to (a scrapped serial is scrapped when the NCR closes).';
COMMENT ON COLUMN app.ncr_dispositions.concession_id IS E'Concession\nThe customer''s concession (concessions.id) it was made under.';
COMMENT ON COLUMN app.ncr_dispositions.instructions IS E'Instructions\nHow to rework or repair, where to send it.';
COMMENT ON COLUMN app.ncr_dispositions.approved_by IS E'Approved by\nThe MRB member (ncr.disposition) who decided it.';
COMMENT ON COLUMN app.ncr_dispositions.approved_at IS E'Approved at';

COMMIT;
