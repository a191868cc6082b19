-- Electronic signatures (21 CFR Part 11 style): the signer re-enters their
-- sign-in password, which is checked and counted like a sign-in, and the
-- signature is a record {meaning, reason, payload, payload_sha256} whose
-- payload names the signer, the time and what was signed. One code path for
-- every block that signs: state-machine transitions
-- (app_private.sign_transition), approval decisions
-- (app_private.sign_decision), the lab's notebook (app.sign_eln_entry) and
-- certificates of analysis (app.issue_certificate).

CREATE OR REPLACE FUNCTION app_private.sign_payload(p_password text, p_meaning text, p_reason text, p_payload jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_user app.users;
  v_payload jsonb;
BEGIN
  SELECT * INTO v_user FROM app.users WHERE id = auth.user_id();
  -- A signature password is guessed no faster than at sign-in: same lock,
  -- same counts, and a locked account cannot sign.
  PERFORM app_private.refuse_locked(app_private.lock_sign_in(v_user.email));
  IF NOT EXISTS (SELECT FROM app_private.credentials AS c
                  WHERE c.user_id = v_user.id AND c.password_hash = public.crypt(p_password, c.password_hash)) THEN
    PERFORM app_private.record_sign_in_failure(v_user.email);
    -- Returning (not raising) keeps the failure counted; the caller applies
    -- nothing and answers 403.
    PERFORM pg_catalog.set_config('response.status', '403', true);
    PERFORM pg_catalog.set_config('response.headers', '[{"Pulse-Refusal": "signature.wrong_password"}]', true);
    RETURN pg_catalog.jsonb_build_object('refused', 'signature.wrong_password');
  END IF;
  PERFORM app_private.clear_sign_in_failures(v_user.email);
  v_payload := p_payload || pg_catalog.jsonb_build_object(
    'signer_id', v_user.id, 'signer_email', v_user.email, 'signer_name', v_user.display_name, 'signed_at', pg_catalog.clock_timestamp(),
    'meaning', p_meaning, 'reason', p_reason);
  RETURN pg_catalog.jsonb_build_object(
    'meaning', p_meaning, 'reason', p_reason, 'payload', v_payload,
    'payload_sha256', pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(v_payload::text, 'UTF8')), 'hex'));
END
$$;
COMMENT ON FUNCTION app_private.sign_payload(text, text, text, jsonb) IS
  'The electronic signature of the calling user: re-checks their sign-in password (counted with sign-in failures; PT429 while locked) and returns {meaning, reason, payload, payload_sha256}, the payload being what is signed plus signer_id, signer_email, signer_name (the printed name of 21 CFR Part 11 §11.50), signed_at, meaning and reason; {"refused": "signature.wrong_password"} with response status 403 (header Pulse-Refusal) for a wrong password, so the failure is kept and the caller applies nothing.';
