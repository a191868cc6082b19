-- Revert pulse:quality/ncr from pg

BEGIN;

DROP TABLE app.ncr_dispositions, app.ncr_items, app.ncrs, app.concession_scope, app.concessions CASCADE;
DROP TYPE app.concession_status, app.ncr_disposition_kind, app.ncr_detection, app.ncr_status CASCADE;

COMMIT;
