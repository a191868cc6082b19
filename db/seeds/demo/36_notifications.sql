-- Notification preferences on Acme (db/functions/50_platform/22_email.sql),
-- set as people set them, by RPC: QA wants approvals in the app and by
-- e-mail and system notices by e-mail only; management hears nothing of
-- comments. Then one system notice to QA, which becomes a queued e-mail
-- (with `pulse up` and PULSE_SMTP_HOST it is sent; without a server the
-- delivery log says email.not_configured). Runs once per tenant (a tenant
-- with preferences is left alone).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_management uuid := (SELECT id FROM app.users WHERE email = 'management@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
BEGIN
  IF v_tenant IS NULL OR v_management IS NULL OR v_qa IS NULL
     OR EXISTS (SELECT FROM app.notification_preferences WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  PERFORM app.set_notification_preference('approval', 'both');
  PERFORM app.set_notification_preference('system', 'email');
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  PERFORM app.set_notification_preference('comment', 'none');
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);

  PERFORM app_private.notify(v_tenant, ARRAY[v_qa], 'system', 'Calibration due this week',
                             'Three gauges of Plant 1 are due for calibration by Friday.');
END
$$;

-- The daily digest (db/functions/50_platform/23_email_digest.sql): engineering
-- wants every kind as one mail a day. Two unread notifications, then the
-- day's digest queued at once (the job send-email-digests would queue it
-- from 07:00 in the tenant's time zone): GET /email_deliveries as
-- engineering@acme.test shows it (sent by `pulse up` with PULSE_SMTP_HOST,
-- else failed with email.not_configured). Runs once.
DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_engineering uuid := (SELECT id FROM app.users WHERE email = 'engineering@acme.test');
BEGIN
  IF v_tenant IS NULL OR v_engineering IS NULL
     OR EXISTS (SELECT FROM app.notification_preferences WHERE organization_id = v_tenant AND user_id = v_engineering) THEN
    RETURN;
  END IF;
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  PERFORM app.set_notification_channel('digest');
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);

  PERFORM app_private.notify(v_tenant, ARRAY[v_engineering], 'approval', 'Approve drawing D-1042 rev C',
                             'Waiting for your review since this morning.');
  PERFORM app_private.notify(v_tenant, ARRAY[v_engineering], 'system', 'Calibration due this week',
                             'Three gauges of Plant 1 are due for calibration by Friday.');
  PERFORM app_private.queue_email_digests('00:00');
END
$$;
