-- Verify pulse:platform/comments on pg

BEGIN;

SELECT organization_id, id, entity_type, entity_id, parent_id, author_id, body, mention_ids, created_at, edited_at
  FROM app.comments WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_enum
 WHERE enumtypid = 'app.notification_type'::regtype AND enumlabel = 'comment';
SELECT 1 / count(*)::int FROM pg_catalog.pg_constraint
 WHERE conrelid = 'app.comments'::regclass AND confrelid = 'app_private.entities'::regclass AND confdeltype = 'c';
SELECT 1 / (NOT has_column_privilege('app_user', 'app.comments', 'author_id', 'UPDATE'))::int;

ROLLBACK;
