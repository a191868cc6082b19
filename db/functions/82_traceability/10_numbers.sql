-- Lot and serial numbers from the tenant's patterns (app.trace_number_patterns):
-- date parts in the plant's time zone, one zero-padded counter. The counter
-- is a row of app_private.human_id_counters keyed by the kind and the text
-- around the counter as rendered, taken with INSERT .. ON CONFLICT DO UPDATE
-- (race-free: concurrent creators queue on the row); a dated pattern renders
-- another key every period, so its counter starts again at 1.

CREATE OR REPLACE FUNCTION app_private.provision_traceability(p_organization_id uuid) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  INSERT INTO app.trace_number_patterns (organization_id, kind, pattern)
  SELECT p_organization_id, d.kind, d.pattern FROM app_private.default_trace_number_patterns AS d
  ON CONFLICT (organization_id, kind) DO NOTHING;
$$;
COMMENT ON FUNCTION app_private.provision_traceability(uuid) IS
  'Gives a tenant the default lot and serial number patterns (app_private.default_trace_number_patterns) it has no pattern of yet. Idempotent; a step of app_private.provision_organization.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.trace_number_patterns
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Renders the pattern for a moment and reserves p_count consecutive numbers;
-- returns them in order.
CREATE OR REPLACE FUNCTION app_private.take_trace_numbers(p_organization_id uuid, p_kind app.trace_item_kind, p_site_id uuid,
                                                          p_count integer, p_at timestamptz DEFAULT pg_catalog.now())
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_pattern text;
  v_zone text;
  v_local timestamp;
  v_rendered text;
  v_prefix text;
  v_suffix text;
  v_width integer;
  v_last bigint;
BEGIN
  SELECT p.pattern INTO v_pattern FROM app.trace_number_patterns AS p WHERE p.organization_id = p_organization_id AND p.kind = p_kind;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no % number pattern', p_kind USING ERRCODE = 'PT409', DETAIL = 'trace_pattern.missing',
      HINT = 'An administrator sets one: POST /trace_number_patterns {"kind": "lot", "pattern": "LOT-{YYYY}{MM}-{####}"}.';
  END IF;
  v_zone := coalesce((SELECT s.timezone FROM app.sites AS s WHERE s.organization_id = p_organization_id AND s.id = p_site_id),
                     (SELECT o.settings ->> 'timezone' FROM app.organizations AS o WHERE o.id = p_organization_id), 'UTC');
  v_local := p_at AT TIME ZONE v_zone;
  v_rendered := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(v_pattern,
                  '{YYYY}', pg_catalog.to_char(v_local, 'YYYY')), '{YY}', pg_catalog.to_char(v_local, 'YY')),
                  '{MM}', pg_catalog.to_char(v_local, 'MM')), '{DD}', pg_catalog.to_char(v_local, 'DD')),
                  '{WW}', pg_catalog.to_char(v_local, 'IW'));
  v_prefix := pg_catalog.split_part(v_rendered, '{#', 1);
  v_width := pg_catalog.length(pg_catalog.substring(v_rendered, '\{(#+)\}'));
  v_suffix := pg_catalog.substring(v_rendered, '\{#+\}(.*)$');
  INSERT INTO app_private.human_id_counters AS c (organization_id, prefix, last_number)
  VALUES (p_organization_id, p_kind::text || ':' || v_prefix || '{#}' || v_suffix, p_count)
  ON CONFLICT (organization_id, prefix) DO UPDATE SET last_number = c.last_number + p_count
  RETURNING last_number INTO v_last;
  RETURN QUERY
    SELECT v_prefix || pg_catalog.lpad(n::text, greatest(v_width, pg_catalog.length(n::text)), '0') || v_suffix
      FROM pg_catalog.generate_series(v_last - p_count + 1, v_last) AS n;
END
$$;
COMMENT ON FUNCTION app_private.take_trace_numbers(uuid, app.trace_item_kind, uuid, integer, timestamptz) IS
  'Reserves p_count consecutive lot or serial numbers from the tenant''s pattern: date parts ({YYYY} {YY} {MM} {DD} {WW}, ISO week) in the site''s time zone (else the tenant''s, else UTC), the counter zero-padded to its width (wider when it outgrows it). One counter per kind and rendered text around the counter (app_private.human_id_counters), so it is race-free and starts again every period of a dated pattern. PT409 trace_pattern.missing.';
