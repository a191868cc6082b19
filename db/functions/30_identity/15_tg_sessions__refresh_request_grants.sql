-- app_private.request_grants follows sessions: opened, revoked (logout,
-- refresh-token reuse, a password change, a suspension, a deleted tenant).
-- A deleted session's rows go by foreign key.

CREATE OR REPLACE FUNCTION app_private.tg_sessions__refresh_request_grants() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.user_id IS DISTINCT FROM NEW.user_id THEN
    PERFORM app_private.refresh_request_grants(OLD.user_id, NULL, OLD.id);
  END IF;
  PERFORM app_private.refresh_request_grants(NEW.user_id, NULL, NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_sessions__refresh_request_grants() IS
  'AFTER INSERT, and AFTER UPDATE of revoked_at or user_id, of a session: rewrites the rows of app_private.request_grants of that session (a revoked one keeps none).';

CREATE OR REPLACE TRIGGER _550_refresh_request_grants AFTER INSERT ON app.sessions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sessions__refresh_request_grants();
CREATE OR REPLACE TRIGGER _551_refresh_request_grants_on_change AFTER UPDATE OF revoked_at, user_id ON app.sessions
  FOR EACH ROW WHEN (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at OR NEW.user_id IS DISTINCT FROM OLD.user_id)
  EXECUTE FUNCTION app_private.tg_sessions__refresh_request_grants();
