-- The tenant life cycle: soft delete by a platform operator, restore within
-- the grace period, and the purge that follows it (by hand or by the job).

CREATE OR REPLACE FUNCTION app_private.require_platform_operator() RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT auth.is_platform_operator() THEN
    RAISE EXCEPTION 'only platform operators may do this' USING ERRCODE = 'PT403', DETAIL = 'operator.required',
      HINT = 'Sign in as a platform operator (role app_admin).';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.require_platform_operator() IS 'Raises PT403 (reason operator.required) unless the caller is a platform operator acting as app_admin.';

CREATE OR REPLACE FUNCTION app_private.find_organization(p_organization_id uuid) RETURNS app.organizations
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_organization app.organizations;
BEGIN
  SELECT * INTO v_organization FROM app.organizations WHERE id = p_organization_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'organization % does not exist', p_organization_id USING ERRCODE = 'PT404',
      DETAIL = 'organization.not_found', HINT = 'GET /organizations lists the tenants you may see.';
  END IF;
  RETURN v_organization;
END
$$;

COMMENT ON FUNCTION app_private.find_organization(uuid) IS 'The organization, or PT404 (reason organization.not_found).';

CREATE OR REPLACE FUNCTION app.delete_organization(organization_id uuid) RETURNS app.organizations
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization app.organizations;
BEGIN
  PERFORM app_private.require_platform_operator();
  v_organization := app_private.find_organization(delete_organization.organization_id);
  IF v_organization.deleted_at IS NOT NULL THEN
    RETURN v_organization;
  END IF;
  UPDATE app.organizations AS o SET deleted_at = pg_catalog.now(), is_active = false
   WHERE o.id = delete_organization.organization_id
  RETURNING * INTO v_organization;
  UPDATE app.sessions AS s SET revoked_at = pg_catalog.now()
   WHERE s.organization_id = delete_organization.organization_id AND s.revoked_at IS NULL;
  RETURN v_organization;
END
$$;

COMMENT ON FUNCTION app.delete_organization(uuid) IS
  'Soft-deletes a tenant (platform operators only): its members are refused at once, its sessions end, and its data is kept for the 30-day retention window, after which app.purge_organization removes it. Errors: PT403 operator.required, PT404 organization.not_found.';

CREATE OR REPLACE FUNCTION app.restore_organization(organization_id uuid) RETURNS app.organizations
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization app.organizations;
BEGIN
  PERFORM app_private.require_platform_operator();
  v_organization := app_private.find_organization(restore_organization.organization_id);
  IF v_organization.deleted_at IS NULL THEN
    RAISE EXCEPTION 'organization % is not deleted', v_organization.slug USING ERRCODE = 'PT409',
      DETAIL = 'organization.not_deleted', HINT = 'Only a soft-deleted tenant can be restored.';
  END IF;
  UPDATE app.organizations AS o SET deleted_at = NULL, is_active = true
   WHERE o.id = restore_organization.organization_id
  RETURNING * INTO v_organization;
  RETURN v_organization;
END
$$;

COMMENT ON FUNCTION app.restore_organization(uuid) IS
  'Undoes app.delete_organization within the retention window (platform operators only). Errors: PT403 operator.required, PT404 organization.not_found, PT409 organization.not_deleted.';

CREATE OR REPLACE FUNCTION app_private.purge_organization_data(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- The audit trail records nothing of a purge, and refuses every delete
  -- except the rows of a tenant that is gone; append-only trails let rows of
  -- a soft-deleted tenant go (app_private.tenant_is_leaving).
  INSERT INTO audit.activity_log (actor_user_id, actor_role, entity_type, entity_id, action, old_values)
  SELECT nullif(auth.claims() ->> 'sub', '')::uuid, coalesce(auth.claims() ->> 'role', session_user::text),
         'organizations', o.id::text, 'delete', jsonb_build_object('slug', o.slug, 'name', o.name, 'purged', true)
    FROM app.organizations AS o WHERE o.id = p_organization_id;
  -- Projects reference the tenant's workflow catalog, which refuses to go
  -- while anything uses it: they leave first.
  DELETE FROM app.projects WHERE organization_id = p_organization_id;
  DELETE FROM app.organizations WHERE id = p_organization_id;
  DELETE FROM audit.activity_log WHERE organization_id = p_organization_id;
  DELETE FROM audit.activity_log_archive WHERE organization_id = p_organization_id;
END
$$;

COMMENT ON FUNCTION app_private.purge_organization_data(uuid) IS
  'Removes a tenant and everything it owns (every tenant table cascades from app.organizations), audit rows (the archived ones too) included; the platform''s own log keeps one row saying it was purged.';

CREATE OR REPLACE FUNCTION app.purge_organization(organization_id uuid, ignore_retention boolean DEFAULT false)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization app.organizations;
BEGIN
  PERFORM app_private.require_platform_operator();
  v_organization := app_private.find_organization(purge_organization.organization_id);
  IF v_organization.deleted_at IS NULL THEN
    RAISE EXCEPTION 'organization % must be deleted before it is purged', v_organization.slug
      USING ERRCODE = 'PT409', DETAIL = 'organization.not_deleted', HINT = 'Call app.delete_organization first.';
  END IF;
  IF v_organization.deleted_at > pg_catalog.now() - interval '30 days' AND NOT ignore_retention THEN
    RAISE EXCEPTION 'organization % is inside its 30-day retention window until %', v_organization.slug,
      v_organization.deleted_at + interval '30 days'
      USING ERRCODE = 'PT409', DETAIL = 'organization.in_retention', HINT = 'Pass ignore_retention => true to purge now.';
  END IF;
  PERFORM app_private.purge_organization_data(v_organization.id);
  RETURN true;
END
$$;

COMMENT ON FUNCTION app.purge_organization(uuid, boolean) IS
  'Removes a soft-deleted tenant and all its data for good, (platform operators only). Refuses inside the 30-day retention window unless ignore_retention. Errors: PT403 operator.required, PT404 organization.not_found, PT409 organization.not_deleted / organization.in_retention.';

CREATE OR REPLACE FUNCTION app_private.purge_expired_organizations() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid;
  v_count integer := 0;
BEGIN
  FOR v_organization_id IN
    SELECT id FROM app.organizations WHERE deleted_at <= pg_catalog.now() - interval '30 days'
  LOOP
    PERFORM app_private.purge_organization_data(v_organization_id);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.purge_expired_organizations() IS
  'Scheduled job: purges tenants whose retention window has passed. Returns how many.';
