-- Verify pulse:lab/retention on pg

BEGIN;

SELECT organization_id, id, sample_id, retained_sample_id, keep_until, notes, due_notified_at, created_by, created_at FROM app.sample_retentions WHERE false;
SELECT organization_id, id, sample_id, method, reason, disposed_by, disposed_at FROM app.sample_disposals WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.sample_retentions', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.sample_disposals', 'INSERT'))::int;

ROLLBACK;
