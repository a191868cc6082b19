-- Upsert by primary key (PostgREST `Prefer: resolution=merge-duplicates`,
-- postgrest-js `.upsert()`, Retool bulk upsert) is INSERT ... ON CONFLICT DO
-- UPDATE SET <every column sent>. For every table app_user may insert into and
-- update, it needs INSERT on the key (to send `id`) and UPDATE on the key and on
-- the columns fixed at insert. The BEFORE UPDATE trigger _010_keep_fixed_columns
-- (app_private.tg_keep_fixed_columns, db/functions/15_tenant_guard.sql) refuses
-- any change of them (PT409, row.fixed_column), and each table's UPDATE policy
-- still confines the row to the caller's tenant. tests/test_rest_clients_http.py
-- derives the table list from the catalog and upserts into each.

GRANT INSERT (id) ON app.approval_chains TO app_user;
GRANT UPDATE (organization_id, id) ON app.approval_chains TO app_user;
GRANT UPDATE (organization_id, approval_type, priority) ON app.approval_policies TO app_user;
GRANT UPDATE (organization_id, user_id) ON app.approver_backups TO app_user;
GRANT INSERT (id) ON app.contacts TO app_user;
GRANT UPDATE (organization_id, id, partner_id) ON app.contacts TO app_user;
GRANT INSERT (id) ON app.partners TO app_user;
GRANT UPDATE (organization_id, id) ON app.partners TO app_user;
GRANT INSERT (id) ON app.projects TO app_user;
GRANT UPDATE (organization_id, id, project_id, workflow_definition_id, current_stage_id) ON app.projects TO app_user;
GRANT INSERT (organization_id, id) ON app.sites TO app_user;
GRANT UPDATE (organization_id, id) ON app.sites TO app_user;
GRANT INSERT (id) ON app.workflow_definition_stages TO app_user;
GRANT UPDATE (organization_id, id, workflow_definition_id, workflow_stage_id) ON app.workflow_definition_stages TO app_user;
GRANT INSERT (id) ON app.workflow_definition_sub_stages TO app_user;
GRANT UPDATE (organization_id, id, workflow_definition_id, workflow_sub_stage_id) ON app.workflow_definition_sub_stages TO app_user;
GRANT INSERT (id) ON app.workflow_definitions TO app_user;
GRANT UPDATE (organization_id, id, version) ON app.workflow_definitions TO app_user;
GRANT INSERT (id) ON app.workflow_stages TO app_user;
GRANT UPDATE (organization_id, id) ON app.workflow_stages TO app_user;
GRANT INSERT (id) ON app.workflow_sub_stages TO app_user;
GRANT UPDATE (organization_id, id, workflow_stage_id) ON app.workflow_sub_stages TO app_user;
