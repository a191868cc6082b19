-- Report sources (migration reporting/reports): the whitelist of views a
-- report may read, kept as data by db/seeds/reference/95_reporting.sql. A
-- report never names anything that is not in it: the executor builds its
-- query from the register's identifiers and the definition's validated values
-- only (format %I / %L), and runs it with the requester's rights.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.report_sources
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.report_sql_type(p_type text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT CASE p_type WHEN 'text' THEN 'text' WHEN 'number' THEN 'numeric' WHEN 'date' THEN 'date'
                     WHEN 'timestamp' THEN 'timestamptz' WHEN 'boolean' THEN 'boolean' WHEN 'uuid' THEN 'uuid' END
$$;
COMMENT ON FUNCTION app_private.report_sql_type(text) IS
  'The SQL type a report column of a register type is compared as (text: text, number: numeric, date, timestamp: timestamptz, boolean, uuid); NULL for anything else. The only type names the executor writes into a query.';

CREATE OR REPLACE FUNCTION app_private.report_value_valid(p_type text, p_value jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT CASE p_type
    WHEN 'text' THEN pg_catalog.jsonb_typeof(p_value) = 'string' AND pg_catalog.length(p_value #>> '{}') <= 1000
    WHEN 'number' THEN pg_catalog.jsonb_typeof(p_value) = 'number'
    WHEN 'boolean' THEN pg_catalog.jsonb_typeof(p_value) = 'boolean'
    WHEN 'date' THEN pg_catalog.jsonb_typeof(p_value) = 'string' AND app_private.is_rfc3339('date', p_value #>> '{}')
    WHEN 'timestamp' THEN pg_catalog.jsonb_typeof(p_value) = 'string'
                          AND (app_private.is_rfc3339('date-time', p_value #>> '{}') OR app_private.is_rfc3339('date', p_value #>> '{}'))
    WHEN 'uuid' THEN pg_catalog.jsonb_typeof(p_value) = 'string'
                     AND (p_value #>> '{}') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    ELSE false END
$$;
COMMENT ON FUNCTION app_private.report_value_valid(text, jsonb) IS
  'Whether a JSON value fits a report column type: text a string of at most 1000 characters, number a JSON number, boolean a JSON boolean, date an RFC 3339 full-date, timestamp an RFC 3339 date-time (or a date), uuid a uuid string.';

CREATE OR REPLACE FUNCTION app_private.report_source(p_key text) RETURNS app.report_sources
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_source app.report_sources;
BEGIN
  SELECT * INTO v_source FROM app.report_sources AS s WHERE s.key = p_key;
  IF NOT FOUND THEN
    PERFORM app_private.raise_invalid('report.source_unknown', pg_catalog.format('%L is not a report source', p_key),
      'GET /report_sources lists the sources a report may read.');
  END IF;
  RETURN v_source;
END
$$;
COMMENT ON FUNCTION app_private.report_source(text) IS
  'The registered report source of that key; PT422 report.source_unknown otherwise.';

CREATE OR REPLACE FUNCTION auth.has_permission_anywhere(p_permission text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT auth.has_permission(p_permission) OR pg_catalog.cardinality(auth.permitted_site_ids(p_permission)) > 0
$$;
COMMENT ON FUNCTION auth.has_permission_anywhere(text) IS
  'Does the caller hold p_permission in the active tenant, tenant-wide or through a role at some site? Reporting asks it for report.use and a source''s permission: a plant-scoped member reports too, and the source''s row-level security gives them their plants'' rows.';

CREATE OR REPLACE FUNCTION app_private.require_permission_anywhere(p_permission text, p_what text DEFAULT 'this') RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF NOT auth.has_permission_anywhere(p_permission) THEN
    RAISE EXCEPTION '% needs the % permission', p_what, p_permission USING ERRCODE = 'PT403',
      DETAIL = 'permission.missing',
      HINT = pg_catalog.format('Ask an administrator of your organization for a role with %s.', p_permission);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_permission_anywhere(text, text) IS
  'Refuses (PT403 permission.missing, naming the permission) a caller who holds p_permission neither tenant-wide nor at any site.';

CREATE OR REPLACE FUNCTION app_private.require_report_source(p_source app.report_sources) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- Tenant-wide, or at some site: row-level security of the source decides
  -- which sites' rows a site-scoped holder gets.
  PERFORM app_private.require_permission_anywhere(p_source.permission, 'reports on ' || p_source.key);
END
$$;
COMMENT ON FUNCTION app_private.require_report_source(app.report_sources) IS
  'Refuses (PT403 permission.missing, naming it) a caller who holds the source''s permission neither tenant-wide nor at any site; the source''s row-level security then decides the rows.';
