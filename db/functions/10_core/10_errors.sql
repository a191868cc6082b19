-- Errors every domain raises the same way: SQLSTATE PTxxx (PostgREST maps
-- it to the HTTP status xxx), a message, DETAIL carrying a stable reason
-- code, and a hint that says what to do.

-- VOLATILE, not IMMUTABLE: a call with constant arguments would otherwise be
-- folded (and raise) wherever the planner or plpgsql_check evaluates it ahead
-- of time, whether or not the branch that makes it is ever taken.
CREATE OR REPLACE FUNCTION app_private.raise_invalid(p_reason text, p_message text, p_hint text) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  IF p_hint IS NULL THEN
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'PT422', DETAIL = p_reason;
  END IF;
  RAISE EXCEPTION '%', p_message USING ERRCODE = 'PT422', DETAIL = p_reason, HINT = p_hint;
END
$$;

COMMENT ON FUNCTION app_private.raise_invalid(text, text, text) IS
  'Raises a validation error: SQLSTATE PT422 (HTTP 422), DETAIL the reason code (docs/conventions.md), the message and an optional hint.';

-- Retired once every caller names a reason (the three-argument form above).
CREATE OR REPLACE FUNCTION app_private.raise_invalid(p_message text, p_hint text) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  IF p_hint IS NULL THEN
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'PT422';
  END IF;
  RAISE EXCEPTION '%', p_message USING ERRCODE = 'PT422', HINT = p_hint;
END
$$;

COMMENT ON FUNCTION app_private.raise_invalid(text, text) IS 'Raises a validation error: SQLSTATE PT422, HTTP 422.';

CREATE OR REPLACE FUNCTION app_private.check_json_keys(p_document jsonb, p_column text, p_allowed text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_unknown text[] := ARRAY(SELECT k FROM jsonb_object_keys(p_document) AS k WHERE k <> ALL (p_allowed) ORDER BY k);
BEGIN
  IF v_unknown <> '{}' THEN
    PERFORM app_private.raise_invalid('input.unknown_key',
      format('%s has unknown key(s): %s', p_column, pg_catalog.array_to_string(v_unknown, ', ')),
      format('Allowed keys: %s.', pg_catalog.array_to_string(p_allowed, ', ')));
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_json_keys(jsonb, text, text[]) IS 'Refuses keys of a JSON object that are not in the allowed list.';
