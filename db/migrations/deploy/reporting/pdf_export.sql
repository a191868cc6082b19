-- Deploy pulse:reporting/pdf_export to pg
-- requires: reporting/reports

BEGIN;

-- A report execution may be rendered as a PDF (by the worker, with pdfkit:
-- config/worker/tasks/report_export.mjs). The new value is not used in this
-- transaction, so adding it here is allowed.
ALTER TYPE app.report_format ADD VALUE IF NOT EXISTS 'pdf';
COMMENT ON TYPE app.report_format IS
  'The file a report execution produces: csv (RFC 4180), jsonl (one JSON object per line) or pdf (a paged table with the title, parameters and run time).';

COMMIT;
