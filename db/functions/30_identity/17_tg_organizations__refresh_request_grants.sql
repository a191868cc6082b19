-- app_private.request_grants follows tenants: deactivated, reactivated,
-- soft-deleted (app.delete_organization), restored. A purged tenant's rows
-- go by foreign key.

CREATE OR REPLACE FUNCTION app_private.tg_organizations__refresh_request_grants() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refresh_request_grants(NULL, NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_organizations__refresh_request_grants() IS
  'AFTER UPDATE of is_active or deleted_at of a tenant: rewrites every member''s rows of app_private.request_grants in it (none while it is inactive or deleted).';

CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF is_active, deleted_at ON app.organizations
  FOR EACH ROW WHEN (NEW.is_active IS DISTINCT FROM OLD.is_active OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at)
  EXECUTE FUNCTION app_private.tg_organizations__refresh_request_grants();
