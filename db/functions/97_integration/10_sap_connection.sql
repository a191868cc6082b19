-- SAP connection (migration integration/sap): one per tenant, written by
-- app.set_sap_connection with integration.manage. The password lives in
-- app_private.sap_credentials, which no API role reads; the table shows only
-- whether one is set (app.sap_connections_password_set).

CREATE OR REPLACE FUNCTION app_private.tg_sap_connections__check() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.endpoint_url := btrim(coalesce(NEW.endpoint_url, ''));
  -- https, or plain http to this machine only (tests and a local SAP gateway).
  IF NOT (NEW.endpoint_url ~* '^https://[^/?#@\s]+(/\S*)?$'
          OR NEW.endpoint_url ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?(/\S*)?$')
     OR length(NEW.endpoint_url) > 2000 THEN
    PERFORM app_private.raise_invalid('sap_connection.url_invalid',
      pg_catalog.format('%s is not an https URL SAP messages can be sent to', NEW.endpoint_url),
      'Send an absolute https:// URL without user name or password (http:// only to localhost).');
  END IF;
  NEW.updated_by := auth.user_id();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_sap_connections__check() IS
  'BEFORE INSERT/UPDATE on app.sap_connections: 42501 tenant.foreign_row for another tenant''s row; PT422 sap_connection.url_invalid unless the endpoint is https (http only to localhost) without credentials; stamps updated_by.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sap_connections
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_check BEFORE INSERT OR UPDATE ON app.sap_connections
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sap_connections__check();

CREATE OR REPLACE FUNCTION app.set_sap_connection(
  endpoint_url text, system_id text, client text, username text, password text DEFAULT NULL,
  is_enabled boolean DEFAULT true, max_attempts integer DEFAULT 5, retry_base_seconds numeric DEFAULT 30
) RETURNS app.sap_connections
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_connection app.sap_connections;
BEGIN
  PERFORM app_private.require_permission('integration.manage');
  IF set_sap_connection.retry_base_seconds IS NULL OR set_sap_connection.retry_base_seconds NOT BETWEEN 0.1 AND 3600 THEN
    PERFORM app_private.raise_invalid('sap_connection.retry_base_invalid',
      pg_catalog.format('%s seconds is not a retry wait', coalesce(set_sap_connection.retry_base_seconds::text, 'null')),
      'Wait 0.1 to 3600 seconds before the second attempt; later waits double.');
  END IF;
  IF set_sap_connection.max_attempts IS NULL OR set_sap_connection.max_attempts NOT BETWEEN 1 AND 20 THEN
    PERFORM app_private.raise_invalid('sap_connection.max_attempts_invalid',
      pg_catalog.format('%s is not a number of attempts', coalesce(set_sap_connection.max_attempts::text, 'null')),
      'Allow 1 to 20 attempts per message.');
  END IF;
  IF coalesce(set_sap_connection.system_id, '') !~ '^[A-Z][A-Z0-9]{2}$' OR coalesce(set_sap_connection.client, '') !~ '^[0-9]{3}$'
     OR length(btrim(coalesce(set_sap_connection.username, ''))) NOT BETWEEN 1 AND 200 THEN
    PERFORM app_private.raise_invalid('sap_connection.system_invalid',
      pg_catalog.format('system %s, client %s, user %s do not name an SAP logon',
                        coalesce(set_sap_connection.system_id, 'null'), coalesce(set_sap_connection.client, 'null'),
                        coalesce(set_sap_connection.username, 'null')),
      'Send the system id (PRD: a letter and two letters or digits), the client (three digits, 100) and a user name.');
  END IF;
  INSERT INTO app.sap_connections AS c
    (organization_id, id, endpoint_url, system_id, client, username, is_enabled, max_attempts, retry_base)
  VALUES (auth.org_id(), public.uuid_generate_v7(), set_sap_connection.endpoint_url, set_sap_connection.system_id,
          set_sap_connection.client, btrim(set_sap_connection.username), coalesce(set_sap_connection.is_enabled, true),
          set_sap_connection.max_attempts, set_sap_connection.retry_base_seconds * interval '1 second')
  ON CONFLICT (organization_id) DO UPDATE
    SET endpoint_url = excluded.endpoint_url, system_id = excluded.system_id, client = excluded.client,
        username = excluded.username, is_enabled = excluded.is_enabled, max_attempts = excluded.max_attempts,
        retry_base = excluded.retry_base
  RETURNING * INTO v_connection;
  IF set_sap_connection.password IS NOT NULL THEN
    IF length(set_sap_connection.password) NOT BETWEEN 1 AND 500 THEN
      PERFORM app_private.raise_invalid('sap_connection.password_invalid', 'the SAP password is empty or too long',
        'Send the SAP user''s password (1 to 500 characters).');
    END IF;
    INSERT INTO app_private.sap_credentials (organization_id, connection_id, password)
    VALUES (v_connection.organization_id, v_connection.id, set_sap_connection.password)
    ON CONFLICT (organization_id, connection_id) DO UPDATE SET password = excluded.password, updated_at = pg_catalog.now();
  ELSIF NOT EXISTS (SELECT FROM app_private.sap_credentials AS s
                     WHERE s.organization_id = v_connection.organization_id AND s.connection_id = v_connection.id) THEN
    PERFORM app_private.raise_invalid('sap_connection.password_missing', 'the SAP connection has no password yet',
      'Send the SAP user''s password the first time; later calls may leave it out to keep it.');
  END IF;
  RETURN v_connection;
END
$$;
COMMENT ON FUNCTION app.set_sap_connection(text, text, text, text, text, boolean, integer, numeric) IS
  E'Set the SAP connection\nCreates or changes the tenant''s SAP connection: endpoint (https; http to localhost only), system id, client, user, password (kept apart, never returned; leave it out to keep the one set), whether changes are sent, attempts per message and the first retry wait in seconds (later waits double). Needs integration.manage. Errors: PT403 permission.missing; PT422 sap_connection.url_invalid, system_invalid, password_missing, password_invalid, max_attempts_invalid, retry_base_invalid.';

CREATE OR REPLACE FUNCTION app.sap_connections_password_set(connection app.sap_connections) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (SELECT FROM app_private.sap_credentials AS s
                  WHERE s.organization_id = connection.organization_id AND s.connection_id = connection.id
                    AND s.organization_id = auth.org_id());
$$;
COMMENT ON FUNCTION app.sap_connections_password_set(app.sap_connections) IS
  E'Password set\nWhether the connection has a password (the password itself is never returned).';
