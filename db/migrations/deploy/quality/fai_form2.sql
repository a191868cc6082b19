-- Deploy pulse:quality/fai_form2 to pg
-- requires: quality/gap_fixes

BEGIN;

-- AS9102 form 2 (product accountability: raw material, specifications and
-- special processes) of a first article inspection, as recorded by the
-- inspector (docs/manufacturing/inspection.md, db/functions/80_quality/
-- 43_fai_form2.sql): one row per material, special process or functional
-- test, with the specification it meets, the supplier that did it, whether
-- the customer approved that source, and the certificate of conformance
-- number. Plant-scoped like its inspection; API roles only read it, the RPCs
-- app.add_fai_form2_item / app.remove_fai_form2_item write it.
CREATE TABLE app.fai_form2_items (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  inspection_id uuid NOT NULL,
  site_id uuid NOT NULL,
  kind text NOT NULL CONSTRAINT fai_form2_items_kind_valid CHECK (kind IN ('material', 'special_process', 'functional_test')),
  name text NOT NULL CONSTRAINT fai_form2_items_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  specification text CONSTRAINT fai_form2_items_specification_length CHECK (length(btrim(specification)) BETWEEN 1 AND 200),
  process_code text CONSTRAINT fai_form2_items_process_code_length CHECK (length(btrim(process_code)) BETWEEN 1 AND 64),
  supplier_id uuid,
  supplier_code text CONSTRAINT fai_form2_items_supplier_code_length CHECK (length(btrim(supplier_code)) BETWEEN 1 AND 64),
  customer_approval text CONSTRAINT fai_form2_items_customer_approval_valid CHECK (customer_approval IN ('yes', 'no', 'not_applicable')),
  coc_number text CONSTRAINT fai_form2_items_coc_number_length CHECK (length(btrim(coc_number)) BETWEEN 1 AND 64),
  lot_id uuid,
  functional_test_procedure text CONSTRAINT fai_form2_items_test_procedure_length CHECK (length(btrim(functional_test_procedure)) BETWEEN 1 AND 200),
  acceptance_report_number text CONSTRAINT fai_form2_items_acceptance_report_length CHECK (length(btrim(acceptance_report_number)) BETWEEN 1 AND 64),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, inspection_id) REFERENCES app.inspections (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  -- What AS9102 requires of each kind of line (app.add_fai_form2_item says which field is missing).
  CONSTRAINT fai_form2_items_material_complete CHECK (kind <> 'material' OR (specification IS NOT NULL AND coc_number IS NOT NULL)),
  CONSTRAINT fai_form2_items_special_process_complete CHECK (kind <> 'special_process'
    OR (specification IS NOT NULL AND coc_number IS NOT NULL AND customer_approval IS NOT NULL
        AND (supplier_id IS NOT NULL OR supplier_code IS NOT NULL))),
  CONSTRAINT fai_form2_items_functional_test_complete CHECK (kind <> 'functional_test'
    OR (functional_test_procedure IS NOT NULL AND acceptance_report_number IS NOT NULL))
);
CREATE INDEX fai_form2_items_inspection_idx ON app.fai_form2_items (organization_id, inspection_id);
CREATE INDEX fai_form2_items_site_idx ON app.fai_form2_items (organization_id, site_id);
CREATE INDEX fai_form2_items_supplier_idx ON app.fai_form2_items (organization_id, supplier_id) WHERE supplier_id IS NOT NULL;
CREATE INDEX fai_form2_items_lot_idx ON app.fai_form2_items (organization_id, lot_id) WHERE lot_id IS NOT NULL;
CREATE INDEX fai_form2_items_created_by_idx ON app.fai_form2_items (created_by);

COMMENT ON TABLE app.fai_form2_items IS
  E'FAI form 2 lines\nAS9102 form 2 (product accountability) of a first article inspection: the materials, special processes and functional tests of the article, each with its specification, supplier, customer approval of the source and certificate of conformance number. Read with inspection.read (or .record) tenant-wide or at the plant; written with POST /rpc/add_fai_form2_item and /rpc/remove_fai_form2_item until the inspection is decided.';
COMMENT ON COLUMN app.fai_form2_items.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.fai_form2_items.id IS E'Line id';
COMMENT ON COLUMN app.fai_form2_items.inspection_id IS E'Inspection\nThe first article inspection (inspections.id).';
COMMENT ON COLUMN app.fai_form2_items.site_id IS E'Plant\nThe inspection''s plant (filled from it).';
COMMENT ON COLUMN app.fai_form2_items.kind IS E'Kind\nmaterial (raw material), special_process (heat treatment, plating, NDT, welding …) or functional_test.';
COMMENT ON COLUMN app.fai_form2_items.name IS E'Material or process name\nAS9102 form 2 field 5: the material, special process or functional test.';
COMMENT ON COLUMN app.fai_form2_items.specification IS E'Specification\nAS9102 form 2 field 6: the specification number and revision it meets (AMS 2700 rev F); required for materials and special processes.';
COMMENT ON COLUMN app.fai_form2_items.process_code IS E'Code\nAS9102 form 2 field 7: the specification''s class, type or grade, where it has one.';
COMMENT ON COLUMN app.fai_form2_items.supplier_id IS E'Supplier\nThe partner that supplied the material or performed the process (partners.id, a supplier); a special process names it or a supplier_code.';
COMMENT ON COLUMN app.fai_form2_items.supplier_code IS E'Special process supplier code\nAS9102 form 2 field 8: the supplier''s code on the customer''s approved list.';
COMMENT ON COLUMN app.fai_form2_items.customer_approval IS E'Customer approval verification\nAS9102 form 2 field 9: yes, no or not_applicable: is the special process source approved by the customer? Required for special processes; a no keeps the FAI from being approved.';
COMMENT ON COLUMN app.fai_form2_items.coc_number IS E'Certificate of conformance number\nAS9102 form 2 field 10: the supplier''s certificate of conformance (or material certificate) number; required for materials and special processes.';
COMMENT ON COLUMN app.fai_form2_items.lot_id IS E'Lot\nThe material lot the certificate covers (lots.id), where the material is lot-traced: a lot consumed into the inspected lot or serial needs a material line naming it before the FAI is approved.';
COMMENT ON COLUMN app.fai_form2_items.functional_test_procedure IS E'Functional test procedure\nAS9102 form 2 field 11: the procedure number; required for functional tests.';
COMMENT ON COLUMN app.fai_form2_items.acceptance_report_number IS E'Acceptance report number\nAS9102 form 2 field 12: the report of the functional test; required for functional tests.';
COMMENT ON COLUMN app.fai_form2_items.created_by IS E'Recorded by';
COMMENT ON COLUMN app.fai_form2_items.created_at IS E'Recorded at';

COMMIT;
