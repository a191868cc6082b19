-- Instrument scheduling (migration lab/scheduling): the qualifications that
-- operate an equipment class, recurring blocks on an instrument's calendar
-- (maintenance, calibration, availability windows) and reservations. Active
-- reservations of one instrument never overlap: the exclusion constraint
-- instrument_reservations_no_overlap is the race-proof backstop, the
-- _200_prepare trigger checks first (under a per-instrument advisory lock) so
-- that a conflict answers PT409 reservation.conflict naming the window, and
-- app.book_instrument turns a 23P01 that still gets through into the same.
-- Free slots and the calendar: 81_scheduling_availability.sql.

-- Recurrence: a small RRULE subset ----------------------------------------

-- FREQ=DAILY|WEEKLY (required), INTERVAL=n (1-366), BYDAY=MO,TU,... (weekly:
-- the days of each week; daily: only those days), UNTIL=YYYYMMDD (a local
-- date, inclusive) or UNTIL=YYYYMMDDTHHMMSSZ (UTC, inclusive), COUNT=n
-- (1-10000; not with UNTIL). Returns the parts, or {"error": "..."}.
CREATE OR REPLACE FUNCTION app_private.parse_recurrence(p_rule text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_part text;
  v_key text;
  v_value text;
  v_out jsonb := '{"interval": 1}';
  v_days integer[] := '{}';
  v_day text;
BEGIN
  IF p_rule IS NULL OR pg_catalog.btrim(p_rule) = '' THEN
    RETURN NULL;
  END IF;
  FOREACH v_part IN ARRAY pg_catalog.string_to_array(pg_catalog.upper(pg_catalog.regexp_replace(p_rule, '^RRULE:', '', 'i')), ';') LOOP
    v_key := pg_catalog.split_part(v_part, '=', 1);
    v_value := pg_catalog.substr(v_part, pg_catalog.length(v_key) + 2);
    IF v_out ? pg_catalog.lower(v_key) AND v_key <> 'INTERVAL' OR (v_key = 'INTERVAL' AND v_out ? 'interval_set') THEN
      RETURN pg_catalog.jsonb_build_object('error', pg_catalog.format('%s is given twice', v_key));
    END IF;
    CASE v_key
      WHEN 'FREQ' THEN
        IF v_value NOT IN ('DAILY', 'WEEKLY') THEN
          RETURN pg_catalog.jsonb_build_object('error', pg_catalog.format('FREQ=%s is not supported (DAILY or WEEKLY)', v_value));
        END IF;
        v_out := v_out || pg_catalog.jsonb_build_object('freq', v_value);
      WHEN 'INTERVAL' THEN
        IF v_value !~ '^[0-9]{1,3}$' OR v_value::integer NOT BETWEEN 1 AND 366 THEN
          RETURN pg_catalog.jsonb_build_object('error', 'INTERVAL must be a whole number from 1 to 366');
        END IF;
        v_out := v_out || pg_catalog.jsonb_build_object('interval', v_value::integer, 'interval_set', true);
      WHEN 'BYDAY' THEN
        FOREACH v_day IN ARRAY pg_catalog.string_to_array(v_value, ',') LOOP
          IF pg_catalog.array_position(ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], v_day) IS NULL THEN
            RETURN pg_catalog.jsonb_build_object('error', pg_catalog.format('BYDAY %s is not a day (MO, TU, WE, TH, FR, SA, SU)', v_day));
          END IF;
          v_days := v_days || pg_catalog.array_position(ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], v_day);
        END LOOP;
        v_out := v_out || pg_catalog.jsonb_build_object('byday', (SELECT pg_catalog.jsonb_agg(DISTINCT d ORDER BY d) FROM pg_catalog.unnest(v_days) AS d));
      WHEN 'UNTIL' THEN
        IF v_value ~ '^[0-9]{8}$' THEN
          BEGIN
            v_out := v_out || pg_catalog.jsonb_build_object('until_date', pg_catalog.to_date(v_value, 'YYYYMMDD'));
          EXCEPTION WHEN OTHERS THEN
            RETURN pg_catalog.jsonb_build_object('error', pg_catalog.format('UNTIL=%s is not a date', v_value));
          END;
          IF pg_catalog.to_char((v_out ->> 'until_date')::date, 'YYYYMMDD') <> v_value THEN
            RETURN pg_catalog.jsonb_build_object('error', pg_catalog.format('UNTIL=%s is not a date', v_value));
          END IF;
        ELSIF v_value ~ '^[0-9]{8}T[0-9]{6}Z$' THEN
          BEGIN
            v_out := v_out || pg_catalog.jsonb_build_object('until',
              pg_catalog.to_timestamp(pg_catalog.left(v_value, 15), 'YYYYMMDD"T"HH24MISS')::timestamp AT TIME ZONE 'UTC');
          EXCEPTION WHEN OTHERS THEN
            RETURN pg_catalog.jsonb_build_object('error', pg_catalog.format('UNTIL=%s is not a UTC date-time', v_value));
          END;
        ELSE
          RETURN pg_catalog.jsonb_build_object('error', 'UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ');
        END IF;
      WHEN 'COUNT' THEN
        IF v_value !~ '^[0-9]{1,5}$' OR v_value::integer NOT BETWEEN 1 AND 10000 THEN
          RETURN pg_catalog.jsonb_build_object('error', 'COUNT must be a whole number from 1 to 10000');
        END IF;
        v_out := v_out || pg_catalog.jsonb_build_object('count', v_value::integer);
      WHEN 'WKST' THEN
        IF v_value <> 'MO' THEN
          RETURN pg_catalog.jsonb_build_object('error', 'only WKST=MO is supported');
        END IF;
      ELSE
        RETURN pg_catalog.jsonb_build_object('error', pg_catalog.format('%s is not supported (FREQ, INTERVAL, BYDAY, UNTIL, COUNT)', coalesce(nullif(v_key, ''), v_part)));
    END CASE;
  END LOOP;
  IF NOT v_out ? 'freq' THEN
    RETURN pg_catalog.jsonb_build_object('error', 'FREQ is required (DAILY or WEEKLY)');
  END IF;
  IF v_out ? 'count' AND (v_out ? 'until' OR v_out ? 'until_date') THEN
    RETURN pg_catalog.jsonb_build_object('error', 'UNTIL and COUNT cannot both be given');
  END IF;
  RETURN v_out - 'interval_set';
END
$$;
COMMENT ON FUNCTION app_private.parse_recurrence(text) IS
  'The parts of a recurrence rule (RRULE subset: FREQ=DAILY|WEEKLY, INTERVAL, BYDAY, UNTIL, COUNT) as {"freq", "interval", "byday": [1..7, Monday = 1], "until" | "until_date", "count"}; {"error": "..."} when it is not one; NULL for none.';

-- The occurrences of a block that overlap [p_from, p_to), as time ranges.
-- Occurrences are laid in wall-clock time of the zone (so 07:00 stays 07:00
-- across daylight-saving changes); weeks start on Monday. Without COUNT the
-- expansion starts at the period that can reach p_from, so a rule that began
-- years ago costs only the periods asked about.
CREATE OR REPLACE FUNCTION app_private.recurrence_occurrences(p_first_start timestamp, p_duration interval, p_time_zone text,
                                                              p_rule text, p_from timestamptz, p_to timestamptz)
RETURNS SETOF tstzrange
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_rule jsonb := app_private.parse_recurrence(p_rule);
  v_first date := p_first_start::date;
  v_time time := p_first_start::time;
  v_weekly boolean;
  v_period integer;
  v_anchor date;
  v_days integer[];
  v_count integer;
  v_until timestamptz;
  v_until_date date;
  v_from_date date;
  v_to_date date;
  v_k_lo bigint;
  v_k_hi bigint;
BEGIN
  IF p_from >= p_to THEN
    RETURN;
  END IF;
  IF v_rule IS NULL OR v_rule ? 'error' THEN
    -- Once (an invalid rule never reaches a stored block: the trigger refuses it).
    RETURN QUERY SELECT r FROM (SELECT pg_catalog.tstzrange(p_first_start AT TIME ZONE p_time_zone,
                                                             (p_first_start + p_duration) AT TIME ZONE p_time_zone) AS r) AS o
                  WHERE o.r && pg_catalog.tstzrange(p_from, p_to);
    RETURN;
  END IF;
  v_weekly := v_rule ->> 'freq' = 'WEEKLY';
  v_period := (v_rule ->> 'interval')::integer * CASE WHEN v_weekly THEN 7 ELSE 1 END;
  v_anchor := CASE WHEN v_weekly THEN v_first - (extract(isodow FROM v_first)::integer - 1) ELSE v_first END;
  v_days := CASE WHEN v_rule ? 'byday' THEN ARRAY(SELECT pg_catalog.jsonb_array_elements_text(v_rule -> 'byday')::integer)
                 WHEN v_weekly THEN ARRAY[extract(isodow FROM v_first)::integer] END;
  v_count := (v_rule ->> 'count')::integer;
  v_until := (v_rule ->> 'until')::timestamptz;
  v_until_date := coalesce((v_rule ->> 'until_date')::date, (v_until AT TIME ZONE p_time_zone)::date);
  -- Local dates that can start an occurrence overlapping the window.
  v_from_date := (p_from AT TIME ZONE p_time_zone)::date - (ceil(extract(epoch FROM p_duration) / 86400)::integer + 1);
  v_to_date := (p_to AT TIME ZONE p_time_zone)::date + 1;
  IF v_until_date IS NOT NULL AND v_until_date < v_to_date THEN
    v_to_date := v_until_date;
  END IF;
  IF v_to_date < v_first THEN
    RETURN;
  END IF;
  v_k_lo := CASE WHEN v_count IS NULL THEN greatest(0, floor((v_from_date - v_anchor)::numeric / v_period)) ELSE 0 END;
  v_k_hi := floor((v_to_date - v_anchor)::numeric / v_period);
  IF v_count IS NOT NULL THEN
    v_k_hi := least(v_k_hi, v_count::bigint * 7);
  END IF;
  RETURN QUERY
    WITH candidates AS (
      SELECT d.day FROM pg_catalog.generate_series(v_k_lo, v_k_hi) AS k,
             LATERAL (SELECT (v_anchor + (k * v_period)::integer + (w - 1)) AS day
                        FROM pg_catalog.unnest(CASE WHEN v_weekly THEN v_days ELSE ARRAY[1] END) AS w) AS d
       WHERE d.day >= v_first
         AND (v_weekly OR v_days IS NULL OR extract(isodow FROM d.day)::integer = ANY (v_days))
    ), numbered AS (
      SELECT c.day, pg_catalog.row_number() OVER (ORDER BY c.day) AS n FROM candidates AS c
    ), ranged AS (
      SELECT pg_catalog.tstzrange((n.day + v_time) AT TIME ZONE p_time_zone, (n.day + v_time + p_duration) AT TIME ZONE p_time_zone) AS r
        FROM numbered AS n
       WHERE (v_count IS NULL OR n.n <= v_count)
         AND (v_until IS NULL OR (n.day + v_time) AT TIME ZONE p_time_zone <= v_until)
         AND (v_until_date IS NULL OR n.day <= v_until_date)
    )
    SELECT ranged.r FROM ranged WHERE ranged.r && pg_catalog.tstzrange(p_from, p_to) ORDER BY ranged.r;
END
$$;
COMMENT ON FUNCTION app_private.recurrence_occurrences(timestamp, interval, text, text, timestamptz, timestamptz) IS
  'The occurrences of a (recurring) block overlapping [p_from, p_to): each starts at the wall-clock time of p_first_start in p_time_zone on the days the rule gives (FREQ=DAILY|WEEKLY, INTERVAL, BYDAY, UNTIL, COUNT; weeks start Monday) and lasts p_duration of wall-clock time; once when there is no rule.';

-- The occurrences of an instrument's blocks of some kinds in a window.
CREATE OR REPLACE FUNCTION app_private.instrument_block_occurrences(p_organization_id uuid, p_equipment_id uuid,
                                                                   p_kinds app.instrument_block_kind[], p_from timestamptz, p_to timestamptz)
RETURNS TABLE (block_id uuid, kind app.instrument_block_kind, title text, during tstzrange)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT b.id, b.kind, b.title, o.r
    FROM app.instrument_blocks AS b
    CROSS JOIN LATERAL app_private.recurrence_occurrences(b.first_start, b.duration, b.time_zone, b.recurrence, p_from, p_to) AS o(r)
   WHERE b.organization_id = p_organization_id AND b.equipment_id = p_equipment_id AND b.kind = ANY (p_kinds)
   ORDER BY o.r
$$;
COMMENT ON FUNCTION app_private.instrument_block_occurrences(uuid, uuid, app.instrument_block_kind[], timestamptz, timestamptz) IS
  'The occurrences of the instrument''s blocks of those kinds that overlap [p_from, p_to), in time order (as the caller sees the blocks).';

-- Blocks ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_instrument_blocks__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_kind app.equipment_kind;
  v_rule jsonb;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT e.* INTO v_equipment FROM app.equipment AS e WHERE e.organization_id = NEW.organization_id AND e.id = NEW.equipment_id;
  IF NOT FOUND OR (app_private.is_member_call() AND NOT auth.has_permission('equipment.read', v_equipment.site_id)) THEN
    RAISE EXCEPTION 'equipment % not found', NEW.equipment_id USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found',
      HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  IF app_private.is_member_call() THEN
    IF TG_OP = 'UPDATE' AND OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN
      PERFORM auth.check_permission_at('instrument.schedule', (SELECT e.site_id FROM app.equipment AS e
                                                                 WHERE e.organization_id = OLD.organization_id AND e.id = OLD.equipment_id));
    END IF;
    PERFORM auth.check_permission_at('instrument.schedule', v_equipment.site_id);
  END IF;
  SELECT c.kind INTO v_kind FROM app.equipment_classes AS c WHERE c.organization_id = NEW.organization_id AND c.id = v_equipment.class_id;
  IF v_kind IS DISTINCT FROM 'instrument' THEN
    PERFORM app_private.raise_invalid('instrument.not_instrument', pg_catalog.format('%s is not an instrument (its class is of kind %s)', v_equipment.equipment_number, v_kind),
      'Only equipment of a class of kind instrument is scheduled.');
  END IF;
  IF NEW.time_zone IS NULL THEN
    NEW.time_zone := coalesce((SELECT s.timezone FROM app.sites AS s WHERE s.organization_id = NEW.organization_id AND s.id = v_equipment.site_id),
                              (SELECT o.settings ->> 'timezone' FROM app.organizations AS o WHERE o.id = NEW.organization_id), 'UTC');
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names AS z WHERE z.name = NEW.time_zone) THEN
    PERFORM app_private.raise_invalid('instrument_block.time_zone_unknown', pg_catalog.format('%s is not a time zone', NEW.time_zone),
      'Send an IANA time zone name (Europe/Berlin), or none for the site''s or the organization''s.');
  END IF;
  NEW.recurrence := nullif(pg_catalog.upper(pg_catalog.btrim(NEW.recurrence)), '');
  v_rule := app_private.parse_recurrence(NEW.recurrence);
  IF v_rule ? 'error' THEN
    PERFORM app_private.raise_invalid('instrument_block.recurrence_invalid', pg_catalog.format('recurrence %s: %s', NEW.recurrence, v_rule ->> 'error'),
      'Write an RRULE subset: FREQ=DAILY or WEEKLY; INTERVAL=n; BYDAY=MO,TU,...; UNTIL=YYYYMMDD or COUNT=n (e.g. FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR).');
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := auth.user_id();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_instrument_blocks__prepare() IS
  'BEFORE INSERT/UPDATE on instrument_blocks: the tenant guard; the equipment is visible (PT404 equipment.not_found) and an instrument (PT422 instrument.not_instrument); members need instrument.schedule tenant-wide or at its site (PT403 permission.missing); the time zone defaults to the site''s, then the tenant''s, then UTC (PT422 instrument_block.time_zone_unknown); the recurrence is a supported rule (PT422 instrument_block.recurrence_invalid); the creator.';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.instrument_blocks
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('instrument.schedule');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.instrument_blocks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_instrument_blocks__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.instrument_blocks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Reservations ---------------------------------------------------------------

-- Whether the caller may see what a booking is for and who made it: the
-- operator, the booker, and schedulers of the instrument (instrument.schedule
-- tenant-wide or at its site). The owner's paths see everything.
CREATE OR REPLACE FUNCTION app_private.may_see_reservation(p_user_id uuid, p_booked_by uuid, p_site_id uuid) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT NOT app_private.is_member_call() OR auth.is_platform_operator()
      OR auth.user_id() IN (p_user_id, p_booked_by) OR auth.has_permission('instrument.schedule', p_site_id)
$$;
COMMENT ON FUNCTION app_private.may_see_reservation(uuid, uuid, uuid) IS
  'Whether the caller may see the purpose and the people of a booking: its operator or booker, a scheduler of the instrument (instrument.schedule tenant-wide or at its site), the owner''s paths.';

-- The refusal of a window that overlaps an active booking of the instrument:
-- PT409 reservation.conflict naming the conflicting window; its purpose and
-- people only when the caller may see them.
CREATE OR REPLACE FUNCTION app_private.refuse_reservation_conflict(p_organization_id uuid, p_equipment_id uuid, p_during tstzrange,
                                                                    p_except_id uuid)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_other record;
BEGIN
  SELECT r.during, r.purpose, r.user_id, r.booked_by, e.equipment_number, e.site_id,
         (SELECT u.display_name FROM app.users AS u WHERE u.id = r.user_id) AS operator
    INTO v_other
    FROM app.instrument_reservations AS r
    JOIN app.equipment AS e ON e.organization_id = r.organization_id AND e.id = r.equipment_id
   WHERE r.organization_id = p_organization_id AND r.equipment_id = p_equipment_id AND r.status = 'active'
     AND r.during && p_during AND r.id IS DISTINCT FROM p_except_id
   ORDER BY r.during LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '%', pg_catalog.format('%s is already booked from %s to %s%s', v_other.equipment_number,
        pg_catalog.to_char(pg_catalog.lower(v_other.during) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        pg_catalog.to_char(pg_catalog.upper(v_other.during) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        CASE WHEN app_private.may_see_reservation(v_other.user_id, v_other.booked_by, v_other.site_id)
             THEN pg_catalog.format(' (%s, for %s)', coalesce(v_other.operator, 'someone'), v_other.purpose) ELSE '' END)
      USING ERRCODE = 'PT409', DETAIL = 'reservation.conflict',
            HINT = pg_catalog.format('The window [%s, %s) is taken: pick a free slot (instrument_availability).',
                                     pg_catalog.to_char(pg_catalog.lower(v_other.during) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                     pg_catalog.to_char(pg_catalog.upper(v_other.during) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.refuse_reservation_conflict(uuid, uuid, tstzrange, uuid) IS
  'PT409 reservation.conflict when an active booking of the instrument (other than p_except_id) overlaps the window: the message and hint name its window (UTC); its operator and purpose only for those who may see them (app_private.may_see_reservation).';

CREATE OR REPLACE FUNCTION app_private.tg_instrument_reservations__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_member boolean;
  v_equipment app.equipment;
  v_class app.equipment_classes;
  v_start record;
  v_end record;
  v_block record;
  v_missing record;
  v_last timestamptz;
  v_fmt text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_member := app_private.is_member_call();
  v_fmt := 'YYYY-MM-DD"T"HH24:MI:SS"Z"';
  IF TG_OP = 'INSERT' THEN
    NEW.booked_by := coalesce(auth.user_id(), NEW.booked_by);
    NEW.user_id := coalesce(NEW.user_id, NEW.booked_by);
    IF v_member THEN
      NEW.status := 'active';
      NEW.cancelled_at := NULL;
      NEW.cancelled_by := NULL;
      NEW.cancel_reason := NULL;
    END IF;
  ELSIF OLD.status = 'cancelled' THEN
    RAISE EXCEPTION 'the reservation is cancelled' USING ERRCODE = 'PT409', DETAIL = 'reservation.cancelled',
      HINT = 'A cancelled reservation is kept as it was: book again.';
  ELSIF NEW.status = 'cancelled' OR (NEW.during, NEW.equipment_id, NEW.user_id) IS NOT DISTINCT FROM (OLD.during, OLD.equipment_id, OLD.user_id) THEN
    RETURN NEW;  -- a cancellation, or a new purpose or link: nothing to re-check
  END IF;
  NEW.during := pg_catalog.tstzrange(pg_catalog.lower(NEW.during), pg_catalog.upper(NEW.during), '[)');
  SELECT e.* INTO v_equipment FROM app.equipment AS e WHERE e.organization_id = NEW.organization_id AND e.id = NEW.equipment_id;
  IF NOT FOUND OR (v_member AND NOT auth.has_permission('equipment.read', v_equipment.site_id)) THEN
    RAISE EXCEPTION 'equipment % not found', NEW.equipment_id USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found',
      HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  IF v_member THEN
    PERFORM auth.check_permission_at('instrument.book', v_equipment.site_id);
    IF NEW.user_id IS DISTINCT FROM auth.user_id() THEN
      PERFORM auth.check_permission_at('instrument.schedule', v_equipment.site_id);
      IF NOT app_private.is_active_staff(NEW.organization_id, NEW.user_id) THEN
        RAISE EXCEPTION 'the operator is not an active member of the organization' USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
          HINT = 'Book for an active staff member.';
      END IF;
    END IF;
    IF pg_catalog.upper(NEW.during) <= pg_catalog.now() THEN
      PERFORM app_private.raise_invalid('reservation.in_past', 'the window ends in the past', 'Book a window that ends in the future.');
    END IF;
  END IF;
  SELECT c.* INTO v_class FROM app.equipment_classes AS c WHERE c.organization_id = NEW.organization_id AND c.id = v_equipment.class_id;
  IF v_class.kind <> 'instrument' THEN
    PERFORM app_private.raise_invalid('instrument.not_instrument',
      pg_catalog.format('%s is not an instrument (its class is of kind %s)', v_equipment.equipment_number, v_class.kind),
      'Only equipment of a class of kind instrument is booked.');
  END IF;
  IF v_equipment.status = 'under_maintenance' THEN
    RAISE EXCEPTION '% is under maintenance', v_equipment.equipment_number USING ERRCODE = 'PT409', DETAIL = 'reservation.in_maintenance',
      HINT = 'Book it when it is back in service, or another instrument of its class.';
  ELSIF v_equipment.status <> 'in_service' THEN
    RAISE EXCEPTION '% is %', v_equipment.equipment_number, v_equipment.status USING ERRCODE = 'PT409', DETAIL = 'equipment.not_in_service',
      HINT = 'Only equipment in service is booked.';
  END IF;
  -- Calibration: valid when the window starts and still valid when it ends.
  IF v_class.requires_calibration THEN
    v_last := pg_catalog.upper(NEW.during) - interval '1 microsecond';
    SELECT s.* INTO v_start FROM auth.calibration_status(NEW.organization_id, NEW.equipment_id, greatest(pg_catalog.lower(NEW.during), pg_catalog.now())) AS s;
    SELECT s.* INTO v_end FROM auth.calibration_status(NEW.organization_id, NEW.equipment_id, greatest(v_last, pg_catalog.now())) AS s;
    IF v_start.status IN ('never_calibrated', 'failed', 'not_yet_valid', 'overdue') THEN
      RAISE EXCEPTION '% is not calibrated for this window (%)', v_equipment.equipment_number, v_start.status
        USING ERRCODE = 'PT409', DETAIL = 'reservation.not_calibrated',
              HINT = 'Record a passing calibration (calibrations) before booking it.';
    ELSIF v_end.status NOT IN ('calibrated', 'due_soon') THEN
      RAISE EXCEPTION 'the calibration of % expires at %, before the window ends', v_equipment.equipment_number,
          pg_catalog.to_char(v_end.valid_to AT TIME ZONE 'UTC', v_fmt)
        USING ERRCODE = 'PT409', DETAIL = 'reservation.calibration_expires',
              HINT = pg_catalog.format('Book a window that ends by %s, or calibrate it first.', pg_catalog.to_char(v_end.valid_to AT TIME ZONE 'UTC', v_fmt));
    END IF;
  END IF;
  -- Maintenance and calibration blocks.
  SELECT o.* INTO v_block
    FROM app_private.instrument_block_occurrences(NEW.organization_id, NEW.equipment_id, ARRAY['maintenance', 'calibration']::app.instrument_block_kind[],
                                                  pg_catalog.lower(NEW.during), pg_catalog.upper(NEW.during)) AS o
   LIMIT 1;
  IF FOUND AND v_block.kind = 'maintenance' THEN
    RAISE EXCEPTION '% is blocked for % (maintenance) from % to %', v_equipment.equipment_number, v_block.title,
        pg_catalog.to_char(pg_catalog.lower(v_block.during) AT TIME ZONE 'UTC', v_fmt), pg_catalog.to_char(pg_catalog.upper(v_block.during) AT TIME ZONE 'UTC', v_fmt)
      USING ERRCODE = 'PT409', DETAIL = 'reservation.in_maintenance', HINT = 'Pick a free slot (instrument_availability).';
  ELSIF FOUND THEN
    RAISE EXCEPTION '% is blocked for % (%) from % to %', v_equipment.equipment_number, v_block.title, v_block.kind,
        pg_catalog.to_char(pg_catalog.lower(v_block.during) AT TIME ZONE 'UTC', v_fmt), pg_catalog.to_char(pg_catalog.upper(v_block.during) AT TIME ZONE 'UTC', v_fmt)
      USING ERRCODE = 'PT409', DETAIL = 'reservation.blocked', HINT = 'Pick a free slot (instrument_availability).';
  END IF;
  -- Availability windows: when the instrument has any, the window lies inside them.
  IF EXISTS (SELECT FROM app.instrument_blocks AS b
              WHERE b.organization_id = NEW.organization_id AND b.equipment_id = NEW.equipment_id AND b.kind = 'availability')
     AND NOT coalesce((SELECT pg_catalog.range_agg(o.during)
                         FROM app_private.instrument_block_occurrences(NEW.organization_id, NEW.equipment_id, ARRAY['availability']::app.instrument_block_kind[],
                                                                       pg_catalog.lower(NEW.during), pg_catalog.upper(NEW.during)) AS o) @> NEW.during, false) THEN
    RAISE EXCEPTION '% is not available for the whole window', v_equipment.equipment_number
      USING ERRCODE = 'PT409', DETAIL = 'reservation.outside_availability',
            HINT = 'Book inside its availability windows (instrument_availability lists the free slots).';
  END IF;
  -- The operator holds every qualification of the class, from start to end.
  SELECT q.code, q.name INTO v_missing
    FROM app.equipment_class_qualifications AS m
    JOIN app.qualifications AS q ON q.organization_id = m.organization_id AND q.id = m.qualification_id
   WHERE m.organization_id = NEW.organization_id AND m.class_id = v_equipment.class_id
     AND NOT (app_private.holds_qualification(NEW.organization_id, NEW.user_id, q.code, pg_catalog.lower(NEW.during))
              AND app_private.holds_qualification(NEW.organization_id, NEW.user_id, q.code, pg_catalog.upper(NEW.during) - interval '1 microsecond'))
   ORDER BY q.code LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'operating % needs the qualification % (%) for the whole window', v_equipment.equipment_number, v_missing.name, v_missing.code
      USING ERRCODE = 'PT403', DETAIL = 'reservation.not_qualified',
            HINT = pg_catalog.format('The operator must hold %s (competence register) from the start to the end of the window.', v_missing.code);
  END IF;
  -- No overlap with another active booking: one writer per instrument at a
  -- time, so the check sees every committed booking; the exclusion
  -- constraint still stands behind it.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('instrument_reservation:' || NEW.organization_id::text || NEW.equipment_id::text, 0));
  PERFORM app_private.refuse_reservation_conflict(NEW.organization_id, NEW.equipment_id, NEW.during, NEW.id);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_instrument_reservations__prepare() IS
  'BEFORE INSERT/UPDATE on instrument_reservations: the tenant guard; the booker and operator; a cancelled booking is frozen (PT409 reservation.cancelled); a new or moved window is checked: the instrument visible (PT404 equipment.not_found) and an instrument (PT422 instrument.not_instrument), instrument.book at its site (and instrument.schedule to book for someone else), not ending in the past (PT422 reservation.in_past), in service (PT409 reservation.in_maintenance, equipment.not_in_service), calibrated from start to end (PT409 reservation.not_calibrated, reservation.calibration_expires), no maintenance or calibration block (PT409 reservation.in_maintenance, reservation.blocked), inside availability windows (PT409 reservation.outside_availability), an operator qualified for the class (PT403 reservation.not_qualified), no overlapping active booking (PT409 reservation.conflict).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.instrument_reservations
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('instrument.book');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.instrument_reservations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_instrument_reservations__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.instrument_reservations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app.book_instrument(equipment_id uuid, starts_at timestamptz, ends_at timestamptz, purpose text,
                                               operator_id uuid DEFAULT NULL, entity_type text DEFAULT NULL, entity_id uuid DEFAULT NULL)
RETURNS app.instrument_reservations
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_row app.instrument_reservations;
BEGIN
  IF starts_at IS NULL OR ends_at IS NULL OR ends_at <= starts_at THEN
    RAISE EXCEPTION 'a booking needs a start before its end' USING ERRCODE = 'PT422', DETAIL = 'reservation.window_invalid',
      HINT = 'Send starts_at < ends_at.';
  END IF;
  INSERT INTO app.instrument_reservations (organization_id, equipment_id, user_id, purpose, during, entity_type, entity_id)
  VALUES (auth.org_id(), book_instrument.equipment_id, book_instrument.operator_id, book_instrument.purpose,
          pg_catalog.tstzrange(starts_at, ends_at, '[)'), book_instrument.entity_type, book_instrument.entity_id)
  RETURNING * INTO v_row;
  RETURN v_row;
EXCEPTION WHEN exclusion_violation THEN
  -- The exclusion constraint caught a booking committed after our snapshot
  -- was taken (REPEATABLE READ or SERIALIZABLE: under READ COMMITTED the
  -- trigger's check, under its per-instrument lock, sees it and names it).
  -- The snapshot cannot see that booking, so name the window asked for.
  RAISE EXCEPTION 'the window % to % was booked by someone else at the same moment',
      pg_catalog.to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), pg_catalog.to_char(ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    USING ERRCODE = 'PT409', DETAIL = 'reservation.conflict',
          HINT = 'Pick a free slot (instrument_availability) in a new transaction.';
END
$$;
COMMENT ON FUNCTION app.book_instrument(uuid, timestamptz, timestamptz, text, uuid, text, uuid) IS
  E'Book an instrument\nReserves [starts_at, ends_at) for operator_id (yourself when empty; someone else needs instrument.schedule), optionally for a record (entity_type, entity_id). Needs instrument.book tenant-wide or at the instrument''s site. Refusals: PT422 reservation.window_invalid, reservation.in_past, instrument.not_instrument; PT404 equipment.not_found; PT403 permission.missing, reservation.not_qualified; PT409 reservation.conflict (naming the taken window), reservation.in_maintenance, reservation.blocked, reservation.outside_availability, reservation.not_calibrated, reservation.calibration_expires, equipment.not_in_service.';

CREATE OR REPLACE FUNCTION app.cancel_instrument_reservation(reservation_id uuid, reason text DEFAULT NULL)
RETURNS app.instrument_reservations
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.instrument_reservations;
  v_site uuid;
BEGIN
  SELECT r.* INTO v_row FROM app.instrument_reservations AS r
   WHERE r.organization_id = auth.org_id() AND r.id = cancel_instrument_reservation.reservation_id FOR UPDATE;
  v_site := (SELECT e.site_id FROM app.equipment AS e WHERE e.organization_id = v_row.organization_id AND e.id = v_row.equipment_id);
  IF v_row.id IS NULL OR NOT app_private.may_see_reservation(v_row.user_id, v_row.booked_by, v_site) THEN
    RAISE EXCEPTION 'reservation % not found', cancel_instrument_reservation.reservation_id USING ERRCODE = 'PT404', DETAIL = 'reservation.not_found',
      HINT = 'Only the operator, the booker and schedulers of the instrument cancel a booking.';
  END IF;
  IF v_row.status = 'cancelled' THEN
    RAISE EXCEPTION 'the reservation is cancelled' USING ERRCODE = 'PT409', DETAIL = 'reservation.cancelled',
      HINT = 'It was cancelled already.';
  END IF;
  IF pg_catalog.upper(v_row.during) <= pg_catalog.now() THEN
    RAISE EXCEPTION 'the reservation has ended' USING ERRCODE = 'PT409', DETAIL = 'reservation.ended',
      HINT = 'A booking in the past is kept as a record of use.';
  END IF;
  UPDATE app.instrument_reservations AS r
     SET status = 'cancelled', cancelled_at = pg_catalog.now(), cancelled_by = auth.user_id(), cancel_reason = nullif(pg_catalog.btrim(reason), '')
   WHERE r.organization_id = v_row.organization_id AND r.id = v_row.id
  RETURNING r.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.cancel_instrument_reservation(uuid, text) IS
  E'Cancel a reservation\nFrees its window; the booking is kept as cancelled with who, when and why. The operator, the booker or a scheduler of the instrument (instrument.schedule tenant-wide or at its site). PT404 reservation.not_found, PT409 reservation.cancelled, reservation.ended.';
