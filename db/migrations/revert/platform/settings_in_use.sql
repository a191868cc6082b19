-- Revert pulse:platform/settings_in_use from pg

BEGIN;

-- The three definitions come back with their defaults; values tenants had set are not restored.
INSERT INTO app_private.setting_definitions (key, value_schema, default_value, description, permission) VALUES
  ('measurement_system', '{"type": "string", "enum": ["metric", "imperial"]}', '"metric"',
   'Units the tenant''s forms offer first and reports convert to: metric (mm, kg, °C) or imperial (in, lb, °F).', 'settings.manage'),
  ('measurement_decimals', '{"type": "integer", "minimum": 0, "maximum": 6}', '3',
   'Decimal places measurements, SPC limits and capability indices are shown with.', 'settings.manage'),
  ('lot_number_date_format', '{"type": "string", "enum": ["YYMMDD", "YYYYMMDD", "YYWW", "YYDDD"]}', '"YYMMDD"',
   'The date part of lot numbers the tenant''s patterns take it from.', 'settings.manage')
ON CONFLICT (key) DO NOTHING;

COMMIT;
