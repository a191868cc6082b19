-- Deploy pulse:maintenance/photos_lockout to pg
-- requires: maintenance/checklists
-- requires: platform/attachments
-- requires: maintenance/pm_schedules

BEGIN;

-- Photo evidence on checklist items (every domain's checklists gain it; the
-- platform block validates it, 50_platform/15_checklists.sql): an item of
-- kind photo is answered by photos alone; any other kind may also require a
-- photo (photo_required). A photo is an image attachment of the checklist's
-- entity linked to the item (attachments.checklist_item_id).
ALTER TABLE app.checklist_template_items
  DROP CONSTRAINT checklist_template_items_kind_known,
  ADD CONSTRAINT checklist_template_items_kind_known CHECK (kind IN ('check', 'measurement', 'pass_fail', 'text', 'photo')),
  ADD COLUMN photo_required boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT checklist_template_items_photo_kind_requires_photo CHECK (kind <> 'photo' OR photo_required);
COMMENT ON COLUMN app.checklist_template_items.kind IS
  E'Kind\ncheck (done or not), measurement (a number within limits, in a unit), pass_fail, text, photo (answered by one or more photos).';
COMMENT ON COLUMN app.checklist_template_items.photo_required IS
  E'Photo required\nThe answer needs at least one stored image attached to the item (always true for kind photo).';

ALTER TABLE app.checklist_items
  DROP CONSTRAINT checklist_items_kind_known,
  ADD CONSTRAINT checklist_items_kind_known CHECK (kind IN ('check', 'measurement', 'pass_fail', 'text', 'photo')),
  ADD COLUMN photo_required boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT checklist_items_photo_kind_requires_photo CHECK (kind <> 'photo' OR photo_required);
COMMENT ON COLUMN app.checklist_items.kind IS E'Kind\nCopied from the template: check, measurement, pass_fail, text or photo.';
COMMENT ON COLUMN app.checklist_items.photo_required IS
  E'Photo required\nCopied from the template: the item counts as answered only with at least one stored image attached to it (GET /attachments?checklist_item_id=eq.<id>).';

ALTER TABLE app.attachments ADD COLUMN checklist_item_id uuid;
ALTER TABLE app.attachments ADD CONSTRAINT attachments_checklist_item_fkey
  FOREIGN KEY (organization_id, checklist_item_id) REFERENCES app.checklist_items (organization_id, id) ON DELETE CASCADE;
CREATE INDEX attachments_checklist_item_idx ON app.attachments (organization_id, checklist_item_id) WHERE checklist_item_id IS NOT NULL;
COMMENT ON COLUMN app.attachments.checklist_item_id IS
  E'Checklist item\nThe item (of a checklist on the same entity) this photo answers, or null; only image media types.';

-- Lockout/tagout e-signatures: the technician signs "lockout applied" before
-- the work starts and "lockout removed" before it completes, in the same
-- trail as the completion and verification signatures.
ALTER TABLE app.work_order_signatures
  DROP CONSTRAINT work_order_signatures_to_status_known,
  DROP CONSTRAINT work_order_signatures_meaning_known,
  ADD CONSTRAINT work_order_signatures_to_status_known CHECK (to_status IN ('in_progress', 'completed', 'verified')),
  ADD CONSTRAINT work_order_signatures_meaning_known CHECK (meaning IN ('performed', 'verified', 'lockout_applied', 'lockout_removed')),
  ADD CONSTRAINT work_order_signatures_meaning_move CHECK (
    (meaning, to_status) IN (('performed', 'completed'), ('verified', 'verified'), ('lockout_applied', 'in_progress'),
                             ('lockout_removed', 'completed')));
COMMENT ON TABLE app.work_order_signatures IS
  E'Work order signatures\nThe technician''s e-signature completing a work order (meaning performed), the supervisor''s verifying it (meaning verified), and on assets whose class requires lockout/tagout the technician''s lockout applied (before in progress) and lockout removed (before completion), from app.complete_work_order, app.verify_work_order and app.sign_work_order_lockout. Append-only; read by whoever may read the work order.';
COMMENT ON COLUMN app.work_order_signatures.to_status IS
  E'Transition\nThe state the signed move goes to: in_progress (lockout applied), completed (performed, lockout removed) or verified.';
COMMENT ON COLUMN app.work_order_signatures.meaning IS
  E'Meaning\nperformed (the technician), verified (the supervisor), lockout_applied or lockout_removed (the technician).';

-- The released comment of maintenance/work_orders said the parts kit was
-- still to come; it is copied by a trigger (46_kits.sql).
COMMENT ON TABLE app.work_order_templates IS
  E'Work order templates\nStandard jobs: task text, the checklist template started on the work order, estimated hours and the qualification (competence register code) the assignee must hold. app.create_work_order and app.convert_work_request copy them; the parts kit (app.work_order_template_parts) is copied by a trigger. Written with work_order.manage.';

COMMIT;
