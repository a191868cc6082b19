-- The report sources (app.report_sources): the views reports may read, the
-- permission a caller needs for each, the columns with their types, which
-- may be filtered and sorted on, and what a new report shows. Applied by
-- every `pulse db migrate` and `pulse seed`; idempotent (a source taken out
-- of this list stays until a migration removes it with the definitions that
-- read it).
-- db/tests/95_reporting/test_report_sources.sql checks that every source is
-- a view of app that applies row-level security as its reader, readable by
-- the API roles, and that every column named exists with its type.

INSERT INTO app.report_sources (key, title, description, permission, columns, filter_columns, sort_columns, default_columns) VALUES
  ('project_portfolio', 'Project portfolio', 'Projects counted by current stage, status, priority and promise risk.', 'project.read',
   '{"stage_name": "text", "stage_order": "number", "status": "text", "priority": "text", "promise_risk": "text", "project_count": "number"}',
   '{stage_name,status,priority,promise_risk,project_count}', '{stage_order,stage_name,status,priority,project_count}',
   '{stage_name,status,priority,promise_risk,project_count}'),
  ('overdue_sub_stages', 'Overdue sub-stages', 'Open sub-stages of projects past their due time, with who is responsible and why they are blocked.', 'project.read',
   '{"project_number": "text", "project_title": "text", "sub_stage_name": "text", "status": "text", "assigned_to": "uuid", "due_at": "timestamp", "hours_overdue": "number", "blocked_reason": "text"}',
   '{project_number,sub_stage_name,status,assigned_to,due_at,hours_overdue}', '{project_number,due_at,hours_overdue}',
   '{project_number,project_title,sub_stage_name,status,due_at,hours_overdue}'),
  ('on_time_delivery', 'On-time delivery of projects', 'Per month: projects delivered, early, on time and late against their promised date.', 'project.read',
   '{"month": "date", "delivered_count": "number", "promised_count": "number", "delivered_early_count": "number", "delivered_on_time_count": "number", "delivered_late_count": "number", "on_time_rate": "number", "average_days_early": "number", "average_days_late": "number"}',
   '{month,on_time_rate}', '{month,on_time_rate}',
   '{month,delivered_count,delivered_on_time_count,delivered_late_count,on_time_rate}'),
  ('quality_pass_rate', 'Quality document pass rate', 'Per month and document category: quality records passed and failed.', 'project.read',
   '{"category": "text", "month": "date", "passed_count": "number", "failed_count": "number", "pass_rate": "number"}',
   '{category,month,pass_rate}', '{category,month,pass_rate}', '{category,month,passed_count,failed_count,pass_rate}'),
  ('approval_sla_breaches', 'Approval SLA breaches', 'Open approvals past their SLA, with escalation level.', 'project.read',
   '{"approval_id": "uuid", "approval_type": "text", "project_id": "uuid", "status": "text", "priority": "text", "current_approver_id": "uuid", "sla_due_at": "timestamp", "hours_over_sla": "number", "escalation_level": "number"}',
   '{approval_type,project_id,status,priority,current_approver_id,sla_due_at,hours_over_sla,escalation_level}',
   '{sla_due_at,hours_over_sla,escalation_level}', '{approval_type,project_id,priority,sla_due_at,hours_over_sla,escalation_level}'),
  ('approval_cycle_times', 'Approval cycle times', 'Per approval type: decided, approved and rejected approvals and the hours they took.', 'project.read',
   '{"approval_type": "text", "decided_count": "number", "approved_count": "number", "rejected_count": "number", "average_hours": "number", "median_hours": "number", "p90_hours": "number"}',
   '{approval_type}', '{approval_type,average_hours,median_hours}', '{approval_type,decided_count,average_hours,median_hours,p90_hours}'),
  ('equipment_calibration_status', 'Equipment calibration status', 'Each piece of equipment with its calibration state and due dates (site-scoped: tenant-wide or at one''s sites).', 'equipment.read',
   '{"equipment_id": "uuid", "equipment_number": "text", "name": "text", "site_id": "uuid", "equipment_status": "text", "requires_calibration": "boolean", "calibration_status": "text", "valid_to": "timestamp", "due_soon_from": "timestamp", "is_usable": "boolean"}',
   '{equipment_number,name,site_id,equipment_status,requires_calibration,calibration_status,valid_to,is_usable}',
   '{equipment_number,name,valid_to,calibration_status}', '{equipment_number,name,site_id,calibration_status,valid_to,is_usable}'),
  ('lab_kpi_turnaround', 'Lab turnaround', 'Hours from receipt to release per month, site and sample type (refreshed every 15 minutes).', 'sample.read',
   '{"site_id": "uuid", "sample_type_id": "uuid", "month": "timestamp", "samples_released": "number", "mean_hours": "number", "median_hours": "number", "p90_hours": "number", "computed_at": "timestamp"}',
   '{site_id,sample_type_id,month}', '{month,site_id,mean_hours}', '{month,site_id,sample_type_id,samples_released,mean_hours,median_hours,p90_hours}'),
  ('lab_kpi_backlog', 'Lab backlog', 'Open lab work per site, kind and status, with how much is overdue.', 'sample.read',
   '{"site_id": "uuid", "kind": "text", "status": "text", "open_count": "number", "overdue_count": "number", "computed_at": "timestamp"}',
   '{site_id,kind,status}', '{site_id,kind,open_count,overdue_count}', '{site_id,kind,status,open_count,overdue_count}'),
  ('lab_kpi_oos_rate', 'Out-of-specification rate', 'Per month, site and test: results judged, warnings, out of specification and the rate.', 'sample.read',
   '{"site_id": "uuid", "test_code": "text", "month": "timestamp", "results_judged": "number", "warnings": "number", "out_of_specification": "number", "oos_percent": "number", "computed_at": "timestamp"}',
   '{site_id,test_code,month,oos_percent}', '{month,test_code,oos_percent}', '{month,site_id,test_code,results_judged,out_of_specification,oos_percent}'),
  ('lab_kpi_run_failures', 'Run and QC failures', 'Per month, site and test: runs decided and failed, QC measured and failed.', 'sample.read',
   '{"site_id": "uuid", "test_code": "text", "month": "timestamp", "runs_decided": "number", "runs_failed": "number", "run_failure_percent": "number", "qc_measured": "number", "qc_failed": "number", "computed_at": "timestamp"}',
   '{site_id,test_code,month}', '{month,test_code,run_failure_percent}', '{month,site_id,test_code,runs_decided,runs_failed,run_failure_percent}'),
  ('lab_kpi_investigation_aging', 'OOS investigation aging', 'Open OOS investigations per site and phase by age.', 'sample.read',
   '{"site_id": "uuid", "phase": "text", "open_count": "number", "up_to_7_days": "number", "days_8_to_30": "number", "over_30_days": "number", "oldest_days": "number", "computed_at": "timestamp"}',
   '{site_id,phase}', '{site_id,phase,oldest_days}', '{site_id,phase,open_count,up_to_7_days,days_8_to_30,over_30_days,oldest_days}'),
  ('lab_kpi_instrument_utilization', 'Instrument utilization', 'Booked hours and utilization per instrument and week (site-scoped).', 'equipment.read',
   '{"equipment_id": "uuid", "site_id": "uuid", "week_start": "timestamp", "booked_hours": "number", "utilization_percent": "number", "computed_at": "timestamp"}',
   '{equipment_id,site_id,week_start,utilization_percent}', '{week_start,utilization_percent}',
   '{week_start,equipment_id,site_id,booked_hours,utilization_percent}'),
  ('reagent_stock', 'Reagent stock', 'Reagents and consumables with what is available, the next expiry and whether stock is low.', 'reagent.use',
   '{"code": "text", "name": "text", "kind": "text", "unit": "text", "low_stock_threshold": "number", "available": "number", "available_lots": "number", "next_expiry": "date", "is_low": "boolean"}',
   '{code,name,kind,is_low,next_expiry,available}', '{code,name,next_expiry,available}',
   '{code,name,kind,available,unit,next_expiry,is_low}'),
  ('activity_log', 'Activity log', 'Who changed what and when (the audit trail).', 'audit.read',
   '{"occurred_at": "timestamp", "actor_user_id": "uuid", "actor_role": "text", "entity_type": "text", "entity_id": "text", "action": "text", "project_id": "uuid", "request_id": "text"}',
   '{occurred_at,actor_user_id,entity_type,entity_id,action,project_id}', '{occurred_at,entity_type,action}',
   '{occurred_at,actor_user_id,entity_type,entity_id,action}')
ON CONFLICT (key) DO UPDATE SET title = excluded.title, description = excluded.description, permission = excluded.permission,
  columns = excluded.columns, filter_columns = excluded.filter_columns, sort_columns = excluded.sort_columns,
  default_columns = excluded.default_columns;
