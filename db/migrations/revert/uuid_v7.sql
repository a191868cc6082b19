-- Revert pulse:uuid_v7 from pg

BEGIN;

DROP FUNCTION public.uuid_generate_v7();

COMMIT;
