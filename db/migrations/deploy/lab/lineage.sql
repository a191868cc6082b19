-- Deploy pulse:lab/lineage to pg
-- requires: lab/core

BEGIN;

-- Where a sample came from: aliquots and derivatives (one parent, many
-- children) and pools (many parents, one child), with the quantity taken
-- from each parent. Edges are written only by the lab's RPCs, which create
-- the child in the same call: a cycle cannot be built.

CREATE TYPE app.sample_lineage_kind AS ENUM ('aliquot', 'derivative', 'pool');
COMMENT ON TYPE app.sample_lineage_kind IS
  'How a child sample was made from a parent: aliquot (a portion of the same material and type), derivative (processed into another type: extract, digest, plasma), pool (one of several parents combined).';

CREATE TABLE app.sample_lineage_links (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  parent_id uuid NOT NULL,
  child_id uuid NOT NULL,
  kind app.sample_lineage_kind NOT NULL,
  quantity numeric CONSTRAINT sample_lineage_links_quantity_positive CHECK (quantity > 0),
  unit text REFERENCES app.units (code),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sample_lineage_links_edge_unique UNIQUE (organization_id, parent_id, child_id),
  CONSTRAINT sample_lineage_links_not_own_parent CHECK (parent_id <> child_id),
  CONSTRAINT sample_lineage_links_unit_with_quantity CHECK (quantity IS NULL OR unit IS NOT NULL),
  FOREIGN KEY (organization_id, parent_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, child_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sample_lineage_links_child_idx ON app.sample_lineage_links (organization_id, child_id);
CREATE INDEX sample_lineage_links_unit_idx ON app.sample_lineage_links (unit);
CREATE INDEX sample_lineage_links_created_by_idx ON app.sample_lineage_links (created_by);
COMMENT ON TABLE app.sample_lineage_links IS
  E'Sample lineage links\nOne link per parent and child sample: aliquot, derivative or pool, with the quantity taken from the parent in the parent''s unit. Written by app.split_sample and app.pool_samples only; seen when the caller sees both samples.';
COMMENT ON COLUMN app.sample_lineage_links.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sample_lineage_links.id IS E'Edge id';
COMMENT ON COLUMN app.sample_lineage_links.parent_id IS E'Parent\nThe sample (samples.id) the material was taken from.';
COMMENT ON COLUMN app.sample_lineage_links.child_id IS E'Child\nThe sample (samples.id) made from it.';
COMMENT ON COLUMN app.sample_lineage_links.kind IS E'Kind\naliquot, derivative or pool.';
COMMENT ON COLUMN app.sample_lineage_links.quantity IS E'Quantity taken\nHow much left the parent, in unit (empty when the parent has no quantity).';
COMMENT ON COLUMN app.sample_lineage_links.unit IS E'Unit\nunits.code of quantity: the parent''s unit.';
COMMENT ON COLUMN app.sample_lineage_links.created_by IS E'Made by';
COMMENT ON COLUMN app.sample_lineage_links.created_at IS E'Made at';

COMMIT;
