-- Revert pulse:lab/ingest from pg

BEGIN;

DROP TABLE app.instrument_import_rows CASCADE;
DROP TABLE app.instrument_imports CASCADE;
DROP TYPE app.import_row_outcome CASCADE;
DROP TYPE app.instrument_import_status CASCADE;

COMMIT;
