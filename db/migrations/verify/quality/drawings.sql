-- Verify pulse:quality/drawings on pg

BEGIN;

SELECT organization_id, id, drawing_number, title, description, created_by, created_at, updated_at FROM app.drawings WHERE false;
SELECT organization_id, drawing_id, part_id, created_at FROM app.drawing_parts WHERE false;
SELECT organization_id, id, drawing_id, revision, description, document_version_id, status, submitted_by, submitted_at, approved_by,
       released_at, review_comment, superseded_at, created_by, created_at, updated_at FROM app.drawing_revisions WHERE false;

ROLLBACK;
