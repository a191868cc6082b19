-- Catalog lints for the activity log: every audited table has a visibility
-- rule, and nothing exposes the log with more rights than the caller's.
BEGIN;
SELECT plan(7);

CREATE TEMP VIEW audit_triggered AS
SELECT DISTINCT c.relname::text AS table_name, p.proname::text AS trigger_function
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE c.relnamespace = 'app'::regnamespace AND p.pronamespace = 'audit'::regnamespace
   AND p.proname IN ('tg__record_change', 'tg__record_inserts');

SELECT is_empty($$
  SELECT table_name FROM audit_triggered EXCEPT SELECT table_name FROM audit.audited_tables()
$$, 'every audited table has a visibility rule in audit.audited_tables()');

SELECT is_empty($$
  SELECT t.table_name || ' ' || f.name
    FROM audit.audited_tables() AS t CROSS JOIN (VALUES ('tg__record_change'), ('tg__record_inserts')) AS f (name)
  EXCEPT SELECT table_name || ' ' || trigger_function FROM audit_triggered
$$, 'every table in the register has both audit triggers');
SELECT is_empty($$
  SELECT t.table_name || ' ' || w.name
    FROM audit.audited_tables() AS t
   CROSS JOIN (VALUES ('_800_audit', 16, 'tg__record_change'), ('_801_audit_inserts', 4, 'tg__record_inserts'),
                      ('_802_audit_deletes', 8, 'tg__record_change')) AS w (name, event, function)
  EXCEPT
  SELECT c.relname || ' ' || g.tgname
    FROM pg_trigger AS g JOIN pg_class AS c ON c.oid = g.tgrelid JOIN pg_proc AS p ON p.oid = g.tgfoid
    JOIN (VALUES ('_800_audit', 16, 'tg__record_change'), ('_801_audit_inserts', 4, 'tg__record_inserts'),
                 ('_802_audit_deletes', 8, 'tg__record_change')) AS w (name, event, function)
      ON w.name = g.tgname AND p.proname = w.function
   WHERE c.relnamespace = 'app'::regnamespace
     AND g.tgtype & (1 | 2 | 4 | 8 | 16) = w.event  -- after, once per statement, that event only
$$, 'every table in the register is audited after each update, insert and delete statement (_800, _801, _802)');

SELECT is_empty($$
  SELECT table_name FROM audit.audited_tables()
   WHERE deleted_history NOT IN ('readers', 'nobody')
      OR (read_permission IS NOT NULL AND read_permission NOT IN (SELECT code FROM app.permissions))
$$, 'every rule names a known kind and an existing permission');

SELECT is_empty($$
  SELECT t.table_name FROM audit.audited_tables() AS t
   WHERE t.read_permission IS NOT NULL
     AND NOT EXISTS (SELECT FROM pg_policies AS p
                      WHERE p.schemaname = 'app' AND p.tablename = t.table_name AND p.cmd IN ('SELECT', 'ALL')
                        AND 'app_user' = ANY (p.roles)
                        AND p.qual LIKE '%' || quote_literal(t.read_permission) || '%')
$$, 'a deleted row''s history asks a permission with which the table''s own policies let a member read it');

-- Views in app that read audit.* (directly or through other views) run
-- with the caller's rights, so the log's policies apply to the caller.
SELECT is_empty($$
  WITH RECURSIVE reads (view_oid, source_oid) AS (
    SELECT DISTINCT r.ev_class, d.refobjid
      FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
     WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
    UNION
    SELECT r.view_oid, d.refobjid
      FROM reads r JOIN pg_rewrite w ON w.ev_class = r.source_oid
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
     WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.ev_class
  )
  SELECT DISTINCT v.oid::regclass::text
    FROM reads r JOIN pg_class v ON v.oid = r.view_oid JOIN pg_class s ON s.oid = r.source_oid
   WHERE v.relnamespace = 'app'::regnamespace AND v.relkind IN ('v', 'm')
     AND s.relnamespace = 'audit'::regnamespace
     AND NOT coalesce('security_invoker=true' = ANY (v.reloptions), false)
$$, 'every view in app that reads audit.* runs with the caller''s rights (security_invoker)');

-- A SECURITY DEFINER function reading the log would read it as the owner,
-- past its policies.
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p
   WHERE p.pronamespace IN ('app'::regnamespace, 'app_private'::regnamespace, 'auth'::regnamespace, 'audit'::regnamespace)
     AND p.prosecdef
     AND p.prosrc ~* '(?<!delete\s)(from|join)\s+(audit\.|app\.activity_log\M|app\.entity_timeline|app\.project_timeline)'
$$, 'no SECURITY DEFINER function reads the log');

SELECT * FROM finish();
ROLLBACK;
