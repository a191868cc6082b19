-- Deploy pulse:platform/personal_data to pg
-- requires: platform/capa

BEGIN;

-- GDPR requests about a person: exports (Art. 15/20) and erasures (Art.
-- 17), with what an erasure pseudonymised and what it kept because a
-- retention duty applies (Art. 17(3)(b): e-signatures and the audit trail of
-- regulated records), where processing is restricted instead.

CREATE TYPE app.personal_data_request_kind AS ENUM ('export', 'erasure');
COMMENT ON TYPE app.personal_data_request_kind IS 'export: everything held about the person; erasure: pseudonymised where no retention duty applies.';

CREATE TABLE app.personal_data_requests (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  kind app.personal_data_request_kind NOT NULL,
  subject_id uuid NOT NULL REFERENCES app.users (id),
  requested_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  reason text CONSTRAINT personal_data_requests_reason_length CHECK (length(reason) <= 2000),
  pseudonym text,
  rows_pseudonymised integer,
  restricted jsonb NOT NULL DEFAULT '[]' CONSTRAINT personal_data_requests_restricted_array CHECK (jsonb_typeof(restricted) = 'array'),
  completed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX personal_data_requests_subject_idx ON app.personal_data_requests (subject_id);

COMMENT ON TABLE app.personal_data_requests IS
  E'Personal data requests\nThe record of GDPR exports and erasures made in the tenant (app.export_personal_data, app.erase_personal_data): who, about whom, when, and for an erasure what was kept under a retention duty. Append-only.';
COMMENT ON COLUMN app.personal_data_requests.organization_id IS 'The tenant (the controller).';
COMMENT ON COLUMN app.personal_data_requests.id IS 'Request id.';
COMMENT ON COLUMN app.personal_data_requests.kind IS 'export or erasure.';
COMMENT ON COLUMN app.personal_data_requests.subject_id IS 'The person the data is about (their id stays: it is a pseudonym once erased).';
COMMENT ON COLUMN app.personal_data_requests.requested_by IS 'Who made the request (the person, an administrator or a platform operator).';
COMMENT ON COLUMN app.personal_data_requests.reason IS 'Why (for an erasure: the request received).';
COMMENT ON COLUMN app.personal_data_requests.pseudonym IS 'Erasure: the name the person now has everywhere their name was.';
COMMENT ON COLUMN app.personal_data_requests.rows_pseudonymised IS 'Erasure: how many values had the name or email replaced.';
COMMENT ON COLUMN app.personal_data_requests.restricted IS
  'Erasure: where the name or email is kept under a retention duty, processing restricted (Art. 17(3)(b)): [{table, column, basis}] and refused rows [{table, key, reason}].';
COMMENT ON COLUMN app.personal_data_requests.completed_at IS 'When it was done.';

COMMIT;
