-- Tenant feature flags: the platform defines them as data
-- (app_private.feature_flag_definitions, db/seeds/reference/50_platform.sql),
-- a tenant's holders of organization.manage_features set their own value
-- (app.tenant_feature_flags, audited), every member reads the value in force
-- (app.feature_flags), domains ask app_private.feature_flag(org, key) or, as
-- the caller, auth.feature_enabled(key) / auth.feature_value(key).

-- What is wrong with a value for a flag, in words; NULL when it fits.
CREATE OR REPLACE FUNCTION app_private.feature_flag_value_problem(
  p_value_type text, p_allowed_values text[], p_minimum bigint, p_maximum bigint, p_value jsonb
) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT CASE
    WHEN p_value_type = 'boolean' AND jsonb_typeof(p_value) IS DISTINCT FROM 'boolean' THEN 'true or false'
    WHEN p_value_type = 'integer' AND NOT coalesce(jsonb_typeof(p_value) = 'number'
         AND (p_value #>> '{}')::numeric = trunc((p_value #>> '{}')::numeric)
         AND (p_value #>> '{}')::numeric BETWEEN coalesce(p_minimum, -9223372036854775808) AND coalesce(p_maximum, 9223372036854775807), false)
      THEN format('an integer from %s to %s', coalesce(p_minimum::text, '-9223372036854775808'), coalesce(p_maximum::text, '9223372036854775807'))
    WHEN p_value_type = 'text' AND NOT coalesce(jsonb_typeof(p_value) = 'string' AND length(p_value #>> '{}') BETWEEN 1 AND 1000, false)
      THEN 'a text of 1 to 1000 characters'
    WHEN p_value_type = 'enum' AND NOT coalesce(jsonb_typeof(p_value) = 'string' AND p_value #>> '{}' = ANY (p_allowed_values), false)
      THEN format('one of %s', array_to_string(p_allowed_values, ', '))
  END;
$$;
COMMENT ON FUNCTION app_private.feature_flag_value_problem(text, text[], bigint, bigint, jsonb) IS
  'What a flag of this type, allowed values and bounds takes, when p_value does not fit it; NULL when it does.';

-- A platform default must fit its own flag.
CREATE OR REPLACE FUNCTION app_private.tg_feature_flag_definitions__validate() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_problem text := app_private.feature_flag_value_problem(NEW.value_type, NEW.allowed_values, NEW.minimum, NEW.maximum, NEW.default_value);
BEGIN
  IF v_problem IS NOT NULL THEN
    PERFORM app_private.raise_invalid('feature_flag.value_invalid',
      format('The default of feature flag %s does not fit its type', NEW.key), format('Use %s.', v_problem));
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_feature_flag_definitions__validate() IS
  'BEFORE INSERT OR UPDATE on the flag definitions: the default fits the flag (PT422 feature_flag.value_invalid).';
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app_private.feature_flag_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_feature_flag_definitions__validate();

-- A changed definition (a type, fewer allowed values, narrower bounds)
-- removes the tenants' values it no longer takes, so those tenants are back
-- on the default; each removal is in their activity log.
CREATE OR REPLACE FUNCTION app_private.tg_feature_flag_definitions__drop_misfits() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  DELETE FROM app.tenant_feature_flags AS t
   WHERE t.flag_key = NEW.key
     AND app_private.feature_flag_value_problem(NEW.value_type, NEW.allowed_values, NEW.minimum, NEW.maximum, t.value) IS NOT NULL;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_feature_flag_definitions__drop_misfits() IS
  'AFTER UPDATE of a flag definition: deletes the tenant values it no longer takes (audited), so they fall back to the default.';
CREATE OR REPLACE TRIGGER _500_drop_misfits AFTER UPDATE ON app_private.feature_flag_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_feature_flag_definitions__drop_misfits();

-- A tenant's value: a flag the platform defines, a value of its type; who
-- set it and when. SECURITY DEFINER: the definitions are the platform's and
-- API roles cannot read them; the row's tenant is the policies' business.
CREATE OR REPLACE FUNCTION app_private.tg_tenant_feature_flags__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_flag app_private.feature_flag_definitions;
  v_problem text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT * INTO v_flag FROM app_private.feature_flag_definitions WHERE key = NEW.flag_key;
  IF NOT FOUND THEN
    PERFORM app_private.raise_invalid('feature_flag.unknown', format('There is no feature flag %s', NEW.flag_key),
      'GET /feature_flags lists the flags.');
  END IF;
  v_problem := app_private.feature_flag_value_problem(v_flag.value_type, v_flag.allowed_values, v_flag.minimum, v_flag.maximum, NEW.value);
  IF v_problem IS NOT NULL THEN
    PERFORM app_private.raise_invalid('feature_flag.value_invalid',
      format('Feature flag %s takes %s, not %s', NEW.flag_key, v_problem, coalesce(NEW.value::text, 'null')),
      format('Send %s as value.', v_problem));
  END IF;
  NEW.updated_at := now();
  NEW.updated_by := auth.user_id();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_tenant_feature_flags__prepare() IS
  'BEFORE INSERT OR UPDATE on app.tenant_feature_flags: the flag exists (PT422 feature_flag.unknown) and the value fits its type (PT422 feature_flag.value_invalid); stamps who and when.';
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.tenant_feature_flags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_tenant_feature_flags__prepare();

-- The value in force for a tenant: its own when set, else the platform default.
CREATE OR REPLACE FUNCTION app_private.feature_flag(p_organization_id uuid, p_key text) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_value jsonb;
BEGIN
  SELECT coalesce(t.value, d.default_value) INTO v_value
    FROM app_private.feature_flag_definitions AS d
    LEFT JOIN app.tenant_feature_flags AS t ON t.organization_id = p_organization_id AND t.flag_key = d.key
   WHERE d.key = p_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'There is no feature flag %', p_key USING ERRCODE = 'PT422', DETAIL = 'feature_flag.unknown',
      HINT = 'GET /feature_flags lists the flags.';
  END IF;
  RETURN v_value;
END
$$;
COMMENT ON FUNCTION app_private.feature_flag(uuid, text) IS
  'The value in force of a feature flag for a tenant: its own, else the platform default (PT422 feature_flag.unknown for a flag the platform does not define).';

-- The caller's tenant's value: what domains ask in policies, triggers and
-- functions running as the caller. No tenant in the token: the default.
CREATE OR REPLACE FUNCTION auth.feature_value(p_key text) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app_private.feature_flag(auth.org_id(), p_key);
$$;
COMMENT ON FUNCTION auth.feature_value(text) IS
  'The value in force of a feature flag in the caller''s tenant (the default without one); PT422 feature_flag.unknown for an unknown flag.';

CREATE OR REPLACE FUNCTION auth.feature_enabled(p_key text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_value jsonb := auth.feature_value(p_key);
BEGIN
  IF jsonb_typeof(v_value) <> 'boolean' THEN
    RAISE EXCEPTION 'Feature flag % is not a boolean', p_key USING ERRCODE = 'PT422', DETAIL = 'feature_flag.not_boolean',
      HINT = 'Read it with auth.feature_value.';
  END IF;
  RETURN v_value::text::boolean;
END
$$;
COMMENT ON FUNCTION auth.feature_enabled(text) IS
  'Whether a boolean feature flag is on in the caller''s tenant (the default without one); PT422 feature_flag.not_boolean for a flag of another type.';

-- Every flag with the value in force, for the members of the tenant (not
-- portal users) and platform operators. It reads the platform's
-- definitions, so it runs as its owner and filters by the caller itself.
CREATE OR REPLACE VIEW app.feature_flags WITH (security_barrier) AS
SELECT o.id AS organization_id, d.key AS flag_key, d.value_type, d.allowed_values, d.minimum, d.maximum, d.default_value,
       coalesce(t.value, d.default_value) AS value, t.flag_key IS NOT NULL AS is_set, d.description, t.updated_at, t.updated_by
  FROM app.organizations AS o
 CROSS JOIN app_private.feature_flag_definitions AS d
  LEFT JOIN app.tenant_feature_flags AS t ON t.organization_id = o.id AND t.flag_key = d.key
 WHERE (o.id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
        AND EXISTS (SELECT FROM app.memberships AS m
                     WHERE m.organization_id = o.id AND m.user_id = (SELECT auth.user_id()) AND m.status = 'active'))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.feature_flags IS
  E'Feature flags\nEvery feature flag with the value in force in the tenant (its own, else the default). Set one with POST /tenant_feature_flags (organization.manage_features); delete it to go back to the default.';
COMMENT ON COLUMN app.feature_flags.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.feature_flags.flag_key IS E'Flag\nThe flag''s key (glp_esignatures_required).';
COMMENT ON COLUMN app.feature_flags.value_type IS E'Type\nboolean, integer, text or enum.';
COMMENT ON COLUMN app.feature_flags.allowed_values IS E'Allowed values\nThe values an enum flag takes.';
COMMENT ON COLUMN app.feature_flags.minimum IS E'Minimum\nThe smallest value of an integer flag, when bounded.';
COMMENT ON COLUMN app.feature_flags.maximum IS E'Maximum\nThe largest value of an integer flag, when bounded.';
COMMENT ON COLUMN app.feature_flags.default_value IS E'Default\nThe platform default.';
COMMENT ON COLUMN app.feature_flags.value IS E'Value\nThe value in force: the tenant''s own, else the default.';
COMMENT ON COLUMN app.feature_flags.is_set IS E'Set by the tenant\nWhether the tenant set its own value.';
COMMENT ON COLUMN app.feature_flags.description IS E'Description\nWhat the flag changes.';
COMMENT ON COLUMN app.feature_flags.updated_at IS E'Changed at\nWhen the tenant last set it.';
COMMENT ON COLUMN app.feature_flags.updated_by IS E'Changed by\nWho last set it.';
