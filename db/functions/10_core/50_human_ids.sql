-- Human ids (PRJ-000123, EQ-000042, CAPA-000007): one race-free counter per
-- tenant and prefix (app_private.human_id_counters), for every domain.

CREATE OR REPLACE FUNCTION app_private.take_human_id(p_organization_id uuid, p_prefix text, p_requested text) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_number bigint;
BEGIN
  -- The counter row is locked until commit, so concurrent creators in a
  -- tenant take numbers one after the other; an id sent by the client moves
  -- the counter past it.
  IF p_requested IS NULL THEN
    INSERT INTO app_private.human_id_counters AS c (organization_id, prefix, last_number)
    VALUES (p_organization_id, p_prefix, 1)
    ON CONFLICT (organization_id, prefix) DO UPDATE SET last_number = c.last_number + 1
    RETURNING last_number INTO v_number;
    RETURN p_prefix || '-' || pg_catalog.lpad(v_number::text, 6, '0');
  END IF;
  IF p_requested !~ ('^' || p_prefix || '-[0-9]{6,12}$') THEN
    PERFORM app_private.raise_invalid('human_id.invalid', format('%s is not a valid id', p_requested),
                                      format('Send %s- and 6 to 12 digits (e.g. %s-000123), or leave it out to get the next one.', p_prefix, p_prefix));
  END IF;
  v_number := pg_catalog.substr(p_requested, length(p_prefix) + 2)::bigint;
  INSERT INTO app_private.human_id_counters AS c (organization_id, prefix, last_number)
  VALUES (p_organization_id, p_prefix, v_number)
  ON CONFLICT (organization_id, prefix) DO UPDATE SET last_number = greatest(c.last_number, excluded.last_number);
  RETURN p_requested;
END
$$;

COMMENT ON FUNCTION app_private.take_human_id(uuid, text, text) IS
  'The next human id of a tenant (PRJ-000124), or checks one the client chose (PT422 human_id.invalid) and moves the counter past it. Race-free: the counter row serializes creators.';
