ALTER TABLE app.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.organizations FORCE ROW LEVEL SECURITY;

-- Members read their own tenant and, with organization.update, change its
-- name, settings and branding; platform operators manage every tenant.
-- Deleting is a soft delete through app.delete_organization.
GRANT SELECT ON app.organizations TO app_user, app_admin;
GRANT UPDATE (name, settings, branding) ON app.organizations TO app_user;
GRANT INSERT (slug, name, is_active, settings, branding), UPDATE (slug, name, is_active, settings, branding)
  ON app.organizations TO app_admin;

CREATE POLICY organizations_select_member ON app.organizations FOR SELECT TO app_user
  USING (id = (SELECT auth.org_id()) AND deleted_at IS NULL);
CREATE POLICY organizations_update_member ON app.organizations FOR UPDATE TO app_user
  USING (id = (SELECT auth.org_id()) AND deleted_at IS NULL AND (SELECT auth.has_permission('organization.update')));
CREATE POLICY organizations_all_operator ON app.organizations FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.delete_organization(uuid), app.restore_organization(uuid),
  app.purge_organization(uuid, boolean) TO app_admin;

ALTER TABLE app.sites ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sites FORCE ROW LEVEL SECURITY;

GRANT SELECT ON app.sites TO app_user, app_admin;
GRANT INSERT (code, name, timezone, address, is_active), UPDATE (code, name, timezone, address, is_active), DELETE
  ON app.sites TO app_user;
GRANT INSERT (organization_id, id), UPDATE (organization_id, id) ON app.sites TO app_user;
GRANT INSERT, UPDATE, DELETE ON app.sites TO app_admin;

CREATE POLICY sites_select_member ON app.sites FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()));
CREATE POLICY sites_insert_manager ON app.sites FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('site.manage')));
CREATE POLICY sites_update_manager ON app.sites FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('site.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY sites_delete_manager ON app.sites FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('site.manage')));
CREATE POLICY sites_all_operator ON app.sites FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- Partners and contacts: partner.read to read, partner.manage to change.
-- A portal user (membership bound to a partner) reads only that partner.

ALTER TABLE app.partners ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.partners FORCE ROW LEVEL SECURITY;
ALTER TABLE app.contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.contacts FORCE ROW LEVEL SECURITY;

GRANT SELECT, DELETE ON app.partners, app.contacts TO app_user;
GRANT INSERT (organization_id, kind, name, code, website, notes, is_active),
      UPDATE (kind, name, code, website, notes, is_active) ON app.partners TO app_user;
GRANT INSERT (organization_id, partner_id, contact_type, full_name, job_title, email, phone, is_primary),
      UPDATE (contact_type, full_name, job_title, email, phone, is_primary) ON app.contacts TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.partners TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, partner_id) ON app.contacts TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.partners, app.contacts TO app_admin;

CREATE POLICY partners_select_reader ON app.partners FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (SELECT auth.has_permission('partner.read'))
         AND ((SELECT auth.partner_id()) IS NULL OR id = (SELECT auth.partner_id())));
CREATE POLICY partners_insert_manager ON app.partners FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('partner.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY partners_update_manager ON app.partners FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('partner.manage'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY partners_delete_manager ON app.partners FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('partner.manage'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY partners_all_operator ON app.partners FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

CREATE POLICY contacts_select_reader ON app.contacts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (SELECT auth.has_permission('partner.read'))
         AND ((SELECT auth.partner_id()) IS NULL OR partner_id = (SELECT auth.partner_id())));
CREATE POLICY contacts_insert_manager ON app.contacts FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('partner.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY contacts_update_manager ON app.contacts FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('partner.manage'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY contacts_delete_manager ON app.contacts FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('partner.manage'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY contacts_all_operator ON app.contacts FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
