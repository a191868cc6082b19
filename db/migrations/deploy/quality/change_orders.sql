-- Deploy pulse:quality/change_orders to pg
-- requires: quality/drawings quality/project_bom

BEGIN;

-- Engineering change orders (80_quality/62_change_orders.sql): ECO-000001,
-- reason, the affected items (parts, part revisions, drawings, drawing
-- revisions, project BOM lines: one link table with a kind), an approval by
-- someone other than the submitter, effectivity from a date, a lot number or
-- a serial number (exactly one), and the machine draft -> submitted ->
-- approved -> implemented (-> rejected / cancelled). Implementing releases
-- the part and drawing revisions the ECO names, in one transaction.

CREATE TYPE app.change_order_status AS ENUM ('draft', 'submitted', 'approved', 'implemented', 'rejected', 'cancelled');
COMMENT ON TYPE app.change_order_status IS
  'A change order''s state: draft, submitted (awaiting approval), approved, implemented (its revisions released), rejected, cancelled.';
CREATE TYPE app.change_order_reason AS ENUM ('customer_request', 'design_improvement', 'cost_reduction', 'corrective_action', 'supplier_change', 'regulatory', 'other');
COMMENT ON TYPE app.change_order_reason IS 'Why a change order is raised.';
CREATE TYPE app.change_order_effectivity AS ENUM ('date', 'lot', 'serial');
COMMENT ON TYPE app.change_order_effectivity IS 'How a change order takes effect: from a date, from a lot number, or from a serial number.';
CREATE TYPE app.change_order_item_kind AS ENUM ('part', 'part_revision', 'drawing', 'drawing_revision', 'bom_line');
COMMENT ON TYPE app.change_order_item_kind IS
  'What a change order affects: a part, a part revision (released when implemented), a drawing, a drawing revision (released when implemented), a project BOM line.';

CREATE TABLE app.change_orders (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  eco_number text NOT NULL CONSTRAINT change_orders_eco_number_format CHECK (eco_number ~ '^ECO-[0-9]{6,12}$'),
  title text NOT NULL CONSTRAINT change_orders_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  reason app.change_order_reason NOT NULL,
  description text NOT NULL DEFAULT '' CONSTRAINT change_orders_description_length CHECK (length(description) <= 20000),
  project_id uuid,
  status app.change_order_status NOT NULL DEFAULT 'draft',
  effectivity app.change_order_effectivity NOT NULL,
  effective_date date,
  effective_lot_number text CONSTRAINT change_orders_effective_lot_format CHECK (effective_lot_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  effective_serial_number text CONSTRAINT change_orders_effective_serial_format CHECK (effective_serial_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  submitted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  submitted_at timestamptz,
  decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  decision_comment text CONSTRAINT change_orders_decision_comment_length CHECK (length(decision_comment) <= 2000),
  implemented_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  implemented_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT change_orders_eco_number_unique UNIQUE (organization_id, eco_number),
  -- Exactly one effectivity, the one its kind names.
  CONSTRAINT change_orders_one_effectivity CHECK (
    num_nonnulls(effective_date, effective_lot_number, effective_serial_number) = 1
    AND CASE effectivity WHEN 'date' THEN effective_date IS NOT NULL
                         WHEN 'lot' THEN effective_lot_number IS NOT NULL
                         ELSE effective_serial_number IS NOT NULL END),
  CONSTRAINT change_orders_submitted_stamped CHECK (status IN ('draft', 'cancelled') OR submitted_at IS NOT NULL),
  CONSTRAINT change_orders_decided_stamped CHECK (status NOT IN ('approved', 'implemented', 'rejected') OR (decided_at IS NOT NULL AND decided_by IS NOT NULL)),
  CONSTRAINT change_orders_implemented_stamped CHECK ((status = 'implemented') = (implemented_at IS NOT NULL)),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE SET NULL (project_id)
);
CREATE INDEX change_orders_status_idx ON app.change_orders (organization_id, status);
CREATE INDEX change_orders_project_idx ON app.change_orders (organization_id, project_id);
CREATE INDEX change_orders_submitted_by_idx ON app.change_orders (submitted_by);
CREATE INDEX change_orders_decided_by_idx ON app.change_orders (decided_by);
CREATE INDEX change_orders_implemented_by_idx ON app.change_orders (implemented_by);
CREATE INDEX change_orders_created_by_idx ON app.change_orders (created_by);
COMMENT ON TABLE app.change_orders IS
  E'Change orders\nEngineering change orders (ECO-000123): reason, description, affected items (change_order_items), effectivity from a date, a lot number or a serial number (exactly one, constraint change_orders_one_effectivity). draft -> submitted (app.submit_change_order) -> approved (app.approve_change_order, change_order.approve, not the submitter) -> implemented (app.implement_change_order releases the named part and drawing revisions in one transaction); rejected, cancelled. Read with change_order.read, written with change_order.manage.';
COMMENT ON COLUMN app.change_orders.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.change_orders.id IS E'Change order id';
COMMENT ON COLUMN app.change_orders.eco_number IS E'ECO number\nHuman id, ECO-000123, unique in the tenant; the next one unless sent.';
COMMENT ON COLUMN app.change_orders.title IS E'Title';
COMMENT ON COLUMN app.change_orders.reason IS E'Reason\nWhy the change is made (change_order_reason).';
COMMENT ON COLUMN app.change_orders.description IS E'Description\nWhat changes.';
COMMENT ON COLUMN app.change_orders.project_id IS E'Project\nThe project (projects.id) the change belongs to, if any.';
COMMENT ON COLUMN app.change_orders.status IS E'Status\ndraft, submitted, approved, implemented, rejected or cancelled; changed only by the RPCs.';
COMMENT ON COLUMN app.change_orders.effectivity IS E'Effectivity\ndate, lot or serial: which of effective_date, effective_lot_number, effective_serial_number is set.';
COMMENT ON COLUMN app.change_orders.effective_date IS E'Effective from date';
COMMENT ON COLUMN app.change_orders.effective_lot_number IS E'Effective from lot\nThe first lot number made to the change.';
COMMENT ON COLUMN app.change_orders.effective_serial_number IS E'Effective from serial\nThe first serial number made to the change.';
COMMENT ON COLUMN app.change_orders.submitted_by IS E'Submitted by';
COMMENT ON COLUMN app.change_orders.submitted_at IS E'Submitted at';
COMMENT ON COLUMN app.change_orders.decided_by IS E'Decided by\nWho approved or rejected it (never the submitter).';
COMMENT ON COLUMN app.change_orders.decided_at IS E'Decided at';
COMMENT ON COLUMN app.change_orders.decision_comment IS E'Decision comment\nThe approver''s comment or the reason for rejection.';
COMMENT ON COLUMN app.change_orders.implemented_by IS E'Implemented by';
COMMENT ON COLUMN app.change_orders.implemented_at IS E'Implemented at';
COMMENT ON COLUMN app.change_orders.created_by IS E'Created by';
COMMENT ON COLUMN app.change_orders.created_at IS E'Created at';
COMMENT ON COLUMN app.change_orders.updated_at IS E'Updated at';

CREATE TABLE app.change_order_items (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  change_order_id uuid NOT NULL,
  kind app.change_order_item_kind NOT NULL,
  part_id uuid,
  part_revision_id uuid,
  drawing_id uuid,
  drawing_revision_id uuid,
  bom_line_id uuid,
  note text NOT NULL DEFAULT '' CONSTRAINT change_order_items_note_length CHECK (length(note) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  -- Exactly the column its kind names.
  CONSTRAINT change_order_items_one_target CHECK (
    num_nonnulls(part_id, part_revision_id, drawing_id, drawing_revision_id, bom_line_id) = 1
    AND CASE kind WHEN 'part' THEN part_id IS NOT NULL
                  WHEN 'part_revision' THEN part_revision_id IS NOT NULL
                  WHEN 'drawing' THEN drawing_id IS NOT NULL
                  WHEN 'drawing_revision' THEN drawing_revision_id IS NOT NULL
                  ELSE bom_line_id IS NOT NULL END),
  FOREIGN KEY (organization_id, change_order_id) REFERENCES app.change_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  FOREIGN KEY (organization_id, drawing_id) REFERENCES app.drawings (organization_id, id),
  FOREIGN KEY (organization_id, drawing_revision_id) REFERENCES app.drawing_revisions (organization_id, id),
  FOREIGN KEY (organization_id, bom_line_id) REFERENCES app.project_bom_lines (organization_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX change_order_items_unique ON app.change_order_items
  (organization_id, change_order_id, kind, coalesce(part_id, part_revision_id, drawing_id, drawing_revision_id, bom_line_id));
CREATE INDEX change_order_items_part_idx ON app.change_order_items (organization_id, part_id);
CREATE INDEX change_order_items_part_revision_idx ON app.change_order_items (organization_id, part_revision_id);
CREATE INDEX change_order_items_drawing_idx ON app.change_order_items (organization_id, drawing_id);
CREATE INDEX change_order_items_drawing_revision_idx ON app.change_order_items (organization_id, drawing_revision_id);
CREATE INDEX change_order_items_bom_line_idx ON app.change_order_items (organization_id, bom_line_id);
COMMENT ON TABLE app.change_order_items IS
  E'Change order items\nWhat a change order affects, one row per item with its kind (part, part_revision, drawing, drawing_revision, bom_line) and exactly the matching column set (constraint change_order_items_one_target). Written with change_order.manage while the order is a draft; implementing releases the part_revision and drawing_revision items.';
COMMENT ON COLUMN app.change_order_items.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.change_order_items.id IS E'Item id';
COMMENT ON COLUMN app.change_order_items.change_order_id IS E'Change order\nchange_orders.id.';
COMMENT ON COLUMN app.change_order_items.kind IS E'Kind\npart, part_revision, drawing, drawing_revision or bom_line.';
COMMENT ON COLUMN app.change_order_items.part_id IS E'Part\nparts.id, for kind part.';
COMMENT ON COLUMN app.change_order_items.part_revision_id IS E'Part revision\npart_revisions.id, for kind part_revision: released when the order is implemented.';
COMMENT ON COLUMN app.change_order_items.drawing_id IS E'Drawing\ndrawings.id, for kind drawing.';
COMMENT ON COLUMN app.change_order_items.drawing_revision_id IS E'Drawing revision\ndrawing_revisions.id, for kind drawing_revision: released when the order is implemented.';
COMMENT ON COLUMN app.change_order_items.bom_line_id IS E'BOM line\nproject_bom_lines.id, for kind bom_line.';
COMMENT ON COLUMN app.change_order_items.note IS E'Note\nWhat changes on this item.';
COMMENT ON COLUMN app.change_order_items.created_at IS E'Added at';

COMMIT;
