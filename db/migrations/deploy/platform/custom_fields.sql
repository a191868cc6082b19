-- Deploy pulse:platform/custom_fields to pg
-- requires: platform/units

BEGIN;

-- The configuration engine (issue #13 block 1). Per tenant: type lists
-- (configurable taxonomies with ordered, coloured, deactivatable values)
-- and custom field definitions per entity type; the values live on the
-- entity row itself (custom_fields jsonb), validated on every write by the
-- trigger app_private.enable_custom_fields installs
-- (db/functions/50_platform/13_custom_fields.sql).

CREATE TABLE app.type_lists (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT type_lists_code_format CHECK (code ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text NOT NULL CONSTRAINT type_lists_label_length CHECK (length(label) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT type_lists_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  description text NOT NULL DEFAULT '' CONSTRAINT type_lists_description_length CHECK (length(description) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT type_lists_code_unique UNIQUE (organization_id, code)
);
COMMENT ON TABLE app.type_lists IS
  E'Type lists\nA tenant''s configurable taxonomies (e.g. product families, risk classes): ordered values that select custom fields offer. Changed with custom_field.manage.';
COMMENT ON COLUMN app.type_lists.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.type_lists.id IS 'Row id.';
COMMENT ON COLUMN app.type_lists.code IS 'Stable code (lower case, digits, underscores), unique in the tenant.';
COMMENT ON COLUMN app.type_lists.label IS 'Name people read, in the default language.';
COMMENT ON COLUMN app.type_lists.labels IS 'Translations of the label by locale ({"de": "Produktfamilien"}); localizedLabel shows the caller''s.';
COMMENT ON COLUMN app.type_lists.description IS 'What the list is for.';
COMMENT ON COLUMN app.type_lists.created_at IS 'When the list was created.';
COMMENT ON COLUMN app.type_lists.updated_at IS 'When it was last changed.';

CREATE TABLE app.type_list_values (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  type_list_id uuid NOT NULL,
  code text NOT NULL CONSTRAINT type_list_values_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
  label text NOT NULL CONSTRAINT type_list_values_label_length CHECK (length(label) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT type_list_values_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  color text CONSTRAINT type_list_values_color_format CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
  position integer NOT NULL DEFAULT 0 CONSTRAINT type_list_values_position_range CHECK (position BETWEEN 0 AND 100000),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT type_list_values_code_unique UNIQUE (organization_id, type_list_id, code),
  CONSTRAINT type_list_values_list_fkey
    FOREIGN KEY (organization_id, type_list_id) REFERENCES app.type_lists (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX type_list_values_position_idx ON app.type_list_values (organization_id, type_list_id, position);
COMMENT ON TABLE app.type_list_values IS
  E'Type list values\nThe values of a type list, in order. A deactivated value (is_active false) still reads back where it is stored; new writes refuse it.';
COMMENT ON COLUMN app.type_list_values.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.type_list_values.id IS 'Row id.';
COMMENT ON COLUMN app.type_list_values.type_list_id IS 'The list the value belongs to.';
COMMENT ON COLUMN app.type_list_values.code IS 'Code stored in custom fields, unique in the list (it never changes: stored values keep it).';
COMMENT ON COLUMN app.type_list_values.label IS 'Name people read, in the default language.';
COMMENT ON COLUMN app.type_list_values.labels IS 'Translations of the label by locale; localizedLabel shows the caller''s.';
COMMENT ON COLUMN app.type_list_values.color IS 'Colour shown with the value (#RRGGBB), if any.';
COMMENT ON COLUMN app.type_list_values.position IS 'Order in the list (lower first).';
COMMENT ON COLUMN app.type_list_values.is_active IS 'Offered for new values; false keeps stored values readable but refuses new writes of it.';
COMMENT ON COLUMN app.type_list_values.created_at IS 'When the value was added.';
COMMENT ON COLUMN app.type_list_values.updated_at IS 'When it was last changed.';

CREATE TYPE app.custom_field_type AS ENUM (
  'text', 'long_text', 'integer', 'decimal', 'date', 'datetime', 'boolean',
  'single_select', 'multi_select', 'reference', 'url', 'email'
);
COMMENT ON TYPE app.custom_field_type IS
  'What a custom field holds: text, long_text, integer, decimal (with an optional unit), date, datetime, boolean, single_select and multi_select (codes of a type list), reference (the id of another entity), url, email.';

CREATE TABLE app.custom_field_definitions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entity_type text NOT NULL REFERENCES app_private.entity_types (entity_type) ON DELETE CASCADE,
  code text NOT NULL CONSTRAINT custom_field_definitions_code_format CHECK (code ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text NOT NULL CONSTRAINT custom_field_definitions_label_length CHECK (length(label) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT custom_field_definitions_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  field_type app.custom_field_type NOT NULL,
  is_required boolean NOT NULL DEFAULT false,
  min_value numeric,
  max_value numeric,
  min_length integer CONSTRAINT custom_field_definitions_min_length_range CHECK (min_length >= 0),
  max_length integer CONSTRAINT custom_field_definitions_max_length_range CHECK (max_length BETWEEN 1 AND 100000),
  pattern text CONSTRAINT custom_field_definitions_pattern_length CHECK (length(pattern) <= 500),
  allowed_values text[] CONSTRAINT custom_field_definitions_allowed_values_size CHECK (cardinality(allowed_values) BETWEEN 1 AND 1000),
  unit text REFERENCES app.units (code) ON UPDATE CASCADE,
  type_list_id uuid,
  target_entity_type text REFERENCES app_private.entity_types (entity_type) ON DELETE CASCADE,
  position integer NOT NULL DEFAULT 0 CONSTRAINT custom_field_definitions_position_range CHECK (position BETWEEN 0 AND 100000),
  help_text text NOT NULL DEFAULT '' CONSTRAINT custom_field_definitions_help_text_length CHECK (length(help_text) <= 2000),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT custom_field_definitions_code_unique UNIQUE (organization_id, entity_type, code),
  CONSTRAINT custom_field_definitions_list_fkey
    FOREIGN KEY (organization_id, type_list_id) REFERENCES app.type_lists (organization_id, id),
  CONSTRAINT custom_field_definitions_list_only_for_selects
    CHECK ((type_list_id IS NOT NULL) = (field_type IN ('single_select', 'multi_select'))),
  CONSTRAINT custom_field_definitions_target_only_for_references
    CHECK ((target_entity_type IS NOT NULL) = (field_type = 'reference')),
  CONSTRAINT custom_field_definitions_unit_only_for_decimals CHECK (unit IS NULL OR field_type = 'decimal'),
  CONSTRAINT custom_field_definitions_bounds_only_for_numbers
    CHECK ((min_value IS NULL AND max_value IS NULL) OR field_type IN ('integer', 'decimal')),
  CONSTRAINT custom_field_definitions_bounds_order CHECK (min_value <= max_value),
  CONSTRAINT custom_field_definitions_lengths_only_for_texts
    CHECK ((min_length IS NULL AND max_length IS NULL AND pattern IS NULL) OR field_type IN ('text', 'long_text', 'url', 'email')),
  CONSTRAINT custom_field_definitions_lengths_order CHECK (min_length <= max_length),
  CONSTRAINT custom_field_definitions_allowed_values_for
    CHECK (allowed_values IS NULL OR field_type IN ('text', 'single_select', 'multi_select'))
);
CREATE INDEX custom_field_definitions_entity_idx ON app.custom_field_definitions (organization_id, entity_type, position);
CREATE INDEX custom_field_definitions_list_idx ON app.custom_field_definitions (organization_id, type_list_id);
CREATE INDEX custom_field_definitions_target_idx ON app.custom_field_definitions (target_entity_type);
CREATE INDEX custom_field_definitions_unit_idx ON app.custom_field_definitions (unit);
COMMENT ON TABLE app.custom_field_definitions IS
  E'Custom field definitions\nThe fields a tenant adds to an entity type (GET /entity_types), with their rules; values live on the entity in custom_fields (keyed by code) and are checked on every write that touches them. Changed with custom_field.manage; POST /rpc/custom_field_violations lists stored values that break the current rules.';
COMMENT ON COLUMN app.custom_field_definitions.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.custom_field_definitions.id IS 'Row id.';
COMMENT ON COLUMN app.custom_field_definitions.entity_type IS 'The entity type the field belongs to (e.g. project); it cannot change.';
COMMENT ON COLUMN app.custom_field_definitions.code IS 'Key of the value in the entity''s custom_fields (lower case, digits, underscores); it cannot change.';
COMMENT ON COLUMN app.custom_field_definitions.label IS 'Name people read, in the default language.';
COMMENT ON COLUMN app.custom_field_definitions.labels IS 'Translations of the label by locale; localizedLabel shows the caller''s.';
COMMENT ON COLUMN app.custom_field_definitions.field_type IS 'What the field holds; it cannot change (stored values keep their type).';
COMMENT ON COLUMN app.custom_field_definitions.is_required IS 'A value must be present on a new entity, and cannot be removed.';
COMMENT ON COLUMN app.custom_field_definitions.min_value IS 'Smallest number allowed (integer and decimal, in the field''s unit).';
COMMENT ON COLUMN app.custom_field_definitions.max_value IS 'Largest number allowed (integer and decimal, in the field''s unit).';
COMMENT ON COLUMN app.custom_field_definitions.min_length IS 'Fewest characters allowed (text, long_text, url, email).';
COMMENT ON COLUMN app.custom_field_definitions.max_length IS 'Most characters allowed (text, long_text, url, email).';
COMMENT ON COLUMN app.custom_field_definitions.pattern IS 'A POSIX regular expression the whole text must match (text, long_text, url, email).';
COMMENT ON COLUMN app.custom_field_definitions.allowed_values IS 'The only values allowed (text), or the only codes of the type list allowed (selects).';
COMMENT ON COLUMN app.custom_field_definitions.unit IS 'Unit of a decimal field (GET /units): values are stored in it; a value sent as {"value": 2, "unit": "in"} is converted.';
COMMENT ON COLUMN app.custom_field_definitions.type_list_id IS 'The type list a select field offers (single_select, multi_select).';
COMMENT ON COLUMN app.custom_field_definitions.target_entity_type IS 'The entity type a reference field points at.';
COMMENT ON COLUMN app.custom_field_definitions.position IS 'Order on forms (lower first).';
COMMENT ON COLUMN app.custom_field_definitions.help_text IS 'Help shown beside the field.';
COMMENT ON COLUMN app.custom_field_definitions.is_active IS 'Checked and offered; false stops checking the field and refuses new values of it, stored ones stay.';
COMMENT ON COLUMN app.custom_field_definitions.created_at IS 'When the field was defined.';
COMMENT ON COLUMN app.custom_field_definitions.updated_at IS 'When it was last changed.';

-- The values, on the entities that have custom fields so far.
ALTER TABLE app.projects ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT projects_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object');
CREATE INDEX projects_custom_fields_idx ON app.projects USING gin (custom_fields);
COMMENT ON COLUMN app.projects.custom_fields IS
  'Custom field values by field code (GET /custom_field_definitions?entity_type=eq.project), checked on every write that touches them.';

ALTER TABLE app.documents ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT documents_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object');
CREATE INDEX documents_custom_fields_idx ON app.documents USING gin (custom_fields);
COMMENT ON COLUMN app.documents.custom_fields IS
  'Custom field values by field code (GET /custom_field_definitions?entity_type=eq.document), checked on every write that touches them.';

COMMIT;
