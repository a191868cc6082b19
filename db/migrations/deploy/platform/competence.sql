-- Deploy pulse:platform/competence to pg
-- requires: platform/entities

BEGIN;

-- Competence: what a tenant calls qualifications and skills (as data), who
-- holds which and until when (with evidence), and who was trained on which
-- version of a controlled document (SOP), with the training each role needs.

CREATE TYPE app.qualification_kind AS ENUM ('qualification', 'skill', 'certification', 'authorization');
COMMENT ON TYPE app.qualification_kind IS 'What a competence is: a qualification, a skill, an external certification or an authorization (e.g. to release).';

CREATE TABLE app.qualifications (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT qualifications_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  name text NOT NULL CONSTRAINT qualifications_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT qualifications_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  kind app.qualification_kind NOT NULL DEFAULT 'qualification',
  description text NOT NULL DEFAULT '' CONSTRAINT qualifications_description_length CHECK (length(description) <= 4000),
  validity_days integer CONSTRAINT qualifications_validity_range CHECK (validity_days BETWEEN 1 AND 3660),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT qualifications_code_unique UNIQUE (organization_id, code)
);
COMMENT ON TABLE app.qualifications IS
  E'Qualifications\nA tenant''s qualifications, skills, certifications and authorizations, as data; state-machine guards name them by code.';
COMMENT ON COLUMN app.qualifications.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.qualifications.id IS E'Qualification id';
COMMENT ON COLUMN app.qualifications.code IS E'Code\nStable key in the tenant (lowercase, e.g. hplc-operator).';
COMMENT ON COLUMN app.qualifications.name IS E'Name\nDefault name; translations in labels.';
COMMENT ON COLUMN app.qualifications.labels IS E'Translations\nThe name per locale.';
COMMENT ON COLUMN app.qualifications.kind IS E'Kind\nqualification, skill, certification or authorization.';
COMMENT ON COLUMN app.qualifications.description IS E'Description';
COMMENT ON COLUMN app.qualifications.validity_days IS E'Validity\nDays a grant stays valid when its valid_to is not sent; empty: until revoked.';
COMMENT ON COLUMN app.qualifications.is_active IS E'Active\nWhether it may still be granted.';
COMMENT ON COLUMN app.qualifications.created_at IS E'Created at';
COMMENT ON COLUMN app.qualifications.updated_at IS E'Updated at';

CREATE TABLE app.person_qualifications (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id),
  qualification_id uuid NOT NULL,
  level smallint CONSTRAINT person_qualifications_level_range CHECK (level BETWEEN 1 AND 5),
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  evidence text NOT NULL DEFAULT '' CONSTRAINT person_qualifications_evidence_length CHECK (length(evidence) <= 4000),
  evidence_document_id uuid,
  granted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  revoke_reason text CONSTRAINT person_qualifications_revoke_reason_length CHECK (length(revoke_reason) <= 1000),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, qualification_id) REFERENCES app.qualifications (organization_id, id),
  FOREIGN KEY (organization_id, evidence_document_id) REFERENCES app.documents (organization_id, id) ON DELETE SET NULL (evidence_document_id),
  CONSTRAINT person_qualifications_validity_order CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX person_qualifications_user_idx ON app.person_qualifications (organization_id, user_id, qualification_id);
CREATE INDEX person_qualifications_qualification_idx ON app.person_qualifications (organization_id, qualification_id);
CREATE INDEX person_qualifications_document_idx ON app.person_qualifications (organization_id, evidence_document_id);
CREATE INDEX person_qualifications_user_fk_idx ON app.person_qualifications (user_id);
CREATE INDEX person_qualifications_granted_by_idx ON app.person_qualifications (granted_by);
CREATE INDEX person_qualifications_revoked_by_idx ON app.person_qualifications (revoked_by);
COMMENT ON TABLE app.person_qualifications IS
  E'People''s qualifications\nWho holds which qualification or skill, from when to when, on what evidence; revoked, never deleted.';
COMMENT ON COLUMN app.person_qualifications.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.person_qualifications.id IS E'Grant id';
COMMENT ON COLUMN app.person_qualifications.user_id IS E'Person\nThe member who holds it.';
COMMENT ON COLUMN app.person_qualifications.qualification_id IS E'Qualification\nqualifications.id.';
COMMENT ON COLUMN app.person_qualifications.level IS E'Level\nProficiency of a skill, 1 (learning) to 5 (expert).';
COMMENT ON COLUMN app.person_qualifications.valid_from IS E'Valid from\nDefaults to now.';
COMMENT ON COLUMN app.person_qualifications.valid_to IS E'Valid to\nEnd of validity (exclusive); defaults to valid_from plus the qualification''s validity; empty: until revoked.';
COMMENT ON COLUMN app.person_qualifications.evidence IS E'Evidence\nWhat shows it (exam, supervised runs, certificate number).';
COMMENT ON COLUMN app.person_qualifications.evidence_document_id IS E'Evidence document\nA controlled document holding the evidence (documents.id).';
COMMENT ON COLUMN app.person_qualifications.granted_by IS E'Granted by';
COMMENT ON COLUMN app.person_qualifications.granted_at IS E'Granted at';
COMMENT ON COLUMN app.person_qualifications.revoked_at IS E'Revoked at\nSet by revoking; a revoked grant no longer counts.';
COMMENT ON COLUMN app.person_qualifications.revoked_by IS E'Revoked by';
COMMENT ON COLUMN app.person_qualifications.revoke_reason IS E'Revoke reason';

CREATE TABLE app.training_requirements (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  document_id uuid NOT NULL,
  role_id uuid NOT NULL,
  retrain_days integer CONSTRAINT training_requirements_retrain_range CHECK (retrain_days BETWEEN 1 AND 3660),
  due_within_days integer NOT NULL DEFAULT 30 CONSTRAINT training_requirements_due_range CHECK (due_within_days BETWEEN 0 AND 365),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT training_requirements_unique UNIQUE (organization_id, document_id, role_id),
  FOREIGN KEY (organization_id, document_id) REFERENCES app.documents (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, role_id) REFERENCES app.roles (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX training_requirements_role_idx ON app.training_requirements (organization_id, role_id);
COMMENT ON TABLE app.training_requirements IS
  E'Training requirements\nWhich controlled documents (SOPs) the holders of a role must be trained on, on the current version, and how often again.';
COMMENT ON COLUMN app.training_requirements.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.training_requirements.id IS E'Requirement id';
COMMENT ON COLUMN app.training_requirements.document_id IS E'Document\nThe SOP (documents.id); training counts on its current version.';
COMMENT ON COLUMN app.training_requirements.role_id IS E'Role\nWhose holders must be trained (roles.id).';
COMMENT ON COLUMN app.training_requirements.retrain_days IS E'Retraining\nDays a training stays valid when its expires_at is not sent; empty: until a new version.';
COMMENT ON COLUMN app.training_requirements.due_within_days IS E'Due soon window\nDays before expiry from which the training is listed as due soon.';
COMMENT ON COLUMN app.training_requirements.created_at IS E'Created at';

CREATE TABLE app.training_records (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id),
  document_version_id uuid NOT NULL,
  completed_at timestamptz NOT NULL,
  expires_at timestamptz,
  trainer_id uuid REFERENCES app.users (id),
  notes text NOT NULL DEFAULT '' CONSTRAINT training_records_notes_length CHECK (length(notes) <= 4000),
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, document_version_id) REFERENCES app.document_versions (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT training_records_expiry_order CHECK (expires_at IS NULL OR expires_at > completed_at)
);
CREATE INDEX training_records_user_idx ON app.training_records (organization_id, user_id, document_version_id);
CREATE INDEX training_records_version_idx ON app.training_records (organization_id, document_version_id);
CREATE INDEX training_records_user_fk_idx ON app.training_records (user_id);
CREATE INDEX training_records_trainer_idx ON app.training_records (trainer_id);
CREATE INDEX training_records_recorded_by_idx ON app.training_records (recorded_by);
COMMENT ON TABLE app.training_records IS
  E'Training records\nWho was trained on which version of a controlled document (SOP), when, until when. Append-only.';
COMMENT ON COLUMN app.training_records.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.training_records.id IS E'Training record id';
COMMENT ON COLUMN app.training_records.user_id IS E'Trainee\nThe member trained.';
COMMENT ON COLUMN app.training_records.document_version_id IS E'Document version\nThe version trained on (document_versions.id).';
COMMENT ON COLUMN app.training_records.completed_at IS E'Completed at\nNot in the future.';
COMMENT ON COLUMN app.training_records.expires_at IS E'Expires at\nDefaults to completed_at plus the longest retraining interval of the document''s requirements; empty: no expiry.';
COMMENT ON COLUMN app.training_records.trainer_id IS E'Trainer';
COMMENT ON COLUMN app.training_records.notes IS E'Notes';
COMMENT ON COLUMN app.training_records.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.training_records.recorded_at IS E'Recorded at';

COMMIT;
