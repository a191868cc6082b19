-- Verify pulse:platform/object_storage on pg

BEGIN;

SELECT singleton, endpoint, public_endpoint, region, bucket, access_key_id, secret_access_key, updated_at
  FROM app_private.object_storage WHERE false;
SELECT method, url, expires_at FROM pg_catalog.jsonb_populate_record(NULL::app.signed_url, '{}');

-- The credentials are the owner's alone.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.object_storage', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_admin', 'app_private.object_storage', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('authenticator', 'app_private.object_storage', 'SELECT'))::int;

ROLLBACK;
