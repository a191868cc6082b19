-- Free slots and the calendar of instruments (migration lab/scheduling), for
-- UI calendar components. They run as the owner, so that the free time is
-- right even where the caller may not see who booked, and keep to the
-- instruments the caller may see (app_private.visible_instruments, the rule
-- of the policy equipment_select_reader).

CREATE OR REPLACE FUNCTION app_private.visible_instruments(p_ids uuid[]) RETURNS uuid[]
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT ARRAY(SELECT e.id FROM app.equipment AS e
                WHERE e.organization_id = auth.org_id() AND e.id = ANY (p_ids)
                  AND (auth.is_platform_operator() OR (auth.partner_id() IS NULL AND auth.has_permission('equipment.read', e.site_id))))
$$;
COMMENT ON FUNCTION app_private.visible_instruments(uuid[]) IS
  'Those of the ids that are equipment of the caller''s active tenant the caller may see: equipment.read tenant-wide or at its site (the policy equipment_select_reader), platform operators all; portal users none.';

-- The free time of the instruments in [p_from, p_to): from now on, inside
-- their availability windows (all the time when they have none), within the
-- validity of the latest calibration (for classes that require one), minus
-- maintenance and calibration blocks and active bookings; none for an
-- instrument not in service.
CREATE OR REPLACE FUNCTION app_private.instrument_free_time(p_organization_id uuid, p_equipment_ids uuid[], p_from timestamptz, p_to timestamptz)
RETURNS TABLE (instrument_id uuid, free tstzmultirange)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH window_ AS (
    SELECT pg_catalog.tstzrange(greatest(p_from, pg_catalog.now()), greatest(p_to, pg_catalog.now()), '[)') AS w
  )
  SELECT e.id,
         CASE WHEN e.status <> 'in_service' OR c.kind <> 'instrument' THEN '{}'::tstzmultirange
         ELSE pg_catalog.tstzmultirange(window_.w)
              * CASE WHEN EXISTS (SELECT FROM app.instrument_blocks AS b
                                   WHERE b.organization_id = e.organization_id AND b.equipment_id = e.id AND b.kind = 'availability')
                     THEN coalesce((SELECT pg_catalog.range_agg(o.during)
                                      FROM app_private.instrument_block_occurrences(e.organization_id, e.id, ARRAY['availability']::app.instrument_block_kind[],
                                                                                    pg_catalog.lower(window_.w), pg_catalog.upper(window_.w)) AS o), '{}')
                     ELSE pg_catalog.tstzmultirange(window_.w) END
              * CASE WHEN NOT c.requires_calibration THEN pg_catalog.tstzmultirange(window_.w)
                     ELSE coalesce((SELECT CASE WHEN k.result = 'fail' THEN '{}'::tstzmultirange
                                                ELSE pg_catalog.tstzmultirange(pg_catalog.tstzrange(k.valid_from, k.valid_to, '[)')) END
                                      FROM app.calibrations AS k
                                     WHERE k.organization_id = e.organization_id AND k.equipment_id = e.id AND k.performed_at <= pg_catalog.now()
                                     ORDER BY k.performed_at DESC, k.recorded_at DESC LIMIT 1), '{}') END
              - coalesce((SELECT pg_catalog.range_agg(o.during)
                            FROM app_private.instrument_block_occurrences(e.organization_id, e.id, ARRAY['maintenance', 'calibration']::app.instrument_block_kind[],
                                                                          pg_catalog.lower(window_.w), pg_catalog.upper(window_.w)) AS o), '{}')
              - coalesce((SELECT pg_catalog.range_agg(r.during) FROM app.instrument_reservations AS r
                           WHERE r.organization_id = e.organization_id AND r.equipment_id = e.id AND r.status = 'active'
                             AND r.during && window_.w), '{}')
         END
    FROM app.equipment AS e
    JOIN app.equipment_classes AS c ON c.organization_id = e.organization_id AND c.id = e.class_id
    CROSS JOIN window_
   WHERE e.organization_id = p_organization_id AND e.id = ANY (p_equipment_ids)
$$;
COMMENT ON FUNCTION app_private.instrument_free_time(uuid, uuid[], timestamptz, timestamptz) IS
  'The free time of the tenant''s instruments in [p_from, p_to) as multiranges: from now on, inside their availability windows (all the time when they have none), within the latest calibration''s validity (classes that require one; none after a failed one), minus maintenance and calibration blocks and every active booking; empty when not in service. Reads every booking: callers pass only instruments the user may see.';

CREATE OR REPLACE FUNCTION app.instrument_availability(instrument_ids uuid[], "from" timestamptz, "to" timestamptz,
                                                       min_duration interval DEFAULT interval '0')
RETURNS TABLE (instrument_id uuid, slot_start timestamptz, slot_end timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_visible uuid[];
BEGIN
  IF "from" IS NULL OR "to" IS NULL OR "to" <= "from" THEN
    PERFORM app_private.raise_invalid('availability.range_invalid', 'free slots need a window with from before to', 'Send from < to.');
  END IF;
  IF "to" - "from" > interval '92 days' THEN
    PERFORM app_private.raise_invalid('availability.range_too_long', 'free slots are listed for at most 92 days at a time', 'Ask for a shorter window.');
  END IF;
  IF coalesce(pg_catalog.cardinality(instrument_ids), 0) > 200 THEN
    PERFORM app_private.raise_invalid('availability.too_many_instruments', 'free slots are listed for at most 200 instruments at a time',
      'Ask for fewer instruments.');
  END IF;
  v_visible := app_private.visible_instruments(instrument_ids);
  RETURN QUERY
    SELECT f.instrument_id, pg_catalog.lower(s.slot), pg_catalog.upper(s.slot)
      FROM app_private.instrument_free_time(auth.org_id(), v_visible, "from", "to") AS f
      CROSS JOIN LATERAL pg_catalog.unnest(f.free) AS s(slot)
     WHERE pg_catalog.upper(s.slot) - pg_catalog.lower(s.slot) >= coalesce(min_duration, interval '0')
     ORDER BY 1, 2;
END
$$;
COMMENT ON FUNCTION app.instrument_availability(uuid[], timestamptz, timestamptz, interval) IS
  E'Free instrument slots\nFor calendar components: the free slots (instrument, start, end) of the instruments you may see in [from, to) (at most 92 days), at least min_duration long: from now on, inside availability windows, while calibrated, outside maintenance and calibration blocks and every active booking (whoever made it). Instruments you may not see are left out. PT422 availability.range_invalid, availability.range_too_long, availability.too_many_instruments.';

-- The calendar: bookings and blocks of the instruments the caller may see,
-- in a window. Everyone who may see an instrument sees when it is taken;
-- what for and by whom only those who may see the booking
-- (app_private.may_see_reservation).
CREATE OR REPLACE FUNCTION app_private.instrument_calendar_entries(p_organization_id uuid, p_equipment_ids uuid[], p_from timestamptz, p_to timestamptz)
RETURNS TABLE (instrument_id uuid, entry_kind text, starts_at timestamptz, ends_at timestamptz, title text, reservation_id uuid,
               block_id uuid, operator_id uuid, is_mine boolean)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT r.equipment_id, 'reservation', pg_catalog.lower(r.during), pg_catalog.upper(r.during),
         CASE WHEN v.may THEN r.purpose END, CASE WHEN v.may THEN r.id END, NULL::uuid, CASE WHEN v.may THEN r.user_id END,
         auth.user_id() IN (r.user_id, r.booked_by)
    FROM app.instrument_reservations AS r
    JOIN app.equipment AS e ON e.organization_id = r.organization_id AND e.id = r.equipment_id
    CROSS JOIN LATERAL (SELECT app_private.may_see_reservation(r.user_id, r.booked_by, e.site_id) AS may) AS v
   WHERE r.organization_id = p_organization_id AND r.equipment_id = ANY (p_equipment_ids) AND r.status = 'active'
     AND r.during && pg_catalog.tstzrange(p_from, p_to, '[)')
  UNION ALL
  SELECT e.id, o.kind::text, pg_catalog.lower(o.during), pg_catalog.upper(o.during), o.title, NULL, o.block_id, NULL, false
    FROM app.equipment AS e
    CROSS JOIN LATERAL app_private.instrument_block_occurrences(e.organization_id, e.id, ARRAY['maintenance', 'calibration', 'availability']::app.instrument_block_kind[],
                                                                p_from, p_to) AS o
   WHERE e.organization_id = p_organization_id AND e.id = ANY (p_equipment_ids)
$$;
COMMENT ON FUNCTION app_private.instrument_calendar_entries(uuid, uuid[], timestamptz, timestamptz) IS
  'Active bookings and block occurrences of the tenant''s instruments in [p_from, p_to); a booking''s purpose, id and operator only where the caller may see them. Callers pass only instruments the user may see.';

CREATE OR REPLACE FUNCTION app.instrument_calendar(instrument_ids uuid[], "from" timestamptz, "to" timestamptz)
RETURNS TABLE (instrument_id uuid, entry_kind text, starts_at timestamptz, ends_at timestamptz, title text, reservation_id uuid,
               block_id uuid, operator_id uuid, is_mine boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_visible uuid[];
BEGIN
  IF "from" IS NULL OR "to" IS NULL OR "to" <= "from" THEN
    PERFORM app_private.raise_invalid('availability.range_invalid', 'the calendar needs a window with from before to', 'Send from < to.');
  END IF;
  IF "to" - "from" > interval '92 days' THEN
    PERFORM app_private.raise_invalid('availability.range_too_long', 'the calendar is listed for at most 92 days at a time', 'Ask for a shorter window.');
  END IF;
  v_visible := app_private.visible_instruments(instrument_ids);
  RETURN QUERY
    SELECT c.* FROM app_private.instrument_calendar_entries(auth.org_id(), v_visible, "from", "to") AS c ORDER BY c.instrument_id, c.starts_at;
END
$$;
COMMENT ON FUNCTION app.instrument_calendar(uuid[], timestamptz, timestamptz) IS
  E'Instrument calendar\nWhat is on the calendars of the instruments you may see in [from, to) (at most 92 days): active bookings (entry_kind reservation; title = purpose, reservation_id and operator_id only when you are its operator or booker or a scheduler of the instrument, else empty) and block occurrences (maintenance, calibration, availability). PT422 availability.range_invalid, availability.range_too_long.';
