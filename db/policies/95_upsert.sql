-- Upsert by primary key (PostgREST `Prefer: resolution=merge-duplicates`,
-- postgrest-js `.upsert()`, Retool bulk upsert) is INSERT ... ON CONFLICT DO
-- UPDATE SET <every column sent>. For every table app_user may insert into and
-- update, it needs INSERT on `id` and UPDATE on the primary key (and `id`). The
-- BEFORE UPDATE trigger _010_keep_fixed_columns (app_private.tg_keep_fixed_columns,
-- db/functions/10_core/30_row_keys.sql) refuses any change of the key (PT409,
-- row.fixed_column), and each table's UPDATE policy still confines the row to
-- the caller's tenant. PostgreSQL checks NOT NULL on the proposed row before
-- it looks for the conflict, so an upsert carries every NOT NULL column without
-- a default: those fixed at insert (contacts.partner_id, the workflow links)
-- get UPDATE and the same guard. Columns an insert trigger fills
-- (projects.project_number, workflow_definition_id, current_stage_id) stay without
-- UPDATE: an upsert leaves them out. tests/test_rest_clients_http.py
-- derives the table list from the catalog and upserts into each.

GRANT INSERT (id) ON app.approval_chains TO app_user;
GRANT UPDATE (organization_id, id) ON app.approval_chains TO app_user;
GRANT INSERT (id) ON app.approval_fallbacks TO app_user;
GRANT UPDATE (organization_id, id) ON app.approval_fallbacks TO app_user;
GRANT UPDATE (organization_id, approval_type, priority) ON app.approval_policies TO app_user;
GRANT UPDATE (organization_id, user_id) ON app.approver_backups TO app_user;
GRANT INSERT (id) ON app.contacts TO app_user;
GRANT UPDATE (organization_id, id, partner_id) ON app.contacts TO app_user;
GRANT INSERT (id) ON app.partners TO app_user;
GRANT UPDATE (organization_id, id) ON app.partners TO app_user;
GRANT INSERT (id) ON app.projects TO app_user;
GRANT UPDATE (organization_id, id) ON app.projects TO app_user;
GRANT INSERT (organization_id, id) ON app.sites TO app_user;
GRANT UPDATE (organization_id, id) ON app.sites TO app_user;
GRANT INSERT (id) ON app.workflow_definition_stages TO app_user;
GRANT UPDATE (organization_id, id, workflow_definition_id, workflow_stage_id) ON app.workflow_definition_stages TO app_user;
GRANT INSERT (id) ON app.workflow_definition_sub_stages TO app_user;
GRANT UPDATE (organization_id, id, workflow_definition_id, workflow_sub_stage_id) ON app.workflow_definition_sub_stages TO app_user;
GRANT INSERT (id) ON app.workflow_definitions TO app_user;
GRANT UPDATE (organization_id, id) ON app.workflow_definitions TO app_user;
GRANT INSERT (id) ON app.workflow_stages TO app_user;
GRANT UPDATE (organization_id, id) ON app.workflow_stages TO app_user;
GRANT INSERT (id) ON app.workflow_sub_stages TO app_user;
GRANT UPDATE (organization_id, id, workflow_stage_id) ON app.workflow_sub_stages TO app_user;
