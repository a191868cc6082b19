-- Deploy pulse:platform/entities to pg
-- requires: workflow/exit_criteria

BEGIN;

-- The entity register. A domain registers each entity type it wants the
-- platform blocks on (custom fields, state machines, tags, comments,
-- attachments, search) with one call of app_private.register_entity_type in
-- its repeatables. Every row of a registered table then has a supertype row
-- here, kept by triggers, so the blocks' tables hold real composite foreign
-- keys (organization_id, entity_type, entity_id): a reference to another
-- tenant's row, or to a row that does not exist, is impossible, and deleting
-- the entity deletes what hangs off it.

CREATE TABLE app_private.entity_types (
  entity_type text PRIMARY KEY CONSTRAINT entity_types_name_format CHECK (entity_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  table_name regclass NOT NULL UNIQUE,
  title_column text NOT NULL,
  number_column text,
  label text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE app_private.entity_types IS
  'Entity types registered by the domains (app_private.register_entity_type): the table, the column that titles a row, the human id column.';

CREATE TABLE app_private.entities (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entity_type text NOT NULL REFERENCES app_private.entity_types (entity_type),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT entities_typed_key UNIQUE (organization_id, entity_type, id)
);
COMMENT ON TABLE app_private.entities IS
  'One row per row of a registered entity table, written and deleted by that table''s triggers; the target of every polymorphic foreign key.';

-- The platform event log: domains publish what happened (app_private.publish_event),
-- in the transaction that made it happen; consumers (webhooks, rules) hang
-- AFTER INSERT triggers on it.
CREATE TABLE app_private.events (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  event_type text NOT NULL CONSTRAINT events_type_format CHECK (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' AND length(event_type) <= 100),
  entity_type text,
  entity_id uuid,
  payload jsonb NOT NULL DEFAULT '{}' CONSTRAINT events_payload_object CHECK (jsonb_typeof(payload) = 'object'),
  actor_id uuid,
  depth integer NOT NULL DEFAULT 0 CONSTRAINT events_depth_range CHECK (depth BETWEEN 0 AND 100),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT events_entity_pair CHECK ((entity_type IS NULL) = (entity_id IS NULL))
);
CREATE INDEX events_type_idx ON app_private.events (organization_id, event_type, occurred_at);
CREATE INDEX events_entity_idx ON app_private.events (organization_id, entity_type, entity_id);
COMMENT ON TABLE app_private.events IS
  'What happened in a tenant, published by the domains in the same transaction (app_private.publish_event). depth counts how many rule actions led to the event.';

COMMIT;
