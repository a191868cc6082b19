-- Verify pulse:reporting/pdf_export on pg

BEGIN;

SELECT 1 / count(*)::int FROM pg_catalog.pg_enum
 WHERE enumtypid = 'app.report_format'::regtype AND enumlabel = 'pdf';

ROLLBACK;
