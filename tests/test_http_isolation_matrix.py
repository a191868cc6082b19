"""Cross-tenant matrix over HTTP, generated from the catalog and the GraphQL schema.

For every table and view in the exposed schema, through PostgREST and
through PostGraphile: tenant A's rows are never visible or writable to an
admin of tenant B or to an anonymous caller, and neither can insert a row
into A, while a platform operator does see them (so the denials are about
A's rows, not empty tables). Both tenants are built here with the factories
(db/tests/fixtures), A with a row in every relation.

Every check reaches the rule it is about: B's admin holds every permission
in B, so where the API role may read, update (a column it may write) or
delete, only row-level security stands between B and A's rows, and A's rows
are read back as the owner afterwards; where the role has no privilege, the
check is that PostgREST refuses it for the privilege (42501), which fails
the day someone grants it without a policy.
Every function must have a case below: a new exposed object without one
fails the suite.
"""

from __future__ import annotations

import psycopg
import pytest
from graphql import build_schema, get_named_type

from helpers import ROOT, World, graphql, rest

pytestmark = pytest.mark.stack

# Tables and views without organization_id, and how A's rows are picked out in them.
GLOBAL_RELATIONS = {
    "organizations": "id",
    "users": "id",
    "sessions": "user_id",
    "permissions": None,  # the catalog: the same for everybody, read-only
    "entity_types": None,  # the entity register: the same for everybody, read-only
    "locales": None,  # the supported locales: the same for everybody, read-only
    "units": None,  # units of measure: the same for everybody, written by platform operators only
    "branding_fonts": None,  # the fonts a theme may use: the same for everybody, read-only
    "report_sources": None,  # the reportable views: the same for everybody, read-only (db/seeds/reference/95_reporting.sql)
}

# Functions: who may call them is their case; each is exercised by the suites named.
FUNCTION_CASES = {
    "health": "anonymous on purpose (test_stack)",
    "theme": "anonymous on purpose: the theme data of one custom domain, nothing else (test_branding.sql, test_branding_http)",
    "check_custom_domain": "no argument: queues the DNS check of the caller's own tenant's domain, branding.manage "
                           "(test_domain_verification.sql, test_branding_http)",
    "login": "anonymous on purpose (test_auth_http)",
    "refresh": "anonymous on purpose (test_auth_http)",
    "accept_invitation": "anonymous on purpose: only the holder of the emailed token (test_membership_rules.sql, test_auth_http)",
    "logout": "own session only (test_identity.sql)",
    "switch_organization": "membership required (test_identity.sql, test_auth_http)",
    "change_password": "own password only (test_identity.sql)",
    "set_user_password": "operators only (catalog grants)",
    "current_user_profile": "own row only",
    "accept_membership": "own invitation only (test_membership_rules.sql)",
    "add_member": "caller's tenant only; same answer for new and existing emails (test_membership_rules.sql, test_auth_http)",
    "set_direct_manager": "caller's tenant only (test_membership_rules.sql)",
    "create_role": "caller's tenant only (test_rbac.sql)",
    "set_role_permissions": "caller's tenant only (test_rbac.sql)",
    "delete_role": "caller's tenant only (test_rbac.sql)",
    "grant_role": "caller's tenant only: B's admin gets PT404 on A's memberships (test_rbac.sql)",
    "revoke_role": "caller's tenant only (test_rbac.sql)",
    "delete_organization": "operators only (test_tenant_lifecycle.sql)",
    "restore_organization": "operators only (test_tenant_lifecycle.sql)",
    "purge_organization": "operators only (test_tenant_lifecycle.sql)",
    "database_top_statements": "operators only: executable by app_admin alone (test_database_load.sql)",
    "database_lock_waits": "operators only: executable by app_admin alone (test_database_load.sql, test_lock_waits.py)",
    "entity_timeline": "same visibility as activity_log (test_audit.sql)",
    "project_timeline": "same visibility as activity_log (test_workflow_acceptance.sql)",
    "my_approvals": "the caller's own open approvals in the caller's tenant",
    "mark_all_notifications_read": "the caller's own notifications only (test_approvals_documents.sql)",
    "escalate_overdue_approvals": "the caller's tenant only (test_workflow_acceptance.sql)",
    "approval_route": "the caller's tenant only, staff only (test_approval_route.sql)",
    "workflow_stages_label": "computed column: the stage row the caller already reads (test_i18n.sql, test_i18n_http)",
    "workflow_sub_stages_label": "computed column: the sub-stage row the caller already reads (test_i18n.sql, test_i18n_http)",
    "search": "as the caller: row-level security, the caller's tenant only (test_search.sql, test_search_http)",
    "trash": "as the caller, trash.manage, the caller's tenant only (test_soft_delete.sql, test_search_http)",
    "convert_unit": "reads the global units only (test_units.sql)",
    "units_localized_name": "computed column of the global units",
    # Maintenance assets (db/functions/90_maintenance): reads of the caller's own tenant, as the caller sees it.
    "assets_geojson": "computed column: only asset rows the caller reads (test_assets.sql, test_maintenance_http)",
    "assets_within": "the caller's tenant only, as the caller sees assets (test_assets.sql, test_maintenance_http)",
    "nearest_assets": "the caller's tenant only, as the caller sees assets (test_assets.sql, test_maintenance_http)",
    "equipment_ancestors": "the caller's tenant only, as the caller sees equipment (test_assets.sql)",
    "worst_assets": "the caller's tenant's downtime only, as the caller sees it (test_failure_codes.sql)",
    "failure_pareto": "the caller's tenant's downtime and work orders only, as the caller sees them (test_failure_pareto.sql)",
    "ncr_defect_pareto": "counts the NCRs the caller reads, of their own tenant only (test_ncr_custom_fields.sql)",
    "type_lists_localized_label": "computed column: only rows the caller reads (test_custom_fields.sql)",
    "type_list_values_localized_label": "computed column: only rows the caller reads (test_custom_fields.sql)",
    "custom_field_definitions_localized_label": "computed column: only rows the caller reads (test_custom_fields.sql)",
    "custom_field_violations": "the caller's tenant, rows they may read only (test_custom_fields.sql)",
    "equipment_tree": "the caller's tenant only, as the caller sees equipment (test_equipment.sql)",
    "define_checklist_template": "writes the caller's tenant only, state_machine.manage (test_state_machine_guards.sql)",
    "define_state_machine": "writes the caller's tenant only, state_machine.manage (test_state_machines.sql)",
    "tagged_entities": "SECURITY INVOKER: the caller's row-level security on entity_tags and the entity (test_tags.sql)",
    "projects_tags": "SECURITY INVOKER: the caller's row-level security on entity_tags and tags (test_tags.sql)",
    "instrument_availability": "the caller's tenant, instruments they may see only: others' ids give no rows (test_scheduling.sql)",
    "instrument_calendar": "the caller's tenant, instruments they may see only: others' ids give no rows (test_scheduling.sql)",
    "receive_samples": "writes the caller's tenant only; a sample_id of another tenant is PT404 (test_receipt.sql)",
    "pool_samples": "the caller's tenant only: another tenant's sample ids are PT404 (test_lineage.sql)",
    "sample_lineage": "SECURITY INVOKER: the caller's row-level security on links and samples (test_lineage.sql, test_lab_samples_http)",
    "submit_service_request": "writes the caller's tenant only, the portal user's own partner (test_service_requests.sql)",
    "reagent_lots_effective_status": "computed column: the lot row the caller already reads (test_reagents.sql)",
    "create_lots": "writes the caller's tenant only: another tenant's site or part is PT404 (test_lots.sql, test_plant_access.sql)",
    "create_serials": "writes the caller's tenant only: another tenant's site, part or lot is PT404 (test_lots.sql, test_plant_access.sql)",
    "create_ncr": "writes the caller's tenant only: another tenant's site, part or lot is PT404 (test_ncr.sql)",
    "request_concession": "writes the caller's tenant only: another tenant's part or partner is PT404 (test_ncr.sql)",
    "file_complaint": "writes the caller's tenant only, a portal user's own partner (test_complaints.sql)",
    "set_sap_connection": "writes the caller's tenant's connection only, integration.manage (test_sap.sql, test_sap_http)",
    "sap_connections_password_set": "computed column: the connection row the caller already reads (test_sap.sql)",
    "map_sap_object": "writes the caller's tenant only: another tenant's entity is PT404 (test_sap.sql)",
    "stage_sap_materials": "writes the caller's tenant only, integration.manage (test_sap.sql)",
    "stage_sap_purchase_orders": "writes the caller's tenant only, integration.manage (test_sap.sql)",
    "apply_sap_staging": "applies the caller's tenant's staged rows only (test_sap.sql: another tenant's apply touches none)",
    "purchase_order_lines_received_quantity": "computed column: a line the caller reads; another tenant's gives NULL (test_sap_deliveries)",
    "purchase_order_lines_open_quantity": "computed column: a line the caller reads; another tenant's gives NULL (test_sap_deliveries)",
    "concessions_current_status": "computed column: the concession row the caller already reads (test_ncr.sql, test_ncr_http)",
    "concessions_used_quantity": "computed column: the concession row the caller already reads (test_ncr.sql, test_ncr_http)",
    "released_drawing": "caller's tenant only: PT404 for another tenant's drawing (test_drawings_change_orders.sql)",
    "effective_part_revision": "caller's tenant only: PT404 for another tenant's part (test_quality_workflows.sql)",
    "explode_project_bom": "caller's tenant only: empty for another tenant's project (test_project_bom_milestones.sql)",
    "part_where_used": "caller's tenant only: empty for another tenant's part (test_project_bom_milestones.sql)",
    "approved_suppliers_effective_status": "computed column: the list entry the caller already reads (test_suppliers.sql)",
    "record_receipt": "writes the caller's tenant only: another tenant's site, part, supplier or PO line is PT404 (test_suppliers.sql)",
    "issue_scar": "writes the caller's tenant only: another tenant's supplier or receipt is PT404 (test_suppliers.sql)",
    "create_shipment": "writes the caller's tenant only: another tenant's site or customer is PT404 (test_logistics.sql)",
    "gs1_check_digit": "IMMUTABLE: computes from its argument, reads no table (test_logistics.sql)",
    "gs1_key_valid": "IMMUTABLE: computes from its argument, reads no table (test_logistics.sql)",
    "gs1_sscc": "IMMUTABLE: computes from its arguments, reads no table (test_logistics.sql)",
    "gs1_date": "IMMUTABLE: computes from its argument, reads no table (test_logistics.sql)",
    "gs1_element_string": "IMMUTABLE: computes from its arguments, reads no table (test_logistics.sql)",
    "gs1_parse": "IMMUTABLE: computes from its argument, reads no table (test_logistics.sql)",
    "work_request_asset": "anonymous on purpose: the asset name of one QR token, nothing else (test_work_requests.sql)",
    "submit_work_request": "anonymous on purpose: writes a request on the QR token's asset only, rate-limited (test_work_requests.sql)",
    "request_work": "writes the caller's tenant only: another tenant's equipment is PT404 (test_work_requests.sql)",
    "create_work_order": "writes the caller's tenant only: another tenant's equipment or template is PT404 (test_work_orders.sql)",
    "define_work_order_template": "writes the caller's tenant only (test_work_orders.sql)",
    "search_work_orders": "reads as the caller: work orders and comments under row-level security (test_work_orders.sql)",
    "set_labour_rate": "writes the caller's tenant only: another tenant's user or qualification is PT404 (test_work_orders.sql)",
    # Maintenance calendar (db/functions/90_maintenance/90_*, 91_*).
    "define_maintenance_team": "writes the caller's tenant only: another tenant's site is PT404 (test_calendar.sql)",
    "my_work_orders": "reads as the caller: their own and their teams' work orders under row-level security (test_calendar.sql)",
    "maintenance_calendar": "the caller's tenant only, each branch with the caller's visibility (test_calendar.sql)",
    # Preventive schedules (db/functions/90_maintenance/82_*..84_*).
    "generate_pm_work_orders": "the caller's tenant only, at the plants where they hold work_order.manage (test_pm_schedules.sql)",
    "pm_forecast": "reads as the caller: schedules at plants they may read; another tenant forecasts none (test_pm_schedules.sql)",
    "my_calendar_feeds": "own feeds in the active tenant only (test_calendar.sql)",
    "calendar_feed": "anonymous on purpose: the ICS of one feed token, read as its owner; unknown or revoked is PT404 (test_calendar.sql)",
    "calendar_ics": "anonymous on purpose: calendar_feed for calendar apps (test_maintenance_calendar_http)",
    # E-mail notifications (db/functions/50_platform/22_email.sql).
    "set_notification_preference": "writes the caller's own preference in the caller's tenant only (test_email_notifications.sql)",
    "set_notification_channel": "writes the caller's own preferences in the caller's tenant only (test_email_digest.sql)",
    "unsubscribe_email": "anonymous on purpose: only the holder of a token signed for one person, tenant and kind; "
                         "forged or altered is PT404 (test_email_notifications.sql, test_email_http)",
}

# Functions that take the id of a tenant's row: called by B with A's ids over
# HTTP (test_functions_refuse_tenant_a_rows); {name} placeholders are A's ids.
ROW_FUNCTIONS = {
    "clone_workflow_definition": {"workflow_definition_id": "{definition}"},
    "override_project_stage": {"project_id": "{project}", "stage_id": "{stage}", "reason": "x"},
    "update_progress": {"project_id": "{project}", "sub_stage_id": "{sub_stage}", "action": "complete"},
    "decide_approval": {"approval_id": "{approval}", "decision": "approve"},
    "reassign_approval": {"approval_id": "{approval}", "approver_id": "{user}"},
    "delegate_approval": {"approval_id": "{approval}"},
    "cancel_approval": {"approval_id": "{approval}", "reason": "x"},
    "comment_on_approval": {"approval_id": "{approval}", "comment": "x"},
    "add_approval_attachment": {"approval_id": "{approval}", "document_id": "{document}", "version_number": 1},
    "create_document": {"project_id": "{project}", "title": "x", "category": "other", "file_extension": "txt",
                        "checksum": "0" * 64, "size_bytes": 1, "mime_type": "text/plain"},
    "add_document_version": {"document_id": "{document}", "checksum": "1" * 64, "size_bytes": 1, "mime_type": "text/plain"},
    "log_document_access": {"document_id": "{document}"},
    "document_upload_url": {"version_id": "{version}"},
    "confirm_document_upload": {"version_id": "{version}"},
    "document_download_url": {"version_id": "{version}"},
    "mark_notification_read": {"notification_id": "{notification}"},
    "attachment_upload_url": {"attachment_id": "{attachment}"},
    "confirm_attachment_upload": {"attachment_id": "{attachment}"},
    "attachment_download_url": {"attachment_id": "{attachment}"},
    "waive_exit_criterion": {"project_id": "{project}", "criterion_id": "{criterion}", "reason": "x"},
    "advance_capa": {"capa_id": "{capa}", "to_status": "cancelled", "note": "x"},
    "complete_capa_action": {"action_id": "{capa_action}", "note": "x"},
    "export_personal_data": {"user_id": "{user}"},
    "erase_personal_data": {"user_id": "{user}", "reason": "x"},
    "open_capa": {"title": "x", "problem_statement": "x", "source_entity_type": "project", "source_entity_id": "{project}"},
    "dry_run_rules": {"event_type": "project.stage_changed", "payload": {}, "entity_type": "project", "entity_id": "{project}"},
    "soft_delete": {"entity_type": "project", "entity_id": "{project}", "reason": "x"},
    "restore": {"entity_type": "project", "entity_id": "{project}"},
    "revoke_qualification": {"person_qualification_id": "{person_qualification}", "reason": "x"},
    "equipment_uses_since_last_good_calibration": {"equipment_id": "{equipment}"},
    "equipment_reliability": {"equipment_id": "{equipment}", "period_start": "2020-01-01T00:00:00Z",
                              "period_end": "2020-02-01T00:00:00Z"},
    "production_run_oee": {"run_id": "{production_run}"},
    "equipment_oee": {"equipment_id": "{production_machine}", "period_start": "2020-01-01T00:00:00Z",
                      "period_end": "2030-01-01T00:00:00Z"},
    "equipment_availability_losses": {"equipment_id": "{production_machine}", "period_start": "2020-01-01T00:00:00Z",
                                      "period_end": "2030-01-01T00:00:00Z"},
    "webhook_endpoint_secret": {"endpoint_id": "{webhook_endpoint}"},
    "rotate_webhook_secret": {"endpoint_id": "{webhook_endpoint}"},
    "replay_webhook_delivery": {"delivery_id": "{webhook_delivery}"},
    "publish_state_machine": {"state_machine_id": "{machine}"},
    "start_state_machine": {"entity_type": "document", "entity_id": "{controlled}"},
    "transition": {"entity_type": "document", "entity_id": "{controlled}", "to_state": "released", "reason": "x"},
    "available_transitions": {"entity_type": "document", "entity_id": "{controlled}"},
    "migrate_entity_state": {"entity_type": "document", "entity_id": "{controlled}", "state_machine_id": "{machine}",
                             "state": "draft", "reason": "x"},
    "start_checklist": {"template_key": "release-check", "entity_type": "document", "entity_id": "{controlled}"},
    "check_checklist_item": {"item_id": "{checklist_item}", "checked": False},
    "sign_eln_entry": {"entry_id": "{eln_entry}", "version": 1, "meaning": "witnessed", "password": "x", "reason": "x"},
    "eln_entry_diff": {"entry_id": "{eln_entry}", "from_version": 1, "to_version": 1},
    "issue_certificate": {"sample_id": "{certified_sample}", "signature_password": "x"},
    "reissue_certificate": {"certificate_id": "{certificate}", "reason": "x", "signature_password": "x"},
    "retry_certificate_render": {"version_id": "{certificate_version}"},
    "certificate_pdf_url": {"version_id": "{certificate_version}"},
    "book_instrument": {"equipment_id": "{equipment}", "starts_at": "2099-01-05T09:00:00Z", "ends_at": "2099-01-05T10:00:00Z",
                        "purpose": "x"},
    "cancel_instrument_reservation": {"reservation_id": "{reservation}", "reason": "x"},
    "reject_sample": {"sample_id": "{sample}", "reason": "leaking"},
    "invalidate_sample": {"sample_id": "{sample}", "reason": "x"},
    "retest_sample": {"sample_id": "{sample}"},
    "split_sample": {"sample_id": "{sample}", "kind": "aliquot", "children": [{"quantity": 1}]},
    "retain_sample": {"sample_id": "{sample}", "quantity": 1},
    "dispose_sample": {"sample_id": "{sample}", "method": "x", "reason": "x"},
    "start_run": {"run_id": "{run}"},
    "complete_run": {"run_id": "{run}"},
    "accept_run": {"run_id": "{run}"},
    "fail_run": {"run_id": "{run}", "reason": "x"},
    "record_qc_value": {"qc_sample_id": "{qc_sample}", "measured_value": 1},
    "ingest_results": {"import_id": "{instrument_import}"},
    # The lab's results part (db/functions/70_lab/70_results.sql ... 76_oos.sql).
    "record_result": {"analysis_id": "{analysis}", "value": {"value": 1}},
    "results_since_last_good_calibration": {"equipment_id": "{equipment}"},
    "review_result": {"result_id": "{result}"},
    "release_result": {"result_id": "{result}"},
    "amend_result": {"result_id": "{result}", "value": {"value": 1}, "reason": "x"},
    "decide_oos_phase_1": {"investigation_id": "{oos}", "assignable_cause": True, "findings": "x"},
    "open_oos_capa": {"investigation_id": "{oos}", "title": "x", "problem_statement": "x"},
    "close_oos_investigation": {"investigation_id": "{oos}", "conclusion": "x"},
    "accept_service_request": {"service_request_id": "{service_request}"},
    "cancel_service_request": {"service_request_id": "{service_request}", "reason": "x"},
    "cancel_sop_task": {"task_id": "{sop_task}", "reason": "x"},
    "start_sop_step": {"task_step_id": "{sop_task_step}"},
    "complete_sop_step": {"task_step_id": "{sop_task_step}", "check_values": {}},
    "move_sample": {"sample_id": "{stored_sample}", "to_location_id": "{storage_location}", "reason": "x"},
    "hand_over_sample": {"sample_id": "{stored_sample}", "reason": "x", "to_external": "x"},
    "use_reagent": {"lot_id": "{reagent_lot}", "quantity": 1, "unit": "mL", "entity_type": "sample", "entity_id": "{stored_sample}"},
    # Manufacturing: the parts master and traceability (db/functions/80_quality, 82_traceability).
    "release_part_revision": {"revision_id": "{part_revision}"},
    "obsolete_part_revision": {"revision_id": "{part_revision}"},
    "set_lot_quality_status": {"lot_id": "{lot}", "quality_status": "released", "reason": "x"},
    "set_lot_custom_fields": {"lot_id": "{lot}", "custom_fields": {}},
    "set_serial_quality_status": {"serial_id": "{serial}", "quality_status": "on_hold", "reason": "x"},
    "record_consumption": {"consumed": [{"lot_id": "{lot}", "quantity": 1}], "produced_serial_id": "{serial}"},
    "trace_forward": {"item_id": "{lot}"},
    "trace_backward": {"item_id": "{serial}"},
    "recall_simulation": {"lot_id": "{lot}"},
    # NCRs, concessions, complaints (db/functions/80_quality/30_ncr, 32_concessions, 34_complaints).
    "add_ncr_items": {"ncr_id": "{ncr}"},
    "advance_ncr": {"ncr_id": "{ncr}", "to_status": "cancelled", "note": "x"},
    "add_ncr_disposition": {"ncr_id": "{ncr}", "disposition": "scrap", "quantity": 1},
    "withdraw_ncr_disposition": {"disposition_id": "{ncr_disposition}"},
    "record_ncr_verification": {"ncr_id": "{ncr}", "result": "accepted", "note": "x"},
    "open_ncr_capa": {"ncr_id": "{ncr}"},
    "set_ncr_custom_fields": {"ncr_id": "{ncr}", "custom_fields": {}},
    "set_ncr_defect_category": {"ncr_id": "{ncr}", "defect_category": "x"},
    "decide_concession": {"concession_id": "{concession}", "granted": False},
    "revoke_concession": {"concession_id": "{concession}", "reason": "x"},
    "link_complaint": {"complaint_id": "{complaint}"},
    "link_complaint_shipments": {"complaint_id": "{complaint}"},
    "open_complaint_8d": {"complaint_id": "{complaint}"},
    "close_complaint": {"complaint_id": "{complaint}", "response": "x", "rejected": True},
    # Engineering: drawings (RDA), change orders, project BOM (db/functions/80_quality/6x).
    "submit_drawing_revision": {"revision_id": "{drawing_revision}"},
    "approve_drawing_revision": {"revision_id": "{drawing_revision}"},
    "reject_drawing_revision": {"revision_id": "{drawing_revision}", "reason": "x"},
    "submit_change_order": {"change_order_id": "{change_order}"},
    "approve_change_order": {"change_order_id": "{change_order}"},
    "reject_change_order": {"change_order_id": "{change_order}", "reason": "x"},
    "cancel_change_order": {"change_order_id": "{change_order}"},
    "implement_change_order": {"change_order_id": "{change_order}"},
    # Control plans, inspections and SPC (db/functions/80_quality/40_control_plans.sql, 42_inspections.sql, 54_spc_charts.sql).
    "create_control_plan": {"part_revision_id": "{part_revision}", "site_id": "{site}", "title": "x"},
    "add_control_plan_step": {"control_plan_id": "{control_plan}", "step_number": 20, "name": "x"},
    "add_characteristic": {"step_id": "{control_plan_step}", "name": "x", "kind": "variable", "chart_type": "imr",
                           "reaction_plan": "x", "usl": 1},
    "approve_control_plan": {"control_plan_id": "{control_plan}"},
    "obsolete_control_plan": {"control_plan_id": "{control_plan}"},
    "record_gauge_study": {"gauge_id": "{gauge}", "characteristic_id": "{characteristic}", "method": "average_range",
                           "readings": []},
    "open_inspection": {"control_plan_id": "{control_plan}", "kind": "in_process"},
    "record_measurement": {"inspection_id": "{inspection}", "characteristic_id": "{characteristic}", "value": 10},
    "record_measurements": {"inspection_id": "{inspection}", "characteristic_id": "{characteristic}", "values": [10]},
    "complete_inspection": {"inspection_id": "{inspection}"},
    "decide_inspection": {"inspection_id": "{inspection}", "approve": False},
    "fai_report": {"inspection_id": "{inspection}"},
    "set_fai_details": {"inspection_id": "{inspection}", "fai_report_number": "FAI-X"},
    "add_fai_form2_item": {"inspection_id": "{inspection}", "kind": "functional_test", "name": "x",
                           "functional_test_procedure": "x", "acceptance_report_number": "x"},
    "remove_fai_form2_item": {"item_id": "{fai_form2_item}"},
    "dashboard_widget_data": {"dashboard_id": "{dashboard}", "widget_key": "portfolio"},
    "raise_inspection_ncr": {"inspection_id": "{inspection}"},
    "approve_spc_baseline": {"characteristic_id": "{characteristic}", "from_subgroup": 1, "to_subgroup": 2, "reason": "x",
                             "change_reference": "x"},
    "spc_chart": {"characteristic_id": "{characteristic}"},
    "close_spc_signal": {"signal_id": "{spc_signal}", "cause": "x", "action": "x"},
    # Suppliers (db/functions/80_quality/22_receipts.sql, 24_scars.sql).
    "decide_receipt": {"receipt_id": "{receipt}", "accepted_quantity": 10},
    "respond_to_scar": {"scar_id": "{scar}", "root_cause": "x", "corrective_action": "x"},
    "review_scar_response": {"scar_id": "{scar}", "accept": True},
    # Logistics (db/functions/84_logistics).
    "add_shipping_unit": {"shipment_id": "{shipment}"},
    "add_shipment_item": {"shipment_id": "{shipment}", "lot_id": "{lot}", "quantity": 1},
    "ship_shipment": {"shipment_id": "{shipment}"},
    "issue_shipment_certificate": {"shipment_id": "{shipment}"},
    "request_label": {"shipping_unit_id": "{shipping_unit}"},
    "label_image_url": {"label_id": "{label}"},
    "shipment_certificate_url": {"certificate_id": "{shipment_certificate}"},
    "scan": {"code": "{shipment_number}", "location": "x", "device": "x"},
    # Maintenance work (db/functions/90_maintenance/70_* .. 80_*).
    "issue_work_request_token": {"equipment_id": "{work_order_asset}"},
    "revoke_work_request_token": {"equipment_id": "{work_order_asset}"},
    "decide_work_request": {"work_request_id": "{work_request}", "approve": False, "reason": "x"},
    "convert_work_request": {"work_request_id": "{work_request}"},
    "schedule_work_order": {"work_order_id": "{work_order}", "assignee_id": "{user}", "starts_at": "2030-01-01T08:00:00Z",
                            "ends_at": "2030-01-01T10:00:00Z"},
    "assign_work_order_contractor": {"work_order_id": "{work_order}", "contractor_id": None},
    "add_work_order_asset": {"work_order_id": "{work_order}", "equipment_id": "{work_order_asset}"},
    "transition_work_order": {"work_order_id": "{work_order}", "to_state": "cancelled", "reason": "x"},
    "log_labour": {"work_order_id": "{work_order}", "started_at": "2030-01-01T08:00:00Z", "hours": 1},
    "reverse_labour": {"entry_id": "{labour_entry}", "reason": "x"},
    "add_contractor_charge": {"work_order_id": "{work_order}", "partner_id": "{work_order_contractor}", "amount": 1, "currency": "EUR"},
    "record_work_order_stop": {"work_order_id": "{work_order}", "reason_code": "x", "started_at": "2030-01-01T08:00:00Z"},
    "set_work_order_failure_codes": {"work_order_id": "{work_order}", "problem_code": "x", "cause_code": "x", "remedy_code": "x"},
    "set_work_order_custom_fields": {"work_order_id": "{work_order}", "custom_fields": {}},
    # Work order checklists and signatures (db/functions/90_maintenance/86_checklists.sql, 88_signatures.sql).
    "answer_checklist_item": {"item_id": "{checklist_item}", "measured_value": 1},
    "attach_checklist_photo": {"item_id": "{checklist_item}", "file_name": "x.jpg", "mime_type": "image/jpeg", "size_bytes": 1,
                               "sha256": "a" * 64},
    "raise_checklist_follow_up": {"item_id": "{checklist_item}"},
    "complete_work_order": {"work_order_id": "{work_order}", "signature_password": "x", "reason": "x"},
    "verify_work_order": {"work_order_id": "{work_order}", "signature_password": "x", "reason": "x"},
    "sign_work_order_lockout": {"work_order_id": "{work_order}", "action": "applied", "signature_password": "x", "reason": "x"},
    # Maintenance calendar (db/functions/90_maintenance/90_*, 91_*).
    "add_team_member": {"team_id": "{team}", "user_id": "{user}"},
    "end_team_member": {"member_id": "{team_member}"},
    "schedule_work_order_for_team": {"work_order_id": "{work_order}", "team_id": "{team}", "starts_at": "2030-01-01T08:00:00Z",
                                     "ends_at": "2030-01-01T10:00:00Z"},
    "set_availability": {"user_id": "{user}", "starts_at": "2030-01-01T08:00:00Z", "ends_at": "2030-01-01T10:00:00Z"},
    "delete_availability": {"availability_id": "{availability}"},
    "issue_calendar_feed": {"scope": "team", "team_id": "{team}"},
    "revoke_calendar_feed": {"feed_id": "{calendar_feed}"},
    # Preventive schedules (db/functions/90_maintenance/82_* .. 84_*).
    "define_pm_schedule": {"equipment_id": "{work_order_asset}", "template_id": "{pm_template}", "name": "x", "rrule": "FREQ=DAILY"},
    "set_pm_schedule_active": {"pm_schedule_id": "{pm_schedule}", "active": False},
    # Reporting (db/functions/95_reporting/).
    "run_report": {"definition_id": "{report_definition}"},
    "report_execution_url": {"execution_id": "{report_execution}"},
    # SAP sync (db/functions/97_integration/).
    "unmap_sap_object": {"mapping_id": "{sap_mapping}"},
    "replay_sap_message": {"message_id": "{sap_message}"},
    # Maintenance spare parts and stores (db/functions/90_maintenance/40_*..44_*).
    "receive_stock": {"part_id": "{stock_part}", "bin_id": "{stock_bin}", "quantity": 1},
    "adjust_stock": {"part_id": "{stock_part}", "bin_id": "{stock_bin}", "counted_quantity": 1, "reason": "x"},
    "transfer_stock": {"part_id": "{stock_part}", "from_bin_id": "{stock_bin}", "to_bin_id": "{stock_bin_2}", "quantity": 1},
    "reserve_stock": {"part_id": "{stock_part}", "quantity": 1, "entity_type": "equipment", "entity_id": "{stock_asset}",
                      "bin_id": "{stock_bin}"},
    "release_stock_reservation": {"reservation_id": "{stock_reservation}", "reason": "x"},
    "issue_stock": {"part_id": "{stock_part}", "quantity": 1, "entity_type": "equipment", "entity_id": "{stock_asset}",
                    "bin_id": "{stock_bin}"},
    "return_stock": {"part_id": "{stock_part}", "bin_id": "{stock_bin}", "quantity": 1, "entity_type": "equipment",
                     "entity_id": "{stock_asset}"},
    "set_purchase_request_status": {"purchase_request_id": "{purchase_request}", "status": "cancelled", "note": "x"},
    # Parts kits (db/functions/90_maintenance/46_*..49_*).
    "set_work_order_template_part": {"template_id": "{kit_template}", "part_id": "{kit_part}", "quantity": 1},
    "remove_work_order_template_part": {"template_id": "{kit_template}", "part_id": "{kit_part}"},
    "set_work_order_part": {"work_order_id": "{kit_work_order}", "part_id": "{kit_part}", "quantity": 1},
    "remove_work_order_part": {"work_order_id": "{kit_work_order}", "part_id": "{kit_part}"},
    "record_work_order_part_usage": {"work_order_id": "{kit_work_order}", "part_id": "{kit_part}", "used_quantity": 1},
    # Maintenance assets (db/functions/90_maintenance).
    "assets_in_area": {"area_id": "{asset}"},
    "meter_usage_since": {"reading_id": "{meter_reading}"},
    "check_failure_codes": {"equipment_id": "{asset}", "problem_id": "{asset}", "cause_id": "{asset}", "remedy_id": "{asset}"},
}
A_ROWS = """
  select (select d.id from app.workflow_definitions d where d.organization_id = o.id and d.is_default)::text,
         (select p.id from app.projects p where p.organization_id = o.id and p.status = 'completed' limit 1)::text,
         (select s.id from app.workflow_stages s where s.organization_id = o.id and s.slug = 'quoted')::text,
         (select s.id from app.workflow_sub_stages s where s.organization_id = o.id and s.slug = 'engineering-review')::text,
         (select a.id from app.approvals a where a.organization_id = o.id and a.status = 'pending' limit 1)::text,
         (select d.id from app.documents d where d.organization_id = o.id limit 1)::text,
         (select v.id from app.document_versions v where v.organization_id = o.id limit 1)::text,
         (select n.id from app.notifications n where n.organization_id = o.id and n.read_at is null limit 1)::text,
         tests.member_with_role(o.id, 'qa')::text,
         (select c.id from app.workflow_exit_criteria c where c.organization_id = o.id and c.waivable limit 1)::text,
         (select c.id from app.capas c where c.organization_id = o.id limit 1)::text,
         (select a.id from app.capa_actions a where a.organization_id = o.id limit 1)::text,
         (select q.id from app.person_qualifications q where q.organization_id = o.id limit 1)::text,
         (select e.id from app.equipment e where e.organization_id = o.id limit 1)::text,
         (select e.id from app.webhook_endpoints e where e.organization_id = o.id limit 1)::text,
         (select d.id from app.webhook_deliveries d where d.organization_id = o.id and d.status = 'dead' limit 1)::text,
         (select m.id from app.state_machines m where m.organization_id = o.id and m.status = 'published'
            and m.entity_type = 'document')::text,
         (select s.entity_id from app.entity_states s where s.organization_id = o.id limit 1)::text,
         (select i.id from app.checklist_items i where i.organization_id = o.id limit 1)::text,
         (select a.id from app.attachments a where a.organization_id = o.id limit 1)::text,
         (select e.id from app.eln_entries e where e.organization_id = o.id limit 1)::text,
         (select c.sample_id from app.certificates c where c.organization_id = o.id limit 1)::text,
         (select c.id from app.certificates c where c.organization_id = o.id limit 1)::text,
         (select v.id from app.certificate_versions v where v.organization_id = o.id limit 1)::text,
         (select r.id from app.instrument_reservations r where r.organization_id = o.id limit 1)::text,
         (select s.id from app.samples s where s.organization_id = o.id and s.status = 'received' limit 1)::text,
         (select r.id from app.runs r where r.organization_id = o.id limit 1)::text,
         (select q.id from app.run_qc_samples q where q.organization_id = o.id limit 1)::text,
         (select i.id from app.instrument_imports i where i.organization_id = o.id limit 1)::text,
         (select a.id from app.analyses a where a.organization_id = o.id limit 1)::text,
         (select r.id from app.results r where r.organization_id = o.id limit 1)::text,
         (select i.id from app.oos_investigations i where i.organization_id = o.id limit 1)::text,
         (select r.id from app.service_requests r where r.organization_id = o.id limit 1)::text,
         (select t.id from app.sop_tasks t where t.organization_id = o.id limit 1)::text,
         (select s.id from app.sop_task_steps s where s.organization_id = o.id and s.status = 'pending' limit 1)::text,
         (select s.id from app.samples s where s.organization_id = o.id and s.storage_location_id is not null limit 1)::text,
         (select l.id from app.storage_locations l where l.organization_id = o.id and l.kind = 'box' limit 1)::text,
         (select l.id from app.reagent_lots l where l.organization_id = o.id limit 1)::text,
         (select r.id from app.part_revisions r where r.organization_id = o.id and r.status = 'draft' limit 1)::text,
         (select l.id from app.lots l where l.organization_id = o.id and l.quality_status = 'on_hold' limit 1)::text,
         (select s.id from app.serials s where s.organization_id = o.id limit 1)::text,
         (select n.id from app.ncrs n where n.organization_id = o.id limit 1)::text,
         (select d.id from app.ncr_dispositions d where d.organization_id = o.id limit 1)::text,
         (select c.id from app.concessions c where c.organization_id = o.id limit 1)::text,
         (select c.id from app.customer_complaints c where c.organization_id = o.id limit 1)::text,
         (select r.id from app.drawing_revisions r where r.organization_id = o.id and r.status = 'draft' limit 1)::text,
         (select c.id from app.change_orders c where c.organization_id = o.id limit 1)::text,
         (select s.id from app.sites s where s.organization_id = o.id limit 1)::text,
         (select p.id from app.control_plans p where p.organization_id = o.id limit 1)::text,
         (select s.id from app.control_plan_steps s where s.organization_id = o.id limit 1)::text,
         (select c.id from app.characteristics c where c.organization_id = o.id limit 1)::text,
         (select c.gauge_id from app.characteristics c where c.organization_id = o.id limit 1)::text,
         (select i.id from app.inspections i where i.organization_id = o.id limit 1)::text,
         (select s.id from app.spc_signals s where s.organization_id = o.id limit 1)::text,
         (select d.id from app.report_definitions d where d.organization_id = o.id limit 1)::text,
         (select e.id from app.report_executions e where e.organization_id = o.id limit 1)::text,
         (select r.id from app.receipts r where r.organization_id = o.id limit 1)::text,
         (select s.id from app.scars s where s.organization_id = o.id limit 1)::text,
         (select s.id from app.shipments s where s.organization_id = o.id limit 1)::text,
         (select s.shipment_number from app.shipments s where s.organization_id = o.id limit 1)::text,
         (select u.id from app.shipping_units u where u.organization_id = o.id limit 1)::text,
         (select l.id from app.labels l where l.organization_id = o.id limit 1)::text,
         (select c.id from app.shipment_certificates c where c.organization_id = o.id limit 1)::text,
         (select r.id from app.work_requests r where r.organization_id = o.id limit 1)::text,
         (select w.id from app.work_orders w where w.organization_id = o.id limit 1)::text,
         (select w.equipment_id from app.work_orders w where w.organization_id = o.id limit 1)::text,
         (select w.contractor_id from app.work_orders w where w.organization_id = o.id limit 1)::text,
         (select m.id from app.sap_mappings m where m.organization_id = o.id limit 1)::text,
         (select m.id from app.sap_outbound_messages m where m.organization_id = o.id and m.status = 'dead' limit 1)::text,
         (select r.id from app.production_runs r where r.organization_id = o.id limit 1)::text,
         (select r.equipment_id from app.production_runs r where r.organization_id = o.id limit 1)::text,
         (select r.part_id from app.stock_reservations r where r.organization_id = o.id and r.status = 'open' limit 1)::text,
         (select r.bin_id from app.stock_reservations r where r.organization_id = o.id and r.status = 'open' limit 1)::text,
         (select b.id from app.storeroom_bins b where b.organization_id = o.id
             and not exists (select from app.part_stock s where s.organization_id = b.organization_id and s.bin_id = b.id) limit 1)::text,
         (select r.id from app.stock_reservations r where r.organization_id = o.id and r.status = 'open' limit 1)::text,
         (select r.entity_id from app.stock_reservations r where r.organization_id = o.id and r.status = 'open' limit 1)::text,
         (select p.id from app.purchase_requests p where p.organization_id = o.id and p.status = 'open' limit 1)::text,
         (select a.equipment_id from app.assets a where a.organization_id = o.id limit 1)::text,
         (select r.id from app.meter_readings r where r.organization_id = o.id limit 1)::text,
         (select k.template_id from app.work_order_template_parts k where k.organization_id = o.id limit 1)::text,
         (select l.work_order_id from app.work_order_parts l where l.organization_id = o.id limit 1)::text,
         (select l.part_id from app.work_order_parts l where l.organization_id = o.id limit 1)::text,
         (select t.id from app.maintenance_teams t where t.organization_id = o.id limit 1)::text,
         (select m.id from app.maintenance_team_members m where m.organization_id = o.id limit 1)::text,
         (select a.id from app.technician_availability a where a.organization_id = o.id limit 1)::text,
         (select f.id from app_private.calendar_feeds f where f.organization_id = o.id limit 1)::text,
         (select d.id from app.dashboards d where d.organization_id = o.id limit 1)::text,
         (select s.id from app.pm_schedules s where s.organization_id = o.id limit 1)::text,
         (select s.template_id from app.pm_schedules s where s.organization_id = o.id limit 1)::text,
         (select f.id from app.fai_form2_items f where f.organization_id = o.id limit 1)::text,
         (select l.id from app.labour_entries l where l.organization_id = o.id and l.reverses_id is null limit 1)::text
    from app.organizations o where o.id = %s
"""


def build_tenant_a(world: World) -> str:
    """A workflow tenant with a row in every relation: a delivered project, an overdue pending approval with an
    attachment, a project with a blocked and overdue sub-stages, a message and a waived exit criterion, a logged
    document access, an approver's backup, a site, a CAPA, a rule and its run, feature flags, strings and custom
    fields, a document on the document control state machine with its checklist, an archived event, a document due
    for disposal, the operations registers, a webhook endpoint with a dead delivery, and a tag, comment, stored
    attachment and its download (tests.fill_collaboration; sessions come from signing in)."""
    a = world.workflow_tenant()
    customer = world.sql("select tests.portal_customer(%s)", a)
    sales = world.person(a, "sales").id
    delivered = world.project(a, customer_id=customer, promised_due_date="2099-01-01", created_by=sales)
    world.sql("select tests.drive_project(%s)", delivered)
    approval = world.pending_approval(a)
    world.sql("update app.approvals set sla_due_at = now() - interval '1 day' where id = %s", approval)
    waiting = world.project(a, customer_id=customer, created_by=sales)
    with psycopg.connect(world.live["url"]) as conn:
        conn.execute("select tests.act_as_role(%s, 'sales')", [a])
        conn.execute("""select app.update_progress(%s, pr.sub_stage_id, 'block', 'Waiting for the customer''s drawing')
                          from app.project_sub_stage_progress pr where pr.project_id = %s and pr.status = 'in_progress'""",
                     [waiting, waiting])
        conn.execute("select tests.act_as_role(%s, 'management')", [a])
        conn.execute("select app.log_document_access(d.id) from app.documents d where d.project_id = %s limit 1", [delivered])
        conn.execute("insert into app.messages (project_id, subject, content) values (%s, 'Kick-off', 'Monday at 10:00.')",
                     [waiting])
        conn.execute("insert into app.approver_backups (user_id, backup_user_id) "
                     "values (tests.member_with_role(%s, 'management'), tests.member_with_role(%s, 'admin'))", [a, a])
        conn.execute("select app.waive_exit_criterion(%s, c.id, 'Sole source') from app.workflow_exit_criteria c "
                     "join app.projects p on p.organization_id = c.organization_id and p.workflow_definition_id = c.workflow_definition_id "
                     "where p.id = %s and c.waivable limit 1", [waiting, waiting])
        conn.execute("select tests.act_as_role(%s, 'admin')", [a])
        conn.execute("select tests.fill_collaboration(%s)", [waiting])
        conn.execute("select tests.act_as_role(%s, 'management')", [a])
        conn.execute("""select app.add_approval_attachment(a.id, d.id, 1) from app.approvals a
                          join app.documents d on d.organization_id = a.organization_id and d.project_id = a.project_id
                         where a.id = %s order by d.created_at limit 1""", [approval])
    world.sql("update app.project_sub_stage_progress set due_at = now() - interval '1 day' "
              "where project_id = %s and status = 'pending'", waiting)
    world.sql("select tests.create_site(%s)", a)
    with psycopg.connect(world.live["url"]) as conn:
        conn.execute("select tests.act_as_role(%s, 'qa')", [a])
        conn.execute("""insert into app.capa_actions (capa_id, discipline, description, owner_id, due_date)
                        select c.id, 'containment', 'Quarantine the stock', tests.member_with_role(%s, 'qa'), current_date
                          from app.open_capa('Cracked housings', 'Three cracked at final test',
                                             source_entity_type => 'project', source_entity_id => %s) as c""", [a, delivered])
        conn.execute("select tests.act_as_role(%s, 'admin')", [a])
        conn.execute("select app.export_personal_data(tests.member_with_role(%s, 'qa'))", [a])
    # A rule, and its run on an event of the tenant.
    world.sql("""select tests.create_rule(%s, 'matrix_rule', 'project.*', '[{"kind": "webhook"}]')""", a)
    world.sql("select tests.publish(%s, 'project.updated', '{}', 'project', %s)", a, delivered)
    world.sql("insert into app.tenant_feature_flags (organization_id, flag_key, value) values (%s, 'glp_esignatures_required', 'true')", a)
    world.sql("""insert into app.tenant_settings (organization_id, setting_key, value)
                 values (%s, 'supplier_on_time_tolerance_days', '2')""", a)
    world.sql("insert into app.i18n_strings (organization_id, namespace, key, locale, text) "
              "values (%s, 'enum', 'project_status.quoted', 'de', 'Angebot raus')", a)
    world.sql("select tests.define_custom_fields(%s)", a)
    # The document control state machine, a document on it submitted for review (its checklist started).
    world.sql("select tests.define_document_control(%s)", a)
    controlled = world.sql("select tests.controlled_document(%s)", a)
    with psycopg.connect(world.live["url"]) as conn:
        conn.execute("select tests.act_as_role(%s, 'engineering')", [a])
        conn.execute("select app.transition('document', %s, 'in_review', 'Ready')", [controlled])
    # An archived event (one from long ago, moved by the archive job) and a document due for disposal.
    world.sql("insert into audit.activity_log (organization_id, occurred_at, actor_role, entity_type, entity_id, action) "
              "values (%s, now() - interval '100 years', 'app_user', 'sites', 'archived', 'update')", a)
    world.sql("select app_private.archive_activity_log()")
    world.sql("insert into app.document_disposals (organization_id, document_id, retention_ended_at) "
              "select organization_id, id, now() from app.documents where project_id = %s limit 1", delivered)
    # The operations registers: equipment, calibration, use, qualification, training, downtime.
    world.sql("select tests.fill_registers(%s)", a)
    # The lab: sample type, test, service request, sample, analysis, storage, custody, reagents
    # (db/tests/fixtures/lab.sql, lab_storage.sql).
    world.sql("select tests.fill_lab(%s)", a)
    # Manufacturing: a part with revisions, lots, a serial, genealogy and a hold (db/tests/fixtures/traceability.sql).
    world.sql("select tests.fill_traceability(%s)", a)
    # NCRs, concessions, complaints: a concession, an NCR holding a lot with a disposition, a complaint (quality_ncr.sql).
    world.sql("select tests.fill_ncr(%s)", a)
    # Engineering: a drawing with revisions, a change order and its item, a project BOM line, a milestone
    # (db/tests/fixtures/quality_engineering.sql).
    world.sql("select tests.fill_engineering(%s)", a)
    # Control plans, inspections and SPC: a plan, a gauge study, a completed inspection with measurements, a baseline
    # and a signal (db/tests/fixtures/inspection.sql).
    world.sql("select tests.fill_inspection(%s)", a)
    # Suppliers: an approved supplier, a receipt, a SCAR (db/tests/fixtures/suppliers.sql).
    world.sql("select tests.fill_suppliers(%s)", a)
    # Logistics: a shipment with a unit, an item, a label, a certificate and a scan (db/tests/fixtures/logistics.sql).
    world.sql("select tests.fill_logistics(%s)", a)
    # Maintenance work: a QR token, a template, a converted request, a work order with its asset, labour and a contractor
    # charge (db/tests/fixtures/maintenance_work.sql).
    world.sql("select tests.fill_maintenance_work(%s)", a)
    # Preventive schedules: a monthly schedule on that work order's asset (db/tests/fixtures/maintenance_pm.sql).
    world.sql("select tests.fill_maintenance_pm(%s)", a)
    # Production KPIs: an ideal cycle time, a run with a stop, a shipment shipped on time (db/tests/fixtures/production.sql).
    world.sql("select tests.fill_production(%s)", a)
    # Maintenance: an asset on the map, a meter with a reading, failure codes (db/tests/fixtures/maintenance_assets.sql).
    world.sql("select tests.fill_maintenance_assets(%s)", a)
    # Reporting: a shared definition, a dashboard, an execution (db/tests/fixtures/reporting.sql).
    world.sql("select tests.fill_reporting(%s)", a)
    # Maintenance stores: a storeroom, bins, stock, a reservation, a purchase request, a critical spare, a vendor
    # part (db/tests/fixtures/maintenance_parts.sql).
    world.sql("select tests.fill_maintenance_parts(%s)", a)
    # Maintenance archive: a work order closed 9 years ago, archived with its labour (db/tests/fixtures/maintenance_kpis.sql).
    world.sql("select tests.fill_maintenance_archive(%s)", a)
    # Parts kits: a template's kit copied into a work order scheduled with its kit short (maintenance_kits.sql).
    world.sql("select tests.fill_maintenance_kits(%s)", a)
    # Maintenance calendar: a team with a member, an absence, a calendar feed (db/tests/fixtures/maintenance_calendar.sql).
    world.sql("select tests.fill_maintenance_calendar(%s)", a)
    world.sql("select app_private.refresh_kpis()")  # the KPI views show A's figures once refreshed
    # SAP sync: a connection, mappings, a dead outbound message and its log, staged rows, a purchase order with a line
    # (db/tests/fixtures/integration.sql; the worker may report the message's attempt first: the same outcome).
    world.sql("select tests.fill_integration(%s, tests.member_with_role(%s, 'admin'))", a, a)
    # E-mail notifications: an admin's preference and a queued e-mail delivery (db/tests/fixtures/notifications_email.sql).
    world.sql("select tests.fill_email(%s, tests.member_with_role(%s, 'admin'))", a, a)
    # A webhook endpoint with a dead delivery and its one attempt (reported here; the worker, should it get
    # there first, reports the same attempt, and the second report changes nothing).
    endpoint = world.sql("select tests.create_webhook_endpoint(%s, 'http://127.0.0.1:9/matrix', '{test.*}', 1)", a)
    world.sql("select tests.publish_test_event(%s, 'test.matrix')", a)
    world.sql("select app_private.webhook_attempt_finish(organization_id, id, 1, 500, 1, null, 'no') "
              "from app.webhook_deliveries where endpoint_id = %s", endpoint)
    return a


@pytest.fixture(scope="module")
def world(live) -> World:
    return World(live)


@pytest.fixture(scope="module")
def tenant_a(world) -> str:
    return build_tenant_a(world)


@pytest.fixture(scope="module")
def actors(world, tenant_a):
    """Tokens from real sign-ins (A's admin signing in gives tenant A a row in sessions); B is another workflow
    tenant's admin."""
    b = world.workflow_tenant()
    return {"anon": None, "a": world.sign_in(world.person(tenant_a, "admin")), "b": world.sign_in(world.person(b, "admin")),
            "operator": world.sign_in(world.operator())}


def exposed(url: str) -> tuple[dict[str, bool], set[str]]:
    """Relations of app (name -> has organization_id) and function names."""
    with psycopg.connect(url) as conn:
        relations = dict(conn.execute("""
            select c.relname, exists (select from pg_attribute a where a.attrelid = c.oid
                                       and a.attname = 'organization_id' and not a.attisdropped)
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'app' and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition""").fetchall())
        functions = {row[0] for row in conn.execute("""
            select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'app'""")}
    return relations, functions


ONLY_IN_A = """
  select m.user_id from app.memberships m
   where m.organization_id = %(a)s
     and not exists (select from app.memberships o where o.user_id = m.user_id and o.organization_id <> %(a)s)
"""
A_KEYS = {
    "organization_id": "select %(a)s::text",
    "organizations": "select %(a)s::text",
    "users": f"select user_id::text from ({ONLY_IN_A}) as a",
    "sessions": f"select distinct user_id::text from app.sessions where user_id in ({ONLY_IN_A})",
}


def a_keys(url: str, a: str, relation: str, column: str) -> list[str]:
    """Values of `column` that pick out tenant A's rows, read as the owner."""
    with psycopg.connect(url) as conn:
        query = A_KEYS["organization_id"] if column == "organization_id" else A_KEYS[relation]
        return [row[0] for row in conn.execute(query, {"a": a})]


def test_every_exposed_object_has_a_case(live):
    relations, functions = exposed(live["url"])
    uncovered = {r for r, tenant in relations.items() if not tenant and r not in GLOBAL_RELATIONS}
    uncovered |= functions - FUNCTION_CASES.keys() - ROW_FUNCTIONS.keys()
    assert not uncovered, f"exposed objects without a case in the matrix: {sorted(uncovered)}"


def relations_kind(url: str, relation: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("select relkind::text from pg_class where oid = to_regclass('app.' || %s)", [relation]).fetchone()[0]


def privileges(url: str, relation: str) -> dict[str, bool]:
    """What app_user, the role of every signed-in member, may do with the relation at all (INSERT: send an
    organization_id), and whether anything can be written through it (a view may not be updatable)."""
    with psycopg.connect(url) as conn:
        return dict(zip(("SELECT", "INSERT", "DELETE", "writable"), conn.execute(
            "select has_any_column_privilege('app_user', %(r)s, 'SELECT'),"
            " case when exists (select from pg_attribute where attrelid = %(r)s::regclass and attname = 'organization_id')"
            " then has_column_privilege('app_user', %(r)s, 'organization_id', 'INSERT') else false end,"
            " has_table_privilege('app_user', %(r)s, 'DELETE'), pg_relation_is_updatable(%(r)s::regclass, true) <> 0",
            {"r": f"app.{relation}"}).fetchone(), strict=True))


def writable_column(url: str, relation: str, column: str, keys: list[str]) -> tuple[str, object] | None:
    """A column app_user may update and a value of it from one of A's rows (so the PATCH is well-typed, and a row
    it reached would come back in the answer), or None."""
    with psycopg.connect(url) as conn:
        names = [row[0] for row in conn.execute(
            "select a.attname from pg_attribute a where a.attrelid = to_regclass('app.' || %s) and a.attnum > 0"
            " and not a.attisdropped and has_column_privilege('app_user', a.attrelid, a.attnum, 'UPDATE')"
            " order by a.attnum", [relation])]
        for name in names:
            value = conn.execute(f'select to_jsonb("{name}") from app.{relation} where "{column}"::text = any(%s) '
                                 f'and "{name}" is not null limit 1', [keys]).fetchone()
            if value:
                return name, value[0]
    return None


def a_rows(url: str, relation: str, column: str, keys: list[str]) -> str:
    """A's rows of a table as the owner sees them, as one text to compare before and after."""
    with psycopg.connect(url) as conn:
        return conn.execute(f'select coalesce(string_agg(t::text, E\'\\n\' order by t::text), \'\') from app.{relation} t '
                            f'where "{column}"::text = any(%s)', [keys]).fetchone()[0]


def refused_for_privilege(response) -> bool:
    """PostgreSQL's privilege check (42501 without a reason): before any row or trigger is looked at."""
    body = response.json()
    return response.status_code in (401, 403) and body.get("code") == "42501" and body.get("details") is None


def rest_cases(live):
    relations, _ = exposed(live["url"])
    for relation, tenant in sorted(relations.items()):
        column = "organization_id" if tenant else GLOBAL_RELATIONS.get(relation)
        if column:
            yield relation, column


def test_rest_matrix(live, tenant_a, actors, figures):
    url = live["url"]
    checked = {"rls": 0, "privilege": 0, "anonymous": 0, "read_only": 0}
    failures: list[str] = []  # every case that fails, not just the first

    def check(holds: bool, failure: str) -> None:
        if not holds:
            failures.append(failure)
    for relation, column in rest_cases(live):
        keys = a_keys(url, tenant_a, relation, column)
        assert keys, f"{relation}: tenant A has no rows to protect"
        in_filter = f"{column}=in.({','.join(keys)})"
        is_table = relations_kind(url, relation) == "r"
        before = a_rows(url, relation, column, keys) if is_table else None
        seen_by_operator = rest(live, "GET", f"/{relation}?{in_filter}", actors["operator"])
        if relation != "sessions":
            check(seen_by_operator.status_code == 200 and seen_by_operator.json(), f"{relation}: operator sees A's rows")
        may = privileges(url, relation)
        update = writable_column(url, relation, column, keys)
        where = f"/{relation}?{in_filter}"
        representation = {"Prefer": "return=representation"}
        # Rows reached come back (only the key column: some columns are private to their owner).
        returning = f"{where}&select={column}"
        cases = [("GET", rest(live, "GET", returning, actors["b"]), may["SELECT"])]
        if may["writable"]:
            cases += [("PATCH", rest(live, "PATCH", returning, actors["b"], headers=representation, json={update[0]: update[1]})
                       if update else rest(live, "PATCH", returning, actors["b"], headers=representation, json={column: keys[0]}),
                       update is not None),
                      ("DELETE", rest(live, "DELETE", returning, actors["b"], headers=representation), may["DELETE"])]
        else:
            check(not update and not may["DELETE"], f"{relation}: privileges on a view nothing can be written through")
            checked["read_only"] += 1
        for method, answer, reaches_rls in cases:
            if reaches_rls:
                check(answer.status_code == 200 and answer.json() == [],
                      f"{relation}: B's admin {method} reached A's rows: {answer.status_code} {answer.text[:200]}")
                checked["rls"] += 1
            else:
                check(refused_for_privilege(answer), f"{relation}: {method} without the privilege: {answer.text[:200]}")
                checked["privilege"] += 1
        for method in ("GET", "PATCH", "DELETE") if may["writable"] else ("GET",):
            kwargs = {"json": {column: keys[0]}} if method == "PATCH" else {}
            answer = rest(live, method, where, None, **kwargs)
            check(answer.status_code == 401 and answer.json()["code"] == "42501",
                  f"{relation}: anonymous {method}: {answer.status_code} {answer.text[:200]}")
            checked["anonymous"] += 1
        if column == "organization_id" and is_table:
            created = rest(live, "POST", f"/{relation}", actors["b"], json={"organization_id": tenant_a})
            if may["INSERT"]:
                # Refused by the tenant guard of a table whose triggers read data, else by the policy's WITH CHECK.
                check((created.status_code, created.json().get("code")) == (403, "42501")
                      and created.json().get("details") in ("tenant.foreign_row", None),
                      f"{relation}: B's admin inserted into A: {created.text[:200]}")
                checked["rls"] += 1
            else:
                check(refused_for_privilege(created), f"{relation}: insert without the privilege: {created.text[:200]}")
                checked["privilege"] += 1
            anonymous = rest(live, "POST", f"/{relation}", None, json={"organization_id": tenant_a})
            check(anonymous.status_code == 401, f"{relation}: anonymous insert: {anonymous.text[:200]}")
            checked["anonymous"] += 1
        if is_table:
            check(a_rows(url, relation, column, keys) == before, f"{relation}: A's rows changed (read back as the owner)")
    print(f"\nPostgREST matrix: {checked}")
    assert not failures, "\n".join(failures)
    figures["matrix_relations"] = sum(1 for _ in rest_cases(live))
    figures["matrix_cases"] = figures.get("matrix_cases", 0) + sum(checked.values())
    assert checked["rls"] > checked["privilege"]


def test_graphql_matrix(live, tenant_a, actors, figures):
    schema = build_schema((ROOT / "contracts" / "schema.graphql").read_text())
    checked = 0
    for name, field in sorted(schema.query_type.fields.items()):
        condition = field.args.get("condition")
        connection = get_named_type(field.type)
        if condition is None or "totalCount" not in getattr(connection, "fields", {}):
            continue
        if "organizationId" not in get_named_type(condition.type).fields:
            continue
        query = f'{{ {name}(condition: {{organizationId: "{tenant_a}"}}) {{ totalCount }} }}'
        operator = graphql(live, query, actors["operator"]).json()
        assert operator["data"][name]["totalCount"] > 0, f"{name}: operator sees A's rows"
        for actor in ("b", "anon"):
            answer = graphql(live, query, actors[actor]).json()
            count = (answer.get("data") or {}).get(name)
            assert count is None or count["totalCount"] == 0, f"{name}: {actor} sees A's rows: {answer}"
            checked += 1
    print(f"\nGraphQL matrix: {checked} cases")
    figures["matrix_connections"] = checked // 2
    figures["matrix_cases"] = figures.get("matrix_cases", 0) + checked
    assert checked >= 7


def test_functions_refuse_tenant_a_rows(live, tenant_a, actors, figures):
    """B's admin and anonymous callers, given A's ids, change nothing and learn nothing."""
    names = ("definition", "project", "stage", "sub_stage", "approval", "document", "version", "notification", "user", "criterion",
             "capa", "capa_action", "person_qualification", "equipment", "webhook_endpoint", "webhook_delivery",
             "machine", "controlled", "checklist_item", "attachment", "eln_entry", "certified_sample", "certificate",
             "certificate_version", "reservation", "sample", "run", "qc_sample", "instrument_import", "analysis", "result",
             "oos", "service_request", "sop_task", "sop_task_step", "stored_sample", "storage_location", "reagent_lot",
             "part_revision", "lot", "serial", "ncr", "ncr_disposition", "concession", "complaint",
             "drawing_revision", "change_order",
             "site", "control_plan", "control_plan_step", "characteristic", "gauge", "inspection", "spc_signal",
             "report_definition", "report_execution", "receipt", "scar",
             "shipment", "shipment_number", "shipping_unit", "label", "shipment_certificate",
             "work_request", "work_order", "work_order_asset", "work_order_contractor",
             "sap_mapping", "sap_message",
             "production_run", "production_machine",
             "stock_part", "stock_bin", "stock_bin_2", "stock_reservation", "stock_asset", "purchase_request",
             "asset", "meter_reading",
             "kit_template", "kit_work_order", "kit_part",
             "team", "team_member", "availability", "calendar_feed",
             "dashboard", "pm_schedule", "pm_template", "fai_form2_item", "labour_entry")
    with psycopg.connect(live["url"]) as conn:
        ids = dict(zip(names, conn.execute(A_ROWS, [tenant_a]).fetchone(), strict=True))
        before = conn.execute("select count(*) from audit.activity_log").fetchone()[0]
    assert all(ids.values()), ids
    for function, arguments in ROW_FUNCTIONS.items():
        body = {key: value.format(**ids) if isinstance(value, str) else value for key, value in arguments.items()}
        for actor in ("b", "anon"):
            answer = rest(live, "POST", f"/rpc/{function}", actors[actor], json=body)
            assert answer.status_code in (401, 403, 404), f"{function} as {actor}: {answer.status_code} {answer.text[:200]}"
    with psycopg.connect(live["url"]) as conn:
        assert conn.execute("select count(*) from audit.activity_log").fetchone()[0] == before, "nothing was written"
    print(f"\nfunction matrix: {len(ROW_FUNCTIONS) * 2} cases")
    figures["matrix_functions"] = len(ROW_FUNCTIONS) + len(FUNCTION_CASES)
    figures["matrix_cases"] = figures.get("matrix_cases", 0) + len(ROW_FUNCTIONS) * 2
