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

-- VOLATILE for the same reason as raise_invalid: it raises.
CREATE OR REPLACE FUNCTION app_private.check_json_keys(p_document jsonb, p_column text, p_allowed text[]) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_unknown text[] := ARRAY(SELECT k FROM jsonb_object_keys(p_document) AS k WHERE k <> ALL (p_allowed) ORDER BY k);
BEGIN
  IF v_unknown <> '{}' THEN
    PERFORM app_private.raise_invalid('input.unknown_key',
      format('%s has unknown key(s): %s', p_column, app_private.message_list(v_unknown)),
      format('Allowed keys: %s.', app_private.message_list(p_allowed)));
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_json_keys(jsonb, text, text[]) IS 'Refuses keys of a JSON object that are not in the allowed list.';

-- Lists named in messages (roles, permissions, keys) say each name once.
CREATE OR REPLACE FUNCTION app_private.message_list(p_items text[], p_separator text DEFAULT ', ') RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT pg_catalog.string_agg(i.item, p_separator ORDER BY i.first)
    FROM (SELECT u.item, min(u.n) AS first FROM unnest(p_items) WITH ORDINALITY AS u (item, n)
           WHERE u.item IS NOT NULL GROUP BY u.item) AS i
$$;

COMMENT ON FUNCTION app_private.message_list(text[], text) IS
  'The items of a list for a message: each once, in the order they first appear, joined by the separator (", ").';
