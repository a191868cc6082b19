-- Revert pulse:quality/complaints from pg

BEGIN;

DROP TABLE app.complaint_ncrs, app.complaint_items, app.customer_complaints CASCADE;
DROP TYPE app.complaint_severity, app.complaint_status CASCADE;

COMMIT;
