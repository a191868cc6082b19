-- Revert pulse:audit/activity_log_actor_index from pg

BEGIN;

CREATE INDEX activity_log_actor_idx ON audit.activity_log (organization_id, actor_user_id, occurred_at);

COMMIT;
