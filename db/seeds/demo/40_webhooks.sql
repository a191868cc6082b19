-- Demo: a webhook endpoint of Acme for project and approval events, aimed at
-- a receiver on this machine (docs/platform/webhooks.md shows one in a few
-- lines of Python). Until one listens on port 8787, deliveries fail and the
-- delivery log shows the retries and, after 3 attempts, the dead letter;
-- app.replay_webhook_delivery sends one again.
-- Idempotent: the endpoint is known by its tenant and URL.
INSERT INTO app.webhook_endpoints (organization_id, url, description, event_types, max_attempts)
SELECT o.id, 'http://127.0.0.1:8787/pulse-webhooks', 'Demo receiver on this machine (docs/platform/webhooks.md)',
       '{project.*,approval.decided}', 3
  FROM app.organizations AS o
 WHERE o.slug = 'acme-manufacturing'
   AND NOT EXISTS (SELECT FROM app.webhook_endpoints AS e
                    WHERE e.organization_id = o.id AND e.url = 'http://127.0.0.1:8787/pulse-webhooks');
