-- Deploy pulse:platform/comments to pg
-- requires: platform/entities

BEGIN;

ALTER TYPE app.notification_type ADD VALUE IF NOT EXISTS 'comment';

-- Threaded comments on any registered entity
-- (db/functions/50_platform/33_comments.sql). The body is plain text in one
-- column, so search can index it.
CREATE TABLE app.comments (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  parent_id uuid,
  author_id uuid NOT NULL REFERENCES app.users (id),
  body text NOT NULL CONSTRAINT comments_body_length CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
  mention_ids uuid[] NOT NULL DEFAULT '{}' CONSTRAINT comments_mentions_count CHECK (cardinality(mention_ids) <= 20),
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT comments_entity_key UNIQUE (organization_id, entity_type, entity_id, id),
  FOREIGN KEY (organization_id, entity_type, entity_id)
    REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE,
  -- A reply hangs off a comment of the same entity; when that comment is
  -- deleted, the reply stays, at the top of the thread.
  CONSTRAINT comments_parent_fkey FOREIGN KEY (organization_id, entity_type, entity_id, parent_id)
    REFERENCES app.comments (organization_id, entity_type, entity_id, id) ON DELETE SET NULL (parent_id)
);
CREATE INDEX comments_entity_idx ON app.comments (organization_id, entity_type, entity_id, created_at);
CREATE INDEX comments_parent_idx ON app.comments (organization_id, entity_type, entity_id, parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX comments_author_idx ON app.comments (author_id);
CREATE INDEX comments_mentions_idx ON app.comments USING gin (mention_ids);

COMMENT ON TABLE app.comments IS
  E'Comments\nThreaded comments on any entity (GET /entity_types): read by whoever may read the entity, written by holders of comment.write who may read it. Authors edit and delete their own; holders of comment.moderate delete anybody''s. Mentioned members are notified. A new comment publishes comment.created.';
COMMENT ON COLUMN app.comments.organization_id IS 'Tenant (filled from the token when left out).';
COMMENT ON COLUMN app.comments.id IS 'Comment id (filled by the server when left out).';
COMMENT ON COLUMN app.comments.entity_type IS 'Entity type (entity_types.entity_type, e.g. project).';
COMMENT ON COLUMN app.comments.entity_id IS 'The entity commented on.';
COMMENT ON COLUMN app.comments.parent_id IS 'The comment this one answers (same entity), or null at the top of the thread. When the parent is deleted it becomes null.';
COMMENT ON COLUMN app.comments.author_id IS 'Who wrote it (set by the server).';
COMMENT ON COLUMN app.comments.body IS 'Plain text, 1 to 10000 characters (not only spaces).';
COMMENT ON COLUMN app.comments.mention_ids IS 'Users mentioned (at most 20): active staff of the tenant who may read the entity; each is notified once, when first mentioned.';
COMMENT ON COLUMN app.comments.created_at IS 'When it was written.';
COMMENT ON COLUMN app.comments.edited_at IS 'When its body or mentions last changed, null if never.';

COMMIT;
