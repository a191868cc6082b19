-- Catalog lints: rules that every object in the Pulse schemas must follow,
-- read from the catalog so that a new object breaking them fails here.
BEGIN;
SELECT plan(25);

SELECT is_empty($$
  SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
$$, 'RLS is enabled and forced on every table in app');

SELECT is_empty($$
  SELECT c.relname FROM pg_class c
   WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND NOT EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid)
$$, 'every table in app has at least one policy');

-- Grants and policies go together (db/policies/00_reset.sql): every
-- privilege an API role holds on a table (on the table or on any column) is
-- met by a policy for that role and command, and every policy names a role
-- and command that some grant makes reachable. A grant without its policy
-- is a rule forgotten (RLS then silently returns nothing); a policy without
-- its grant is dead code that reads as access.
CREATE TEMP VIEW api_privileges AS
SELECT c.oid, c.oid::regclass::text AS table_name, r.role, k.cmd, k.polcmd
  FROM pg_class c,
       (VALUES ('anon'), ('app_user'), ('app_admin')) AS r(role),
       (VALUES ('SELECT', 'r'::"char"), ('INSERT', 'a'), ('UPDATE', 'w'), ('DELETE', 'd')) AS k(cmd, polcmd)
 WHERE c.relnamespace IN ('app'::regnamespace, 'audit'::regnamespace) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND CASE k.cmd WHEN 'DELETE' THEN has_table_privilege(r.role, c.oid, k.cmd)
                  ELSE has_any_column_privilege(r.role, c.oid, k.cmd) END;

SELECT is_empty($$
  SELECT g.table_name || ': ' || g.role || ' ' || g.cmd FROM api_privileges g
   WHERE NOT EXISTS (SELECT FROM pg_policy p
                      WHERE p.polrelid = g.oid AND p.polpermissive AND g.role::regrole = ANY (p.polroles)
                        AND p.polcmd IN ('*', g.polcmd))
$$, 'every table privilege of an API role has a policy for that role and command');

SELECT is_empty($$
  SELECT p.polrelid::regclass::text || ': ' || p.polname || ' to ' || r::regrole::text
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid, unnest(p.polroles) AS r
   WHERE c.relnamespace IN ('app'::regnamespace, 'audit'::regnamespace)
     AND NOT EXISTS (SELECT FROM api_privileges g
                      WHERE g.oid = p.polrelid AND g.role::regrole = r AND p.polcmd IN ('*', g.polcmd))
$$, 'every policy names only roles and commands a grant makes reachable');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit') AND p.prosecdef
     AND NOT EXISTS (SELECT FROM unnest(p.proconfig) AS setting WHERE setting LIKE 'search_path=%')
$$, 'every SECURITY DEFINER function pins its search_path');

-- docs/architecture.md "fast paths": a LANGUAGE sql helper that a policy or
-- a view calls is one the planner should inline, so it is neither SECURITY
-- DEFINER nor carries a SET clause (SET search_path included: its names are
-- qualified instead) and is IMMUTABLE or STABLE. A SQL helper that is
-- neither definer nor inlinable is planned again on every call for nothing.
-- The dependencies of policies and views (pg_depend) say what they call.
-- Allowed, each for its reason:
--   app_private.production_run_oee, app_private.production_run_stop_losses:
--     defined by their migrations (reporting/production_kpis,
--     reporting/oee_downtime_reasons) because materialized views depend on
--     them; read once per run by the refresh-kpis job and per call of the
--     OEE RPCs (PL/pgSQL, plan cached), never row by row in a request.
SELECT is_empty($$
  SELECT DISTINCT p.oid::regprocedure::text || ' in ' ||
         CASE WHEN d.classid = 'pg_policy'::regclass THEN 'policy ' || pol.polrelid::regclass::text || '.' || pol.polname
              ELSE 'view ' || r.ev_class::regclass::text END
    FROM pg_proc p
    JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'sql'
    JOIN pg_depend d ON d.refclassid = 'pg_proc'::regclass AND d.refobjid = p.oid
                    AND d.classid IN ('pg_policy'::regclass, 'pg_rewrite'::regclass)
    LEFT JOIN pg_policy pol ON d.classid = 'pg_policy'::regclass AND pol.oid = d.objid
    LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
   WHERE p.pronamespace IN ('app'::regnamespace, 'app_private'::regnamespace, 'auth'::regnamespace, 'audit'::regnamespace)
     AND NOT p.prosecdef
     AND (p.proconfig IS NOT NULL OR p.provolatile = 'v')
     AND p.oid::regprocedure::text NOT IN ('app_private.production_run_oee(app.production_runs,numeric)',
                                           'app_private.production_run_stop_losses(app.production_runs,numeric)')
$$, 'every SQL helper a policy or view calls can be inlined (no SET, not SECURITY DEFINER, not VOLATILE) but the allowed ones');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit')
     AND has_function_privilege('public', p.oid, 'EXECUTE')
$$, 'no function is executable by PUBLIC; grants are per signature');

SELECT is_empty($$
  SELECT schemaname || '.' || tablename || ': ' || policyname FROM pg_policies
   WHERE schemaname IN ('app', 'app_private', 'auth', 'audit')
     AND regexp_replace(regexp_replace(coalesce(qual, '') || ' ' || coalesce(with_check, ''),
                        '\(\s*SELECT\s+auth\.\w+\([^()]*\)(\s+AS\s+\w+)?\s*\)', '', 'gi'),
                        -- Decided row by row on purpose: whether the caller may see the row's entity
                        -- (tables that hang off entities, docs/conventions.md "Entities and the platform blocks").
                        -- and whether they hold a permission at that entity's site.
                        'auth\.(can_see_entity|can_change_entity|check_entity|check_mentions)\(entity_type, entity_id(, mention_ids)?\)'
                        '|auth\.(has_entity_permission|check_entity_permission)\(''[a-z_.]+''::text, entity_type, entity_id\)', '', 'g') ~ 'auth\.\w+\('
$$, 'every policy wraps its auth.* calls in a sub-select (evaluated once per statement), but the per-row entity checks');

SELECT is_empty($$
  WITH tenant_tables AS (
    SELECT a.attrelid AS oid, a.attnum AS organization_attnum
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('app', 'app_private', 'audit') AND a.attname = 'organization_id' AND a.attnotnull
       AND NOT a.attisdropped
  )
  SELECT con.conrelid::regclass::text || ' ' || con.conname
    FROM pg_constraint con JOIN tenant_tables t ON t.oid = con.conrelid
   WHERE (con.contype IN ('p', 'u', 'x')
          OR (con.contype = 'f' AND con.confrelid IN (SELECT oid FROM tenant_tables)))
     AND NOT t.organization_attnum = ANY (con.conkey)
$$, 'every key of a tenant table includes organization_id');

SELECT is_empty($$
  SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f') AND NOT c.relispartition
     AND (CASE c.relkind WHEN 'c' THEN obj_description(c.reltype, 'pg_type')
                         ELSE obj_description(c.oid, 'pg_class') END) IS NULL
$$, 'every table, view and type in app has a COMMENT');

SELECT is_empty($$
  SELECT c.relname || '.' || a.attname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p', 'v', 'm', 'c') AND NOT c.relispartition
     AND col_description(c.oid, a.attnum) IS NULL
$$, 'every column of every table, view and type in app has a COMMENT');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app', 'auth') AND obj_description(p.oid, 'pg_proc') IS NULL
$$, 'every function in app and auth has a COMMENT');

SELECT results_eq($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'app' AND has_function_privilege('anon', p.oid, 'EXECUTE')
   ORDER BY 1
$$, ARRAY['app.accept_invitation(text,text,text)', 'app.calendar_feed(text)', 'app.calendar_ics(text)', 'app.health()',
         'app.login(text,text,uuid)', 'app.refresh(text)',
         'app.submit_work_request(text,text,text,text)', 'app.theme(text,text)', 'app.unsubscribe_email(text)', 'app.work_request_asset(text)'],
  'anonymous callers may execute exactly accept_invitation, calendar_feed, calendar_ics, health, login, refresh, submit_work_request, theme, unsubscribe_email and work_request_asset');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app_private', 'audit')
     AND (has_function_privilege('anon', p.oid, 'EXECUTE') OR has_function_privilege('app_user', p.oid, 'EXECUTE'))
$$, 'private helpers are executable by no API role');

-- A SECURITY INVOKER function an API role may call runs its body as that
-- role, which may execute no private helper: calling one fails with
-- "permission denied" (a 403) where its own refusal was meant.
SELECT is_empty($$
  SELECT DISTINCT p.oid::regprocedure::text || ' calls ' || h.oid::regprocedure::text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
         regexp_matches(regexp_replace(p.prosrc, '--[^\n]*', '', 'g'), '(app_private|audit)\.(\w+)\s*\(', 'g') AS m
    JOIN pg_proc h ON h.pronamespace = m[1]::regnamespace AND h.proname = m[2]
   WHERE n.nspname IN ('app', 'auth') AND NOT p.prosecdef
     AND (has_function_privilege('app_user', p.oid, 'EXECUTE') OR has_function_privilege('anon', p.oid, 'EXECUTE'))
     AND NOT has_function_privilege('app_user', h.oid, 'EXECUTE')
$$, 'no function an API role calls as itself calls a private helper');

-- The same for triggers: a trigger function runs as the role whose write fired it.
SELECT is_empty($$
  SELECT DISTINCT p.oid::regprocedure::text || ' calls ' || h.oid::regprocedure::text
    FROM pg_proc p,
         regexp_matches(regexp_replace(p.prosrc, '--[^\n]*', '', 'g'), '(app_private|audit)\.(\w+)\s*\(', 'g') AS m
    JOIN pg_proc h ON h.pronamespace = m[1]::regnamespace AND h.proname = m[2]
   WHERE p.prorettype = 'trigger'::regtype AND NOT p.prosecdef
     AND NOT has_function_privilege('app_user', h.oid, 'EXECUTE')
     AND EXISTS (SELECT FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                  WHERE t.tgfoid = p.oid AND c.relnamespace = 'app'::regnamespace
                    AND (has_any_column_privilege('app_user', c.oid, 'INSERT') OR has_any_column_privilege('app_user', c.oid, 'UPDATE')
                         OR has_table_privilege('app_user', c.oid, 'DELETE')))
$$, 'no trigger on a table an API role writes calls a private helper as that role');

-- docs/conventions.md: a trigger's name is _NNN_<what>, so PostgreSQL's
-- name order is the firing order the prefix table there describes.
SELECT is_empty($$
  SELECT t.tgrelid::regclass::text || '.' || t.tgname
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace IN ('app'::regnamespace, 'app_private'::regnamespace, 'audit'::regnamespace)
     AND NOT c.relispartition  -- a partition's triggers are its parent's
     AND NOT t.tgisinternal AND t.tgname !~ '^_[0-9]{3}_[a-z0-9_]+$'
$$, 'every trigger is named _NNN_<what>, its prefix giving its place in the firing order');

-- 19.3: a BEFORE trigger on a tenant table that reads other data must refuse
-- a row of another tenant before it looks anything up, by calling the shared
-- guard as its first statement (no initialized declarations before it).
-- Exempt, and only these:
--   * functions on the allow-list below, which read nothing but the row;
--   * UPDATE-only triggers on tables whose organization_id no tenant-bound
--     API role (app_user, anon) may update: row-level security has already
--     kept the row in the caller's tenant before a BEFORE UPDATE trigger sees
--     it. (app_admin is a platform operator, whom the guard lets through.)
CREATE TEMP VIEW before_triggers AS
SELECT t.tgrelid::regclass::text || '.' || t.tgname || ' -> ' || p.oid::regproc::text AS trigger_name,
       p.oid::regproc::text AS function_name, p.prosrc, (t.tgtype & 4) <> 0 AS on_insert,
       has_column_privilege('app_user', t.tgrelid, a.attnum, 'UPDATE')
         OR has_column_privilege('anon', t.tgrelid, a.attnum, 'UPDATE') AS tenant_updatable
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attname = 'organization_id' AND NOT a.attisdropped
  JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE n.nspname = 'app' AND NOT t.tgisinternal AND NOT c.relispartition  -- a partition's are its parent's
   AND (t.tgtype & 1) <> 0                -- FOR EACH ROW
   AND (t.tgtype & 2) <> 0                -- BEFORE
   AND (t.tgtype & (4 | 16)) <> 0;        -- INSERT or UPDATE

SELECT ok((SELECT count(*) FROM before_triggers) >= 10, 'the trigger lint finds the BEFORE triggers of tenant tables');
SELECT is_empty($$
  SELECT trigger_name FROM before_triggers
   WHERE prosrc !~* '^\s*(DECLARE\s[^:]*?)?BEGIN\s+(--[^\n]*\n\s*)*PERFORM\s+app_private\.refuse_foreign_tenant\('
     AND function_name NOT IN (
       'app_private.tg__touch_updated_at',             -- stamps updated_at
       'app_private.tg__append_only',                  -- refuses the change, reads nothing
       'app_private.tg_document_versions__immutable',  -- compares OLD and NEW only
       'app_private.tg_fill_keys',                     -- fills the row's keys from the claims
       'app_private.tg_custom_fields__check',          -- runs as the caller (references are checked under
                                                       -- their RLS); its one owner's-rights lookup,
                                                       -- auth.custom_field_check, calls the guard first
       'app_private.tg_lab__require_sample_handler',   -- runs as the caller: reads the sample under their RLS
       'app_private.tg_service_requests__require_manager', -- runs as the caller: checks their permission, reads no row
       'app_private.tg_downtime_reasons__loss_category', -- compares OLD and NEW only
       'app_private.tg_keep_fixed_columns')            -- compares OLD and NEW only
     AND (on_insert OR tenant_updatable)
$$, 'every BEFORE INSERT/UPDATE trigger on a tenant table that reads data calls app_private.refuse_foreign_tenant first');

-- Upsert needs UPDATE on the keys (db/policies/00_reset.sql); wherever an API
-- role holds it, _010_keep_fixed_columns keeps id and organization_id as they
-- are, before any other BEFORE UPDATE trigger reads the row.
SELECT is_empty($$
  SELECT c.oid::regclass::text || '.' || a.attname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname IN ('id', 'organization_id') AND NOT a.attisdropped
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND (has_column_privilege('app_user', c.oid, a.attnum, 'UPDATE') OR has_column_privilege('anon', c.oid, a.attnum, 'UPDATE'))
     AND NOT EXISTS (
       SELECT FROM pg_trigger t
        WHERE t.tgrelid = c.oid AND t.tgname = '_010_keep_fixed_columns'
          AND t.tgfoid = 'app_private.tg_keep_fixed_columns'::regproc
          AND a.attname = ANY (string_to_array(encode(t.tgargs, 'escape'), '\000'))
          AND NOT EXISTS (SELECT FROM pg_trigger o WHERE o.tgrelid = c.oid AND NOT o.tgisinternal
                             AND (o.tgtype & 2) <> 0 AND (o.tgtype & 16) <> 0 AND o.tgname < t.tgname))
$$, 'every key column an API role may update is kept unchanged by _010_keep_fixed_columns, the first BEFORE UPDATE trigger');

-- config/graphile/shape.mjs (ServerFilledKeysPlugin) tells GraphQL that id and
-- organization_id have a default; it holds because _000_fill_keys fills them
-- wherever an API role may insert a row without them.
SELECT is_empty($$
  SELECT c.oid::regclass::text || '.' || a.attname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname IN ('id', 'organization_id') AND NOT a.attisdropped
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnotnull AND NOT a.atthasdef
     AND has_any_column_privilege('app_user', c.oid, 'INSERT')
     AND NOT EXISTS (SELECT FROM pg_trigger t
                      WHERE t.tgrelid = c.oid AND t.tgname = '_000_fill_keys'
                        AND a.attname = ANY (string_to_array(encode(t.tgargs, 'escape'), '\000')))
$$, 'every id and organization_id an API role may leave out of an insert is filled by _000_fill_keys');

-- #9.10: functions and triggers never signal each other through custom
-- session settings, which any SQL session could set; what a rule needs comes
-- as a parameter or from the data. Allowed: request.* and response.* (set by
-- the servers per request) and cron.database_name (server configuration).
SELECT is_empty($$
  SELECT p.oid::regprocedure::text || ': ' || m[2]
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
         LATERAL regexp_matches(p.prosrc, '(current_setting|set_config)\s*\(\s*''([^'']+)''', 'gi') AS m
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit')
     AND m[2] LIKE '%.%' AND m[2] !~ '^(request|response)\.' AND m[2] <> 'cron.database_name'
$$, 'no function reads or sets a custom session setting (no signalling through GUCs)');

-- PostgREST publishes a comment's first line as the OpenAPI title; the
-- PostGraphile smart tags live in config/postgraphile.tags.json5.
SELECT is_empty($$
  SELECT d.objoid::pg_catalog.text || '/' || d.objsubid
    FROM pg_catalog.pg_description AS d
   WHERE d.description ~ '^\s*@'
     AND (   (d.classoid = 'pg_catalog.pg_class'::regclass
              AND (SELECT relnamespace FROM pg_catalog.pg_class WHERE oid = d.objoid) = 'app'::regnamespace)
          OR (d.classoid = 'pg_catalog.pg_proc'::regclass
              AND (SELECT pronamespace FROM pg_catalog.pg_proc WHERE oid = d.objoid) = 'app'::regnamespace)
          OR (d.classoid = 'pg_catalog.pg_type'::regclass
              AND (SELECT typnamespace FROM pg_catalog.pg_type WHERE oid = d.objoid) = 'app'::regnamespace)
          OR (d.classoid = 'pg_catalog.pg_constraint'::regclass
              AND (SELECT connamespace FROM pg_catalog.pg_constraint WHERE oid = d.objoid) = 'app'::regnamespace))
$$, 'no comment on an exposed object starts with a smart tag: its first line is a human title');

-- Collected at top level: plpgsql_check misbehaves when called from inside
-- another PL/pgSQL function (as pgTAP's is_empty would call it).
CREATE TEMP TABLE plpgsql_errors ON COMMIT DROP AS
SELECT p.oid::regprocedure::text || ': ' || c.message AS error
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
  -- one trigger that fires it, one with the most transition tables (an
  -- update's old and new rows rather than a delete's old ones only)
  LEFT JOIN LATERAL (SELECT t.tgrelid, t.tgoldtable, t.tgnewtable FROM pg_trigger t WHERE t.tgfoid = p.oid
                      ORDER BY (t.tgoldtable IS NOT NULL)::int + (t.tgnewtable IS NOT NULL)::int DESC, t.oid LIMIT 1) AS t ON true,
       LATERAL plpgsql_check_function_tb(p.oid,
         relid => CASE WHEN p.prorettype = 'trigger'::regtype THEN t.tgrelid ELSE 0 END,
         -- statement triggers read their transition tables by these names
         oldtable => t.tgoldtable, newtable => t.tgnewtable) AS c
 WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit') AND c.level = 'error'
   -- a trigger function is checked against a table it fires on (none: nothing to check it against)
   AND (p.prorettype <> 'trigger'::regtype OR EXISTS (SELECT FROM pg_trigger t WHERE t.tgfoid = p.oid));
SELECT is_empty('SELECT error FROM plpgsql_errors', 'plpgsql_check reports no error in any function');

-- A function a policy calls runs once per statement of every API read. Its
-- queries compare with the claims bound to variables first: written inline,
-- auth.org_id() and auth.user_id() parse the claims again for every row a
-- sequential scan filters (auth.partner_id() took 55 µs on 34 memberships).
SELECT is_empty($$
  SELECT DISTINCT f.oid::regprocedure
    FROM pg_depend AS d
    JOIN pg_proc AS f ON f.oid = d.refobjid
   WHERE d.classid = 'pg_policy'::regclass AND d.refclassid = 'pg_proc'::regclass
     AND f.prosrc ~ '[^:]=\s*auth\.(org_id|user_id)\(\)|(IN|ANY)\s*\(\s*auth\.(org_id|user_id)\(\)'
$$, 'functions that policies call bind the claims before they query');

SELECT * FROM finish();
ROLLBACK;
