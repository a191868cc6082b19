-- Report executions (migration reporting/reports): app.run_report checks and
-- queues one; the worker (config/worker/tasks/report_export.mjs) asks
-- app_private.report_execution_start for the file, which runs the query AS THE
-- REQUESTER: their claims and the app_user role for the query only, so the
-- source's row-level security applies exactly as it would to their own
-- request, and auth.check_request refuses a requester suspended or removed
-- since. The worker stores the file and reports it to
-- app_private.report_execution_finish. Only the requester sees an execution
-- and downloads its file (app.report_execution_url).

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.report_executions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.report_definition_snapshot(p_definition app.report_definitions) RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object('name', p_definition.name, 'source_key', p_definition.source_key,
    'columns', pg_catalog.to_jsonb(p_definition.columns), 'filters', p_definition.filters, 'sort', p_definition.sort,
    'row_limit', p_definition.row_limit, 'parameters', p_definition.parameters)
$$;
COMMENT ON FUNCTION app_private.report_definition_snapshot(app.report_definitions) IS
  'What an execution runs: the definition''s name, source, columns, filters, sort, row limit and parameters when it was requested.';

CREATE OR REPLACE FUNCTION app_private.report_object_path(p_execution app.report_executions) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT 'reports/' || p_execution.id || '.' || p_execution.format::text
$$;
COMMENT ON FUNCTION app_private.report_object_path(app.report_executions) IS
  'Where an execution''s file is stored inside its tenant''s storage: reports/<execution id>.csv, .jsonl or .pdf.';

CREATE OR REPLACE FUNCTION app_private.report_mime_type(p_format app.report_format) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE p_format::text WHEN 'jsonl' THEN 'application/x-ndjson' WHEN 'pdf' THEN 'application/pdf' ELSE 'text/csv' END
$$;
COMMENT ON FUNCTION app_private.report_mime_type(app.report_format) IS
  'The media type of a report file: text/csv, application/x-ndjson or application/pdf.';

CREATE OR REPLACE FUNCTION app.run_report(definition_id uuid, parameters jsonb DEFAULT '{}', format text DEFAULT 'csv')
RETURNS app.report_executions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_definition app.report_definitions;
  v_snapshot jsonb;
  v_values jsonb;
  v_execution app.report_executions;
BEGIN
  IF auth.user_id() IS NULL OR auth.org_id() IS NULL THEN
    RAISE EXCEPTION 'reports are run by a signed-in member' USING ERRCODE = 'PT401', DETAIL = 'session.required',
      HINT = 'Sign in and choose an organization.';
  END IF;
  PERFORM app_private.require_permission_anywhere('report.use', 'running reports');
  -- The definitions the caller reads (policy report_definitions_select_user).
  SELECT * INTO v_definition FROM app.report_definitions AS d
   WHERE d.organization_id = auth.org_id() AND d.id = run_report.definition_id AND auth.partner_id() IS NULL
     AND (d.owner_id = auth.user_id() OR d.visibility = 'shared');
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no report definition %', run_report.definition_id USING ERRCODE = 'PT404', DETAIL = 'report.not_found',
      HINT = 'GET /report_definitions lists the reports you may run.';
  END IF;
  IF run_report.format IS NULL OR run_report.format NOT IN ('csv', 'jsonl', 'pdf') THEN
    PERFORM app_private.raise_invalid('report.format_invalid', pg_catalog.format('%L is not a report format', pg_catalog.left(run_report.format, 50)),
      'format is csv, jsonl or pdf.');
  END IF;
  PERFORM app_private.require_report_source(app_private.report_source(v_definition.source_key));
  v_snapshot := app_private.report_definition_snapshot(v_definition);
  v_values := app_private.report_parameter_values(v_definition.parameters, run_report.parameters);
  PERFORM app_private.report_query(v_snapshot, v_values);  -- builds now: a definition the register no longer allows fails here
  INSERT INTO app.report_executions (organization_id, definition_id, definition, parameters, format, requested_by)
  VALUES (v_definition.organization_id, v_definition.id, v_snapshot, v_values,
          run_report.format::app.report_format, auth.user_id())
  RETURNING * INTO v_execution;
  PERFORM app_private.enqueue_job('report_export', pg_catalog.jsonb_build_object('organization_id', v_execution.organization_id,
                                  'execution_id', v_execution.id), p_job_key => 'report_export:' || v_execution.id, p_max_attempts => 3);
  RETURN v_execution;
END
$$;
COMMENT ON FUNCTION app.run_report(uuid, jsonb, text) IS
  E'Run a report\nQueues an execution of a report definition you may read (yours, or shared) with parameter values (defaults fill the rest) as a csv, jsonl or pdf file (the PDF: the report''s name, parameters and run time, then its rows as a table paged with the header repeated, and the row count): the worker runs it with your rights, so the file holds only rows you may read, and stores it. Poll GET /report_executions?id=eq.<id> until status is succeeded (row_count, duration_ms, sha256, size_bytes), then download it with POST /rpc/report_execution_url. Needs report.use and the source''s permission, each tenant-wide or at some site.\nErrors: PT401 session.required, PT403 permission.missing, PT404 report.not_found, PT422 report.format_invalid, report.parameters_invalid, report.parameter_unknown, report.parameter_missing, report.value_invalid, report.source_unknown.';

CREATE OR REPLACE FUNCTION app_private.report_csv_field(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  -- RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
  -- NULL is the empty field; an empty string is "" so the two stay apart.
  SELECT CASE WHEN p_value IS NULL THEN ''
              WHEN p_value = '' OR p_value ~ '[",\r\n]' THEN '"' || pg_catalog.replace(p_value, '"', '""') || '"'
              ELSE p_value END
$$;
COMMENT ON FUNCTION app_private.report_csv_field(text) IS
  'One CSV field (RFC 4180): quoted with doubled quotes when it holds a comma, quote, CR or LF; NULL is empty, the empty string "".';

-- A spreadsheet opening the file runs a cell that begins with =, +, -, @,
-- a tab or a CR as a formula: text someone typed into a record (a title
-- "=HYPERLINK(...)") would run on the reader's machine. Such a text value
-- gets a leading apostrophe, which spreadsheets show as text (OWASP's CSV
-- injection advice); numbers (-5) and every other value are left as they are.
CREATE OR REPLACE FUNCTION app_private.report_csv_value(p_value json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT CASE WHEN pg_catalog.json_typeof(p_value) = 'string' AND (p_value #>> '{}') ~ E'^[=+@\t\r-]'
              THEN '''' || (p_value #>> '{}')
              ELSE p_value #>> '{}' END
$$;
COMMENT ON FUNCTION app_private.report_csv_value(json) IS
  'A report value as its CSV text: a string that a spreadsheet would run as a formula (beginning with =, +, -, @, tab or CR) gets a leading apostrophe; numbers and other values as JSON renders them; null is NULL.';

CREATE OR REPLACE FUNCTION app_private.report_file(p_columns text[], p_rows json, p_format app.report_format) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE p_format
    WHEN 'jsonl' THEN coalesce((SELECT pg_catalog.string_agg(r::text || E'\n', '' ORDER BY n)
                                  FROM pg_catalog.json_array_elements(p_rows) WITH ORDINALITY AS x (r, n)), '')
    ELSE (SELECT pg_catalog.string_agg(app_private.report_csv_field(c), ',' ORDER BY o)
            FROM pg_catalog.unnest(p_columns) WITH ORDINALITY AS x (c, o)) || E'\r\n'
         || coalesce((SELECT pg_catalog.string_agg(
                               (SELECT pg_catalog.string_agg(app_private.report_csv_field(app_private.report_csv_value(r -> c)), ',' ORDER BY o)
                                  FROM pg_catalog.unnest(p_columns) WITH ORDINALITY AS y (c, o)) || E'\r\n', '' ORDER BY n)
                        FROM pg_catalog.json_array_elements(p_rows) WITH ORDINALITY AS x (r, n)), '') END
$$;
COMMENT ON FUNCTION app_private.report_file(text[], json, app.report_format) IS
  'The file of a report from its rows (a JSON array of objects in column order): csv is RFC 4180 with a header row and CRLF after every record, values as JSON renders them (ISO 8601 times), text that a spreadsheet would run as a formula behind an apostrophe (app_private.report_csv_value); jsonl is one JSON object per line, types kept.';

CREATE OR REPLACE FUNCTION app_private.report_execution_start(p_organization_id uuid, p_execution_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_execution app.report_executions;
  v_columns text[];
  v_sql text;
  v_count integer;
  v_rows json;
  v_body text;
  v_role text := current_user;
  v_put_url text;
  v_reason text;
  v_message text;
  v_state text;
BEGIN
  UPDATE app.report_executions AS e
     SET status = 'running', attempts = e.attempts + 1, started_at = coalesce(e.started_at, pg_catalog.clock_timestamp())
   WHERE e.organization_id = p_organization_id AND e.id = p_execution_id AND e.status IN ('queued', 'running')
  RETURNING * INTO v_execution;
  IF NOT FOUND THEN
    RETURN NULL;  -- done already, failed for good, or purged
  END IF;
  BEGIN
    -- First, so an object store that is not configured fails the execution
    -- with its reason (object_storage.not_configured) instead of the job.
    v_put_url := (app_private.presign_tenant_object(p_organization_id, 'PUT', app_private.report_object_path(v_execution), 900, true)).url;
    v_columns := ARRAY(SELECT pg_catalog.jsonb_array_elements_text(v_execution.definition -> 'columns'));
    IF pg_catalog.cardinality(v_columns) = 0 THEN
      v_columns := (app_private.report_source(v_execution.definition ->> 'source_key')).default_columns;
    END IF;
    -- Become the requester for this transaction: their claims, then the API
    -- role, exactly what a request of theirs runs as.
    PERFORM pg_catalog.set_config('request.jwt.claims', pg_catalog.jsonb_build_object(
      'sub', v_execution.requested_by, 'role', 'app_user', 'org_id', v_execution.organization_id)::text, true);
    PERFORM pg_catalog.set_config('TimeZone', 'UTC', true);
    -- As of now, not as of the request: permissions revoked since count.
    PERFORM app_private.require_permission_anywhere('report.use', 'running reports');
    PERFORM app_private.require_report_source(app_private.report_source(v_execution.definition ->> 'source_key'));
    v_sql := app_private.report_query(v_execution.definition, v_execution.parameters);
    PERFORM pg_catalog.set_config('role', 'app_user', true);
    PERFORM auth.check_request();  -- a suspended user, an ended membership, a deleted tenant: refused
    EXECUTE v_sql INTO v_count, v_rows;
    PERFORM pg_catalog.set_config('role', v_role, true);
    PERFORM pg_catalog.set_config('request.jwt.claims', '', true);
  EXCEPTION WHEN OTHERS THEN
    -- The subtransaction is rolled back: the role and claims are the owner's again.
    GET STACKED DIAGNOSTICS v_reason = PG_EXCEPTION_DETAIL, v_message = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
    UPDATE app.report_executions AS e
       SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),
           duration_ms = (extract(epoch FROM pg_catalog.clock_timestamp() - e.started_at) * 1000)::integer,
           error_code = pg_catalog.left(CASE WHEN v_state LIKE 'PT%' AND v_reason ~ '^[a-z_]+\.[a-z_.]+$' THEN v_reason ELSE v_state END, 200),
           error_message = pg_catalog.left(v_message, 2000)
     WHERE e.organization_id = p_organization_id AND e.id = p_execution_id;
    RETURN NULL;
  END;
  UPDATE app.report_executions AS e SET row_count = v_count
   WHERE e.organization_id = p_organization_id AND e.id = p_execution_id;
  IF v_execution.format::text = 'pdf' THEN
    -- The worker draws the PDF (pdfkit) from the rows and what heads them.
    RETURN pg_catalog.jsonb_build_object(
      'execution_id', v_execution.id, 'format', 'pdf', 'row_count', v_count, 'mime_type', 'application/pdf', 'put_url', v_put_url,
      'title', v_execution.definition ->> 'name', 'columns', pg_catalog.to_jsonb(v_columns),
      'rows', coalesce(v_rows::jsonb, '[]'), 'parameters', v_execution.parameters,
      'requested_at', v_execution.requested_at, 'run_at', pg_catalog.clock_timestamp());
  END IF;
  v_body := app_private.report_file(v_columns, v_rows, v_execution.format);
  RETURN pg_catalog.jsonb_build_object(
    'execution_id', v_execution.id, 'format', v_execution.format, 'row_count', v_count, 'body', v_body,
    'mime_type', CASE v_execution.format WHEN 'jsonl' THEN 'application/x-ndjson' ELSE 'text/csv; charset=utf-8' END,
    'put_url', v_put_url);
END
$$;
COMMENT ON FUNCTION app_private.report_execution_start(uuid, uuid) IS
  'For the report_export task: counts an attempt (status running) and runs the report as its requester (their claims and the app_user role for the query only: the source''s row-level security applies; auth.check_request, report.use and the source''s permission are checked as of now). Returns the file (body, mime_type, row_count; for pdf instead the title, columns, rows, parameters, requested_at and run_at the worker draws it from) and a presigned PUT URL for it (worker endpoint, 15 minutes); on an error of the query marks the execution failed with the reason code (or SQLSTATE) and message and returns NULL; NULL too when it is not queued or running.';

CREATE OR REPLACE FUNCTION app_private.report_execution_finish(
  p_organization_id uuid, p_execution_id uuid, p_sha256 text, p_size bigint, p_error text, p_final boolean
) RETURNS app.report_execution_status
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_execution app.report_executions;
BEGIN
  IF p_error IS NULL THEN
    UPDATE app.report_executions AS e
       SET status = 'succeeded', object_key = app_private.report_object_path(e), sha256 = p_sha256, size_bytes = p_size,
           mime_type = app_private.report_mime_type(e.format),
           finished_at = pg_catalog.clock_timestamp(),
           duration_ms = (extract(epoch FROM pg_catalog.clock_timestamp() - e.started_at) * 1000)::integer,
           error_code = NULL, error_message = NULL
     WHERE e.organization_id = p_organization_id AND e.id = p_execution_id AND e.status = 'running'
    RETURNING * INTO v_execution;
  ELSE
    UPDATE app.report_executions AS e
       SET status = CASE WHEN p_final THEN 'failed' ELSE 'running' END::app.report_execution_status,
           finished_at = CASE WHEN p_final THEN pg_catalog.clock_timestamp() END,
           duration_ms = CASE WHEN p_final THEN (extract(epoch FROM pg_catalog.clock_timestamp() - e.started_at) * 1000)::integer END,
           error_code = 'report.store_failed', error_message = pg_catalog.left(p_error, 2000)
     WHERE e.organization_id = p_organization_id AND e.id = p_execution_id AND e.status = 'running'
    RETURNING * INTO v_execution;
  END IF;
  RETURN v_execution.status;
END
$$;
COMMENT ON FUNCTION app_private.report_execution_finish(uuid, uuid, text, bigint, text, boolean) IS
  'For the report_export task: records the stored file (object key, sha256, size, mime type; status succeeded, duration), or the error of a failed upload (still running while graphile-worker retries; failed with report.store_failed after the last attempt, p_final). Returns the status, NULL when the execution was not running.';

CREATE OR REPLACE FUNCTION app.report_execution_url(execution_id uuid, expires_in integer DEFAULT 300) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_execution app.report_executions;
BEGIN
  -- The same rule as the policy report_executions_select_requester.
  SELECT * INTO v_execution FROM app.report_executions AS e
   WHERE e.organization_id = auth.org_id() AND e.id = report_execution_url.execution_id AND e.requested_by = auth.user_id();
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no report execution %', report_execution_url.execution_id USING ERRCODE = 'PT404',
      DETAIL = 'report_execution.not_found', HINT = 'GET /report_executions lists the reports you ran.';
  END IF;
  IF v_execution.status <> 'succeeded' THEN
    RAISE EXCEPTION 'the report is %', v_execution.status USING ERRCODE = 'PT409', DETAIL = 'report_execution.not_succeeded',
      HINT = 'Wait until status is succeeded; a failed one says why in error_code and error_message.';
  END IF;
  RETURN app_private.presign_tenant_object(v_execution.organization_id, 'GET', v_execution.object_key, report_execution_url.expires_in);
END
$$;
COMMENT ON FUNCTION app.report_execution_url(uuid, integer) IS
  E'Download URL of a report file\nA presigned GET URL for the file of a report execution you requested (nobody else: it holds the rows your rights showed), valid expires_in seconds (300 by default). Compare the file with sha256.\nErrors: PT404 report_execution.not_found, PT409 report_execution.not_succeeded, PT422 object_url.expiry_invalid, PT503 object_storage.not_configured.';

CREATE OR REPLACE FUNCTION app_private.purge_report_executions(p_retention interval DEFAULT '30 days') RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  WITH gone AS (
    DELETE FROM app.report_executions AS e
     WHERE e.requested_at < pg_catalog.now() - p_retention AND e.status IN ('succeeded', 'failed')
    RETURNING e.organization_id, e.object_key
  ), files AS (
    INSERT INTO app_private.object_purges (object_key)
    SELECT app_private.tenant_object_key(g.organization_id, g.object_key) FROM gone AS g WHERE g.object_key IS NOT NULL
    ON CONFLICT (object_key) DO NOTHING
  )
  SELECT count(*) INTO v_count FROM gone;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.purge_report_executions(interval) IS
  'Deletes finished report executions requested longer ago than the retention (30 days by default; job purge-report-executions) and lists their files in app_private.object_purges for `pulse storage purge`; returns how many went.';
