-- Verify pulse:platform/realtime_outbox on pg

BEGIN;

-- platform/relay_outbox renames the table app_private.relay_outbox (and its
-- topic column name); its verify checks the columns.
SELECT 1 / (to_regclass('app_private.realtime_outbox') IS NOT NULL OR to_regclass('app_private.relay_outbox') IS NOT NULL)::int;
SELECT 1 / (NOT has_table_privilege('app_user', coalesce(to_regclass('app_private.realtime_outbox'),
                                                         to_regclass('app_private.relay_outbox')), 'SELECT'))::int;

ROLLBACK;
