-- Deploy pulse:platform/checklists to pg
-- requires: platform/entities

BEGIN;

-- Checklists on any registered entity: a tenant defines templates (ordered
-- items, some required) for an entity type; an entity gets an instance of a
-- template whose items people check. A state-machine guard (kind checklist)
-- holds when every required item of the entity's instance is checked.

CREATE TABLE app.checklist_templates (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entity_type text NOT NULL REFERENCES app_private.entity_types (entity_type),
  key text NOT NULL CONSTRAINT checklist_templates_key_format CHECK (key ~ '^[a-z][a-z0-9_-]{0,62}$'),
  name text NOT NULL CONSTRAINT checklist_templates_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT checklist_templates_labels_object CHECK (jsonb_typeof(labels) = 'object' AND octet_length(labels::text) <= 8192),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT checklist_templates_key_unique UNIQUE (organization_id, key)
);
CREATE INDEX checklist_templates_entity_type_idx ON app.checklist_templates (entity_type);
COMMENT ON TABLE app.checklist_templates IS
  E'Checklist templates\nPer tenant: a named list of items for an entity type (app.define_checklist_template); app.start_checklist copies it onto an entity.';
COMMENT ON COLUMN app.checklist_templates.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.checklist_templates.id IS 'Template id.';
COMMENT ON COLUMN app.checklist_templates.entity_type IS E'Entity type\nThe registered entity type its checklists hang off (GET /entity_types).';
COMMENT ON COLUMN app.checklist_templates.key IS E'Key\nUnique in the tenant; state-machine guards name it ({"kind": "checklist", "template": "<key>"}).';
COMMENT ON COLUMN app.checklist_templates.name IS E'Name\nDefault text; labels holds its translations.';
COMMENT ON COLUMN app.checklist_templates.labels IS E'Translations\nThe name per locale, {"de": "..."}; read through auth.localized.';
COMMENT ON COLUMN app.checklist_templates.is_active IS E'Active\nInactive templates start no new checklists; existing ones stay.';
COMMENT ON COLUMN app.checklist_templates.created_at IS 'Created at.';
COMMENT ON COLUMN app.checklist_templates.updated_at IS 'Updated at.';

CREATE TABLE app.checklist_template_items (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  template_id uuid NOT NULL,
  position integer NOT NULL CONSTRAINT checklist_template_items_position_range CHECK (position BETWEEN 1 AND 200),
  label text NOT NULL CONSTRAINT checklist_template_items_label_length CHECK (length(btrim(label)) BETWEEN 1 AND 500),
  labels jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT checklist_template_items_labels_object CHECK (jsonb_typeof(labels) = 'object' AND octet_length(labels::text) <= 8192),
  required boolean NOT NULL DEFAULT true,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT checklist_template_items_position_unique UNIQUE (organization_id, template_id, position),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.checklist_templates (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app.checklist_template_items IS E'Checklist template items\nThe items of a template, in order.';
COMMENT ON COLUMN app.checklist_template_items.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.checklist_template_items.id IS 'Item id.';
COMMENT ON COLUMN app.checklist_template_items.template_id IS E'Template\nThe checklist template.';
COMMENT ON COLUMN app.checklist_template_items.position IS E'Position\n1 is the first item.';
COMMENT ON COLUMN app.checklist_template_items.label IS E'Label\nDefault text; labels holds its translations.';
COMMENT ON COLUMN app.checklist_template_items.labels IS E'Translations\nThe label per locale; read through auth.localized.';
COMMENT ON COLUMN app.checklist_template_items.required IS E'Required\nA checklist is complete when every required item is checked.';

CREATE TABLE app.checklists (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  template_id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  started_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT checklists_one_per_entity UNIQUE (organization_id, template_id, entity_type, entity_id),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.checklist_templates (organization_id, id),
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE
);
CREATE INDEX checklists_entity_idx ON app.checklists (organization_id, entity_type, entity_id);
COMMENT ON TABLE app.checklists IS
  E'Checklists\nA template''s items copied onto one entity (app.start_checklist); one per template and entity. Visible to whoever may read the entity.';
COMMENT ON COLUMN app.checklists.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.checklists.id IS 'Checklist id.';
COMMENT ON COLUMN app.checklists.template_id IS E'Template\nThe template it was copied from.';
COMMENT ON COLUMN app.checklists.entity_type IS E'Entity type\nWhat kind of entity it is on.';
COMMENT ON COLUMN app.checklists.entity_id IS E'Entity\nThe entity it is on.';
COMMENT ON COLUMN app.checklists.started_by IS E'Started by\nWho started it.';
COMMENT ON COLUMN app.checklists.started_at IS 'Started at.';

CREATE TABLE app.checklist_items (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  checklist_id uuid NOT NULL,
  position integer NOT NULL,
  label text NOT NULL,
  labels jsonb NOT NULL DEFAULT '{}',
  required boolean NOT NULL,
  checked_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  checked_at timestamptz,
  note text CONSTRAINT checklist_items_note_length CHECK (length(note) <= 2000),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT checklist_items_position_unique UNIQUE (organization_id, checklist_id, position),
  CONSTRAINT checklist_items_checked_pair CHECK (checked_at IS NOT NULL OR checked_by IS NULL),
  FOREIGN KEY (organization_id, checklist_id) REFERENCES app.checklists (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app.checklist_items IS
  E'Checklist items\nThe items of one entity''s checklist, checked (and unchecked) with app.check_checklist_item.';
COMMENT ON COLUMN app.checklist_items.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.checklist_items.id IS 'Item id.';
COMMENT ON COLUMN app.checklist_items.checklist_id IS 'Checklist.';
COMMENT ON COLUMN app.checklist_items.position IS E'Position\n1 is the first item.';
COMMENT ON COLUMN app.checklist_items.label IS E'Label\nCopied from the template when the checklist started.';
COMMENT ON COLUMN app.checklist_items.labels IS E'Translations\nCopied from the template; read through auth.localized.';
COMMENT ON COLUMN app.checklist_items.required IS E'Required\nMust be checked for the checklist to be complete.';
COMMENT ON COLUMN app.checklist_items.checked_by IS E'Checked by\nWho checked it; empty while unchecked.';
COMMENT ON COLUMN app.checklist_items.checked_at IS E'Checked at\nWhen; empty while unchecked.';
COMMENT ON COLUMN app.checklist_items.note IS E'Note\nWhat the checker noted.';

COMMIT;
