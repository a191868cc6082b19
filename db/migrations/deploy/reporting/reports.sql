-- Deploy pulse:reporting/reports to pg
-- requires: rbac
-- requires: platform/object_storage

BEGIN;

-- Reporting infrastructure (db/functions/95_reporting/): a register of the
-- views a report may read, saved report definitions over them (validated
-- against the register: no SQL from users), executions run by the worker as
-- the requesting user (CSV or JSON lines in object storage) and dashboards.

CREATE TABLE app.report_sources (
  key text PRIMARY KEY CONSTRAINT report_sources_key_format CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  title text NOT NULL CONSTRAINT report_sources_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT report_sources_description_length CHECK (length(description) <= 2000),
  permission text NOT NULL REFERENCES app.permissions (code),
  columns jsonb NOT NULL CONSTRAINT report_sources_columns_object CHECK (jsonb_typeof(columns) = 'object'),
  filter_columns text[] NOT NULL DEFAULT '{}',
  sort_columns text[] NOT NULL DEFAULT '{}',
  default_columns text[] NOT NULL CONSTRAINT report_sources_default_columns_present CHECK (cardinality(default_columns) >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE app.report_sources IS
  E'Report sources\nThe whitelist of views in app that reports may read (a platform register, the same for every tenant, kept by db/seeds/reference/95_reporting.sql): the permission a caller needs (tenant-wide or at some site), the columns with their types, which of them may be filtered and sorted on, and the columns a new report shows. Every source is a view that applies row-level security as its reader (security_invoker, or a security_barrier view filtering on the caller).';
COMMENT ON COLUMN app.report_sources.key IS E'Source\nThe name of the view in the app schema (e.g. project_portfolio).';
COMMENT ON COLUMN app.report_sources.title IS E'Title';
COMMENT ON COLUMN app.report_sources.description IS E'Description\nWhat a row of the source is.';
COMMENT ON COLUMN app.report_sources.permission IS E'Permission\nWhat a caller must hold (tenant-wide, or at some site for site-scoped data) to report on it; row-level security still decides the rows.';
COMMENT ON COLUMN app.report_sources.columns IS E'Columns\nThe columns a report may select, with their type: {"name": "text" | "number" | "date" | "timestamp" | "boolean" | "uuid"}.';
COMMENT ON COLUMN app.report_sources.filter_columns IS E'Filter columns\nThe columns a filter may name.';
COMMENT ON COLUMN app.report_sources.sort_columns IS E'Sort columns\nThe columns a report may sort by.';
COMMENT ON COLUMN app.report_sources.default_columns IS E'Default columns\nThe columns a report shows when it names none.';
COMMENT ON COLUMN app.report_sources.created_at IS E'Created at';
COMMENT ON COLUMN app.report_sources.updated_at IS E'Updated at';

CREATE TYPE app.report_visibility AS ENUM ('private', 'shared');
COMMENT ON TYPE app.report_visibility IS
  'Who sees a report definition or dashboard: private (its owner) or shared (every member of the tenant who may use reports).';
CREATE TYPE app.report_format AS ENUM ('csv', 'jsonl');
COMMENT ON TYPE app.report_format IS
  'The file an execution writes: csv (RFC 4180, header row, CRLF) or jsonl (JSON lines: one object per row, types kept, null apart from empty text).';
CREATE TYPE app.report_execution_status AS ENUM ('queued', 'running', 'succeeded', 'failed');
COMMENT ON TYPE app.report_execution_status IS
  'A report execution: queued (waiting for the worker), running, succeeded (its file is stored) or failed (error_code, error_message).';

CREATE TABLE app.report_definitions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CONSTRAINT report_definitions_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT report_definitions_description_length CHECK (length(description) <= 2000),
  source_key text NOT NULL REFERENCES app.report_sources (key),
  columns text[] NOT NULL DEFAULT '{}',
  filters jsonb NOT NULL DEFAULT '[]',
  sort jsonb NOT NULL DEFAULT '[]',
  row_limit integer NOT NULL DEFAULT 1000 CONSTRAINT report_definitions_row_limit_range CHECK (row_limit BETWEEN 1 AND 50000),
  parameters jsonb NOT NULL DEFAULT '[]',
  visibility app.report_visibility NOT NULL DEFAULT 'private',
  owner_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT report_definitions_name_unique UNIQUE (organization_id, owner_id, name)
);
CREATE INDEX report_definitions_owner_idx ON app.report_definitions (owner_id);
CREATE INDEX report_definitions_shared_idx ON app.report_definitions (organization_id) WHERE visibility = 'shared';
CREATE INDEX report_definitions_source_idx ON app.report_definitions (source_key);
COMMENT ON TABLE app.report_definitions IS
  E'Report definitions\nA saved, parameterised query over one report source: the columns it shows, filters (column, operator, typed value or a parameter), sort, row limit and named typed parameters with defaults, all checked against the source''s whitelist when written (no SQL from users). Private to its owner or shared with the tenant; run with app.run_report.';
COMMENT ON COLUMN app.report_definitions.organization_id IS E'Tenant';
COMMENT ON COLUMN app.report_definitions.id IS E'Report definition id';
COMMENT ON COLUMN app.report_definitions.name IS E'Name\nUnique per owner.';
COMMENT ON COLUMN app.report_definitions.description IS E'Description';
COMMENT ON COLUMN app.report_definitions.source_key IS E'Source\nThe report source (report_sources.key) it reads.';
COMMENT ON COLUMN app.report_definitions.columns IS E'Columns\nThe source''s columns it shows, in order; empty means the source''s default columns.';
COMMENT ON COLUMN app.report_definitions.filters IS E'Filters\nAn array of {"column", "op", "value"} (op one of = <> < <= > >= in like is_null) or {"column", "op", "param"} naming a parameter; all must hold.';
COMMENT ON COLUMN app.report_definitions.sort IS E'Sort\nAn array of {"column", "direction": "asc" | "desc"}.';
COMMENT ON COLUMN app.report_definitions.row_limit IS E'Row limit\nAt most this many rows (1 to 50000).';
COMMENT ON COLUMN app.report_definitions.parameters IS E'Parameters\nAn array of {"name", "type", "default", "required"}: values given at each run, referenced by filters.';
COMMENT ON COLUMN app.report_definitions.visibility IS E'Visibility\nprivate (the owner only) or shared (needs report.manage).';
COMMENT ON COLUMN app.report_definitions.owner_id IS E'Owner\nWho wrote it (users.id); set from the token.';
COMMENT ON COLUMN app.report_definitions.created_at IS E'Created at';
COMMENT ON COLUMN app.report_definitions.updated_at IS E'Updated at';

CREATE TABLE app.report_executions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  definition_id uuid,
  definition jsonb NOT NULL CONSTRAINT report_executions_definition_object CHECK (jsonb_typeof(definition) = 'object'),
  parameters jsonb NOT NULL DEFAULT '{}' CONSTRAINT report_executions_parameters_object CHECK (jsonb_typeof(parameters) = 'object'),
  format app.report_format NOT NULL DEFAULT 'csv',
  status app.report_execution_status NOT NULL DEFAULT 'queued',
  requested_by uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  requested_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms integer CONSTRAINT report_executions_duration_not_negative CHECK (duration_ms >= 0),
  row_count integer CONSTRAINT report_executions_row_count_not_negative CHECK (row_count >= 0),
  attempts integer NOT NULL DEFAULT 0 CONSTRAINT report_executions_attempts_not_negative CHECK (attempts >= 0),
  error_code text CONSTRAINT report_executions_error_code_length CHECK (length(error_code) <= 200),
  error_message text CONSTRAINT report_executions_error_message_length CHECK (length(error_message) <= 2000),
  object_key text CONSTRAINT report_executions_object_key_length CHECK (length(object_key) BETWEEN 1 AND 900),
  sha256 text CONSTRAINT report_executions_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes bigint CONSTRAINT report_executions_size_not_negative CHECK (size_bytes >= 0),
  mime_type text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT report_executions_succeeded_has_file CHECK ((status = 'succeeded') = (object_key IS NOT NULL AND sha256 IS NOT NULL AND size_bytes IS NOT NULL)),
  CONSTRAINT report_executions_failed_has_error CHECK (status <> 'failed' OR error_code IS NOT NULL),
  FOREIGN KEY (organization_id, definition_id) REFERENCES app.report_definitions (organization_id, id) ON DELETE SET NULL (definition_id)
);
CREATE INDEX report_executions_requester_idx ON app.report_executions (organization_id, requested_by, requested_at DESC);
CREATE INDEX report_executions_requested_by_idx ON app.report_executions (requested_by);
CREATE INDEX report_executions_definition_idx ON app.report_executions (organization_id, definition_id);
CREATE INDEX report_executions_requested_at_idx ON app.report_executions (requested_at);
COMMENT ON TABLE app.report_executions IS
  E'Report executions\nOne run of a report definition (its definition and parameters as they were requested): queued, running, succeeded or failed, with row count, duration, the error, and the file the worker stored (object key, sha256, size, mime type), downloaded with app.report_execution_url. The query ran with the requester''s rights, so only the requester sees the execution. Kept 30 days (job purge-report-executions).';
COMMENT ON COLUMN app.report_executions.organization_id IS E'Tenant';
COMMENT ON COLUMN app.report_executions.id IS E'Execution id';
COMMENT ON COLUMN app.report_executions.definition_id IS E'Report definition\nreport_definitions.id; empty once the definition is deleted.';
COMMENT ON COLUMN app.report_executions.definition IS E'Definition as run\nThe source, columns, filters, sort and row limit at the time of the request.';
COMMENT ON COLUMN app.report_executions.parameters IS E'Parameters\nThe parameter values it ran with (defaults filled in).';
COMMENT ON COLUMN app.report_executions.format IS E'Format\ncsv or jsonl.';
COMMENT ON COLUMN app.report_executions.status IS E'Status\nqueued, running, succeeded or failed.';
COMMENT ON COLUMN app.report_executions.requested_by IS E'Requested by\nWhose rights the query ran with.';
COMMENT ON COLUMN app.report_executions.requested_at IS E'Requested at';
COMMENT ON COLUMN app.report_executions.started_at IS E'Started at';
COMMENT ON COLUMN app.report_executions.finished_at IS E'Finished at';
COMMENT ON COLUMN app.report_executions.duration_ms IS E'Duration (ms)\nFrom start to the stored file (or the failure).';
COMMENT ON COLUMN app.report_executions.row_count IS E'Rows';
COMMENT ON COLUMN app.report_executions.attempts IS E'Attempts\nHow many times the worker started it.';
COMMENT ON COLUMN app.report_executions.error_code IS E'Error code\nThe reason code (or SQLSTATE) of a failure.';
COMMENT ON COLUMN app.report_executions.error_message IS E'Error message';
COMMENT ON COLUMN app.report_executions.object_key IS E'File\nObject-store key of the file inside the tenant''s storage.';
COMMENT ON COLUMN app.report_executions.sha256 IS E'File checksum\nsha256 (hex) of the stored file.';
COMMENT ON COLUMN app.report_executions.size_bytes IS E'File size (bytes)';
COMMENT ON COLUMN app.report_executions.mime_type IS E'MIME type\ntext/csv or application/x-ndjson.';
COMMENT ON COLUMN app.report_executions.created_at IS E'Created at';
COMMENT ON COLUMN app.report_executions.updated_at IS E'Updated at';

CREATE TABLE app.dashboards (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CONSTRAINT dashboards_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT dashboards_description_length CHECK (length(description) <= 2000),
  layout jsonb NOT NULL DEFAULT '{"widgets": []}',
  visibility app.report_visibility NOT NULL DEFAULT 'private',
  owner_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT dashboards_name_unique UNIQUE (organization_id, owner_id, name)
);
CREATE INDEX dashboards_owner_idx ON app.dashboards (owner_id);
CREATE INDEX dashboards_shared_idx ON app.dashboards (organization_id) WHERE visibility = 'shared';
COMMENT ON TABLE app.dashboards IS
  E'Dashboards\nA saved arrangement of widgets, each showing a report definition or a report source as a chart (table, number, bar, line, area, pie) at a grid position; the layout is validated by a JSON Schema. Private to its owner or shared with the tenant.';
COMMENT ON COLUMN app.dashboards.organization_id IS E'Tenant';
COMMENT ON COLUMN app.dashboards.id IS E'Dashboard id';
COMMENT ON COLUMN app.dashboards.name IS E'Name\nUnique per owner.';
COMMENT ON COLUMN app.dashboards.description IS E'Description';
COMMENT ON COLUMN app.dashboards.layout IS E'Layout\n{"columns": 1-24, "widgets": [{"key", "title", "report_definition_id" | "source", "chart", "x", "y", "w", "h", "options"}]}.';
COMMENT ON COLUMN app.dashboards.visibility IS E'Visibility\nprivate (the owner only) or shared (needs report.manage).';
COMMENT ON COLUMN app.dashboards.owner_id IS E'Owner\nWho made it (users.id); set from the token.';
COMMENT ON COLUMN app.dashboards.created_at IS E'Created at';
COMMENT ON COLUMN app.dashboards.updated_at IS E'Updated at';

COMMIT;
