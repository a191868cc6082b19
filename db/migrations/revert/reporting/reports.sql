-- Revert pulse:reporting/reports from pg

BEGIN;

DROP TABLE app.dashboards CASCADE;
DROP TABLE app.report_executions CASCADE;
DROP TABLE app.report_definitions CASCADE;
DROP TABLE app.report_sources CASCADE;
DROP TYPE app.report_execution_status CASCADE;
DROP TYPE app.report_format CASCADE;
DROP TYPE app.report_visibility CASCADE;

COMMIT;
