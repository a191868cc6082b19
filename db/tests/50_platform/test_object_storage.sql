-- Object storage: presigned URLs only for paths inside a tenant's prefix,
-- only with the operator's settings, which no API role can read.
BEGIN;
SELECT plan(16);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));

SELECT is(tests.refusal($$SELECT app_private.presign_tenant_object(tests.recall('t'), 'GET', 'a/b.pdf', 60)$$),
  'PT503 object_storage.not_configured', 'settings: no URL before the operator configures the store');

INSERT INTO app_private.object_storage (endpoint, public_endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://minio:9000', 'https://files.example.test', 'us-east-1', 'pulse-files', 'AKID', 'secret');

SELECT is((app_private.presign_tenant_object(tests.recall('t'), 'PUT', 'org/x/projects/PRJ-000001/rfq/v1/f.pdf', 60,
                                             false, '2026-01-02 03:04:05+00')).url,
  app_private.aws_presign('PUT', 'https://files.example.test', 'us-east-1', 'pulse-files',
                          'tenants/' || tests.recall('t') || '/org/x/projects/PRJ-000001/rfq/v1/f.pdf', 'AKID', 'secret', 60,
                          '2026-01-02 03:04:05+00'),
  'keys: a client''s URL is signed for tenants/<organization id>/<path> on the public endpoint');
SELECT ok((app_private.presign_tenant_object(tests.recall('t'), 'GET', 'a.pdf', 60, true)).url
            LIKE 'http://minio:9000/pulse-files/tenants/' || tests.recall('t') || '/a.pdf?%',
  'keys: a worker''s URL is signed for the endpoint the workers reach');
SELECT is((app_private.presign_tenant_object(tests.recall('t'), 'GET', 'a.pdf', 600, false, '2026-01-02 03:04:05+00')).expires_at,
  '2026-01-02 03:14:05+00'::timestamptz, 'expiry: the URL says when it stops working');

SELECT is(tests.refusal(format($$SELECT app_private.tenant_object_key(%L, %L)$$, tests.recall('t'), path)),
          'PT422 object_key.invalid', format('keys: %s cannot leave the tenant''s prefix', path))
  FROM unnest(ARRAY['../other/a.pdf', 'a/../../b', '/tenants/x/a', 'a//b', 'a/./b', 'a\b', '', 'a/' || chr(10)]) AS path;
SELECT is(tests.refusal($$SELECT app_private.presign_tenant_object(tests.recall('t'), 'POST', 'a.pdf', 60)$$),
  'PT422 object_url.method_invalid', 'methods: only GET, PUT, HEAD and DELETE are signed');
SELECT is(tests.refusal($$SELECT app_private.presign_tenant_object(tests.recall('t'), 'GET', 'a.pdf', 0)$$),
  'PT422 object_url.expiry_invalid', 'expiry: at least a second');
SELECT is(tests.refusal($$SELECT app_private.presign_tenant_object(tests.recall('t'), 'GET', 'a.pdf', 604801)$$),
  'PT422 object_url.expiry_invalid', 'expiry: at most 7 days, as S3 accepts');

SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal($$SELECT secret_access_key FROM app_private.object_storage$$), '42501',
  'settings: the credentials are not readable by the API roles, an admin included');
SELECT * FROM finish();
ROLLBACK;
