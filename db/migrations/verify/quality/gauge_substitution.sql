-- Verify pulse:quality/gauge_substitution on pg

BEGIN;

SELECT substituted_gauge_id FROM app.measurements WHERE false;

ROLLBACK;
