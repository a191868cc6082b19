-- Verify pulse:platform/custom_fields on pg

BEGIN;

SELECT organization_id, id, code, label, labels, description, created_at, updated_at FROM app.type_lists WHERE false;
SELECT organization_id, id, type_list_id, code, label, labels, color, position, is_active, created_at, updated_at
  FROM app.type_list_values WHERE false;
SELECT organization_id, id, entity_type, code, label, labels, field_type, is_required, min_value, max_value, min_length,
       max_length, pattern, allowed_values, unit, type_list_id, target_entity_type, position, help_text, is_active,
       created_at, updated_at
  FROM app.custom_field_definitions WHERE false;
SELECT custom_fields FROM app.projects WHERE false;
SELECT custom_fields FROM app.documents WHERE false;
SELECT 'app.projects_custom_fields_idx'::regclass, 'app.documents_custom_fields_idx'::regclass;

SELECT 1 / (NOT has_table_privilege('anon', 'app.custom_field_definitions', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('anon', 'app.type_lists', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.custom_field_definitions', 'TRUNCATE'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.type_list_values', 'TRUNCATE'))::int;

ROLLBACK;
