-- Reading the activity log: app.activity_log and the timelines built on it.

-- The caller's rights decide. The view runs as the caller (security_invoker),
-- so the policies on audit.activity_log confine it to the tenant's audit
-- readers. It reads the log in one pass: one scan of audit.activity_log in
-- time order (a partitioned log plans each partition once, and a newest-50
-- read stops after 50 visible events: docs/scaling.md, "Partitions"), and
-- asks auth.activity_visibility per event, which is built from the register:
-- an event shows when the caller may read its row in that table, under the
-- table's own policies (evaluated as the caller), or, once the row is gone,
-- when the table's deleted_history rule lets them. Values of columns the
-- caller may not select (column grants) are cut from old_values and
-- new_values, for the rows returned only.
DO $do$
DECLARE
  v_readable text;
  v_history text;
BEGIN
  WITH rules AS (
    SELECT t.table_name, t.deleted_history, t.read_permission,
           format('EXISTS (SELECT FROM app.%I AS s WHERE %s%s)', t.table_name,
             CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_attribute AS c
                                WHERE c.attrelid = format('app.%I', t.table_name)::regclass
                                  AND c.attname = 'organization_id' AND NOT c.attisdropped)
                  THEN 's.organization_id = p_organization_id AND ' ELSE '' END,
             CASE WHEN cardinality(coalesce(t.key_columns, ARRAY['id'])) = 1
                  -- One key column: compared in its own type, so the key's index serves.
                  THEN (SELECT format('s.%I = p_entity_id::%s', c.attname, pg_catalog.format_type(c.atttypid, c.atttypmod))
                          FROM pg_catalog.pg_attribute AS c
                         WHERE c.attrelid = format('app.%I', t.table_name)::regclass
                           AND c.attname = coalesce(t.key_columns[1], 'id'))
                  ELSE format('concat_ws(%L, %s) = p_entity_id', ':',
                              (SELECT string_agg(format('s.%I', k), ', ') FROM unnest(t.key_columns) AS k))
             END) AS readable
      FROM audit.audited_tables() AS t
  )
  SELECT string_agg(format('WHEN %L THEN v_readable := %s;', r.table_name, r.readable), E'\n    ' ORDER BY r.table_name),
         string_agg(format('WHEN %L THEN v_history := %s;', r.table_name,
                           CASE WHEN r.read_permission IS NOT NULL
                                THEN format('auth.has_permission(%L)', r.read_permission) ELSE 'true' END),
                    E'\n    ' ORDER BY r.table_name) FILTER (WHERE r.deleted_history = 'readers')
    INTO v_readable, v_history
    FROM rules AS r;

  EXECUTE format($f$
CREATE OR REPLACE FUNCTION auth.activity_visibility(p_entity_type text, p_organization_id uuid, p_entity_id text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
  v_readable boolean;
  v_history boolean;
BEGIN
  -- Generated from audit.audited_tables() by db/functions/40_audit/20_activity_views.sql.
  CASE p_entity_type
    %s
    ELSE RETURN 'hidden';
  END CASE;
  IF v_readable THEN
    RETURN 'readable';
  END IF;
  CASE p_entity_type
    %s
    ELSE RETURN 'hidden';
  END CASE;
  RETURN CASE WHEN v_history THEN 'if_deleted' ELSE 'hidden' END;
END
$body$
$f$, v_readable, v_history);
END
$do$;

COMMENT ON FUNCTION auth.activity_visibility(text, uuid, text) IS
  'How the caller may see activity log events about this row, as themselves: readable (they can read the row in its table, under its policies), if_deleted (they cannot, but once the row is deleted the table''s deleted_history rule lets audit readers with its read permission see its history: audit.audited_tables), hidden. Built from the register; app.activity_log asks it per event.';

CREATE OR REPLACE VIEW app.activity_log WITH (security_invoker = true) AS
SELECT a.id, a.organization_id, a.occurred_at, a.actor_user_id, a.actor_role, a.entity_type, a.entity_id,
       a.action::text AS action,
       a.old_values - coalesce(h.columns, '{}') AS old_values,
       a.new_values - coalesce(h.columns, '{}') AS new_values,
       a.request_id, a.client_address, a.project_id
  FROM audit.activity_log AS a
  -- The columns of the event's table the caller may not select, looked up
  -- per event returned (a join would lose the scan's time order).
  CROSS JOIN LATERAL (
    SELECT pg_catalog.array_agg(c.attname::text) AS columns
      FROM pg_catalog.pg_class AS t
      JOIN pg_catalog.pg_attribute AS c ON c.attrelid = t.oid AND c.attnum > 0 AND NOT c.attisdropped
     WHERE t.oid = pg_catalog.to_regclass('app.' || pg_catalog.quote_ident(a.entity_type)) AND t.relkind IN ('r', 'p')
       AND NOT pg_catalog.has_column_privilege(t.oid, c.attnum, 'SELECT')
  ) AS h
 WHERE (SELECT auth.is_platform_operator())
    OR CASE auth.activity_visibility(a.entity_type, a.organization_id, a.entity_id)
         WHEN 'readable' THEN true
         WHEN 'if_deleted' THEN EXISTS (SELECT FROM audit.activity_log AS d
                                         WHERE d.organization_id = a.organization_id AND d.entity_type = a.entity_type
                                           AND d.entity_id = a.entity_id AND d.action = 'delete')
         ELSE false
       END;

COMMENT ON VIEW app.activity_log IS
  E'The audit trail of the active tenant: every create, update and delete of core entities. Readable with the audit.read permission (portal users never), and then only the events of rows the caller may read (a deleted row: see audit.audited_tables); values of columns the caller may not select are left out. Platform operators read every tenant''s and the platform''s own events.';
COMMENT ON COLUMN app.activity_log.id IS 'Event id (time-ordered).';
COMMENT ON COLUMN app.activity_log.organization_id IS 'The tenant; empty for changes to global entities such as users.';
COMMENT ON COLUMN app.activity_log.occurred_at IS 'When the change happened.';
COMMENT ON COLUMN app.activity_log.actor_user_id IS 'Who made it (sub claim); empty for changes made outside the APIs.';
COMMENT ON COLUMN app.activity_log.actor_role IS 'The database role of the request (app_user, app_admin) or the login that made it.';
COMMENT ON COLUMN app.activity_log.entity_type IS 'The table, e.g. projects, project_sub_stage_progress, approvals, documents, document_versions, workflow_definitions, partners, memberships, roles.';
COMMENT ON COLUMN app.activity_log.entity_id IS 'The changed row''s id (tables keyed otherwise: their key columns joined by a colon, e.g. role_id:permission).';
COMMENT ON COLUMN app.activity_log.action IS 'insert, update or delete.';
COMMENT ON COLUMN app.activity_log.old_values IS 'Before: the whole row on delete, the changed columns on update.';
COMMENT ON COLUMN app.activity_log.new_values IS 'After: the whole row on insert, the changed columns on update.';
COMMENT ON COLUMN app.activity_log.request_id IS 'X-Request-Id of the API request, when sent.';
COMMENT ON COLUMN app.activity_log.project_id IS 'The project the changed row belongs to (projects.id), when it belongs to one.';
COMMENT ON COLUMN app.activity_log.client_address IS 'Client address of the API request as the proxy in front recorded it (right-most X-Forwarded-For), when known.';

CREATE OR REPLACE FUNCTION app.entity_timeline(entity_type text, entity_id text) RETURNS SETOF app.activity_log
LANGUAGE sql STABLE
AS $$
  SELECT *
    FROM app.activity_log AS a
   WHERE a.entity_type = entity_timeline.entity_type AND a.entity_id = entity_timeline.entity_id
   ORDER BY a.occurred_at, a.id
$$;

COMMENT ON FUNCTION app.entity_timeline(text, text) IS
  'Everything that happened to one entity, oldest first, e.g. entity_type => ''partners'', entity_id => the partner id. Same visibility as app.activity_log.';

CREATE OR REPLACE FUNCTION app.project_timeline(project_id uuid) RETURNS SETOF app.activity_log
LANGUAGE sql STABLE
AS $$
  SELECT *
    FROM app.activity_log AS a
   WHERE a.project_id = project_timeline.project_id
   ORDER BY a.occurred_at, a.id
$$;

COMMENT ON FUNCTION app.project_timeline(uuid) IS
  'The project''s activity feed, oldest first: every change to the project, its progress, approvals, documents and messages. Same visibility as app.activity_log.';
