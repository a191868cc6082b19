-- Verify pulse:quality/fai_form2 on pg

BEGIN;

SELECT organization_id, id, inspection_id, site_id, kind, name, specification, process_code, supplier_id, supplier_code, customer_approval,
       coc_number, lot_id, functional_test_procedure, acceptance_report_number, created_by, created_at
  FROM app.fai_form2_items WHERE false;

ROLLBACK;
