-- Logistics (84_logistics): the GS1 company prefix setting SSCCs are made
-- from, and the default shipment state machine for every tenant that has
-- none yet (after 10_rbac.sql: its guards name shipment.manage). Idempotent.
INSERT INTO app_private.setting_definitions (key, value_schema, default_value, description, permission) VALUES
  ('gs1_company_prefix', '{"type": "string", "pattern": "^([0-9]{6,12})?$"}', '""',
   'The GS1 company prefix GS1 gave the organization (6 to 12 digits): SSCCs of shipping units are made from it. Empty: no SSCCs.', 'settings.manage')
ON CONFLICT (key) DO UPDATE SET value_schema = excluded.value_schema, default_value = excluded.default_value,
  description = excluded.description, permission = excluded.permission;

SELECT app_private.provision_logistics(o.id) FROM app.organizations AS o;
