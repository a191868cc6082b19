-- Roles and their assignment. The rules against escalation live here:
-- nobody grants themselves anything, nobody hands out a permission they do
-- not hold, only an admin makes admins, and a tenant always keeps one admin.

CREATE OR REPLACE FUNCTION app_private.caller_holds_all(p_permissions text[]) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.is_platform_operator()
      OR NOT EXISTS (SELECT FROM unnest(p_permissions) AS p (code) WHERE NOT auth.has_permission(p.code))
$$;

COMMENT ON FUNCTION app_private.caller_holds_all(text[]) IS 'True when the caller holds every one of the permissions tenant-wide (or is a platform operator).';

CREATE OR REPLACE FUNCTION app_private.caller_is_admin() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.is_platform_operator() OR EXISTS (
    SELECT FROM app.role_assignments AS ra
      JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id AND r.key = 'admin'
      JOIN app.memberships AS m ON m.organization_id = ra.organization_id AND m.id = ra.membership_id
     WHERE ra.organization_id = auth.org_id() AND ra.site_id IS NULL
       AND m.user_id = auth.user_id() AND m.status = 'active')
$$;

COMMENT ON FUNCTION app_private.caller_is_admin() IS 'True for a tenant-wide admin of the active tenant (or a platform operator).';

CREATE OR REPLACE FUNCTION app_private.check_grantable(p_permissions text[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_unknown text[] := ARRAY(SELECT p FROM unnest(p_permissions) AS p
                             WHERE NOT EXISTS (SELECT FROM app.permissions WHERE code = p));
BEGIN
  IF v_unknown <> '{}' THEN
    RAISE EXCEPTION 'unknown permission(s): %', app_private.message_list(v_unknown)
      USING ERRCODE = 'PT422', DETAIL = 'permission.unknown', HINT = 'GET /permissions lists the catalog.';
  END IF;
  IF NOT app_private.caller_holds_all(p_permissions) THEN
    RAISE EXCEPTION 'you cannot hand out permissions you do not hold yourself' USING ERRCODE = 'PT403',
      DETAIL = 'role.permission_not_held', HINT = 'Ask someone who holds them (an admin).';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_grantable(text[]) IS 'Refuses unknown permissions (PT422, permission.unknown) and ones the caller does not hold (PT403, role.permission_not_held).';

CREATE OR REPLACE FUNCTION app_private.permissions_of(p_role app.roles) RETURNS text[]
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(pg_catalog.array_agg(rp.permission ORDER BY rp.permission), '{}')
    FROM app.role_permissions AS rp
   WHERE rp.organization_id = p_role.organization_id AND rp.role_id = p_role.id
$$;

COMMENT ON FUNCTION app_private.permissions_of(app.roles) IS 'The permissions a role bundles.';

CREATE OR REPLACE FUNCTION app_private.find_role(p_organization_id uuid, p_role_key text) RETURNS app.roles
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_role app.roles;
BEGIN
  SELECT * INTO v_role FROM app.roles WHERE organization_id = p_organization_id AND key = p_role_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'role % does not exist in this organization', p_role_key USING ERRCODE = 'PT404',
      DETAIL = 'role.not_found', HINT = 'GET /roles lists the roles of your organization.';
  END IF;
  RETURN v_role;
END
$$;

COMMENT ON FUNCTION app_private.find_role(uuid, text) IS 'The tenant''s role with that key, or PT404 (reason role.not_found).';

CREATE OR REPLACE FUNCTION app_private.check_role_assignable(p_role app.roles) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  -- Granting a role and taking it away need the same right.
  IF p_role.key = 'admin' AND NOT app_private.caller_is_admin() THEN
    RAISE EXCEPTION 'only an admin grants or revokes the admin role' USING ERRCODE = 'PT403', DETAIL = 'role.admin_only',
      HINT = 'Ask an admin of your organization.';
  END IF;
  IF NOT app_private.caller_holds_all(app_private.permissions_of(p_role)) THEN
    RAISE EXCEPTION 'role % carries permissions you do not hold yourself', p_role.key
      USING ERRCODE = 'PT403', DETAIL = 'role.permission_not_held', HINT = 'Ask someone who holds them (an admin).';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_role_assignable(app.roles) IS
  'The escalation check of app.grant_role, app.revoke_role, app.add_member and of changes to a membership: only an admin grants or revokes admin (PT403 role.admin_only), and nobody grants or revokes a role bundling permissions they do not hold (PT403 role.permission_not_held).';

CREATE OR REPLACE FUNCTION app.create_role(key text, name text, permissions text[], description text DEFAULT '')
RETURNS app.roles
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_role app.roles;
BEGIN
  PERFORM app_private.require_permission('role.manage');
  PERFORM app_private.check_grantable(create_role.permissions);
  INSERT INTO app.roles (organization_id, key, name, description)
  VALUES (auth.org_id(), create_role.key, create_role.name, coalesce(create_role.description, ''))
  RETURNING * INTO v_role;
  INSERT INTO app.role_permissions (organization_id, role_id, permission)
  SELECT v_role.organization_id, v_role.id, p FROM unnest(create_role.permissions) AS p
  ON CONFLICT DO NOTHING;
  RETURN v_role;
EXCEPTION WHEN unique_violation THEN
  RAISE EXCEPTION 'role % already exists', create_role.key USING ERRCODE = 'PT409', DETAIL = 'role.key_taken',
    HINT = 'Pick another key, or change that role with app.set_role_permissions.';
END
$$;

COMMENT ON FUNCTION app.create_role(text, text, text[], text) IS
  'Creates a tenant role bundling permissions the caller holds. Needs role.manage. Errors: PT403 permission.missing / role.permission_not_held, PT409 role.key_taken, PT422 permission.unknown, 23514 bad key.';

CREATE OR REPLACE FUNCTION app.set_role_permissions(role_key text, permissions text[]) RETURNS app.roles
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_role app.roles;
BEGIN
  PERFORM app_private.require_permission('role.manage');
  v_role := app_private.find_role(auth.org_id(), set_role_permissions.role_key);
  IF v_role.is_system THEN
    RAISE EXCEPTION 'system role % follows the platform catalog', v_role.key
      USING ERRCODE = 'PT409', DETAIL = 'role.system', HINT = 'Create a role of your own with app.create_role.';
  END IF;
  -- Both what is added and what is taken away must be within the caller's own permissions.
  PERFORM app_private.check_grantable(ARRAY(
    SELECT p FROM unnest(set_role_permissions.permissions || app_private.permissions_of(v_role)) AS p));
  DELETE FROM app.role_permissions AS rp
   WHERE rp.organization_id = v_role.organization_id AND rp.role_id = v_role.id
     AND rp.permission <> ALL (set_role_permissions.permissions);
  INSERT INTO app.role_permissions (organization_id, role_id, permission)
  SELECT v_role.organization_id, v_role.id, p FROM unnest(set_role_permissions.permissions) AS p
  ON CONFLICT DO NOTHING;
  UPDATE app.roles SET updated_at = pg_catalog.now() WHERE organization_id = v_role.organization_id AND id = v_role.id
  RETURNING * INTO v_role;
  RETURN v_role;
END
$$;

COMMENT ON FUNCTION app.set_role_permissions(text, text[]) IS
  'Replaces the permissions of a tenant-made role. Needs role.manage and every permission added or removed. Errors: PT403 permission.missing / role.permission_not_held, PT404 role.not_found, PT409 role.system, PT422 permission.unknown.';

CREATE OR REPLACE FUNCTION app.delete_role(role_key text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_role app.roles;
BEGIN
  PERFORM app_private.require_permission('role.manage');
  v_role := app_private.find_role(auth.org_id(), delete_role.role_key);
  IF v_role.is_system THEN
    RAISE EXCEPTION 'system role % cannot be deleted', v_role.key USING ERRCODE = 'PT409', DETAIL = 'role.system',
      HINT = 'System roles follow the platform catalog; revoke it from members instead.';
  END IF;
  PERFORM app_private.check_grantable(app_private.permissions_of(v_role));
  DELETE FROM app.roles WHERE organization_id = v_role.organization_id AND id = v_role.id;
  RETURN true;
END
$$;

COMMENT ON FUNCTION app.delete_role(text) IS
  'Deletes a tenant-made role and its assignments. Needs role.manage and the role''s permissions. Errors: PT403 permission.missing / role.permission_not_held, PT404 role.not_found, PT409 role.system.';

CREATE OR REPLACE FUNCTION app.grant_role(membership_id uuid, role_key text, site_id uuid DEFAULT NULL)
RETURNS app.role_assignments
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.org_id();
  v_membership app.memberships;
  v_role app.roles;
  v_assignment app.role_assignments;
BEGIN
  PERFORM app_private.require_permission('role.assign');
  SELECT m.* INTO v_membership FROM app.memberships AS m
   WHERE m.organization_id = v_organization_id AND m.id = grant_role.membership_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'membership % does not exist in this organization', grant_role.membership_id USING ERRCODE = 'PT404',
      DETAIL = 'membership.not_found', HINT = 'GET /memberships lists the members of your organization.';
  END IF;
  IF v_membership.status <> 'active' THEN
    RAISE EXCEPTION 'membership % is %', v_membership.id, v_membership.status
      USING ERRCODE = 'PT409', DETAIL = 'role.member_not_active', HINT = 'Roles go to active members only.';
  END IF;
  IF v_membership.user_id = auth.user_id() AND NOT auth.is_platform_operator() THEN
    RAISE EXCEPTION 'you cannot grant roles to yourself' USING ERRCODE = 'PT403', DETAIL = 'role.self_grant',
      HINT = 'Ask another member who may assign roles.';
  END IF;
  v_role := app_private.find_role(v_organization_id, grant_role.role_key);
  PERFORM app_private.check_role_assignable(v_role);

  INSERT INTO app.role_assignments (organization_id, membership_id, role_id, site_id, granted_by)
  VALUES (v_organization_id, v_membership.id, v_role.id, grant_role.site_id, auth.user_id())
  ON CONFLICT ON CONSTRAINT role_assignments_unique DO NOTHING
  RETURNING * INTO v_assignment;
  IF v_assignment IS NULL THEN
    SELECT ra.* INTO v_assignment FROM app.role_assignments AS ra
     WHERE ra.organization_id = v_organization_id AND ra.membership_id = v_membership.id
       AND ra.role_id = v_role.id AND ra.site_id IS NOT DISTINCT FROM grant_role.site_id;
  END IF;
  RETURN v_assignment;
EXCEPTION WHEN foreign_key_violation THEN
  RAISE EXCEPTION 'site % does not exist in this organization', grant_role.site_id USING ERRCODE = 'PT404',
    DETAIL = 'site.not_found';
END
$$;

COMMENT ON FUNCTION app.grant_role(uuid, text, uuid) IS
  'Grants a role to a member, for the whole tenant or at site_id. Needs role.assign and every permission of the role; nobody grants to themselves and only an admin grants admin. Granting twice returns the existing assignment. Errors: PT403 permission.missing / role.self_grant / role.admin_only / role.permission_not_held, PT404 membership.not_found / role.not_found / site.not_found, PT409 role.member_not_active.';

CREATE OR REPLACE FUNCTION app.revoke_role(membership_id uuid, role_key text, site_id uuid DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.org_id();
  v_role app.roles;
BEGIN
  PERFORM app_private.require_permission('role.assign');
  v_role := app_private.find_role(v_organization_id, revoke_role.role_key);
  PERFORM app_private.check_role_assignable(v_role);
  DELETE FROM app.role_assignments AS ra
   WHERE ra.organization_id = v_organization_id AND ra.membership_id = revoke_role.membership_id
     AND ra.role_id = v_role.id AND ra.site_id IS NOT DISTINCT FROM revoke_role.site_id;
  RETURN FOUND;
END
$$;

COMMENT ON FUNCTION app.revoke_role(uuid, text, uuid) IS
  'Takes a role (at site_id, or tenant-wide) away from a member. Needs the same right as granting it: role.assign and every permission of the role (PT403 permission.missing / role.permission_not_held); admin only by an admin (PT403 role.admin_only); the last admin of a tenant cannot be removed (PT409 role.last_admin). False when there was nothing to revoke.';

CREATE OR REPLACE FUNCTION app_private.lock_organization(p_organization_id uuid) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  -- Two admins removing each other at once: the second waits for the first,
  -- then counts what the first left behind.
  SELECT FROM app.organizations WHERE id = p_organization_id FOR UPDATE;
$$;

COMMENT ON FUNCTION app_private.lock_organization(uuid) IS 'Serializes changes that must see each other, such as removing admins.';

CREATE OR REPLACE FUNCTION app_private.require_an_admin(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF EXISTS (SELECT FROM app.organizations WHERE id = p_organization_id)
     AND NOT EXISTS (
       SELECT FROM app.role_assignments AS ra
         JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id AND r.key = 'admin'
         JOIN app.memberships AS m ON m.organization_id = ra.organization_id AND m.id = ra.membership_id
        WHERE ra.organization_id = p_organization_id AND ra.site_id IS NULL AND m.status = 'active') THEN
    RAISE EXCEPTION 'the last admin of the organization cannot be removed'
      USING ERRCODE = 'PT409', DETAIL = 'role.last_admin', HINT = 'Make someone else admin first.';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.require_an_admin(uuid) IS
  'Raises PT409 (reason role.last_admin) when a tenant (still existing) has no active, tenant-wide admin left.';

CREATE OR REPLACE FUNCTION app_private.tg_role_assignments__keep_an_admin() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF OLD.site_id IS NULL AND EXISTS (
       SELECT FROM app.roles WHERE organization_id = OLD.organization_id AND id = OLD.role_id AND key = 'admin') THEN
    PERFORM app_private.lock_organization(OLD.organization_id);
    PERFORM app_private.require_an_admin(OLD.organization_id);
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_role_assignments__keep_an_admin() IS
  'AFTER DELETE OR UPDATE: removing a tenant-wide admin assignment must leave the tenant an admin. It also guards memberships: one that stops being active loses its roles (_500_drop_roles), a deleted one takes them along.';

CREATE OR REPLACE FUNCTION app_private.tg_memberships__guard() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_role app.roles;
BEGIN
  -- Only the invitee makes a membership active: by accepting, which uses up
  -- the invitation in this very transaction, or signed in as themselves.
  IF TG_OP = 'UPDATE' AND NEW.status = 'active' AND OLD.status <> 'active'
     AND coalesce(auth.claims() ->> 'role', 'anon') IN ('app_user', 'app_admin')
     AND NEW.user_id IS DISTINCT FROM auth.user_id()
     AND NOT EXISTS (SELECT FROM app_private.invitations AS i
                      WHERE i.organization_id = NEW.organization_id AND i.membership_id = NEW.id
                        AND i.accepted_at = pg_catalog.now()) THEN
    RAISE EXCEPTION 'only the invitee makes a membership active, by accepting the invitation' USING ERRCODE = 'PT403',
      DETAIL = 'membership.activation_needs_invitee',
      HINT = 'Invite them (again) with app.add_member; they accept with the token they receive.';
  END IF;
  -- Revoking, rebinding or removing a membership takes its roles away: the
  -- same rules as app.revoke_role apply to whoever does it.
  IF coalesce(auth.claims() ->> 'role', 'anon') = 'app_user' THEN
    FOR v_role IN SELECT r.* FROM app.role_assignments AS ra
                    JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
                   WHERE ra.organization_id = OLD.organization_id AND ra.membership_id = OLD.id
                   ORDER BY r.key = 'admin' DESC, r.key LOOP
      PERFORM app_private.check_role_assignable(v_role);
    END LOOP;
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

COMMENT ON FUNCTION app_private.tg_memberships__guard() IS
  'BEFORE UPDATE OF status, partner_id OR DELETE: only the invitee activates a membership (membership.activation_needs_invitee); a member may change another''s membership only if they could revoke each of that member''s roles (app_private.check_role_assignable: role.admin_only, role.permission_not_held).';

CREATE OR REPLACE FUNCTION app_private.tg_memberships__drop_roles() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  DELETE FROM app.role_assignments WHERE organization_id = NEW.organization_id AND membership_id = NEW.id;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_memberships__drop_roles() IS
  'AFTER UPDATE OF status: a membership that stops being active loses its roles, so reinstating it grants nothing by itself.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.roles
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE TRIGGER _900_keep_an_admin AFTER DELETE OR UPDATE ON app.role_assignments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_role_assignments__keep_an_admin();
CREATE OR REPLACE TRIGGER _200_guard BEFORE UPDATE OF status, partner_id OR DELETE ON app.memberships
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_memberships__guard();
CREATE OR REPLACE TRIGGER _500_drop_roles AFTER UPDATE OF status ON app.memberships
  FOR EACH ROW WHEN (OLD.status = 'active' AND NEW.status <> 'active')
  EXECUTE FUNCTION app_private.tg_memberships__drop_roles();

-- Step 1 of provisioning a tenant (app_private.provision_organization,
-- 20_tenancy/10_organizations.sql), and re-run for every tenant by the
-- reference seed db/seeds/reference/10_rbac.sql.
CREATE OR REPLACE FUNCTION app_private.sync_system_roles(p_organization_id uuid) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  INSERT INTO app.roles (organization_id, key, name, description, is_system)
  SELECT p_organization_id, sr.key, sr.name, sr.description, true
    FROM app_private.system_roles AS sr
  ON CONFLICT (organization_id, key) DO UPDATE
    SET name = excluded.name, description = excluded.description, is_system = true
    WHERE app.roles.is_system;

  INSERT INTO app.role_permissions (organization_id, role_id, permission)
  SELECT p_organization_id, r.id, srp.permission
    FROM app_private.system_role_permissions AS srp
    JOIN app.roles AS r ON r.organization_id = p_organization_id AND r.key = srp.role_key AND r.is_system
  ON CONFLICT DO NOTHING;

  DELETE FROM app.role_permissions AS rp
   USING app.roles AS r
   WHERE rp.organization_id = p_organization_id AND r.organization_id = rp.organization_id AND r.id = rp.role_id
     AND r.is_system
     AND NOT EXISTS (SELECT FROM app_private.system_role_permissions AS srp
                      WHERE srp.role_key = r.key AND srp.permission = rp.permission);
$$;

COMMENT ON FUNCTION app_private.sync_system_roles(uuid) IS
  'Brings a tenant''s system roles in line with the platform catalog (app_private.system_roles); tenant-made roles are left alone.';

-- An insert refused for lack of a permission says which one, before any
-- BEFORE ROW trigger looks at the rows (their checks run before row-level
-- security, and would otherwise answer first, about data the caller may not
-- write). Once per statement; each table's INSERT policy requires the same
-- permission through auth.check_permission.
CREATE OR REPLACE FUNCTION app_private.tg_require_insert_permission() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- The owner's own paths (SECURITY DEFINER functions, migrations, seeds)
  -- and platform operators are governed by their own policies. This runs as
  -- the API role, which may not reach app_private: hence the policies' own
  -- check, auth.check_permission (the refusal app_private.require_permission raises).
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID), 'USAGE')
     AND NOT auth.is_platform_operator() THEN
    PERFORM auth.check_permission(TG_ARGV[0]);
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_require_insert_permission() IS
  'BEFORE INSERT FOR EACH STATEMENT: raises PT403 (reason permission.missing) naming the permission (trigger argument) an API caller lacks to insert into the table.';

-- The same for tables that hang off entities (comments, attachments, tags
-- on entities), where a permission held at the entity's site counts: the
-- statement needs the permission somewhere (tenant-wide or at some site);
-- each row's policy then asks for it at that row's entity
-- (auth.check_entity_permission).
CREATE OR REPLACE FUNCTION app_private.tg_require_insert_permission_somewhere() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID), 'USAGE')
     AND NOT auth.is_platform_operator()
     AND NOT auth.has_permission(TG_ARGV[0])
     AND pg_catalog.cardinality(auth.permitted_site_ids(TG_ARGV[0])) = 0 THEN
    PERFORM auth.check_permission(TG_ARGV[0]);
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_require_insert_permission_somewhere() IS
  'BEFORE INSERT FOR EACH STATEMENT on tables that hang off entities: raises PT403 (reason permission.missing) naming the permission (trigger argument) an API caller holds neither tenant-wide nor at any site; the rows'' policies then ask for it at each entity''s site.';

CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.approval_chains
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.approval_policies
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.capa_actions
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('capa.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.capa_links
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('capa.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.capas
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('capa.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.contacts
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('partner.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.i18n_strings
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('organization.update');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.attachments
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_somewhere('attachment.upload');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.comments
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_somewhere('comment.write');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.contacts
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('partner.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.entity_tags
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_somewhere('tag.apply');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.messages
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('project.read');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.partners
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('partner.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.projects
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('project.create');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.rules
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('rule.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.sites
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('site.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.tenant_feature_flags
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('organization.manage_features');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.tags
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('tag.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.workflow_definition_stages
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.workflow_definition_sub_stages
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.workflow_definitions
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.workflow_exit_criteria
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.webhook_endpoints
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('webhook.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.workflow_stages
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.workflow_sub_stages
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
-- The lab (70_lab). Samples, analyses and service requests are site-scoped (_000_require_site_permission in 70_lab/10_core.sql).
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.lab_tests
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('lab.configure');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.specification_limits
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('lab.configure');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.specifications
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('lab.configure');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.sample_types
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('lab.configure');
-- The lab's notebook: templates are configuration; entries, their versions and links are site-scoped
-- (_000_require_site_permission in 70_lab/40_eln.sql); signatures only through app.sign_eln_entry.
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.eln_templates
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('lab.configure');
-- Instrument scheduling: blocks and reservations are site-scoped (70_lab/80_scheduling.sql).
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.equipment_class_qualifications
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('equipment.manage');
-- SOP templates (70_lab/52_sop_tasks.sql); SOP tasks are site-scoped (_000_require_site_permission there).
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.sop_templates
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('sop.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.sop_steps
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('sop.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.sop_step_dependencies
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('sop.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.reagent_items
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('reagent.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.reagent_lots
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('reagent.manage');
-- Manufacturing: the parts master and the tenant's lot and serial number patterns.
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.parts
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('part.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.part_revisions
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('part.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.trace_number_patterns
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('traceability.manage');
-- The approved supplier list (80_quality/20_suppliers.sql).
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.approved_suppliers
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('supplier.manage');
-- The operations registers. Equipment, calibrations, equipment uses and downtime events are site-scoped: their
-- _000_require_site_permission (app_private.tg_require_insert_permission_at_a_site, 50_platform/80_equipment.sql) accepts
-- the permission at some site, and their _200_prepare checks it at the row's site.
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.downtime_reasons
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('equipment.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.equipment_classes
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('equipment.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.person_qualifications
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('competence.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.qualifications
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('competence.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.training_records
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('competence.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.training_requirements
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('competence.manage');
