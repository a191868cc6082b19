-- Deploy pulse:audit to pg
-- requires: tenancy

BEGIN;

CREATE TYPE audit.action AS ENUM ('insert', 'update', 'delete');

-- organization_id is empty for changes to global entities (users): such a
-- row belongs to the platform, not to a tenant, so the key is the id alone.
CREATE TABLE audit.activity_log (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  organization_id uuid,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_user_id uuid,
  actor_role text NOT NULL DEFAULT current_user,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  action audit.action NOT NULL,
  old_values jsonb,
  new_values jsonb,
  request_id text,
  client_address inet
);

CREATE INDEX activity_log_organization_time_idx ON audit.activity_log (organization_id, occurred_at DESC);
CREATE INDEX activity_log_entity_idx ON audit.activity_log (organization_id, entity_type, entity_id, occurred_at DESC);

COMMENT ON TABLE audit.activity_log IS
  'Append-only record of every change to core entities. Nobody, owner included, can change or delete a row; only app.purge_organization removes a purged tenant''s rows.';

COMMIT;
