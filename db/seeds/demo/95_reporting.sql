-- Reporting on Acme: management's shared report of equipment due for
-- calibration (a required "until" parameter), QA's private report of
-- approvals past their SLA, a shared quality dashboard showing both with the
-- on-time delivery trend, and two executions of the calibration report
-- queued for the worker as CSV and one as PDF (with `pulse up` both are
-- stored at once).
-- Runs once per tenant (skipped when the tenant already has definitions).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_management uuid := (SELECT id FROM app.users WHERE email = 'management@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_calibration uuid;
  v_breaches uuid;
BEGIN
  IF v_tenant IS NULL OR v_management IS NULL OR v_qa IS NULL
     OR EXISTS (SELECT FROM app.report_definitions WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  INSERT INTO app.report_definitions (name, description, source_key, columns, sort, row_limit)
  VALUES ('Approvals past their SLA', 'Open approvals past their SLA, the longest overdue first.', 'approval_sla_breaches',
          '{approval_type,priority,sla_due_at,hours_over_sla,escalation_level}', '[{"column": "hours_over_sla", "direction": "desc"}]', 200)
  RETURNING id INTO v_breaches;

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  INSERT INTO app.report_definitions (name, description, source_key, columns, filters, sort, parameters, visibility)
  VALUES ('Calibration due', 'Equipment whose calibration is due soon or overdue by a date.', 'equipment_calibration_status',
          '{equipment_number,name,site_id,calibration_status,valid_to}',
          '[{"column": "requires_calibration", "op": "=", "value": true}, {"column": "valid_to", "op": "<=", "param": "until"}]',
          '[{"column": "valid_to", "direction": "asc"}]',
          '[{"name": "until", "type": "timestamp", "label": "Due by", "default": "2030-12-31T00:00:00Z"}]', 'shared')
  RETURNING id INTO v_calibration;
  INSERT INTO app.dashboards (name, description, layout, visibility)
  VALUES ('Quality overview', 'Calibration due, on-time delivery and the project portfolio.',
          jsonb_build_object('columns', 12, 'refresh_seconds', 900, 'widgets', jsonb_build_array(
            jsonb_build_object('key', 'calibration', 'title', 'Calibration due', 'report_definition_id', v_calibration,
                               'chart', 'table', 'x', 0, 'y', 0, 'w', 6, 'h', 5),
            jsonb_build_object('key', 'otd', 'title', 'On-time delivery', 'source', 'on_time_delivery', 'chart', 'line',
                               'x', 6, 'y', 0, 'w', 6, 'h', 5,
                               'options', jsonb_build_object('x_column', 'month', 'y_columns', jsonb_build_array('on_time_rate'))),
            jsonb_build_object('key', 'portfolio', 'title', 'Projects by stage', 'source', 'project_portfolio', 'chart', 'bar',
                               'x', 0, 'y', 5, 'w', 12, 'h', 4,
                               'options', jsonb_build_object('x_column', 'stage_name', 'y_columns', jsonb_build_array('project_count'),
                                                             'series_column', 'status')))),
          'shared');
  PERFORM app.run_report(v_calibration, '{}', 'csv');
  PERFORM app.run_report(v_calibration, '{}', 'pdf');

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
