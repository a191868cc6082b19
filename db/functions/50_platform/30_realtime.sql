-- Real-time channels: one NOTIFY channel per tenant and topic. Domains
-- publish on them (60_workflow/60_events.sql); the GraphQL server listens.

CREATE OR REPLACE FUNCTION app_private.event_channel(p_topic text, p_organization_id uuid) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT 'pulse:' || p_topic || ':' || p_organization_id
$$;

COMMENT ON FUNCTION app_private.event_channel(text, uuid) IS 'The NOTIFY channel of a topic (progress, approvals) in a tenant: pulse:<topic>:<organization id>.';
