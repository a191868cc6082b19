-- Deploy pulse:platform/object_storage to pg
-- requires: workflow/routing_defaults

BEGIN;

-- Where objects (document files, attachments) are stored: one S3-compatible
-- bucket, set by the operator (`pulse db migrate` writes it from
-- PULSE_S3_*). Only the owner reads it: the secret never reaches an API role.
CREATE TABLE app_private.object_storage (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT object_storage_singleton CHECK (singleton),
  endpoint text NOT NULL CONSTRAINT object_storage_endpoint_format CHECK (endpoint ~ '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$'),
  public_endpoint text CONSTRAINT object_storage_public_endpoint_format
    CHECK (public_endpoint ~ '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$'),
  region text NOT NULL CONSTRAINT object_storage_region_format CHECK (region ~ '^[a-z0-9-]{1,40}$'),
  bucket text NOT NULL CONSTRAINT object_storage_bucket_format CHECK (bucket ~ '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'),
  access_key_id text NOT NULL CONSTRAINT object_storage_access_key_id_format CHECK (access_key_id ~ '^[A-Za-z0-9_-]{1,128}$'),
  secret_access_key text NOT NULL CONSTRAINT object_storage_secret_length CHECK (length(secret_access_key) BETWEEN 1 AND 256),
  updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON app_private.object_storage FROM PUBLIC;

COMMENT ON TABLE app_private.object_storage IS
  E'Object storage settings\nThe S3-compatible bucket Pulse signs URLs for (AWS Signature V4, path-style). One row, written by the operator; read only by the owner''s functions.';
COMMENT ON COLUMN app_private.object_storage.singleton IS 'Always true: there is one row.';
COMMENT ON COLUMN app_private.object_storage.endpoint IS 'Base URL the workers reach the store at, scheme://host[:port] (e.g. http://127.0.0.1:9000, https://s3.eu-central-1.amazonaws.com).';
COMMENT ON COLUMN app_private.object_storage.public_endpoint IS 'Base URL clients reach the store at, when it differs from endpoint (a container network name vs the host).';
COMMENT ON COLUMN app_private.object_storage.region IS 'Signing region (us-east-1 for MinIO and moto unless configured otherwise).';
COMMENT ON COLUMN app_private.object_storage.bucket IS 'The bucket; object keys start with tenants/<organization id>/.';
COMMENT ON COLUMN app_private.object_storage.access_key_id IS 'Access key id of the credentials URLs are signed with.';
COMMENT ON COLUMN app_private.object_storage.secret_access_key IS 'Secret access key of those credentials.';
COMMENT ON COLUMN app_private.object_storage.updated_at IS 'When the settings were last written.';

CREATE TYPE app.signed_url AS (method text, url text, expires_at timestamptz);
COMMENT ON TYPE app.signed_url IS
  E'A presigned object URL\nSend `method` to `url` (no credentials needed) before `expires_at`; the store refuses it after.';
COMMENT ON COLUMN app.signed_url.method IS 'HTTP method the URL is signed for: PUT (upload), GET (download) or HEAD.';
COMMENT ON COLUMN app.signed_url.url IS 'The presigned URL (AWS Signature V4 query parameters).';
COMMENT ON COLUMN app.signed_url.expires_at IS 'When the store stops accepting it.';

COMMIT;
