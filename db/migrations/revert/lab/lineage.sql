-- Revert pulse:lab/lineage from pg

BEGIN;

DROP TABLE app.sample_lineage_edges CASCADE;
DROP TYPE app.sample_lineage_kind CASCADE;

COMMIT;
