-- Deploy pulse:lab/core to pg
-- requires: platform/attachments

BEGIN;

-- The lab's core records that every other lab table hangs off: the tenant's
-- sample types, its test (assay) definitions, customers' service requests,
-- samples, and the analyses (one test on one sample) whose status is kept
-- apart from the sample's. Storage, custody, lineage, reagents, ELN, SOP
-- tasks, runs, results, scheduling and certificates come in their own
-- changes (lab/*).

CREATE TYPE app.sample_status AS ENUM
  ('registered', 'received', 'in_progress', 'completed', 'released', 'rejected', 'invalidated', 'retest', 'disposed');
COMMENT ON TYPE app.sample_status IS
  'Where a sample is in its lifecycle: registered -> received -> in_progress -> completed -> released; rejected at receipt (terminal); invalidated -> retest -> in_progress; disposed (terminal). Where it is stored is its location, not a status.';
CREATE TYPE app.lab_test_status AS ENUM ('draft', 'published', 'retired');
COMMENT ON TYPE app.lab_test_status IS 'A test definition version: draft (editable), published (frozen, used for new analyses), retired (kept for history).';
CREATE TYPE app.service_request_status AS ENUM ('draft', 'submitted', 'accepted', 'in_progress', 'completed', 'cancelled');
COMMENT ON TYPE app.service_request_status IS 'A service request: draft (the customer is writing it), submitted, accepted by the lab, in_progress, completed (every sample released or rejected), cancelled.';
CREATE TYPE app.analysis_status AS ENUM ('pending', 'in_progress', 'resulted', 'reviewed', 'released', 'invalidated', 'cancelled');
CREATE TYPE app.result_status AS ENUM ('entered', 'reviewed', 'released', 'invalidated', 'superseded');
COMMENT ON TYPE app.result_status IS 'A result: entered -> reviewed -> released; invalidated (a failed control, an assignable cause: the analysis is repeated); superseded (a released result replaced by its amendment, kept).';
CREATE TYPE app.spec_verdict AS ENUM ('within', 'warning', 'out_of_specification', 'no_specification');
COMMENT ON TYPE app.spec_verdict IS 'A result against its applicable specification: within the warning limits, between warning and action limits (warning), outside the action limits (out_of_specification), or no specification applies.';
COMMENT ON TYPE app.analysis_status IS 'One test on one sample: pending -> in_progress -> resulted -> reviewed -> released; invalidated (a retest is a new analysis); cancelled.';

CREATE TABLE app.sample_types (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT sample_types_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  name text NOT NULL CONSTRAINT sample_types_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT sample_types_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  default_unit text REFERENCES app.units (code),
  storage_min_celsius numeric CONSTRAINT sample_types_min_range CHECK (storage_min_celsius BETWEEN -273.15 AND 1000),
  storage_max_celsius numeric CONSTRAINT sample_types_max_range CHECK (storage_max_celsius BETWEEN -273.15 AND 1000),
  retention_days integer CONSTRAINT sample_types_retention_range CHECK (retention_days BETWEEN 0 AND 36500),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sample_types_code_unique UNIQUE (organization_id, code),
  CONSTRAINT sample_types_temperature_order CHECK (storage_min_celsius IS NULL OR storage_max_celsius IS NULL OR storage_min_celsius <= storage_max_celsius)
);
CREATE INDEX sample_types_unit_idx ON app.sample_types (default_unit);
COMMENT ON TABLE app.sample_types IS
  E'Sample types\nThe tenant''s kinds of samples (water, serum, steel coupon, ...): the unit their quantity is in, the temperature they must be stored at, how long a retained portion is kept.';
COMMENT ON COLUMN app.sample_types.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sample_types.id IS E'Sample type id';
COMMENT ON COLUMN app.sample_types.code IS E'Code\nStable key in the tenant (lowercase, e.g. water).';
COMMENT ON COLUMN app.sample_types.name IS E'Name\nDefault name; translations in labels.';
COMMENT ON COLUMN app.sample_types.labels IS E'Translations\nThe name per locale ({"de": "Wasser"}).';
COMMENT ON COLUMN app.sample_types.default_unit IS E'Default unit\nThe unit (units.code) a sample''s quantity is in when none is sent.';
COMMENT ON COLUMN app.sample_types.storage_min_celsius IS E'Lowest storage temperature\nIn °C; a storage location colder than this is refused.';
COMMENT ON COLUMN app.sample_types.storage_max_celsius IS E'Highest storage temperature\nIn °C; a storage location warmer than this is refused.';
COMMENT ON COLUMN app.sample_types.retention_days IS E'Retention period\nDays a retained portion is kept after the sample is released; empty when none is retained.';
COMMENT ON COLUMN app.sample_types.is_active IS E'Active\nWhether new samples may be of this type.';
COMMENT ON COLUMN app.sample_types.created_at IS E'Created at';
COMMENT ON COLUMN app.sample_types.updated_at IS E'Updated at';

CREATE TABLE app.lab_tests (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT lab_tests_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  version integer NOT NULL DEFAULT 1 CONSTRAINT lab_tests_version_positive CHECK (version >= 1),
  name text NOT NULL CONSTRAINT lab_tests_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT lab_tests_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  description text NOT NULL DEFAULT '' CONSTRAINT lab_tests_description_length CHECK (length(description) <= 4000),
  method text CONSTRAINT lab_tests_method_length CHECK (length(method) <= 200),
  unit text REFERENCES app.units (code),
  result_schema jsonb NOT NULL DEFAULT '{"type": "object"}' CONSTRAINT lab_tests_result_schema_object CHECK (jsonb_typeof(result_schema) = 'object'),
  turnaround_days integer CONSTRAINT lab_tests_turnaround_range CHECK (turnaround_days BETWEEN 0 AND 365),
  equipment_class_id uuid,
  status app.lab_test_status NOT NULL DEFAULT 'draft',
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT lab_tests_code_version_unique UNIQUE (organization_id, code, version),
  FOREIGN KEY (organization_id, equipment_class_id) REFERENCES app.equipment_classes (organization_id, id)
);
CREATE UNIQUE INDEX lab_tests_one_published_idx ON app.lab_tests (organization_id, code) WHERE status = 'published';
CREATE INDEX lab_tests_unit_idx ON app.lab_tests (unit);
CREATE INDEX lab_tests_equipment_class_idx ON app.lab_tests (organization_id, equipment_class_id);
COMMENT ON TABLE app.lab_tests IS
  E'Tests\nThe tenant''s test (assay) definitions, versioned: a published version is frozen and is the one new analyses use; its result document is validated against result_schema.';
COMMENT ON COLUMN app.lab_tests.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.lab_tests.id IS E'Test version id';
COMMENT ON COLUMN app.lab_tests.code IS E'Code\nStable key of the test across its versions (lowercase, e.g. ph).';
COMMENT ON COLUMN app.lab_tests.version IS E'Version\n1, 2, ... per code.';
COMMENT ON COLUMN app.lab_tests.name IS E'Name\nDefault name; translations in labels.';
COMMENT ON COLUMN app.lab_tests.labels IS E'Translations\nThe name per locale.';
COMMENT ON COLUMN app.lab_tests.description IS E'Description';
COMMENT ON COLUMN app.lab_tests.method IS E'Method\nThe method reference (ISO 10523, USP <791>, an in-house SOP number).';
COMMENT ON COLUMN app.lab_tests.unit IS E'Unit\nThe unit (units.code) of the reported value, empty for a unitless or qualitative result.';
COMMENT ON COLUMN app.lab_tests.result_schema IS E'Result schema\nThe JSON Schema a result document of this test must satisfy.';
COMMENT ON COLUMN app.lab_tests.turnaround_days IS E'Turnaround\nDays from receipt to release the lab promises for this test.';
COMMENT ON COLUMN app.lab_tests.equipment_class_id IS E'Instrument class\nThe equipment class (equipment_classes.id) a result of this test is measured with, if any.';
COMMENT ON COLUMN app.lab_tests.status IS E'Status\ndraft, published or retired.';
COMMENT ON COLUMN app.lab_tests.published_at IS E'Published at';
COMMENT ON COLUMN app.lab_tests.created_at IS E'Created at';
COMMENT ON COLUMN app.lab_tests.updated_at IS E'Updated at';

CREATE TABLE app.service_requests (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  request_number text NOT NULL,
  title text NOT NULL CONSTRAINT service_requests_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  partner_id uuid,
  project_id uuid,
  site_id uuid,
  status app.service_request_status NOT NULL DEFAULT 'submitted',
  requested_tests text[] NOT NULL DEFAULT '{}',
  notes text NOT NULL DEFAULT '' CONSTRAINT service_requests_notes_length CHECK (length(notes) <= 4000),
  due_at timestamptz,
  requested_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT service_requests_number_unique UNIQUE (organization_id, request_number),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX service_requests_partner_idx ON app.service_requests (organization_id, partner_id);
CREATE INDEX service_requests_project_idx ON app.service_requests (organization_id, project_id);
CREATE INDEX service_requests_site_idx ON app.service_requests (organization_id, site_id);
CREATE INDEX service_requests_requested_by_idx ON app.service_requests (requested_by);
CREATE INDEX service_requests_open_due_idx ON app.service_requests (organization_id, due_at) WHERE status IN ('submitted', 'accepted', 'in_progress');
COMMENT ON TABLE app.service_requests IS
  E'Service requests\nWhat a customer (or an internal requester) asks the lab to test: the tests, the samples that come with it, the due date. A customer''s portal users see only their own partner''s requests.';
COMMENT ON COLUMN app.service_requests.organization_id IS E'Tenant\nThe organization (the lab).';
COMMENT ON COLUMN app.service_requests.id IS E'Service request id';
COMMENT ON COLUMN app.service_requests.request_number IS E'Request number\nHuman id (SR-000123), the next of the tenant when not sent.';
COMMENT ON COLUMN app.service_requests.title IS E'Title';
COMMENT ON COLUMN app.service_requests.partner_id IS E'Customer\nThe customer (partners.id) the work is for; a portal user''s own partner, always.';
COMMENT ON COLUMN app.service_requests.project_id IS E'Project\nThe project (projects.id) the work belongs to, if any.';
COMMENT ON COLUMN app.service_requests.site_id IS E'Site\nThe lab site doing the work (sites.id).';
COMMENT ON COLUMN app.service_requests.status IS E'Status\ndraft, submitted, accepted, in_progress, completed or cancelled.';
COMMENT ON COLUMN app.service_requests.requested_tests IS E'Requested tests\nCodes of the tests (lab_tests.code) asked for.';
COMMENT ON COLUMN app.service_requests.notes IS E'Notes';
COMMENT ON COLUMN app.service_requests.due_at IS E'Due\nWhen the results are due.';
COMMENT ON COLUMN app.service_requests.requested_by IS E'Requested by';
COMMENT ON COLUMN app.service_requests.created_at IS E'Created at';
COMMENT ON COLUMN app.service_requests.updated_at IS E'Updated at';

CREATE TABLE app.samples (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sample_number text NOT NULL,
  barcode text NOT NULL CONSTRAINT samples_barcode_format CHECK (barcode ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  sample_type_id uuid NOT NULL,
  status app.sample_status NOT NULL DEFAULT 'registered',
  description text NOT NULL DEFAULT '' CONSTRAINT samples_description_length CHECK (length(description) <= 2000),
  site_id uuid,
  partner_id uuid,
  project_id uuid,
  service_request_id uuid,
  collected_at timestamptz,
  received_at timestamptz,
  quantity numeric CONSTRAINT samples_quantity_not_negative CHECK (quantity >= 0),
  remaining_quantity numeric CONSTRAINT samples_remaining_not_negative CHECK (remaining_quantity >= 0),
  unit text REFERENCES app.units (code),
  custom_fields jsonb NOT NULL DEFAULT '{}' CONSTRAINT samples_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object'),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT samples_number_unique UNIQUE (organization_id, sample_number),
  CONSTRAINT samples_barcode_unique UNIQUE (organization_id, barcode),
  CONSTRAINT samples_remaining_within_quantity CHECK (remaining_quantity IS NULL OR quantity IS NULL OR remaining_quantity <= quantity),
  CONSTRAINT samples_unit_with_quantity CHECK (quantity IS NULL OR unit IS NOT NULL),
  CONSTRAINT samples_received_after_collected CHECK (received_at IS NULL OR collected_at IS NULL OR received_at >= collected_at),
  FOREIGN KEY (organization_id, sample_type_id) REFERENCES app.sample_types (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id),
  FOREIGN KEY (organization_id, service_request_id) REFERENCES app.service_requests (organization_id, id)
);
CREATE INDEX samples_type_idx ON app.samples (organization_id, sample_type_id);
CREATE INDEX samples_site_idx ON app.samples (organization_id, site_id);
CREATE INDEX samples_partner_idx ON app.samples (organization_id, partner_id);
CREATE INDEX samples_project_idx ON app.samples (organization_id, project_id);
CREATE INDEX samples_service_request_idx ON app.samples (organization_id, service_request_id);
CREATE INDEX samples_status_idx ON app.samples (organization_id, status);
CREATE INDEX samples_created_by_idx ON app.samples (created_by);
CREATE INDEX samples_unit_idx ON app.samples (unit);
CREATE INDEX samples_custom_fields_idx ON app.samples USING gin (custom_fields jsonb_path_ops);
COMMENT ON TABLE app.samples IS
  E'Samples\nMaterial the lab tests: a human id and barcode, its type, where it came from (customer, project, service request), quantity left, and its lifecycle status (changed only by the lab''s RPCs). A site-scoped member sees the samples of their sites; a customer''s portal users see their partner''s samples.';
COMMENT ON COLUMN app.samples.organization_id IS E'Tenant\nThe organization (the lab).';
COMMENT ON COLUMN app.samples.id IS E'Sample id';
COMMENT ON COLUMN app.samples.sample_number IS E'Sample number\nHuman id (S-000123), the next of the tenant when not sent.';
COMMENT ON COLUMN app.samples.barcode IS E'Barcode\nThe value printed on the container label; the sample number when not sent; unique in the tenant.';
COMMENT ON COLUMN app.samples.sample_type_id IS E'Sample type\nsample_types.id: unit, storage temperature, retention.';
COMMENT ON COLUMN app.samples.status IS E'Status\nregistered, received, in_progress, completed, released, rejected, invalidated, retest or disposed (app.sample_status); changed by the lab''s RPCs only.';
COMMENT ON COLUMN app.samples.description IS E'Description';
COMMENT ON COLUMN app.samples.site_id IS E'Site\nThe lab site holding the sample (sites.id).';
COMMENT ON COLUMN app.samples.partner_id IS E'Customer\nThe customer (partners.id) who sent it.';
COMMENT ON COLUMN app.samples.project_id IS E'Project\nThe project (projects.id) it belongs to.';
COMMENT ON COLUMN app.samples.service_request_id IS E'Service request\nThe request (service_requests.id) it came with.';
COMMENT ON COLUMN app.samples.collected_at IS E'Collected at';
COMMENT ON COLUMN app.samples.received_at IS E'Received at\nWhen the lab received it (set by receipt); turnaround runs from here.';
COMMENT ON COLUMN app.samples.quantity IS E'Quantity\nThe quantity received, in unit.';
COMMENT ON COLUMN app.samples.remaining_quantity IS E'Remaining quantity\nWhat is left after aliquots and derivatives were taken; never negative.';
COMMENT ON COLUMN app.samples.unit IS E'Unit\nunits.code of quantity and remaining_quantity; the type''s default unit when not sent.';
COMMENT ON COLUMN app.samples.custom_fields IS E'Custom fields\nThe tenant''s own fields for samples (custom_field_definitions), validated on write.';
COMMENT ON COLUMN app.samples.created_by IS E'Registered by';
COMMENT ON COLUMN app.samples.created_at IS E'Registered at';
COMMENT ON COLUMN app.samples.updated_at IS E'Updated at';

CREATE TABLE app.analyses (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sample_id uuid NOT NULL,
  lab_test_id uuid NOT NULL,
  status app.analysis_status NOT NULL DEFAULT 'pending',
  assigned_to uuid REFERENCES app.users (id) ON DELETE SET NULL,
  due_at timestamptz,
  retest_of_id uuid,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, lab_test_id) REFERENCES app.lab_tests (organization_id, id),
  FOREIGN KEY (organization_id, retest_of_id) REFERENCES app.analyses (organization_id, id),
  CONSTRAINT analyses_not_own_retest CHECK (retest_of_id IS DISTINCT FROM id)
);
CREATE INDEX analyses_sample_idx ON app.analyses (organization_id, sample_id);
CREATE INDEX analyses_test_idx ON app.analyses (organization_id, lab_test_id);
CREATE INDEX analyses_retest_idx ON app.analyses (organization_id, retest_of_id);
CREATE INDEX analyses_assigned_idx ON app.analyses (assigned_to);
CREATE INDEX analyses_created_by_idx ON app.analyses (created_by);
CREATE INDEX analyses_open_due_idx ON app.analyses (organization_id, due_at) WHERE status IN ('pending', 'in_progress', 'resulted', 'reviewed');
COMMENT ON TABLE app.analyses IS
  E'Analyses\nOne test (a lab_tests version) on one sample, with its own status, separate from the sample''s; a retest is a new analysis pointing at the one it repeats. Seen by whoever may see the sample.';
COMMENT ON COLUMN app.analyses.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.analyses.id IS E'Analysis id';
COMMENT ON COLUMN app.analyses.sample_id IS E'Sample\nsamples.id.';
COMMENT ON COLUMN app.analyses.lab_test_id IS E'Test\nThe published test version (lab_tests.id).';
COMMENT ON COLUMN app.analyses.status IS E'Status\npending, in_progress, resulted, reviewed, released, invalidated or cancelled (app.analysis_status); changed by the lab''s RPCs only.';
COMMENT ON COLUMN app.analyses.assigned_to IS E'Assigned to\nThe analyst (users.id).';
COMMENT ON COLUMN app.analyses.due_at IS E'Due\nReceipt plus the test''s turnaround, or the request''s due date if earlier.';
COMMENT ON COLUMN app.analyses.retest_of_id IS E'Retest of\nThe invalidated analysis (analyses.id) this one repeats.';
COMMENT ON COLUMN app.analyses.created_by IS E'Created by';
COMMENT ON COLUMN app.analyses.created_at IS E'Created at';
COMMENT ON COLUMN app.analyses.updated_at IS E'Updated at';

CREATE TABLE app.specifications (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT specifications_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
  name text NOT NULL CONSTRAINT specifications_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  product text CONSTRAINT specifications_product_length CHECK (length(btrim(product)) BETWEEN 1 AND 200),
  sample_type_id uuid,
  partner_id uuid,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT specifications_code_unique UNIQUE (organization_id, code),
  FOREIGN KEY (organization_id, sample_type_id) REFERENCES app.sample_types (organization_id, id),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX specifications_sample_type_idx ON app.specifications (organization_id, sample_type_id);
CREATE INDEX specifications_partner_idx ON app.specifications (organization_id, partner_id);
COMMENT ON TABLE app.specifications IS
  E'Specifications\nLimits results must meet, for a product, a sample type and/or a customer: the same test has different limits for different materials and clients. The most specific active specification that matches a sample applies.';
COMMENT ON COLUMN app.specifications.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.specifications.id IS E'Specification id';
COMMENT ON COLUMN app.specifications.code IS E'Code\nStable key in the tenant (e.g. SPEC-WATER-DW).';
COMMENT ON COLUMN app.specifications.name IS E'Name';
COMMENT ON COLUMN app.specifications.product IS E'Product\nThe product or material it is for (matched with the sample''s custom field product), if any.';
COMMENT ON COLUMN app.specifications.sample_type_id IS E'Sample type\nsample_types.id it is for, if any.';
COMMENT ON COLUMN app.specifications.partner_id IS E'Customer\nThe customer (partners.id) it is for, if any.';
COMMENT ON COLUMN app.specifications.is_active IS E'Active\nWhether it applies to new results.';
COMMENT ON COLUMN app.specifications.created_at IS E'Created at';
COMMENT ON COLUMN app.specifications.updated_at IS E'Updated at';

CREATE TABLE app.specification_limits (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  specification_id uuid NOT NULL,
  test_code text NOT NULL CONSTRAINT specification_limits_test_code_format CHECK (test_code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  unit text REFERENCES app.units (code),
  action_low numeric,
  warning_low numeric,
  warning_high numeric,
  action_high numeric,
  expected_text text CONSTRAINT specification_limits_expected_length CHECK (length(btrim(expected_text)) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT specification_limits_test_unique UNIQUE (organization_id, specification_id, test_code),
  FOREIGN KEY (organization_id, specification_id) REFERENCES app.specifications (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT specification_limits_something CHECK (num_nonnulls(action_low, warning_low, warning_high, action_high, expected_text) > 0),
  CONSTRAINT specification_limits_low_order CHECK (action_low IS NULL OR warning_low IS NULL OR action_low <= warning_low),
  CONSTRAINT specification_limits_high_order CHECK (action_high IS NULL OR warning_high IS NULL OR warning_high <= action_high),
  CONSTRAINT specification_limits_range_order CHECK (coalesce(warning_low, action_low) IS NULL OR coalesce(warning_high, action_high) IS NULL
                                                     OR coalesce(warning_low, action_low) <= coalesce(warning_high, action_high)),
  CONSTRAINT specification_limits_unit_with_numbers CHECK (unit IS NOT NULL OR num_nonnulls(action_low, warning_low, warning_high, action_high) = 0)
);
CREATE INDEX specification_limits_unit_idx ON app.specification_limits (unit);
COMMENT ON TABLE app.specification_limits IS
  E'Specification limits\nPer test (by code, whatever its version): the action limits a result must stay within, the tighter warning limits that flag a trend, or the expected text of a qualitative result.';
COMMENT ON COLUMN app.specification_limits.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.specification_limits.id IS E'Limit id';
COMMENT ON COLUMN app.specification_limits.specification_id IS E'Specification\nspecifications.id.';
COMMENT ON COLUMN app.specification_limits.test_code IS E'Test\nThe test code (lab_tests.code) the limits are for.';
COMMENT ON COLUMN app.specification_limits.unit IS E'Unit\nunits.code of the limits; results in another unit of the dimension are converted.';
COMMENT ON COLUMN app.specification_limits.action_low IS E'Lower action limit\nBelow it a result is out of specification.';
COMMENT ON COLUMN app.specification_limits.warning_low IS E'Lower warning limit\nBelow it (and within the action limit) a result is flagged as a warning.';
COMMENT ON COLUMN app.specification_limits.warning_high IS E'Upper warning limit';
COMMENT ON COLUMN app.specification_limits.action_high IS E'Upper action limit\nAbove it a result is out of specification.';
COMMENT ON COLUMN app.specification_limits.expected_text IS E'Expected text\nFor a qualitative result: the value (e.g. "absent") it must have.';
COMMENT ON COLUMN app.specification_limits.created_at IS E'Created at';
COMMENT ON COLUMN app.specification_limits.updated_at IS E'Updated at';

CREATE TABLE app.results (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  analysis_id uuid NOT NULL,
  sample_id uuid NOT NULL,
  value jsonb NOT NULL CONSTRAINT results_value_object CHECK (jsonb_typeof(value) = 'object'),
  numeric_value numeric,
  unit text REFERENCES app.units (code),
  status app.result_status NOT NULL DEFAULT 'entered',
  equipment_id uuid,
  measured_at timestamptz NOT NULL DEFAULT now(),
  raw_data_key text CONSTRAINT results_raw_data_key_length CHECK (length(raw_data_key) BETWEEN 1 AND 900),
  raw_data_sha256 text CONSTRAINT results_raw_data_sha256_format CHECK (raw_data_sha256 ~ '^[0-9a-f]{64}$'),
  specification_id uuid,
  spec_verdict app.spec_verdict NOT NULL DEFAULT 'no_specification',
  amends_id uuid,
  amendment_reason text CONSTRAINT results_amendment_reason_length CHECK (length(btrim(amendment_reason)) BETWEEN 1 AND 2000),
  comment text NOT NULL DEFAULT '' CONSTRAINT results_comment_length CHECK (length(comment) <= 4000),
  entered_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  entered_at timestamptz NOT NULL DEFAULT now(),
  reviewed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  reviewed_at timestamptz,
  released_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  released_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, analysis_id) REFERENCES app.analyses (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id),
  FOREIGN KEY (organization_id, amends_id) REFERENCES app.results (organization_id, id),
  FOREIGN KEY (organization_id, specification_id) REFERENCES app.specifications (organization_id, id),
  CONSTRAINT results_raw_data_checksum_with_key CHECK ((raw_data_key IS NULL) = (raw_data_sha256 IS NULL)),
  CONSTRAINT results_amendment_has_reason CHECK (amends_id IS NULL OR amendment_reason IS NOT NULL)
);
CREATE INDEX results_analysis_idx ON app.results (organization_id, analysis_id);
CREATE INDEX results_sample_idx ON app.results (organization_id, sample_id);
CREATE INDEX results_equipment_idx ON app.results (organization_id, equipment_id, measured_at);
CREATE INDEX results_amends_idx ON app.results (organization_id, amends_id);
CREATE INDEX results_unit_idx ON app.results (unit);
CREATE INDEX results_specification_idx ON app.results (organization_id, specification_id);
CREATE INDEX results_entered_by_idx ON app.results (entered_by);
CREATE INDEX results_reviewed_by_idx ON app.results (reviewed_by);
CREATE INDEX results_released_by_idx ON app.results (released_by);
CREATE INDEX results_released_idx ON app.results (organization_id, released_at) WHERE status = 'released';
COMMENT ON TABLE app.results IS
  E'Results\nThe result document of an analysis (validated against its test''s result schema), with where it came from (instrument, raw data file, and the run, task, reagent lots, SOP and ELN entry the lab''s other records add), who entered, reviewed and released it. A released result changes only by an amendment that keeps it (superseded). Seen by whoever may see the sample.';
COMMENT ON COLUMN app.results.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.results.id IS E'Result id';
COMMENT ON COLUMN app.results.analysis_id IS E'Analysis\nanalyses.id: the test on the sample.';
COMMENT ON COLUMN app.results.sample_id IS E'Sample\nsamples.id (the analysis''s sample, filled in).';
COMMENT ON COLUMN app.results.value IS E'Result document\nA JSON object valid for the test''s result_schema (e.g. {"value": 7.2}).';
COMMENT ON COLUMN app.results.numeric_value IS E'Value\nThe reported number (the document''s "value"), compared with specifications.';
COMMENT ON COLUMN app.results.unit IS E'Unit\nunits.code of numeric_value; the test''s unit when not sent.';
COMMENT ON COLUMN app.results.status IS E'Status\nentered, reviewed, released, invalidated or superseded (app.result_status); changed by the lab''s RPCs only.';
COMMENT ON COLUMN app.results.equipment_id IS E'Instrument\nThe equipment (equipment.id) it was measured with; its calibration must be valid at measured_at.';
COMMENT ON COLUMN app.results.measured_at IS E'Measured at';
COMMENT ON COLUMN app.results.raw_data_key IS E'Raw data file\nObject-store key of the instrument''s raw data inside the tenant''s storage.';
COMMENT ON COLUMN app.results.raw_data_sha256 IS E'Raw data checksum\nsha256 (hex) of the raw data file.';
COMMENT ON COLUMN app.results.specification_id IS E'Specification\nThe specification (specifications.id) the result was judged against.';
COMMENT ON COLUMN app.results.spec_verdict IS E'Verdict\nwithin, warning, out_of_specification or no_specification, against the applicable specification.';
COMMENT ON COLUMN app.results.amends_id IS E'Amends\nThe released result (results.id) this one replaces.';
COMMENT ON COLUMN app.results.amendment_reason IS E'Amendment reason\nWhy the released result was amended; required with amends_id.';
COMMENT ON COLUMN app.results.comment IS E'Comment';
COMMENT ON COLUMN app.results.entered_by IS E'Entered by';
COMMENT ON COLUMN app.results.entered_at IS E'Entered at';
COMMENT ON COLUMN app.results.reviewed_by IS E'Reviewed by';
COMMENT ON COLUMN app.results.reviewed_at IS E'Reviewed at';
COMMENT ON COLUMN app.results.released_by IS E'Released by';
COMMENT ON COLUMN app.results.released_at IS E'Released at';
COMMENT ON COLUMN app.results.updated_at IS E'Updated at';

COMMIT;
