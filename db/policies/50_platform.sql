-- Platform: what the API roles may call of the real-time channels
-- (db/functions/50_platform/30_realtime.sql). The GraphQL server asks
-- auth.realtime_event, as the subscriber, for every event; it calls the
-- topic's visibility function (defined by the domain that publishes the
-- topic), so the subscriber needs both. Not granted to anon: subscriptions
-- need a signed-in user.

GRANT EXECUTE ON FUNCTION auth.realtime_event(text, jsonb), auth.event_key(jsonb, text) TO app_user, app_admin;

-- One line per published topic (contracts/events/<domain>/*.schema.json).
GRANT EXECUTE ON FUNCTION auth.can_see_progress_event(jsonb) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.can_see_approvals_event(jsonb) TO app_user, app_admin;
