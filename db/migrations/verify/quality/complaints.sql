-- Verify pulse:quality/complaints on pg

BEGIN;

SELECT organization_id, id, complaint_number, customer_id, part_id, site_id, title, description, severity, received_on, customer_reference,
       quantity_affected, status, capa_id, response, filed_by, filed_by_customer, closed_at, created_at, updated_at
  FROM app.customer_complaints WHERE false;
SELECT organization_id, id, complaint_id, lot_id, serial_id, created_at FROM app.complaint_items WHERE false;
SELECT organization_id, complaint_id, ncr_id, created_at FROM app.complaint_ncrs WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.customer_complaints', 'INSERT'))::int;

ROLLBACK;
