-- Revert pulse:reporting/pdf_export from pg

BEGIN;

-- PostgreSQL cannot drop an enum value: 'pdf' stays, unused. The PDF
-- executions go, their files listed for the object-store purge.
INSERT INTO app_private.object_purges (object_key)
SELECT 'tenants/' || e.organization_id || '/' || e.object_key FROM app.report_executions AS e
 WHERE e.format::text = 'pdf' AND e.object_key IS NOT NULL
ON CONFLICT (object_key) DO NOTHING;
DELETE FROM app.report_executions WHERE format::text = 'pdf';

COMMIT;
