-- Deploy pulse:lab/eln to pg
-- requires: lab/core

BEGIN;

-- The electronic lab notebook: versioned templates whose sections each carry
-- a JSON Schema; entries (a human id, a title, the site, the author) whose
-- content lives in append-only versions validated against the template
-- version; pinned attachments (id + sha256) per version; links to any
-- registered entity (samples, SOPs, instruments, results); the author's and
-- a witness's electronic signatures that lock a version; and the ELN entry a
-- result was recorded in (results.eln_entry_id).

CREATE TYPE app.eln_template_status AS ENUM ('draft', 'published', 'retired');
COMMENT ON TYPE app.eln_template_status IS 'An ELN template version: draft (editable), published (frozen, used by new entries), retired (kept for the entries written on it).';
CREATE TYPE app.eln_entry_status AS ENUM ('draft', 'signed', 'witnessed');
COMMENT ON TYPE app.eln_entry_status IS 'An ELN entry by its current version: draft (unsigned, the author may write a new version), signed (the author signed it: locked, changed only by an amendment), witnessed (a second person signed it too).';
CREATE TYPE app.eln_signature_meaning AS ENUM ('authored', 'witnessed');
COMMENT ON TYPE app.eln_signature_meaning IS 'What an ELN signature means: authored (the author vouches for the version), witnessed (another person saw and understood it).';

CREATE TABLE app.eln_templates (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT eln_templates_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  version integer NOT NULL DEFAULT 1 CONSTRAINT eln_templates_version_positive CHECK (version >= 1),
  name text NOT NULL CONSTRAINT eln_templates_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT eln_templates_description_length CHECK (length(description) <= 4000),
  sections jsonb NOT NULL CONSTRAINT eln_templates_sections_array CHECK (jsonb_typeof(sections) = 'array'),
  status app.eln_template_status NOT NULL DEFAULT 'draft',
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT eln_templates_code_version_unique UNIQUE (organization_id, code, version)
);
CREATE UNIQUE INDEX eln_templates_one_published_idx ON app.eln_templates (organization_id, code) WHERE status = 'published';
COMMENT ON TABLE app.eln_templates IS
  E'ELN templates\nThe tenant''s notebook templates, versioned: an ordered list of sections, each with a key, a title and the JSON Schema its content must satisfy. A published version is frozen and is the one new entries use.';
COMMENT ON COLUMN app.eln_templates.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.eln_templates.id IS E'Template version id';
COMMENT ON COLUMN app.eln_templates.code IS E'Code\nStable key of the template across its versions (lowercase, e.g. method-development).';
COMMENT ON COLUMN app.eln_templates.version IS E'Version\n1, 2, ... per code.';
COMMENT ON COLUMN app.eln_templates.name IS E'Name';
COMMENT ON COLUMN app.eln_templates.description IS E'Description';
COMMENT ON COLUMN app.eln_templates.sections IS
  E'Sections\nOrdered [{"key": "aim", "title": "Aim", "required": true, "schema": {<JSON Schema of the section''s content>}}]; keys are unique lowercase identifiers.';
COMMENT ON COLUMN app.eln_templates.status IS E'Status\ndraft, published or retired.';
COMMENT ON COLUMN app.eln_templates.published_at IS E'Published at';
COMMENT ON COLUMN app.eln_templates.created_at IS E'Created at';
COMMENT ON COLUMN app.eln_templates.updated_at IS E'Updated at';

CREATE TABLE app.eln_entries (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entry_number text NOT NULL,
  title text NOT NULL CONSTRAINT eln_entries_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  template_id uuid,
  site_id uuid,
  project_id uuid,
  service_request_id uuid,
  author_id uuid NOT NULL REFERENCES app.users (id),
  status app.eln_entry_status NOT NULL DEFAULT 'draft',
  current_version integer CONSTRAINT eln_entries_current_version_positive CHECK (current_version >= 1),
  completed_at timestamptz,
  search_text text NOT NULL DEFAULT '',
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', entry_number), 'A') || setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', search_text), 'B')) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT eln_entries_number_unique UNIQUE (organization_id, entry_number),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.eln_templates (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id),
  FOREIGN KEY (organization_id, service_request_id) REFERENCES app.service_requests (organization_id, id)
);
CREATE INDEX eln_entries_template_idx ON app.eln_entries (organization_id, template_id);
CREATE INDEX eln_entries_site_idx ON app.eln_entries (organization_id, site_id);
CREATE INDEX eln_entries_project_idx ON app.eln_entries (organization_id, project_id);
CREATE INDEX eln_entries_service_request_idx ON app.eln_entries (organization_id, service_request_id);
CREATE INDEX eln_entries_author_idx ON app.eln_entries (author_id);
CREATE INDEX eln_entries_search_idx ON app.eln_entries USING gin (search_vector);
CREATE INDEX eln_entries_number_trgm_idx ON app.eln_entries USING gin (entry_number public.gin_trgm_ops);
CREATE INDEX eln_entries_title_trgm_idx ON app.eln_entries USING gin (title public.gin_trgm_ops);
COMMENT ON TABLE app.eln_entries IS
  E'ELN entries\nA notebook entry: human id (ELN-000123), title, the template version its content follows, the site, project and service request it belongs to, its author, and a pointer to its current version. The content is in eln_entry_versions (append-only); signatures in eln_signatures. Site-scoped like samples.';
COMMENT ON COLUMN app.eln_entries.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.eln_entries.id IS E'Entry id';
COMMENT ON COLUMN app.eln_entries.entry_number IS E'Entry number\nHuman id (ELN-000123), the next of the tenant when not sent.';
COMMENT ON COLUMN app.eln_entries.title IS E'Title';
COMMENT ON COLUMN app.eln_entries.template_id IS E'Template\nThe published template version (eln_templates.id) the content is validated against; empty for a free-form entry.';
COMMENT ON COLUMN app.eln_entries.site_id IS E'Site\nThe lab site (sites.id) the work was done at; scopes who reads and writes it.';
COMMENT ON COLUMN app.eln_entries.project_id IS E'Project\nprojects.id, if any.';
COMMENT ON COLUMN app.eln_entries.service_request_id IS E'Service request\nservice_requests.id, if any.';
COMMENT ON COLUMN app.eln_entries.author_id IS E'Author\nThe member who created it (users.id); only the author writes versions and signs as author.';
COMMENT ON COLUMN app.eln_entries.status IS E'Status\ndraft, signed or witnessed: the state of the current version (kept by the database).';
COMMENT ON COLUMN app.eln_entries.current_version IS E'Current version\nThe latest version number (eln_entry_versions.version); empty before the first.';
COMMENT ON COLUMN app.eln_entries.completed_at IS
  E'Completed at\nWhen the current version became complete: when the author signed it, or, with the tenant''s glp_esignatures_required flag on, when a witness signed it. Empty while open.';
COMMENT ON COLUMN app.eln_entries.search_text IS E'Search text\nThe text of the current version (every string in its content), kept by the database for full-text search.';
COMMENT ON COLUMN app.eln_entries.search_vector IS
  E'Search document\nHuman id and title (weight A) and the current version''s text (B), text configuration simple; kept by the database, read by app.search.';
COMMENT ON COLUMN app.eln_entries.created_at IS E'Created at';
COMMENT ON COLUMN app.eln_entries.updated_at IS E'Updated at';

CREATE TABLE app.eln_entry_versions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entry_id uuid NOT NULL,
  version integer NOT NULL CONSTRAINT eln_entry_versions_version_positive CHECK (version >= 1),
  content jsonb NOT NULL CONSTRAINT eln_entry_versions_content_object CHECK (jsonb_typeof(content) = 'object'),
  attachments jsonb NOT NULL DEFAULT '[]' CONSTRAINT eln_entry_versions_attachments_array CHECK (jsonb_typeof(attachments) = 'array'),
  amends_version integer,
  amendment_reason text CONSTRAINT eln_entry_versions_reason_length CHECK (length(btrim(amendment_reason)) BETWEEN 1 AND 2000),
  content_sha256 text NOT NULL CONSTRAINT eln_entry_versions_sha256_format CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  created_by uuid NOT NULL REFERENCES app.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT eln_entry_versions_number_unique UNIQUE (organization_id, entry_id, version),
  FOREIGN KEY (organization_id, entry_id) REFERENCES app.eln_entries (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, entry_id, amends_version) REFERENCES app.eln_entry_versions (organization_id, entry_id, version),
  CONSTRAINT eln_entry_versions_amends_earlier CHECK (amends_version < version),
  CONSTRAINT eln_entry_versions_amendment_has_reason CHECK ((amends_version IS NULL) = (amendment_reason IS NULL))
);
CREATE INDEX eln_entry_versions_created_by_idx ON app.eln_entry_versions (created_by);
COMMENT ON TABLE app.eln_entry_versions IS
  E'ELN entry versions\nThe content of an entry, one immutable row per version (append-only: never updated or deleted): the sections'' content validated against the entry''s template version, the attachments it pins (id and sha256), and, for an amendment of a signed version, that version and the reason.';
COMMENT ON COLUMN app.eln_entry_versions.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.eln_entry_versions.id IS E'Version id';
COMMENT ON COLUMN app.eln_entry_versions.entry_id IS E'Entry\neln_entries.id.';
COMMENT ON COLUMN app.eln_entry_versions.version IS E'Version\n1, 2, ... per entry, numbered by the database.';
COMMENT ON COLUMN app.eln_entry_versions.content IS E'Content\nThe full document, {"<section key>": <content valid for the section''s schema>}.';
COMMENT ON COLUMN app.eln_entry_versions.attachments IS
  E'Pinned attachments\n[{"attachment_id": <attachments.id of the entry>, "sha256": <its checksum>}]: the files this version refers to, as they were.';
COMMENT ON COLUMN app.eln_entry_versions.amends_version IS E'Amends version\nThe signed version this amendment replaces (filled in by the database).';
COMMENT ON COLUMN app.eln_entry_versions.amendment_reason IS E'Amendment reason\nWhy a signed version was amended; required for an amendment, refused otherwise.';
COMMENT ON COLUMN app.eln_entry_versions.content_sha256 IS E'Content checksum\nsha256 (hex) of the content and pinned attachments as stored (kept by the database), what signatures vouch for.';
COMMENT ON COLUMN app.eln_entry_versions.created_by IS E'Written by';
COMMENT ON COLUMN app.eln_entry_versions.created_at IS E'Written at';

CREATE TABLE app.eln_signatures (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entry_id uuid NOT NULL,
  version integer NOT NULL,
  meaning app.eln_signature_meaning NOT NULL,
  signer_id uuid NOT NULL REFERENCES app.users (id),
  signed_at timestamptz NOT NULL DEFAULT now(),
  reason text NOT NULL CONSTRAINT eln_signatures_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  signature jsonb NOT NULL CONSTRAINT eln_signatures_signature_object CHECK (jsonb_typeof(signature) = 'object'),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT eln_signatures_one_per_meaning UNIQUE (organization_id, entry_id, version, meaning),
  FOREIGN KEY (organization_id, entry_id, version) REFERENCES app.eln_entry_versions (organization_id, entry_id, version) ON DELETE CASCADE
);
CREATE INDEX eln_signatures_signer_idx ON app.eln_signatures (signer_id);
COMMENT ON TABLE app.eln_signatures IS
  E'ELN signatures\nElectronic signatures of entry versions (append-only): the author''s (authored) locks the version, a second person''s (witnessed) attests it; each keeps the signed record {meaning, reason, payload, payload_sha256}, the payload naming the version''s content checksum.';
COMMENT ON COLUMN app.eln_signatures.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.eln_signatures.id IS E'Signature id';
COMMENT ON COLUMN app.eln_signatures.entry_id IS E'Entry\neln_entries.id.';
COMMENT ON COLUMN app.eln_signatures.version IS E'Version\nThe signed version (eln_entry_versions.version).';
COMMENT ON COLUMN app.eln_signatures.meaning IS E'Meaning\nauthored or witnessed.';
COMMENT ON COLUMN app.eln_signatures.signer_id IS E'Signed by\nusers.id.';
COMMENT ON COLUMN app.eln_signatures.signed_at IS E'Signed at';
COMMENT ON COLUMN app.eln_signatures.reason IS E'Reason\nWhat the signer states with the signature.';
COMMENT ON COLUMN app.eln_signatures.signature IS E'Signature record\n{meaning, reason, payload, payload_sha256}: the signed payload and its checksum.';

CREATE TABLE app.eln_links (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entry_id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  note text NOT NULL DEFAULT '' CONSTRAINT eln_links_note_length CHECK (length(note) <= 500),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT eln_links_unique UNIQUE (organization_id, entry_id, entity_type, entity_id),
  FOREIGN KEY (organization_id, entry_id) REFERENCES app.eln_entries (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE
);
CREATE INDEX eln_links_entity_idx ON app.eln_links (organization_id, entity_type, entity_id);
CREATE INDEX eln_links_created_by_idx ON app.eln_links (created_by);
COMMENT ON TABLE app.eln_links IS
  E'ELN links\nWhat an entry is about: any registered entity of the tenant (a sample, an SOP, an instrument, a result, ...), by its entity type and id.';
COMMENT ON COLUMN app.eln_links.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.eln_links.id IS E'Link id';
COMMENT ON COLUMN app.eln_links.entry_id IS E'Entry\neln_entries.id.';
COMMENT ON COLUMN app.eln_links.entity_type IS E'Entity type\nThe registered type of the linked record (sample, equipment, result, ...).';
COMMENT ON COLUMN app.eln_links.entity_id IS E'Entity\nThe linked record''s id.';
COMMENT ON COLUMN app.eln_links.note IS E'Note\nWhat the link means (e.g. "calibrated with").';
COMMENT ON COLUMN app.eln_links.created_by IS E'Linked by';
COMMENT ON COLUMN app.eln_links.created_at IS E'Linked at';

ALTER TABLE app.results ADD COLUMN eln_entry_id uuid,
  ADD CONSTRAINT results_eln_entry_fkey FOREIGN KEY (organization_id, eln_entry_id) REFERENCES app.eln_entries (organization_id, id);
CREATE INDEX results_eln_entry_idx ON app.results (organization_id, eln_entry_id);
COMMENT ON COLUMN app.results.eln_entry_id IS E'ELN entry\nThe notebook entry (eln_entries.id, same tenant) the result was recorded in, for provenance.';

COMMIT;
