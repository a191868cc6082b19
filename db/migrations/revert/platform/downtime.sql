-- Revert pulse:platform/downtime from pg

BEGIN;

-- CASCADE: functions of the repeatables hang off these. btree_gist stays:
-- other changes may use it.
DROP TABLE app.downtime_events CASCADE;
DROP TABLE app.downtime_reasons CASCADE;

COMMIT;
