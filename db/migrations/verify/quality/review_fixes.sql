-- Verify pulse:quality/review_fixes on pg

BEGIN;

SELECT search_vector, custom_fields, defect_category FROM app.ncrs WHERE false;
SELECT search_vector FROM app.parts WHERE false;
SELECT search_vector FROM app.customer_complaints WHERE false;
SELECT search_vector FROM app.lots WHERE false;
SELECT search_vector FROM app.drawings WHERE false;

ROLLBACK;
