-- Revert pulse:platform/notification_webhook_partitions from pg

BEGIN;

-- Back to one table each, keyed (organization_id, id); rows move back.

ALTER TABLE app.webhook_attempts DROP CONSTRAINT webhook_attempts_delivery_fkey;
ALTER TABLE app.webhook_attempts DROP CONSTRAINT webhook_attempts_once;
ALTER TABLE app.webhook_attempts DROP COLUMN delivery_created_at;
ALTER TABLE app.webhook_attempts ADD CONSTRAINT webhook_attempts_once UNIQUE (organization_id, delivery_id, attempt_number);

ALTER TABLE app.webhook_deliveries RENAME TO webhook_deliveries_partitioned;
ALTER TABLE app.webhook_deliveries_partitioned RENAME CONSTRAINT webhook_deliveries_pkey TO webhook_deliveries_partitioned_pkey;
ALTER TABLE app.webhook_deliveries_partitioned RENAME CONSTRAINT webhook_deliveries_once TO webhook_deliveries_partitioned_once;
DROP INDEX app.webhook_deliveries_event_idx, app.webhook_deliveries_status_idx, app.webhook_deliveries_settled_idx;
CREATE TABLE app.webhook_deliveries (
  LIKE app.webhook_deliveries_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT webhook_deliveries_once UNIQUE (organization_id, endpoint_id, event_id),
  FOREIGN KEY (organization_id) REFERENCES app.organizations (id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, endpoint_id) REFERENCES app.webhook_endpoints (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, event_id) REFERENCES app_private.events (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_event_idx ON app.webhook_deliveries (organization_id, event_id);
CREATE INDEX webhook_deliveries_status_idx ON app.webhook_deliveries (organization_id, status, created_at);
CREATE INDEX webhook_deliveries_settled_idx ON app.webhook_deliveries (updated_at) WHERE status <> 'pending';
DO $$ BEGIN
  EXECUTE format('COMMENT ON TABLE app.webhook_deliveries IS %L',
                 obj_description('app.webhook_deliveries_partitioned'::regclass, 'pg_class'));
END $$;
INSERT INTO app.webhook_deliveries SELECT * FROM app.webhook_deliveries_partitioned;
ALTER TABLE app.webhook_attempts
  ADD FOREIGN KEY (organization_id, delivery_id) REFERENCES app.webhook_deliveries (organization_id, id) ON DELETE CASCADE;
DELETE FROM partman.part_config WHERE parent_table = 'app.webhook_deliveries';
DROP TABLE app.webhook_deliveries_partitioned CASCADE;
DROP TABLE IF EXISTS partman.template_app_webhook_deliveries;
DROP FUNCTION IF EXISTS app_private.tg_webhook_deliveries__event_time();

ALTER TABLE app.notifications RENAME TO notifications_partitioned;
ALTER TABLE app.notifications_partitioned RENAME CONSTRAINT notifications_pkey TO notifications_partitioned_pkey;
DROP INDEX app.notifications_user_idx, app.notifications_unread_idx;
CREATE TABLE app.notifications (
  LIKE app.notifications_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT notifications_organization_id_fkey FOREIGN KEY (organization_id)
    REFERENCES app.organizations (id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (user_id) REFERENCES app.users (id) ON DELETE CASCADE
);
CREATE INDEX notifications_user_idx ON app.notifications (organization_id, user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON app.notifications (organization_id, user_id) WHERE read_at IS NULL;
DO $$ BEGIN
  EXECUTE format('COMMENT ON TABLE app.notifications IS %L', obj_description('app.notifications_partitioned'::regclass, 'pg_class'));
END $$;
INSERT INTO app.notifications SELECT * FROM app.notifications_partitioned;
DELETE FROM partman.part_config WHERE parent_table = 'app.notifications';
DROP TABLE app.notifications_partitioned CASCADE;
DROP TABLE IF EXISTS partman.template_app_notifications;

DELETE FROM app_private.append_heavy_tables WHERE table_name IN ('app.notifications', 'app.webhook_deliveries');

COMMIT;
