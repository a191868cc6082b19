-- Verify pulse:platform/checklists on pg

BEGIN;

SELECT organization_id, id, entity_type, key, name, labels, is_active, created_at, updated_at FROM app.checklist_templates WHERE false;
SELECT organization_id, id, template_id, position, label, labels, required FROM app.checklist_template_items WHERE false;
SELECT organization_id, id, template_id, entity_type, entity_id, started_by, started_at FROM app.checklists WHERE false;
SELECT organization_id, id, checklist_id, position, label, labels, required, checked_by, checked_at, note FROM app.checklist_items WHERE false;

-- Written only through the RPCs (db/functions/50_platform/15_checklists.sql).
SELECT 1 / (NOT has_table_privilege('app_user', 'app.checklists', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.checklist_items', 'UPDATE'))::int;

ROLLBACK;
