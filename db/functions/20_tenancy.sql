-- Tenants and sites: validation, timestamps, the roles a new tenant starts
-- with, and the soft delete / purge life cycle.

CREATE OR REPLACE FUNCTION app_private.tg__touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg__touch_updated_at() IS 'BEFORE UPDATE: stamps updated_at.';

CREATE OR REPLACE FUNCTION app_private.raise_invalid(p_message text, p_hint text) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_hint IS NULL THEN
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'PT422';
  END IF;
  RAISE EXCEPTION '%', p_message USING ERRCODE = 'PT422', HINT = p_hint;
END
$$;

COMMENT ON FUNCTION app_private.raise_invalid(text, text) IS 'Raises a validation error: SQLSTATE PT422, HTTP 422.';

CREATE OR REPLACE FUNCTION app_private.check_json_keys(p_document jsonb, p_column text, p_allowed text[]) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  v_unknown text[] := ARRAY(SELECT k FROM jsonb_object_keys(p_document) AS k WHERE k <> ALL (p_allowed) ORDER BY k);
BEGIN
  IF v_unknown <> '{}' THEN
    PERFORM app_private.raise_invalid(
      format('%s has unknown key(s): %s', p_column, pg_catalog.array_to_string(v_unknown, ', ')),
      format('Allowed keys: %s.', pg_catalog.array_to_string(p_allowed, ', ')));
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_json_keys(jsonb, text, text[]) IS 'Refuses keys of a JSON object that are not in the allowed list.';

CREATE OR REPLACE FUNCTION app_private.tg_organizations__validate() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_settings jsonb := NEW.settings;
  v_branding jsonb := NEW.branding;
BEGIN
  PERFORM app_private.check_json_keys(v_settings, 'settings',
    ARRAY['currency', 'date_format', 'locale', 'timezone', 'week_start']);
  IF v_settings ? 'timezone' AND NOT EXISTS (
       SELECT FROM pg_catalog.pg_timezone_names WHERE name = v_settings ->> 'timezone') THEN
    PERFORM app_private.raise_invalid(format('settings.timezone %s is not a time zone', v_settings -> 'timezone'),
                                      'Use an IANA name such as Europe/Berlin.');
  END IF;
  IF v_settings ? 'locale' AND coalesce(v_settings ->> 'locale', '') !~ '^[a-z]{2,3}(-[A-Z]{2})?$' THEN
    PERFORM app_private.raise_invalid(format('settings.locale %s is not a locale', v_settings -> 'locale'),
                                      'Use a BCP 47 tag such as en-US or de-DE.');
  END IF;
  IF v_settings ? 'currency' AND coalesce(v_settings ->> 'currency', '') !~ '^[A-Z]{3}$' THEN
    PERFORM app_private.raise_invalid(format('settings.currency %s is not a currency code', v_settings -> 'currency'),
                                      'Use an ISO 4217 code such as EUR or USD.');
  END IF;
  IF v_settings ? 'week_start' AND (jsonb_typeof(v_settings -> 'week_start') <> 'number'
       OR (v_settings ->> 'week_start') NOT IN ('1', '2', '3', '4', '5', '6', '7')) THEN
    PERFORM app_private.raise_invalid('settings.week_start must be a number from 1 (Monday) to 7 (Sunday)',
                                      'Use 1 for Monday.');
  END IF;
  IF v_settings ? 'date_format' AND coalesce(v_settings ->> 'date_format', '') NOT IN ('YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY') THEN
    PERFORM app_private.raise_invalid(format('settings.date_format %s is not supported', v_settings -> 'date_format'),
                                      'Use YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY.');
  END IF;

  PERFORM app_private.check_json_keys(v_branding, 'branding',
    ARRAY['accent_color', 'display_name', 'logo_url', 'primary_color']);
  IF v_branding ? 'logo_url' AND (coalesce(v_branding ->> 'logo_url', '') !~ '^https://[^\s]+$'
                                   OR length(v_branding ->> 'logo_url') > 2048) THEN
    PERFORM app_private.raise_invalid('branding.logo_url must be an https URL', 'e.g. https://example.com/logo.svg');
  END IF;
  IF v_branding ?| ARRAY['primary_color', 'accent_color'] AND (
       coalesce(v_branding ->> 'primary_color', '#000000') !~ '^#[0-9A-Fa-f]{6}$'
       OR coalesce(v_branding ->> 'accent_color', '#000000') !~ '^#[0-9A-Fa-f]{6}$') THEN
    PERFORM app_private.raise_invalid('branding colors must look like #RRGGBB', 'e.g. #0F62FE');
  END IF;
  IF v_branding ? 'display_name' AND length(coalesce(v_branding ->> 'display_name', '')) NOT BETWEEN 1 AND 200 THEN
    PERFORM app_private.raise_invalid('branding.display_name must have 1 to 200 characters', NULL);
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_organizations__validate() IS 'BEFORE INSERT OR UPDATE: validates settings and branding (PT422).';

CREATE OR REPLACE FUNCTION app_private.sync_system_roles(p_organization_id uuid) RETURNS void
LANGUAGE sql
SET search_path = ''
AS $$
  INSERT INTO app.roles (organization_id, key, name, description, is_system)
  SELECT p_organization_id, sr.key, sr.name, sr.description, true
    FROM app_private.system_roles AS sr
  ON CONFLICT (organization_id, key) DO UPDATE
    SET name = excluded.name, description = excluded.description, is_system = true
    WHERE app.roles.is_system;

  INSERT INTO app.role_permissions (organization_id, role_id, permission)
  SELECT p_organization_id, r.id, srp.permission
    FROM app_private.system_role_permissions AS srp
    JOIN app.roles AS r ON r.organization_id = p_organization_id AND r.key = srp.role_key AND r.is_system
  ON CONFLICT DO NOTHING;

  DELETE FROM app.role_permissions AS rp
   USING app.roles AS r
   WHERE rp.organization_id = p_organization_id AND r.organization_id = rp.organization_id AND r.id = rp.role_id
     AND r.is_system
     AND NOT EXISTS (SELECT FROM app_private.system_role_permissions AS srp
                      WHERE srp.role_key = r.key AND srp.permission = rp.permission);
$$;

COMMENT ON FUNCTION app_private.sync_system_roles(uuid) IS
  'Brings a tenant''s system roles in line with the platform catalog (app_private.system_roles); tenant-made roles are left alone.';

CREATE OR REPLACE FUNCTION app_private.tg_organizations__provision() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.sync_system_roles(NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_organizations__provision() IS 'AFTER INSERT: gives a new tenant its system roles.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.organizations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE OF settings, branding ON app.organizations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_organizations__validate();
CREATE OR REPLACE TRIGGER _500_provision AFTER INSERT ON app.organizations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_organizations__provision();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sites
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.require_platform_operator() RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT auth.is_platform_operator() THEN
    RAISE EXCEPTION 'only platform operators manage tenants' USING ERRCODE = 'PT403';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.require_platform_operator() IS 'Raises PT403 unless the caller is a platform operator acting as app_admin.';

CREATE OR REPLACE FUNCTION app_private.find_organization(p_organization_id uuid) RETURNS app.organizations
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_organization app.organizations;
BEGIN
  SELECT * INTO v_organization FROM app.organizations WHERE id = p_organization_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'organization % does not exist', p_organization_id USING ERRCODE = 'PT404';
  END IF;
  RETURN v_organization;
END
$$;

COMMENT ON FUNCTION app_private.find_organization(uuid) IS 'The organization, or PT404.';

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
  'Soft-deletes a tenant (platform operators only): its members are refused at once, its sessions end, and its data is kept for the 30-day retention window, after which app.purge_organization removes it. Errors: PT403, PT404.';

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
    RAISE EXCEPTION 'organization % is not deleted', v_organization.slug USING ERRCODE = 'PT409';
  END IF;
  UPDATE app.organizations AS o SET deleted_at = NULL, is_active = true
   WHERE o.id = restore_organization.organization_id
  RETURNING * INTO v_organization;
  RETURN v_organization;
END
$$;

COMMENT ON FUNCTION app.restore_organization(uuid) IS
  'Undoes app.delete_organization within the retention window (platform operators only). Errors: PT403, PT404, PT409 not deleted.';

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
END
$$;

COMMENT ON FUNCTION app_private.purge_organization_data(uuid) IS
  'Removes a tenant and everything it owns (every tenant table cascades from app.organizations), audit rows included; the platform''s own log keeps one row saying it was purged.';

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
      USING ERRCODE = 'PT409', HINT = 'Call app.delete_organization first.';
  END IF;
  IF v_organization.deleted_at > pg_catalog.now() - interval '30 days' AND NOT ignore_retention THEN
    RAISE EXCEPTION 'organization % is inside its 30-day retention window until %', v_organization.slug,
      v_organization.deleted_at + interval '30 days'
      USING ERRCODE = 'PT409', HINT = 'Pass ignore_retention => true to purge now.';
  END IF;
  PERFORM app_private.purge_organization_data(v_organization.id);
  RETURN true;
END
$$;

COMMENT ON FUNCTION app.purge_organization(uuid, boolean) IS
  'Removes a soft-deleted tenant and all its data for good, leaving no orphaned row (platform operators only). Refuses inside the 30-day retention window unless ignore_retention. Errors: PT403, PT404, PT409.';

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
