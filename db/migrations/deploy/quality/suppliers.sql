-- Deploy pulse:quality/suppliers to pg
-- requires: traceability/lots
-- requires: platform/capa

BEGIN;

-- Suppliers (80_quality, docs/manufacturing/suppliers.md): the approved
-- supplier list, receipts of purchased material (each creates a quarantined
-- lot with the supplier's lot and ends with a receiving decision), supplier
-- corrective action requests (SCARs: a platform CAPA addressed to a
-- supplier, answered by the supplier's portal users) and the supplier
-- scorecard, a KPI materialized view refreshed by the job refresh-kpis.
-- Suppliers are partners (partners.kind supplier or customer_and_supplier).

CREATE TYPE app.supplier_approval_status AS ENUM ('pending', 'approved', 'conditional', 'disapproved', 'suspended');
COMMENT ON TYPE app.supplier_approval_status IS
  'An approved supplier list entry''s status: pending (being assessed), approved, conditional (may deliver under conditions, receipts flagged), disapproved, suspended. An approved or conditional entry past its valid_until or certificate expiry counts as expired (app.approved_suppliers_effective_status).';
CREATE TYPE app.supplier_approval_basis AS ENUM ('audit', 'certificate', 'first_article', 'history', 'customer_directed', 'other');
COMMENT ON TYPE app.supplier_approval_basis IS
  'Why a supplier is on the list: an on-site audit, a QMS certificate (ISO 9001, IATF 16949, AS9100, ...), a first article, delivery history, a customer-directed source, other.';
CREATE TYPE app.receipt_status AS ENUM ('awaiting_decision', 'accepted', 'partially_accepted', 'rejected');
COMMENT ON TYPE app.receipt_status IS
  'Where a receipt stands: awaiting_decision (its lot quarantined), accepted (all released), partially_accepted (the accepted quantity released, the rest rejected), rejected (nothing released; the lot stays quarantined).';
CREATE TYPE app.scar_status AS ENUM ('awaiting_response', 'responded', 'accepted');
COMMENT ON TYPE app.scar_status IS
  'A SCAR''s exchange with the supplier: awaiting_response (issued, or a response returned), responded (the supplier answered), accepted (the response accepted; the CAPA carries on to closure). The 8D itself is the linked CAPA''s steps.';

CREATE TABLE app.approved_suppliers (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  supplier_id uuid NOT NULL,
  part_id uuid,
  status app.supplier_approval_status NOT NULL DEFAULT 'pending',
  basis app.supplier_approval_basis NOT NULL DEFAULT 'audit',
  certificate text CONSTRAINT approved_suppliers_certificate_length CHECK (length(btrim(certificate)) BETWEEN 1 AND 100),
  certificate_number text CONSTRAINT approved_suppliers_certificate_number_length CHECK (length(btrim(certificate_number)) BETWEEN 1 AND 100),
  certificate_expires_on date,
  audited_on date,
  valid_until date,
  conditions text CONSTRAINT approved_suppliers_conditions_length CHECK (length(conditions) <= 4000),
  notes text NOT NULL DEFAULT '' CONSTRAINT approved_suppliers_notes_length CHECK (length(notes) <= 4000),
  approved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  approved_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  -- One entry per supplier and scope: the whole supplier (part_id empty) or one part.
  CONSTRAINT approved_suppliers_scope_unique UNIQUE NULLS NOT DISTINCT (organization_id, supplier_id, part_id),
  CONSTRAINT approved_suppliers_approval_dated CHECK (status NOT IN ('approved', 'conditional') OR valid_until IS NOT NULL),
  CONSTRAINT approved_suppliers_conditions_stated CHECK (status <> 'conditional' OR coalesce(length(btrim(conditions)), 0) > 0),
  CONSTRAINT approved_suppliers_certificate_named CHECK (basis <> 'certificate' OR (certificate IS NOT NULL AND certificate_expires_on IS NOT NULL)),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX approved_suppliers_part_idx ON app.approved_suppliers (organization_id, part_id);
CREATE INDEX approved_suppliers_expiry_idx ON app.approved_suppliers (organization_id, valid_until) WHERE status IN ('approved', 'conditional');
CREATE INDEX approved_suppliers_approved_by_idx ON app.approved_suppliers (approved_by);
CREATE INDEX approved_suppliers_created_by_idx ON app.approved_suppliers (created_by);
COMMENT ON TABLE app.approved_suppliers IS
  E'Approved supplier list\nWhether a supplier may deliver, for all parts (part_id empty) or one part (the part''s entry wins over the supplier-wide one): status, basis (audit, certificate with its expiry, ...), valid until. An approved or conditional entry past valid_until or its certificate''s expiry counts as expired. Receipts from a supplier not approved (or conditional) for the part are refused. Read with supplier.read, written with supplier.manage.';
COMMENT ON COLUMN app.approved_suppliers.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.approved_suppliers.id IS E'Entry id';
COMMENT ON COLUMN app.approved_suppliers.supplier_id IS E'Supplier\nThe partner (partners.id, kind supplier or customer_and_supplier).';
COMMENT ON COLUMN app.approved_suppliers.part_id IS E'Part\nThe one part the entry covers (parts.id); empty: every part from this supplier.';
COMMENT ON COLUMN app.approved_suppliers.status IS E'Status\npending, approved, conditional, disapproved or suspended (effective_status says whether it has expired).';
COMMENT ON COLUMN app.approved_suppliers.basis IS E'Basis\naudit, certificate, first_article, history, customer_directed or other.';
COMMENT ON COLUMN app.approved_suppliers.certificate IS E'Certificate\nThe QMS standard certified (ISO 9001, IATF 16949, ...); required with basis certificate.';
COMMENT ON COLUMN app.approved_suppliers.certificate_number IS E'Certificate number';
COMMENT ON COLUMN app.approved_suppliers.certificate_expires_on IS E'Certificate expires on\nAfter this day the approval counts as expired.';
COMMENT ON COLUMN app.approved_suppliers.audited_on IS E'Audited on\nThe day of the last supplier audit.';
COMMENT ON COLUMN app.approved_suppliers.valid_until IS E'Valid until\nThe last day the approval holds (required once approved or conditional).';
COMMENT ON COLUMN app.approved_suppliers.conditions IS E'Conditions\nWhat a conditional approval requires (e.g. 100 % receiving inspection); required when conditional.';
COMMENT ON COLUMN app.approved_suppliers.notes IS E'Notes';
COMMENT ON COLUMN app.approved_suppliers.approved_by IS E'Approved by\nWho last set the status to approved or conditional.';
COMMENT ON COLUMN app.approved_suppliers.approved_at IS E'Approved at';
COMMENT ON COLUMN app.approved_suppliers.created_by IS E'Created by';
COMMENT ON COLUMN app.approved_suppliers.created_at IS E'Created at';
COMMENT ON COLUMN app.approved_suppliers.updated_at IS E'Updated at';

CREATE TABLE app.receipts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  receipt_number text NOT NULL CONSTRAINT receipts_number_format CHECK (receipt_number ~ '^RCV-[0-9]{6,12}$'),
  supplier_id uuid NOT NULL,
  part_id uuid NOT NULL,
  site_id uuid NOT NULL,
  lot_id uuid NOT NULL,
  purchase_order text CONSTRAINT receipts_purchase_order_length CHECK (length(btrim(purchase_order)) BETWEEN 1 AND 64),
  supplier_lot text NOT NULL CONSTRAINT receipts_supplier_lot_length CHECK (length(btrim(supplier_lot)) BETWEEN 1 AND 100),
  quantity numeric NOT NULL CONSTRAINT receipts_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  due_on date NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  received_on date NOT NULL,
  on_time boolean NOT NULL,
  conditional_approval boolean NOT NULL DEFAULT false,
  status app.receipt_status NOT NULL DEFAULT 'awaiting_decision',
  accepted_quantity numeric CONSTRAINT receipts_accepted_range CHECK (accepted_quantity >= 0),
  rejected_quantity numeric CONSTRAINT receipts_rejected_range CHECK (rejected_quantity >= 0),
  rejection_reason text CONSTRAINT receipts_rejection_reason_length CHECK (length(btrim(rejection_reason)) BETWEEN 1 AND 2000),
  decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  received_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT receipts_number_unique UNIQUE (organization_id, receipt_number),
  CONSTRAINT receipts_lot_unique UNIQUE (organization_id, lot_id),
  -- A decision splits the whole quantity; a rejection says why.
  CONSTRAINT receipts_decision_complete CHECK (
    (status = 'awaiting_decision') = (accepted_quantity IS NULL AND rejected_quantity IS NULL AND decided_at IS NULL)
    AND (status = 'awaiting_decision' OR accepted_quantity + rejected_quantity = quantity)
    AND (coalesce(rejected_quantity, 0) = 0 OR rejection_reason IS NOT NULL)),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id)
);
CREATE INDEX receipts_supplier_idx ON app.receipts (organization_id, supplier_id, received_on);
CREATE INDEX receipts_part_idx ON app.receipts (organization_id, part_id);
CREATE INDEX receipts_site_idx ON app.receipts (organization_id, site_id);
CREATE INDEX receipts_unit_idx ON app.receipts (unit);
CREATE INDEX receipts_decided_by_idx ON app.receipts (decided_by);
CREATE INDEX receipts_received_by_idx ON app.receipts (received_by);
COMMENT ON TABLE app.receipts IS
  E'Receipts\nPurchased material received at a plant: supplier, part, the supplier''s lot, quantity in the part''s unit, the ordered due date and when it came (on time within the tenant''s tolerance, supplier_on_time_tolerance_days). Recording one (app.record_receipt, receipt.record at the site) checks the approved supplier list and creates the quarantined lot; the receiving decision (app.decide_receipt, receipt.decide) accepts and rejects quantities and releases the accepted lot. Plant-scoped: seen with supplier.read tenant-wide or at its site. (The receiving inspection will point at its receipt.)';
COMMENT ON COLUMN app.receipts.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.receipts.id IS E'Receipt id';
COMMENT ON COLUMN app.receipts.receipt_number IS E'Receipt number\nRCV-000123, unique in the tenant.';
COMMENT ON COLUMN app.receipts.supplier_id IS E'Supplier\npartners.id.';
COMMENT ON COLUMN app.receipts.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.receipts.site_id IS E'Plant\nThe site (sites.id) that received it: who may see and act on it.';
COMMENT ON COLUMN app.receipts.lot_id IS E'Lot\nThe lot (lots.id) the receipt created, quarantined until the decision.';
COMMENT ON COLUMN app.receipts.purchase_order IS E'Purchase order\nThe order number, as text.';
COMMENT ON COLUMN app.receipts.supplier_lot IS E'Supplier lot\nThe supplier''s own lot number, also on the lot.';
COMMENT ON COLUMN app.receipts.quantity IS E'Quantity\nHow much came, in unit (the part''s).';
COMMENT ON COLUMN app.receipts.unit IS E'Unit\nThe part''s unit (units.code).';
COMMENT ON COLUMN app.receipts.due_on IS E'Due on\nThe delivery date ordered.';
COMMENT ON COLUMN app.receipts.received_at IS E'Received at';
COMMENT ON COLUMN app.receipts.received_on IS E'Received on\nThe day received in the plant''s time zone.';
COMMENT ON COLUMN app.receipts.on_time IS E'On time\nReceived no later than due_on plus the tenant''s tolerance (supplier_on_time_tolerance_days) in force when it was recorded.';
COMMENT ON COLUMN app.receipts.conditional_approval IS E'Conditional approval\nThe supplier was only conditionally approved for the part when it was received (the conditions apply).';
COMMENT ON COLUMN app.receipts.status IS E'Status\nawaiting_decision, accepted, partially_accepted or rejected; set by app.decide_receipt.';
COMMENT ON COLUMN app.receipts.accepted_quantity IS E'Accepted quantity\nReleased for use (the lot keeps this much).';
COMMENT ON COLUMN app.receipts.rejected_quantity IS E'Rejected quantity\nRefused (counts in the supplier''s PPM).';
COMMENT ON COLUMN app.receipts.rejection_reason IS E'Rejection reason\nRequired when anything is rejected.';
COMMENT ON COLUMN app.receipts.decided_by IS E'Decided by';
COMMENT ON COLUMN app.receipts.decided_at IS E'Decided at';
COMMENT ON COLUMN app.receipts.received_by IS E'Received by';
COMMENT ON COLUMN app.receipts.created_at IS E'Created at';
COMMENT ON COLUMN app.receipts.updated_at IS E'Updated at';

CREATE TABLE app.scars (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  capa_id uuid NOT NULL,
  scar_number text NOT NULL,
  supplier_id uuid NOT NULL,
  receipt_id uuid,
  title text NOT NULL CONSTRAINT scars_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  problem_statement text NOT NULL CONSTRAINT scars_problem_length CHECK (length(btrim(problem_statement)) BETWEEN 1 AND 20000),
  response_due_on date NOT NULL,
  status app.scar_status NOT NULL DEFAULT 'awaiting_response',
  supplier_containment text CONSTRAINT scars_containment_length CHECK (length(supplier_containment) <= 20000),
  supplier_root_cause text CONSTRAINT scars_root_cause_length CHECK (length(supplier_root_cause) <= 20000),
  supplier_corrective_action text CONSTRAINT scars_corrective_length CHECK (length(supplier_corrective_action) <= 20000),
  responded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  responded_at timestamptz,
  review_note text CONSTRAINT scars_review_note_length CHECK (length(review_note) <= 5000),
  reviewed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  reviewed_at timestamptz,
  issued_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT scars_capa_unique UNIQUE (organization_id, capa_id),
  CONSTRAINT scars_response_complete CHECK (status NOT IN ('responded', 'accepted') OR responded_at IS NOT NULL),
  FOREIGN KEY (organization_id, capa_id) REFERENCES app.capas (organization_id, id),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, receipt_id) REFERENCES app.receipts (organization_id, id)
);
CREATE INDEX scars_supplier_idx ON app.scars (organization_id, supplier_id, issued_at);
CREATE INDEX scars_receipt_idx ON app.scars (organization_id, receipt_id);
CREATE INDEX scars_responded_by_idx ON app.scars (responded_by);
CREATE INDEX scars_reviewed_by_idx ON app.scars (reviewed_by);
CREATE INDEX scars_issued_by_idx ON app.scars (issued_by);
COMMENT ON TABLE app.scars IS
  E'Supplier corrective action requests\nA CAPA of the 8D method (capa_id) addressed to a supplier, with what was sent (title, problem statement), the response due date and the supplier''s answer (containment, root cause, corrective action). Issued and reviewed with scar.manage (app.issue_scar, app.review_scar_response); staff read them with supplier.read; the supplier''s portal users (bound to that partner, partner.read) see and answer only their own (app.respond_to_scar). Closed when its CAPA closes.';
COMMENT ON COLUMN app.scars.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.scars.id IS E'SCAR id';
COMMENT ON COLUMN app.scars.capa_id IS E'CAPA\nThe 8D (capas.id) the SCAR is; its number is the SCAR''s.';
COMMENT ON COLUMN app.scars.scar_number IS E'SCAR number\nThe CAPA''s number (CAPA-000123), shown to the supplier.';
COMMENT ON COLUMN app.scars.supplier_id IS E'Supplier\nThe partner (partners.id) asked to act.';
COMMENT ON COLUMN app.scars.receipt_id IS E'Receipt\nThe receipt (receipts.id) that showed the problem, if any.';
COMMENT ON COLUMN app.scars.title IS E'Title';
COMMENT ON COLUMN app.scars.problem_statement IS E'Problem statement\nWhat the supplier is told (D2).';
COMMENT ON COLUMN app.scars.response_due_on IS E'Response due on\nThe day the supplier''s answer is due.';
COMMENT ON COLUMN app.scars.status IS E'Status\nawaiting_response, responded or accepted (closure is the CAPA''s).';
COMMENT ON COLUMN app.scars.supplier_containment IS E'Supplier containment\nThe supplier''s containment (D3).';
COMMENT ON COLUMN app.scars.supplier_root_cause IS E'Supplier root cause\nThe supplier''s root cause (D4).';
COMMENT ON COLUMN app.scars.supplier_corrective_action IS E'Supplier corrective action\nThe supplier''s corrective and preventive actions (D5-D7).';
COMMENT ON COLUMN app.scars.responded_by IS E'Responded by';
COMMENT ON COLUMN app.scars.responded_at IS E'Responded at';
COMMENT ON COLUMN app.scars.review_note IS E'Review note\nWhy the response was accepted or returned.';
COMMENT ON COLUMN app.scars.reviewed_by IS E'Reviewed by';
COMMENT ON COLUMN app.scars.reviewed_at IS E'Reviewed at';
COMMENT ON COLUMN app.scars.issued_by IS E'Issued by';
COMMENT ON COLUMN app.scars.issued_at IS E'Issued at';
COMMENT ON COLUMN app.scars.created_at IS E'Created at';
COMMENT ON COLUMN app.scars.updated_at IS E'Updated at';

-- The supplier scorecard per supplier and period (month and quarter of
-- receipt / issue): PPM, on-time delivery, SCAR closure. Read through
-- app.quality_kpi_supplier_scorecard (80_quality/26_scorecard.sql).
CREATE MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard AS
WITH periods AS (
  SELECT 'month'::text AS period, 'month'::text AS unit UNION ALL SELECT 'quarter', 'quarter'
), deliveries AS (
  SELECT r.organization_id, r.supplier_id, p.period, date_trunc(p.unit, r.received_on)::date AS period_start,
         count(*)::integer AS receipts, (count(*) FILTER (WHERE r.on_time))::integer AS receipts_on_time,
         coalesce(sum(r.quantity) FILTER (WHERE r.status <> 'awaiting_decision'), 0) AS quantity_decided,
         coalesce(sum(r.rejected_quantity), 0) AS quantity_rejected
    FROM app.receipts AS r CROSS JOIN periods AS p
   GROUP BY r.organization_id, r.supplier_id, p.period, date_trunc(p.unit, r.received_on)
), requests AS (
  SELECT s.organization_id, s.supplier_id, p.period, date_trunc(p.unit, s.issued_at AT TIME ZONE 'UTC')::date AS period_start,
         (count(*) FILTER (WHERE c.status <> 'cancelled'))::integer AS scars_issued,
         (count(*) FILTER (WHERE c.status = 'closed'))::integer AS scars_closed,
         round((avg(extract(epoch FROM c.closed_at - s.issued_at)) FILTER (WHERE c.status = 'closed') / 86400)::numeric, 1) AS avg_days_to_close
    FROM app.scars AS s
    JOIN app.capas AS c ON c.organization_id = s.organization_id AND c.id = s.capa_id
   CROSS JOIN periods AS p
   GROUP BY s.organization_id, s.supplier_id, p.period, date_trunc(p.unit, s.issued_at AT TIME ZONE 'UTC')
)
SELECT md5(concat_ws('|', k.organization_id, k.supplier_id, k.period, k.period_start))::uuid AS id,
       k.organization_id, k.supplier_id, k.period, k.period_start,
       coalesce(d.receipts, 0) AS receipts, coalesce(d.receipts_on_time, 0) AS receipts_on_time,
       round(100.0 * d.receipts_on_time / nullif(d.receipts, 0), 1) AS on_time_percent,
       coalesce(d.quantity_decided, 0) AS quantity_decided, coalesce(d.quantity_rejected, 0) AS quantity_rejected,
       round(d.quantity_rejected * 1000000 / nullif(d.quantity_decided, 0))::integer AS ppm,
       coalesce(q.scars_issued, 0) AS scars_issued, coalesce(q.scars_closed, 0) AS scars_closed,
       round(100.0 * q.scars_closed / nullif(q.scars_issued, 0), 1) AS scar_closure_percent,
       q.avg_days_to_close,
       now() AS computed_at
  FROM (SELECT organization_id, supplier_id, period, period_start FROM deliveries
        UNION SELECT organization_id, supplier_id, period, period_start FROM requests) AS k
  LEFT JOIN deliveries AS d USING (organization_id, supplier_id, period, period_start)
  LEFT JOIN requests AS q USING (organization_id, supplier_id, period, period_start);
CREATE UNIQUE INDEX quality_kpi_supplier_scorecard_id ON app_private.quality_kpi_supplier_scorecard (id);
CREATE UNIQUE INDEX quality_kpi_supplier_scorecard_key ON app_private.quality_kpi_supplier_scorecard (organization_id, supplier_id, period, period_start);
COMMENT ON MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard IS
  'The supplier scorecard per tenant, supplier and period (month, quarter): receipts and on-time deliveries, decided and rejected quantity and PPM, SCARs issued and closed and the days to close; refreshed by the job refresh-kpis, read through app.quality_kpi_supplier_scorecard.';

COMMIT;
