-- Work order e-signatures (migration maintenance/checklists). Completing a
-- work order is signed by the technician (meaning performed), verifying it
-- by the supervisor (meaning verified), each re-entering their password
-- through app_private.sign_payload, the one signing path of the platform.
-- app.complete_work_order and app.verify_work_order sign and then move the
-- work order through app.transition_work_order, which refuses completed and
-- verified unless a signature of its own transaction, by the caller, for
-- that move exists (app_private.require_work_order_signature): the plain
-- move cannot skip the signature, and a signature cannot be reused.
-- A wrong password answers 403 (header Pulse-Refusal), counts as a sign-in
-- failure, and moves nothing.

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.work_order_signatures
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

CREATE OR REPLACE FUNCTION app_private.require_work_order_signature(p_order app.work_orders, p_to_state text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM app.work_order_signatures AS s
                  WHERE s.organization_id = p_order.organization_id AND s.work_order_id = p_order.id AND s.to_status = p_to_state
                    AND s.meaning IN ('performed', 'verified')
                    AND s.signed_by = auth.user_id() AND s.transaction_id = pg_catalog.pg_current_xact_id()::text::bigint) THEN
    RAISE EXCEPTION '% needs the e-signature of who does it', p_to_state USING ERRCODE = 'PT409', DETAIL = 'work_order.signature_required',
      HINT = CASE p_to_state WHEN 'completed' THEN 'Complete with app.complete_work_order (your password and a reason).'
                             ELSE 'Verify with app.verify_work_order (your password and a reason).' END;
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_work_order_signature(app.work_orders, text) IS
  'PT409 work_order.signature_required unless the caller signed this move (completed or verified) of the work order in the current transaction (app.complete_work_order, app.verify_work_order).';

-- Signs a move of a locked work order: the payload names the work order,
-- the move and the checklist answers. NULL when the password is wrong.
CREATE OR REPLACE FUNCTION app_private.sign_work_order(p_order app.work_orders, p_to_state text, p_meaning text, p_password text, p_reason text)
RETURNS app.work_order_signatures
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_signature jsonb;
  v_row app.work_order_signatures;
BEGIN
  IF p_password IS NULL OR p_password = '' THEN
    PERFORM app_private.raise_invalid('signature.required', format('%s needs your e-signature', p_to_state),
                                      'Send signature_password (your sign-in password) and reason.');
  END IF;
  IF nullif(pg_catalog.btrim(p_reason), '') IS NULL OR pg_catalog.length(p_reason) > 2000 THEN
    PERFORM app_private.raise_invalid('signature.reason_required', 'a signature needs a reason of 1 to 2000 characters',
                                      'Send reason, e.g. "Replaced the bearing, ran 30 minutes".');
  END IF;
  v_signature := app_private.sign_payload(p_password, p_meaning, p_reason, pg_catalog.jsonb_build_object(
    'work_order_id', p_order.id, 'work_order_number', p_order.work_order_number, 'from_status', p_order.status, 'to_status', p_to_state,
    'checklist', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'item_id', i.id, 'label', i.label, 'kind', i.kind, 'checked', i.checked_at IS NOT NULL, 'measured_value', i.measured_value,
               'unit', i.unit, 'passed', i.passed, 'text_value', i.text_value, 'out_of_limits', i.out_of_limits,
               'photos', (SELECT coalesce(pg_catalog.jsonb_agg(a.sha256 ORDER BY a.created_at, a.id), '[]')
                            FROM app.attachments AS a
                           WHERE a.organization_id = i.organization_id AND a.checklist_item_id = i.id AND a.upload_state = 'stored'))
               ORDER BY c.started_at, i.position)
        FROM app.checklists AS c JOIN app.checklist_items AS i ON i.organization_id = c.organization_id AND i.checklist_id = c.id
       WHERE c.organization_id = p_order.organization_id AND c.entity_type = 'work_order' AND c.entity_id = p_order.id), '[]')));
  IF v_signature ? 'refused' THEN
    RETURN NULL;  -- the failure is counted (sign_payload); nothing else is applied
  END IF;
  INSERT INTO app.work_order_signatures AS s (organization_id, work_order_id, to_status, meaning, reason, payload, payload_sha256, signed_by, site_id)
  VALUES (p_order.organization_id, p_order.id, p_to_state, p_meaning, pg_catalog.btrim(p_reason), v_signature -> 'payload',
          v_signature ->> 'payload_sha256', auth.user_id(), p_order.site_id)
  RETURNING s.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app_private.sign_work_order(app.work_orders, text, text, text, text) IS
  'The caller''s e-signature of a work order''s move (app_private.sign_payload over the work order, the move and its checklist answers with the sha256 of each stored photo), stored in work_order_signatures; NULL (nothing stored, 403) for a wrong password; PT422 signature.required / signature.reason_required.';

CREATE OR REPLACE FUNCTION app.complete_work_order(work_order_id uuid, signature_password text, reason text) RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(complete_work_order.work_order_id, 'work_order.execute');
BEGIN
  IF v_order.status <> 'in_progress' THEN
    PERFORM app_private.refuse_work_order_move(v_order, 'completed');
  END IF;
  -- The guards first, so a signature is not asked for (nor a failure counted) for a move that cannot happen.
  PERFORM app_private.require_work_order_failure_codes(v_order);
  PERFORM app_private.require_work_order_checklist(v_order);
  PERFORM app_private.require_lockout_removed(v_order);  -- 76_lockout.sql
  IF app_private.sign_work_order(v_order, 'completed', 'performed', complete_work_order.signature_password, complete_work_order.reason) IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN app.transition_work_order(v_order.id, 'completed');
END
$$;
COMMENT ON FUNCTION app.complete_work_order(uuid, text, text) IS
  E'Complete a work order, signed\nThe technician''s e-signature (meaning performed: password re-entered, a reason) over the work order and its checklist answers, then the move from in_progress to completed: every required checklist item answered, every out-of-limit measurement followed up (app.raise_checklist_follow_up), failure codes for breakdowns, lockout signed removed where it was signed applied (app.sign_work_order_lockout). Needs work_order.execute at its plant. A wrong password answers 403 (Pulse-Refusal: signature.wrong_password), counts as a sign-in failure and completes nothing (NULL).\nErrors: PT404 work_order.not_found, PT403 permission.missing, PT409 work_order.transition_invalid / checklist.photo_missing / checklist.required_unanswered / checklist.out_of_limits / work_order.failure_codes_required / work_order.lockout_not_removed, PT422 signature.required / signature.reason_required, PT429 while the account is locked.';

-- Separation of duties on verification: whoever took part in the work does
-- not verify it. Checked by app.verify_work_order before it asks for the
-- signature, and by app.transition_work_order for the move itself.
CREATE OR REPLACE FUNCTION app_private.require_independent_verifier(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.user_id();
  v_why text;
BEGIN
  v_why := CASE
    WHEN p_order.assignee_id = v_user THEN 'the assignee'
    WHEN EXISTS (SELECT FROM app.maintenance_team_members AS m
                  WHERE m.organization_id = p_order.organization_id AND m.team_id = p_order.team_id AND m.user_id = v_user
                    AND pg_catalog.tstzrange(m.member_from, m.member_to)
                        && pg_catalog.tstzrange(coalesce(p_order.started_at, pg_catalog.lower(p_order.scheduled), p_order.created_at),
                                                pg_catalog.now(), '[]'))
      THEN 'a member of the assigned team'
    WHEN EXISTS (SELECT FROM app.labour_entries AS l
                  WHERE l.organization_id = p_order.organization_id AND l.work_order_id = p_order.id AND l.user_id = v_user
                    AND l.reverses_id IS NULL
                    AND NOT EXISTS (SELECT FROM app.labour_entries AS r
                                     WHERE r.organization_id = l.organization_id AND r.reverses_id = l.id))
      THEN 'someone who logged labour on it'
    WHEN EXISTS (SELECT FROM app.work_order_signatures AS s
                  WHERE s.organization_id = p_order.organization_id AND s.work_order_id = p_order.id
                    AND s.meaning IN ('performed', 'lockout_applied', 'lockout_removed') AND s.signed_by = v_user)
      THEN 'the technician who signed its completion or lockout'
  END;
  IF v_why IS NOT NULL THEN
    RAISE EXCEPTION 'you took part in % (%) and do not verify it', p_order.work_order_number, v_why
      USING ERRCODE = 'PT409', DETAIL = 'work_order.self_verification',
            HINT = 'A supervisor who is not the assignee, not a member of the assigned team (while the work ran), logged no labour on it and signed neither its completion nor its lockout verifies.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_independent_verifier(app.work_orders) IS
  'PT409 work_order.self_verification when the caller is the work order''s assignee, a member of its assigned team while the work ran (from its start, else its scheduled start, to now), logged labour on it (an entry not reversed), or signed its completion or lockout.';

CREATE OR REPLACE FUNCTION app.verify_work_order(work_order_id uuid, signature_password text, reason text) RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(verify_work_order.work_order_id, 'work_order.verify');
BEGIN
  IF v_order.status <> 'completed' THEN
    PERFORM app_private.refuse_work_order_move(v_order, 'verified');
  END IF;
  PERFORM app_private.require_independent_verifier(v_order);
  IF app_private.sign_work_order(v_order, 'verified', 'verified', verify_work_order.signature_password, verify_work_order.reason) IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN app.transition_work_order(v_order.id, 'verified');
END
$$;
COMMENT ON FUNCTION app.verify_work_order(uuid, text, text) IS
  E'Verify a work order, signed\nThe supervisor''s e-signature (meaning verified: password re-entered, a reason) over the work order and its checklist answers, then the move from completed to verified; not by the assignee, a member of the assigned team, anyone who logged labour on it nor whoever signed the completion. Needs work_order.verify at its plant. A wrong password answers 403 (Pulse-Refusal: signature.wrong_password), counts as a sign-in failure and verifies nothing (NULL).\nErrors: PT404 work_order.not_found, PT403 permission.missing, PT409 work_order.transition_invalid / work_order.self_verification, PT422 signature.required / signature.reason_required, PT429 while the account is locked.';
