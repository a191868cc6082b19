-- Deploy pulse:platform/notification_webhook_partitions to pg
-- requires: platform/partitions
-- requires: platform/webhooks

BEGIN;

-- app.notifications and app.webhook_deliveries become partitioned tables,
-- one partition a month of created_at, under pg_partman (docs/scaling.md,
-- "Partitions"). Their partitions live in `app` beside them: PostgREST (9 and
-- later) and PostGraphile 5 leave partitions out of the API, and so do our
-- own catalog readers (the contract, the catalog tests, tools/mutation.py).
-- Keys take the partition column: (organization_id, id, created_at).
-- Columns, defaults, checks and comments are copied (LIKE); triggers,
-- policies, grants and the functions that return these row types are
-- repeatables, rebuilt by migrate.

-- Notifications ------------------------------------------------------------

ALTER TABLE app.notifications RENAME TO notifications_unpartitioned;
ALTER TABLE app.notifications_unpartitioned RENAME CONSTRAINT notifications_pkey TO notifications_unpartitioned_pkey;
DROP INDEX app.notifications_user_idx, app.notifications_unread_idx;

CREATE TABLE app.notifications (
  LIKE app.notifications_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS,
  CONSTRAINT notifications_pkey PRIMARY KEY (organization_id, id, created_at),
  CONSTRAINT notifications_organization_id_fkey FOREIGN KEY (organization_id)
    REFERENCES app.organizations (id) ON DELETE CASCADE,
  CONSTRAINT notifications_organization_id_project_id_fkey FOREIGN KEY (organization_id, project_id)
    REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.users (id) ON DELETE CASCADE
) PARTITION BY RANGE (created_at);
CREATE INDEX notifications_user_idx ON app.notifications (organization_id, user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON app.notifications (organization_id, user_id) WHERE read_at IS NULL;
DO $$ BEGIN
  EXECUTE format('COMMENT ON TABLE app.notifications IS %L', obj_description('app.notifications_unpartitioned'::regclass, 'pg_class'));
END $$;

SELECT partman.create_parent('app.notifications', 'created_at', 'native', '1 month',
         p_premake => (SELECT premake FROM app_private.partition_settings),
         p_start_partition => (SELECT pg_catalog.date_trunc('month', min(created_at))::text
                                 FROM app.notifications_unpartitioned),
         p_jobmon => false);

INSERT INTO app.notifications SELECT * FROM app.notifications_unpartitioned;
-- CASCADE: app.mark_notification_read returns the old row type; the
-- repeatables make it again on the new table.
DROP TABLE app.notifications_unpartitioned CASCADE;

-- Webhook deliveries -------------------------------------------------------

-- A delivery's created_at is its event's time (app_private.events.occurred_at,
-- set by the trigger _010_event_time), fixed per event: the once-per-endpoint-
-- and-event key holds the partition column and still refuses a second
-- delivery of one event to one endpoint.
ALTER TABLE app.webhook_attempts DROP CONSTRAINT webhook_attempts_organization_id_delivery_id_fkey;
ALTER TABLE app.webhook_deliveries RENAME TO webhook_deliveries_unpartitioned;
ALTER TABLE app.webhook_deliveries_unpartitioned RENAME CONSTRAINT webhook_deliveries_pkey TO webhook_deliveries_unpartitioned_pkey;
ALTER TABLE app.webhook_deliveries_unpartitioned RENAME CONSTRAINT webhook_deliveries_once TO webhook_deliveries_unpartitioned_once;
DROP INDEX app.webhook_deliveries_event_idx, app.webhook_deliveries_status_idx, app.webhook_deliveries_settled_idx;

CREATE TABLE app.webhook_deliveries (
  LIKE app.webhook_deliveries_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS,
  CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (organization_id, id, created_at),
  CONSTRAINT webhook_deliveries_once UNIQUE (organization_id, endpoint_id, event_id, created_at),
  CONSTRAINT webhook_deliveries_organization_id_fkey FOREIGN KEY (organization_id)
    REFERENCES app.organizations (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_organization_id_endpoint_id_fkey FOREIGN KEY (organization_id, endpoint_id)
    REFERENCES app.webhook_endpoints (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_organization_id_event_id_fkey FOREIGN KEY (organization_id, event_id)
    REFERENCES app_private.events (organization_id, id) ON DELETE CASCADE
) PARTITION BY RANGE (created_at);
CREATE INDEX webhook_deliveries_event_idx ON app.webhook_deliveries (organization_id, event_id);
CREATE INDEX webhook_deliveries_status_idx ON app.webhook_deliveries (organization_id, status, created_at);
CREATE INDEX webhook_deliveries_settled_idx ON app.webhook_deliveries (updated_at) WHERE status <> 'pending';
DO $$ BEGIN
  EXECUTE format('COMMENT ON TABLE app.webhook_deliveries IS %L',
                 obj_description('app.webhook_deliveries_unpartitioned'::regclass, 'pg_class'));
END $$;

SELECT partman.create_parent('app.webhook_deliveries', 'created_at', 'native', '1 month',
         p_premake => (SELECT premake FROM app_private.partition_settings),
         p_start_partition => (SELECT pg_catalog.date_trunc('month', min(e.occurred_at))::text
                                 FROM app.webhook_deliveries_unpartitioned AS d
                                 JOIN app_private.events AS e ON e.organization_id = d.organization_id AND e.id = d.event_id),
         p_jobmon => false);

-- Rows move with their event's time as created_at (the rule from now on;
-- the two differed only when the event was published in another statement
-- of the same transaction).
INSERT INTO app.webhook_deliveries
SELECT d.organization_id, d.id, d.endpoint_id, d.event_id, d.event_type, d.status, d.attempt_count, d.round_attempts,
       d.next_attempt_at, d.last_attempt_at, d.last_response_code, d.last_error, d.delivered_at, d.replay_count,
       e.occurred_at, d.updated_at
  FROM app.webhook_deliveries_unpartitioned AS d
  JOIN app_private.events AS e ON e.organization_id = d.organization_id AND e.id = d.event_id;

-- An attempt names its delivery by the delivery's whole key: the foreign key
-- into the partitioned table carries the delivery's time.
ALTER TABLE app.webhook_attempts ADD COLUMN delivery_created_at timestamptz;
UPDATE app.webhook_attempts AS a SET delivery_created_at = d.created_at
  FROM app.webhook_deliveries AS d
 WHERE d.organization_id = a.organization_id AND d.id = a.delivery_id;
ALTER TABLE app.webhook_attempts ALTER COLUMN delivery_created_at SET NOT NULL;
-- One attempt number per delivery, as before; the key now holds the whole
-- foreign key, so it also serves the cascade from a delivery to its attempts.
ALTER TABLE app.webhook_attempts DROP CONSTRAINT webhook_attempts_once,
  ADD CONSTRAINT webhook_attempts_once UNIQUE (organization_id, delivery_id, delivery_created_at, attempt_number);
ALTER TABLE app.webhook_attempts
  ADD CONSTRAINT webhook_attempts_delivery_fkey FOREIGN KEY (organization_id, delivery_id, delivery_created_at)
    REFERENCES app.webhook_deliveries (organization_id, id, created_at) ON DELETE CASCADE;
COMMENT ON COLUMN app.webhook_attempts.delivery_created_at IS
  E'Delivery created\nThe time of the delivery attempted (its event''s time), part of the delivery''s key: deliveries are partitioned by it.';

-- CASCADE: app.replay_webhook_delivery returns the old row type; the
-- repeatables make it again on the new table.
DROP TABLE app.webhook_deliveries_unpartitioned CASCADE;

-- The register -------------------------------------------------------------

INSERT INTO app_private.append_heavy_tables (table_name, control_column, partition_interval, why)
VALUES ('app.notifications', 'created_at', interval '1 month',
        'One row per recipient of every stage change, approval, document and message; only read_at changes after; read newest first per person; the largest table after the activity log.'),
       ('app.webhook_deliveries', 'created_at', interval '1 month',
        'One row per event and matching endpoint; updated while pending (hours), then settled and purged after 30 to 90 days (purge-webhook-deliveries): old months empty out and are dropped whole.');

COMMIT;
