-- Verify pulse:maintenance/photos_lockout on pg

BEGIN;

SELECT photo_required FROM app.checklist_template_items WHERE false;
SELECT photo_required FROM app.checklist_items WHERE false;
SELECT checklist_item_id FROM app.attachments WHERE false;
SELECT 1/count(*) FROM pg_catalog.pg_constraint WHERE conname = 'work_order_signatures_meaning_move';

ROLLBACK;
