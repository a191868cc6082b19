-- The policy files are the whole truth about access: every run starts from
-- no policies (`pulse db migrate` drops them with the rest of the repeatable
-- layer before the files run) and, below, no API-role privileges in the
-- Pulse schemas; the files that follow grant and create what they mean. All
-- of it runs in one transaction, so no request ever sees the gap.

REVOKE ALL ON ALL TABLES IN SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;
REVOKE ALL ON SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;

GRANT USAGE ON SCHEMA app, auth TO anon, app_user, app_admin;
GRANT EXECUTE ON FUNCTION
  auth.claims(), auth.check_request(), auth.user_id(), auth.org_id(), auth.partner_id(),
  auth.is_platform_operator(), auth.has_permission(text, uuid), auth.check_permission(text), auth.permitted_site_ids(text),
  auth.colleague_user_ids()
  TO anon, app_user, app_admin;

-- Each domain's file writes out, table by table: ENABLE and FORCE ROW LEVEL
-- SECURITY, the grants (by column where not every column is writable) and
-- one policy per role and command, each by name, so that searching for a
-- policy or table name finds where its access is decided.
--
-- Upsert by primary key (PostgREST `Prefer: resolution=merge-duplicates`,
-- postgrest-js `.upsert()`, Retool bulk upsert) is INSERT ... ON CONFLICT DO
-- UPDATE SET <every column sent>. For every table app_user may insert into and
-- update, it needs INSERT on `id` and UPDATE on the primary key (and `id`):
-- each file grants them in a second INSERT/UPDATE grant beside the table's
-- other grants. The BEFORE UPDATE trigger _010_keep_fixed_columns
-- (app_private.tg_keep_fixed_columns, db/functions/10_core/30_row_keys.sql)
-- refuses any change of the key (PT409, row.fixed_column), and each table's
-- UPDATE policy still confines the row to the caller's tenant. PostgreSQL
-- checks NOT NULL on the proposed row before it looks for the conflict, so an
-- upsert carries every NOT NULL column without a default: those fixed at
-- insert (contacts.partner_id, the workflow links) get UPDATE and the same
-- guard. Columns an insert trigger fills (projects.project_number,
-- workflow_definition_id, current_stage_id) stay without UPDATE: an upsert
-- leaves them out. tests/test_rest_clients_http.py derives the table list
-- from the catalog and upserts into each.
