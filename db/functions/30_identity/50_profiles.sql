-- Profiles: direct managers are colleagues in a shared tenant, and a
-- manager who leaves every shared tenant is dropped.

CREATE OR REPLACE FUNCTION app.set_direct_manager(user_id uuid, manager_id uuid) RETURNS app.users
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user app.users;
  v_members_named integer;
BEGIN
  PERFORM app_private.require_permission('membership.manage');
  SELECT count(*) INTO v_members_named FROM app.memberships AS m
   WHERE m.organization_id = auth.org_id() AND m.status = 'active'
     AND m.user_id IN (set_direct_manager.user_id, set_direct_manager.manager_id);
  IF v_members_named < 1 + (set_direct_manager.manager_id IS NOT NULL)::integer THEN
    RAISE EXCEPTION 'the user and the manager must both be active members of this organization' USING ERRCODE = 'PT404',
      DETAIL = 'user.not_member';
  END IF;
  -- The manager is a property of the (global) user: a tenant may set it only
  -- for people who belong to no other tenant.
  IF EXISTS (SELECT FROM app.memberships AS m
              WHERE m.user_id = set_direct_manager.user_id AND m.organization_id <> auth.org_id()
                AND m.status <> 'revoked') AND NOT auth.is_platform_operator() THEN
    RAISE EXCEPTION 'the user also belongs to another organization' USING ERRCODE = 'PT409',
      DETAIL = 'user.in_other_tenant', HINT = 'Ask a platform operator to set their manager.';
  END IF;
  UPDATE app.users AS u SET direct_manager_id = set_direct_manager.manager_id
   WHERE u.id = set_direct_manager.user_id
  RETURNING * INTO v_user;
  RETURN v_user;
END
$$;

COMMENT ON FUNCTION app.set_direct_manager(uuid, uuid) IS
  'Sets (or clears, with manager_id null) the direct manager of a member; both must be active members of the caller''s tenant, and the member may belong to no other tenant. Needs membership.manage. Errors: PT403 permission.missing, PT404 user.not_member, PT409 user.in_other_tenant / user.manager_not_colleague, 23514 own manager.';

CREATE OR REPLACE FUNCTION app.current_user_profile() RETURNS app.users
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT u.* FROM app.users AS u WHERE u.id = auth.user_id()
$$;

COMMENT ON FUNCTION app.current_user_profile() IS
  'The signed-in user''s own row: GET /rpc/current_user_profile.';

-- Profiles: what colleagues see of each other. Colleagues select only the
-- public columns of app.users (policies/30_identity.sql); a user reads their
-- own preferences and last sign-in through app.current_user_profile(). A direct
-- manager is always a colleague in every tenant where the user is active,
-- so the manager id a colleague reads names someone they can see.

-- The managers that are no colleague of their report in some tenant where
-- the report is active: for one user, as report or as manager.
CREATE OR REPLACE FUNCTION app_private.drop_foreign_managers(p_user_id uuid) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  UPDATE app.users AS u SET direct_manager_id = NULL
   WHERE (u.id = p_user_id OR u.direct_manager_id = p_user_id)
     AND u.direct_manager_id IS NOT NULL
     AND EXISTS (SELECT FROM app.memberships AS m
                  WHERE m.user_id = u.id AND m.status = 'active'
                    AND NOT EXISTS (SELECT FROM app.memberships AS k
                                     WHERE k.organization_id = m.organization_id AND k.user_id = u.direct_manager_id
                                       AND k.status = 'active'));
$$;

COMMENT ON FUNCTION app_private.drop_foreign_managers(uuid) IS
  'Clears the direct manager of the user, and of the user''s reports, where the manager is not an active member of every tenant the report is active in.';

CREATE OR REPLACE FUNCTION app_private.tg_memberships__drop_foreign_managers() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.drop_foreign_managers(CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_memberships__drop_foreign_managers() IS
  'AFTER INSERT, UPDATE OF status or DELETE on memberships: someone joining another tenant, or leaving one, keeps no manager their colleagues there cannot see.';

CREATE OR REPLACE TRIGGER _600_drop_foreign_managers AFTER INSERT OR UPDATE OF status OR DELETE ON app.memberships
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_memberships__drop_foreign_managers();

CREATE OR REPLACE FUNCTION app_private.tg_users__manager_is_colleague() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF NEW.direct_manager_id IS NOT NULL AND EXISTS (
       SELECT FROM app.memberships AS m
        WHERE m.user_id = NEW.id AND m.status = 'active'
          AND NOT EXISTS (SELECT FROM app.memberships AS k
                           WHERE k.organization_id = m.organization_id AND k.user_id = NEW.direct_manager_id
                             AND k.status = 'active')) THEN
    RAISE EXCEPTION 'the manager must be an active member of every organization the user is active in'
      USING ERRCODE = 'PT409', DETAIL = 'user.manager_not_colleague',
            HINT = 'Pick a manager who belongs to each of the user''s organizations, or none.';
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_users__manager_is_colleague() IS
  'BEFORE INSERT or UPDATE OF direct_manager_id on users: the manager is an active member of every tenant where the user is active, so no colleague reads the id of someone they cannot see.';

CREATE OR REPLACE TRIGGER _200_manager_is_colleague BEFORE INSERT OR UPDATE OF direct_manager_id ON app.users
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__manager_is_colleague();
