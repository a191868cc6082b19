-- The daily e-mail digest and invitation mails (migration
-- platform/email_digest_invitations), beside the notification mails of
-- 22_email.sql and through the same path: a row in app.email_deliveries and
-- an email_send job, sent by the worker with nodemailer.
--
-- Digest: a kind a person wants as `digest` stays in the app and, once a day
-- (job send-email-digests), the unread notifications of those kinds since
-- the last digest are listed in one mail, grouped by kind, with their links.
-- "A day" is the recipient's: users.preferences.timezone when it names a
-- time zone, else the tenant's settings.timezone, else UTC; the digest of a
-- day goes at the first run from 07:00 that day. One digest per person,
-- tenant and day (a unique index), none when nothing is new.
--
-- Invitations: app_private.send_invitation (30_identity/40_invitations.sql)
-- writes its message into app_private.outbox as it always did; when an SMTP
-- server is configured it also queues it here, and the worker sends it.

CREATE OR REPLACE FUNCTION app.set_notification_channel(channel app.notification_channel)
RETURNS SETOF app.notification_preferences
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF auth.user_id() IS NULL OR auth.org_id() IS NULL OR NOT app_private.is_active_member(auth.org_id(), auth.user_id()) THEN
    RAISE EXCEPTION 'notification preferences are set by a signed-in member' USING ERRCODE = 'PT401', DETAIL = 'session.required',
      HINT = 'Sign in and choose an organization.';
  END IF;
  IF set_notification_channel.channel IS NULL THEN
    PERFORM app_private.raise_invalid('notification_preference.invalid', 'a preference names a channel',
      'channel is in_app, email, both, digest or none.');
  END IF;
  RETURN QUERY
  INSERT INTO app.notification_preferences AS p (organization_id, user_id, kind, channel)
  SELECT auth.org_id(), auth.user_id(), k.kind, set_notification_channel.channel
    FROM pg_catalog.unnest(pg_catalog.enum_range(NULL::app.notification_type)) AS k (kind)
  ON CONFLICT (organization_id, user_id, kind) DO UPDATE SET channel = excluded.channel
  RETURNING *;
END
$$;
COMMENT ON FUNCTION app.set_notification_channel(app.notification_channel) IS
  E'Set every notification preference at once\nChooses one channel for every kind of notification in the active tenant (in_app, email, both, digest or none); set_notification_preference then changes one kind. Returns the preferences.\nErrors: PT401 session.required, PT422 notification_preference.invalid.';

CREATE OR REPLACE FUNCTION app_private.email_time_zone(p_organization_id uuid, p_user_id uuid) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(
    (SELECT z.name FROM app.users AS u, pg_catalog.pg_timezone_names AS z
      WHERE u.id = p_user_id AND z.name = u.preferences ->> 'timezone'),
    (SELECT o.settings ->> 'timezone' FROM app.organizations AS o WHERE o.id = p_organization_id),
    'UTC')
$$;
COMMENT ON FUNCTION app_private.email_time_zone(uuid, uuid) IS
  'The time zone of a person''s mail in a tenant: their own (users.preferences.timezone, when it names a time zone), else the tenant''s (settings.timezone), else UTC.';

CREATE OR REPLACE FUNCTION app_private.email_digest_body(
  p_organization_id uuid, p_user_id uuid, p_since timestamptz, p_until timestamptz, p_time_zone text
) RETURNS TABLE (notifications integer, body text)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- The unread notifications of the kinds wanted as digest, made in
  -- (p_since, p_until], grouped by kind (in the order of the type), newest
  -- last; each with its link behind the app's address (PULSE_APP_URL).
  WITH items AS (
    SELECT n.type, n.title, n.message, n.created_at,
           pg_catalog.rtrim(s.app_url, '/') || n.action_url AS link,
           pg_catalog.row_number() OVER (ORDER BY n.type, n.created_at, n.id) AS position
      FROM app.notifications AS n
      JOIN app.notification_preferences AS p
        ON p.organization_id = n.organization_id AND p.user_id = n.user_id AND p.kind = n.type AND p.channel = 'digest'
     CROSS JOIN app_private.email_settings AS s
     WHERE n.organization_id = p_organization_id AND n.user_id = p_user_id AND n.read_at IS NULL
       AND n.created_at > p_since AND n.created_at <= p_until
  ), kinds AS (
    -- At most 100 items are listed; the rest are counted.
    SELECT i.type, count(*) AS total,
           pg_catalog.string_agg('- ' || pg_catalog.to_char(i.created_at AT TIME ZONE p_time_zone, 'YYYY-MM-DD HH24:MI') || '  ' || i.title
                                 || coalesce(E'\n  ' || NULLIF(pg_catalog.left(pg_catalog.split_part(i.message, E'\n', 1), 200), ''), '')
                                 || coalesce(E'\n  ' || i.link, ''),
                                 E'\n' ORDER BY i.position) FILTER (WHERE i.position <= 100) AS lines
      FROM items AS i GROUP BY i.type
  )
  SELECT sum(k.total)::integer,
         pg_catalog.left(
           'Your unread notifications since ' || pg_catalog.to_char(p_since AT TIME ZONE p_time_zone, 'YYYY-MM-DD HH24:MI')
           || ' (' || p_time_zone || E'):\n\n'
           || pg_catalog.string_agg(pg_catalog.initcap(k.type::text) || ' (' || k.total || E')\n' || coalesce(k.lines, '- ...'),
                                    E'\n\n' ORDER BY k.type),
           9500)
         || CASE WHEN sum(k.total) > 100 THEN E'\n\n... and more: ' || sum(k.total) || ' in all, in the app.' ELSE '' END
    FROM kinds AS k
  HAVING count(*) > 0
$$;
COMMENT ON FUNCTION app_private.email_digest_body(uuid, uuid, timestamptz, timestamptz, text) IS
  'The text of a daily digest: a person''s unread notifications in a tenant of the kinds they want as digest, made after p_since up to p_until, grouped by kind, each with its time (in p_time_zone), first line and link (PULSE_APP_URL + action_url); at most 100 listed (and 9500 characters), the total said below. No row when there is none.';

CREATE OR REPLACE FUNCTION app_private.queue_email_digests(p_send_from time DEFAULT '07:00') RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_person record;
  v_since timestamptz;
  v_until timestamptz := pg_catalog.now();
  v_digest record;
  v_delivery_id uuid;
  v_queued integer := 0;
BEGIN
  FOR v_person IN
    SELECT DISTINCT p.organization_id, p.user_id, z.tz, (v_until AT TIME ZONE z.tz)::date AS day
      FROM app.notification_preferences AS p
     CROSS JOIN LATERAL (SELECT app_private.email_time_zone(p.organization_id, p.user_id) AS tz) AS z
     WHERE p.channel = 'digest'
       AND (v_until AT TIME ZONE z.tz)::time >= p_send_from
       AND app_private.is_active_member(p.organization_id, p.user_id)
       AND NOT EXISTS (SELECT FROM app.email_deliveries AS d
                        WHERE d.organization_id = p.organization_id AND d.user_id = p.user_id AND d.category = 'digest'
                          AND d.digest_on = (v_until AT TIME ZONE z.tz)::date)
  LOOP
    -- Since the last digest; the first covers the last day.
    SELECT max(d.covers_until) INTO v_since FROM app.email_deliveries AS d
     WHERE d.organization_id = v_person.organization_id AND d.user_id = v_person.user_id AND d.category = 'digest';
    v_since := coalesce(v_since, v_until - interval '1 day');
    SELECT * INTO v_digest FROM app_private.email_digest_body(v_person.organization_id, v_person.user_id, v_since, v_until, v_person.tz);
    CONTINUE WHEN v_digest.notifications IS NULL;  -- nothing new: no mail
    v_delivery_id := public.uuid_generate_v7();
    INSERT INTO app.email_deliveries (organization_id, id, user_id, category, recipient, subject, body, digest_on, covers_until)
    SELECT v_person.organization_id, v_delivery_id, v_person.user_id, 'digest', u.email,
           pg_catalog.left('[' || o.name || '] Daily digest: ' || v_digest.notifications
                           || CASE WHEN v_digest.notifications = 1 THEN ' unread notification' ELSE ' unread notifications' END, 300),
           v_digest.body, v_person.day, v_until
      FROM app.users AS u, app.organizations AS o
     WHERE u.id = v_person.user_id AND o.id = v_person.organization_id
    ON CONFLICT (organization_id, user_id, digest_on) WHERE category = 'digest' DO NOTHING;
    IF FOUND THEN
      PERFORM app_private.enqueue_job('email_send',
        pg_catalog.jsonb_build_object('organization_id', v_person.organization_id, 'delivery_id', v_delivery_id),
        p_job_key => 'email_send:' || v_delivery_id, p_max_attempts => 5);
      v_queued := v_queued + 1;
    END IF;
  END LOOP;
  RETURN v_queued;
END
$$;
COMMENT ON FUNCTION app_private.queue_email_digests(time) IS
  'Job send-email-digests: queues the daily digest of every active member who wants some kind as digest, whose day (app_private.email_time_zone) has reached p_send_from (07:00) and who has none for that day yet: one email_deliveries row (category digest, digest_on, covers_until) and its email_send job, listing the unread notifications since the last digest (app_private.email_digest_body); none when nothing is new. Running it again the same day queues nothing more. Returns how many were queued.';

CREATE OR REPLACE FUNCTION app_private.queue_invitation_email(p_organization_id uuid, p_user_id uuid, p_outbox_id uuid) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_delivery_id uuid;
BEGIN
  -- Without an SMTP server the invitation stays in the outbox only (`pulse outbox`).
  IF NOT EXISTS (SELECT FROM app_private.email_settings AS s WHERE s.smtp_host IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  -- An invitation still queued for the same person is replaced (its token no longer works).
  UPDATE app.email_deliveries AS d SET status = 'cancelled', error_code = 'email.invitation_closed'
   WHERE d.organization_id = p_organization_id AND d.user_id = p_user_id AND d.category = 'invitation' AND d.status = 'queued';
  v_delivery_id := public.uuid_generate_v7();
  -- The log shows the invitation, never its token: that is only in the outbox and the mail.
  INSERT INTO app.email_deliveries (organization_id, id, user_id, category, recipient, subject, body, outbox_id)
  SELECT p_organization_id, v_delivery_id, p_user_id, 'invitation', x.recipient, pg_catalog.left(x.subject, 300),
         'An invitation to join ' || o.name || ' on Pulse, with its single-use token (which only the mail holds).', x.id
    FROM app_private.outbox AS x, app.organizations AS o
   WHERE x.id = p_outbox_id AND o.id = p_organization_id;
  PERFORM app_private.enqueue_job('email_send',
    pg_catalog.jsonb_build_object('organization_id', p_organization_id, 'delivery_id', v_delivery_id),
    p_job_key => 'email_send:' || v_delivery_id, p_max_attempts => 5);
  RETURN v_delivery_id;
END
$$;
COMMENT ON FUNCTION app_private.queue_invitation_email(uuid, uuid, uuid) IS
  'For app_private.send_invitation: when an SMTP server is configured, queues the invitation''s outbox message as an e-mail delivery (category invitation; its body without the token) and its email_send job, cancelling (email.invitation_closed) one still queued for the same person; returns the delivery, NULL without SMTP (the message stays in the outbox only).';
