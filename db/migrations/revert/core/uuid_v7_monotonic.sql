-- Revert pulse:core/uuid_v7_monotonic from pg

BEGIN;

CREATE OR REPLACE FUNCTION public.uuid_generate_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$
  SELECT pg_catalog.encode(
           pg_catalog.set_bit(
             pg_catalog.set_bit(
               overlay(
                 pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
                 PLACING substring(
                   pg_catalog.int8send((extract(epoch FROM pg_catalog.clock_timestamp()) * 1000)::bigint)
                   FROM 3)
                 FROM 1 FOR 6),
               52, 1),
             53, 1),
           'hex')::uuid
$$;

COMMENT ON FUNCTION public.uuid_generate_v7() IS
  'A time-ordered uuid (RFC 9562 version 7) for primary keys: new rows land at the right edge of the index.';

COMMIT;
