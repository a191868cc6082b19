-- The activity log: a generic trigger records every change to core
-- entities; the log itself refuses every change.

-- How the log names an audited row (as jsonb, secrets removed): its primary
-- key (which pairs an update's old and new rows), the entity's key, tenant
-- and project.
CREATE OR REPLACE FUNCTION app_private.audited_row_keys(p_row jsonb, p_table text, p_primary_key text[], p_key_columns text[])
RETURNS TABLE (primary_key jsonb[], entity_id text, organization_id uuid, project_id uuid)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT ARRAY(SELECT p_row -> c FROM unnest(p_primary_key) AS c ORDER BY c),
         (SELECT pg_catalog.string_agg(p_row ->> c, ':') FROM unnest(p_key_columns) AS c),
         CASE WHEN p_table = 'organizations' THEN (p_row ->> 'id')::uuid ELSE (p_row ->> 'organization_id')::uuid END,
         -- A project's own id is its uuid; every other table names it project_id.
         CASE WHEN p_table = 'projects' THEN (p_row ->> 'id')::uuid ELSE (p_row ->> 'project_id')::uuid END
$$;

COMMENT ON FUNCTION app_private.audited_row_keys(jsonb, text, text[], text[]) IS
  'How the activity log names an audited row given as jsonb: its primary key values (in column name order), the entity key (p_key_columns joined by '':''), its tenant (an organization''s own id) and its project (a project''s own id).';

CREATE OR REPLACE FUNCTION audit.tg__record_change() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_claims jsonb := auth.claims();
  v_request_id text := app_private.request_header('x-request-id');
  v_client_address inet := app_private.client_address();
  -- Secrets never reach the log, not even hashed.
  v_secrets text[] := ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute AS a
                             WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND a.attname LIKE '%\_hash');
  -- An entity's key in the log: its id, or the key columns the trigger names.
  v_key_columns text[] := CASE WHEN TG_NARGS > 0 THEN TG_ARGV ELSE ARRAY['id'] END;
  -- What pairs an update's old and new rows: the table's primary key.
  v_primary_key text[] := ARRAY(SELECT a.attname::text FROM pg_catalog.pg_index AS i
                                  JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                                 WHERE i.indrelid = TG_RELID AND i.indisprimary);
BEGIN
  -- Once per statement, set-based, from the statement's transition tables.
  IF TG_OP = 'DELETE' THEN
    INSERT INTO audit.activity_log
      (organization_id, actor_user_id, actor_role, entity_type, entity_id, action, old_values, request_id,
       client_address, project_id)
    SELECT k.organization_id, nullif(v_claims ->> 'sub', '')::uuid, coalesce(v_claims ->> 'role', session_user::text),
           TG_TABLE_NAME, k.entity_id, 'delete', r.row, v_request_id, v_client_address, k.project_id
      FROM (SELECT pg_catalog.to_jsonb(x) - v_secrets AS row FROM old_rows AS x OFFSET 0) AS r
     CROSS JOIN LATERAL app_private.audited_row_keys(r.row, TG_TABLE_NAME, v_primary_key, v_key_columns) AS k
     -- The purge of a tenant leaves no trace in its own log (its rows go too).
     WHERE k.organization_id IS NULL OR EXISTS (SELECT FROM app.organizations AS g WHERE g.id = k.organization_id);
    RETURN NULL;
  END IF;
  -- One pass: the statement's old and new rows, each as JSON once (OFFSET 0
  -- keeps the copy a subquery of its own: pulled up, to_jsonb would run
  -- again for every reference to it), paired by the primary key in one full
  -- join. Paired, they are an update: only what changed, and a bare
  -- updated_at bump is not a change (none changed, none written). A row
  -- whose primary key changed is another entity in the log: the old key's
  -- delete, the new key's insert.
  INSERT INTO audit.activity_log
    (organization_id, actor_user_id, actor_role, entity_type, entity_id, action, old_values, new_values,
     request_id, client_address, project_id)
  SELECT e.organization_id, nullif(v_claims ->> 'sub', '')::uuid, coalesce(v_claims ->> 'role', session_user::text),
         TG_TABLE_NAME, e.entity_id, e.action, e.old_values, e.new_values, v_request_id, v_client_address, e.project_id
    FROM (
      SELECT CASE WHEN o.row IS NULL THEN 'insert' WHEN n.row IS NULL THEN 'delete' ELSE 'update' END::audit.action AS action,
             coalesce(n.entity_id, o.entity_id) AS entity_id,
             coalesce(n.organization_id, o.organization_id) AS organization_id,
             coalesce(n.project_id, o.project_id) AS project_id,
             CASE WHEN n.row IS NULL THEN o.row ELSE d.old_values END AS old_values,
             CASE WHEN o.row IS NULL THEN n.row ELSE d.new_values END AS new_values
        FROM (SELECT r.row, k.primary_key, k.entity_id, k.organization_id, k.project_id
                FROM (SELECT pg_catalog.to_jsonb(x) - v_secrets AS row FROM old_rows AS x OFFSET 0) AS r
               CROSS JOIN LATERAL app_private.audited_row_keys(r.row, TG_TABLE_NAME, v_primary_key, v_key_columns) AS k) AS o
        FULL JOIN (SELECT r.row, k.primary_key, k.entity_id, k.organization_id, k.project_id
                     FROM (SELECT pg_catalog.to_jsonb(x) - v_secrets AS row FROM new_rows AS x OFFSET 0) AS r
                    CROSS JOIN LATERAL app_private.audited_row_keys(r.row, TG_TABLE_NAME, v_primary_key, v_key_columns) AS k) AS n
          ON n.primary_key = o.primary_key
       CROSS JOIN LATERAL (
             SELECT pg_catalog.jsonb_object_agg(c.key, o.row -> c.key) AS old_values,
                    pg_catalog.jsonb_object_agg(c.key, c.value) AS new_values
               FROM pg_catalog.jsonb_each(CASE WHEN o.row IS NOT NULL THEN n.row END) AS c
              WHERE c.value IS DISTINCT FROM o.row -> c.key AND c.key <> 'updated_at') AS d
    ) AS e
    -- The purge of a tenant leaves no trace in its own log (its rows go too):
    -- a join, not EXISTS, which the planner may hash over every tenant.
    LEFT JOIN app.organizations AS g ON g.id = e.organization_id
   WHERE (e.old_values IS NOT NULL OR e.new_values IS NOT NULL)
     AND (e.organization_id IS NULL OR g.id IS NOT NULL);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION audit.tg__record_change() IS
  'AFTER UPDATE or DELETE, once per statement (transition tables old_rows, new_rows): writes one activity_log row per changed row: who changed which entity, how (changed columns only on update; none changed, none written), from which request and address. Old and new rows pair by the primary key; an update that changes a primary key is recorded as the old key''s delete and the new key''s insert.';

CREATE OR REPLACE FUNCTION audit.tg__record_inserts() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_claims jsonb := auth.claims();
  v_request_id text := app_private.request_header('x-request-id');
  v_client_address inet := app_private.client_address();
  -- Secrets never reach the log, not even hashed.
  v_secrets text[] := ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute AS a
                             WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND a.attname LIKE '%\_hash');
BEGIN
  INSERT INTO audit.activity_log
    (organization_id, actor_user_id, actor_role, entity_type, entity_id, action, new_values, request_id, client_address,
     project_id)
  SELECT CASE WHEN TG_TABLE_NAME = 'organizations' THEN (r.row ->> 'id')::uuid ELSE (r.row ->> 'organization_id')::uuid END,
         nullif(v_claims ->> 'sub', '')::uuid,
         coalesce(v_claims ->> 'role', session_user::text),
         TG_TABLE_NAME,
         CASE WHEN TG_NARGS > 0 THEN (SELECT pg_catalog.string_agg(r.row ->> k, ':') FROM unnest(TG_ARGV) AS k)
              ELSE r.row ->> 'id' END,
         'insert',
         r.row - v_secrets,
         v_request_id,
         v_client_address,
         CASE WHEN TG_TABLE_NAME = 'projects' THEN (r.row ->> 'id')::uuid ELSE (r.row ->> 'project_id')::uuid END
    -- OFFSET 0: one JSON copy per row, not one per reference to it.
    FROM (SELECT pg_catalog.to_jsonb(i) AS row FROM inserted AS i OFFSET 0) AS r;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION audit.tg__record_inserts() IS
  'AFTER INSERT, once per statement: writes one activity_log row per inserted row (who, which entity, the whole new row, request and address).';

CREATE OR REPLACE FUNCTION audit.tg_activity_log__refuse_change() RETURNS trigger
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT FROM app.organizations WHERE id = OLD.organization_id) THEN
    RETURN OLD;
  END IF;
  -- The archive job (app_private.archive_activity_log): a row goes once
  -- this transaction has copied it, unchanged, to the archive.
  IF TG_OP = 'DELETE' AND EXISTS (SELECT FROM audit.activity_log_archive AS r
                                   WHERE r.id = OLD.id AND r.archived_at = pg_catalog.now()
                                     AND pg_catalog.to_jsonb(r) - 'archived_at' = pg_catalog.to_jsonb(OLD)) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the activity log is append-only: % refused', pg_catalog.lower(TG_OP)
    USING ERRCODE = 'PT403', DETAIL = 'audit.append_only',
    HINT = 'Audit rows leave only with their tenant (app.purge_organization), or to the archive (the archive-activity-log job).';
END
$$;

COMMENT ON FUNCTION audit.tg_activity_log__refuse_change() IS
  'BEFORE UPDATE, DELETE or TRUNCATE: refuses (PT403, reason audit.append_only) every change to the log, whoever asks, except the purge of a soft-deleted tenant and the delete of rows this transaction copied unchanged to audit.activity_log_archive (the archive job).';

CREATE OR REPLACE TRIGGER _100_refuse_change BEFORE UPDATE OR DELETE ON audit.activity_log
  FOR EACH ROW EXECUTE FUNCTION audit.tg_activity_log__refuse_change();
CREATE OR REPLACE TRIGGER _100_refuse_truncate BEFORE TRUNCATE ON audit.activity_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit.tg_activity_log__refuse_change();

-- The register of audited tables: every table with the audit triggers is
-- here, with the key its events carry and who may read the history of a row
-- once the row is gone. While the row exists, its events are visible to
-- exactly those who may read the row itself (the view app.activity_log).
CREATE OR REPLACE FUNCTION audit.audited_tables()
RETURNS TABLE (table_name text, key_columns text[], deleted_history text, read_permission text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  VALUES
    -- deleted_history 'readers': audit readers who also hold read_permission
    -- (when one is named) read a deleted row's history; 'nobody': the source
    -- shows rows person by person (own sessions, direct messages), so once the
    -- row is gone only platform operators read its events.
    ('organizations', NULL::text[], 'readers', NULL::text),
    ('sites', NULL, 'readers', NULL),
    ('partners', NULL, 'readers', 'partner.read'),
    ('contacts', NULL, 'readers', 'partner.read'),
    ('users', NULL, 'nobody', NULL),
    ('memberships', NULL, 'readers', NULL),
    ('roles', NULL, 'readers', NULL),
    ('role_permissions', ARRAY['role_id', 'permission'], 'readers', NULL),
    ('role_assignments', NULL, 'readers', 'role.read'),
    ('sessions', NULL, 'nobody', NULL),
    ('permissions', ARRAY['code'], 'readers', NULL),
    ('workflow_stages', NULL, 'readers', 'project.read'),
    ('workflow_sub_stages', NULL, 'readers', 'project.read'),
    ('workflow_definitions', NULL, 'readers', 'project.read'),
    ('workflow_definition_stages', NULL, 'readers', 'project.read'),
    ('workflow_definition_sub_stages', NULL, 'readers', 'project.read'),
    ('workflow_exit_criteria', NULL, 'readers', 'project.read'),
    ('exit_criterion_waivers', NULL, 'readers', 'project.read'),
    ('webhook_endpoints', NULL, 'readers', 'webhook.manage'),
    ('projects', NULL, 'readers', 'project.read'),
    ('equipment_classes', NULL, 'readers', NULL),
    ('equipment', NULL, 'readers', 'equipment.read'),
    ('calibrations', NULL, 'readers', 'equipment.read'),
    ('qualifications', NULL, 'readers', NULL),
    ('person_qualifications', NULL, 'readers', 'competence.read'),
    ('training_requirements', NULL, 'readers', NULL),
    ('training_records', NULL, 'readers', 'competence.read'),
    ('downtime_reasons', NULL, 'readers', NULL),
    ('sample_types', NULL, 'readers', NULL),
    ('lab_tests', NULL, 'readers', NULL),
    ('specifications', NULL, 'readers', NULL),
    ('specification_limits', NULL, 'readers', NULL),
    ('service_requests', NULL, 'readers', 'sample.read'),
    ('samples', NULL, 'readers', 'sample.read'),
    ('analyses', NULL, 'readers', NULL),
    ('results', NULL, 'readers', NULL),
    ('eln_templates', NULL, 'readers', NULL),
    ('eln_entries', NULL, 'readers', 'eln.read'),
    ('eln_entry_versions', NULL, 'readers', NULL),
    ('eln_signatures', NULL, 'readers', NULL),
    ('eln_links', NULL, 'readers', NULL),
    ('certificates', NULL, 'readers', NULL),
    ('certificate_versions', NULL, 'readers', NULL),
    ('equipment_class_qualifications', ARRAY['class_id', 'qualification_id'], 'readers', NULL),
    ('instrument_blocks', NULL, 'readers', NULL),
    ('instrument_reservations', NULL, 'readers', 'instrument.schedule'),
    ('runs', NULL, 'readers', 'sample.read'),
    ('run_analyses', NULL, 'readers', NULL),
    ('run_qc_samples', NULL, 'readers', NULL),
    ('instrument_imports', NULL, 'readers', 'result.enter'),
    ('oos_investigations', NULL, 'readers', NULL),
    ('sop_templates', NULL, 'readers', NULL),
    ('sop_steps', NULL, 'readers', NULL),
    ('sop_step_dependencies', NULL, 'readers', NULL),
    ('sop_tasks', NULL, 'readers', 'sample.read'),
    ('sop_task_steps', NULL, 'readers', NULL),
    ('storage_locations', NULL, 'readers', 'sample.read'),
    ('reagent_items', NULL, 'readers', NULL),
    ('reagent_lots', NULL, 'readers', NULL),
    ('parts', NULL, 'readers', 'part.read'),
    ('part_revisions', NULL, 'readers', 'part.read'),
    ('drawings', NULL, 'readers', 'drawing.read'),
    ('drawing_parts', ARRAY['drawing_id', 'part_id'], 'readers', 'drawing.read'),
    ('drawing_revisions', NULL, 'readers', 'drawing.read'),
    ('change_orders', NULL, 'readers', 'change_order.read'),
    ('change_order_items', NULL, 'readers', 'change_order.read'),
    ('project_bom_lines', NULL, 'readers', 'project.read'),
    ('project_milestones', NULL, 'readers', 'project.read'),
    ('trace_number_patterns', ARRAY['kind'], 'readers', NULL),
    ('lots', NULL, 'readers', 'traceability.read'),
    ('serials', NULL, 'readers', 'traceability.read'),
    ('ncrs', NULL, 'readers', 'ncr.read'),
    ('ncr_dispositions', NULL, 'readers', NULL),
    ('concessions', NULL, 'readers', 'concession.read'),
    ('customer_complaints', NULL, 'readers', 'complaint.read'),
    ('control_plans', NULL, 'readers', 'control_plan.read'),
    ('gauge_studies', NULL, 'readers', 'control_plan.read'),
    ('inspections', NULL, 'readers', 'inspection.read'),
    ('spc_baselines', NULL, 'readers', 'inspection.read'),
    ('spc_signals', NULL, 'readers', 'inspection.read'),
    ('approved_suppliers', NULL, 'readers', 'supplier.read'),
    ('receipts', NULL, 'readers', 'supplier.read'),
    ('scars', NULL, 'readers', 'supplier.read'),
    ('shipments', NULL, 'readers', NULL),
    ('shipment_items', NULL, 'readers', NULL),
    ('shipping_units', NULL, 'readers', NULL),
    ('shipment_certificates', NULL, 'readers', NULL),
    ('downtime_events', NULL, 'readers', 'equipment.read'),
    ('project_sub_stage_progress', NULL, 'readers', 'project.read'),
    ('approvals', NULL, 'readers', 'project.read'),
    ('approval_chains', NULL, 'readers', 'project.read'),
    ('approval_fallbacks', NULL, 'readers', 'project.read'),
    ('approval_attachments', NULL, 'readers', 'project.read'),
    ('documents', NULL, 'readers', 'project.read'),
    ('document_versions', NULL, 'readers', 'project.read'),
    ('messages', NULL, 'nobody', NULL),
    ('workflow_settings', ARRAY['organization_id'], 'readers', 'project.read'),
    ('audit_settings', ARRAY['organization_id'], 'readers', NULL),
    ('approval_settings', ARRAY['organization_id'], 'readers', 'project.read'),
    ('approval_policies', ARRAY['approval_type', 'priority'], 'readers', 'project.read'),
    ('approver_backups', ARRAY['user_id'], 'readers', 'project.read'),
    ('document_category_settings', ARRAY['category'], 'readers', 'project.read'),
    ('capas', NULL, 'readers', 'capa.read'),
    ('capa_actions', NULL, 'readers', NULL),
    ('capa_links', NULL, 'readers', NULL),
    ('rules', NULL, 'readers', 'rule.manage'),
    ('tenant_feature_flags', ARRAY['flag_key'], 'readers', NULL),
    ('tenant_settings', ARRAY['setting_key'], 'readers', NULL),
    ('tenant_branding', NULL, 'readers', NULL),
    ('i18n_strings', ARRAY['namespace', 'key', 'locale'], 'readers', NULL),
    ('type_lists', NULL, 'readers', NULL),
    ('type_list_values', NULL, 'readers', NULL),
    ('custom_field_definitions', NULL, 'readers', NULL),
    ('report_definitions', NULL, 'readers', 'report.use'),
    ('dashboards', NULL, 'readers', 'report.use'),
    ('control_plan_steps', NULL, 'readers', NULL),
    ('characteristics', NULL, 'readers', NULL),
    ('ncr_items', NULL, 'readers', NULL),
    ('concession_scope', NULL, 'readers', NULL),
    ('complaint_items', NULL, 'readers', NULL),
    ('complaint_ncrs', ARRAY['complaint_id', 'ncr_id'], 'readers', NULL),
    ('complaint_shipments', NULL, 'readers', NULL),
    ('ideal_cycle_times', NULL, 'readers', NULL),
    ('production_runs', NULL, 'readers', NULL),
    ('sap_connections', NULL, 'readers', NULL),
    ('sap_mappings', NULL, 'readers', NULL),
    ('purchase_orders', NULL, 'readers', 'integration.read'),
    ('purchase_order_lines', NULL, 'readers', 'integration.read'),
    ('inspection_characteristics', NULL, 'readers', 'inspection.read'),
    ('fai_form2_items', NULL, 'readers', 'inspection.read'),
    ('checklist_templates', NULL, 'readers', NULL),
    ('checklist_template_items', NULL, 'readers', NULL),
    ('checklists', NULL, 'readers', NULL),
    ('checklist_items', NULL, 'readers', NULL),
    ('tags', NULL, 'readers', NULL),
    ('entity_tags', ARRAY['entity_type', 'entity_id', 'tag_id'], 'readers', NULL),
    ('partner_roles', ARRAY['partner_id', 'role'], 'readers', 'partner.read'),
    ('assets', ARRAY['equipment_id'], 'readers', 'asset.read'),
    ('meters', NULL, 'readers', 'asset.read'),
    ('failure_codes', NULL, 'readers', 'asset.read'),
    ('failure_code_combinations', NULL, 'readers', 'asset.read'),
    ('storerooms', NULL, 'readers', 'stock.read'),
    ('storeroom_bins', NULL, 'readers', 'stock.read'),
    ('part_storeroom_settings', ARRAY['part_id', 'storeroom_id'], 'readers', 'stock.read'),
    ('equipment_spare_parts', ARRAY['equipment_id', 'part_id'], 'readers', NULL),
    ('vendor_parts', ARRAY['partner_id', 'part_id'], 'readers', 'stock.read'),
    ('stock_reservations', NULL, 'readers', 'stock.read'),
    ('purchase_requests', NULL, 'readers', 'stock.read'),
    ('work_order_templates', NULL, 'readers', 'work_order.read'),
    ('work_requests', NULL, 'readers', 'work_request.manage'),
    ('work_orders', NULL, 'readers', NULL),
    ('work_order_assets', ARRAY['work_order_id', 'equipment_id'], 'readers', NULL),
    ('labour_rates', NULL, 'readers', 'work_order.manage'),
    ('work_order_template_parts', NULL, 'readers', 'work_order.read'),
    ('work_order_parts', NULL, 'readers', NULL),
    ('maintenance_teams', NULL, 'readers', NULL),
    ('maintenance_team_members', NULL, 'readers', NULL),
    ('technician_availability', NULL, 'readers', NULL),
    ('pm_schedules', NULL, 'readers', NULL)
$$;

COMMENT ON FUNCTION audit.audited_tables() IS
  'The audited tables of schema app: the key columns an event''s entity_id joins (NULL: id), and who reads the history of a deleted row (readers: audit readers holding read_permission; nobody: platform operators only). Every table with the audit triggers must be listed (test_catalog.sql).';

-- Core entities are audited once per statement, set-based from the
-- statement's transition tables (a stage entered seeds thirty progress rows
-- in one INSERT and skips the old stage's open ones in one UPDATE).
-- Tables without an id column name their key columns.
DO $$
DECLARE
  v_audited record;
  v_arguments text;
BEGIN
  FOR v_audited IN SELECT * FROM audit.audited_tables()
  LOOP
    v_arguments := coalesce((SELECT string_agg(format('%L', k), ', ') FROM unnest(v_audited.key_columns) AS k), '');
    EXECUTE format('CREATE OR REPLACE TRIGGER _800_audit AFTER UPDATE ON app.%I
                      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__record_change(%s)', v_audited.table_name, v_arguments);
    EXECUTE format('CREATE OR REPLACE TRIGGER _802_audit_deletes AFTER DELETE ON app.%I REFERENCING OLD TABLE AS old_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__record_change(%s)', v_audited.table_name, v_arguments);
    EXECUTE format('CREATE OR REPLACE TRIGGER _801_audit_inserts AFTER INSERT ON app.%I REFERENCING NEW TABLE AS inserted
                      FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__record_inserts(%s)', v_audited.table_name, v_arguments);
  END LOOP;
END
$$;
