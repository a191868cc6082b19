-- Revert pulse:lab/lineage from pg

BEGIN;

DROP TABLE app.sample_lineage_links CASCADE;
DROP TYPE app.sample_lineage_kind CASCADE;

COMMIT;
