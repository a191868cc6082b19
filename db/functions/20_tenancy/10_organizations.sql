-- Tenants and sites: validation, and the provisioning of a new tenant.

CREATE OR REPLACE FUNCTION app_private.tg_organizations__validate() RETURNS trigger
LANGUAGE plpgsql STABLE
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
    PERFORM app_private.raise_invalid('settings.timezone_unknown', format('settings.timezone %s is not a time zone', v_settings -> 'timezone'),
                                      'Use an IANA name such as Europe/Berlin.');
  END IF;
  IF v_settings ? 'locale' AND coalesce(v_settings ->> 'locale', '') !~ '^[a-z]{2,3}(-[A-Z]{2})?$' THEN
    PERFORM app_private.raise_invalid('settings.locale_invalid', format('settings.locale %s is not a locale', v_settings -> 'locale'),
                                      'Use a BCP 47 tag such as en-US or de-DE.');
  END IF;
  IF v_settings ? 'currency' AND coalesce(v_settings ->> 'currency', '') !~ '^[A-Z]{3}$' THEN
    PERFORM app_private.raise_invalid('settings.currency_invalid', format('settings.currency %s is not a currency code', v_settings -> 'currency'),
                                      'Use an ISO 4217 code such as EUR or USD.');
  END IF;
  IF v_settings ? 'week_start' AND (jsonb_typeof(v_settings -> 'week_start') <> 'number'
       OR (v_settings ->> 'week_start') NOT IN ('1', '2', '3', '4', '5', '6', '7')) THEN
    PERFORM app_private.raise_invalid('settings.week_start_invalid', 'settings.week_start must be a number from 1 (Monday) to 7 (Sunday)',
                                      'Use 1 for Monday.');
  END IF;
  IF v_settings ? 'date_format' AND coalesce(v_settings ->> 'date_format', '') NOT IN ('YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY') THEN
    PERFORM app_private.raise_invalid('settings.date_format_unsupported', format('settings.date_format %s is not supported', v_settings -> 'date_format'),
                                      'Use YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY.');
  END IF;

  PERFORM app_private.check_json_keys(v_branding, 'branding',
    ARRAY['accent_color', 'display_name', 'logo_url', 'primary_color']);
  IF v_branding ? 'logo_url' AND (coalesce(v_branding ->> 'logo_url', '') !~ '^https://[^\s]+$'
                                   OR length(v_branding ->> 'logo_url') > 2048) THEN
    PERFORM app_private.raise_invalid('branding.logo_url_invalid', 'branding.logo_url must be an https URL', 'e.g. https://example.com/logo.svg');
  END IF;
  IF v_branding ?| ARRAY['primary_color', 'accent_color'] AND (
       coalesce(v_branding ->> 'primary_color', '#000000') !~ '^#[0-9A-Fa-f]{6}$'
       OR coalesce(v_branding ->> 'accent_color', '#000000') !~ '^#[0-9A-Fa-f]{6}$') THEN
    PERFORM app_private.raise_invalid('branding.color_invalid', 'branding colors must look like #RRGGBB', 'e.g. #0F62FE');
  END IF;
  IF v_branding ? 'display_name' AND length(coalesce(v_branding ->> 'display_name', '')) NOT BETWEEN 1 AND 200 THEN
    PERFORM app_private.raise_invalid('branding.display_name_length', 'branding.display_name must have 1 to 200 characters',
                                      'Send a name of 1 to 200 characters, or leave display_name out.');
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_organizations__validate() IS
  'BEFORE INSERT OR UPDATE: validates settings and branding (PT422; reasons input.unknown_key, settings.*, branding.*).';

-- Provisioning a new organization, every domain in order. Each step is an
-- idempotent function kept in its own domain, copying that domain's
-- platform defaults (db/seeds/reference/*.sql) into the tenant's own rows:
--   1. identity: the system roles and their permissions
--      (app_private.sync_system_roles, 30_identity/60_rbac.sql);
--   2. workflow: stage catalog, "Default Workflow" v1, settings, document
--      rules, approval SLAs, chains and fallback roles
--      (app_private.provision_workflow, 60_workflow/10_templates.sql), which
--      name the roles of step 1;
--   3. audit: the audit settings (app_private.provision_audit);
--   4. branding: the tenant's branding row (app_private.provision_branding,
--      50_platform/64_branding.sql);
--   5. traceability: the lot and serial number patterns
--      (app_private.provision_traceability, 82_traceability);
--   6. logistics: the shipment state machine (app_private.provision_logistics,
--      84_logistics/20_shipments.sql);
--   7. quality workflows: the NCR, change order and drawing revision state
--      machines and the ECO / RDA approval chains
--      (app_private.provision_quality_workflows, 80_quality/68_workflows.sql).
-- A new domain adds its step here.
CREATE OR REPLACE FUNCTION app_private.provision_organization(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.sync_system_roles(p_organization_id);
  PERFORM app_private.provision_workflow(p_organization_id);
  PERFORM app_private.provision_audit(p_organization_id);
  PERFORM app_private.provision_branding(p_organization_id);
  PERFORM app_private.provision_traceability(p_organization_id);
  PERFORM app_private.provision_logistics(p_organization_id);
  PERFORM app_private.provision_quality_workflows(p_organization_id);
END
$$;

COMMENT ON FUNCTION app_private.provision_organization(uuid) IS
  'Gives a new tenant what every domain needs, in order: system roles (app_private.sync_system_roles), then the workflow (app_private.provision_workflow), then the audit settings (app_private.provision_audit), then its branding row (app_private.provision_branding), then the lot and serial number patterns (app_private.provision_traceability), then the shipment state machine (app_private.provision_logistics), then the NCR, change order and drawing revision state machines and approval chains (app_private.provision_quality_workflows). Idempotent.';

CREATE OR REPLACE FUNCTION app_private.tg_organizations__provision() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.provision_organization(NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_organizations__provision() IS 'AFTER INSERT: provisions the new tenant (app_private.provision_organization).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.organizations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE OF settings, branding ON app.organizations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_organizations__validate();
CREATE OR REPLACE TRIGGER _500_provision AFTER INSERT ON app.organizations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_organizations__provision();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sites
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- The tenant's customers and suppliers keep the time of their last change.
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.partners
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.contacts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
