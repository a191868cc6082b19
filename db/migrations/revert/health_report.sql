-- Revert pulse:health_report from pg

BEGIN;

DROP TYPE app.health_report CASCADE;

COMMIT;
