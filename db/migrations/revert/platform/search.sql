-- Revert pulse:platform/search from pg

BEGIN;

DROP FUNCTION IF EXISTS app.search(text, text[], integer);
DROP FUNCTION IF EXISTS auth.search_candidates(text, tsquery, text, text, boolean, integer);
DROP FUNCTION IF EXISTS auth.search_sources();
DROP FUNCTION IF EXISTS app_private.register_search(text, text, text, text, regclass, text, text);
DROP TABLE app_private.search_sources;
ALTER TABLE app.documents DROP COLUMN search_vector;
DROP INDEX app.documents_title_trgm_idx;
ALTER TABLE app.projects DROP COLUMN search_vector;
DROP INDEX app.projects_project_number_trgm_idx;

COMMIT;
