-- Verify pulse:quality/control_plans on pg

BEGIN;

SELECT organization_id, id, part_revision_id, site_id, title, status, owner_id, approved_by, approved_at, created_by, created_at, updated_at
  FROM app.control_plans WHERE false;
SELECT organization_id, id, control_plan_id, site_id, step_number, name, created_at FROM app.control_plan_steps WHERE false;
SELECT organization_id, id, control_plan_id, step_id, site_id, balloon, name, kind, nominal, lsl, usl, unit, special_class, sample_size,
       frequency, gauge_id, reaction_plan, chart_type, open_subgroup, open_count, created_at, updated_at FROM app.characteristics WHERE false;
SELECT organization_id, id, gauge_id, characteristic_id, site_id, method, tolerance, result, percent_grr, ndc, created_by, created_at
  FROM app.gauge_studies WHERE false;
SELECT organization_id, id, study_id, site_id, operator, part, trial, value FROM app.gauge_study_readings WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.characteristics', 'INSERT'))::int;

ROLLBACK;
