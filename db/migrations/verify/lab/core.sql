-- Verify pulse:lab/core on pg

BEGIN;

SELECT organization_id, id, code, default_unit, storage_min_celsius, storage_max_celsius, retention_days FROM app.sample_types WHERE false;
SELECT organization_id, id, code, version, result_schema, status FROM app.lab_tests WHERE false;
SELECT organization_id, id, request_number, partner_id, status, requested_tests, due_at FROM app.service_requests WHERE false;
SELECT organization_id, id, sample_number, barcode, status, quantity, remaining_quantity, unit, custom_fields FROM app.samples WHERE false;
SELECT organization_id, id, sample_id, lab_test_id, status, retest_of_id FROM app.analyses WHERE false;
SELECT organization_id, id, analysis_id, sample_id, value, numeric_value, status, specification_id, spec_verdict, equipment_id, amends_id, released_at FROM app.results WHERE false;
SELECT organization_id, id, code, product, sample_type_id, partner_id FROM app.specifications WHERE false;
SELECT organization_id, id, specification_id, test_code, action_low, warning_low, warning_high, action_high, expected_text FROM app.specification_limits WHERE false;

ROLLBACK;
