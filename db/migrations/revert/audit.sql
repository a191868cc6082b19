-- Revert pulse:audit from pg

BEGIN;

DROP TABLE audit.activity_log CASCADE;
DROP TYPE audit.action CASCADE;

COMMIT;
