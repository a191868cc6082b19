-- Platform reference data: supported locales, the platform's strings, the
-- feature flags. Applied by every `pulse db migrate` and `pulse seed`;
-- idempotent. A flag or a string that leaves this file stays in the
-- database (tenants may have set it): remove it with a migration.

INSERT INTO app.locales (locale, name, native_name) VALUES
  ('en', 'English', 'English'),
  ('en-GB', 'English (United Kingdom)', 'English (United Kingdom)'),
  ('en-US', 'English (United States)', 'English (United States)'),
  ('de', 'German', 'Deutsch'),
  ('de-AT', 'German (Austria)', 'Deutsch (Österreich)'),
  ('de-CH', 'German (Switzerland)', 'Deutsch (Schweiz)'),
  ('fr', 'French', 'Français'),
  ('fr-CA', 'French (Canada)', 'Français (Canada)'),
  ('es', 'Spanish', 'Español'),
  ('it', 'Italian', 'Italiano'),
  ('nl', 'Dutch', 'Nederlands'),
  ('pl', 'Polish', 'Polski'),
  ('pt-BR', 'Portuguese (Brazil)', 'Português (Brasil)'),
  ('ja', 'Japanese', '日本語'),
  ('zh-Hans', 'Chinese (Simplified)', '简体中文')
ON CONFLICT (locale) DO UPDATE SET name = excluded.name, native_name = excluded.native_name;

-- Enum values people read: namespace enum, key <type>.<value>.
INSERT INTO app_private.default_i18n_strings (namespace, key, locale, text) VALUES
  ('enum', 'project_status.draft', 'en', 'Draft'), ('enum', 'project_status.draft', 'de', 'Entwurf'),
  ('enum', 'project_status.draft', 'fr', 'Brouillon'),
  ('enum', 'project_status.inquiry', 'en', 'Inquiry'), ('enum', 'project_status.inquiry', 'de', 'Anfrage'),
  ('enum', 'project_status.inquiry', 'fr', 'Demande'),
  ('enum', 'project_status.reviewing', 'en', 'In review'), ('enum', 'project_status.reviewing', 'de', 'In Prüfung'),
  ('enum', 'project_status.reviewing', 'fr', 'En revue'),
  ('enum', 'project_status.quoted', 'en', 'Quoted'), ('enum', 'project_status.quoted', 'de', 'Angeboten'),
  ('enum', 'project_status.quoted', 'fr', 'Devis envoyé'),
  ('enum', 'project_status.confirmed', 'en', 'Confirmed'), ('enum', 'project_status.confirmed', 'de', 'Bestätigt'),
  ('enum', 'project_status.confirmed', 'fr', 'Confirmé'),
  ('enum', 'project_status.procurement', 'en', 'Procurement'), ('enum', 'project_status.procurement', 'de', 'Beschaffung'),
  ('enum', 'project_status.procurement', 'fr', 'Approvisionnement'),
  ('enum', 'project_status.production', 'en', 'Production'), ('enum', 'project_status.production', 'de', 'Fertigung'),
  ('enum', 'project_status.production', 'fr', 'Production'),
  ('enum', 'project_status.completed', 'en', 'Completed'), ('enum', 'project_status.completed', 'de', 'Abgeschlossen'),
  ('enum', 'project_status.completed', 'fr', 'Terminé'),
  ('enum', 'project_status.cancelled', 'en', 'Cancelled'), ('enum', 'project_status.cancelled', 'de', 'Storniert'),
  ('enum', 'project_status.cancelled', 'fr', 'Annulé'),
  ('enum', 'sub_stage_status.pending', 'en', 'Pending'), ('enum', 'sub_stage_status.pending', 'de', 'Offen'),
  ('enum', 'sub_stage_status.pending', 'fr', 'En attente'),
  ('enum', 'sub_stage_status.in_progress', 'en', 'In progress'), ('enum', 'sub_stage_status.in_progress', 'de', 'In Arbeit'),
  ('enum', 'sub_stage_status.in_progress', 'fr', 'En cours'),
  ('enum', 'sub_stage_status.in_review', 'en', 'In review'), ('enum', 'sub_stage_status.in_review', 'de', 'In Prüfung'),
  ('enum', 'sub_stage_status.in_review', 'fr', 'En revue'),
  ('enum', 'sub_stage_status.blocked', 'en', 'Blocked'), ('enum', 'sub_stage_status.blocked', 'de', 'Blockiert'),
  ('enum', 'sub_stage_status.blocked', 'fr', 'Bloqué'),
  ('enum', 'sub_stage_status.skipped', 'en', 'Skipped'), ('enum', 'sub_stage_status.skipped', 'de', 'Übersprungen'),
  ('enum', 'sub_stage_status.skipped', 'fr', 'Ignoré'),
  ('enum', 'sub_stage_status.completed', 'en', 'Completed'), ('enum', 'sub_stage_status.completed', 'de', 'Erledigt'),
  ('enum', 'sub_stage_status.completed', 'fr', 'Terminé')
ON CONFLICT (namespace, key, locale) DO UPDATE SET text = excluded.text;

-- Feature flags (seed 000 phase 8: GLP / 21 CFR Part 11 controls are
-- optional per tenant). Domains read them with auth.feature_enabled(key) or
-- app_private.feature_flag(org, key).
INSERT INTO app_private.feature_flag_definitions (key, value_type, allowed_values, minimum, maximum, default_value, description) VALUES
  ('glp_esignatures_required', 'boolean', NULL, NULL, NULL, 'false',
   'GLP / 21 CFR Part 11: decisions on regulated records (approvals, state transitions, result release) need an electronic signature with meaning and reason.'),
  ('glp_training_checks', 'boolean', NULL, NULL, NULL, 'false',
   'GLP: a person may perform a controlled step only while their training on its SOP version is current.'),
  ('soft_delete_retention_days', 'integer', NULL, 1, 3650, '30',
   'Days a soft-deleted record can be restored before the purge job removes it for good.'),
  ('results_review', 'enum', ARRAY['none', 'single', 'second_person'], NULL, NULL, '"single"',
   'Who reviews a recorded result before it is released: nobody, one reviewer, or a second person other than the one who recorded it.'),
  -- The lab's results part.
  ('results_self_review_allowed', 'boolean', NULL, NULL, NULL, 'false',
   'Four eyes: whether the person who entered a result may also review and release it (never when results_review is second_person).'),
  -- The lab's service requests (70_lab/50_service_requests.sql).
  ('lab_turnaround_days', 'integer', NULL, 0, 365, '10',
   'Days from the receipt of a service request''s first sample to its due date when none of its requested tests has a turnaround of its own.')
ON CONFLICT (key) DO UPDATE SET value_type = excluded.value_type, allowed_values = excluded.allowed_values,
  minimum = excluded.minimum, maximum = excluded.maximum, default_value = excluded.default_value, description = excluded.description;

-- The fonts a tenant's theme may use (app.branding_fonts): open-licence
-- families a frontend can self-host, each with its CSS fallbacks.
INSERT INTO app.branding_fonts (family, category, fallback_stack) VALUES
  ('Inter', 'sans-serif', 'system-ui, sans-serif'),
  ('Roboto', 'sans-serif', 'system-ui, sans-serif'),
  ('Open Sans', 'sans-serif', 'system-ui, sans-serif'),
  ('Source Sans 3', 'sans-serif', 'system-ui, sans-serif'),
  ('IBM Plex Sans', 'sans-serif', 'system-ui, sans-serif'),
  ('Noto Sans', 'sans-serif', 'system-ui, sans-serif'),
  ('Lato', 'sans-serif', 'system-ui, sans-serif'),
  ('Merriweather', 'serif', 'Georgia, serif'),
  ('Source Serif 4', 'serif', 'Georgia, serif'),
  ('IBM Plex Mono', 'monospace', 'ui-monospace, monospace'),
  ('JetBrains Mono', 'monospace', 'ui-monospace, monospace')
ON CONFLICT (family) DO UPDATE SET category = excluded.category, fallback_stack = excluded.fallback_stack;

-- The tenant settings the platform defines (app.settings): a JSON schema,
-- a default, the permission that changes it. Domains read them with
-- app_private.setting(org, key) or app_private.setting(org, key, NULL::type).
INSERT INTO app_private.setting_definitions (key, value_schema, default_value, description, permission) VALUES
  ('oee_small_stop_minutes', '{"type": "number", "exclusiveMinimum": 0, "maximum": 60}', '5',
   'OEE: unplanned stops shorter than this many minutes are small stops (one of the six big losses), longer ones other stops.', 'settings.manage'),
  ('shipment_label_format', '{"type": "object", "required": ["symbology", "width_mm", "height_mm"], "additionalProperties": false,
     "properties": {"symbology": {"enum": ["gs1-128", "qr"]},
                    "width_mm": {"type": "integer", "minimum": 25, "maximum": 210},
                    "height_mm": {"type": "integer", "minimum": 25, "maximum": 297}}}',
   '{"symbology": "gs1-128", "width_mm": 102, "height_mm": 152}',
   'Shipping labels: the barcode symbology a label request without one uses (gs1-128 or qr, what the label_render job draws) and the label size in millimetres the barcode is drawn to fit (4 x 6 inches by default).', 'settings.manage'),
  ('spc_rules', '{"type": "array", "minItems": 1, "maxItems": 8, "items": {"type": "integer", "minimum": 1, "maximum": 8}}',
   '[1, 2, 3, 4]',
   'The Western Electric / Nelson rules (1 to 8) that flag an out-of-control point on SPC charts; 1 to 4 are the Western Electric rules.', 'settings.manage'),
  ('supplier_on_time_tolerance_days', '{"type": "integer", "minimum": 0, "maximum": 30}', '0',
   'Days a receipt may come after its ordered due date and still count as on time in the supplier scorecard.', 'settings.manage'),
  ('over_receipt_tolerance_percent', '{"type": "number", "minimum": 0, "maximum": 100}', '0',
   'How far (percent of the ordered quantity) receipts against a purchase order line may exceed it; more is refused (receipt.over_receipt).', 'settings.manage'),
  ('measurement_retention_years', '{"type": "integer", "minimum": 2, "maximum": 100}', '15',
   'Years the tenant keeps inspection measurements before the purge-measurements job removes them: at least 2 (a record kept through the calendar year after the one it was made in, the shortest period IATF 16949 customer-specific requirements ask), 15 by default (VDA 1 for records of special characteristics); the data of SPC baselines in force stays.', 'settings.manage')
ON CONFLICT (key) DO UPDATE SET value_schema = excluded.value_schema, default_value = excluded.default_value,
  description = excluded.description, permission = excluded.permission;
