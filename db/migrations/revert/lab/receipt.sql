-- Revert pulse:lab/receipt from pg

BEGIN;

DROP TABLE app.sample_status_changes CASCADE;
DROP TABLE app.sample_receipts CASCADE;
DROP TYPE app.sample_receipt_outcome CASCADE;

COMMIT;
