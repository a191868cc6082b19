-- The guard every BEFORE trigger on a tenant table calls first when it reads
-- other data: a row an API caller sends for another tenant is refused before
-- the trigger looks anything up (row-level security would refuse it only
-- after the BEFORE triggers ran, and their answers or locks would tell the
-- caller about the other tenant). db/tests/10_core/test_catalog.sql checks the call.

CREATE OR REPLACE FUNCTION app_private.refuse_foreign_tenant(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  -- No claims: the owner's own path (migrations, seeds, jobs), which may
  -- write any tenant. Platform operators read every tenant anyway.
  IF auth.claims() <> '{}' AND p_organization_id IS DISTINCT FROM auth.org_id() AND NOT auth.is_platform_operator() THEN
    RAISE EXCEPTION 'new row violates row-level security policy: it belongs to another organization' USING ERRCODE = '42501',
      DETAIL = 'tenant.foreign_row', HINT = 'Send rows of your active organization (organization_id may be left out).';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.refuse_foreign_tenant(uuid) IS
  'Raises 42501 (HTTP 403, reason tenant.foreign_row) when an API caller''s row names another tenant than the active one; the same answer whatever that tenant holds. Called first by every BEFORE trigger on a tenant table that reads data.';

CREATE OR REPLACE FUNCTION app_private.tenant_is_leaving(p_organization_id uuid) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- A fact in the data, not a session setting: the purge of a tenant
  -- (app.purge_organization) runs only once it is soft-deleted, and its
  -- members can no longer sign in to it.
  SELECT NOT EXISTS (SELECT FROM app.organizations AS o WHERE o.id = p_organization_id AND o.deleted_at IS NULL)
$$;

COMMENT ON FUNCTION app_private.tenant_is_leaving(uuid) IS
  'True when the tenant is soft-deleted or already gone: its append-only rows may then leave with it (the purge).';
