-- Deploy pulse:platform/webhooks to pg
-- requires: platform/entities

BEGIN;

-- Webhooks (docs/platform/webhooks.md). A tenant admin registers endpoints;
-- every event of that tenant (app_private.events) whose type matches an
-- active endpoint's filters becomes one delivery, sent by the worker
-- (config/worker/) and retried with backoff until it is delivered or dead.
-- The job queue itself is graphile-worker's schema graphile_worker, which
-- `pulse db migrate` installs beside the plan (cli/pulse/worker.py).

CREATE TABLE app.webhook_endpoints (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  url text NOT NULL CONSTRAINT webhook_endpoints_url_format
    CHECK (url ~ '^https?://[^/?#@\s]+(/[^\s]*)?$' AND length(url) <= 2000),
  description text NOT NULL DEFAULT '' CONSTRAINT webhook_endpoints_description_length CHECK (length(description) <= 500),
  event_types text[] NOT NULL CONSTRAINT webhook_endpoints_event_types_present
    CHECK (cardinality(event_types) BETWEEN 1 AND 50),
  is_active boolean NOT NULL DEFAULT true,
  max_attempts integer NOT NULL DEFAULT 8 CONSTRAINT webhook_endpoints_max_attempts_range CHECK (max_attempts BETWEEN 1 AND 20),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX webhook_endpoints_active_idx ON app.webhook_endpoints (organization_id) WHERE is_active;
CREATE INDEX webhook_endpoints_created_by_idx ON app.webhook_endpoints (created_by);
COMMENT ON TABLE app.webhook_endpoints IS
  E'Webhook endpoints\nURLs of the organization that receive its events as signed HTTP POSTs (docs/platform/webhooks.md). Managed with webhook.manage; the signing secret is made by the server (app.webhook_endpoint_secret reads it).';
COMMENT ON COLUMN app.webhook_endpoints.organization_id IS E'Organization\nThe tenant whose events the endpoint receives.';
COMMENT ON COLUMN app.webhook_endpoints.id IS E'Endpoint id\nFilled by the server when left out.';
COMMENT ON COLUMN app.webhook_endpoints.url IS E'URL\nhttp or https, without user name or password; redirects are not followed.';
COMMENT ON COLUMN app.webhook_endpoints.description IS E'Description\nWhat the endpoint is for (free text).';
COMMENT ON COLUMN app.webhook_endpoints.event_types IS
  'Event types\nFilters: an event type (project.created), a prefix with a wildcard (project.*: every event whose type starts with project.) or * (every event).';
COMMENT ON COLUMN app.webhook_endpoints.is_active IS E'Active\nAn inactive endpoint gets no new deliveries; queued ones are cancelled.';
COMMENT ON COLUMN app.webhook_endpoints.max_attempts IS E'Attempts\nHow many attempts a delivery gets before it is dead (1 to 20; 8 by default).';
COMMENT ON COLUMN app.webhook_endpoints.created_by IS E'Created by\nWho registered the endpoint.';
COMMENT ON COLUMN app.webhook_endpoints.created_at IS E'Created\nWhen the endpoint was registered.';
COMMENT ON COLUMN app.webhook_endpoints.updated_at IS E'Updated\nWhen the endpoint last changed.';

-- The secret lives apart from the endpoint, so no read of the table shows
-- it; only app.webhook_endpoint_secret and app.rotate_webhook_secret do.
CREATE TABLE app_private.webhook_secrets (
  organization_id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, endpoint_id),
  FOREIGN KEY (organization_id, endpoint_id) REFERENCES app.webhook_endpoints (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app_private.webhook_secrets IS
  'The HMAC-SHA256 signing secret of each webhook endpoint, made by the server when the endpoint is created or rotated.';

CREATE TABLE app.webhook_deliveries (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CONSTRAINT webhook_deliveries_status_known CHECK (status IN ('pending', 'delivered', 'dead', 'cancelled')),
  attempt_count integer NOT NULL DEFAULT 0,
  round_attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_response_code integer,
  last_error text,
  delivered_at timestamptz,
  replay_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT webhook_deliveries_once UNIQUE (organization_id, endpoint_id, event_id),
  FOREIGN KEY (organization_id, endpoint_id) REFERENCES app.webhook_endpoints (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, event_id) REFERENCES app_private.events (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_event_idx ON app.webhook_deliveries (organization_id, event_id);
CREATE INDEX webhook_deliveries_status_idx ON app.webhook_deliveries (organization_id, status, created_at);
CREATE INDEX webhook_deliveries_settled_idx ON app.webhook_deliveries (updated_at) WHERE status <> 'pending';
COMMENT ON TABLE app.webhook_deliveries IS
  E'Webhook deliveries\nOne event sent to one endpoint: pending (queued or waiting for its next attempt), delivered, dead (every attempt failed) or cancelled (the endpoint was deactivated). app.replay_webhook_delivery sends it again.';
COMMENT ON COLUMN app.webhook_deliveries.organization_id IS E'Organization\nThe tenant of the event and of the endpoint.';
COMMENT ON COLUMN app.webhook_deliveries.id IS E'Delivery id\nSent as the Pulse-Webhook-Id header; the same on every attempt and replay.';
COMMENT ON COLUMN app.webhook_deliveries.endpoint_id IS E'Endpoint\nWhere the event is sent.';
COMMENT ON COLUMN app.webhook_deliveries.event_id IS E'Event id\nThe event sent (the id field of the body).';
COMMENT ON COLUMN app.webhook_deliveries.event_type IS E'Event type\nThe type of the event sent (e.g. project.created).';
COMMENT ON COLUMN app.webhook_deliveries.status IS E'Status\npending, delivered, dead or cancelled.';
COMMENT ON COLUMN app.webhook_deliveries.attempt_count IS E'Attempts\nAttempts made so far, replays included.';
COMMENT ON COLUMN app.webhook_deliveries.round_attempts IS E'Attempts since the last replay\nCounted against the endpoint''s max_attempts.';
COMMENT ON COLUMN app.webhook_deliveries.next_attempt_at IS E'Next attempt\nWhen the next attempt is due (pending deliveries only).';
COMMENT ON COLUMN app.webhook_deliveries.last_attempt_at IS E'Last attempt\nWhen the last attempt ended.';
COMMENT ON COLUMN app.webhook_deliveries.last_response_code IS E'Last response code\nThe HTTP status of the last attempt; empty when there was no answer.';
COMMENT ON COLUMN app.webhook_deliveries.last_error IS E'Last error\nWhy the last attempt failed (truncated).';
COMMENT ON COLUMN app.webhook_deliveries.delivered_at IS E'Delivered\nWhen the endpoint answered 2xx.';
COMMENT ON COLUMN app.webhook_deliveries.replay_count IS E'Replays\nHow often app.replay_webhook_delivery sent it again.';
COMMENT ON COLUMN app.webhook_deliveries.created_at IS E'Created\nWhen the event was published.';
COMMENT ON COLUMN app.webhook_deliveries.updated_at IS E'Updated\nWhen the delivery last changed.';

CREATE TABLE app.webhook_attempts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  delivery_id uuid NOT NULL,
  attempt_number integer NOT NULL CONSTRAINT webhook_attempts_number_positive CHECK (attempt_number > 0),
  outcome text NOT NULL CONSTRAINT webhook_attempts_outcome_known CHECK (outcome IN ('delivered', 'failed')),
  response_code integer,
  duration_ms integer NOT NULL CONSTRAINT webhook_attempts_duration_positive CHECK (duration_ms >= 0),
  error text CONSTRAINT webhook_attempts_error_length CHECK (length(error) <= 1000),
  response_excerpt text CONSTRAINT webhook_attempts_excerpt_length CHECK (length(response_excerpt) <= 1000),
  attempted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT webhook_attempts_once UNIQUE (organization_id, delivery_id, attempt_number),
  FOREIGN KEY (organization_id, delivery_id) REFERENCES app.webhook_deliveries (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app.webhook_attempts IS
  E'Webhook delivery attempts\nEach HTTP POST of a delivery: outcome, response code, latency, error.';
COMMENT ON COLUMN app.webhook_attempts.organization_id IS E'Organization\nThe tenant of the delivery.';
COMMENT ON COLUMN app.webhook_attempts.id IS E'Attempt id\nMade by the server.';
COMMENT ON COLUMN app.webhook_attempts.delivery_id IS E'Delivery\nThe delivery attempted.';
COMMENT ON COLUMN app.webhook_attempts.attempt_number IS E'Attempt number\n1 for the first attempt; replays continue the count.';
COMMENT ON COLUMN app.webhook_attempts.outcome IS E'Outcome\ndelivered (a 2xx answer) or failed.';
COMMENT ON COLUMN app.webhook_attempts.response_code IS E'Response code\nThe HTTP status; empty when there was no answer (timeout, refused, unreachable).';
COMMENT ON COLUMN app.webhook_attempts.duration_ms IS E'Latency\nMilliseconds from sending the request to the end of the answer.';
COMMENT ON COLUMN app.webhook_attempts.error IS E'Error\nWhy the attempt failed (at most 1000 characters).';
COMMENT ON COLUMN app.webhook_attempts.response_excerpt IS E'Response\nThe start of the answer''s body (at most 1000 characters).';
COMMENT ON COLUMN app.webhook_attempts.attempted_at IS E'Attempted\nWhen the attempt ended.';

-- What the operator sets for every tenant (one row): retry backoff, the
-- request limits the worker applies, and how long settled deliveries stay.
CREATE TABLE app_private.webhook_settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT webhook_settings_singleton CHECK (singleton),
  retry_base interval NOT NULL DEFAULT '10 seconds' CONSTRAINT webhook_settings_retry_base_positive CHECK (retry_base > '0'),
  retry_max interval NOT NULL DEFAULT '1 hour' CONSTRAINT webhook_settings_retry_max_bounds CHECK (retry_max >= retry_base),
  timeout_ms integer NOT NULL DEFAULT 10000 CONSTRAINT webhook_settings_timeout_range CHECK (timeout_ms BETWEEN 100 AND 60000),
  max_response_bytes integer NOT NULL DEFAULT 65536 CONSTRAINT webhook_settings_response_range CHECK (max_response_bytes BETWEEN 0 AND 10485760),
  retention interval NOT NULL DEFAULT '30 days' CONSTRAINT webhook_settings_retention_positive CHECK (retention > '0'),
  dead_retention interval NOT NULL DEFAULT '90 days' CONSTRAINT webhook_settings_dead_retention_positive CHECK (dead_retention > '0')
);
INSERT INTO app_private.webhook_settings DEFAULT VALUES;
COMMENT ON TABLE app_private.webhook_settings IS
  'Webhook settings for every tenant (one row): attempt n waits retry_base * 2^(n-1), at most retry_max; the worker''s request timeout and response limit; delivered and cancelled deliveries are purged after retention, dead ones after dead_retention.';

COMMIT;
