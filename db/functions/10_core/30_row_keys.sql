-- Row keys on tenant tables: filled by the server when a client leaves them
-- out, and never changed once a row exists.

-- Keys are filled by a trigger, not a column DEFAULT: PostgREST 12 publishes a
-- column default in the OpenAPI document as the property's `default`, and an
-- SQL expression there (`public.uuid_generate_v7()`) is not a uuid, so the
-- document would not validate as Swagger 2.0 (migration core/server_filled_keys).
-- The trigger is named _000_ to run before every other BEFORE INSERT trigger,
-- which may read the tenant.
CREATE OR REPLACE FUNCTION app_private.tg_fill_keys() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- TG_ARGV names the columns to fill when left out (or sent as null). The
  -- columns are read and set directly (PL/pgSQL compiles a trigger function
  -- per table, so NEW.id is the table's own column), not through a JSON copy
  -- of the row: this runs for every row inserted into a tenant table.
  IF 'id' = ANY (TG_ARGV) THEN
    IF NEW.id IS NULL THEN
      NEW.id := public.uuid_generate_v7();
    END IF;
  END IF;
  IF 'organization_id' = ANY (TG_ARGV) THEN
    IF NEW.organization_id IS NULL THEN
      NEW.organization_id := auth.org_id();
    END IF;
  END IF;
  -- sender_id (one table) through the row's JSON: every table has id and
  -- organization_id, but naming NEW.sender_id would not compile elsewhere.
  IF 'sender_id' = ANY (TG_ARGV) AND pg_catalog.to_jsonb(NEW) ->> 'sender_id' IS NULL THEN
    NEW := pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object('sender_id', auth.user_id()));
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_fill_keys() IS
  'BEFORE INSERT: fills the columns named in the trigger arguments when left out: id (public.uuid_generate_v7()), organization_id (the org_id claim), sender_id (the caller).';

-- One trigger per table whose keys were column defaults (migration core/server_filled_keys).
-- Where the database itself inserts many rows at once (a stage's thirty
-- progress rows, notifications), the insert names the id and a WHEN clause
-- skips the call: the trigger still fills an id left out by anyone else.
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approval_attachments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approval_chains
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approval_history
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approval_notifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approval_policies
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approvals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approver_backups
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.capa_actions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.capa_links
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.capas
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.checklist_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.checklist_template_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.checklist_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.checklists
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.attachment_downloads
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.attachments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.comments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.contacts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.dashboards
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.document_access_log
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.document_versions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.documents
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.entity_state_history
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.entity_states
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.entity_tags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.exit_criterion_waivers
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.i18n_strings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.memberships
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.messages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id', 'sender_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.notifications
  FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.rules
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.organizations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.partners
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.project_stage_transitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.project_sub_stage_progress
  FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.projects
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.role_assignments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.roles
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sessions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.report_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.report_executions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sites
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.tenant_feature_flags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.tenant_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.state_machine_states
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.state_machine_transitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.state_machines
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.tags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.users
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.workflow_definition_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.workflow_definition_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.workflow_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.workflow_exit_criteria
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.workflow_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.workflow_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- The lab (70_lab).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.analyses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.lab_tests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sample_types
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.specification_limits
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.specifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.service_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.eln_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.eln_entries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.eln_entry_versions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.eln_signatures
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.eln_links
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Certificates of analysis (70_lab/90_certificates.sql).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.certificates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.certificate_versions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Instrument scheduling (70_lab/80_scheduling.sql).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.equipment_class_qualifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.instrument_blocks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.instrument_reservations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- The lab: receipt, lineage, retention (samples part).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sample_receipts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sample_status_changes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sample_lineage_links
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sample_retentions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sample_disposals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Runs and instrument ingest (70_lab/60_runs.sql, 66_ingest.sql).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.run_analyses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.run_qc_samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.instrument_imports
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.instrument_import_rows
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- The lab's results part (lab/oos).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.oos_investigations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- SOP templates and tasks (70_lab/52_sop_tasks.sql).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sop_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sop_steps
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sop_step_dependencies
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sop_tasks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.sop_task_steps
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Lab storage, custody and reagents.
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.storage_locations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.custody_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.reagent_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.reagent_lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.reagent_uses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Manufacturing: the parts master (80_quality/10_parts.sql) and traceability (82_traceability).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.part_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.trace_number_patterns
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.serials
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.genealogy_edges
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.trace_status_changes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Suppliers (80_quality/20_suppliers.sql .. 24_scars.sql).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approved_suppliers
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.receipts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.scars
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Logistics (84_logistics).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.shipments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.shipping_units
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.shipment_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.labels
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.shipment_certificates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.scan_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Maintenance work (90_maintenance/70_work_requests.sql .. 80_labour_costs.sql).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.work_order_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.work_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.work_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.labour_rates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.labour_entries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.contractor_charges
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.work_order_signatures
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- Maintenance assets (90_maintenance/10_assets.sql .. 30_failure_codes.sql); an asset is keyed by its equipment.
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.assets
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.meters
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.meter_readings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.failure_codes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.failure_code_combinations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
-- The operations registers (50_platform/80_equipment.sql, 82_competence.sql, 84_downtime.sql).
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.calibrations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.downtime_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.downtime_reasons
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.ideal_cycle_times
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.production_runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.equipment
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.equipment_classes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.equipment_uses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.person_qualifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.qualifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.training_records
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.training_requirements
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');

-- Upsert (INSERT ... ON CONFLICT DO UPDATE, PostgREST's
-- `Prefer: resolution=merge-duplicates`) sets every column of the payload,
-- the primary key included, so the API roles hold UPDATE on the key columns and
-- on the NOT NULL columns fixed at insert (db/policies/00_reset.sql). This
-- trigger keeps them as they are: setting them to their current value passes,
-- changing them is refused.
-- Functions owned by the tables' owner (workflow steps) may still move them.
CREATE OR REPLACE FUNCTION app_private.tg_keep_fixed_columns() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_new jsonb := pg_catalog.to_jsonb(NEW);
  v_old jsonb := pg_catalog.to_jsonb(OLD);
  v_column text;
BEGIN
  FOREACH v_column IN ARRAY TG_ARGV LOOP
    -- Two IFs: the comparison alone is a simple expression, evaluated
    -- without the executor; with the owner's sub-select in the same
    -- expression it was planned again at every row updated.
    IF v_new -> v_column IS DISTINCT FROM v_old -> v_column THEN
      IF NOT pg_catalog.pg_has_role(current_user,
               (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID), 'USAGE') THEN
        RAISE EXCEPTION '%.% cannot change once the row exists', TG_TABLE_NAME, v_column USING ERRCODE = 'PT409',
          DETAIL = 'row.fixed_column', HINT = 'Send the current value (or leave it out); create a new row instead.';
      END IF;
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_keep_fixed_columns() IS
  'BEFORE UPDATE: refuses (PT409, reason row.fixed_column) a change of the columns named in the trigger arguments (keys and columns fixed at insert), so upserts may send them unchanged.';

-- Columns an upsert sends but never changes (the policy files grant UPDATE on them).
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.approval_chains
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.approval_policies
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'approval_type', 'priority');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.approver_backups
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'user_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.capa_actions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'capa_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.capas
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.comments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'entity_type', 'entity_id', 'parent_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.contacts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'partner_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.dashboards
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'owner_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.i18n_strings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'namespace', 'key', 'locale');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.partners
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.projects
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.report_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'owner_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.rules
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'key');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.sites
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.tenant_feature_flags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'flag_key');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.tenant_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'setting_key');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.tags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.workflow_definition_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'workflow_definition_id', 'workflow_stage_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.workflow_definition_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'workflow_definition_id', 'workflow_sub_stage_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.workflow_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.workflow_exit_criteria
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'workflow_definition_id', 'workflow_stage_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.workflow_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.workflow_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'workflow_stage_id');
-- The lab.
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.analyses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'sample_id', 'lab_test_id', 'retest_of_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.lab_tests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'code', 'version');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.sample_types
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'sample_number', 'sample_type_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.specification_limits
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'specification_id', 'test_code');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.specifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.service_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'request_number');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.eln_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'code', 'version');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.eln_entries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'entry_number');
-- Instrument scheduling.
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.instrument_blocks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.instrument_reservations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
-- Runs (70_lab/60_runs.sql).
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'run_number', 'test_code', 'equipment_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.run_qc_samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'run_id', 'kind');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.sop_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'code', 'version');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.sop_steps
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'template_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.sop_tasks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'task_number', 'template_id', 'entity_type', 'entity_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.storage_locations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'kind');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.reagent_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'unit');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.reagent_lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'item_id', 'unit', 'received_quantity');
-- Manufacturing: parts keep their unit (lots are counted in it), revisions their part and code.
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'unit');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.part_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'part_id', 'revision');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.trace_number_patterns
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'kind');
-- An approved supplier list entry keeps its supplier and scope (another scope is another entry).
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.approved_suppliers
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'supplier_id', 'part_id');
-- Maintenance assets.
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.assets
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'equipment_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.meters
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'equipment_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.failure_codes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'kind');
-- The operations registers.
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.downtime_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'equipment_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.downtime_reasons
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
-- An ideal cycle time and a production run keep their machine (another machine is another row; a run's plant is its machine's).
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.ideal_cycle_times
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'equipment_id', 'part_id', 'part_revision_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.production_runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'equipment_id', 'site_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.equipment
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.equipment_classes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.person_qualifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'user_id', 'qualification_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.qualifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.training_requirements
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'document_id', 'role_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
