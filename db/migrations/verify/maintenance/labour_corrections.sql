-- Verify pulse:maintenance/labour_corrections on pg

BEGIN;

SELECT reverses_id, reversal_reason FROM app.labour_entries WHERE false;
SELECT 1/count(*) FROM pg_catalog.pg_indexes WHERE schemaname = 'app' AND indexname = 'labour_entries_one_reversal';

ROLLBACK;
