-- Deploy pulse:quality/review_fixes to pg
-- requires: quality/ncr
-- requires: quality/complaints
-- requires: quality/drawings
-- requires: traceability/lots
-- requires: platform/search
-- requires: platform/custom_fields

BEGIN;

-- Search (docs/platform/search.md): NCRs, parts, complaints, lots and
-- drawings get a stored search vector (human id and title weight A, the
-- rest B) with its GIN index, and trigram indexes on the human id and title
-- the candidates step matches by substring and typo. The repeatables
-- register them (app_private.register_search).
ALTER TABLE app.ncrs ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', ncr_number || ' ' || title), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED;
ALTER TABLE app.parts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', part_number || ' ' || name), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED;
ALTER TABLE app.customer_complaints ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', complaint_number || ' ' || title), 'A')
  || setweight(to_tsvector('simple', description || ' ' || coalesce(customer_reference, '')), 'B')) STORED;
ALTER TABLE app.lots ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', lot_number), 'A') || setweight(to_tsvector('simple', coalesce(supplier_lot, '')), 'B')) STORED;
ALTER TABLE app.drawings ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', drawing_number || ' ' || title), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED;

CREATE INDEX ncrs_search_idx ON app.ncrs USING gin (search_vector);
CREATE INDEX ncrs_ncr_number_trgm_idx ON app.ncrs USING gin (ncr_number public.gin_trgm_ops);
CREATE INDEX ncrs_title_trgm_idx ON app.ncrs USING gin (title public.gin_trgm_ops);
CREATE INDEX parts_search_idx ON app.parts USING gin (search_vector);
CREATE INDEX parts_part_number_trgm_idx ON app.parts USING gin (part_number public.gin_trgm_ops);
CREATE INDEX parts_name_trgm_idx ON app.parts USING gin (name public.gin_trgm_ops);
CREATE INDEX customer_complaints_search_idx ON app.customer_complaints USING gin (search_vector);
CREATE INDEX customer_complaints_complaint_number_trgm_idx ON app.customer_complaints USING gin (complaint_number public.gin_trgm_ops);
CREATE INDEX customer_complaints_title_trgm_idx ON app.customer_complaints USING gin (title public.gin_trgm_ops);
CREATE INDEX lots_search_idx ON app.lots USING gin (search_vector);
CREATE INDEX lots_lot_number_trgm_idx ON app.lots USING gin (lot_number public.gin_trgm_ops);
CREATE INDEX drawings_search_idx ON app.drawings USING gin (search_vector);
CREATE INDEX drawings_drawing_number_trgm_idx ON app.drawings USING gin (drawing_number public.gin_trgm_ops);
CREATE INDEX drawings_title_trgm_idx ON app.drawings USING gin (title public.gin_trgm_ops);

COMMENT ON COLUMN app.ncrs.search_vector IS E'Search vector\nNumber and title (A), description (B).';
COMMENT ON COLUMN app.parts.search_vector IS E'Search vector\nPart number and name (A), description (B).';
COMMENT ON COLUMN app.customer_complaints.search_vector IS E'Search vector\nNumber and title (A), description and the customer''s reference (B).';
COMMENT ON COLUMN app.lots.search_vector IS E'Search vector\nLot number (A), supplier lot (B).';
COMMENT ON COLUMN app.drawings.search_vector IS E'Search vector\nDrawing number and title (A), description (B).';

-- Custom fields on NCRs (the custom fields block, entity type ncr), set
-- with app.set_ncr_custom_fields.
ALTER TABLE app.ncrs ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT ncrs_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object');
CREATE INDEX ncrs_custom_fields_idx ON app.ncrs USING gin (custom_fields);
COMMENT ON COLUMN app.ncrs.custom_fields IS E'Custom fields\nValues of the tenant''s custom fields for NCRs (custom_field_definitions).';

-- An NCR's defect category: a value code of the tenant's type list
-- ncr_defect_categories (set with app.set_ncr_defect_category), for the
-- defect Pareto (app.ncr_defect_pareto).
ALTER TABLE app.ncrs ADD COLUMN defect_category text
  CONSTRAINT ncrs_defect_category_length CHECK (length(defect_category) BETWEEN 1 AND 100);
CREATE INDEX ncrs_defect_category_idx ON app.ncrs (organization_id, defect_category);
COMMENT ON COLUMN app.ncrs.defect_category IS E'Defect category\nA value code of the tenant''s type list ncr_defect_categories; NULL until classified.';

COMMIT;
