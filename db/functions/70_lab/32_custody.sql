-- Chain of custody (migration lab/storage): app.move_sample puts a sample
-- into a storage location, app.hand_over_sample gives it to a person or to a
-- courier / external lab; both go through app_private.transfer_custody,
-- which locks the sample, checks the place, writes the custody event that
-- continues the sample's chain and the sample's current place. The chain's
-- continuity is in the table's constraints (custody_events_continuous,
-- custody_events_one_successor, custody_events_one_start_idx), not here.

CREATE OR REPLACE FUNCTION app_private.transfer_custody(
  p_sample_id uuid, p_to_location_id uuid, p_to_holder_id uuid, p_to_external text,
  p_reason text, p_condition text, p_signature jsonb
) RETURNS app.custody_events
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_sample app.samples;
  v_type app.sample_types;
  v_location app.storage_locations;
  v_range record;
  v_previous app.custody_events;
  v_signed jsonb;
  v_event app.custody_events;
BEGIN
  SELECT * INTO v_sample FROM app.samples AS s WHERE s.organization_id = v_org AND s.id = p_sample_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'sample not found' USING ERRCODE = 'PT404', DETAIL = 'sample.not_found',
      HINT = 'The sample does not exist in your active tenant, or you may not see it.';
  END IF;
  PERFORM auth.check_permission_at('sample.manage', v_sample.site_id);
  IF v_sample.status = 'registered' THEN
    RAISE EXCEPTION 'sample % is not received yet', v_sample.sample_number USING ERRCODE = 'PT409', DETAIL = 'sample.not_received',
      HINT = 'Receive the sample (POST /rpc/receive_samples) before storing it or handing it over.';
  ELSIF v_sample.status = 'disposed' THEN
    RAISE EXCEPTION 'sample % is disposed', v_sample.sample_number USING ERRCODE = 'PT409', DETAIL = 'sample.closed',
      HINT = 'A disposed sample has no custody left to transfer.';
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    PERFORM app_private.raise_invalid('custody.reason_required', 'a custody transfer needs a reason', 'Say why the sample moves, e.g. "to analysis".');
  END IF;
  IF p_to_location_id IS NOT NULL THEN
    SELECT * INTO v_location FROM app.storage_locations AS l WHERE l.organization_id = v_org AND l.id = p_to_location_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'storage location not found' USING ERRCODE = 'PT404', DETAIL = 'storage_location.not_found',
        HINT = 'GET /storage_locations lists the locations of your tenant.';
    END IF;
    PERFORM auth.check_permission_at('sample.manage', v_location.site_id);
    IF NOT v_location.is_active THEN
      PERFORM app_private.raise_invalid('storage_location.inactive', pg_catalog.format('storage location %s is not active', v_location.code),
        'Choose an active location.');
    END IF;
    IF v_sample.storage_location_id = v_location.id THEN
      RAISE EXCEPTION 'sample % is already in %', v_sample.sample_number, v_location.code USING ERRCODE = 'PT409', DETAIL = 'custody.same_place',
        HINT = 'A custody event moves the sample somewhere else.';
    END IF;
    SELECT * INTO v_type FROM app.sample_types AS t WHERE t.organization_id = v_org AND t.id = v_sample.sample_type_id;
    v_range := app_private.storage_location_range(v_org, v_location.id);
    IF (v_type.storage_min_celsius IS NOT NULL AND (v_range.min_celsius IS NULL OR v_range.min_celsius < v_type.storage_min_celsius))
       OR (v_type.storage_max_celsius IS NOT NULL AND (v_range.max_celsius IS NULL OR v_range.max_celsius > v_type.storage_max_celsius)) THEN
      PERFORM app_private.raise_invalid('storage.temperature_mismatch',
        pg_catalog.format('%s keeps %s to %s °C; %s samples need %s to %s °C', v_location.code,
                          coalesce(v_range.min_celsius::text, '?'), coalesce(v_range.max_celsius::text, '?'), v_type.code,
                          coalesce(v_type.storage_min_celsius::text, '-∞'), coalesce(v_type.storage_max_celsius::text, '∞')),
        'Store the sample where the whole temperature range is within its type''s storage range.');
    END IF;
    PERFORM app_private.refuse_full_location(v_location);
  ELSIF p_to_holder_id IS NOT NULL THEN
    IF NOT EXISTS (SELECT FROM app.memberships AS m WHERE m.organization_id = v_org AND m.user_id = p_to_holder_id
                      AND m.status = 'active' AND m.partner_id IS NULL) THEN
      PERFORM app_private.raise_invalid('custody.holder_not_member', 'the person is not an active staff member of the tenant',
        'Hand the sample to a member of your lab, or to a courier or external lab by name (to_external).');
    END IF;
    IF v_sample.custodian_id = p_to_holder_id THEN
      RAISE EXCEPTION 'sample % is already with that person', v_sample.sample_number USING ERRCODE = 'PT409', DETAIL = 'custody.same_place',
        HINT = 'A custody event moves the sample somewhere else.';
    END IF;
  ELSIF coalesce(btrim(p_to_external), '') = '' THEN
    PERFORM app_private.raise_invalid('custody.destination_required', 'say where the sample goes',
      'Send to_location_id (move_sample), or to_user_id or to_external (hand_over_sample).');
  ELSIF v_sample.custody_external = btrim(p_to_external) THEN
    RAISE EXCEPTION 'sample % is already with %', v_sample.sample_number, p_to_external USING ERRCODE = 'PT409', DETAIL = 'custody.same_place',
      HINT = 'A custody event moves the sample somewhere else.';
  END IF;

  -- The end of the chain: the event no other event follows (the sample is locked).
  SELECT * INTO v_previous FROM app.custody_events AS e
   WHERE e.organization_id = v_org AND e.sample_id = v_sample.id
     AND NOT EXISTS (SELECT FROM app.custody_events AS n WHERE n.organization_id = e.organization_id AND n.previous_event_id = e.id);

  IF p_signature IS NOT NULL OR coalesce((app_private.feature_flag(v_org, 'glp_esignatures_required') #>> '{}')::boolean, false) THEN
    IF p_signature IS NULL OR coalesce(p_signature ->> 'password', '') = '' THEN
      RAISE EXCEPTION 'this custody transfer must be signed' USING ERRCODE = 'PT422', DETAIL = 'signature.required',
        HINT = 'The tenant requires e-signatures (glp_esignatures_required): send signature {"password": ..., "reason": ..., "meaning": ...}.';
    END IF;
    v_signed := app_private.sign_payload(p_signature ->> 'password', coalesce(nullif(btrim(p_signature ->> 'meaning'), ''), 'custody transferred'),
      p_signature ->> 'reason', pg_catalog.jsonb_build_object('sample_id', v_sample.id, 'sample_number', v_sample.sample_number,
        'previous_event_id', v_previous.id, 'from', v_previous.to_key,
        'to', coalesce('location:' || p_to_location_id::text, 'person:' || p_to_holder_id::text, 'external:' || btrim(p_to_external)),
        'condition', coalesce(nullif(btrim(p_condition), ''), 'intact'), 'custody_reason', p_reason));
    IF v_signed ? 'refused' THEN
      RETURN NULL;
    END IF;
  END IF;

  INSERT INTO app.custody_events (organization_id, sample_id, previous_event_id, from_location_id, from_holder_id, from_external,
                                  to_location_id, to_holder_id, to_external, condition, reason, signature, recorded_by)
  VALUES (v_org, v_sample.id, v_previous.id, v_previous.to_location_id, v_previous.to_holder_id, v_previous.to_external,
          p_to_location_id, CASE WHEN p_to_location_id IS NULL THEN p_to_holder_id END,
          CASE WHEN p_to_location_id IS NULL AND p_to_holder_id IS NULL THEN btrim(p_to_external) END,
          coalesce(nullif(btrim(p_condition), ''), 'intact'), btrim(p_reason), v_signed, auth.user_id())
  RETURNING * INTO v_event;

  UPDATE app.samples AS s
     SET storage_location_id = v_event.to_location_id, storage_is_position = v_location.is_position,
         custodian_id = v_event.to_holder_id, custody_external = v_event.to_external
   WHERE s.organization_id = v_org AND s.id = v_sample.id;

  PERFORM app_private.publish_event(v_org, 'sample.custody_transferred',
    pg_catalog.jsonb_build_object('sample_id', v_sample.id, 'sample_number', v_sample.sample_number, 'custody_event_id', v_event.id,
      'from', v_event.from_key, 'to', v_event.to_key, 'condition', v_event.condition, 'reason', v_event.reason,
      'signed', v_event.signature IS NOT NULL),
    'sample', v_sample.id);
  RETURN v_event;
END
$$;
COMMENT ON FUNCTION app_private.transfer_custody(uuid, uuid, uuid, text, text, text, jsonb) IS
  'The body of app.move_sample and app.hand_over_sample: locks the sample (PT404 sample.not_found), needs sample.manage at its site and at the destination''s, a received and not disposed sample (PT409 sample.not_received, sample.closed), a reason (PT422 custody.reason_required), a new place (PT409 custody.same_place); into a location: active (PT422 storage_location.inactive), within the type''s temperature range (PT422 storage.temperature_mismatch), not full (PT409 storage_location.full, the location locked); to a person: an active staff member (PT422 custody.holder_not_member). Signed (app_private.sign_payload) when a signature is sent or the tenant''s glp_esignatures_required flag is on (PT422 signature.required); a wrong password records nothing and returns NULL with 403. Writes the custody event continuing the chain, the sample''s place, and the event sample.custody_transferred.';

CREATE OR REPLACE FUNCTION app.move_sample(sample_id uuid, to_location_id uuid, reason text, condition text DEFAULT NULL,
                                           signature jsonb DEFAULT NULL) RETURNS app.custody_events
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app_private.transfer_custody(move_sample.sample_id, move_sample.to_location_id, NULL, NULL, move_sample.reason,
                                      move_sample.condition, move_sample.signature);
$$;
COMMENT ON FUNCTION app.move_sample(uuid, uuid, text, text, jsonb) IS
  E'Stores a sample in a storage location (a position holds one sample) and records the custody event: from where it was (or who had it) to the location, the condition and reason, e-signed where the tenant requires (signature {"password", "reason", "meaning"}). sample.manage at the sample''s and the location''s site.\nErrors: PT403 permission.missing, PT404 sample.not_found, storage_location.not_found, PT409 sample.not_received, sample.closed, custody.same_place, storage_location.full, PT422 custody.reason_required, storage_location.inactive, storage.temperature_mismatch, signature.required; 403 signature.wrong_password (nothing recorded).';

CREATE OR REPLACE FUNCTION app.hand_over_sample(sample_id uuid, reason text, to_user_id uuid DEFAULT NULL, to_external text DEFAULT NULL,
                                                condition text DEFAULT NULL, signature jsonb DEFAULT NULL) RETURNS app.custody_events
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF num_nonnulls(hand_over_sample.to_user_id, hand_over_sample.to_external) <> 1 THEN
    PERFORM app_private.raise_invalid('custody.destination_required', 'hand the sample to one person or one outside party',
      'Send either to_user_id (a member of the lab) or to_external (a courier or external lab), not both.');
  END IF;
  RETURN app_private.transfer_custody(hand_over_sample.sample_id, NULL, hand_over_sample.to_user_id, hand_over_sample.to_external,
                                      hand_over_sample.reason, hand_over_sample.condition, hand_over_sample.signature);
END
$$;
COMMENT ON FUNCTION app.hand_over_sample(uuid, text, uuid, text, text, jsonb) IS
  E'Hands a sample to a person of the lab (to_user_id) or out to a courier or external lab (to_external), recording the custody event from where it was; the sample leaves its storage location. e-signed where the tenant requires. sample.manage at the sample''s site.\nErrors: PT403 permission.missing, PT404 sample.not_found, PT409 sample.not_received, sample.closed, custody.same_place, PT422 custody.destination_required, custody.holder_not_member, custody.reason_required, signature.required; 403 signature.wrong_password (nothing recorded).';

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.custody_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
