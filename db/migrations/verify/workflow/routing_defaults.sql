-- Verify pulse:workflow/routing_defaults on pg

BEGIN;

SELECT approval_type, priority, sla_hours, requires_signature FROM app_private.default_approval_policies WHERE false;
SELECT chain_name, approval_type, rank, conditions, steps FROM app_private.default_approval_chains WHERE false;
SELECT role_key, position FROM app_private.default_approval_fallbacks WHERE false;
SELECT category, is_regulated, retention_years FROM app_private.default_document_category_settings WHERE false;
SELECT organization_id, id, position, role_key, created_at, updated_at FROM app.approval_fallbacks WHERE false;
SELECT approval_type, approval_chain_id, chain_name, step, role, user_id, approver_id, priority, sla_hours, requires_signature,
       fallback_roles
  FROM pg_catalog.jsonb_populate_record(NULL::app.approval_route_step, '{}');

-- The defaults are internal; API roles reach tenant rows only through the policies.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.default_approval_chains', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.default_approval_fallbacks', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('anon', 'app.approval_fallbacks', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.approval_fallbacks', 'TRUNCATE'))::int;

ROLLBACK;
