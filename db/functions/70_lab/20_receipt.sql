-- Receipt and the sample lifecycle RPCs (migration lab/receipt): batch
-- accession (register and receive, or receive what was registered), the
-- condition on arrival, rejection with a reason from the tenant's type list
-- sample_rejection_reasons (the submitter is told), invalidation and retest.
-- Every status change goes through app_private.set_sample_status, which
-- keeps the append-only history and publishes sample.status_changed; the
-- runs and results parts call it too.

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.sample_receipts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.sample_status_changes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- The sample a member is about to change, locked: PT404 sample.not_found
-- unless the caller may read it, PT403 permission.missing without
-- sample.manage tenant-wide or at its site.
CREATE OR REPLACE FUNCTION app_private.lock_sample_for_change(p_sample_id uuid) RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples;
BEGIN
  SELECT * INTO v_sample FROM app.samples AS s WHERE s.organization_id = auth.org_id() AND s.id = p_sample_id FOR UPDATE;
  IF NOT FOUND OR NOT (auth.is_platform_operator()
                       OR (auth.partner_id() IS NULL AND auth.has_permission('sample.read', v_sample.site_id))
                       OR coalesce(v_sample.partner_id = auth.partner_id(), false)) THEN
    RAISE EXCEPTION 'sample not found' USING ERRCODE = 'PT404', DETAIL = 'sample.not_found',
      HINT = 'GET /samples lists the samples you may see.';
  END IF;
  PERFORM auth.check_permission_at('sample.manage', v_sample.site_id);
  RETURN v_sample;
END
$$;
COMMENT ON FUNCTION app_private.lock_sample_for_change(uuid) IS
  'The caller''s sample, locked FOR UPDATE, for the lab''s RPCs: PT404 sample.not_found unless the caller may read it, PT403 permission.missing without sample.manage tenant-wide or at its site.';

CREATE OR REPLACE FUNCTION app_private.set_sample_status(p_organization_id uuid, p_sample_id uuid, p_status app.sample_status,
                                                         p_reason text DEFAULT NULL)
RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.samples;
  v_new app.samples;
BEGIN
  SELECT * INTO v_old FROM app.samples AS s WHERE s.organization_id = p_organization_id AND s.id = p_sample_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'sample not found' USING ERRCODE = 'PT404', DETAIL = 'sample.not_found', HINT = 'GET /samples lists the samples you may see.';
  END IF;
  IF v_old.status = p_status THEN
    RETURN v_old;
  END IF;
  -- The lifecycle itself is checked by the samples' _200_prepare trigger (PT409 sample.status_transition).
  UPDATE app.samples AS s
     SET status = p_status,
         received_at = CASE WHEN p_status = 'received' THEN coalesce(s.received_at, pg_catalog.now()) ELSE s.received_at END
   WHERE s.organization_id = p_organization_id AND s.id = p_sample_id
  RETURNING * INTO v_new;
  INSERT INTO app.sample_status_changes (organization_id, sample_id, from_status, to_status, reason, changed_by)
  VALUES (p_organization_id, p_sample_id, v_old.status, p_status, nullif(btrim(p_reason), ''), auth.user_id());
  PERFORM app_private.publish_event(p_organization_id, 'sample.status_changed',
    pg_catalog.jsonb_build_object('sample_id', v_new.id, 'sample_number', v_new.sample_number, 'reason', nullif(btrim(p_reason), ''),
                                  'changed_by', auth.user_id(),
                                  'old', pg_catalog.jsonb_build_object('status', v_old.status),
                                  'new', pg_catalog.jsonb_build_object('status', v_new.status)),
    'sample', v_new.id);
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app_private.set_sample_status(uuid, uuid, app.sample_status, text) IS
  'The one way a sample''s status changes (for the lab''s RPCs: receipt, rejection, invalidation, retest, disposal, runs and results, which check the caller first): locks the sample, moves it along the lifecycle (PT409 sample.status_transition), stamps received_at on receipt, appends the change to sample_status_changes and publishes sample.status_changed. No change when the sample already has the status. PT404 sample.not_found.';

-- The label of an active value of the tenant's type list sample_rejection_reasons; PT422 otherwise.
CREATE OR REPLACE FUNCTION app_private.sample_rejection_reason(p_organization_id uuid, p_code text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_label text;
BEGIN
  SELECT v.label INTO v_label
    FROM app.type_lists AS l
    JOIN app.type_list_values AS v ON v.organization_id = l.organization_id AND v.type_list_id = l.id
   WHERE l.organization_id = p_organization_id AND l.code = 'sample_rejection_reasons' AND v.code = p_code AND v.is_active;
  IF v_label IS NULL THEN
    PERFORM app_private.raise_invalid('sample.rejection_reason_unknown',
      pg_catalog.format('%s is not an active rejection reason', coalesce(p_code, 'an empty reason')),
      'Send a value code of the type list sample_rejection_reasons (GET /type_list_values?type_list_id=eq.<its id>&is_active=is.true).');
  END IF;
  RETURN v_label;
END
$$;
COMMENT ON FUNCTION app_private.sample_rejection_reason(uuid, text) IS
  'The label of an active value of the tenant''s type list sample_rejection_reasons; PT422 sample.rejection_reason_unknown for anything else.';

-- Rejects a locked sample: the receipt row, the status, the event, the submitter told.
CREATE OR REPLACE FUNCTION app_private.reject_locked_sample(p_sample app.samples, p_batch_id uuid, p_reason text, p_condition jsonb)
RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_label text := app_private.sample_rejection_reason(p_sample.organization_id, p_reason);
  v_notes text := coalesce(p_condition ->> 'notes', '');
  v_sample app.samples;
  v_submitter uuid;
BEGIN
  INSERT INTO app.sample_receipts (organization_id, sample_id, batch_id, outcome, temperature_celsius, container_intact, seal_intact, notes,
                                   rejection_reason, received_by)
  VALUES (p_sample.organization_id, p_sample.id, p_batch_id, 'rejected', (p_condition ->> 'temperature_celsius')::numeric,
          (p_condition ->> 'container_intact')::boolean, (p_condition ->> 'seal_intact')::boolean, v_notes, p_reason, auth.user_id());
  v_sample := app_private.set_sample_status(p_sample.organization_id, p_sample.id, 'rejected',
                                            v_label || CASE WHEN v_notes <> '' THEN ': ' || v_notes ELSE '' END);
  PERFORM app_private.publish_event(v_sample.organization_id, 'sample.rejected',
    pg_catalog.jsonb_build_object('sample_id', v_sample.id, 'sample_number', v_sample.sample_number, 'barcode', v_sample.barcode,
                                  'batch_id', p_batch_id, 'reason', p_reason, 'reason_label', v_label, 'notes', v_notes,
                                  'service_request_id', v_sample.service_request_id, 'rejected_by', auth.user_id()),
    'sample', v_sample.id);
  -- The submitter: who made the service request, else who registered the sample.
  v_submitter := coalesce((SELECT r.requested_by FROM app.service_requests AS r
                            WHERE r.organization_id = v_sample.organization_id AND r.id = v_sample.service_request_id),
                          v_sample.created_by);
  IF v_submitter IS NOT NULL AND v_submitter IS DISTINCT FROM auth.user_id() THEN
    PERFORM app_private.notify_readers(v_sample.organization_id, ARRAY[v_submitter], 'sample.read', 'system',
      pg_catalog.format('Sample %s rejected', v_sample.sample_number),
      pg_catalog.format('Sample %s (barcode %s) was rejected at receipt: %s.%s', v_sample.sample_number, v_sample.barcode, v_label,
                        CASE WHEN v_notes <> '' THEN ' ' || v_notes ELSE '' END),
      'high', NULL, 'samples', v_sample.id);
    -- A customer's portal user who submitted it sees their partner's samples: told too (notify_readers skips portal users).
    INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, action_url, entity_type, entity_id)
    SELECT v_sample.organization_id, m.user_id, 'system', pg_catalog.format('Sample %s rejected', v_sample.sample_number),
           pg_catalog.format('Sample %s (barcode %s) was rejected at receipt: %s.', v_sample.sample_number, v_sample.barcode, v_label),
           'high', '/samples/' || v_sample.id, 'samples', v_sample.id
      FROM app.memberships AS m
      JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
     WHERE m.organization_id = v_sample.organization_id AND m.user_id = v_submitter AND m.status = 'active'
       AND m.partner_id IS NOT NULL AND m.partner_id = v_sample.partner_id;
  END IF;
  RETURN v_sample;
END
$$;
COMMENT ON FUNCTION app_private.reject_locked_sample(app.samples, uuid, text, jsonb) IS
  'Rejects a sample the caller has locked and may manage: a rejected receipt row with the condition and the reason (an active value of sample_rejection_reasons, PT422 sample.rejection_reason_unknown), the status rejected (terminal), sample.rejected published, and the submitter (the service request''s requester, else the registrant) notified: staff through notify_readers (sample.read), a portal user of the sample''s customer directly.';

CREATE OR REPLACE FUNCTION app.receive_samples(samples jsonb) RETURNS SETOF app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_batch uuid := pg_catalog.gen_random_uuid();
  v_item jsonb;
  v_position bigint;
  v_sample app.samples;
  v_unknown text[];
BEGIN
  IF v_org IS NULL OR auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'receiving samples needs sample.manage' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Sign in as a member of the lab with sample.manage.';
  END IF;
  IF pg_catalog.jsonb_typeof(samples) IS DISTINCT FROM 'array' OR pg_catalog.jsonb_array_length(samples) NOT BETWEEN 1 AND 1000 THEN
    PERFORM app_private.raise_invalid('sample_receipt.invalid', 'samples must be an array of 1 to 1000 objects',
      'Send samples: [{"sample_type_id": ..., "site_id": ..., "quantity": 250, "temperature_celsius": 4.2, "container_intact": true, "seal_intact": true}, ...].');
  END IF;
  FOR v_item, v_position IN SELECT e.value, e.ordinality FROM pg_catalog.jsonb_array_elements(samples) WITH ORDINALITY AS e LOOP
    IF pg_catalog.jsonb_typeof(v_item) IS DISTINCT FROM 'object' THEN
      PERFORM app_private.raise_invalid('sample_receipt.invalid', pg_catalog.format('samples[%s] is not an object', v_position - 1),
        'Each element is an object: a new sample''s fields, or sample_id of a registered one, with its condition on arrival.');
    END IF;
    v_unknown := ARRAY(SELECT k FROM pg_catalog.jsonb_object_keys(v_item) AS k
                        WHERE k <> ALL (ARRAY['sample_id', 'sample_type_id', 'site_id', 'partner_id', 'project_id', 'service_request_id',
                                              'collected_at', 'quantity', 'unit', 'description', 'barcode', 'custom_fields',
                                              'temperature_celsius', 'container_intact', 'seal_intact', 'notes', 'rejection_reason']));
    IF cardinality(v_unknown) > 0 THEN
      PERFORM app_private.raise_invalid('sample_receipt.invalid',
        pg_catalog.format('samples[%s] has unknown keys: %s', v_position - 1, pg_catalog.array_to_string(v_unknown, ', ')),
        'Allowed: sample_id, or sample_type_id, site_id, partner_id, project_id, service_request_id, collected_at, quantity, unit, description, barcode, custom_fields; and temperature_celsius, container_intact, seal_intact, notes, rejection_reason.');
    END IF;
    IF v_item ? 'sample_id' THEN
      v_sample := app_private.lock_sample_for_change((v_item ->> 'sample_id')::uuid);
      IF v_sample.status <> 'registered' THEN
        RAISE EXCEPTION 'sample % is already %', v_sample.sample_number, v_sample.status USING ERRCODE = 'PT409',
          DETAIL = 'sample.already_received', HINT = 'Only a registered sample is received; GET /sample_receipts shows its receipt.';
      END IF;
    ELSE
      -- Registered here: sample.manage at its site is checked here (the row
      -- trigger checks only direct writes, this function runs as the owner);
      -- the samples' own rules (an active type, the next human id) apply.
      PERFORM auth.check_permission_at('sample.manage', (v_item ->> 'site_id')::uuid);
      INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, project_id, service_request_id, collected_at,
                               quantity, unit, description, barcode, custom_fields)
      VALUES (v_org, (v_item ->> 'sample_type_id')::uuid, (v_item ->> 'site_id')::uuid, (v_item ->> 'partner_id')::uuid,
              (v_item ->> 'project_id')::uuid, (v_item ->> 'service_request_id')::uuid, (v_item ->> 'collected_at')::timestamptz,
              (v_item ->> 'quantity')::numeric, v_item ->> 'unit', coalesce(v_item ->> 'description', ''), v_item ->> 'barcode',
              coalesce(v_item -> 'custom_fields', '{}'))
      RETURNING * INTO v_sample;
    END IF;
    IF v_item ? 'rejection_reason' THEN
      v_sample := app_private.reject_locked_sample(v_sample, v_batch, v_item ->> 'rejection_reason', v_item);
    ELSE
      INSERT INTO app.sample_receipts (organization_id, sample_id, batch_id, outcome, temperature_celsius, container_intact, seal_intact,
                                       notes, received_by)
      VALUES (v_org, v_sample.id, v_batch, 'received', (v_item ->> 'temperature_celsius')::numeric, (v_item ->> 'container_intact')::boolean,
              (v_item ->> 'seal_intact')::boolean, coalesce(v_item ->> 'notes', ''), auth.user_id());
      v_sample := app_private.set_sample_status(v_org, v_sample.id, 'received', NULL);
      PERFORM app_private.publish_event(v_org, 'sample.received',
        pg_catalog.jsonb_build_object('sample_id', v_sample.id, 'sample_number', v_sample.sample_number, 'barcode', v_sample.barcode,
                                      'batch_id', v_batch, 'received_at', v_sample.received_at,
                                      'temperature_celsius', (v_item ->> 'temperature_celsius')::numeric,
                                      'container_intact', (v_item ->> 'container_intact')::boolean,
                                      'seal_intact', (v_item ->> 'seal_intact')::boolean,
                                      'service_request_id', v_sample.service_request_id, 'received_by', auth.user_id()),
        'sample', v_sample.id);
    END IF;
    RETURN NEXT v_sample;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app.receive_samples(jsonb) IS
  E'Receive a batch of samples\nAccessions many samples at once, all or nothing: each element is a new sample (sample_type_id, site_id, partner_id, project_id, service_request_id, collected_at, quantity, unit, description, barcode, custom_fields: registered under the samples'' own rules) or sample_id of a registered one, with its condition on arrival (temperature_celsius, container_intact, seal_intact, notes). A sample is received (status received, received_at the server''s time, sample.received) or, with rejection_reason (a value code of the type list sample_rejection_reasons), rejected (terminal, sample.rejected, the submitter notified). Returns the samples with their human ids and barcodes, in the order sent; they share one batch_id in sample_receipts. Needs sample.manage tenant-wide or at each sample''s site (PT403); PT422 sample_receipt.invalid, PT409 sample.already_received.';

CREATE OR REPLACE FUNCTION app.reject_sample(sample_id uuid, reason text, notes text DEFAULT NULL) RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples := app_private.lock_sample_for_change(reject_sample.sample_id);
BEGIN
  IF v_sample.status NOT IN ('registered', 'received') THEN
    RAISE EXCEPTION 'sample % is %', v_sample.sample_number, v_sample.status USING ERRCODE = 'PT409', DETAIL = 'sample.status_transition',
      HINT = 'Only a registered or received sample (before testing starts) is rejected; invalidate one in testing (POST /rpc/invalidate_sample).';
  END IF;
  RETURN app_private.reject_locked_sample(v_sample, pg_catalog.gen_random_uuid(), reason, pg_catalog.jsonb_build_object('notes', notes));
END
$$;
COMMENT ON FUNCTION app.reject_sample(uuid, text, text) IS
  E'Reject a sample\nRejects a registered or received sample (PT409 sample.status_transition otherwise) with a reason (a value code of the type list sample_rejection_reasons, PT422 sample.rejection_reason_unknown) and notes: rejected is terminal; sample.rejected is published and the submitter notified. Needs sample.manage tenant-wide or at the sample''s site.';

CREATE OR REPLACE FUNCTION app.invalidate_sample(sample_id uuid, reason text) RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples := app_private.lock_sample_for_change(invalidate_sample.sample_id);
BEGIN
  IF coalesce(btrim(reason), '') = '' THEN
    PERFORM app_private.raise_invalid('sample.reason_required', 'invalidating a sample needs a reason',
      'Send reason: what makes the sample''s testing invalid (e.g. container leaked during analysis).');
  END IF;
  RETURN app_private.set_sample_status(v_sample.organization_id, v_sample.id, 'invalidated', reason);
END
$$;
COMMENT ON FUNCTION app.invalidate_sample(uuid, text) IS
  E'Invalidate a sample\nMarks a sample in progress, completed or released as invalidated (PT409 sample.status_transition otherwise) with a reason (PT422 sample.reason_required); app.retest_sample sends it back for testing. Needs sample.manage tenant-wide or at the sample''s site.';

CREATE OR REPLACE FUNCTION app.retest_sample(sample_id uuid, reason text DEFAULT NULL) RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples := app_private.lock_sample_for_change(retest_sample.sample_id);
BEGIN
  RETURN app_private.set_sample_status(v_sample.organization_id, v_sample.id, 'retest', reason);
END
$$;
COMMENT ON FUNCTION app.retest_sample(uuid, text) IS
  E'Send a sample for retest\nMoves an invalidated sample to retest (PT409 sample.status_transition otherwise); its next run moves it to in_progress. Needs sample.manage tenant-wide or at the sample''s site.';
