-- Object storage: presigned URLs for an S3-compatible bucket, signed here
-- (AWS Signature V4, query-string form, path-style URLs) with the operator's
-- credentials in app_private.object_storage. Every key a tenant gets starts
-- with tenants/<organization id>/: callers name a path inside their tenant,
-- never a whole key. The database makes no HTTP call; whoever holds a URL
-- (a client, the verify worker) does.

CREATE OR REPLACE FUNCTION app_private.uri_encode(p_text text, p_keep_slash boolean) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
  SELECT coalesce(pg_catalog.string_agg(
           CASE WHEN x.b BETWEEN 48 AND 57 OR x.b BETWEEN 65 AND 90 OR x.b BETWEEN 97 AND 122 OR x.b IN (45, 46, 95, 126)
                     OR (p_keep_slash AND x.b = 47)
                THEN pg_catalog.chr(x.b)
                ELSE '%' || pg_catalog.upper(pg_catalog.lpad(pg_catalog.to_hex(x.b), 2, '0')) END,
           '' ORDER BY x.i), '')
    FROM (SELECT i, pg_catalog.get_byte(t.bytes, i) AS b
            FROM (SELECT pg_catalog.convert_to(p_text, 'UTF8') AS bytes) AS t,
                 pg_catalog.generate_series(0, pg_catalog.length(t.bytes) - 1) AS i) AS x
$$;

COMMENT ON FUNCTION app_private.uri_encode(text, boolean) IS
  'URI encoding as AWS Signature V4 wants it: every UTF-8 byte but A-Z a-z 0-9 - . _ ~ (and / when p_keep_slash) as %XX.';

CREATE OR REPLACE FUNCTION app_private.aws_presign(
  p_method text, p_endpoint text, p_region text, p_bucket text, p_key text,
  p_access_key_id text, p_secret_access_key text, p_expires_in integer, p_at timestamptz
) RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
DECLARE
  v_at timestamp := p_at AT TIME ZONE 'UTC';
  v_day text := pg_catalog.to_char(v_at, 'YYYYMMDD');
  v_stamp text := pg_catalog.to_char(v_at, 'YYYYMMDD"T"HH24MISS"Z"');
  v_scope text := v_day || '/' || p_region || '/s3/aws4_request';
  -- The Host header as a client sends it: the default port of the scheme left out.
  v_host text := pg_catalog.regexp_replace(pg_catalog.substring(p_endpoint, '^https?://([^/]+)$'),
                                           CASE WHEN p_endpoint LIKE 'https:%' THEN ':443$' ELSE ':80$' END, '');
  v_path text := '/' || p_bucket || '/' || app_private.uri_encode(p_key, true);
  v_query text;
  v_to_sign text;
  v_key bytea;
BEGIN
  v_query := 'X-Amz-Algorithm=AWS4-HMAC-SHA256'
          || '&X-Amz-Credential=' || app_private.uri_encode(p_access_key_id || '/' || v_scope, false)
          || '&X-Amz-Date=' || v_stamp
          || '&X-Amz-Expires=' || p_expires_in
          || '&X-Amz-SignedHeaders=host';
  v_to_sign := 'AWS4-HMAC-SHA256' || E'\n' || v_stamp || E'\n' || v_scope || E'\n'
    || pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
         p_method || E'\n' || v_path || E'\n' || v_query || E'\nhost:' || v_host || E'\n\nhost\nUNSIGNED-PAYLOAD', 'UTF8')), 'hex');
  v_key := public.hmac(pg_catalog.convert_to(v_day, 'UTF8'), pg_catalog.convert_to('AWS4' || p_secret_access_key, 'UTF8'), 'sha256');
  v_key := public.hmac(pg_catalog.convert_to(p_region, 'UTF8'), v_key, 'sha256');
  v_key := public.hmac(pg_catalog.convert_to('s3', 'UTF8'), v_key, 'sha256');
  v_key := public.hmac(pg_catalog.convert_to('aws4_request', 'UTF8'), v_key, 'sha256');
  RETURN p_endpoint || v_path || '?' || v_query || '&X-Amz-Signature='
    || pg_catalog.encode(public.hmac(pg_catalog.convert_to(v_to_sign, 'UTF8'), v_key, 'sha256'), 'hex');
END
$$;

COMMENT ON FUNCTION app_private.aws_presign(text, text, text, text, text, text, text, integer, timestamptz) IS
  'A presigned path-style URL {endpoint}/{bucket}/{key} for p_method, AWS Signature V4 in the query string (signed header: host; payload unsigned), valid p_expires_in seconds from p_at. Pure: app_private.presign_tenant_object checks the method and expiry.';

CREATE OR REPLACE FUNCTION app_private.tenant_object_key(p_organization_id uuid, p_path text) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_organization_id IS NULL OR p_path IS NULL OR p_path = '' OR pg_catalog.octet_length(p_path) > 900
     OR p_path ~ '[[:cntrl:]\\]' OR ('/' || p_path || '/') ~ '/(\.{1,2})?/' THEN
    PERFORM app_private.raise_invalid('object_key.invalid', format('%L is not a path inside a tenant''s storage', p_path),
      'A path is 1 to 900 bytes of segments joined by /, without empty, . or .. segments, backslashes or control characters.');
  END IF;
  RETURN 'tenants/' || p_organization_id || '/' || p_path;
END
$$;

COMMENT ON FUNCTION app_private.tenant_object_key(uuid, text) IS
  'The object key of a path in a tenant''s storage: tenants/<organization id>/<path>. The path cannot climb out (PT422 object_key.invalid for empty, . or .. segments, a leading /, backslashes, control characters, over 900 bytes).';

CREATE OR REPLACE FUNCTION app_private.presign_tenant_object(
  p_organization_id uuid, p_method text, p_path text, p_expires_in integer,
  p_for_worker boolean DEFAULT false, p_at timestamptz DEFAULT now()
) RETURNS app.signed_url
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_storage app_private.object_storage;
  v_result app.signed_url;
BEGIN
  IF p_method NOT IN ('GET', 'PUT', 'HEAD', 'DELETE') THEN
    PERFORM app_private.raise_invalid('object_url.method_invalid', format('cannot sign %s', p_method),
                                      'Object URLs are signed for GET, PUT, HEAD or DELETE.');
  END IF;
  IF p_expires_in IS NULL OR p_expires_in NOT BETWEEN 1 AND 604800 THEN
    PERFORM app_private.raise_invalid('object_url.expiry_invalid', format('an expiry of %s seconds', p_expires_in),
                                      'Ask for 1 to 604800 seconds (7 days, the most S3 accepts).');
  END IF;
  SELECT * INTO v_storage FROM app_private.object_storage;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'object storage is not configured' USING ERRCODE = 'PT503', DETAIL = 'object_storage.not_configured',
      HINT = 'The operator sets PULSE_S3_ENDPOINT, PULSE_S3_BUCKET, PULSE_S3_ACCESS_KEY_ID and PULSE_S3_SECRET_ACCESS_KEY and runs pulse db migrate.';
  END IF;
  v_result.method := p_method;
  v_result.url := app_private.aws_presign(
    p_method, CASE WHEN p_for_worker THEN v_storage.endpoint ELSE coalesce(v_storage.public_endpoint, v_storage.endpoint) END,
    v_storage.region, v_storage.bucket, app_private.tenant_object_key(p_organization_id, p_path),
    v_storage.access_key_id, v_storage.secret_access_key, p_expires_in, p_at);
  v_result.expires_at := p_at + pg_catalog.make_interval(secs => p_expires_in);
  RETURN v_result;
END
$$;

COMMENT ON FUNCTION app_private.presign_tenant_object(uuid, text, text, integer, boolean, timestamptz) IS
  'A presigned URL for a path in a tenant''s storage (key tenants/<organization id>/<path>), on the public endpoint for clients or the endpoint workers use (p_for_worker). The caller decides who may have it. PT503 object_storage.not_configured; PT422 object_key.invalid, object_url.method_invalid (GET, PUT, HEAD, DELETE only; DELETE is for the purge worker), object_url.expiry_invalid (1 to 604800 seconds).';
