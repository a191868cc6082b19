-- Deploy pulse:platform/search to pg
-- requires: platform/entities

BEGIN;

-- Full-text search across entity types (db/functions/50_platform/36_search.sql,
-- docs/platform/search.md). Text configuration 'simple' on purpose: tenants
-- write in many languages, often several in one row, and codes and part
-- numbers must survive untouched; a language configuration would stem
-- English words and mangle the rest. A generated column must use one fixed
-- configuration (to_tsvector(regconfig, text) is immutable only with a
-- constant configuration).

-- Human ids and titles: A (shown to everyone who may see the row, portal
-- users included); descriptions and file names: B and below (staff).
ALTER TABLE app.projects ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', project_number), 'A') || setweight(to_tsvector('simple', title), 'A')
  || setweight(to_tsvector('simple', description), 'B')) STORED;
COMMENT ON COLUMN app.projects.search_vector IS
  E'Search document\nHuman id and title (weight A) and description (B), text configuration simple; kept by the database, read by app.search.';
CREATE INDEX projects_search_idx ON app.projects USING gin (search_vector);
CREATE INDEX projects_project_number_trgm_idx ON app.projects USING gin (project_number public.gin_trgm_ops);

ALTER TABLE app.documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', coalesce(file_name, '')), 'B')) STORED;
COMMENT ON COLUMN app.documents.search_vector IS
  E'Search document\nTitle (weight A) and file name (B), text configuration simple; kept by the database, read by app.search.';
CREATE INDEX documents_search_idx ON app.documents USING gin (search_vector);
CREATE INDEX documents_title_trgm_idx ON app.documents USING gin (title public.gin_trgm_ops);

-- How app.search reads an entity type: one row per type and audience, written
-- by app_private.register_search in the domain's repeatables.
CREATE TABLE app_private.search_sources (
  entity_type text NOT NULL REFERENCES app_private.entity_types (entity_type) ON DELETE CASCADE,
  audience text NOT NULL CONSTRAINT search_sources_audience_known CHECK (audience IN ('staff', 'partner')),
  source regclass NOT NULL,
  id_column text NOT NULL,
  title_column text NOT NULL,
  number_column text,
  vector text NOT NULL,
  snippet text NOT NULL,
  PRIMARY KEY (entity_type, audience)
);
COMMENT ON TABLE app_private.search_sources IS
  'How app.search reads an entity type for staff and for portal (partner-bound) callers: the relation it reads as the caller (a table under row-level security, or a view that applies its read rule), its id, title and human id columns, the tsvector and the snippet text (SQL expressions over the relation''s columns).';

COMMIT;
