-- Revert pulse:roles from pg

BEGIN;

-- A role still used by another database on this server is kept: dropping it
-- would break that database, and the next deploy adopts it again. The
-- authenticator owns nothing anywhere, so it goes only with the last API role.
DO $$
DECLARE
  v_role text;
  v_kept boolean := false;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['app_admin', 'app_user', 'anon'] LOOP
    BEGIN
      EXECUTE format('DROP ROLE IF EXISTS %I', v_role);
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'role % is still used by another database; kept', v_role;
      v_kept := true;
    END;
  END LOOP;
  IF NOT v_kept THEN
    DROP ROLE IF EXISTS authenticator;
  END IF;
END
$$;

COMMIT;
