-- The log is read only through app.activity_log, a view that runs with the
-- caller's rights (security_invoker): API roles may select the table (they
-- have no usage of schema audit, so not by name), and its policies decide.
-- An event is visible to an audit reader of the tenant only when the caller
-- may read the changed row itself, under that table's own policies; the
-- history of a deleted row follows audit.audited_tables. The policies are
-- built from that register, so an audited table has a rule or no reader.

ALTER TABLE audit.activity_log ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON audit.activity_log TO app_user, app_admin;
GRANT SELECT ON app.activity_log TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.entity_timeline(text, text) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.audit_history_visible(text, text) TO app_user, app_admin;

DO $$
DECLARE
  v_source_visible text;
BEGIN
  SELECT string_agg(format(
           'WHEN %L THEN EXISTS (SELECT FROM app.%I AS s WHERE %s%s)',
           t.table_name, t.table_name,
           CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                              WHERE a.attrelid = format('app.%I', t.table_name)::regclass
                                AND a.attname = 'organization_id' AND NOT a.attisdropped)
                THEN 's.organization_id = activity_log.organization_id AND ' ELSE '' END,
           CASE WHEN cardinality(coalesce(t.key_columns, ARRAY['id'])) = 1
                -- One key column: compared in its own type, so the key's index serves.
                THEN (SELECT format('s.%I = activity_log.entity_id::%s', a.attname, format_type(a.atttypid, a.atttypmod))
                        FROM pg_catalog.pg_attribute AS a
                       WHERE a.attrelid = format('app.%I', t.table_name)::regclass
                         AND a.attname = coalesce(t.key_columns[1], 'id'))
                ELSE format('concat_ws(%L, %s) = activity_log.entity_id', ':',
                            (SELECT string_agg(format('s.%I', k), ', ') FROM unnest(t.key_columns) AS k))
           END), ' ' ORDER BY t.table_name)
    INTO v_source_visible
    FROM audit.audited_tables() AS t;

  EXECUTE format($p$CREATE POLICY activity_log_select_reader ON audit.activity_log FOR SELECT TO app_user
    USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('audit.read'))
           AND (SELECT auth.partner_id()) IS NULL
           AND (CASE entity_type %s ELSE false END
                OR (SELECT auth.audit_history_visible(entity_type, entity_id))))$p$, v_source_visible);
END
$$;

CREATE POLICY activity_log_select_operator ON audit.activity_log FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
