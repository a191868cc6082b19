-- Verify pulse:lab/receipt on pg

BEGIN;

SELECT organization_id, id, sample_id, batch_id, outcome, temperature_celsius, container_intact, seal_intact, notes, rejection_reason,
       received_by, received_at FROM app.sample_receipts WHERE false;
SELECT organization_id, id, sample_id, from_status, to_status, reason, changed_by, changed_at FROM app.sample_status_changes WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.sample_receipts', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.sample_status_changes', 'UPDATE'))::int;

ROLLBACK;
