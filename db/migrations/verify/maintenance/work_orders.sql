-- Verify pulse:maintenance/work_orders on pg

BEGIN;

SELECT requires_lockout, requires_permit FROM app.equipment_classes WHERE false;
SELECT organization_id, equipment_id, token_hash FROM app_private.work_request_tokens WHERE false;
SELECT token_hash, client, attempted_at FROM app_private.work_request_attempts WHERE false;
SELECT organization_id, id, code, name, work_type, task_text, checklist_template_key, estimated_hours, required_qualification
  FROM app.work_order_templates WHERE false;
SELECT organization_id, id, request_number, equipment_id, site_id, title, description, contact, requested_by, status
  FROM app.work_requests WHERE false;
SELECT organization_id, id, work_order_number, work_type, priority, title, status, held_from, hold_reason, cancel_reason, equipment_id,
       site_id, work_request_id, template_id, assignee_id, contractor_id, scheduled, due_date, search_vector FROM app.work_orders WHERE false;
SELECT organization_id, work_order_id, equipment_id, is_primary FROM app.work_order_assets WHERE false;
SELECT organization_id, id, user_id, qualification_id, hourly_rate, currency FROM app.labour_rates WHERE false;
SELECT organization_id, id, work_order_id, user_id, started_at, ended_at, hours, hourly_rate, cost FROM app.labour_entries WHERE false;
SELECT organization_id, id, work_order_id, partner_id, amount, currency FROM app.contractor_charges WHERE false;
SELECT work_order_id FROM app.downtime_events WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.work_orders', 'INSERT'))::int;

ROLLBACK;
