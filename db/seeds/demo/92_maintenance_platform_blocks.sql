-- Maintenance records on the platform blocks, on Acme (after
-- 90_maintenance_work.sql): a custom field "cost centre" on assets and work
-- orders, set on the CNC lathe and its work orders (filter them with
-- custom_fields->>cost_centre=eq.CC-410), and a contractor's portal user,
-- contractor@acme.test, bound to Hydro Service (C-4001), the contractor of three work
-- orders: it reads those work orders, their assets and charges, none of the
-- staff's labour. Idempotent.

INSERT INTO app.users (email, display_name) VALUES ('contractor@acme.test', 'Contractor at Hydro Service')
ON CONFLICT (email) DO NOTHING;

INSERT INTO app.memberships (organization_id, user_id, partner_id)
SELECT o.id, u.id, p.id
  FROM app.organizations AS o
  JOIN app.partners AS p ON p.organization_id = o.id AND p.code = 'C-4001'
  JOIN app.users AS u ON u.email = 'contractor@acme.test'
 WHERE o.slug = 'acme-manufacturing'
ON CONFLICT (organization_id, user_id) DO NOTHING;

INSERT INTO app.role_assignments (organization_id, membership_id, role_id)
SELECT m.organization_id, m.id, r.id
  FROM app.memberships AS m
  JOIN app.users AS u ON u.id = m.user_id AND u.email = 'contractor@acme.test'
  JOIN app.roles AS r ON r.organization_id = m.organization_id AND r.key = 'customer_portal'
ON CONFLICT ON CONSTRAINT role_assignments_unique DO NOTHING;

SELECT app_private.store_password(u.id, 'pulse-demo-password')
  FROM app.users AS u
 WHERE u.email = 'contractor@acme.test' AND NOT EXISTS (SELECT FROM app_private.credentials AS c WHERE c.user_id = u.id);

INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, labels, field_type, position, pattern, help_text)
SELECT o.id, e.entity_type, 'cost_centre', 'Cost centre', '{"de": "Kostenstelle"}', 'text', 1, 'CC-[0-9]{3}',
       'The controlling cost centre the asset''s maintenance is booked to, e.g. CC-410.'
  FROM app.organizations AS o CROSS JOIN (VALUES ('equipment'), ('work_order')) AS e (entity_type)
 WHERE o.slug = 'acme-manufacturing'
   AND NOT EXISTS (SELECT FROM app.custom_field_definitions AS d
                    WHERE d.organization_id = o.id AND d.entity_type = e.entity_type AND d.code = 'cost_centre');

UPDATE app.equipment AS e SET custom_fields = e.custom_fields || '{"cost_centre": "CC-410"}'
  FROM app.organizations AS o
 WHERE o.slug = 'acme-manufacturing' AND e.organization_id = o.id AND e.serial_number = 'DMG-350-0042'
   AND NOT e.custom_fields ? 'cost_centre';
UPDATE app.work_orders AS w SET custom_fields = w.custom_fields || '{"cost_centre": "CC-410"}'
  FROM app.organizations AS o, app.equipment AS e
 WHERE o.slug = 'acme-manufacturing' AND w.organization_id = o.id AND e.organization_id = o.id AND e.id = w.equipment_id
   AND e.serial_number = 'DMG-350-0042' AND NOT w.custom_fields ? 'cost_centre';
