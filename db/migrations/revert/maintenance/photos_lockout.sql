-- Revert pulse:maintenance/photos_lockout from pg

BEGIN;

COMMENT ON TABLE app.work_order_templates IS
  E'Work order templates\nStandard jobs: task text, the checklist template started on the work order, estimated hours and the qualification (competence register code) the assignee must hold. app.create_work_order copies them. Written with maintenance.work_order.manage. The parts kit joins with the parts slice.';

-- Lockout signatures have no place in the older trail (the append-only
-- trigger is the owner's own guard: lifted for this delete only).
ALTER TABLE app.work_order_signatures DISABLE TRIGGER USER;
DELETE FROM app.work_order_signatures WHERE meaning IN ('lockout_applied', 'lockout_removed');
ALTER TABLE app.work_order_signatures ENABLE TRIGGER USER;
ALTER TABLE app.work_order_signatures
  DROP CONSTRAINT work_order_signatures_meaning_move,
  DROP CONSTRAINT work_order_signatures_meaning_known,
  DROP CONSTRAINT work_order_signatures_to_status_known,
  ADD CONSTRAINT work_order_signatures_to_status_known CHECK (to_status IN ('completed', 'verified')),
  ADD CONSTRAINT work_order_signatures_meaning_known CHECK (meaning IN ('performed', 'verified'));
COMMENT ON TABLE app.work_order_signatures IS
  E'Work order signatures\nThe technician''s e-signature completing a work order (meaning performed) and the supervisor''s verifying it (meaning verified), from app.complete_work_order and app.verify_work_order. Append-only; read by whoever may read the work order.';
COMMENT ON COLUMN app.work_order_signatures.to_status IS E'Transition\nThe state the signed move went to: completed or verified.';
COMMENT ON COLUMN app.work_order_signatures.meaning IS E'Meaning\nperformed (the technician) or verified (the supervisor).';

ALTER TABLE app.attachments DROP COLUMN checklist_item_id CASCADE;

-- Photo items become checks (the older kinds have no photo).
UPDATE app.checklist_items SET kind = 'check' WHERE kind = 'photo';
UPDATE app.checklist_template_items SET kind = 'check' WHERE kind = 'photo';
ALTER TABLE app.checklist_items
  DROP COLUMN photo_required CASCADE,
  DROP CONSTRAINT checklist_items_kind_known,
  ADD CONSTRAINT checklist_items_kind_known CHECK (kind IN ('check', 'measurement', 'pass_fail', 'text'));
COMMENT ON COLUMN app.checklist_items.kind IS E'Kind\nCopied from the template: check, measurement, pass_fail or text.';
ALTER TABLE app.checklist_template_items
  DROP COLUMN photo_required CASCADE,
  DROP CONSTRAINT checklist_template_items_kind_known,
  ADD CONSTRAINT checklist_template_items_kind_known CHECK (kind IN ('check', 'measurement', 'pass_fail', 'text'));
COMMENT ON COLUMN app.checklist_template_items.kind IS
  E'Kind\ncheck (done or not), measurement (a number within limits, in a unit), pass_fail, text.';

COMMIT;
