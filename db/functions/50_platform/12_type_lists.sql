-- Type lists (migration platform/custom_fields): a tenant's configurable
-- taxonomies. Select custom fields store a value's code; deactivating a
-- value keeps stored codes readable and refuses it on new writes
-- (13_custom_fields.sql). Managed with custom_field.manage.

CREATE OR REPLACE FUNCTION app.type_lists_localized_label(list app.type_lists) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.localized(list.label, list.labels);
$$;
COMMENT ON FUNCTION app.type_lists_localized_label(app.type_lists) IS
  'The list''s label in the caller''s locale (labels, then the default label): GraphQL field localizedLabel, REST select=*,type_lists_localized_label.';

CREATE OR REPLACE FUNCTION app.type_list_values_localized_label(item app.type_list_values) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.localized(item.label, item.labels);
$$;
COMMENT ON FUNCTION app.type_list_values_localized_label(app.type_list_values) IS
  'The value''s label in the caller''s locale (labels, then the default label): GraphQL field localizedLabel, REST select=*,type_list_values_localized_label.';

CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.type_lists
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.type_lists
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('custom_field.manage');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.type_lists
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.type_lists
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- A value's code is what entities store: it never changes, nor does its list.
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.type_list_values
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.type_list_values
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('custom_field.manage');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.type_list_values
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'type_list_id', 'code');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.type_list_values
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
