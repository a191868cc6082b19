-- Deploy pulse:platform/tags to pg
-- requires: platform/entities

BEGIN;

-- Tags: a tenant's vocabulary, put on any registered entity
-- (db/functions/50_platform/32_tags.sql).
CREATE TABLE app.tags (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CONSTRAINT tags_name_length CHECK (length(name) BETWEEN 1 AND 60 AND name = btrim(name)),
  color text NOT NULL DEFAULT '#6b7280' CONSTRAINT tags_color_format CHECK (color ~ '^#[0-9a-f]{6}$'),
  description text CONSTRAINT tags_description_length CHECK (length(description) <= 500),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX tags_name_key ON app.tags (organization_id, lower(name));
CREATE INDEX tags_created_by_idx ON app.tags (created_by);

COMMENT ON TABLE app.tags IS
  E'Tags\nThe tenant''s tag vocabulary: names unique per tenant whatever their case, a colour, an optional description. Staff read them; tag.manage changes them. entity_tags puts them on entities.';
COMMENT ON COLUMN app.tags.organization_id IS 'Tenant (filled from the token when left out).';
COMMENT ON COLUMN app.tags.id IS 'Tag id (filled by the server when left out).';
COMMENT ON COLUMN app.tags.name IS 'Name: 1 to 60 characters, no leading or trailing spaces, unique in the tenant ignoring case.';
COMMENT ON COLUMN app.tags.color IS 'Colour as #rrggbb (lower case; upper case is accepted and lowered).';
COMMENT ON COLUMN app.tags.description IS 'What the tag means (at most 500 characters).';
COMMENT ON COLUMN app.tags.created_by IS 'Who created it (set by the server).';
COMMENT ON COLUMN app.tags.created_at IS 'When it was created.';
COMMENT ON COLUMN app.tags.updated_at IS 'When it last changed.';

CREATE TABLE app.entity_tags (
  organization_id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  tag_id uuid NOT NULL,
  tagged_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  tagged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, entity_type, entity_id, tag_id),
  FOREIGN KEY (organization_id, entity_type, entity_id)
    REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, tag_id) REFERENCES app.tags (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX entity_tags_tag_idx ON app.entity_tags (organization_id, tag_id, entity_type);
CREATE INDEX entity_tags_tagged_by_idx ON app.entity_tags (tagged_by);

COMMENT ON TABLE app.entity_tags IS
  E'Tags on entities\nWhich tag is on which entity (any registered type: GET /entity_types). Read by whoever may read the entity; put on and taken off by holders of tag.apply who may read it. Filter: GET /entity_tags?tag_id=eq.<tag>&entity_type=eq.project. Deleting the entity or the tag deletes the row.';
COMMENT ON COLUMN app.entity_tags.organization_id IS 'Tenant (filled from the token when left out).';
COMMENT ON COLUMN app.entity_tags.entity_type IS 'Entity type (entity_types.entity_type, e.g. project).';
COMMENT ON COLUMN app.entity_tags.entity_id IS 'The entity (its id in its own table).';
COMMENT ON COLUMN app.entity_tags.tag_id IS 'The tag (tags.id).';
COMMENT ON COLUMN app.entity_tags.tagged_by IS 'Who put the tag on (set by the server).';
COMMENT ON COLUMN app.entity_tags.tagged_at IS 'When.';

COMMIT;
