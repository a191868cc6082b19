-- Photo checklist items: kind photo (answered by photos alone) and
-- photo_required on other kinds; a photo is a stored image attachment of
-- the checklist's entity linked to the item (attachments.checklist_item_id).
-- An item that needs a photo is not answered without one, a work order does
-- not complete without it (checklist.photo_missing), and the platform's
-- checklist guard (every other domain's completions) counts it open. As a
-- manager, a planner, a technician at the plant and one at another plant,
-- a contractor's portal user and another tenant.
BEGIN;
SELECT plan(27);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('manager', tests.create_member(tests.recall('t'), 'management'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('acme', tests.create_partner(tests.recall('t'), 'supplier'));
INSERT INTO app.partner_roles (organization_id, partner_id, role) VALUES (tests.recall('t')::uuid, tests.recall('acme')::uuid, 'contractor');
SELECT tests.remember('acme_user', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('acme')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'maintenance_supervisor'));
CREATE FUNCTION pg_temp.as_(p_user text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_slug text;
BEGIN
  PERFORM tests.act_as_owner();
  SELECT o.slug INTO v_slug FROM app.organizations AS o JOIN app.memberships AS m ON m.organization_id = o.id
   WHERE m.user_id = tests.recall(p_user)::uuid;
  PERFORM tests.act_as(tests.email_of(tests.recall(p_user)), v_slug);
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.as_(text) TO PUBLIC;
CREATE FUNCTION pg_temp.item(p_order text, p_position integer) RETURNS uuid LANGUAGE sql AS $$
  SELECT i.id FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
   WHERE c.entity_type = 'work_order' AND c.entity_id = tests.recall(p_order)::uuid AND i.position = p_position
$$;
GRANT EXECUTE ON FUNCTION pg_temp.item(text, integer) TO PUBLIC;
-- A photo of the item, declared as the acting user (through the policies); returns its id.
CREATE FUNCTION pg_temp.photo(p_order text, p_item uuid, p_content text DEFAULT 'jpeg bytes', p_mime text DEFAULT 'image/jpeg') RETURNS uuid
LANGUAGE sql AS $$
  SELECT (app.attach_checklist_photo(p_item, 'photo.jpg', p_mime, octet_length(convert_to(p_content, 'UTF8')), tests.sha256_of(p_content))).id
$$;
GRANT EXECUTE ON FUNCTION pg_temp.photo(text, uuid, text, text) TO PUBLIC;

-- Templates: a photo item always needs its photo; any kind may ask for one.
SELECT pg_temp.as_('manager');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad', '[{"label": "Seal", "kind": "photo", "photo_required": false}]')$$),
  'PT422 checklist_template.photo_kind_needs_photo', 'a photo item cannot do without its photo');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad', '[{"label": "Seal", "photo_required": "yes"}]')$$),
  'PT422 checklist_template.items_invalid', 'photo_required is a boolean');
SELECT app.define_checklist_template('work_order', 'seal-check', 'Seal check', '[
  {"label": "Photo of the seal", "kind": "photo"},
  {"label": "Oil level in the glass", "kind": "pass_fail", "photo_required": true},
  {"label": "Remarks", "kind": "text", "required": false}]');
SELECT is((SELECT array_agg(kind || ':' || photo_required ORDER BY position)
             FROM app.checklist_template_items AS i JOIN app.checklist_templates AS t ON t.organization_id = i.organization_id AND t.id = i.template_id
            WHERE t.key = 'seal-check'),
  ARRAY['photo:true', 'pass_fail:true', 'text:false'], 'the template keeps kinds and photo_required');

-- A work order with the checklist; the technician at the plant works it.
SELECT pg_temp.as_('planner');
SELECT app.define_work_order_template('seal', 'Seal check', 'preventive', 'Check the seal', 'seal-check', 1);
SELECT tests.remember('wo', (app.create_work_order(tests.recall('pump'), 'preventive', NULL, '', 3,
                                                   (SELECT id FROM app.work_order_templates WHERE code = 'seal'))).id);
SELECT tests.remember('other_wo', (app.create_work_order(tests.recall('pump'), 'preventive', NULL, '', 3,
                                                         (SELECT id FROM app.work_order_templates WHERE code = 'seal'))).id);
SELECT app.schedule_work_order(tests.recall('wo'), tests.recall('tech'), now() - interval '1 hour', now() + interval '1 hour');
SELECT tests.remember('photo_item', pg_temp.item('wo', 1));
SELECT tests.remember('oil_item', pg_temp.item('wo', 2));
SELECT tests.remember('remarks_item', pg_temp.item('wo', 3));
SELECT is(tests.refusal(format($$SELECT pg_temp.photo('wo', %L)$$, tests.recall('photo_item'))), 'PT403 permission.missing',
  'a planner who reads the work order adds no photo to its checklist (work_order.execute at the plant)');

SELECT pg_temp.as_('tech');
SELECT app.transition_work_order(tests.recall('wo'), 'in_progress');
SELECT is((SELECT photo_required FROM app.checklist_items WHERE id = tests.recall('oil_item')::uuid), true,
  'the work order''s items copy photo_required');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, checked => true)$$, tests.recall('photo_item'))),
  'PT409 checklist_item.photo_missing', 'a photo item is not answered without a photo');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, passed => true)$$, tests.recall('oil_item'))),
  'PT409 checklist_item.photo_missing', 'nor a pass/fail item that needs a photo');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, text_value => 'x')$$, tests.recall('photo_item'))),
  'PT422 checklist_item.answer_invalid', 'a photo item takes no value');
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, tests.password(), 'done')$$, tests.recall('wo'))),
  'PT409 checklist.photo_missing', 'no completion while a required photo is missing');
SELECT is(tests.refusal(format($$SELECT pg_temp.photo('wo', %L, 'a pdf', 'application/pdf')$$, tests.recall('photo_item'))),
  'PT422 attachment.photo_not_image', 'a checklist photo is an image');
SELECT is(tests.refusal(format($$SELECT pg_temp.photo('wo', %L)$$, tests.recall('remarks_item'))),
  'PT422 attachment.checklist_item_invalid', 'an item that takes no photo takes none');
SELECT tests.remember('other_item', pg_temp.item('other_wo', 1));
SELECT pg_temp.as_('manager');
SELECT is(tests.refusal(format($$INSERT INTO app.attachments (entity_type, entity_id, checklist_item_id, file_name, mime_type, size_bytes, sha256)
                                VALUES ('work_order', %L, %L, 'a.jpg', 'image/jpeg', 1, repeat('a', 64))$$, tests.recall('wo'), tests.recall('other_item'))),
  'PT422 attachment.checklist_item_invalid', 'a photo inserted directly (attachment.upload) answers an item of a checklist on its own entity only');
SELECT pg_temp.as_('tech');

-- Pending is not enough: the photo counts once its file is stored (uploaded and verified).
SELECT tests.remember('seal_photo', pg_temp.photo('wo', tests.recall('photo_item'), 'seal jpeg'));
SELECT is((SELECT (uploaded_by, upload_state::text) FROM app.attachments WHERE id = tests.recall('seal_photo')::uuid),
  (tests.recall('tech')::uuid, 'pending'::text), 'the technician (no attachment.upload) adds the photo: pending, theirs');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, checked => true)$$, tests.recall('photo_item'))),
  'PT409 checklist_item.photo_missing', 'a pending photo does not answer');
SELECT is((tests.store_attachment(tests.recall('seal_photo'))).upload_state::text, 'stored', 'the technician confirms the upload; it is stored');
SELECT isnt((app.answer_checklist_item(tests.recall('photo_item'), checked => true)).checked_at, NULL, 'with a stored photo the item is answered');
SELECT tests.remember('oil_photo', pg_temp.photo('wo', tests.recall('oil_item'), 'oil jpeg'));
SELECT tests.store_attachment(tests.recall('oil_photo'));
SELECT is((app.answer_checklist_item(tests.recall('oil_item'), passed => true)).passed, true, 'the pass/fail item is answered with its photo');

-- A photo removed after the answer: the item is open again, for completion and for the platform's guard.
DELETE FROM app.attachments WHERE id = tests.recall('oil_photo')::uuid;
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, tests.password(), 'done')$$, tests.recall('wo'))),
  'PT409 checklist.photo_missing', 'an answered item whose photo was deleted blocks completion');
SELECT tests.act_as_owner();
SELECT is(app_private.transition_guard_checklist(tests.recall('t')::uuid, 'work_order', tests.recall('wo')::uuid, '{"template": "seal-check"}') ->> 'reason',
  'checklist.photo_missing', 'the platform''s checklist guard (other domains'' completions) refuses it too');
SELECT is((SELECT required_open FROM app_private.checklist_state(tests.recall('t')::uuid, 'seal-check', 'work_order', tests.recall('wo')::uuid)), 1,
  'and counts the item open');

-- The technician at another plant, a contractor's portal user and another tenant add nothing.
SELECT pg_temp.as_('tech_b');
SELECT is(tests.refusal(format($$SELECT pg_temp.photo('wo', %L)$$, tests.recall('oil_item'))), 'PT404 checklist_item.not_found',
  'a technician at another plant adds no photo');
SELECT pg_temp.as_('stranger');
SELECT is(tests.refusal(format($$SELECT pg_temp.photo('wo', %L)$$, tests.recall('oil_item'))), 'PT404 checklist_item.not_found',
  'another tenant adds no photo');
SELECT pg_temp.as_('planner');
SELECT app.assign_work_order_contractor(tests.recall('wo'), tests.recall('acme'));
SELECT pg_temp.as_('acme_user');
SELECT is(tests.refusal(format($$SELECT pg_temp.photo('wo', %L)$$, tests.recall('oil_item'))), 'PT404 checklist_item.not_found',
  'a contractor''s portal user who reads the work order adds no checklist photo');

-- A new photo, then completion: the signature carries each photo's sha256.
SELECT pg_temp.as_('tech');
SELECT tests.store_attachment(pg_temp.photo('wo', tests.recall('oil_item'), 'oil again'));
SELECT is((app.complete_work_order(tests.recall('wo'), tests.password(), 'Seal and oil photographed')).status, 'completed', 'signed, it completes');
SELECT is((SELECT payload -> 'checklist' -> 0 -> 'photos' FROM app.work_order_signatures WHERE work_order_id = tests.recall('wo')::uuid),
  jsonb_build_array(tests.sha256_of('seal jpeg')), 'the signed payload names the photo by its sha256');
SELECT is(tests.refusal(format($$SELECT pg_temp.photo('wo', %L, 'late')$$, tests.recall('photo_item'))), 'PT409 checklist.closed',
  'no photo is added once the work order is completed');
SELECT pg_temp.as_('stranger');
SELECT is((SELECT count(*)::integer FROM app.attachments), 0, 'another tenant sees no photos');

SELECT * FROM finish();
ROLLBACK;
