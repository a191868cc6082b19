-- Verify pulse:quality/inspections on pg

BEGIN;

SELECT organization_id, id, kind, part_id, part_revision_id, control_plan_id, lot_id, serial_id, site_id, line, fai_reason, status, passed,
       passed_first_time, completed_by, completed_at, decided_by, decided_at, decision_note, created_by, created_at, updated_at
  FROM app.inspections WHERE false;
SELECT organization_id, id, inspection_id, characteristic_id, site_id, balloon, measured_count, out_of_spec_count, last_value, last_in_spec
  FROM app.inspection_characteristics WHERE false;
SELECT organization_id, id, measured_at, inspection_id, characteristic_id, site_id, subgroup, value, defective, in_spec, gauge_id,
       recorded_by, created_at FROM app.measurements WHERE false;
SELECT 1 / (SELECT count(*)::int FROM app_private.append_heavy_tables WHERE table_name = 'app.measurements');
SELECT organization_id, id, characteristic_id, subgroup, site_id, n, mean, range, stddev, sum, sum_squares, defectives, closed_at
  FROM app.spc_subgroups WHERE false;
SELECT organization_id, id, characteristic_id, site_id, from_subgroup, to_subgroup, subgroups, center, ucl, lcl, dispersion_center,
       dispersion_ucl, dispersion_lcl, sigma_within, reason, change_reference, approved_by, approved_at, superseded_at FROM app.spc_baselines WHERE false;
SELECT organization_id, id, characteristic_id, baseline_id, site_id, subgroup, value, rules, rule_names, reaction_plan, status, cause, action,
       closed_by, closed_at, created_at, updated_at FROM app.spc_signals WHERE false;

ROLLBACK;
