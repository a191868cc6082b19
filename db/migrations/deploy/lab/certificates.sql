-- Deploy pulse:lab/certificates to pg
-- requires: lab/core

BEGIN;

-- Certificates of analysis: one per sample or per product lot (several
-- samples sharing samples.lot_number), each issued as numbered revisions
-- whose content (the released results, their limits and verdicts, who
-- released them) is frozen at issue, e-signed by the issuer and rendered to
-- a PDF in object storage by the worker (config/worker/tasks/coa_render.mjs).

ALTER TABLE app.samples ADD COLUMN lot_number text
  CONSTRAINT samples_lot_number_format CHECK (lot_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$');
CREATE INDEX samples_lot_number_idx ON app.samples (organization_id, lot_number) WHERE lot_number IS NOT NULL;
COMMENT ON COLUMN app.samples.lot_number IS E'Lot\nThe product lot or batch the sample was drawn from; a certificate of analysis may cover every sample of a lot.';

CREATE TYPE app.certificate_status AS ENUM ('issued', 'reissue_required');
COMMENT ON TYPE app.certificate_status IS
  'A certificate of analysis: issued (its current revision stands) or reissue_required (a result it contains was amended or invalidated: issue a new revision).';
CREATE TYPE app.certificate_render_status AS ENUM ('pending', 'rendered', 'failed');
COMMENT ON TYPE app.certificate_render_status IS
  'The PDF of a certificate revision: pending (the worker has not rendered it yet, or is retrying), rendered (stored, with its checksum), failed (every attempt failed).';

CREATE TABLE app.certificates (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  certificate_number text NOT NULL,
  title text NOT NULL CONSTRAINT certificates_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  sample_id uuid,
  lot_number text CONSTRAINT certificates_lot_number_format CHECK (lot_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  partner_id uuid,
  site_id uuid,
  status app.certificate_status NOT NULL DEFAULT 'issued',
  current_revision integer NOT NULL DEFAULT 1 CONSTRAINT certificates_revision_positive CHECK (current_revision >= 1),
  reissue_reason text CONSTRAINT certificates_reissue_reason_length CHECK (length(reissue_reason) <= 2000),
  issued_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT certificates_number_unique UNIQUE (organization_id, certificate_number),
  CONSTRAINT certificates_sample_or_lot CHECK (num_nonnulls(sample_id, lot_number) = 1),
  CONSTRAINT certificates_reason_when_required CHECK (status = 'issued' OR reissue_reason IS NOT NULL),
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE UNIQUE INDEX certificates_one_per_sample_idx ON app.certificates (organization_id, sample_id) WHERE sample_id IS NOT NULL;
CREATE UNIQUE INDEX certificates_one_per_lot_idx ON app.certificates (organization_id, lot_number) WHERE lot_number IS NOT NULL;
CREATE INDEX certificates_partner_idx ON app.certificates (organization_id, partner_id);
CREATE INDEX certificates_site_idx ON app.certificates (organization_id, site_id);
CREATE INDEX certificates_issued_by_idx ON app.certificates (issued_by);
CREATE INDEX certificates_reissue_idx ON app.certificates (organization_id) WHERE status = 'reissue_required';
COMMENT ON TABLE app.certificates IS
  E'Certificates of analysis\nThe lab''s signed statement of the released results of one sample or of one product lot, against the specification each was judged by: CoA-000123, issued as revisions (certificate_versions). Seen by staff who may read the samples and by the customer''s portal users; issued and reissued with certificate.issue through app.issue_certificate and app.reissue_certificate.';
COMMENT ON COLUMN app.certificates.organization_id IS E'Tenant\nThe organization (the lab).';
COMMENT ON COLUMN app.certificates.id IS E'Certificate id';
COMMENT ON COLUMN app.certificates.certificate_number IS E'Certificate number\nHuman id (CoA-000123), the next of the tenant.';
COMMENT ON COLUMN app.certificates.title IS E'Title\nWhat it certifies (the sample or the lot).';
COMMENT ON COLUMN app.certificates.sample_id IS E'Sample\nThe sample (samples.id) of a per-sample certificate.';
COMMENT ON COLUMN app.certificates.lot_number IS E'Lot\nThe lot (samples.lot_number) of a per-lot certificate: every sample of the lot.';
COMMENT ON COLUMN app.certificates.partner_id IS E'Customer\nThe customer (partners.id) of its samples; their portal users read the certificate.';
COMMENT ON COLUMN app.certificates.site_id IS E'Site\nThe lab site of its samples (sites.id), empty when they are of several sites.';
COMMENT ON COLUMN app.certificates.status IS E'Status\nissued, or reissue_required when a result of the current revision was amended or invalidated.';
COMMENT ON COLUMN app.certificates.current_revision IS E'Current revision\nThe revision (certificate_versions.revision) that stands: 1, 2, ...';
COMMENT ON COLUMN app.certificates.reissue_reason IS E'Why a reissue is required\nWhich result changed, and how; cleared by the reissue.';
COMMENT ON COLUMN app.certificates.issued_by IS E'Issued by\nWho signed the first revision.';
COMMENT ON COLUMN app.certificates.created_at IS E'Created at';
COMMENT ON COLUMN app.certificates.updated_at IS E'Updated at';

CREATE TABLE app.certificate_versions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  certificate_id uuid NOT NULL,
  revision integer NOT NULL CONSTRAINT certificate_versions_revision_positive CHECK (revision >= 1),
  is_current boolean NOT NULL DEFAULT true,
  content jsonb NOT NULL CONSTRAINT certificate_versions_content_object CHECK (jsonb_typeof(content) = 'object'),
  content_sha256 text NOT NULL CONSTRAINT certificate_versions_content_sha256_format CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  signature jsonb NOT NULL CONSTRAINT certificate_versions_signature_object CHECK (jsonb_typeof(signature) = 'object'),
  reason text CONSTRAINT certificate_versions_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  issued_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  superseded_at timestamptz,
  render_status app.certificate_render_status NOT NULL DEFAULT 'pending',
  render_attempts integer NOT NULL DEFAULT 0 CONSTRAINT certificate_versions_attempts_not_negative CHECK (render_attempts >= 0),
  render_error text CONSTRAINT certificate_versions_render_error_length CHECK (length(render_error) <= 2000),
  pdf_key text CONSTRAINT certificate_versions_pdf_key_length CHECK (length(pdf_key) BETWEEN 1 AND 900),
  pdf_sha256 text CONSTRAINT certificate_versions_pdf_sha256_format CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  pdf_size bigint CONSTRAINT certificate_versions_pdf_size_positive CHECK (pdf_size > 0),
  rendered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT certificate_versions_revision_unique UNIQUE (organization_id, certificate_id, revision),
  CONSTRAINT certificate_versions_reissue_has_reason CHECK (revision = 1 OR reason IS NOT NULL),
  CONSTRAINT certificate_versions_superseded_not_current CHECK (is_current = (superseded_at IS NULL)),
  CONSTRAINT certificate_versions_rendered_has_pdf CHECK ((render_status = 'rendered') = (pdf_key IS NOT NULL AND pdf_sha256 IS NOT NULL AND pdf_size IS NOT NULL)),
  FOREIGN KEY (organization_id, certificate_id) REFERENCES app.certificates (organization_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX certificate_versions_one_current_idx ON app.certificate_versions (organization_id, certificate_id) WHERE is_current;
CREATE INDEX certificate_versions_issued_by_idx ON app.certificate_versions (issued_by);
CREATE INDEX certificate_versions_content_idx ON app.certificate_versions USING gin (content jsonb_path_ops) WHERE is_current;
CREATE INDEX certificate_versions_render_idx ON app.certificate_versions (organization_id, render_status) WHERE render_status <> 'rendered';
COMMENT ON TABLE app.certificate_versions IS
  E'Certificate revisions\nOne issued revision of a certificate of analysis: its content frozen at issue (samples, tests, values, units, limits, verdicts, who released each result), the issuer''s electronic signature over it, the reason of a reissue, and the rendered PDF (object pointer, sha256, size). A reissue supersedes the revision before. Written only by the lab''s functions.';
COMMENT ON COLUMN app.certificate_versions.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.certificate_versions.id IS E'Revision id';
COMMENT ON COLUMN app.certificate_versions.certificate_id IS E'Certificate\ncertificates.id.';
COMMENT ON COLUMN app.certificate_versions.revision IS E'Revision\n1, 2, ... per certificate.';
COMMENT ON COLUMN app.certificate_versions.is_current IS E'Current\nWhether this revision stands (false once superseded).';
COMMENT ON COLUMN app.certificate_versions.content IS E'Content\nThe frozen certificate: number, revision, customer, samples, and per sample its released results (test, method, value, unit, limits, verdict, released by and at); result_ids lists every result it contains.';
COMMENT ON COLUMN app.certificate_versions.content_sha256 IS E'Content checksum\nsha256 (hex) of the content as text; the signature covers it.';
COMMENT ON COLUMN app.certificate_versions.signature IS E'Signature\nThe issuer''s electronic signature: meaning, reason, the signed payload (with content_sha256, printed name, date and time) and its sha256.';
COMMENT ON COLUMN app.certificate_versions.reason IS E'Reason\nWhy it was issued again (required from revision 2).';
COMMENT ON COLUMN app.certificate_versions.issued_by IS E'Issued by\nThe signer (users.id).';
COMMENT ON COLUMN app.certificate_versions.issued_at IS E'Issued at';
COMMENT ON COLUMN app.certificate_versions.superseded_at IS E'Superseded at\nWhen the next revision replaced it.';
COMMENT ON COLUMN app.certificate_versions.render_status IS E'PDF status\npending, rendered or failed.';
COMMENT ON COLUMN app.certificate_versions.render_attempts IS E'Render attempts\nHow many times the worker tried to render it.';
COMMENT ON COLUMN app.certificate_versions.render_error IS E'Render error\nWhat the last failed attempt said.';
COMMENT ON COLUMN app.certificate_versions.pdf_key IS E'PDF\nObject-store key of the rendered PDF inside the tenant''s storage.';
COMMENT ON COLUMN app.certificate_versions.pdf_sha256 IS E'PDF checksum\nsha256 (hex) of the PDF file.';
COMMENT ON COLUMN app.certificate_versions.pdf_size IS E'PDF size\nIn bytes.';
COMMENT ON COLUMN app.certificate_versions.rendered_at IS E'Rendered at';
COMMENT ON COLUMN app.certificate_versions.created_at IS E'Created at';
COMMENT ON COLUMN app.certificate_versions.updated_at IS E'Updated at';

COMMIT;
