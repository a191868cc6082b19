-- Verify pulse:platform/tags on pg

BEGIN;

SELECT organization_id, id, name, color, description, created_by, created_at, updated_at FROM app.tags WHERE false;
SELECT organization_id, entity_type, entity_id, tag_id, tagged_by, tagged_at FROM app.entity_tags WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_indexes WHERE schemaname = 'app' AND indexname = 'tags_name_key';
-- The supertype key: deleting an entity deletes its tags.
SELECT 1 / count(*)::int FROM pg_catalog.pg_constraint
 WHERE conrelid = 'app.entity_tags'::regclass AND confrelid = 'app_private.entities'::regclass AND confdeltype = 'c';
-- Clients never write the server's columns.
SELECT 1 / (NOT has_column_privilege('app_user', 'app.entity_tags', 'tagged_by', 'INSERT'))::int;

ROLLBACK;
