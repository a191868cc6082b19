-- Writes over HTTP to views of the API schema that PostgreSQL cannot update
-- by itself (joins, UNION, aggregates) are refused by the pre-request
-- (auth.check_request, which PostgREST runs with request.method and
-- request.path set): 42501 view.no_privilege for a role without the
-- privilege (every API role: views are granted SELECT only), PT405
-- view.read_only for one with it; never the rewrite error 55000 (HTTP 500).
-- Every view of `app` is found in the catalog, so a new one is covered.
BEGIN;

CREATE TEMP TABLE api_views ON COMMIT DROP AS
SELECT c.relname::text AS name, pg_catalog.pg_relation_is_updatable(c.oid, true) AS updatable
  FROM pg_class AS c
 WHERE c.relnamespace = 'app'::regnamespace AND c.relkind = 'v'
 ORDER BY 1;
CREATE TEMP TABLE writes ON COMMIT DROP AS
SELECT v.name, m.method, v.updatable & m.bit <> 0 AS postgres_can
  FROM api_views AS v, (VALUES ('POST', 8), ('PATCH', 4), ('DELETE', 16)) AS m (method, bit);
GRANT SELECT ON api_views, writes TO PUBLIC;

SELECT plan(5 + (SELECT count(*)::int FROM writes) + (SELECT count(*)::int FROM writes WHERE NOT postgres_can));

-- What the pre-request answers a request: 'no error', or 'SQLSTATE reason'.
CREATE FUNCTION pg_temp.http(p_method text, p_path text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_state text;
  v_detail text;
BEGIN
  PERFORM pg_catalog.set_config('request.method', p_method, true);
  PERFORM pg_catalog.set_config('request.path', p_path, true);
  PERFORM auth.check_request();
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
  RETURN pg_catalog.btrim(v_state || ' ' || coalesce(v_detail, ''));
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.http(text, text) TO PUBLIC;

SELECT ok((SELECT count(*) FROM api_views WHERE updatable = 0) >= 10, 'the catalog finds the views PostgreSQL cannot update');

-- A member of a tenant (an admin: the most an API role holds).
SELECT tests.remember('tenant', tests.create_tenant());
SELECT tests.act_as(tests.create_member(tests.recall('tenant'), 'admin'), tests.recall('tenant'));
SELECT is(pg_temp.http(method, '/' || name),
          CASE WHEN postgres_can THEN 'no error' ELSE '42501 view.no_privilege' END,
          format('%s %s: %s', method, name, CASE WHEN postgres_can THEN 'left to PostgreSQL''s privileges'
                                                 ELSE 'refused for lack of privilege before the rewrite' END))
  FROM writes ORDER BY name, method;
SELECT is(pg_temp.http('GET', '/activity_log'), 'no error', 'reading a view passes');
SELECT is(pg_temp.http('DELETE', '/projects'), 'no error', 'writing a table is left to its privileges and policies');
SELECT is(pg_temp.http('POST', '/rpc/login'), 'no error', 'so is calling a function');
SELECT tests.act_as_owner();

-- A role that holds every privilege (the owner): refused as read-only.
SELECT is(pg_temp.http(method, '/' || name), 'PT405 view.read_only', format('%s %s by a privileged role: read-only', method, name))
  FROM writes WHERE NOT postgres_can ORDER BY name, method;
SELECT is(pg_temp.http('DELETE', '/activity_log/'), 'PT405 view.read_only', 'a trailing slash changes nothing');

SELECT * FROM finish();
ROLLBACK;
