-- Revert pulse:platform/custom_fields from pg

BEGIN;

-- CASCADE: the validation triggers, views and functions of
-- 13_custom_fields.sql hang off these; the next migrate re-applies them.
DROP TRIGGER IF EXISTS _300_custom_fields ON app.projects;
DROP TRIGGER IF EXISTS _300_custom_fields ON app.documents;
ALTER TABLE app.projects DROP COLUMN custom_fields CASCADE;
ALTER TABLE app.documents DROP COLUMN custom_fields CASCADE;
DROP TABLE app.custom_field_definitions CASCADE;
DROP TABLE app.type_list_values CASCADE;
DROP TABLE app.type_lists CASCADE;
DROP TYPE app.custom_field_type CASCADE;

COMMIT;
