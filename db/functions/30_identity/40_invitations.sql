-- Memberships by invitation: an admin invites an email with roles; the
-- invitee accepts with the emailed token (or, signed in, accept_membership).

CREATE OR REPLACE FUNCTION app_private.send_invitation(p_membership app.memberships, p_role_keys text[], p_site_id uuid)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_token text := pg_catalog.encode(public.gen_random_bytes(32), 'hex');
  v_expires_at timestamptz := pg_catalog.now() + interval '7 days';
  v_outbox_id uuid;
BEGIN
  -- A new invitation replaces the one still open: only the latest token works.
  DELETE FROM app_private.invitations AS i
   WHERE i.organization_id = p_membership.organization_id AND i.membership_id = p_membership.id AND i.accepted_at IS NULL;
  INSERT INTO app_private.invitations (organization_id, membership_id, token_hash, role_keys, site_id, invited_by, expires_at)
  VALUES (p_membership.organization_id, p_membership.id, public.digest(v_token, 'sha256'), coalesce(p_role_keys, '{}'),
          p_site_id, auth.user_id(), v_expires_at);
  -- Only the outbox (the invitee's mail) ever holds the token itself.
  INSERT INTO app_private.outbox (recipient, subject, body, payload)
  SELECT u.email, format('You are invited to %s on Pulse', o.name),
         format(E'You are invited to join %s on Pulse.\n\n'
                'To accept, call accept_invitation (POST /rpc/accept_invitation) with this token, and choose a password if you have none yet:\n\n'
                '    %s\n\n'
                'The token works once, until %s UTC. If you did not expect this, ignore it.',
                o.name, v_token, pg_catalog.to_char(v_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')),
         pg_catalog.jsonb_build_object('type', 'invitation', 'token', v_token, 'organization_id', o.id,
                                       'organization_name', o.name, 'expires_at', v_expires_at)
    FROM app.users AS u, app.organizations AS o
   WHERE u.id = p_membership.user_id AND o.id = p_membership.organization_id
  RETURNING id INTO v_outbox_id;
  -- With an SMTP server configured, the worker sends it (50_platform/23_email_digest.sql).
  PERFORM app_private.queue_invitation_email(p_membership.organization_id, p_membership.user_id, v_outbox_id);
END
$$;

COMMENT ON FUNCTION app_private.send_invitation(app.memberships, text[], uuid) IS
  'Opens an invitation to an invited membership: a random single-use token valid 7 days, kept only as its sha256, and sent in an outbox message to the invitee; with an SMTP server configured, also queued as an e-mail the worker sends (app_private.queue_invitation_email).';

CREATE OR REPLACE FUNCTION app_private.activate_membership(p_membership app.memberships) RETURNS app.memberships
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_invitation app_private.invitations;
  v_role_key text;
  v_membership app.memberships;
BEGIN
  -- The open invitation is used up; its roles (checked against the inviter's
  -- rights when invited) are granted now.
  UPDATE app_private.invitations AS i SET accepted_at = pg_catalog.now()
   WHERE i.organization_id = p_membership.organization_id AND i.membership_id = p_membership.id
     AND i.accepted_at IS NULL AND i.expires_at > pg_catalog.now()
  RETURNING * INTO v_invitation;
  UPDATE app.users AS u SET status = 'active' WHERE u.id = p_membership.user_id AND u.status = 'invited';
  UPDATE app.memberships AS m SET status = 'active'
   WHERE m.organization_id = p_membership.organization_id AND m.id = p_membership.id
  RETURNING * INTO v_membership;
  FOREACH v_role_key IN ARRAY coalesce(v_invitation.role_keys, '{}') LOOP
    INSERT INTO app.role_assignments (organization_id, membership_id, role_id, site_id, granted_by)
    SELECT r.organization_id, v_membership.id, r.id, v_invitation.site_id, v_invitation.invited_by
      FROM app.roles AS r WHERE r.organization_id = v_membership.organization_id AND r.key = v_role_key
    ON CONFLICT ON CONSTRAINT role_assignments_unique DO NOTHING;
  END LOOP;
  RETURN v_membership;
END
$$;

COMMENT ON FUNCTION app_private.activate_membership(app.memberships) IS
  'The invitee accepts: the invitation is used up, the membership (and an invited user) becomes active, and the invited roles are granted.';

CREATE OR REPLACE FUNCTION app.add_member(
  email text,
  display_name text,
  role_keys text[] DEFAULT '{}',
  site_id uuid DEFAULT NULL,
  partner_id uuid DEFAULT NULL
) RETURNS app.memberships
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.org_id();
  v_user_id uuid;
  v_membership app.memberships;
  v_role app.roles;
  v_role_key text;
BEGIN
  PERFORM app_private.require_permission('membership.manage');
  IF v_organization_id IS NULL THEN
    RAISE EXCEPTION 'the token names no organization' USING ERRCODE = 'PT400', DETAIL = 'organization.not_chosen',
      HINT = 'Act in an organization: app.switch_organization.';
  END IF;
  -- The roles are checked now against the inviter's rights (as app.grant_role
  -- would) and granted when the invitee accepts.
  FOREACH v_role_key IN ARRAY coalesce(add_member.role_keys, '{}') LOOP
    PERFORM app_private.require_permission('role.assign');
    v_role := app_private.find_role(v_organization_id, v_role_key);
    PERFORM app_private.check_role_assignable(v_role);
  END LOOP;
  IF add_member.site_id IS NOT NULL
     AND NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = v_organization_id AND s.id = add_member.site_id) THEN
    RAISE EXCEPTION 'site % does not exist in this organization', add_member.site_id USING ERRCODE = 'PT404',
      DETAIL = 'site.not_found';
  END IF;
  IF add_member.partner_id IS NOT NULL
     AND NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = v_organization_id AND p.id = add_member.partner_id) THEN
    RAISE EXCEPTION 'partner % does not exist in this organization', add_member.partner_id USING ERRCODE = 'PT404',
      DETAIL = 'partner.not_found';
  END IF;

  -- Accounts are global and belong to their owner: a new email gets an
  -- account without a password, an existing one is left as it is. Both take
  -- the same path (the row's checks run either way), so the answer tells
  -- nothing about which emails have an account.
  INSERT INTO app.users (email, display_name, status)
  VALUES (add_member.email, add_member.display_name, 'invited')
  ON CONFLICT ON CONSTRAINT users_email_key DO NOTHING;
  SELECT u.id INTO v_user_id FROM app.users AS u WHERE u.email = add_member.email::public.citext;

  SELECT m.* INTO v_membership FROM app.memberships AS m
   WHERE m.organization_id = v_organization_id AND m.user_id = v_user_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO app.memberships (organization_id, user_id, partner_id, status)
    VALUES (v_organization_id, v_user_id, add_member.partner_id, 'invited')
    RETURNING * INTO v_membership;
  ELSIF v_membership.partner_id IS DISTINCT FROM add_member.partner_id AND add_member.partner_id IS NOT NULL
        AND v_membership.status <> 'revoked' THEN
    RAISE EXCEPTION '% is already a member bound to another partner', add_member.email USING ERRCODE = 'PT409',
      DETAIL = 'membership.other_partner', HINT = 'Revoke the membership first, then invite them for this partner.';
  ELSIF v_membership.status = 'revoked' THEN
    -- Coming back takes the person's consent again.
    UPDATE app.memberships AS m SET status = 'invited', partner_id = add_member.partner_id
     WHERE m.organization_id = v_organization_id AND m.id = v_membership.id
    RETURNING * INTO v_membership;
  ELSIF v_membership.status = 'active' THEN
    FOREACH v_role_key IN ARRAY coalesce(add_member.role_keys, '{}') LOOP
      PERFORM app.grant_role(v_membership.id, v_role_key, add_member.site_id);
    END LOOP;
    RETURN v_membership;
  END IF;
  PERFORM app_private.send_invitation(v_membership, add_member.role_keys, add_member.site_id);
  RETURN v_membership;
END
$$;

COMMENT ON FUNCTION app.add_member(text, text, text[], uuid, uuid) IS
  'Invites a person to the caller''s tenant; role_keys (at site_id when given) are granted when they accept; partner_id makes them a portal user of that partner. The membership is invited until the invitee accepts with the token sent to their email (app.accept_invitation) or, signed in, with app.accept_membership. Nobody here chooses or learns a password: a new email gets an account without one, and the answer is the same whether or not the email had an account. Inviting again sends a new token (the old one stops working); an active member just gets the roles. Needs membership.manage, and app.grant_role''s rules for each role. Errors: PT400 organization.not_chosen, PT403 permission.missing / role.admin_only / role.permission_not_held, PT404 role.not_found / site.not_found / partner.not_found, PT409 membership.other_partner, and those of app.grant_role.';

CREATE OR REPLACE FUNCTION app.accept_invitation(token text, password text DEFAULT NULL, display_name text DEFAULT NULL)
RETURNS app.memberships
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_invitation app_private.invitations;
  v_membership app.memberships;
  v_user app.users;
  v_organization_id uuid;
BEGIN
  -- The tenant first, then the lock within it: a lock is taken on one
  -- tenant's rows only (one shard under Citus, docs/scaling.md).
  SELECT i.organization_id INTO v_organization_id FROM app_private.invitations AS i
   WHERE i.token_hash = public.digest(coalesce(accept_invitation.token, ''), 'sha256');
  SELECT i.* INTO v_invitation FROM app_private.invitations AS i
   WHERE i.organization_id = v_organization_id
     AND i.token_hash = public.digest(coalesce(accept_invitation.token, ''), 'sha256') FOR UPDATE;
  SELECT m.* INTO v_membership FROM app.memberships AS m
   WHERE m.organization_id = v_invitation.organization_id AND m.id = v_invitation.membership_id FOR UPDATE;
  SELECT u.* INTO v_user FROM app.users AS u WHERE u.id = v_membership.user_id;
  IF v_invitation.id IS NULL THEN
    RAISE EXCEPTION 'the invitation token is not valid' USING ERRCODE = 'PT403', DETAIL = 'invitation.unknown',
      HINT = 'Use the token of the latest invitation you received; ask to be invited again.';
  ELSIF v_invitation.accepted_at IS NOT NULL THEN
    RAISE EXCEPTION 'the invitation has been used already' USING ERRCODE = 'PT403', DETAIL = 'invitation.used',
      HINT = 'Sign in with app.login.';
  ELSIF v_invitation.expires_at <= pg_catalog.now() THEN
    RAISE EXCEPTION 'the invitation has expired' USING ERRCODE = 'PT403', DETAIL = 'invitation.expired',
      HINT = 'Ask to be invited again.';
  ELSIF v_membership.status <> 'invited' OR v_user.status NOT IN ('invited', 'active') THEN
    RAISE EXCEPTION 'the invitation has been withdrawn' USING ERRCODE = 'PT403', DETAIL = 'invitation.withdrawn',
      HINT = 'Ask to be invited again.';
  END IF;

  IF NOT EXISTS (SELECT FROM app_private.credentials AS c WHERE c.user_id = v_user.id) THEN
    IF accept_invitation.password IS NULL THEN
      RAISE EXCEPTION 'choose a password to accept the invitation' USING ERRCODE = 'PT422',
        DETAIL = 'invitation.password_required', HINT = 'Send password (at least 10 characters).';
    END IF;
    PERFORM app_private.store_password(v_user.id, accept_invitation.password);
  ELSIF accept_invitation.password IS NOT NULL THEN
    RAISE EXCEPTION 'the account already has a password' USING ERRCODE = 'PT409',
      DETAIL = 'invitation.account_has_password',
      HINT = 'Accept without a password (an invitation never changes one), or sign in and call app.accept_membership.';
  END IF;
  IF accept_invitation.display_name IS NOT NULL THEN
    UPDATE app.users AS u SET display_name = accept_invitation.display_name WHERE u.id = v_user.id;
  END IF;
  RETURN app_private.activate_membership(v_membership);
END
$$;

COMMENT ON FUNCTION app.accept_invitation(text, text, text) IS
  'Accepts an invitation with the token sent to the invitee''s email; no sign-in needed. An account without a password must choose one here (password, at least 10 characters); an account that has one keeps it (send no password). The membership becomes active with the invited roles. A token works once and for 7 days. Errors: PT403 invitation.unknown / used / expired / withdrawn, PT409 invitation.account_has_password, PT422 invitation.password_required / password.too_short.';

CREATE OR REPLACE FUNCTION app.accept_membership(organization_id uuid) RETURNS app.memberships
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_membership app.memberships;
BEGIN
  SELECT m.* INTO v_membership FROM app.memberships AS m
   WHERE m.organization_id = accept_membership.organization_id AND m.user_id = auth.user_id()
     AND m.status = 'invited'
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no invitation to organization % is waiting for you', accept_membership.organization_id
      USING ERRCODE = 'PT404', DETAIL = 'invitation.not_found', HINT = 'GET /memberships lists yours; ask to be invited.';
  END IF;
  RETURN app_private.activate_membership(v_membership);
END
$$;

COMMENT ON FUNCTION app.accept_membership(uuid) IS
  'For a signed-in invitee: accepts an invitation to a tenant (see app.add_member) with the invited roles; then app.switch_organization acts in it. Without an account password, use app.accept_invitation with the emailed token. Errors: PT404 invitation.not_found.';
