-- Catalog lints for the activity log: every audited table has a visibility
-- rule, and nothing exposes the log with more rights than the caller's.
BEGIN;
SELECT plan(9);

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

-- Every app table is audited or exempt with its reason: a new table that
-- takes writes fails here until it is registered in audit.audited_tables()
-- or listed below (and an exemption may not outlive its table or overlap
-- the register).
CREATE TEMP TABLE audit_exempt (table_name text PRIMARY KEY, reason text NOT NULL CHECK (reason <> '')) ON COMMIT DROP;
INSERT INTO audit_exempt VALUES
  ('approval_history', 'append-only trail: each row is itself the who-and-when record'),
  ('approval_notifications', 'a queue or delivery state the system writes, not a user edit'),
  ('attachment_downloads', 'append-only trail: each row is itself the who-and-when record'),
  ('attachments', 'open decision (stop 30 note): it holds people''s own words, and erasure of personal data does not reach the activity log yet'),
  ('branding_fonts', 'platform reference data, changed by migrations or operators'),
  ('comments', 'open decision (stop 30 note): it holds people''s own words, and erasure of personal data does not reach the activity log yet'),
  ('contractor_charges', 'append-only trail: each row is itself the who-and-when record'),
  ('custody_events', 'append-only trail: each row is itself the who-and-when record'),
  ('document_access_log', 'append-only trail: each row is itself the who-and-when record'),
  ('document_disposals', 'append-only trail: each row is itself the who-and-when record'),
  ('email_deliveries', 'a queue or delivery state the system writes, not a user edit'),
  ('entity_state_history', 'append-only trail: each row is itself the who-and-when record'),
  ('entity_states', 'the current state only; every change is in entity_state_history'),
  ('equipment_uses', 'append-only trail: each row is itself the who-and-when record'),
  ('gauge_study_readings', 'append-only trail: each row is itself the who-and-when record'),
  ('genealogy_edges', 'append-only trail: each row is itself the who-and-when record'),
  ('instrument_import_rows', 'staging rows of an import; what is applied is audited'),
  ('labels', 'a queue or delivery state the system writes, not a user edit'),
  ('labour_entries', 'append-only trail: each row is itself the who-and-when record'),
  ('locales', 'platform reference data, changed by migrations or operators'),
  ('measurements', 'append-only trail: each row is itself the who-and-when record'),
  ('meter_readings', 'append-only trail: each row is itself the who-and-when record'),
  ('notification_preferences', 'a person''s own setting, not a business record; changed only by its owner or their unsubscribe link'),
  ('notifications', 'a queue or delivery state the system writes, not a user edit'),
  ('part_stock', 'a balance derived from stock_movements'),
  ('personal_data_requests', 'open decision (stop 30 note): it holds people''s own words, and erasure of personal data does not reach the activity log yet'),
  ('project_stage_transitions', 'append-only trail: each row is itself the who-and-when record'),
  ('reagent_uses', 'append-only trail: each row is itself the who-and-when record'),
  ('report_executions', 'append-only trail: each row is itself the who-and-when record'),
  ('report_sources', 'platform reference data, changed by migrations or operators'),
  ('rule_runs', 'append-only trail: each row is itself the who-and-when record'),
  ('sample_disposals', 'append-only trail: each row is itself the who-and-when record'),
  ('sample_lineage_links', 'append-only trail: each row is itself the who-and-when record'),
  ('sample_receipts', 'append-only trail: each row is itself the who-and-when record'),
  ('sample_retentions', 'append-only trail: each row is itself the who-and-when record'),
  ('sample_status_changes', 'append-only trail: each row is itself the who-and-when record'),
  ('sap_outbound_messages', 'a queue or delivery state the system writes, not a user edit'),
  ('sap_staged_materials', 'staging rows of an import; what is applied is audited'),
  ('sap_staged_purchase_orders', 'staging rows of an import; what is applied is audited'),
  ('sap_sync_log', 'append-only trail: each row is itself the who-and-when record'),
  ('scan_events', 'append-only trail: each row is itself the who-and-when record'),
  ('spc_subgroups', 'append-only trail: each row is itself the who-and-when record'),
  ('state_machine_states', 'platform reference data, changed by migrations or operators'),
  ('state_machine_transitions', 'platform reference data, changed by migrations or operators'),
  ('state_machines', 'platform reference data, changed by migrations or operators'),
  ('stock_movements', 'append-only trail: each row is itself the who-and-when record'),
  ('trace_status_changes', 'append-only trail: each row is itself the who-and-when record'),
  ('units', 'platform reference data, changed by migrations or operators'),
  ('webhook_attempts', 'a queue or delivery state the system writes, not a user edit'),
  ('webhook_deliveries', 'a queue or delivery state the system writes, not a user edit'),
  ('work_order_signatures', 'append-only trail: each row is itself the who-and-when record');

SELECT is_empty($$
  SELECT c.relname::text FROM pg_class AS c
   WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  EXCEPT SELECT table_name FROM audit.audited_tables()
  EXCEPT SELECT table_name FROM audit_exempt
$$, 'every app table is in the audit register or exempt with a reason');
SELECT is_empty($$
  SELECT e.table_name FROM audit_exempt AS e
   WHERE e.table_name IN (SELECT table_name FROM audit.audited_tables())
      OR NOT EXISTS (SELECT FROM pg_class AS c WHERE c.relnamespace = 'app'::regnamespace AND c.relname = e.table_name)
$$, 'an exemption names an existing table that is not audited');

SELECT * FROM finish();
ROLLBACK;
