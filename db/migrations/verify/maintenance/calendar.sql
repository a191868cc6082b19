-- Verify pulse:maintenance/calendar on pg

BEGIN;

SELECT organization_id, id, name, site_id, is_active FROM app.maintenance_teams WHERE false;
SELECT organization_id, id, team_id, user_id, member_from, member_to FROM app.maintenance_team_members WHERE false;
SELECT organization_id, id, user_id, period, kind, reason FROM app.technician_availability WHERE false;
SELECT team_id FROM app.work_orders WHERE false;
SELECT organization_id, id, user_id, scope, token_hash, revoked_at FROM app_private.calendar_feeds WHERE false;
SELECT NULL::app."text/calendar", NULL::app."*/*";

ROLLBACK;
