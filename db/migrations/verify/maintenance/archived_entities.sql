-- Verify pulse:maintenance/archived_entities on pg

BEGIN;

SELECT archived_at FROM app_private.entities WHERE false;
SELECT archive_view FROM app_private.entity_types WHERE false;

ROLLBACK;
