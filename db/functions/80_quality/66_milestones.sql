-- Project milestones (migration workflow/project_milestones): written with
-- project.update, read with project.read by the tenant's staff. A milestone
-- is done exactly when it has its actual date (constraint
-- project_milestones_done_has_date): setting the actual date marks it done,
-- unless the writer says otherwise. Slippage depends on today, so it is a
-- view, not a column.

CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.project_milestones
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.project_milestones
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'project_id');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.project_milestones
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('project.update');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.project_milestones
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.tg_project_milestones__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := coalesce(NEW.created_by, auth.user_id());
  END IF;
  -- An actual date given without a status change marks the milestone done;
  -- a done milestone reopened loses its actual date.
  IF NEW.actual_date IS NOT NULL AND NEW.status IN ('planned', 'in_progress')
     AND (TG_OP = 'INSERT' OR NEW.status = OLD.status) THEN
    NEW.status := 'done';
  ELSIF TG_OP = 'UPDATE' AND OLD.status = 'done' AND NEW.status IN ('planned', 'in_progress') AND NEW.actual_date IS NOT DISTINCT FROM OLD.actual_date THEN
    NEW.actual_date := NULL;
  END IF;
  IF NEW.status = 'done' AND NEW.actual_date IS NULL THEN
    RAISE EXCEPTION 'a done milestone needs its actual date' USING ERRCODE = 'PT422', DETAIL = 'project_milestone.actual_date_missing',
      HINT = 'Send actual_date (the day it was reached); the status becomes done.';
  END IF;
  IF NEW.actual_date > (pg_catalog.now() AT TIME ZONE 'UTC')::date + 1 THEN
    RAISE EXCEPTION 'the actual date % is in the future', NEW.actual_date USING ERRCODE = 'PT422', DETAIL = 'project_milestone.actual_date_future',
      HINT = 'A milestone is reached on a day that has come; change planned_date to move it.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_project_milestones__prepare() IS
  'BEFORE INSERT OR UPDATE on project_milestones: refuses another tenant''s row (tenant.foreign_row), stamps created_by; an actual date marks a planned or in-progress milestone done, reopening a done one clears it; PT422 project_milestone.actual_date_missing (done without a date), project_milestone.actual_date_future.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.project_milestones
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_project_milestones__prepare();

CREATE OR REPLACE VIEW app.project_milestone_slippage WITH (security_invoker = true) AS
SELECT m.organization_id, m.id, m.project_id, pr.project_number, m.name, m.position, m.status, m.planned_date, m.actual_date,
       CASE m.status
         WHEN 'done' THEN m.actual_date - m.planned_date
         WHEN 'cancelled' THEN NULL
         ELSE greatest(CURRENT_DATE - m.planned_date, 0)
       END AS slippage_days,
       CASE m.status
         WHEN 'done' THEN m.actual_date > m.planned_date
         WHEN 'cancelled' THEN false
         ELSE CURRENT_DATE > m.planned_date
       END AS is_slipped
  FROM app.project_milestones AS m
  JOIN app.projects AS pr ON pr.organization_id = m.organization_id AND pr.id = m.project_id;
COMMENT ON VIEW app.project_milestone_slippage IS
  E'Milestone slippage\nEach milestone with its slippage in days: a done one, actual minus planned date (negative when early); an open one, how many days today is past the planned date (0 before it); a cancelled one, none. is_slipped: late. In the database''s current date; as the caller may read projects.';
COMMENT ON COLUMN app.project_milestone_slippage.organization_id IS E'Tenant';
COMMENT ON COLUMN app.project_milestone_slippage.id IS E'Milestone';
COMMENT ON COLUMN app.project_milestone_slippage.project_id IS E'Project';
COMMENT ON COLUMN app.project_milestone_slippage.project_number IS E'Project number\nPRJ-000123.';
COMMENT ON COLUMN app.project_milestone_slippage.name IS E'Name';
COMMENT ON COLUMN app.project_milestone_slippage.position IS E'Position';
COMMENT ON COLUMN app.project_milestone_slippage.status IS E'Status';
COMMENT ON COLUMN app.project_milestone_slippage.planned_date IS E'Planned date';
COMMENT ON COLUMN app.project_milestone_slippage.actual_date IS E'Actual date';
COMMENT ON COLUMN app.project_milestone_slippage.slippage_days IS E'Slippage (days)\nActual (or today, while open) minus planned; open milestones never negative; none when cancelled.';
COMMENT ON COLUMN app.project_milestone_slippage.is_slipped IS E'Slipped\nReached after, or still open past, the planned date.';
