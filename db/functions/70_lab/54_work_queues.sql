-- Work queues and SLA views (70_lab): what is waiting for the caller and
-- for their roles, and which service requests, analyses and SOP tasks are
-- overdue or due soon. Views WITH (security_invoker): every row is one the
-- caller's row-level security lets them read, so a site-scoped technician
-- sees their sites' work and another tenant's never. Staff only (a portal
-- user's queue is empty).

-- Where an item with a due date stands at a time: overdue (past due),
-- due_soon (within the next 48 hours), on_track, or no_due_date. In auth
-- (not app_private) because the views run as the caller.
CREATE OR REPLACE FUNCTION auth.lab_sla_state(p_due_at timestamptz, p_at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN p_due_at IS NULL THEN 'no_due_date'
              WHEN p_due_at < p_at THEN 'overdue'
              WHEN p_due_at < p_at + interval '48 hours' THEN 'due_soon'
              ELSE 'on_track' END
$$;
COMMENT ON FUNCTION auth.lab_sla_state(timestamptz, timestamptz) IS
  'overdue (due before p_at), due_soon (due within 48 hours of p_at), on_track, or no_due_date.';

CREATE OR REPLACE VIEW app.lab_work_queue WITH (security_invoker) AS
SELECT a.organization_id, 'analysis'::text AS kind, a.id AS item_id, s.sample_number AS reference,
       t.name || ' on ' || s.sample_number AS title, 'sample'::text AS entity_type, s.id AS entity_id, s.site_id,
       a.status::text AS status, a.assigned_to, a.due_at, coalesce(a.assigned_to = auth.user_id(), false) AS is_mine,
       auth.lab_sla_state(a.due_at, pg_catalog.now()) AS sla_state
  FROM app.analyses AS a
  JOIN app.samples AS s ON s.organization_id = a.organization_id AND s.id = a.sample_id
  JOIN app.lab_tests AS t ON t.organization_id = a.organization_id AND t.id = a.lab_test_id
 WHERE a.status IN ('pending', 'in_progress') AND auth.partner_id() IS NULL
   AND (a.assigned_to = auth.user_id() OR (a.assigned_to IS NULL AND auth.has_permission('result.enter', s.site_id))
        OR auth.is_platform_operator())
UNION ALL
SELECT r.organization_id, CASE r.status WHEN 'entered' THEN 'result_review' ELSE 'result_release' END, r.id, s.sample_number,
       t.name || ' on ' || s.sample_number, 'result', r.id, s.site_id, r.status::text, NULL::uuid, a.due_at, false,
       auth.lab_sla_state(a.due_at, pg_catalog.now())
  FROM app.results AS r
  JOIN app.analyses AS a ON a.organization_id = r.organization_id AND a.id = r.analysis_id
  JOIN app.samples AS s ON s.organization_id = r.organization_id AND s.id = r.sample_id
  JOIN app.lab_tests AS t ON t.organization_id = a.organization_id AND t.id = a.lab_test_id
 WHERE auth.partner_id() IS NULL
   AND ((r.status = 'entered' AND r.entered_by IS DISTINCT FROM auth.user_id() AND auth.has_permission('result.review', s.site_id))
        OR (r.status = 'reviewed' AND auth.has_permission('result.release', s.site_id))
        OR (r.status IN ('entered', 'reviewed') AND auth.is_platform_operator()))
UNION ALL
SELECT k.organization_id, 'sop_task', k.id, k.task_number, p.code || ' v' || p.version || ': ' || p.title, k.entity_type, k.entity_id,
       k.site_id, k.status::text, k.assigned_to, k.due_at, coalesce(k.assigned_to = auth.user_id(), false),
       auth.lab_sla_state(k.due_at, pg_catalog.now())
  FROM app.sop_tasks AS k
  JOIN app.sop_templates AS p ON p.organization_id = k.organization_id AND p.id = k.template_id
 WHERE k.status IN ('open', 'in_progress') AND auth.partner_id() IS NULL
   AND (k.assigned_to = auth.user_id() OR (k.assigned_to IS NULL AND auth.has_permission('task.manage', k.site_id))
        OR auth.is_platform_operator())
UNION ALL
SELECT q.organization_id, 'service_request', q.id, q.request_number, q.title, 'service_request', q.id, q.site_id, q.status::text,
       NULL::uuid, q.due_at, false, auth.lab_sla_state(q.due_at, pg_catalog.now())
  FROM app.service_requests AS q
 WHERE q.status = 'submitted' AND auth.partner_id() IS NULL
   AND (auth.has_permission('service_request.manage', q.site_id) OR auth.is_platform_operator());
COMMENT ON VIEW app.lab_work_queue IS
  E'Lab work queue\nWhat is waiting for the caller and their roles: analyses assigned to them (or unassigned, with result.enter), results to review (entered by someone else, result.review) and to release (result.release), SOP tasks assigned to them (or unassigned, with task.manage), service requests to accept (service_request.manage); with due dates and where they stand against them. As the caller''s row-level security sees them; staff only (platform operators: all open work).';
COMMENT ON COLUMN app.lab_work_queue.organization_id IS 'Tenant';
COMMENT ON COLUMN app.lab_work_queue.kind IS E'Kind\nanalysis, result_review, result_release, sop_task or service_request.';
COMMENT ON COLUMN app.lab_work_queue.item_id IS E'Item\nThe analysis, result, SOP task or service request id.';
COMMENT ON COLUMN app.lab_work_queue.reference IS E'Reference\nThe human id (sample, task or request number).';
COMMENT ON COLUMN app.lab_work_queue.title IS E'Title';
COMMENT ON COLUMN app.lab_work_queue.entity_type IS E'On\nThe entity type the work is on.';
COMMENT ON COLUMN app.lab_work_queue.entity_id IS E'Entity';
COMMENT ON COLUMN app.lab_work_queue.site_id IS E'Site';
COMMENT ON COLUMN app.lab_work_queue.status IS E'Status\nThe item''s own status.';
COMMENT ON COLUMN app.lab_work_queue.assigned_to IS E'Assigned to\nEmpty for unassigned work and for reviews, releases and acceptances (any holder of the permission).';
COMMENT ON COLUMN app.lab_work_queue.due_at IS E'Due';
COMMENT ON COLUMN app.lab_work_queue.is_mine IS E'Mine\nAssigned to the caller.';
COMMENT ON COLUMN app.lab_work_queue.sla_state IS E'SLA\noverdue, due_soon (within 48 hours), on_track or no_due_date.';

CREATE OR REPLACE VIEW app.lab_sla WITH (security_invoker) AS
SELECT q.organization_id, 'service_request'::text AS kind, q.id AS item_id, q.request_number AS reference, q.title, q.site_id,
       q.partner_id, q.status::text AS status, NULL::uuid AS assigned_to, q.received_at AS started_at, q.due_at,
       auth.lab_sla_state(q.due_at, pg_catalog.now()) AS sla_state,
       round((extract(epoch FROM q.due_at - pg_catalog.now()) / 3600)::numeric, 1) AS hours_left
  FROM app.service_requests AS q
 WHERE q.status IN ('submitted', 'accepted', 'in_progress') AND auth.partner_id() IS NULL
UNION ALL
SELECT a.organization_id, 'analysis', a.id, s.sample_number, t.name || ' on ' || s.sample_number, s.site_id, s.partner_id,
       a.status::text, a.assigned_to, s.received_at, a.due_at, auth.lab_sla_state(a.due_at, pg_catalog.now()),
       round((extract(epoch FROM a.due_at - pg_catalog.now()) / 3600)::numeric, 1)
  FROM app.analyses AS a
  JOIN app.samples AS s ON s.organization_id = a.organization_id AND s.id = a.sample_id
  JOIN app.lab_tests AS t ON t.organization_id = a.organization_id AND t.id = a.lab_test_id
 WHERE a.status IN ('pending', 'in_progress', 'resulted', 'reviewed') AND auth.partner_id() IS NULL
UNION ALL
SELECT k.organization_id, 'sop_task', k.id, k.task_number, p.code || ' v' || p.version || ': ' || p.title, k.site_id, NULL::uuid,
       k.status::text, k.assigned_to, k.started_at, k.due_at, auth.lab_sla_state(k.due_at, pg_catalog.now()),
       round((extract(epoch FROM k.due_at - pg_catalog.now()) / 3600)::numeric, 1)
  FROM app.sop_tasks AS k
  JOIN app.sop_templates AS p ON p.organization_id = k.organization_id AND p.id = k.template_id
 WHERE k.status IN ('open', 'in_progress') AND auth.partner_id() IS NULL;
COMMENT ON VIEW app.lab_sla IS
  E'Lab SLA\nOpen service requests, analyses and SOP tasks with their due dates: overdue, due_soon (within 48 hours), on_track or no_due_date, and the hours left (negative when overdue). Filter sla_state=eq.overdue for the overdue list. As the caller''s row-level security sees them; staff only.';
COMMENT ON COLUMN app.lab_sla.organization_id IS 'Tenant';
COMMENT ON COLUMN app.lab_sla.kind IS E'Kind\nservice_request, analysis or sop_task.';
COMMENT ON COLUMN app.lab_sla.item_id IS E'Item';
COMMENT ON COLUMN app.lab_sla.reference IS E'Reference\nThe human id.';
COMMENT ON COLUMN app.lab_sla.title IS E'Title';
COMMENT ON COLUMN app.lab_sla.site_id IS E'Site';
COMMENT ON COLUMN app.lab_sla.partner_id IS E'Customer';
COMMENT ON COLUMN app.lab_sla.status IS E'Status';
COMMENT ON COLUMN app.lab_sla.assigned_to IS E'Assigned to';
COMMENT ON COLUMN app.lab_sla.started_at IS E'Clock started\nReceipt (requests, analyses) or the first step (tasks).';
COMMENT ON COLUMN app.lab_sla.due_at IS E'Due';
COMMENT ON COLUMN app.lab_sla.sla_state IS E'SLA\noverdue, due_soon, on_track or no_due_date.';
COMMENT ON COLUMN app.lab_sla.hours_left IS E'Hours left\nUntil due; negative when overdue.';

CREATE OR REPLACE VIEW app.lab_sla_by_assignee WITH (security_invoker) AS
SELECT l.organization_id, l.assigned_to, count(*) AS open_items,
       count(*) FILTER (WHERE l.sla_state = 'overdue') AS overdue,
       count(*) FILTER (WHERE l.sla_state = 'due_soon') AS due_soon,
       count(*) FILTER (WHERE l.sla_state = 'no_due_date') AS no_due_date,
       min(l.due_at) AS next_due_at
  FROM app.lab_sla AS l
 WHERE l.kind <> 'service_request'
 GROUP BY l.organization_id, l.assigned_to;
COMMENT ON VIEW app.lab_sla_by_assignee IS
  E'Lab SLA by assignee\nOpen analyses and SOP tasks per assignee (empty: unassigned): how many, how many overdue, due soon, without a due date, and the next due date. As the caller''s row-level security sees them.';
COMMENT ON COLUMN app.lab_sla_by_assignee.organization_id IS 'Tenant';
COMMENT ON COLUMN app.lab_sla_by_assignee.assigned_to IS E'Assignee\nEmpty for unassigned work.';
COMMENT ON COLUMN app.lab_sla_by_assignee.open_items IS E'Open';
COMMENT ON COLUMN app.lab_sla_by_assignee.overdue IS E'Overdue';
COMMENT ON COLUMN app.lab_sla_by_assignee.due_soon IS E'Due soon\nWithin 48 hours.';
COMMENT ON COLUMN app.lab_sla_by_assignee.no_due_date IS E'Without a due date';
COMMENT ON COLUMN app.lab_sla_by_assignee.next_due_at IS E'Next due';
