-- The triggers that keep app_private.request_grants (one file per table):
-- every change to what auth.check_request() decides on refreshes the rows
-- it touches, in the same transaction (app_private.refresh_request_grants).
-- Deleting a user, a session or a tenant removes their rows by foreign key
-- (ON DELETE CASCADE); TRUNCATE of users, sessions or organizations takes
-- them along (CASCADE) or is refused.

CREATE OR REPLACE FUNCTION app_private.tg_users__refresh_request_grants() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refresh_request_grants(NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_users__refresh_request_grants() IS
  'AFTER INSERT, and AFTER UPDATE of status or is_platform_operator, of a user: rewrites all of their rows of app_private.request_grants (a suspended or disabled user keeps none).';

CREATE OR REPLACE TRIGGER _550_refresh_request_grants AFTER INSERT ON app.users
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__refresh_request_grants();
CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF status, is_platform_operator ON app.users
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.is_platform_operator IS DISTINCT FROM OLD.is_platform_operator)
  EXECUTE FUNCTION app_private.tg_users__refresh_request_grants();
