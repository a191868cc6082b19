-- Verify pulse:platform/entities on pg

BEGIN;

SELECT entity_type, table_name, title_column, number_column, label, registered_at FROM app_private.entity_types WHERE false;
SELECT organization_id, id, entity_type FROM app_private.entities WHERE false;
SELECT organization_id, id, event_type, entity_type, entity_id, payload, actor_id, depth, occurred_at FROM app_private.events WHERE false;

-- Internal: API roles never read these directly.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.entities', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.events', 'SELECT'))::int;

ROLLBACK;
