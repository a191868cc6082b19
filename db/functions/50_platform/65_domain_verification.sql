-- Custom domain ownership (migration platform/domain_verification,
-- docs/manufacturing/branding.md "Custom domain"): a tenant's custom domain
-- is pending until the tenant publishes its verification token as a DNS
-- TXT record at _pulse-verification.<domain>. The domain_verify job
-- (config/worker/tasks/domain_verify.mjs) looks the record up with the
-- resolver of PULSE_DNS_RESOLVER and reports what it found; SQL decides:
-- verified when one of the TXT values is the token and no other tenant
-- verified the domain first, else failed with the reason. Checks run on
-- demand (app.check_custom_domain) and every 15 minutes for domains not yet
-- verified (the check-custom-domains job). A verified domain stays verified
-- (a later check that fails records why, for the tenant to see) until the
-- tenant changes it.

-- The DNS name the token is published at.
CREATE OR REPLACE FUNCTION app_private.domain_verification_record(p_domain text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT '_pulse-verification.' || p_domain;
$$;
COMMENT ON FUNCTION app_private.domain_verification_record(text) IS
  'The DNS name a tenant publishes its domain verification token at: _pulse-verification.<domain>.';

-- Enqueues one check of a tenant's domain (a waiting check of the same
-- tenant is replaced, so repeated asks run once).
CREATE OR REPLACE FUNCTION app_private.enqueue_domain_check(p_organization_id uuid) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  SELECT app_private.enqueue_job('domain_verify', pg_catalog.jsonb_build_object('organization_id', p_organization_id),
                                 p_job_key => 'domain_verify:' || p_organization_id, p_max_attempts => 3);
$$;
COMMENT ON FUNCTION app_private.enqueue_domain_check(uuid) IS
  'Enqueues the domain_verify job of a tenant (job key domain_verify:<tenant>: a waiting check is replaced, not doubled).';

-- On demand: the tenant's holder of branding.manage asks for a check now.
CREATE OR REPLACE FUNCTION app.check_custom_domain() RETURNS app.tenant_branding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_branding app.tenant_branding;
BEGIN
  PERFORM app_private.require_permission('branding.manage');
  SELECT * INTO v_branding FROM app.tenant_branding AS b WHERE b.organization_id = auth.org_id();
  IF v_branding.custom_domain IS NULL THEN
    RAISE EXCEPTION 'no custom domain to check' USING ERRCODE = 'PT409', DETAIL = 'branding.no_custom_domain',
      HINT = 'PATCH /tenant_branding with custom_domain first, then publish domain_token as a TXT record at _pulse-verification.<domain>.';
  END IF;
  PERFORM app_private.enqueue_domain_check(v_branding.organization_id);
  RETURN v_branding;
END
$$;
COMMENT ON FUNCTION app.check_custom_domain() IS
  E'Check the custom domain now\nQueues a DNS lookup of the TXT record _pulse-verification.<custom_domain> of the caller''s tenant (branding.manage): the domain becomes verified when a value is its domain_token, else failed with domain_check_error saying why; read the outcome from GET /tenant_branding a few seconds later. Returns the branding as it is now. PT409 branding.no_custom_domain; PT403 permission.missing. Domains not yet verified are also checked every 15 minutes.';

-- For the worker: what to look up, or nothing when the tenant has no domain now.
CREATE OR REPLACE FUNCTION app_private.domain_check_begin(p_organization_id uuid, OUT domain text, OUT record_name text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT b.custom_domain, app_private.domain_verification_record(b.custom_domain)
    FROM app.tenant_branding AS b
   WHERE b.organization_id = p_organization_id AND b.custom_domain IS NOT NULL;
$$;
COMMENT ON FUNCTION app_private.domain_check_begin(uuid) IS
  'For the domain_verify task: the tenant''s custom domain and the DNS name to look up (_pulse-verification.<domain>); no row when it has none.';

-- The worker's report: the TXT values found at the record (each one's
-- strings joined), or the DNS error code. SQL decides. A report about a
-- domain the tenant no longer has changes nothing.
CREATE OR REPLACE FUNCTION app_private.record_domain_check(p_organization_id uuid, p_domain text, p_values text[], p_error text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_branding app.tenant_branding;
  v_found boolean;
  v_why text;
BEGIN
  SELECT * INTO v_branding FROM app.tenant_branding AS b
   WHERE b.organization_id = p_organization_id AND b.custom_domain = p_domain FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'stale';
  END IF;
  v_found := v_branding.domain_token = ANY (coalesce(p_values, '{}'));
  IF v_found AND EXISTS (SELECT FROM app.organizations AS o WHERE o.custom_domain = p_domain AND o.id <> p_organization_id) THEN
    v_found := false;
    v_why := 'taken: another organization verified this domain first';
  ELSIF NOT v_found THEN
    v_why := left(CASE
      WHEN p_error IN ('ENOTFOUND', 'ENODATA', 'NXDOMAIN') THEN
        format('no TXT record at %s (%s)', app_private.domain_verification_record(p_domain), p_error)
      WHEN p_error IS NOT NULL THEN format('DNS lookup of %s failed: %s', app_private.domain_verification_record(p_domain), p_error)
      WHEN coalesce(cardinality(p_values), 0) = 0 THEN format('no TXT record at %s', app_private.domain_verification_record(p_domain))
      ELSE format('the TXT record at %s holds %s, not the token', app_private.domain_verification_record(p_domain),
                  array_to_string(p_values[1:3], ', '))
    END, 500);
  END IF;
  UPDATE app.tenant_branding AS b
     SET domain_status = CASE WHEN v_found OR b.domain_status = 'verified' THEN 'verified' ELSE 'failed' END,
         domain_verified_at = CASE WHEN v_found AND b.domain_status <> 'verified' THEN pg_catalog.now() ELSE b.domain_verified_at END,
         domain_checked_at = pg_catalog.now(),
         domain_check_error = v_why
   WHERE b.organization_id = v_branding.organization_id AND b.id = v_branding.id;
  RETURN CASE WHEN v_found THEN 'verified' ELSE 'failed: ' || v_why END;
END
$$;
COMMENT ON FUNCTION app_private.record_domain_check(uuid, text, text[], text) IS
  'The domain_verify task''s report: the TXT values at _pulse-verification.<domain> (or the DNS error code). Verified when one is the tenant''s token and no other tenant verified the domain; else failed (a verified domain stays verified) with domain_check_error saying why; domain_checked_at stamped. A report about a domain the tenant no longer has is ignored (''stale''). Returns the outcome.';

-- The periodic check: every domain not yet verified, not checked in the
-- last 10 minutes, is looked up again (job check-custom-domains).
CREATE OR REPLACE FUNCTION app_private.enqueue_domain_checks() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid;
  v_count integer := 0;
BEGIN
  FOR v_organization_id IN
    SELECT b.organization_id FROM app.tenant_branding AS b
      JOIN app.organizations AS o ON o.id = b.organization_id AND o.is_active AND o.deleted_at IS NULL
     WHERE b.domain_status IN ('pending', 'failed')
       AND (b.domain_checked_at IS NULL OR b.domain_checked_at < pg_catalog.now() - interval '10 minutes')
  LOOP
    PERFORM app_private.enqueue_domain_check(v_organization_id);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.enqueue_domain_checks() IS
  'Scheduled job check-custom-domains: enqueues a domain_verify job for every active tenant whose custom domain is pending or failed and was not checked in the last 10 minutes. Returns how many.';
