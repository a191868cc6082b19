-- Revert pulse:quality/fai_form2 from pg

BEGIN;

DROP FUNCTION IF EXISTS app.add_fai_form2_item(uuid, text, text, text, text, uuid, text, text, text, uuid, text, text);
DROP FUNCTION IF EXISTS app.remove_fai_form2_item(uuid);
DROP FUNCTION IF EXISTS app_private.fai_form2_gaps(uuid, uuid);
DROP TABLE app.fai_form2_items;

COMMIT;
