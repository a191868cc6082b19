-- The triggers that keep app_private.request_grants: every change to what
-- auth.check_request() decides on refreshes the rows it touches, in the same
-- transaction. Deleting a user, a session or a tenant removes their rows by
-- foreign key (ON DELETE CASCADE); deleting a membership, or truncating
-- memberships, goes through here.

CREATE OR REPLACE FUNCTION app_private.tg_identity__refresh_request_grants() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    -- Only memberships: the other tables are referenced, so TRUNCATE takes
    -- the grants along (CASCADE) or refuses.
    DELETE FROM app_private.request_grants AS g WHERE g.organization_id IS NOT NULL;
    RETURN NULL;
  END IF;
  CASE TG_TABLE_NAME
    WHEN 'users' THEN
      PERFORM app_private.refresh_request_grants(NEW.id);
    WHEN 'sessions' THEN
      IF TG_OP = 'UPDATE' AND OLD.user_id IS DISTINCT FROM NEW.user_id THEN
        PERFORM app_private.refresh_request_grants(OLD.user_id, NULL, OLD.id);
      END IF;
      PERFORM app_private.refresh_request_grants(NEW.user_id, NULL, NEW.id);
    WHEN 'memberships' THEN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_private.refresh_request_grants(OLD.user_id, OLD.organization_id);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR (OLD.user_id, OLD.organization_id) IS DISTINCT FROM (NEW.user_id, NEW.organization_id)) THEN
        PERFORM app_private.refresh_request_grants(NEW.user_id, NEW.organization_id);
      END IF;
    WHEN 'organizations' THEN
      PERFORM app_private.refresh_request_grants(NULL, NEW.id);
  END CASE;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_identity__refresh_request_grants() IS
  'AFTER a change to what auth.check_request() decides on (a user''s status or operator flag, a session opened or revoked, a membership added, changed or removed, a tenant deactivated, deleted or restored): refreshes the rows of app_private.request_grants it touches (app_private.refresh_request_grants). AFTER TRUNCATE of memberships: drops every tenant''s rows.';

CREATE OR REPLACE TRIGGER _550_refresh_request_grants AFTER INSERT ON app.users
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();
CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF status, is_platform_operator ON app.users
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.is_platform_operator IS DISTINCT FROM OLD.is_platform_operator)
  EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();

CREATE OR REPLACE TRIGGER _550_refresh_request_grants AFTER INSERT ON app.sessions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();
CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF revoked_at, user_id ON app.sessions
  FOR EACH ROW WHEN (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at OR NEW.user_id IS DISTINCT FROM OLD.user_id)
  EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();

CREATE OR REPLACE TRIGGER _550_refresh_request_grants AFTER INSERT OR DELETE ON app.memberships
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();
CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF status, user_id, organization_id ON app.memberships
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.user_id IS DISTINCT FROM OLD.user_id
                     OR NEW.organization_id IS DISTINCT FROM OLD.organization_id)
  EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();
CREATE OR REPLACE TRIGGER _552_refresh_request_grants_on_truncate AFTER TRUNCATE ON app.memberships
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();

CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF is_active, deleted_at ON app.organizations
  FOR EACH ROW WHEN (NEW.is_active IS DISTINCT FROM OLD.is_active OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at)
  EXECUTE FUNCTION app_private.tg_identity__refresh_request_grants();
