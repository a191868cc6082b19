-- Verify pulse:uuid_v7 on pg

BEGIN;

-- Version nibble 7 and RFC variant bits.
SELECT 1 / (substr(v::text, 15, 1) = '7' AND substr(v::text, 20, 1) IN ('8', '9', 'a', 'b'))::int
  FROM (SELECT public.uuid_generate_v7() AS v) AS generated;

ROLLBACK;
