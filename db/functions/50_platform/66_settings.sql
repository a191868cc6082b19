-- Typed tenant settings: the platform defines them as data
-- (app_private.setting_definitions, db/seeds/reference/50_platform.sql), each
-- with a JSON schema, a default and the permission that changes it; a
-- tenant's holders of that permission set their own value
-- (app.tenant_settings, validated against the schema, audited); every member
-- reads each setting with its value in force (app.settings); SQL callers ask
-- app_private.setting(org, key) or its typed form.

-- The first way a value fails a setting's schema, or NULL when it fits.
CREATE OR REPLACE FUNCTION app_private.setting_value_error(p_schema jsonb, p_value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT format('at %s: %s (%s)', e.path, e.message, e.keyword)
    FROM app_private.json_schema_errors(p_schema, p_value) AS e
   LIMIT 1;
$$;
COMMENT ON FUNCTION app_private.setting_value_error(jsonb, jsonb) IS
  'The first way p_value fails the JSON schema p_schema, as "at <path>: <message> (<keyword>)"; NULL when it matches.';

-- A definition's schema is of the subset Pulse validates, and its default
-- matches it.
CREATE OR REPLACE FUNCTION app_private.tg_setting_definitions__validate() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_error text;
BEGIN
  PERFORM app_private.check_json_schema(NEW.value_schema, format('The schema of setting %s', NEW.key));
  v_error := app_private.setting_value_error(NEW.value_schema, NEW.default_value);
  IF v_error IS NOT NULL THEN
    PERFORM app_private.raise_invalid('setting.default_invalid',
      format('The default of setting %s does not match its schema %s', NEW.key, v_error), 'Give a default the schema accepts.');
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_setting_definitions__validate() IS
  'BEFORE INSERT OR UPDATE on the setting definitions: the schema uses the supported subset (PT422 json_schema.unsupported) and the default matches it (PT422 setting.default_invalid).';
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app_private.setting_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_setting_definitions__validate();

-- A changed schema removes the tenants' values it no longer accepts, so
-- those tenants are back on the default; each removal is in their activity log.
CREATE OR REPLACE FUNCTION app_private.tg_setting_definitions__drop_misfits() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  DELETE FROM app.tenant_settings AS t
   WHERE t.setting_key = NEW.key AND app_private.setting_value_error(NEW.value_schema, t.value) IS NOT NULL;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_setting_definitions__drop_misfits() IS
  'AFTER UPDATE OF value_schema on a setting definition: deletes the tenant values the new schema refuses (audited), so they fall back to the default.';
CREATE OR REPLACE TRIGGER _500_drop_misfits AFTER UPDATE OF value_schema ON app_private.setting_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_setting_definitions__drop_misfits();

-- Whether the caller may change a setting: they hold, tenant-wide, the
-- permission its definition names. For the policies of app.tenant_settings
-- (API roles cannot read the definitions); decided row by row, as each row
-- names its setting (the table holds a handful of rows per tenant).
CREATE OR REPLACE FUNCTION auth.may_change_setting(p_key text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT coalesce((SELECT auth.has_permission(d.permission) FROM app_private.setting_definitions AS d WHERE d.key = p_key), false);
$$;
COMMENT ON FUNCTION auth.may_change_setting(text) IS
  'Whether the caller holds the permission that changes the tenant setting p_key (false for an unknown setting); for the policies of app.tenant_settings.';

CREATE OR REPLACE FUNCTION auth.check_setting_permission(p_key text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  RETURN auth.check_permission((SELECT d.permission FROM app_private.setting_definitions AS d WHERE d.key = p_key));
END
$$;
COMMENT ON FUNCTION auth.check_setting_permission(text) IS
  'true when the caller holds the permission that changes the tenant setting p_key, else PT403 permission.missing naming it; for the WITH CHECK of app.tenant_settings.';

-- Whether the caller holds, tenant-wide, a permission that changes some
-- setting (settings.manage, or another a definition names).
CREATE OR REPLACE FUNCTION auth.may_change_some_setting() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (SELECT FROM (SELECT DISTINCT d.permission FROM app_private.setting_definitions AS d) AS p
                  WHERE auth.has_permission(p.permission));
$$;
COMMENT ON FUNCTION auth.may_change_some_setting() IS
  'Whether the caller holds a permission that changes some tenant setting; for the insert guard of app.tenant_settings.';

-- An insert into app.tenant_settings needs, before any row is looked at,
-- one of the permissions that change some setting; each row then needs its
-- own setting's (the policies). The owner's own paths (SECURITY DEFINER
-- functions, migrations, seeds) and platform operators are governed by their
-- own policies, as in app_private.tg_require_insert_permission; this runs as
-- the API role.
CREATE OR REPLACE FUNCTION app_private.tg_tenant_settings__require_a_permission() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID), 'USAGE')
     AND NOT auth.is_platform_operator() AND NOT auth.may_change_some_setting() THEN
    PERFORM auth.check_permission('settings.manage');
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_tenant_settings__require_a_permission() IS
  'BEFORE INSERT statement trigger on app.tenant_settings: an API caller holds a permission that changes some setting, else PT403 permission.missing (settings.manage).';
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.tenant_settings
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_tenant_settings__require_a_permission();

-- A tenant's value: a setting the platform defines, a value its schema
-- accepts; who set it and when. SECURITY DEFINER: the definitions are the
-- platform's and API roles cannot read them; the row's tenant is the
-- policies' business (the tenant guard runs first).
CREATE OR REPLACE FUNCTION app_private.tg_tenant_settings__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_definition app_private.setting_definitions;
  v_error text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT * INTO v_definition FROM app_private.setting_definitions WHERE key = NEW.setting_key;
  IF NOT FOUND THEN
    PERFORM app_private.raise_invalid('setting.unknown', format('There is no setting %s', NEW.setting_key),
      'GET /settings lists the settings.');
  END IF;
  v_error := app_private.setting_value_error(v_definition.value_schema, NEW.value);
  IF v_error IS NOT NULL THEN
    PERFORM app_private.raise_invalid('setting.value_invalid',
      format('The value of setting %s does not match its schema %s', NEW.setting_key, v_error),
      'GET /settings?setting_key=eq.' || NEW.setting_key || ' shows the schema (value_schema) and the default.');
  END IF;
  NEW.updated_at := now();
  NEW.updated_by := auth.user_id();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_tenant_settings__prepare() IS
  'BEFORE INSERT OR UPDATE on app.tenant_settings: the setting exists (PT422 setting.unknown) and the value matches its JSON schema (PT422 setting.value_invalid, the validator''s path and message in the message); stamps who and when.';
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.tenant_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_tenant_settings__prepare();

-- The value in force for a tenant: its own when set, else the default.
CREATE OR REPLACE FUNCTION app_private.setting(p_organization_id uuid, p_key text) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_value jsonb;
BEGIN
  SELECT coalesce(t.value, d.default_value) INTO v_value
    FROM app_private.setting_definitions AS d
    LEFT JOIN app.tenant_settings AS t ON t.organization_id = p_organization_id AND t.setting_key = d.key
   WHERE d.key = p_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'There is no setting %', p_key USING ERRCODE = 'PT422', DETAIL = 'setting.unknown',
      HINT = 'GET /settings lists the settings.';
  END IF;
  RETURN v_value;
END
$$;
COMMENT ON FUNCTION app_private.setting(uuid, text) IS
  'The value in force of a setting for a tenant, as JSON: its own, else the platform default (PT422 setting.unknown for a setting the platform does not define).';

-- The same, as a SQL type: the type of p_as (pass a typed NULL):
--   app_private.setting(org, 'supplier_on_time_tolerance_days', NULL::integer)
--   app_private.setting(org, 'gs1_company_prefix', NULL::text)
-- A JSON string gives its text, any other scalar its JSON text, which is then
-- cast; an object or array casts as jsonb only.
CREATE OR REPLACE FUNCTION app_private.setting(p_organization_id uuid, p_key text, p_as anyelement) RETURNS anyelement
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_value jsonb := app_private.setting(p_organization_id, p_key);
  v_result p_as%TYPE;
BEGIN
  IF jsonb_typeof(v_value) = 'null' THEN
    RETURN NULL;
  END IF;
  BEGIN
    EXECUTE format('SELECT $1::%s', pg_catalog.pg_typeof(p_as))
       INTO v_result
      USING CASE WHEN jsonb_typeof(v_value) IN ('object', 'array') OR pg_catalog.pg_typeof(p_as) IN ('jsonb'::regtype, 'json'::regtype)
                 THEN v_value::text ELSE v_value #>> '{}' END;
  EXCEPTION WHEN data_exception OR cannot_coerce THEN
    RAISE EXCEPTION 'Setting % is not a %', p_key, pg_catalog.pg_typeof(p_as) USING ERRCODE = 'PT422', DETAIL = 'setting.type_mismatch',
      HINT = format('Its value is %s; read it as jsonb with app_private.setting(org, key).', v_value);
  END;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app_private.setting(uuid, text, anyelement) IS
  'The value in force of a setting for a tenant as the SQL type of p_as (a typed NULL: NULL::integer); PT422 setting.unknown, setting.type_mismatch when the value does not cast.';

-- Every setting with the value in force, for the members of the tenant (not
-- portal users) and platform operators. It reads the platform's
-- definitions, so it runs as its owner and filters by the caller itself.
CREATE OR REPLACE VIEW app.settings WITH (security_barrier) AS
SELECT o.id AS organization_id, d.key AS setting_key, d.value_schema, d.default_value,
       coalesce(t.value, d.default_value) AS value, t.setting_key IS NOT NULL AS is_set, d.description, d.permission,
       auth.has_permission(d.permission) AS may_change, t.updated_at, t.updated_by
  FROM app.organizations AS o
 CROSS JOIN app_private.setting_definitions AS d
  LEFT JOIN app.tenant_settings AS t ON t.organization_id = o.id AND t.setting_key = d.key
 WHERE (o.id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
        AND EXISTS (SELECT FROM app.memberships AS m
                     WHERE m.organization_id = o.id AND m.user_id = (SELECT auth.user_id()) AND m.status = 'active'))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.settings IS
  E'Effective settings\nEvery tenant setting with its JSON schema, default and the value in force in the tenant (its own, else the default). Set one with POST /tenant_settings (upsert; the permission named here); delete it to go back to the default.';
COMMENT ON COLUMN app.settings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.settings.setting_key IS E'Setting\nThe setting''s key (spc_rules).';
COMMENT ON COLUMN app.settings.value_schema IS E'Schema\nThe JSON schema a value must match.';
COMMENT ON COLUMN app.settings.default_value IS E'Default\nThe platform default.';
COMMENT ON COLUMN app.settings.value IS E'Value\nThe value in force: the tenant''s own, else the default.';
COMMENT ON COLUMN app.settings.is_set IS E'Set by the tenant\nWhether the tenant set its own value.';
COMMENT ON COLUMN app.settings.description IS E'Description\nWhat the setting changes.';
COMMENT ON COLUMN app.settings.permission IS E'Permission\nWhat a member needs to change it.';
COMMENT ON COLUMN app.settings.may_change IS E'May change\nWhether the caller holds that permission.';
COMMENT ON COLUMN app.settings.updated_at IS E'Changed at\nWhen the tenant last set it.';
COMMENT ON COLUMN app.settings.updated_by IS E'Changed by\nWho last set it.';
