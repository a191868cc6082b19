-- Revert pulse:lab/core from pg

BEGIN;

DELETE FROM app_private.entities WHERE entity_type IN ('sample', 'service_request');
DELETE FROM app_private.entity_types WHERE entity_type IN ('sample', 'service_request');
DROP TABLE app.results CASCADE;
DROP TABLE app.specification_limits CASCADE;
DROP TABLE app.specifications CASCADE;
DROP TABLE app.analyses CASCADE;
DROP TABLE app.samples CASCADE;
DROP TABLE app.service_requests CASCADE;
DROP TABLE app.lab_tests CASCADE;
DROP TABLE app.sample_types CASCADE;
DROP TYPE app.result_status CASCADE;
DROP TYPE app.spec_verdict CASCADE;
DROP TYPE app.analysis_status CASCADE;
DROP TYPE app.service_request_status CASCADE;
DROP TYPE app.lab_test_status CASCADE;
DROP TYPE app.sample_status CASCADE;

COMMIT;
