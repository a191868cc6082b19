-- Append-only trails refuse updates and deletes, even from the owner, while
-- their tenant lives; the purge of a soft-deleted tenant takes them along
-- (db/tests/20_tenancy/test_tenant_lifecycle.sql). The trails are listed
-- here, not read from the catalog by their trigger (a table whose trigger is
-- dropped would just leave such a list); the catalog must agree with the list
-- (a partitioned trail is listed once: its partitions' cloned triggers are not).
-- Some records are only immutable: updates refused, deletes left to grants.
BEGIN;

CREATE TEMP TABLE trails (name regclass PRIMARY KEY) ON COMMIT DROP;
INSERT INTO trails VALUES
  ('app.approval_history'), ('app.calibrations'), ('app.custody_events'), ('app.document_access_log'),
  ('app.entity_state_history'), ('app.gauge_study_readings'), ('app.genealogy_edges'), ('app.measurements'), ('app.project_stage_transitions'), ('app.reagent_uses'), ('app.sample_disposals'),
  ('app.sample_lineage_links'), ('app.sample_receipts'), ('app.sample_status_changes'), ('app.trace_status_changes'),
  ('app.training_records'), ('app.scan_events'), ('app.stock_movements'),
  ('app.labour_entries'), ('app.contractor_charges'), ('app.meter_readings'), ('app.work_order_signatures');
CREATE TEMP TABLE immutables (name regclass PRIMARY KEY, refusal text NOT NULL) ON COMMIT DROP;
INSERT INTO immutables VALUES
  ('app.equipment_uses', 'PT409 row.append_only'), ('app.eln_signatures', 'PT409 eln_signature.immutable');

SELECT plan(1 + (SELECT count(*)::int * 3 FROM trails) + (SELECT count(*)::int * 2 FROM immutables));

SELECT tests.remember('tenant', tests.create_tenant());
SELECT tests.remember('admin', tests.fill_tenant(tests.recall('tenant')));

SELECT set_eq(
  $$ SELECT t.tgrelid::regclass FROM pg_trigger AS t
      WHERE t.tgname = '_100_append_only' AND t.tgfoid = 'app_private.tg__append_only'::regproc
        AND t.tgtype & 8 = 8 AND t.tgparentid = 0 $$,
  $$ SELECT name FROM trails $$,
  'the append-only trails in the catalog are the listed ones (a new trail joins the list)');
SELECT ok(tests.rows_of(name, tests.recall('tenant')) > 0, format('%s: the tenant has rows', name)) FROM trails;
SELECT is(tests.refusal(format('UPDATE %s SET organization_id = organization_id WHERE organization_id = %L', name, tests.recall('tenant'))),
          'PT409 row.append_only', format('%s: the owner cannot update it', name))
  FROM trails;
SELECT is(tests.refusal(format('DELETE FROM %s WHERE organization_id = %L', name, tests.recall('tenant'))),
          'PT409 row.append_only', format('%s: nor delete from it', name))
  FROM trails;

SELECT ok(tests.rows_of(name, tests.recall('tenant')) > 0, format('%s: the tenant has rows', name)) FROM immutables;
SELECT is(tests.refusal(format('UPDATE %s SET organization_id = organization_id WHERE organization_id = %L', name, tests.recall('tenant'))),
          refusal, format('%s: the owner cannot update it', name))
  FROM immutables;

SELECT * FROM finish();
ROLLBACK;
