-- Keeps app_private.request_grants equal to what the source tables allow.
-- The triggers (14-17_tg_*__refresh_request_grants.sql) call it in the transaction
-- that changed a source, so a revocation and the rows it ends commit
-- together. Concurrent refreshes serialize on app_private.request_grant_locks:
-- each writes its tenant's row (when it has one) and then its user's row
-- before it reads anything, always in that order, and each statement after
-- that reads a fresh snapshot (READ COMMITTED) or, under REPEATABLE READ,
-- the write has already failed (40001) if another refresh of the same user
-- or tenant committed after the snapshot was taken. A suspension racing a
-- membership's reinstatement therefore ends with no row, or with an error,
-- never with the reinstatement's row for a suspended user.

CREATE OR REPLACE FUNCTION app_private.refresh_request_grants(p_user_id uuid, p_organization_id uuid DEFAULT NULL,
                                                              p_session_id uuid DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_user_id uuid;
BEGIN
  IF p_organization_id IS NOT NULL THEN
    INSERT INTO app_private.request_grant_locks AS l (organization_id)
    SELECT o.id FROM app.organizations AS o WHERE o.id = p_organization_id
    ON CONFLICT (user_id, organization_id) DO UPDATE SET refreshed_at = pg_catalog.clock_timestamp();
  END IF;

  IF p_user_id IS NULL THEN
    -- A tenant changed: every member, and whoever still holds a row for it.
    FOR v_user_id IN
      SELECT m.user_id FROM app.memberships AS m WHERE m.organization_id = p_organization_id
      UNION
      SELECT g.user_id FROM app_private.request_grants AS g WHERE g.organization_id = p_organization_id
      ORDER BY 1
    LOOP
      PERFORM app_private.refresh_request_grants(v_user_id, p_organization_id);
    END LOOP;
    RETURN;
  END IF;

  INSERT INTO app_private.request_grant_locks AS l (user_id)
  SELECT u.id FROM app.users AS u WHERE u.id = p_user_id
  ON CONFLICT (user_id, organization_id) DO UPDATE SET refreshed_at = pg_catalog.clock_timestamp();

  DELETE FROM app_private.request_grants AS g
   WHERE g.user_id = p_user_id
     AND (p_organization_id IS NULL OR g.organization_id = p_organization_id)
     AND (p_session_id IS NULL OR g.session_id = p_session_id);
  INSERT INTO app_private.request_grants (user_id, organization_id, session_id, is_platform_operator)
  SELECT d.user_id, d.organization_id, d.session_id, d.is_platform_operator
    FROM app_private.request_grants_due(p_user_id) AS d
   WHERE (p_organization_id IS NULL OR d.organization_id = p_organization_id)
     AND (p_session_id IS NULL OR d.session_id = p_session_id);
END
$$;

COMMENT ON FUNCTION app_private.refresh_request_grants(uuid, uuid, uuid) IS
  'Rewrites the rows of app_private.request_grants of user p_user_id from the source tables (app_private.request_grants_due): all of them, or only those of tenant p_organization_id and/or session p_session_id when given; with p_user_id NULL, those of tenant p_organization_id for every member and every user holding one. First writes the tenant''s and then the user''s row of app_private.request_grant_locks, so concurrent refreshes of one user or tenant serialize (REPEATABLE READ: 40001 rather than a stale row).';
