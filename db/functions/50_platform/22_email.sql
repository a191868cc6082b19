-- E-mail notifications (migration platform/email_notifications).
--
-- Each person chooses, per tenant and kind of notification, where it reaches
-- them (app.notification_preferences: in_app, the default; email; both;
-- none). Every notification passes _150_route_channels on its way into
-- app.notifications, whoever writes it (app_private.notify_readers, or a
-- domain's own INSERT): wanted by e-mail, it becomes a delivery in
-- app.email_deliveries and a job email_send in the same transaction; not
-- wanted in the app, the row is not stored. The worker
-- (config/worker/tasks/email_send.mjs, nodemailer) asks
-- app_private.email_send_begin for the message and the SMTP settings,
-- sends, and reports the server's answer to app_private.email_send_finish.
-- A recipient who left the tenant (or unsubscribed) since it was queued
-- gets nothing. Each mail carries a one-click unsubscribe link whose token
-- is an HMAC of tenant, person and kind (app.unsubscribe_email, anonymous).

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.notification_preferences
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.notification_channel(p_organization_id uuid, p_user_id uuid, p_kind app.notification_type)
RETURNS app.notification_channel
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce((SELECT p.channel FROM app.notification_preferences AS p
                    WHERE p.organization_id = p_organization_id AND p.user_id = p_user_id AND p.kind = p_kind),
                  'in_app'::app.notification_channel)
$$;
COMMENT ON FUNCTION app_private.notification_channel(uuid, uuid, app.notification_type) IS
  'Where a kind of notification reaches a person in a tenant: their preference, else in_app.';

CREATE OR REPLACE FUNCTION app_private.tg_notifications__route_channels() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_channel app.notification_channel;
  v_delivery_id uuid;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_channel := app_private.notification_channel(NEW.organization_id, NEW.user_id, NEW.type);
  IF v_channel IN ('email', 'both') AND app_private.is_active_member(NEW.organization_id, NEW.user_id) THEN
    v_delivery_id := public.uuid_generate_v7();
    INSERT INTO app.email_deliveries (organization_id, id, user_id, notification_id, kind, recipient, subject, body, action_url)
    SELECT NEW.organization_id, v_delivery_id, NEW.user_id, CASE WHEN v_channel = 'both' THEN NEW.id END, NEW.type, u.email,
           pg_catalog.left('[' || o.name || '] ' || NEW.title, 300),
           pg_catalog.left(NEW.title || coalesce(E'\n\n' || NULLIF(NEW.message, ''), ''), 10000), NEW.action_url
      FROM app.users AS u, app.organizations AS o
     WHERE u.id = NEW.user_id AND o.id = NEW.organization_id;
    PERFORM app_private.enqueue_job('email_send',
      pg_catalog.jsonb_build_object('organization_id', NEW.organization_id, 'delivery_id', v_delivery_id),
      p_job_key => 'email_send:' || v_delivery_id, p_max_attempts => 5);
  END IF;
  IF v_channel IN ('email', 'none') THEN
    RETURN NULL;  -- not wanted in the app: not stored
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_notifications__route_channels() IS
  'BEFORE INSERT on notifications: sends each where its recipient wants that kind (app_private.notification_channel): email or both queue an e-mail delivery and its email_send job in the same transaction (only to an active member: app_private.is_email_recipient), email or none keep no in-app row.';

CREATE OR REPLACE TRIGGER _150_route_channels BEFORE INSERT ON app.notifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_notifications__route_channels();

CREATE OR REPLACE FUNCTION app.set_notification_preference(kind app.notification_type, channel app.notification_channel)
RETURNS app.notification_preferences
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_preference app.notification_preferences;
BEGIN
  IF auth.user_id() IS NULL OR auth.org_id() IS NULL OR NOT app_private.is_active_member(auth.org_id(), auth.user_id()) THEN
    RAISE EXCEPTION 'notification preferences are set by a signed-in member' USING ERRCODE = 'PT401', DETAIL = 'session.required',
      HINT = 'Sign in and choose an organization.';
  END IF;
  IF set_notification_preference.kind IS NULL OR set_notification_preference.channel IS NULL THEN
    PERFORM app_private.raise_invalid('notification_preference.invalid', 'a preference names a kind and a channel',
      'kind is a notification type; channel is in_app, email, both or none.');
  END IF;
  INSERT INTO app.notification_preferences AS p (organization_id, user_id, kind, channel)
  VALUES (auth.org_id(), auth.user_id(), set_notification_preference.kind, set_notification_preference.channel)
  ON CONFLICT (organization_id, user_id, kind) DO UPDATE SET channel = excluded.channel
  RETURNING * INTO v_preference;
  RETURN v_preference;
END
$$;
COMMENT ON FUNCTION app.set_notification_preference(app.notification_type, app.notification_channel) IS
  E'Set a notification preference\nChooses where one kind of notification reaches you in the active tenant: in_app (the default), email (to the address you sign in with; no in-app copy), both, or none. Returns the preference.\nErrors: PT401 session.required, PT422 notification_preference.invalid.';

-- Unsubscribe tokens: v1.<tenant>.<person>.<kind>.<HMAC-SHA256 hex>, signed
-- with the deployment's key. Nothing is stored per mail, a token works until
-- the key is replaced, and it names only what the link would change.
CREATE OR REPLACE FUNCTION app_private.unsubscribe_token(p_organization_id uuid, p_user_id uuid, p_kind app.notification_type)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT 'v1.' || p_organization_id || '.' || p_user_id || '.' || p_kind || '.'
         || pg_catalog.encode(public.hmac(pg_catalog.convert_to(p_organization_id || '.' || p_user_id || '.' || p_kind, 'UTF8'),
                                          s.unsubscribe_key, 'sha256'), 'hex')
    FROM app_private.email_settings AS s
$$;
COMMENT ON FUNCTION app_private.unsubscribe_token(uuid, uuid, app.notification_type) IS
  'The one-click unsubscribe token of a person''s e-mail of one kind in one tenant: v1.<organization id>.<user id>.<kind>.<hex HMAC-SHA256 of those three with app_private.email_settings.unsubscribe_key>.';

CREATE OR REPLACE FUNCTION app_private.digest_unsubscribe_token(p_organization_id uuid, p_user_id uuid)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT 'v1.' || p_organization_id || '.' || p_user_id || '.digest.'
         || pg_catalog.encode(public.hmac(pg_catalog.convert_to(p_organization_id || '.' || p_user_id || '.digest', 'UTF8'),
                                          s.unsubscribe_key, 'sha256'), 'hex')
    FROM app_private.email_settings AS s
$$;
COMMENT ON FUNCTION app_private.digest_unsubscribe_token(uuid, uuid) IS
  'The one-click unsubscribe token of a person''s daily digest in one tenant: as app_private.unsubscribe_token, with digest in place of a kind (no kind is named digest).';

CREATE OR REPLACE FUNCTION app.unsubscribe_email(token text) RETURNS app.notification_preferences
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_parts text[] := pg_catalog.regexp_match(unsubscribe_email.token,
    '^v1\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([a-z_]{1,63})\.[0-9a-f]{64}$');
  v_organization_id uuid;
  v_user_id uuid;
  v_kind app.notification_type;
  v_channel app.notification_channel;
  v_preference app.notification_preferences;
  v_expected text;
BEGIN
  IF v_parts IS NULL OR NOT (v_parts[3] = ANY (pg_catalog.enum_range(NULL::app.notification_type)::text[]) OR v_parts[3] = 'digest') THEN
    RAISE EXCEPTION 'this unsubscribe link is not valid' USING ERRCODE = 'PT404', DETAIL = 'unsubscribe.token_invalid',
      HINT = 'Use the link of a recent mail, or change your notification preferences once signed in.';
  END IF;
  v_organization_id := v_parts[1]::uuid;
  v_user_id := v_parts[2]::uuid;
  -- Compared in full, as text of fixed length: a forged or altered token fails.
  IF v_parts[3] = 'digest' THEN
    v_expected := app_private.digest_unsubscribe_token(v_organization_id, v_user_id);
  ELSE
    v_expected := app_private.unsubscribe_token(v_organization_id, v_user_id, v_parts[3]::app.notification_type);
  END IF;
  IF v_expected IS DISTINCT FROM unsubscribe_email.token
     OR NOT EXISTS (SELECT FROM app.memberships AS m WHERE m.organization_id = v_organization_id AND m.user_id = v_user_id) THEN
    RAISE EXCEPTION 'this unsubscribe link is not valid' USING ERRCODE = 'PT404', DETAIL = 'unsubscribe.token_invalid',
      HINT = 'Use the link of a recent mail, or change your notification preferences once signed in.';
  END IF;
  IF v_parts[3] = 'digest' THEN
    -- The digest's link: every kind wanted as digest stays in the app only,
    -- and a digest still queued is not sent.
    UPDATE app.notification_preferences AS p SET channel = 'in_app'
     WHERE p.organization_id = v_organization_id AND p.user_id = v_user_id AND p.channel = 'digest';
    UPDATE app.email_deliveries AS d SET status = 'cancelled', error_code = 'email.unsubscribed'
     WHERE d.organization_id = v_organization_id AND d.user_id = v_user_id AND d.category = 'digest' AND d.status = 'queued';
    SELECT p.* INTO v_preference FROM app.notification_preferences AS p
     WHERE p.organization_id = v_organization_id AND p.user_id = v_user_id
     ORDER BY p.updated_at DESC, p.kind LIMIT 1;
    RETURN v_preference;
  END IF;
  v_kind := v_parts[3]::app.notification_type;
  v_channel := app_private.notification_channel(v_organization_id, v_user_id, v_kind);
  INSERT INTO app.notification_preferences AS p (organization_id, user_id, kind, channel)
  VALUES (v_organization_id, v_user_id, v_kind,
          CASE WHEN v_channel IN ('both', 'in_app', 'digest') THEN 'in_app' ELSE 'none' END::app.notification_channel)
  ON CONFLICT (organization_id, user_id, kind) DO UPDATE SET channel = excluded.channel
  RETURNING * INTO v_preference;
  -- What is still queued of that kind is not sent either.
  UPDATE app.email_deliveries AS d SET status = 'cancelled', error_code = 'email.unsubscribed'
   WHERE d.organization_id = v_organization_id AND d.user_id = v_user_id AND d.kind = v_kind AND d.status = 'queued';
  RETURN v_preference;
END
$$;
COMMENT ON FUNCTION app.unsubscribe_email(text) IS
  E'Unsubscribe from e-mail (one click)\nThe link at the foot of every notification mail (and its List-Unsubscribe header) carries a token; this stops e-mail of that kind from that tenant to that person, anonymously: both and digest become in_app, email becomes none, and what is still queued of it is not sent. The link of a daily digest stops the digest: every kind wanted as digest becomes in_app. Safe to call twice. Returns the preference (for a digest link, the one changed last).\nErrors: PT404 unsubscribe.token_invalid (altered, forged, or the person left the tenant).';

CREATE OR REPLACE FUNCTION app_private.email_send_begin(p_organization_id uuid, p_delivery_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_delivery app.email_deliveries;
  v_settings app_private.email_settings;
  v_outbox app_private.outbox;
  v_token text;
  v_unsubscribe text;
  v_text text;
  v_headers jsonb;
BEGIN
  UPDATE app.email_deliveries AS d
     SET status = 'sending', attempts = d.attempts + 1, last_attempt_at = pg_catalog.clock_timestamp()
   WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id AND d.status IN ('queued', 'sending')
  RETURNING * INTO v_delivery;
  IF NOT FOUND THEN
    RETURN NULL;  -- sent, failed for good, cancelled, or purged
  END IF;
  IF v_delivery.category = 'invitation' THEN
    -- An invitation goes while it is open: the membership still invited
    -- and this message the latest invitation's.
    SELECT o.* INTO v_outbox FROM app_private.outbox AS o WHERE o.id = v_delivery.outbox_id;
    IF NOT EXISTS (SELECT FROM app.memberships AS m
                    WHERE m.organization_id = p_organization_id AND m.user_id = v_delivery.user_id AND m.status = 'invited')
       OR NOT EXISTS (SELECT FROM app_private.invitations AS i
                       WHERE i.organization_id = p_organization_id AND i.accepted_at IS NULL AND i.expires_at > pg_catalog.now()
                         AND i.token_hash = public.digest(coalesce(v_outbox.payload ->> 'token', ''), 'sha256')) THEN
      UPDATE app.email_deliveries AS d SET status = 'cancelled', error_code = 'email.invitation_closed'
       WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id;
      RETURN NULL;
    END IF;
  ELSIF NOT app_private.is_active_member(p_organization_id, v_delivery.user_id) THEN
    UPDATE app.email_deliveries AS d SET status = 'cancelled', error_code = 'email.recipient_left'
     WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id;
    RETURN NULL;
  ELSIF (v_delivery.category = 'digest'
         AND NOT EXISTS (SELECT FROM app.notification_preferences AS p
                          WHERE p.organization_id = p_organization_id AND p.user_id = v_delivery.user_id AND p.channel = 'digest'))
        OR (v_delivery.category = 'notification'
            AND app_private.notification_channel(p_organization_id, v_delivery.user_id, v_delivery.kind) NOT IN ('email', 'both')) THEN
    UPDATE app.email_deliveries AS d SET status = 'cancelled', error_code = 'email.unsubscribed'
     WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id;
    RETURN NULL;
  END IF;
  SELECT * INTO v_settings FROM app_private.email_settings;
  IF v_settings.smtp_host IS NULL THEN
    UPDATE app.email_deliveries AS d SET status = 'failed', error_code = 'email.not_configured',
           server_response = 'no SMTP server is configured (PULSE_SMTP_HOST)'
     WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id;
    RETURN NULL;
  END IF;
  v_headers := pg_catalog.jsonb_build_object('Auto-Submitted', 'auto-generated', 'X-Pulse-Delivery-Id', v_delivery.id::text,
                                             'X-Pulse-Mail-Category', v_delivery.category::text);
  IF v_delivery.category = 'invitation' THEN
    -- The text and the token come from the outbox, which alone holds the token.
    v_text := v_outbox.body
              || coalesce(E'\n\nOr accept it here: ' || pg_catalog.rtrim(v_settings.app_url, '/') || '/accept-invitation?token='
                          || (v_outbox.payload ->> 'token'), '') || E'\n';
  ELSE
    IF v_delivery.category = 'digest' THEN
      v_token := app_private.digest_unsubscribe_token(p_organization_id, v_delivery.user_id);
      -- The digest's body holds its own links (app_private.email_digest_body).
      v_text := v_delivery.body || E'\n\n-- \nYou get this because you chose a daily digest for some notifications.\n';
    ELSE
      v_token := app_private.unsubscribe_token(p_organization_id, v_delivery.user_id, v_delivery.kind);
      -- The link: the app's address followed by the notification's path.
      v_text := v_delivery.body || coalesce(E'\n\nOpen it: ' || pg_catalog.rtrim(v_settings.app_url, '/') || v_delivery.action_url, '')
                || E'\n\n-- \nYou get this because of your notification preferences for "' || v_delivery.kind || E'" notifications.\n';
      v_headers := v_headers || pg_catalog.jsonb_build_object('X-Pulse-Notification-Kind', v_delivery.kind::text);
    END IF;
    v_unsubscribe := pg_catalog.replace(v_settings.unsubscribe_url, '{token}', v_token);
    v_text := v_text || 'Unsubscribe with one click: ' || v_unsubscribe || E'\n';
    v_headers := v_headers || pg_catalog.jsonb_build_object('List-Unsubscribe', '<' || v_unsubscribe || '>',
                                                            'List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
  END IF;
  RETURN pg_catalog.jsonb_build_object(
    'delivery_id', v_delivery.id, 'attempt', v_delivery.attempts,
    'smtp', pg_catalog.jsonb_build_object('host', v_settings.smtp_host, 'port', v_settings.smtp_port,
      'security', v_settings.smtp_security, 'username', v_settings.smtp_username, 'password', v_settings.smtp_password),
    'message', pg_catalog.jsonb_build_object(
      'from', v_settings.from_address, 'to', v_delivery.recipient::text, 'subject', v_delivery.subject, 'text', v_text,
      'headers', v_headers));
END
$$;
COMMENT ON FUNCTION app_private.email_send_begin(uuid, uuid) IS
  'For the email_send task: counts an attempt (status sending) and returns the SMTP settings and the message (From, To, subject, text, headers Auto-Submitted and X-Pulse-*; for a notification, its link, and for a notification or a digest the one-click unsubscribe link and List-Unsubscribe headers; for an invitation, the outbox''s text with the token and the accept link); NULL when there is nothing to send: already settled, the recipient is no longer an active member (cancelled, email.recipient_left), no longer wants it by e-mail (cancelled, email.unsubscribed), the invitation was accepted, withdrawn or replaced (cancelled, email.invitation_closed), or no SMTP server is configured (failed, email.not_configured).';

CREATE OR REPLACE FUNCTION app_private.email_send_finish(
  p_organization_id uuid, p_delivery_id uuid, p_sent boolean, p_message_id text, p_response text, p_final boolean
) RETURNS app.email_delivery_status
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_status app.email_delivery_status;
BEGIN
  UPDATE app.email_deliveries AS d
     SET status = CASE WHEN p_sent THEN 'sent' WHEN p_final THEN 'failed' ELSE 'queued' END::app.email_delivery_status,
         sent_at = CASE WHEN p_sent THEN pg_catalog.clock_timestamp() END,
         message_id = CASE WHEN p_sent THEN pg_catalog.left(p_message_id, 998) ELSE d.message_id END,
         server_response = pg_catalog.left(p_response, 2000),
         error_code = CASE WHEN p_sent THEN NULL
                           WHEN p_response ~ '^5[0-9][0-9]' THEN 'email.smtp_refused' ELSE 'email.smtp_failed' END
   WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id AND d.status = 'sending'
  RETURNING d.status INTO v_status;
  -- An invitation sent is no longer pending in the outbox (`pulse outbox`).
  IF v_status = 'sent' THEN
    UPDATE app_private.outbox AS o SET sent_at = pg_catalog.clock_timestamp()
      FROM app.email_deliveries AS d
     WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id AND o.id = d.outbox_id AND o.sent_at IS NULL;
  END IF;
  RETURN v_status;
END
$$;
COMMENT ON FUNCTION app_private.email_send_finish(uuid, uuid, boolean, text, text, boolean) IS
  'For the email_send task: records the SMTP server''s answer: accepted (sent, its time and Message-ID), or refused or unreachable: queued again while graphile-worker retries (with its exponential backoff), failed after the last attempt or at once for a permanent 5xx refusal (p_final); email.smtp_refused for a 5xx answer, email.smtp_failed otherwise. An invitation sent marks its outbox message sent. Returns the status, NULL when the delivery was not being sent.';

CREATE OR REPLACE FUNCTION app_private.purge_email_deliveries(p_retention interval DEFAULT '90 days') RETURNS integer
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM app.email_deliveries AS d
     WHERE d.created_at < pg_catalog.now() - p_retention AND d.status IN ('sent', 'failed', 'cancelled')
    RETURNING 1
  )
  SELECT count(*)::integer FROM gone
$$;
COMMENT ON FUNCTION app_private.purge_email_deliveries(interval) IS
  'Deletes settled e-mail deliveries queued longer ago than the retention (90 days by default; job purge-email-deliveries); returns how many went.';
