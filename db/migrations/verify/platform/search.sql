-- Verify pulse:platform/search on pg

BEGIN;

SELECT search_vector FROM app.projects WHERE false;
SELECT search_vector FROM app.documents WHERE false;
SELECT entity_type, audience, source, id_column, title_column, number_column, vector, snippet
  FROM app_private.search_sources WHERE false;
SELECT 'app.projects_search_idx'::regclass, 'app.projects_project_number_trgm_idx'::regclass,
       'app.documents_search_idx'::regclass, 'app.documents_title_trgm_idx'::regclass;

-- Internal: API roles never read the registrations directly.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.search_sources', 'SELECT'))::int;

ROLLBACK;
