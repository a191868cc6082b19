-- Revert pulse:platform/tags from pg

BEGIN;

-- CASCADE: the repeatables' triggers, views and functions hang off these; the
-- next `pulse db migrate` re-applies them.
DROP TABLE app.entity_tags CASCADE;
DROP TABLE app.tags CASCADE;

COMMIT;
