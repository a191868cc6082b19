-- bench/reports.sh: what running a saved report costs over the same query run
-- by its requester, timed inside the database. As management@acme.test (claims
-- and the app_user role, as a request): the report's query on its own (the
-- rows as PostgREST would read them, aggregated to JSON once); then, as the
-- worker does, app_private.report_execution_start of a fresh execution of the
-- same definition (impersonation, checks, the same query, the file built),
-- as csv and as jsonl. Rounds alternate the three; prints per variant the
-- median over rounds (ms) and the median of the rounds' ratios to the query.
\set ON_ERROR_STOP on
CREATE TEMP TABLE timings (round integer, variant text, ms numeric);
GRANT INSERT ON timings TO PUBLIC;

DO $$
DECLARE
  v_org uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_user uuid := (SELECT id FROM app.users WHERE email = 'management@acme.test');
  v_definition uuid := (SELECT id FROM app.report_definitions WHERE name = 'Bench equipment');
  v_claims text;
  v_sql text;
  v_execution uuid;
  v_started timestamptz;
  v_count integer;
  v_rows json;
  v_result jsonb;
  v_format text;
BEGIN
  v_claims := jsonb_build_object('sub', v_user, 'role', 'app_user', 'org_id', v_org)::text;
  v_sql := app_private.report_query(
    app_private.report_definition_snapshot((SELECT d FROM app.report_definitions AS d WHERE d.id = v_definition)), '{}');
  FOR r IN 1 .. current_setting('bench.rounds')::integer LOOP
    -- The query alone, as the requester.
    PERFORM set_config('request.jwt.claims', v_claims, true);
    PERFORM set_config('role', 'app_user', true);
    v_started := clock_timestamp();
    EXECUTE v_sql INTO v_count, v_rows;
    INSERT INTO timings VALUES (r, 'query as the requester', extract(epoch FROM clock_timestamp() - v_started) * 1000);
    FOREACH v_format IN ARRAY ARRAY['csv', 'jsonl'] LOOP
      PERFORM set_config('request.jwt.claims', v_claims, true);
      PERFORM set_config('role', 'app_user', true);
      SELECT e.id INTO v_execution FROM app.run_report(v_definition, '{}', v_format) AS e;
      PERFORM set_config('role', 'none', true);
      PERFORM set_config('request.jwt.claims', '', true);
      v_started := clock_timestamp();
      v_result := app_private.report_execution_start(v_org, v_execution);
      INSERT INTO timings VALUES (r, 'report_execution_start, ' || v_format, extract(epoch FROM clock_timestamp() - v_started) * 1000);
      IF (v_result ->> 'row_count')::integer <> v_count THEN
        RAISE EXCEPTION 'the report has % rows, the query %', v_result ->> 'row_count', v_count;
      END IF;
    END LOOP;
    PERFORM set_config('role', 'none', true);
    PERFORM set_config('request.jwt.claims', '', true);
  END LOOP;
  RAISE NOTICE 'rows per report: %', v_count;
END
$$;

SELECT rpad(t.variant, 36) AS variant, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms)::numeric, 1) AS median_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms / q.ms)::numeric, 2) AS ratio_to_query
  FROM timings AS t JOIN timings AS q ON q.round = t.round AND q.variant = 'query as the requester'
 GROUP BY t.variant ORDER BY 2;
