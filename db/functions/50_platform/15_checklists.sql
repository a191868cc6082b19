-- Checklists (migration platform/checklists): templates of items per tenant
-- and entity type, instances on entities whose items people check. The
-- state-machine guard kind `checklist` holds when every required item of the
-- entity's instance of a template is checked
-- (app_private.transition_guard_checklist, 16_state_machines.sql).
--
-- Writes go through RPCs. Those that act on an entity check, as the caller,
-- that they may read it (auth.check_entity, SECURITY INVOKER wrapper in app),
-- then write through a SECURITY DEFINER function of auth that re-checks the
-- tenant and that the caller is staff.

-- Photos (migration maintenance/photos_lockout): an item of kind photo, or
-- any item with photo_required, counts as answered only when an image
-- attachment of the item (attachments.checklist_item_id, 34_attachments.sql)
-- is stored: its file was uploaded and verified against its sha256 and size.
CREATE OR REPLACE FUNCTION app_private.checklist_item_has_photo(p_organization_id uuid, p_item_id uuid) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT EXISTS (SELECT FROM app.attachments AS a
                  WHERE a.organization_id = p_organization_id AND a.checklist_item_id = p_item_id
                    AND a.upload_state = 'stored' AND a.mime_type LIKE 'image/%')
$$;
COMMENT ON FUNCTION app_private.checklist_item_has_photo(uuid, uuid) IS
  'Whether a stored image attachment answers the checklist item (its file uploaded and verified).';

CREATE OR REPLACE FUNCTION app_private.checklist_template_of(p_organization_id uuid, p_key text) RETURNS app.checklist_templates
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_template app.checklist_templates;
BEGIN
  SELECT * INTO v_template FROM app.checklist_templates AS t WHERE t.organization_id = p_organization_id AND t.key = p_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no checklist template %', p_key USING ERRCODE = 'PT404', DETAIL = 'checklist_template.not_found',
      HINT = 'GET /checklist_templates lists the templates of your organization.';
  END IF;
  RETURN v_template;
END
$$;
COMMENT ON FUNCTION app_private.checklist_template_of(uuid, text) IS
  'The tenant''s checklist template with this key, or PT404 checklist_template.not_found.';

CREATE OR REPLACE FUNCTION app.define_checklist_template(
  entity_type text, key text, name text, items jsonb, labels jsonb DEFAULT '{}', is_active boolean DEFAULT true
) RETURNS app.checklist_templates
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_template app.checklist_templates;
  v_item jsonb;
  v_position integer := 0;
BEGIN
  PERFORM app_private.require_permission('state_machine.manage');
  PERFORM app_private.entity_type_of(define_checklist_template.entity_type);
  IF jsonb_typeof(items) IS DISTINCT FROM 'array' OR jsonb_array_length(items) NOT BETWEEN 1 AND 200
     OR EXISTS (SELECT FROM jsonb_array_elements(items) AS i
                 WHERE jsonb_typeof(i) <> 'object' OR jsonb_typeof(i -> 'label') IS DISTINCT FROM 'string'
                    OR (i ? 'required' AND jsonb_typeof(i -> 'required') <> 'boolean')
                    OR (i ? 'labels' AND jsonb_typeof(i -> 'labels') <> 'object')
                    OR (i ? 'kind' AND jsonb_typeof(i -> 'kind') <> 'string')
                    OR (i ? 'lower_limit' AND jsonb_typeof(i -> 'lower_limit') NOT IN ('number', 'null'))
                    OR (i ? 'upper_limit' AND jsonb_typeof(i -> 'upper_limit') NOT IN ('number', 'null'))
                    OR (i ? 'unit' AND jsonb_typeof(i -> 'unit') NOT IN ('string', 'null'))
                    OR (i ? 'photo_required' AND jsonb_typeof(i -> 'photo_required') <> 'boolean')
                    OR EXISTS (SELECT FROM jsonb_object_keys(i) AS k
                                WHERE k NOT IN ('label', 'labels', 'required', 'kind', 'lower_limit', 'upper_limit', 'unit', 'photo_required'))) THEN
    PERFORM app_private.raise_invalid('checklist_template.items_invalid',
                                      'items must be an array of 1 to 200 objects {"label": text, "required": boolean, "labels": {...}, "kind": text, "lower_limit": number, "upper_limit": number, "unit": text, "photo_required": boolean}',
                                      'e.g. [{"label": "Drawing number checked", "required": true}, {"label": "Bearing temperature", "kind": "measurement", "lower_limit": 20, "upper_limit": 80, "unit": "degC"}]');
  END IF;
  FOR v_item IN SELECT i FROM jsonb_array_elements(items) AS i LOOP
    v_position := v_position + 1;
    IF coalesce(v_item ->> 'kind', 'check') NOT IN ('check', 'measurement', 'pass_fail', 'text', 'photo') THEN
      PERFORM app_private.raise_invalid('checklist_template.kind_unknown',
                                        format('item %s: kind %s is not check, measurement, pass_fail, text or photo', v_position, v_item ->> 'kind'),
                                        'Send kind check (the default), measurement, pass_fail, text or photo.');
    END IF;
    IF v_item ->> 'kind' = 'photo' AND (v_item ->> 'photo_required')::boolean IS false THEN
      PERFORM app_private.raise_invalid('checklist_template.photo_kind_needs_photo',
                                        format('item %s: a photo item is answered by its photos; photo_required cannot be false', v_position),
                                        'Leave out photo_required on a photo item (it is always true).');
    END IF;
    IF coalesce(v_item ->> 'kind', 'check') <> 'measurement'
       AND (v_item ->> 'lower_limit' IS NOT NULL OR v_item ->> 'upper_limit' IS NOT NULL OR v_item ->> 'unit' IS NOT NULL) THEN
      PERFORM app_private.raise_invalid('checklist_template.limits_need_measurement',
                                        format('item %s: only a measurement has limits and a unit', v_position),
                                        'Send kind measurement, or leave out lower_limit, upper_limit and unit.');
    END IF;
    IF v_item ->> 'kind' = 'measurement' THEN
      IF (v_item ->> 'lower_limit')::numeric > (v_item ->> 'upper_limit')::numeric THEN
        PERFORM app_private.raise_invalid('checklist_template.limits_unordered',
                                          format('item %s: lower limit %s is above upper limit %s', v_position, v_item ->> 'lower_limit', v_item ->> 'upper_limit'),
                                          'Send lower_limit <= upper_limit.');
      END IF;
      IF v_item ->> 'unit' IS NULL OR NOT EXISTS (SELECT FROM app.units AS u WHERE u.code = v_item ->> 'unit') THEN
        PERFORM app_private.raise_invalid('checklist_template.unit_unknown',
                                          format('item %s: unit %s is not in the units register', v_position, coalesce(v_item ->> 'unit', 'null')),
                                          'A measurement needs a unit code of GET /units (codes are case-sensitive).');
      END IF;
    END IF;
  END LOOP;
  v_position := 0;
  SELECT * INTO v_template FROM app.checklist_templates AS t WHERE t.organization_id = auth.org_id() AND t.key = define_checklist_template.key
     FOR UPDATE;
  IF FOUND AND v_template.entity_type <> define_checklist_template.entity_type THEN
    PERFORM app_private.raise_invalid('checklist_template.entity_type_fixed',
                                      format('template %s is for %s', v_template.key, v_template.entity_type),
                                      'Use another key for another entity type.');
  END IF;
  INSERT INTO app.checklist_templates AS t (organization_id, entity_type, key, name, labels, is_active)
  VALUES (auth.org_id(), define_checklist_template.entity_type, define_checklist_template.key, define_checklist_template.name,
          coalesce(define_checklist_template.labels, '{}'), coalesce(define_checklist_template.is_active, true))
  ON CONFLICT (organization_id, key) DO UPDATE
    SET name = EXCLUDED.name, labels = EXCLUDED.labels, is_active = EXCLUDED.is_active
  RETURNING * INTO v_template;
  -- Items are replaced; checklists already started keep the items they copied.
  DELETE FROM app.checklist_template_items AS i WHERE i.organization_id = v_template.organization_id AND i.template_id = v_template.id;
  FOR v_item IN SELECT i FROM jsonb_array_elements(items) AS i LOOP
    v_position := v_position + 1;
    INSERT INTO app.checklist_template_items (organization_id, template_id, position, label, labels, required, kind, lower_limit,
                                              upper_limit, unit, photo_required)
    VALUES (v_template.organization_id, v_template.id, v_position, v_item ->> 'label', coalesce(v_item -> 'labels', '{}'),
            coalesce((v_item ->> 'required')::boolean, true), coalesce(v_item ->> 'kind', 'check'), (v_item ->> 'lower_limit')::numeric,
            (v_item ->> 'upper_limit')::numeric, v_item ->> 'unit',
            coalesce(v_item ->> 'kind' = 'photo', false) OR coalesce((v_item ->> 'photo_required')::boolean, false));
  END LOOP;
  RETURN v_template;
END
$$;
COMMENT ON FUNCTION app.define_checklist_template(text, text, text, jsonb, jsonb, boolean) IS
  E'Creates or replaces a checklist template (by key) for an entity type: name, translations, items [{"label": ..., "required": true, "labels": {"de": ...}, "kind": "check"}]; kind is check (the default), measurement (with lower_limit, upper_limit, both optional and ordered, and a unit of the units register), pass_fail, text or photo (answered by one or more image attachments of the item); photo_required true on any other kind asks for a photo besides the answer. Checklists already started keep their items. Needs state_machine.manage.\nErrors: PT403 permission.missing, PT422 entity_type.unknown, checklist_template.items_invalid, checklist_template.kind_unknown, checklist_template.photo_kind_needs_photo, checklist_template.limits_need_measurement, checklist_template.limits_unordered, checklist_template.unit_unknown, checklist_template.entity_type_fixed.';

CREATE OR REPLACE FUNCTION app_private.start_checklist(p_organization_id uuid, p_template app.checklist_templates, p_entity_id uuid)
RETURNS app.checklists
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_checklist app.checklists;
BEGIN
  SELECT * INTO v_checklist FROM app.checklists AS c
   WHERE c.organization_id = p_organization_id AND c.template_id = p_template.id
     AND c.entity_type = p_template.entity_type AND c.entity_id = p_entity_id;
  IF FOUND THEN
    RETURN v_checklist;
  END IF;
  IF NOT p_template.is_active THEN
    PERFORM app_private.raise_invalid('checklist_template.inactive', format('checklist template %s is inactive', p_template.key),
                                      'Activate it again (app.define_checklist_template with is_active true).');
  END IF;
  INSERT INTO app.checklists (organization_id, template_id, entity_type, entity_id, started_by)
  VALUES (p_organization_id, p_template.id, p_template.entity_type, p_entity_id, auth.user_id())
  RETURNING * INTO v_checklist;
  INSERT INTO app.checklist_items (organization_id, checklist_id, position, label, labels, required, kind, lower_limit, upper_limit, unit,
                                   photo_required)
  SELECT v_checklist.organization_id, v_checklist.id, i.position, i.label, i.labels, i.required, i.kind, i.lower_limit, i.upper_limit, i.unit,
         i.photo_required
    FROM app.checklist_template_items AS i
   WHERE i.organization_id = p_template.organization_id AND i.template_id = p_template.id;
  RETURN v_checklist;
END
$$;
COMMENT ON FUNCTION app_private.start_checklist(uuid, app.checklist_templates, uuid) IS
  'The entity''s checklist of the template, started (items copied) when it has none; PT422 checklist_template.inactive for a new one of an inactive template.';

CREATE OR REPLACE FUNCTION auth.checklist_start(p_template_key text, p_entity_type text, p_entity_id uuid) RETURNS app.checklists
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_template app.checklist_templates;
BEGIN
  IF auth.org_id() IS NULL OR auth.partner_id() IS NOT NULL
     OR NOT EXISTS (SELECT FROM app_private.entities AS e
                     WHERE e.organization_id = auth.org_id() AND e.entity_type = p_entity_type AND e.id = p_entity_id) THEN
    RAISE EXCEPTION '% not found', p_entity_type USING ERRCODE = 'PT404', DETAIL = 'entity.not_found',
      HINT = 'The entity does not exist in your active tenant, or you may not see it.';
  END IF;
  v_template := app_private.checklist_template_of(auth.org_id(), p_template_key);
  IF v_template.entity_type <> p_entity_type THEN
    PERFORM app_private.raise_invalid('checklist_template.wrong_entity_type',
                                      format('checklist template %s is for %s, not %s', p_template_key, v_template.entity_type, p_entity_type),
                                      'GET /checklist_templates?entity_type=eq.<type> lists the templates for a type.');
  END IF;
  RETURN app_private.start_checklist(auth.org_id(), v_template, p_entity_id);
END
$$;
COMMENT ON FUNCTION auth.checklist_start(text, text, uuid) IS
  'The body of app.start_checklist, run after the caller''s visibility check: staff of the entity''s tenant only (PT404 entity.not_found otherwise), PT404 checklist_template.not_found, PT422 checklist_template.wrong_entity_type, checklist_template.inactive.';

CREATE OR REPLACE FUNCTION app.start_checklist(template_key text, entity_type text, entity_id uuid) RETURNS app.checklists
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- As the caller: row-level security decides whether they may read the entity.
  PERFORM auth.check_entity(start_checklist.entity_type, start_checklist.entity_id);
  RETURN auth.checklist_start(start_checklist.template_key, start_checklist.entity_type, start_checklist.entity_id);
END
$$;
COMMENT ON FUNCTION app.start_checklist(text, text, uuid) IS
  E'Puts a checklist (the template''s items) on an entity; returns the existing one when it already has it. Staff who may read the entity.\nErrors: PT404 entity.not_found, checklist_template.not_found, PT422 entity_type.unknown, checklist_template.wrong_entity_type, checklist_template.inactive.';

CREATE OR REPLACE FUNCTION auth.checklist_check(p_item_id uuid, p_checked boolean, p_note text) RETURNS app.checklist_items
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  -- A check is an answer without a value (auth.checklist_answer, below).
  RETURN auth.checklist_answer(p_item_id, p_checked, NULL, NULL, NULL, p_note);
END
$$;
COMMENT ON FUNCTION auth.checklist_check(uuid, boolean, text) IS
  'The body of app.check_checklist_item, run after the caller''s visibility check: checks (stamping who and when) or unchecks an item of the active tenant; staff only (PT404 checklist_item.not_found).';

CREATE OR REPLACE FUNCTION app.check_checklist_item(item_id uuid, checked boolean DEFAULT true, note text DEFAULT NULL)
RETURNS app.checklist_items
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- As the caller: row-level security shows only items of entities they may read.
  IF NOT EXISTS (SELECT FROM app.checklist_items AS i WHERE i.organization_id = auth.org_id() AND i.id = check_checklist_item.item_id) THEN
    RAISE EXCEPTION 'checklist item % not found', check_checklist_item.item_id USING ERRCODE = 'PT404',
      DETAIL = 'checklist_item.not_found', HINT = 'GET /checklist_items lists the items you may see.';
  END IF;
  IF length(check_checklist_item.note) > 2000 THEN
    RAISE EXCEPTION 'a note has at most 2000 characters' USING ERRCODE = 'PT422', DETAIL = 'checklist_item.note_too_long';
  END IF;
  IF EXISTS (SELECT FROM app.checklist_items AS i
              WHERE i.organization_id = auth.org_id() AND i.id = check_checklist_item.item_id AND i.kind <> 'check') THEN
    RAISE EXCEPTION 'this item is answered with a value, not checked' USING ERRCODE = 'PT422', DETAIL = 'checklist_item.answer_invalid',
      HINT = 'Use app.answer_checklist_item with the value of the item''s kind.';
  END IF;
  RETURN auth.checklist_check(check_checklist_item.item_id, coalesce(check_checklist_item.checked, true), check_checklist_item.note);
END
$$;
COMMENT ON FUNCTION app.check_checklist_item(uuid, boolean, text) IS
  E'Checks an item of kind check of a checklist (who and when are recorded), or unchecks it (checked false), with an optional note; items of other kinds are answered with app.answer_checklist_item. Staff who may read the entity.\nErrors: PT404 checklist_item.not_found, PT422 checklist_item.note_too_long, checklist_item.answer_invalid.';

-- Typed answers (migration maintenance/checklists): a measurement takes a
-- number, a pass/fail item a boolean, a text item a text, a check item
-- checked true or false; answering stamps who and when like checking, so
-- the checklist guard counts answered items as checked. out_of_limits is a
-- generated column of the item.
CREATE OR REPLACE FUNCTION auth.checklist_answer(p_item_id uuid, p_checked boolean, p_measured_value numeric, p_passed boolean,
                                                 p_text_value text, p_note text) RETURNS app.checklist_items
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_item app.checklist_items;
  v_answered boolean := coalesce(p_checked, true);
BEGIN
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'checklist item % not found', p_item_id USING ERRCODE = 'PT404', DETAIL = 'checklist_item.not_found',
      HINT = 'GET /checklist_items lists the items you may see.';
  END IF;
  -- An item that needs a photo is answered only once a stored image is attached to it.
  IF v_answered AND EXISTS (SELECT FROM app.checklist_items AS i
                             WHERE i.organization_id = auth.org_id() AND i.id = p_item_id AND i.photo_required
                               AND NOT app_private.checklist_item_has_photo(i.organization_id, i.id)) THEN
    RAISE EXCEPTION 'checklist item % needs a stored photo before it is answered', p_item_id USING ERRCODE = 'PT409',
      DETAIL = 'checklist_item.photo_missing',
      HINT = 'Attach an image to the item (POST /attachments with checklist_item_id, upload, confirm) and answer once it is stored.';
  END IF;
  UPDATE app.checklist_items AS i
     SET checked_at = CASE WHEN v_answered THEN pg_catalog.now() END,
         checked_by = CASE WHEN v_answered THEN auth.user_id() END,
         measured_value = CASE WHEN v_answered THEN p_measured_value END,
         passed = CASE WHEN v_answered THEN p_passed END,
         text_value = CASE WHEN v_answered THEN p_text_value END,
         note = coalesce(p_note, i.note)
   WHERE i.organization_id = auth.org_id() AND i.id = p_item_id
  RETURNING * INTO v_item;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'checklist item % not found', p_item_id USING ERRCODE = 'PT404', DETAIL = 'checklist_item.not_found',
      HINT = 'GET /checklist_items lists the items you may see.';
  END IF;
  RETURN v_item;
END
$$;
COMMENT ON FUNCTION auth.checklist_answer(uuid, boolean, numeric, boolean, text, text) IS
  'The body of app.answer_checklist_item, run after the caller''s visibility check and the answer''s type check: records (stamping who and when) or clears (checked false) the answer of an item of the active tenant; staff only (PT404 checklist_item.not_found); an item with photo_required is answered only with a stored image attached (PT409 checklist_item.photo_missing).';

CREATE OR REPLACE FUNCTION app.answer_checklist_item(item_id uuid, checked boolean DEFAULT NULL, measured_value numeric DEFAULT NULL,
                                                     passed boolean DEFAULT NULL, text_value text DEFAULT NULL, note text DEFAULT NULL)
RETURNS app.checklist_items
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_kind text;
BEGIN
  -- As the caller: row-level security shows only items of entities they may read.
  SELECT i.kind INTO v_kind FROM app.checklist_items AS i WHERE i.organization_id = auth.org_id() AND i.id = answer_checklist_item.item_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'checklist item % not found', answer_checklist_item.item_id USING ERRCODE = 'PT404',
      DETAIL = 'checklist_item.not_found', HINT = 'GET /checklist_items lists the items you may see.';
  END IF;
  -- SECURITY INVOKER: refusals are raised here (API roles do not reach app_private).
  IF length(answer_checklist_item.note) > 2000 OR length(answer_checklist_item.text_value) > 2000 THEN
    RAISE EXCEPTION 'a note or a text answer has at most 2000 characters' USING ERRCODE = 'PT422', DETAIL = 'checklist_item.note_too_long';
  END IF;
  -- Clearing (checked false) takes no value; an answer takes exactly the value of its kind.
  IF answer_checklist_item.checked IS DISTINCT FROM false AND NOT (CASE v_kind
       WHEN 'check' THEN answer_checklist_item.checked IS NOT NULL AND answer_checklist_item.measured_value IS NULL
                         AND answer_checklist_item.passed IS NULL AND answer_checklist_item.text_value IS NULL
       WHEN 'measurement' THEN answer_checklist_item.measured_value IS NOT NULL AND answer_checklist_item.passed IS NULL
                               AND answer_checklist_item.text_value IS NULL
       WHEN 'pass_fail' THEN answer_checklist_item.passed IS NOT NULL AND answer_checklist_item.measured_value IS NULL
                             AND answer_checklist_item.text_value IS NULL
       WHEN 'text' THEN nullif(pg_catalog.btrim(answer_checklist_item.text_value), '') IS NOT NULL
                        AND answer_checklist_item.measured_value IS NULL AND answer_checklist_item.passed IS NULL
       WHEN 'photo' THEN answer_checklist_item.checked IS NOT NULL AND answer_checklist_item.measured_value IS NULL
                         AND answer_checklist_item.passed IS NULL AND answer_checklist_item.text_value IS NULL
     END) THEN
    RAISE EXCEPTION 'a % item is answered with %', v_kind, CASE v_kind WHEN 'check' THEN 'checked' WHEN 'measurement' THEN 'measured_value (a number)'
                                                                  WHEN 'pass_fail' THEN 'passed (true or false)'
                                                                  WHEN 'photo' THEN 'checked, once its photos are stored' ELSE 'text_value (a text)' END
      USING ERRCODE = 'PT422', DETAIL = 'checklist_item.answer_invalid',
            HINT = 'Send the value of the item''s kind only, or checked false to clear the answer.';
  END IF;
  RETURN auth.checklist_answer(answer_checklist_item.item_id, answer_checklist_item.checked, answer_checklist_item.measured_value,
                               answer_checklist_item.passed, nullif(pg_catalog.btrim(answer_checklist_item.text_value), ''),
                               answer_checklist_item.note);
END
$$;
COMMENT ON FUNCTION app.answer_checklist_item(uuid, boolean, numeric, boolean, text, text) IS
  E'Answer a checklist item\nBy its kind: check (checked true), measurement (measured_value, a number; out_of_limits is set when it is outside the item''s limits), pass_fail (passed), text (text_value), photo (checked true, once an image attached to the item is stored); checked false clears the answer. An item with photo_required needs a stored image attachment of the item (POST /attachments with checklist_item_id) before it is answered. Who and when are recorded, as for app.check_checklist_item; an optional note. Staff who may read the entity (work orders: work_order.execute at its plant while it is not completed).\nErrors: PT404 checklist_item.not_found, PT409 checklist_item.photo_missing, PT422 checklist_item.answer_invalid / checklist_item.note_too_long.';

-- A photo for an item, declared by whoever may answer it (attachment.upload
-- is not needed: a plant-scoped technician holds no tenant-wide upload
-- permission). The row is an attachment of the checklist's entity linked to
-- the item, uploaded by the caller; the upload then follows the
-- attachments' flow (app.attachment_upload_url, PUT, app.confirm_attachment_upload).
CREATE OR REPLACE FUNCTION auth.checklist_photo(p_item_id uuid, p_file_name text, p_mime_type text, p_size_bytes bigint, p_sha256 text)
RETURNS app.attachments
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_checklist app.checklists;
  v_attachment app.attachments;
BEGIN
  SELECT c.* INTO v_checklist
    FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
   WHERE i.organization_id = auth.org_id() AND i.id = p_item_id;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL OR auth.user_id() IS NULL THEN
    RAISE EXCEPTION 'checklist item % not found', p_item_id USING ERRCODE = 'PT404', DETAIL = 'checklist_item.not_found',
      HINT = 'GET /checklist_items lists the items you may see.';
  END IF;
  -- The attachment's own checks apply (_200_prepare: file name, image type, size, sha256, the item takes photos; a domain's rules).
  INSERT INTO app.attachments AS a (organization_id, entity_type, entity_id, checklist_item_id, file_name, mime_type, size_bytes, sha256)
  VALUES (v_checklist.organization_id, v_checklist.entity_type, v_checklist.entity_id, p_item_id, p_file_name, p_mime_type, p_size_bytes,
          p_sha256)
  RETURNING a.* INTO v_attachment;
  RETURN v_attachment;
END
$$;
COMMENT ON FUNCTION auth.checklist_photo(uuid, text, text, bigint, text) IS
  'The body of app.attach_checklist_photo, run after the caller''s visibility check: declares a pending image attachment of the item''s entity linked to the item, uploaded by the caller; staff only (PT404 checklist_item.not_found).';

CREATE OR REPLACE FUNCTION app.attach_checklist_photo(item_id uuid, file_name text, mime_type text, size_bytes bigint, sha256 text)
RETURNS app.attachments
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- As the caller: row-level security shows only items of entities they may read.
  IF NOT EXISTS (SELECT FROM app.checklist_items AS i WHERE i.organization_id = auth.org_id() AND i.id = attach_checklist_photo.item_id) THEN
    RAISE EXCEPTION 'checklist item % not found', attach_checklist_photo.item_id USING ERRCODE = 'PT404',
      DETAIL = 'checklist_item.not_found', HINT = 'GET /checklist_items lists the items you may see.';
  END IF;
  RETURN auth.checklist_photo(attach_checklist_photo.item_id, attach_checklist_photo.file_name, attach_checklist_photo.mime_type,
                              attach_checklist_photo.size_bytes, attach_checklist_photo.sha256);
END
$$;
COMMENT ON FUNCTION app.attach_checklist_photo(uuid, text, text, bigint, text) IS
  E'Attach a photo to a checklist item\nDeclares a photo (an image: file name, media type image/*, size in bytes and sha256 of the file) answering an item of kind photo or with photo_required, as an attachment of the checklist''s entity linked to the item (checklist_item_id), pending and yours. Then PUT the file to app.attachment_upload_url, call app.confirm_attachment_upload, and once upload_state is stored answer the item (app.answer_checklist_item). Whoever may answer the item (work orders: work_order.execute at its plant, before completion); attachment.upload is not needed.\nErrors: PT404 checklist_item.not_found, PT403 permission.missing, PT409 checklist.closed, PT422 attachment.checklist_item_invalid / attachment.photo_not_image / attachment.file_name_invalid / attachment.size_invalid / attachment.sha256_invalid.';

CREATE OR REPLACE FUNCTION app_private.checklist_state(p_organization_id uuid, p_template_key text, p_entity_type text, p_entity_id uuid)
RETURNS TABLE (started boolean, required_open integer, required_total integer)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_checklist_id uuid;
BEGIN
  SELECT c.id INTO v_checklist_id
    FROM app.checklists AS c JOIN app.checklist_templates AS t ON t.organization_id = c.organization_id AND t.id = c.template_id
   WHERE c.organization_id = p_organization_id AND c.entity_type = p_entity_type AND c.entity_id = p_entity_id AND t.key = p_template_key;
  IF v_checklist_id IS NULL THEN
    RETURN QUERY SELECT false, 0, 0;
    RETURN;
  END IF;
  RETURN QUERY
  SELECT true, (count(*) FILTER (WHERE i.checked_at IS NULL
                                    OR (i.photo_required AND NOT app_private.checklist_item_has_photo(i.organization_id, i.id))))::integer,
         count(*)::integer
    FROM app.checklist_items AS i
   WHERE i.organization_id = p_organization_id AND i.checklist_id = v_checklist_id AND i.required;
END
$$;
COMMENT ON FUNCTION app_private.checklist_state(uuid, text, text, uuid) IS
  'Whether the entity has its checklist of the template, and how many of its required items are unanswered (unchecked, or needing a photo without a stored one), of how many.';

CREATE OR REPLACE FUNCTION app_private.checklist_photos_missing(p_organization_id uuid, p_template_key text, p_entity_type text, p_entity_id uuid)
RETURNS integer
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT count(*)::integer
    FROM app.checklists AS c
    JOIN app.checklist_templates AS t ON t.organization_id = c.organization_id AND t.id = c.template_id
    JOIN app.checklist_items AS i ON i.organization_id = c.organization_id AND i.checklist_id = c.id
   WHERE c.organization_id = p_organization_id AND c.entity_type = p_entity_type AND c.entity_id = p_entity_id AND t.key = p_template_key
     AND i.required AND i.photo_required AND NOT app_private.checklist_item_has_photo(i.organization_id, i.id)
$$;
COMMENT ON FUNCTION app_private.checklist_photos_missing(uuid, text, text, uuid) IS
  'How many required items of the entity''s checklist of the template need a photo and have no stored image attached (the checklist guard''s checklist.photo_missing).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.checklist_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
