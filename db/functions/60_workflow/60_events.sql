-- Real-time events of the workflow: triggers publish on one channel per
-- tenant and topic (progress, approvals) through app_private.publish_realtime
-- (50_platform/30_realtime.sql, the outbox the relay NOTIFYs); payloads are documented in
-- contracts/events/workflow/*.schema.json. Who may see an event is decided
-- here, per topic, by auth.can_see_<topic>_event, which
-- auth.realtime_event (50_platform/30_realtime.sql) calls as the subscriber:
-- an event reaches only those who may read its row.

CREATE OR REPLACE FUNCTION app_private.progress_event(
  p_progress app.project_sub_stage_progress, p_event text, p_previous_status app.sub_stage_status
) RETURNS jsonb
LANGUAGE sql VOLATILE
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'event', p_event,
    'organization_id', p_progress.organization_id,
    'project_id', p_progress.project_id,
    'progress_id', p_progress.id,
    'sub_stage_id', p_progress.sub_stage_id,
    'status', p_progress.status,
    'previous_status', p_previous_status,
    'occurred_at', pg_catalog.clock_timestamp())
$$;

COMMENT ON FUNCTION app_private.progress_event(app.project_sub_stage_progress, text, app.sub_stage_status) IS
  'The payload of a progress event (contracts/events/workflow/progress.schema.json).';

CREATE OR REPLACE FUNCTION app_private.publish_progress(
  p_progress app.project_sub_stage_progress, p_event text, p_previous_status app.sub_stage_status
) RETURNS void
LANGUAGE sql VOLATILE
AS $$
  SELECT app_private.publish_realtime('progress', p_progress.organization_id,
                                      app_private.progress_event(p_progress, p_event, p_previous_status))
$$;

COMMENT ON FUNCTION app_private.publish_progress(app.project_sub_stage_progress, text, app.sub_stage_status) IS
  'Publishes one progress event on pulse:progress:<tenant> (app_private.publish_realtime) (contracts/events/workflow/progress.schema.json).';

CREATE OR REPLACE FUNCTION app_private.tg_progress__publish() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_tenant record;
BEGIN
  -- Once per statement, from its transition tables (a manual stage change
  -- skips every open sub-stage of the stage it leaves in one UPDATE): one
  -- publish per tenant of the rows whose status changed, in sub-stage order.
  FOR v_tenant IN
    SELECT n.organization_id,
           pg_catalog.array_agg(app_private.progress_event(n, 'progress.updated', o.status) ORDER BY n.sub_stage_order, n.id)
             AS payloads
      FROM changed_new AS n
      JOIN changed_old AS o ON o.organization_id = n.organization_id AND o.id = n.id
     WHERE o.status IS DISTINCT FROM n.status
     GROUP BY n.organization_id
  LOOP
    PERFORM app_private.publish_realtime_many('progress', v_tenant.organization_id, v_tenant.payloads);
  END LOOP;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_progress__publish() IS
  'AFTER UPDATE, once per statement (transition tables changed_old, changed_new): publishes progress.updated for every row whose status changed (one publish per tenant, in sub-stage order).';

CREATE OR REPLACE FUNCTION app_private.tg_progress__publish_seeded() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_tenant record;
BEGIN
  -- Set-based: one publish of the statement's rows per tenant (a stage
  -- entry's thirty are one tenant's), in the sub-stages' order.
  FOR v_tenant IN
    SELECT i.organization_id,
           pg_catalog.array_agg(app_private.progress_event(i, 'progress.seeded', NULL) ORDER BY i.sub_stage_order, i.id) AS payloads
      FROM seeded AS i
     GROUP BY i.organization_id
  LOOP
    PERFORM app_private.publish_realtime_many('progress', v_tenant.organization_id, v_tenant.payloads);
  END LOOP;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_progress__publish_seeded() IS 'AFTER INSERT, once per statement: publishes progress.seeded for every row a stage entry seeded (one insert into the relay outbox per tenant, in sub-stage order).';

CREATE OR REPLACE FUNCTION app_private.tg_approvals__publish() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.publish_realtime('approvals', NEW.organization_id, pg_catalog.jsonb_build_object(
    'event', CASE TG_OP WHEN 'INSERT' THEN 'approval.requested' ELSE 'approval.updated' END,
    'organization_id', NEW.organization_id,
    'approval_id', NEW.id,
    'project_id', NEW.project_id,
    'approval_type', NEW.approval_type,
    'status', NEW.status,
    'previous_status', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
    'current_approver_id', NEW.current_approver_id,
    'occurred_at', pg_catalog.clock_timestamp()));
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_approvals__publish() IS 'AFTER INSERT or UPDATE: publishes on pulse:approvals:<tenant> (app_private.publish_realtime) (contracts/events/workflow/approval.schema.json).';

CREATE OR REPLACE TRIGGER _900_publish AFTER INSERT ON app.project_sub_stage_progress REFERENCING NEW TABLE AS seeded
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_progress__publish_seeded();
-- Transition tables rule out a column list (UPDATE OF status): the function
-- keeps the rows whose status changed.
CREATE OR REPLACE TRIGGER _901_publish_change AFTER UPDATE ON app.project_sub_stage_progress
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_progress__publish();
CREATE OR REPLACE TRIGGER _900_publish AFTER INSERT OR UPDATE OF status, current_approver_id, current_step ON app.approvals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approvals__publish();

CREATE OR REPLACE FUNCTION auth.can_see_progress_event(p_event jsonb) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT EXISTS (SELECT FROM app.project_sub_stage_progress AS p
                  WHERE p.organization_id = auth.event_key(p_event, 'organization_id')
                    AND p.id = auth.event_key(p_event, 'progress_id'))
$$;

COMMENT ON FUNCTION auth.can_see_progress_event(jsonb) IS
  'Whether the caller may see a progress event: they can read its progress row (row-level security; portal users read none). Called by auth.realtime_event.';

CREATE OR REPLACE FUNCTION auth.can_see_approvals_event(p_event jsonb) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT EXISTS (SELECT FROM app.approvals AS a
                  WHERE a.organization_id = auth.event_key(p_event, 'organization_id')
                    AND a.id = auth.event_key(p_event, 'approval_id'))
$$;

COMMENT ON FUNCTION auth.can_see_approvals_event(jsonb) IS
  'Whether the caller may see an approval event: they can read the approval (row-level security; portal users read none). Called by auth.realtime_event.';
