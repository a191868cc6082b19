-- The policy files are the whole truth about access: every run starts from
-- no policies (`pulse db migrate` drops them with the rest of the repeatable
-- layer before the files run) and, below, no API-role privileges in the
-- Pulse schemas; the files that follow grant and create what they mean. All
-- of it runs in one transaction, so no request ever sees the gap.

REVOKE ALL ON ALL TABLES IN SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;
REVOKE ALL ON SCHEMA app, app_private, auth, audit FROM PUBLIC, anon, app_user, app_admin;

GRANT USAGE ON SCHEMA app, auth TO anon, app_user, app_admin;
GRANT EXECUTE ON FUNCTION
  auth.claims(), auth.check_request(), auth.user_id(), auth.org_id(), auth.partner_id(),
  auth.is_platform_operator(), auth.has_permission(text, uuid), auth.check_permission(text), auth.permitted_site_ids(text),
  auth.colleague_user_ids()
  TO anon, app_user, app_admin;
