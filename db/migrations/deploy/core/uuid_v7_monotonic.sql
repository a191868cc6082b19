-- Deploy pulse:core/uuid_v7_monotonic to pg
-- requires: uuid_v7

BEGIN;

-- RFC 9562 §6.2 method 3: the 12 bits after the version (rand_a) carry the
-- fraction of the millisecond (1/4096 ms steps), so ids made one after the
-- other in a session sort in the order they were made, not only by the
-- millisecond. "Latest first, then by id" reads depend on that when two
-- rows share a transaction timestamp.
CREATE OR REPLACE FUNCTION public.uuid_generate_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$
  SELECT pg_catalog.encode(
           overlay(pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
                   PLACING pg_catalog.int8send(((t.micros / 1000) << 16) | 28672 | ((t.micros % 1000) * 4096 / 1000))
                   FROM 1 FOR 8),
           'hex')::uuid
    FROM (SELECT (extract(epoch FROM pg_catalog.clock_timestamp()) * 1000000)::bigint AS micros) AS t
$$;

COMMENT ON FUNCTION public.uuid_generate_v7() IS
  'A time-ordered uuid (RFC 9562 version 7) for primary keys: 48-bit Unix milliseconds, 12 bits of sub-millisecond time, then random; new rows land at the right edge of the index, and ids a session makes one after another sort in that order.';

COMMIT;
