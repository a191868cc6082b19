-- Retention of the activity log: events older than their tenant's
-- retention (app.audit_settings, 2 years by default) move from
-- audit.activity_log to audit.activity_log_archive, by a scheduled job
-- (50_platform/40_jobs.sql). Both tables are append-only: the job is the
-- only path out of the hot table, and only for rows it copied to the
-- archive in the same transaction (audit.tg_activity_log__refuse_change).

CREATE OR REPLACE FUNCTION app_private.provision_audit(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.audit_settings (organization_id, activity_log_retention_years)
  SELECT p_organization_id, d.activity_log_retention_years FROM app_private.default_audit_settings AS d
  ON CONFLICT (organization_id) DO NOTHING;
END
$$;

COMMENT ON FUNCTION app_private.provision_audit(uuid) IS
  'Gives a tenant its audit settings, copied from app_private.default_audit_settings (idempotent: existing settings stay).';

CREATE OR REPLACE FUNCTION app_private.archive_activity_log(p_as_of timestamptz DEFAULT pg_catalog.now()) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_moved uuid[];
BEGIN
  -- Copy, then delete exactly the rows copied: the delete trigger lets a
  -- row go only when its identical copy is in the archive with archived_at
  -- = now() (this transaction's start).
  WITH copied AS (
    INSERT INTO audit.activity_log_archive
      (id, organization_id, occurred_at, actor_user_id, actor_role, entity_type, entity_id, action, old_values,
       new_values, request_id, client_address, project_id, archived_at)
    SELECT a.id, a.organization_id, a.occurred_at, a.actor_user_id, a.actor_role, a.entity_type, a.entity_id, a.action,
           a.old_values, a.new_values, a.request_id, a.client_address, a.project_id, pg_catalog.now()
      FROM audit.activity_log AS a
      LEFT JOIN app.audit_settings AS s ON s.organization_id = a.organization_id
      CROSS JOIN app_private.default_audit_settings AS d
     -- Events of no tenant (the platform's own: users, purged tenants) keep the platform default.
     WHERE a.occurred_at < p_as_of - pg_catalog.make_interval(
             years => coalesce(s.activity_log_retention_years, d.activity_log_retention_years))
    RETURNING id
  )
  SELECT coalesce(pg_catalog.array_agg(c.id), '{}') INTO v_moved FROM copied AS c;
  DELETE FROM audit.activity_log WHERE id = ANY (v_moved);
  RETURN pg_catalog.cardinality(v_moved);
END
$$;

COMMENT ON FUNCTION app_private.archive_activity_log(timestamptz) IS
  'Scheduled job: moves activity log events older than their tenant''s retention (app.audit_settings; the platform default for events of no tenant) as of p_as_of (default now) into audit.activity_log_archive, in one transaction. Returns how many.';

CREATE OR REPLACE FUNCTION audit.tg_activity_log_archive__refuse_change() RETURNS trigger
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT FROM app.organizations WHERE id = OLD.organization_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the activity log archive is append-only: % refused', pg_catalog.lower(TG_OP)
    USING ERRCODE = 'PT403', DETAIL = 'audit.append_only', HINT = 'Archived events leave only with their tenant, through app.purge_organization.';
END
$$;

COMMENT ON FUNCTION audit.tg_activity_log_archive__refuse_change() IS
  'BEFORE UPDATE, DELETE or TRUNCATE of the archive: refuses (PT403, reason audit.append_only) every change, whoever asks, except the purge of a soft-deleted tenant.';

CREATE OR REPLACE TRIGGER _100_refuse_change BEFORE UPDATE OR DELETE ON audit.activity_log_archive
  FOR EACH ROW EXECUTE FUNCTION audit.tg_activity_log_archive__refuse_change();
CREATE OR REPLACE TRIGGER _100_refuse_truncate BEFORE TRUNCATE ON audit.activity_log_archive
  FOR EACH STATEMENT EXECUTE FUNCTION audit.tg_activity_log_archive__refuse_change();

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.audit_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Reading the archive. It runs as the caller (security_invoker): the
-- policies on audit.activity_log_archive confine it to the tenant's audit
-- readers (portal users never). An archived event is history, so each
-- audited table's rule for a deleted row's history applies (see
-- audit.audited_tables): events of tables whose rows are shown person by
-- person (users, sessions, messages) are for platform operators only, the
-- others need the table's read permission where one is named. Values of
-- columns the caller may not select are cut, as in app.activity_log.
-- The rules are written into the view from the register (API roles cannot
-- reach schema audit's functions).
DO $$
DECLARE
  v_rules text;
BEGIN
  SELECT string_agg(format('(%L, %L::text)', t.table_name, t.read_permission), E',\n    ' ORDER BY t.table_name)
    INTO v_rules
    FROM audit.audited_tables() AS t
   WHERE t.deleted_history = 'readers';
  EXECUTE format($v$
CREATE OR REPLACE VIEW app.activity_log_archive WITH (security_invoker = true) AS
WITH hidden AS (
  SELECT c.relname::text AS entity_type, pg_catalog.array_agg(a.attname::text) AS columns
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND NOT pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT')
   GROUP BY c.relname
), readable (entity_type, read_permission) AS (
  VALUES
    %s
)
SELECT a.id, a.organization_id, a.occurred_at, a.actor_user_id, a.actor_role, a.entity_type, a.entity_id,
       a.action::text AS action,
       a.old_values - coalesce(h.columns, '{}') AS old_values,
       a.new_values - coalesce(h.columns, '{}') AS new_values,
       a.request_id, a.client_address, a.project_id, a.archived_at
  FROM audit.activity_log_archive AS a
  LEFT JOIN hidden AS h ON h.entity_type = a.entity_type
 WHERE (SELECT auth.is_platform_operator())
    OR EXISTS (SELECT FROM readable AS r
                WHERE r.entity_type = a.entity_type
                  AND (r.read_permission IS NULL OR auth.has_permission(r.read_permission)))$v$, v_rules);
END
$$;

COMMENT ON VIEW app.activity_log_archive IS
  E'The archived activity log: events older than the tenant''s retention (audit_settings), moved out of activity_log by a nightly job.\nReadable with audit.read (portal users never), under each table''s rule for the history of a deleted row; export it as CSV with Accept: text/csv. Platform operators read every tenant''s.';
COMMENT ON COLUMN app.activity_log_archive.id IS 'Event id (time-ordered), as it was in activity_log.';
COMMENT ON COLUMN app.activity_log_archive.organization_id IS 'The tenant; empty for changes to global entities such as users.';
COMMENT ON COLUMN app.activity_log_archive.occurred_at IS 'When the change happened.';
COMMENT ON COLUMN app.activity_log_archive.actor_user_id IS 'Who made it (sub claim); empty for changes made outside the APIs.';
COMMENT ON COLUMN app.activity_log_archive.actor_role IS 'The database role of the request (app_user, app_admin) or the login that made it.';
COMMENT ON COLUMN app.activity_log_archive.entity_type IS 'The table, e.g. projects, approvals, documents.';
COMMENT ON COLUMN app.activity_log_archive.entity_id IS 'The changed row''s id (tables keyed otherwise: their key columns joined by a colon).';
COMMENT ON COLUMN app.activity_log_archive.action IS 'insert, update or delete.';
COMMENT ON COLUMN app.activity_log_archive.old_values IS 'Before: the whole row on delete, the changed columns on update.';
COMMENT ON COLUMN app.activity_log_archive.new_values IS 'After: the whole row on insert, the changed columns on update.';
COMMENT ON COLUMN app.activity_log_archive.request_id IS 'X-Request-Id of the API request, when sent.';
COMMENT ON COLUMN app.activity_log_archive.client_address IS 'Client address of the API request, when known.';
COMMENT ON COLUMN app.activity_log_archive.project_id IS 'The project the changed row belongs to, when it belongs to one.';
COMMENT ON COLUMN app.activity_log_archive.archived_at IS 'When the archive job moved the event here.';
