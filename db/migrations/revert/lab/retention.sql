-- Revert pulse:lab/retention from pg

BEGIN;

DROP TABLE app.sample_disposals CASCADE;
DROP TABLE app.sample_retentions CASCADE;

COMMIT;
