-- Deploy pulse:lab/ingest to pg
-- requires: lab/runs

BEGIN;

-- Instrument data ingest: what an instrument (or its middleware) sent, kept
-- as received, and each row's outcome once app.ingest_results processed it
-- (db/functions/70_lab/66_ingest.sql). Idempotent per instrument and
-- external run id: one processed import per pair.

CREATE TYPE app.instrument_import_status AS ENUM ('received', 'processed', 'duplicate');
COMMENT ON TYPE app.instrument_import_status IS
  'An instrument import: received (staged, not yet ingested) -> processed (each row accepted or rejected) or duplicate (the instrument''s run was already processed by another import: nothing created).';
CREATE TYPE app.import_row_outcome AS ENUM ('pending', 'accepted', 'rejected', 'skipped');
COMMENT ON TYPE app.import_row_outcome IS
  'A received row: pending (not yet ingested), accepted (a result was created), rejected (with the reason), skipped (its import was a duplicate).';

CREATE TABLE app.instrument_imports (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  external_run_id text NOT NULL CONSTRAINT instrument_imports_external_run_id_length CHECK (length(btrim(external_run_id)) BETWEEN 1 AND 200),
  site_id uuid,
  run_id uuid,
  rows jsonb NOT NULL CONSTRAINT instrument_imports_rows_array CHECK (jsonb_typeof(rows) = 'array' AND jsonb_array_length(rows) BETWEEN 1 AND 10000),
  source text CONSTRAINT instrument_imports_source_length CHECK (length(btrim(source)) BETWEEN 1 AND 200),
  raw_data_key text CONSTRAINT instrument_imports_raw_data_key_length CHECK (length(raw_data_key) BETWEEN 1 AND 900),
  raw_data_sha256 text CONSTRAINT instrument_imports_raw_data_sha256_format CHECK (raw_data_sha256 ~ '^[0-9a-f]{64}$'),
  status app.instrument_import_status NOT NULL DEFAULT 'received',
  duplicate_of_id uuid,
  accepted_count integer NOT NULL DEFAULT 0,
  rejected_count integer NOT NULL DEFAULT 0,
  received_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  processed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  processed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, run_id) REFERENCES app.runs (organization_id, id),
  FOREIGN KEY (organization_id, duplicate_of_id) REFERENCES app.instrument_imports (organization_id, id),
  CONSTRAINT instrument_imports_raw_data_checksum_with_key CHECK ((raw_data_key IS NULL) = (raw_data_sha256 IS NULL)),
  CONSTRAINT instrument_imports_duplicate_points CHECK ((status = 'duplicate') = (duplicate_of_id IS NOT NULL))
);
-- Idempotence: one processed import per instrument run, even under concurrency.
CREATE UNIQUE INDEX instrument_imports_one_processed_idx ON app.instrument_imports (organization_id, equipment_id, external_run_id)
  WHERE status = 'processed';
CREATE INDEX instrument_imports_run_key_idx ON app.instrument_imports (organization_id, equipment_id, external_run_id);
CREATE INDEX instrument_imports_site_idx ON app.instrument_imports (organization_id, site_id);
CREATE INDEX instrument_imports_run_idx ON app.instrument_imports (organization_id, run_id);
CREATE INDEX instrument_imports_duplicate_of_idx ON app.instrument_imports (organization_id, duplicate_of_id);
CREATE INDEX instrument_imports_received_by_idx ON app.instrument_imports (received_by);
CREATE INDEX instrument_imports_processed_by_idx ON app.instrument_imports (processed_by);
COMMENT ON TABLE app.instrument_imports IS
  E'Instrument imports\nA batch of results sent by an instrument (or its middleware) for one of its runs, kept exactly as received; app.ingest_results validates each row and creates the results. Idempotent per instrument and external run id. Staff with result.enter at the instrument''s site send and read them; portal users never see them.';
COMMENT ON COLUMN app.instrument_imports.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.instrument_imports.id IS E'Import id';
COMMENT ON COLUMN app.instrument_imports.equipment_id IS E'Instrument\nThe equipment (equipment.id) that measured the rows.';
COMMENT ON COLUMN app.instrument_imports.external_run_id IS E'Instrument run id\nThe instrument''s own id of its run or sequence; a second import of the same instrument and run id creates nothing.';
COMMENT ON COLUMN app.instrument_imports.site_id IS E'Site\nThe instrument''s site (sites.id), filled in.';
COMMENT ON COLUMN app.instrument_imports.run_id IS E'Run\nThe lab''s run (runs.id) the rows belong to, if any: its results are linked to it.';
COMMENT ON COLUMN app.instrument_imports.rows IS E'Rows as received\nA JSON array of objects: barcode, test (code), value (a number or the result document), unit, measured_at, raw_data_key, raw_data_sha256, comment.';
COMMENT ON COLUMN app.instrument_imports.source IS E'Source\nThe sending system (e.g. "LabX 2024 middleware").';
COMMENT ON COLUMN app.instrument_imports.raw_data_key IS E'Raw data file\nObject-store key of the instrument''s export file, if kept; the rows'' results point at it unless a row names its own.';
COMMENT ON COLUMN app.instrument_imports.raw_data_sha256 IS E'Raw data checksum\nsha256 (hex) of the export file.';
COMMENT ON COLUMN app.instrument_imports.status IS E'Status\nreceived, processed or duplicate (app.instrument_import_status); changed by app.ingest_results only.';
COMMENT ON COLUMN app.instrument_imports.duplicate_of_id IS E'Duplicate of\nThe processed import (instrument_imports.id) of the same instrument run, when this one was a duplicate.';
COMMENT ON COLUMN app.instrument_imports.accepted_count IS E'Accepted rows\nRows that created a result.';
COMMENT ON COLUMN app.instrument_imports.rejected_count IS E'Rejected rows\nRows refused, each with its reason.';
COMMENT ON COLUMN app.instrument_imports.received_by IS E'Received by\nWho sent it (users.id).';
COMMENT ON COLUMN app.instrument_imports.processed_by IS E'Processed by';
COMMENT ON COLUMN app.instrument_imports.processed_at IS E'Processed at';
COMMENT ON COLUMN app.instrument_imports.created_at IS E'Received at';
COMMENT ON COLUMN app.instrument_imports.updated_at IS E'Updated at';

CREATE TABLE app.instrument_import_rows (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  import_id uuid NOT NULL,
  row_number integer NOT NULL CONSTRAINT instrument_import_rows_row_number_positive CHECK (row_number >= 1),
  data jsonb NOT NULL,
  outcome app.import_row_outcome NOT NULL DEFAULT 'pending',
  rejection_code text,
  rejection_reason text,
  result_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT instrument_import_rows_number_unique UNIQUE (organization_id, import_id, row_number),
  FOREIGN KEY (organization_id, import_id) REFERENCES app.instrument_imports (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, result_id) REFERENCES app.results (organization_id, id),
  CONSTRAINT instrument_import_rows_rejected_has_reason CHECK ((outcome = 'rejected') = (rejection_reason IS NOT NULL)),
  CONSTRAINT instrument_import_rows_accepted_has_result CHECK ((outcome = 'accepted') = (result_id IS NOT NULL))
);
CREATE INDEX instrument_import_rows_result_idx ON app.instrument_import_rows (organization_id, result_id);
COMMENT ON TABLE app.instrument_import_rows IS
  E'Instrument import rows\nEach row of an import as received, with its outcome: the result it created, or why it was rejected. Written by the server only.';
COMMENT ON COLUMN app.instrument_import_rows.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.instrument_import_rows.id IS E'Row id';
COMMENT ON COLUMN app.instrument_import_rows.import_id IS E'Import\ninstrument_imports.id.';
COMMENT ON COLUMN app.instrument_import_rows.row_number IS E'Row number\nIts place in the received rows (1, 2, ...).';
COMMENT ON COLUMN app.instrument_import_rows.data IS E'Row as received\nThe row exactly as the instrument sent it.';
COMMENT ON COLUMN app.instrument_import_rows.outcome IS E'Outcome\npending, accepted, rejected or skipped (app.import_row_outcome).';
COMMENT ON COLUMN app.instrument_import_rows.rejection_code IS E'Rejection code\nThe reason code (e.g. ingest.sample_unknown, result.schema_invalid) of a rejected row.';
COMMENT ON COLUMN app.instrument_import_rows.rejection_reason IS E'Rejection reason\nWhy the row was rejected, in words.';
COMMENT ON COLUMN app.instrument_import_rows.result_id IS E'Result\nThe result (results.id) an accepted row created.';
COMMENT ON COLUMN app.instrument_import_rows.created_at IS E'Created at';
COMMENT ON COLUMN app.instrument_import_rows.updated_at IS E'Updated at';

COMMIT;
