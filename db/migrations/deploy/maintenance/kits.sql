-- Deploy pulse:maintenance/kits to pg
-- requires: maintenance/joins

BEGIN;

-- Parts kits (90_maintenance 46_*..49_*): the parts a standard job needs
-- (per template), copied into a work order's own planned parts list when the
-- work order is made from the template (or lines added directly); reserved
-- when the work order is scheduled, issued through the stock ledger when it
-- is completed.

CREATE TABLE app.work_order_template_parts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  template_id uuid NOT NULL,
  part_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT work_order_template_parts_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  storeroom_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT work_order_template_parts_one_per_part UNIQUE (organization_id, template_id, part_id),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.work_order_templates (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, storeroom_id) REFERENCES app.storerooms (organization_id, id) ON DELETE SET NULL (storeroom_id)
);
CREATE INDEX work_order_template_parts_part_idx ON app.work_order_template_parts (organization_id, part_id);
CREATE INDEX work_order_template_parts_storeroom_idx ON app.work_order_template_parts (organization_id, storeroom_id);
CREATE INDEX work_order_template_parts_unit_idx ON app.work_order_template_parts (unit);
COMMENT ON TABLE app.work_order_template_parts IS
  E'Template parts kits\nThe parts a standard job needs: part, quantity in the part''s unit, optionally the storeroom to take them from. Written by app.set_work_order_template_part (work_order.manage); copied into a work order''s planned parts when it is made from the template.';
COMMENT ON COLUMN app.work_order_template_parts.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_order_template_parts.id IS E'Kit line id';
COMMENT ON COLUMN app.work_order_template_parts.template_id IS E'Template';
COMMENT ON COLUMN app.work_order_template_parts.part_id IS E'Part\nAn active part of the tenant; one line per part.';
COMMENT ON COLUMN app.work_order_template_parts.quantity IS E'Quantity\nPer work order, in the unit.';
COMMENT ON COLUMN app.work_order_template_parts.unit IS E'Unit\nThe part''s unit (units.code).';
COMMENT ON COLUMN app.work_order_template_parts.storeroom_id IS E'Storeroom\nWhere to take the parts from; none: the storerooms of the work order''s plant.';
COMMENT ON COLUMN app.work_order_template_parts.created_at IS E'Created at';
COMMENT ON COLUMN app.work_order_template_parts.updated_at IS E'Updated at';

CREATE TABLE app.work_order_parts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  work_order_id uuid NOT NULL,
  site_id uuid,
  part_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT work_order_parts_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  storeroom_id uuid,
  used_quantity numeric CONSTRAINT work_order_parts_used_not_negative CHECK (used_quantity >= 0),
  template_part_id uuid,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT work_order_parts_one_per_part UNIQUE (organization_id, work_order_id, part_id),
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app.work_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, storeroom_id) REFERENCES app.storerooms (organization_id, id),
  FOREIGN KEY (organization_id, template_part_id) REFERENCES app.work_order_template_parts (organization_id, id) ON DELETE SET NULL (template_part_id)
);
CREATE INDEX work_order_parts_site_idx ON app.work_order_parts (organization_id, site_id);
CREATE INDEX work_order_parts_part_idx ON app.work_order_parts (organization_id, part_id);
CREATE INDEX work_order_parts_storeroom_idx ON app.work_order_parts (organization_id, storeroom_id);
CREATE INDEX work_order_parts_template_part_idx ON app.work_order_parts (organization_id, template_part_id);
CREATE INDEX work_order_parts_unit_idx ON app.work_order_parts (unit);
CREATE INDEX work_order_parts_created_by_idx ON app.work_order_parts (created_by);
COMMENT ON TABLE app.work_order_parts IS
  E'Work order planned parts\nThe work order''s own parts list: copied from its template''s kit, edited by a planner before the work starts (app.set_work_order_part), actual usage recorded by the technician (app.record_work_order_part_usage). Reserved when the work order is scheduled, issued when it is completed. Read by whoever may read the work order.';
COMMENT ON COLUMN app.work_order_parts.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_order_parts.id IS E'Line id';
COMMENT ON COLUMN app.work_order_parts.work_order_id IS E'Work order';
COMMENT ON COLUMN app.work_order_parts.site_id IS E'Plant\nThe work order''s site.';
COMMENT ON COLUMN app.work_order_parts.part_id IS E'Part\nOne line per part.';
COMMENT ON COLUMN app.work_order_parts.quantity IS E'Planned quantity\nIn the unit; what is reserved at scheduling.';
COMMENT ON COLUMN app.work_order_parts.unit IS E'Unit\nThe part''s unit (units.code).';
COMMENT ON COLUMN app.work_order_parts.storeroom_id IS E'Storeroom\nWhere to take the parts from; none: the storerooms of the work order''s plant.';
COMMENT ON COLUMN app.work_order_parts.used_quantity IS E'Used quantity\nWhat the technician recorded as used; completion issues it (else the planned quantity).';
COMMENT ON COLUMN app.work_order_parts.template_part_id IS E'Template kit line\nThe kit line it was copied from.';
COMMENT ON COLUMN app.work_order_parts.created_by IS E'Created by';
COMMENT ON COLUMN app.work_order_parts.created_at IS E'Created at';
COMMENT ON COLUMN app.work_order_parts.updated_at IS E'Updated at';

COMMIT;
