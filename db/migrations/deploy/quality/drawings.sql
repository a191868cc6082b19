-- Deploy pulse:quality/drawings to pg
-- requires: quality/parts workflow/document_uploads

BEGIN;

-- Engineering drawings (80_quality/60_drawings.sql): a drawing number unique
-- in the tenant, the parts it defines, and its revisions. A revision's file
-- is a document version of the platform (a link, not a second copy). The
-- RDA (release / drawing approval) machine: draft -> in_review -> released
-- -> superseded; exactly one released revision per drawing (a partial
-- unique index), the one production uses.

CREATE TYPE app.drawing_revision_status AS ENUM ('draft', 'in_review', 'released', 'superseded');
COMMENT ON TYPE app.drawing_revision_status IS
  'A drawing revision''s RDA state: draft (being prepared), in_review (submitted for approval), released (approved; the one production uses; one per drawing), superseded (a later revision was released).';

CREATE TABLE app.drawings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  drawing_number text NOT NULL CONSTRAINT drawings_drawing_number_format CHECK (drawing_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  title text NOT NULL CONSTRAINT drawings_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT drawings_description_length CHECK (length(description) <= 4000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT drawings_drawing_number_unique UNIQUE (organization_id, drawing_number)
);
CREATE INDEX drawings_created_by_idx ON app.drawings (created_by);
COMMENT ON TABLE app.drawings IS
  E'Drawings\nEngineering drawings, unique by drawing number in the tenant; their revisions go through the RDA approval (drawing_revisions). Read with drawing.read, written with drawing.manage.';
COMMENT ON COLUMN app.drawings.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.drawings.id IS E'Drawing id';
COMMENT ON COLUMN app.drawings.drawing_number IS E'Drawing number\nUnique in the tenant (letters, digits, . _ / -, up to 64).';
COMMENT ON COLUMN app.drawings.title IS E'Title';
COMMENT ON COLUMN app.drawings.description IS E'Description';
COMMENT ON COLUMN app.drawings.created_by IS E'Created by';
COMMENT ON COLUMN app.drawings.created_at IS E'Created at';
COMMENT ON COLUMN app.drawings.updated_at IS E'Updated at';

CREATE TABLE app.drawing_parts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  drawing_id uuid NOT NULL,
  part_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, drawing_id, part_id),
  FOREIGN KEY (organization_id, drawing_id) REFERENCES app.drawings (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX drawing_parts_part_idx ON app.drawing_parts (organization_id, part_id);
COMMENT ON TABLE app.drawing_parts IS
  E'Drawing parts\nThe parts a drawing defines (one drawing may define several parts, a part may have several drawings). Written with drawing.manage.';
COMMENT ON COLUMN app.drawing_parts.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.drawing_parts.drawing_id IS E'Drawing\ndrawings.id.';
COMMENT ON COLUMN app.drawing_parts.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.drawing_parts.created_at IS E'Linked at';

CREATE TABLE app.drawing_revisions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  drawing_id uuid NOT NULL,
  revision text NOT NULL CONSTRAINT drawing_revisions_revision_format CHECK (revision ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$'),
  description text NOT NULL DEFAULT '' CONSTRAINT drawing_revisions_description_length CHECK (length(description) <= 4000),
  document_version_id uuid,
  status app.drawing_revision_status NOT NULL DEFAULT 'draft',
  submitted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  submitted_at timestamptz,
  approved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  released_at timestamptz,
  review_comment text CONSTRAINT drawing_revisions_review_comment_length CHECK (length(review_comment) <= 2000),
  superseded_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT drawing_revisions_revision_unique UNIQUE (organization_id, drawing_id, revision),
  CONSTRAINT drawing_revisions_submitted_stamped CHECK (status = 'draft' OR submitted_at IS NOT NULL),
  CONSTRAINT drawing_revisions_released_stamped CHECK (status NOT IN ('released', 'superseded') OR released_at IS NOT NULL),
  CONSTRAINT drawing_revisions_superseded_stamped CHECK (status <> 'superseded' OR superseded_at IS NOT NULL),
  FOREIGN KEY (organization_id, drawing_id) REFERENCES app.drawings (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, document_version_id) REFERENCES app.document_versions (organization_id, id)
);
-- Exactly one released revision per drawing: the constraint itself.
CREATE UNIQUE INDEX drawing_revisions_one_released ON app.drawing_revisions (organization_id, drawing_id) WHERE status = 'released';
CREATE INDEX drawing_revisions_document_version_idx ON app.drawing_revisions (organization_id, document_version_id);
CREATE INDEX drawing_revisions_submitted_by_idx ON app.drawing_revisions (submitted_by);
CREATE INDEX drawing_revisions_approved_by_idx ON app.drawing_revisions (approved_by);
CREATE INDEX drawing_revisions_created_by_idx ON app.drawing_revisions (created_by);
COMMENT ON TABLE app.drawing_revisions IS
  E'Drawing revisions\nA drawing''s revisions and their RDA approval: drafts are written with drawing.manage and link the document version holding the file; app.submit_drawing_revision puts one in review, app.approve_drawing_revision (drawing.approve, someone other than the submitter) releases it and supersedes the one released before; app.reject_drawing_revision sends it back to draft. At most one released revision per drawing (unique index drawing_revisions_one_released).';
COMMENT ON COLUMN app.drawing_revisions.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.drawing_revisions.id IS E'Revision id';
COMMENT ON COLUMN app.drawing_revisions.drawing_id IS E'Drawing\ndrawings.id.';
COMMENT ON COLUMN app.drawing_revisions.revision IS E'Revision\nThe revision code, unique per drawing (letters, digits, . _ -, up to 16).';
COMMENT ON COLUMN app.drawing_revisions.description IS E'Description\nWhat changed in this revision.';
COMMENT ON COLUMN app.drawing_revisions.document_version_id IS E'Document version\nThe platform document version (document_versions.id) holding the drawing file: stored once, linked here; required before the revision is submitted.';
COMMENT ON COLUMN app.drawing_revisions.status IS E'Status\ndraft, in_review, released or superseded; changed only by the RDA functions.';
COMMENT ON COLUMN app.drawing_revisions.submitted_by IS E'Submitted by';
COMMENT ON COLUMN app.drawing_revisions.submitted_at IS E'Submitted at';
COMMENT ON COLUMN app.drawing_revisions.approved_by IS E'Approved by\nWho approved the release (never the submitter), or the approver of the change order that released it.';
COMMENT ON COLUMN app.drawing_revisions.released_at IS E'Released at';
COMMENT ON COLUMN app.drawing_revisions.review_comment IS E'Review comment\nThe approver''s comment, or the reason the revision was sent back.';
COMMENT ON COLUMN app.drawing_revisions.superseded_at IS E'Superseded at';
COMMENT ON COLUMN app.drawing_revisions.created_by IS E'Created by';
COMMENT ON COLUMN app.drawing_revisions.created_at IS E'Created at';
COMMENT ON COLUMN app.drawing_revisions.updated_at IS E'Updated at';

COMMIT;
