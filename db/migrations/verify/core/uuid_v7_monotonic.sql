-- Verify pulse:core/uuid_v7_monotonic on pg

BEGIN;

-- Version 7, RFC variant, and ids made one after another in order.
SELECT 1 / (bool_and(substr(v::text, 15, 1) = '7' AND substr(v::text, 20, 1) IN ('8', '9', 'a', 'b'))
            AND array_agg(v ORDER BY n) = array_agg(v ORDER BY v))::int
  FROM (SELECT n, public.uuid_generate_v7() AS v, pg_catalog.pg_sleep(0.00001) FROM generate_series(1, 20) AS n) AS generated;

ROLLBACK;
