-- Custom domain ownership (db/functions/50_platform/65_domain_verification.sql):
-- a claimed domain is pending with a token to publish as a DNS TXT record
-- at _pulse-verification.<domain>; the domain_verify task's report decides
-- verified or failed with the reason; only a verified domain is mirrored
-- onto the organization and served by app.theme; a pending claim blocks
-- nobody, a verified one cannot be claimed; checks run on demand and
-- every 15 minutes. The DNS lookup itself runs in tests/test_branding_http.py
-- against a local DNS server.
BEGIN;
SELECT plan(30);

SELECT tests.remember('a', tests.create_tenant('Alpha Works'));
SELECT tests.remember('b', tests.create_tenant('Beta Corp'));
SELECT tests.remember('c', tests.create_tenant());
SELECT tests.remember('a_admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('a_qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('c_admin', tests.create_member(tests.recall('c'), 'admin'));
CREATE FUNCTION pg_temp.token(p_organization_id uuid) RETURNS text LANGUAGE sql AS $$
  SELECT domain_token FROM app.tenant_branding WHERE organization_id = p_organization_id $$;
CREATE FUNCTION pg_temp.state(p_organization_id uuid) RETURNS text LANGUAGE sql AS $$
  SELECT concat_ws(' ', domain_status, domain_check_error) FROM app.tenant_branding WHERE organization_id = p_organization_id $$;
CREATE FUNCTION pg_temp.jobs(p_organization_id uuid) RETURNS integer LANGUAGE sql AS $$
  SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier = 'domain_verify' AND key = 'domain_verify:' || p_organization_id $$;
GRANT EXECUTE ON FUNCTION pg_temp.jobs(uuid), pg_temp.token(uuid), pg_temp.state(uuid) TO PUBLIC;

-- A claims the domain: pending, with a token; no theme yet.
SELECT tests.act_as(tests.recall('a_admin'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.check_custom_domain()$$), 'PT409 branding.no_custom_domain', 'nothing to check without a domain');
UPDATE app.tenant_branding SET custom_domain = 'portal.shared.example';
SELECT is((SELECT domain_status FROM app.tenant_branding), 'pending', 'a claimed domain is pending');
SELECT matches((SELECT domain_token FROM app.tenant_branding), '^pulse-verification=[0-9a-f]{48}$', 'with a token to publish');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET domain_status = 'verified'$$), '42501', 'the tenant cannot mark it verified itself');
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET domain_token = 'pulse-verification=' || repeat('0', 48)$$), '42501',
  'nor choose its token');
SELECT tests.act_as_owner();
SELECT is((SELECT custom_domain FROM app.organizations WHERE id = tests.recall('a')), NULL, 'a pending domain is not mirrored on the organization');
SELECT results_eq(format($$SELECT domain, record_name FROM app_private.domain_check_begin(%L)$$, tests.recall('a')),
  $$VALUES ('portal.shared.example', '_pulse-verification.portal.shared.example')$$, 'the worker looks up _pulse-verification.<domain>');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT app.theme('portal.shared.example')$$), 'PT404 theme.not_found', 'a pending domain has no theme');

-- A pending claim blocks nobody: B claims the same domain.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
UPDATE app.tenant_branding SET custom_domain = 'portal.shared.example';
SELECT is((SELECT domain_status FROM app.tenant_branding), 'pending', 'another tenant may claim a domain nobody proved');
SELECT isnt(pg_temp.token(tests.recall('a')), pg_temp.token(tests.recall('b')), 'each claim has its own token');

-- On demand: branding.manage queues one lookup.
SELECT tests.act_as(tests.recall('a_qa'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.check_custom_domain()$$), 'PT403 permission.missing', 'a member without branding.manage cannot ask');
SELECT tests.act_as(tests.recall('a_admin'), tests.recall('a'));
SELECT is((app.check_custom_domain()).domain_status, 'pending', 'the admin asks for a check');
SELECT (app.check_custom_domain()).domain_status;
SELECT tests.act_as_owner();
SELECT is(pg_temp.jobs(tests.recall('a')), 1, 'one domain_verify job is queued, however often it is asked');

-- The worker's reports decide.
SELECT is(app_private.record_domain_check(tests.recall('a'), 'portal.shared.example', '{}', 'ENOTFOUND'),
  'failed: no TXT record at _pulse-verification.portal.shared.example (ENOTFOUND)', 'no record: failed');
SELECT is(pg_temp.state(tests.recall('a')), 'failed no TXT record at _pulse-verification.portal.shared.example (ENOTFOUND)',
  'and the tenant reads why');
SELECT is(app_private.record_domain_check(tests.recall('a'), 'portal.shared.example', ARRAY['v=spf1 -all'], NULL),
  'failed: the TXT record at _pulse-verification.portal.shared.example holds v=spf1 -all, not the token', 'other values: failed');
SELECT is(app_private.record_domain_check(tests.recall('a'), 'portal.shared.example', '{}', 'ETIMEOUT'),
  'failed: DNS lookup of _pulse-verification.portal.shared.example failed: ETIMEOUT', 'a DNS error: failed, named');
SELECT is(app_private.record_domain_check(tests.recall('a'), 'other.example', ARRAY[pg_temp.token(tests.recall('a'))], NULL), 'stale',
  'a report about a domain the tenant no longer has changes nothing');
-- B publishes its token first.
SELECT is(app_private.record_domain_check(tests.recall('b'), 'portal.shared.example', ARRAY['x', pg_temp.token(tests.recall('b'))], NULL),
  'verified', 'the token among the TXT values: verified');
SELECT is((SELECT custom_domain FROM app.organizations WHERE id = tests.recall('b')), 'portal.shared.example',
  'the verified domain is mirrored on the organization');
SELECT is(app_private.record_domain_check(tests.recall('a'), 'portal.shared.example', ARRAY[pg_temp.token(tests.recall('a'))], NULL),
  'failed: taken: another organization verified this domain first', 'whoever proves it second is told it is taken');
SELECT tests.act_as_anon();
SELECT is((SELECT name FROM app.theme('portal.shared.example')), 'Beta Corp', 'the theme is the verified tenant''s');
SELECT tests.act_as(tests.recall('c_admin'), tests.recall('c'));
SELECT is(tests.refusal($$UPDATE app.tenant_branding SET custom_domain = 'Portal.Shared.Example'$$), 'PT409 branding.domain_taken',
  'a verified domain cannot be claimed by another tenant');

-- Verified stays verified when a later check fails; a changed domain starts over.
SELECT tests.act_as_owner();
SELECT app_private.record_domain_check(tests.recall('b'), 'portal.shared.example', '{}', 'ENOTFOUND');
SELECT is(pg_temp.state(tests.recall('b')), 'verified no TXT record at _pulse-verification.portal.shared.example (ENOTFOUND)',
  'a verified domain stays verified; the failed re-check is recorded');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
UPDATE app.tenant_branding SET custom_domain = 'beta.example';
SELECT is((SELECT (domain_status, domain_verified_at IS NULL, domain_check_error IS NULL)::text FROM app.tenant_branding), '(pending,t,t)',
  'a new domain is pending again, its history cleared');
SELECT tests.act_as_owner();
SELECT is((SELECT custom_domain FROM app.organizations WHERE id = tests.recall('b')), NULL, 'and the old one is released');

-- Periodically: every domain not verified and not checked for 10 minutes.
UPDATE app.tenant_branding SET domain_checked_at = now() - interval '1 hour' WHERE organization_id = tests.recall('a');
SELECT ok(EXISTS (SELECT FROM app_private.jobs() WHERE name = 'check-custom-domains' AND command = 'SELECT app_private.enqueue_domain_checks()'),
  'check-custom-domains is a scheduled job');
SELECT cmp_ok(app_private.enqueue_domain_checks(), '>=', 2, 'it queues the failed and the pending domains');
SELECT is(pg_temp.jobs(tests.recall('b')), 1, 'the new pending domain is checked');
SELECT app_private.record_domain_check(tests.recall('a'), 'portal.shared.example', '{}', 'ENOTFOUND');
SELECT is((SELECT count(*)::int FROM app.tenant_branding AS b WHERE b.organization_id = tests.recall('a')
            AND b.domain_checked_at >= now() - interval '10 minutes'), 1, 'a domain just checked is not due for 10 minutes');

SELECT * FROM finish();
ROLLBACK;
