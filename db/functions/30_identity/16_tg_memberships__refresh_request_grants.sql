-- app_private.request_grants follows memberships: added, revoked,
-- reinstated, removed, and TRUNCATE (nothing references request_grants
-- from memberships, which are tenant tables, so no foreign key does it).

CREATE OR REPLACE FUNCTION app_private.tg_memberships__refresh_request_grants() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM app_private.request_grants AS g WHERE g.organization_id IS NOT NULL;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM app_private.refresh_request_grants(OLD.user_id, OLD.organization_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD.user_id, OLD.organization_id) IS DISTINCT FROM (NEW.user_id, NEW.organization_id)) THEN
    PERFORM app_private.refresh_request_grants(NEW.user_id, NEW.organization_id);
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_memberships__refresh_request_grants() IS
  'AFTER INSERT or DELETE, and AFTER UPDATE of status, user_id or organization_id, of a membership: rewrites the user''s rows of app_private.request_grants in that tenant (none unless active). AFTER TRUNCATE of memberships: drops every tenant''s rows.';

CREATE OR REPLACE TRIGGER _550_refresh_request_grants AFTER INSERT OR DELETE ON app.memberships
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_memberships__refresh_request_grants();
CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF status, user_id, organization_id ON app.memberships
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.user_id IS DISTINCT FROM OLD.user_id
                     OR NEW.organization_id IS DISTINCT FROM OLD.organization_id)
  EXECUTE FUNCTION app_private.tg_memberships__refresh_request_grants();
CREATE OR REPLACE TRIGGER _552_refresh_request_grants_on_truncate AFTER TRUNCATE ON app.memberships
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_memberships__refresh_request_grants();
