-- Customer views: what a customer's portal user may know of their projects.
-- The tables behind them are staff-only (projects carry internal values and
-- metadata; progress rows a metadata log of staff comments, blocked_reason,
-- assignees and routing), so these views read them with their owner's rights
-- and apply the read rule themselves: staff read the tenant's projects, a
-- portal user their customer's, platform operators all; none what is in the
-- trash (app.soft_delete).
CREATE OR REPLACE VIEW app.customer_projects WITH (security_barrier) AS
SELECT p.organization_id, p.id AS project_id, p.project_number, p.title, p.customer_organization_id,
       p.status, p.current_stage_id, st.name AS stage_name, p.stage_entered_at, p.requested_due_date, p.promised_due_date,
       p.delivered_at, p.completed_at
  FROM app.projects AS p
  LEFT JOIN app.workflow_stages AS st ON st.organization_id = p.organization_id AND st.id = p.current_stage_id
 WHERE p.deleted_at IS NULL
   AND ((SELECT auth.is_platform_operator())
        OR (p.organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
            AND ((SELECT auth.partner_id()) IS NULL OR p.customer_organization_id = (SELECT auth.partner_id()))));

COMMENT ON VIEW app.customer_projects IS
  E'Projects as a customer may see them: status, current stage and dates, without internal values, metadata or team. Staff read all of the tenant''s projects, a portal user those of their customer.';
COMMENT ON COLUMN app.customer_projects.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.customer_projects.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.customer_projects.project_number IS 'The project''s human id.';
COMMENT ON COLUMN app.customer_projects.title IS 'Title.';
COMMENT ON COLUMN app.customer_projects.customer_organization_id IS 'The customer.';
COMMENT ON COLUMN app.customer_projects.status IS 'Project status.';
COMMENT ON COLUMN app.customer_projects.current_stage_id IS 'The current stage.';
COMMENT ON COLUMN app.customer_projects.stage_name IS 'Its name.';
COMMENT ON COLUMN app.customer_projects.stage_entered_at IS 'When the project entered it.';
COMMENT ON COLUMN app.customer_projects.requested_due_date IS 'Date the customer asked for.';
COMMENT ON COLUMN app.customer_projects.promised_due_date IS 'Date promised.';
COMMENT ON COLUMN app.customer_projects.delivered_at IS 'When delivery was confirmed.';
COMMENT ON COLUMN app.customer_projects.completed_at IS 'When the project completed.';

CREATE OR REPLACE VIEW app.customer_project_progress WITH (security_barrier) AS
SELECT pr.organization_id, pr.id AS progress_id, pr.project_id, p.project_number,
       pr.workflow_stage_id, st.name AS stage_name, st.stage_order, pr.sub_stage_id, ss.name AS sub_stage_name,
       pr.sub_stage_order, pr.status, pr.started_at, pr.due_at, pr.completed_at
  FROM app.project_sub_stage_progress AS pr
  JOIN app.projects AS p ON p.organization_id = pr.organization_id AND p.id = pr.project_id
  JOIN app.workflow_stages AS st ON st.organization_id = pr.organization_id AND st.id = pr.workflow_stage_id
  JOIN app.workflow_sub_stages AS ss ON ss.organization_id = pr.organization_id AND ss.id = pr.sub_stage_id
 WHERE p.deleted_at IS NULL
   AND ((SELECT auth.is_platform_operator())
        OR (pr.organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
            AND ((SELECT auth.partner_id()) IS NULL OR p.customer_organization_id = (SELECT auth.partner_id()))));

COMMENT ON VIEW app.customer_project_progress IS
  E'Progress of projects as a customer may see it: each sub-stage''s status and dates, without staff comments, assignees or routing. Staff read all of the tenant''s projects, a portal user those of their customer.';
COMMENT ON COLUMN app.customer_project_progress.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.customer_project_progress.progress_id IS 'The progress row (project_sub_stage_progress.id).';
COMMENT ON COLUMN app.customer_project_progress.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.customer_project_progress.project_number IS 'The project''s human id.';
COMMENT ON COLUMN app.customer_project_progress.workflow_stage_id IS 'The stage.';
COMMENT ON COLUMN app.customer_project_progress.stage_name IS 'Stage name.';
COMMENT ON COLUMN app.customer_project_progress.stage_order IS 'Stage position in the catalog.';
COMMENT ON COLUMN app.customer_project_progress.sub_stage_id IS 'The sub-stage.';
COMMENT ON COLUMN app.customer_project_progress.sub_stage_name IS 'Sub-stage name.';
COMMENT ON COLUMN app.customer_project_progress.sub_stage_order IS 'Position inside the stage.';
COMMENT ON COLUMN app.customer_project_progress.status IS 'pending, in_progress, in_review, blocked, completed or skipped.';
COMMENT ON COLUMN app.customer_project_progress.started_at IS 'When work started.';
COMMENT ON COLUMN app.customer_project_progress.due_at IS 'When it is due.';
COMMENT ON COLUMN app.customer_project_progress.completed_at IS 'When it was completed or skipped.';

-- Portal users search their customer's projects through app.customer_projects
-- (its read rule), by human id and title only: the description is staff's.
SELECT app_private.register_search('project', $$setweight(to_tsvector('simple', t.project_number || ' ' || t.title), 'A')$$, 't.title',
                                   'partner', 'app.customer_projects', 'project_id');
