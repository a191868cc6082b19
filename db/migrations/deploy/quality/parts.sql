-- Deploy pulse:quality/parts to pg
-- requires: platform/custom_fields

BEGIN;

-- The parts master of manufacturing quality (80_quality): what a plant makes
-- or buys, with its unit and the customer it is made for, and its revisions,
-- of which exactly one is released at a time (a partial unique index, not a
-- convention). Lots, serials, control plans, NCRs and shipments hang off it.

CREATE TYPE app.part_status AS ENUM ('active', 'obsolete');
COMMENT ON TYPE app.part_status IS 'Whether a part may be made or received: active parts only; obsolete parts keep their history.';
CREATE TYPE app.part_revision_status AS ENUM ('draft', 'released', 'obsolete');
COMMENT ON TYPE app.part_revision_status IS 'A part revision''s life: draft (being prepared), released (the one production uses; one per part), obsolete (superseded or abandoned).';

CREATE TABLE app.parts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  part_number text NOT NULL CONSTRAINT parts_part_number_format CHECK (part_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  name text NOT NULL CONSTRAINT parts_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT parts_description_length CHECK (length(description) <= 4000),
  unit text NOT NULL REFERENCES app.units (code),
  customer_id uuid,
  customer_concession_required boolean NOT NULL DEFAULT false,
  status app.part_status NOT NULL DEFAULT 'active',
  custom_fields jsonb NOT NULL DEFAULT '{}' CONSTRAINT parts_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object'),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT parts_part_number_unique UNIQUE (organization_id, part_number),
  FOREIGN KEY (organization_id, customer_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX parts_customer_idx ON app.parts (organization_id, customer_id);
CREATE INDEX parts_unit_idx ON app.parts (unit);
CREATE INDEX parts_created_by_idx ON app.parts (created_by);
CREATE INDEX parts_custom_fields_idx ON app.parts USING gin (custom_fields);
COMMENT ON TABLE app.parts IS
  E'Parts\nThe parts master: what the plant makes or buys, unique by part number in the tenant, counted in one unit of the units register, optionally made for one customer. Read with part.read, written with part.manage.';
COMMENT ON COLUMN app.parts.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.parts.id IS E'Part id';
COMMENT ON COLUMN app.parts.part_number IS E'Part number\nUnique in the tenant (letters, digits, . _ / -, up to 64).';
COMMENT ON COLUMN app.parts.name IS E'Name';
COMMENT ON COLUMN app.parts.description IS E'Description';
COMMENT ON COLUMN app.parts.unit IS E'Unit\nunits.code the part is counted in (pcs, kg, m, ...): lots and genealogy quantities are kept in it.';
COMMENT ON COLUMN app.parts.customer_id IS E'Customer\nThe partner (partners.id) the part is made for; empty for stock and purchased parts.';
COMMENT ON COLUMN app.parts.customer_concession_required IS E'Customer concession required\nWhether use-as-is and rework dispositions of nonconforming material of this part need the customer''s concession (NCRs).';
COMMENT ON COLUMN app.parts.status IS E'Status\nactive or obsolete: lots and serials are made of active parts only.';
COMMENT ON COLUMN app.parts.custom_fields IS E'Custom fields\nValues of the tenant''s custom fields for parts (custom_field_definitions).';
COMMENT ON COLUMN app.parts.created_by IS E'Created by';
COMMENT ON COLUMN app.parts.created_at IS E'Created at';
COMMENT ON COLUMN app.parts.updated_at IS E'Updated at';

CREATE TABLE app.part_revisions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  part_id uuid NOT NULL,
  revision text NOT NULL CONSTRAINT part_revisions_revision_format CHECK (revision ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$'),
  description text NOT NULL DEFAULT '' CONSTRAINT part_revisions_description_length CHECK (length(description) <= 4000),
  status app.part_revision_status NOT NULL DEFAULT 'draft',
  released_at timestamptz,
  released_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  obsoleted_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT part_revisions_revision_unique UNIQUE (organization_id, part_id, revision),
  CONSTRAINT part_revisions_released_stamped CHECK (status <> 'released' OR released_at IS NOT NULL),
  CONSTRAINT part_revisions_obsolete_stamped CHECK (status <> 'obsolete' OR obsoleted_at IS NOT NULL),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE
);
-- Exactly one released revision per part at a time: the constraint itself.
CREATE UNIQUE INDEX part_revisions_one_released ON app.part_revisions (organization_id, part_id) WHERE status = 'released';
CREATE INDEX part_revisions_released_by_idx ON app.part_revisions (released_by);
CREATE INDEX part_revisions_created_by_idx ON app.part_revisions (created_by);
COMMENT ON TABLE app.part_revisions IS
  E'Part revisions\nA part''s revisions (A, B, 01, ...): drafts are added and edited with part.manage; app.release_part_revision releases one and obsoletes the one released before, in one call. At most one released revision per part (unique index part_revisions_one_released).';
COMMENT ON COLUMN app.part_revisions.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.part_revisions.id IS E'Revision id';
COMMENT ON COLUMN app.part_revisions.part_id IS E'Part\nparts.id.';
COMMENT ON COLUMN app.part_revisions.revision IS E'Revision\nThe revision code, unique per part (letters, digits, . _ -, up to 16).';
COMMENT ON COLUMN app.part_revisions.description IS E'Description\nWhat changed in this revision.';
COMMENT ON COLUMN app.part_revisions.status IS E'Status\ndraft, released (the one production uses) or obsolete; changed by app.release_part_revision and app.obsolete_part_revision only.';
COMMENT ON COLUMN app.part_revisions.released_at IS E'Released at';
COMMENT ON COLUMN app.part_revisions.released_by IS E'Released by';
COMMENT ON COLUMN app.part_revisions.obsoleted_at IS E'Obsoleted at';
COMMENT ON COLUMN app.part_revisions.created_by IS E'Created by';
COMMENT ON COLUMN app.part_revisions.created_at IS E'Created at';
COMMENT ON COLUMN app.part_revisions.updated_at IS E'Updated at';

COMMIT;
