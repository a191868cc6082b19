-- Verify pulse:maintenance/checklists on pg

BEGIN;

SELECT kind, lower_limit, upper_limit, unit FROM app.checklist_template_items WHERE false;
SELECT kind, lower_limit, upper_limit, unit, measured_value, passed, text_value, out_of_limits FROM app.checklist_items WHERE false;
SELECT follow_up_of_item_id FROM app.work_orders WHERE false;
SELECT organization_id, id, work_order_id, to_status, meaning, reason, payload, payload_sha256, signed_by, signed_at, transaction_id, site_id
  FROM app.work_order_signatures WHERE false;

ROLLBACK;
