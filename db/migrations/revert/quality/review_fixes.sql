-- Revert pulse:quality/review_fixes from pg

BEGIN;

DELETE FROM app_private.search_sources WHERE entity_type IN ('ncr', 'part', 'customer_complaint', 'lot', 'drawing');
ALTER TABLE app.ncrs DROP COLUMN search_vector;
DROP FUNCTION IF EXISTS app.set_ncr_custom_fields(uuid, jsonb);
DROP TRIGGER IF EXISTS _300_custom_fields ON app.ncrs;
ALTER TABLE app.ncrs DROP COLUMN custom_fields;
DROP FUNCTION IF EXISTS app.set_ncr_defect_category(uuid, text);
DROP FUNCTION IF EXISTS app.ncr_defect_pareto(timestamptz, timestamptz);
ALTER TABLE app.ncrs DROP COLUMN defect_category;
ALTER TABLE app.parts DROP COLUMN search_vector;
ALTER TABLE app.customer_complaints DROP COLUMN search_vector;
ALTER TABLE app.lots DROP COLUMN search_vector;
ALTER TABLE app.drawings DROP COLUMN search_vector;
DROP INDEX app.ncrs_ncr_number_trgm_idx, app.ncrs_title_trgm_idx, app.parts_part_number_trgm_idx, app.parts_name_trgm_idx,
  app.customer_complaints_complaint_number_trgm_idx, app.customer_complaints_title_trgm_idx, app.lots_lot_number_trgm_idx,
  app.drawings_drawing_number_trgm_idx, app.drawings_title_trgm_idx;

COMMIT;
