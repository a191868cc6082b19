-- Preventive schedules (migration maintenance/pm_schedules): the calendar
-- trigger, an RRULE subset (RFC 5545 3.3.10) parsed on write into the
-- schedule's rule_* columns and expanded in SQL:
--
--   FREQ=DAILY|WEEKLY|MONTHLY|YEARLY (required); INTERVAL=1..1000;
--   BYDAY=MO,TU,.. (DAILY: a filter; WEEKLY: the days of the week, weeks
--     start Monday; MONTHLY: with an optional ordinal, 1MO = the first
--     Monday, -1FR = the last Friday); BYMONTHDAY=1..31 or -31..-1
--     (MONTHLY, YEARLY; days a month lacks are skipped, as RFC 5545 says);
--   COUNT=1..1000 or UNTIL=YYYYMMDD (not both).
--
-- Without BYDAY/BYMONTHDAY the occurrences fall on the anchor's weekday
-- (WEEKLY), day of the month (MONTHLY) or day and month (YEARLY). Dates
-- only: a PM occurrence is a due day in the plant's time zone.

CREATE OR REPLACE FUNCTION app_private.parse_pm_rrule(p_rule text, OUT freq text, OUT rule_interval integer, OUT byday text[],
                                                      OUT bymonthday integer[], OUT rule_count integer, OUT until date)
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
DECLARE
  v_part text;
  v_key text;
  v_value text;
  v_seen text[] := '{}';
  v_hint constant text := 'Write FREQ=DAILY|WEEKLY|MONTHLY|YEARLY;INTERVAL=n;BYDAY=MO,TU,..(MONTHLY: 1MO, -1FR);BYMONTHDAY=1..31|-31..-1;COUNT=n or UNTIL=YYYYMMDD, e.g. FREQ=MONTHLY;BYDAY=1MO.';
BEGIN
  rule_interval := 1;
  IF p_rule IS NULL OR pg_catalog.btrim(p_rule) = '' THEN
    PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', 'the recurrence rule is empty', v_hint);
  END IF;
  FOREACH v_part IN ARRAY pg_catalog.string_to_array(pg_catalog.upper(pg_catalog.regexp_replace(pg_catalog.btrim(p_rule), '^RRULE:', '', 'i')), ';') LOOP
    CONTINUE WHEN v_part = '';
    v_key := pg_catalog.split_part(v_part, '=', 1);
    v_value := pg_catalog.substr(v_part, pg_catalog.length(v_key) + 2);
    IF v_key = ANY (v_seen) THEN
      PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', pg_catalog.format('%s appears twice in the rule', v_key), v_hint);
    END IF;
    v_seen := v_seen || v_key;
    CASE v_key
      WHEN 'FREQ' THEN
        IF v_value NOT IN ('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY') THEN
          PERFORM app_private.raise_invalid('pm_schedule.rrule_freq_unsupported',
            pg_catalog.format('FREQ=%s is not supported (DAILY, WEEKLY, MONTHLY or YEARLY)', v_value), v_hint);
        END IF;
        freq := v_value;
      WHEN 'INTERVAL' THEN
        IF v_value !~ '^[0-9]{1,4}$' OR v_value::integer NOT BETWEEN 1 AND 1000 THEN
          PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', pg_catalog.format('INTERVAL=%s is not 1 to 1000', v_value), v_hint);
        END IF;
        rule_interval := v_value::integer;
      WHEN 'COUNT' THEN
        IF v_value !~ '^[0-9]{1,4}$' OR v_value::integer NOT BETWEEN 1 AND 1000 THEN
          PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', pg_catalog.format('COUNT=%s is not 1 to 1000', v_value), v_hint);
        END IF;
        rule_count := v_value::integer;
      WHEN 'UNTIL' THEN
        IF v_value !~ '^[0-9]{8}(T[0-9]{6}Z?)?$' OR pg_catalog.to_char(pg_catalog.to_date(pg_catalog.left(v_value, 8), 'YYYYMMDD'), 'YYYYMMDD') <> pg_catalog.left(v_value, 8) THEN
          PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', pg_catalog.format('UNTIL=%s is not a date YYYYMMDD', v_value), v_hint);
        END IF;
        until := pg_catalog.to_date(pg_catalog.left(v_value, 8), 'YYYYMMDD');
      WHEN 'BYDAY' THEN
        byday := pg_catalog.string_to_array(v_value, ',');
        IF byday = '{}' OR EXISTS (SELECT FROM pg_catalog.unnest(byday) AS d WHERE d !~ '^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$') THEN
          PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', pg_catalog.format('BYDAY=%s is not a list of MO..SU (with an ordinal 1..5 or -1..-5 in MONTHLY rules)', v_value), v_hint);
        END IF;
      WHEN 'BYMONTHDAY' THEN
        IF v_value !~ '^[+-]?[0-9]{1,2}(,[+-]?[0-9]{1,2})*$'
           OR EXISTS (SELECT FROM pg_catalog.unnest(pg_catalog.string_to_array(v_value, ',')::integer[]) AS d WHERE d = 0 OR abs(d) > 31) THEN
          PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', pg_catalog.format('BYMONTHDAY=%s is not a list of 1..31 or -31..-1', v_value), v_hint);
        END IF;
        bymonthday := pg_catalog.string_to_array(v_value, ',')::integer[];
      ELSE
        PERFORM app_private.raise_invalid('pm_schedule.rrule_part_unsupported',
          pg_catalog.format('%s is not supported (FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL)', coalesce(nullif(v_key, ''), v_part)), v_hint);
    END CASE;
  END LOOP;
  IF freq IS NULL THEN
    PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', 'FREQ is required', v_hint);
  END IF;
  IF rule_count IS NOT NULL AND until IS NOT NULL THEN
    PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', 'COUNT and UNTIL do not go together', v_hint);
  END IF;
  IF byday IS NOT NULL AND bymonthday IS NOT NULL THEN
    PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', 'BYDAY and BYMONTHDAY do not go together here', v_hint);
  END IF;
  IF bymonthday IS NOT NULL AND freq NOT IN ('MONTHLY', 'YEARLY') THEN
    PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', pg_catalog.format('BYMONTHDAY does not go with FREQ=%s', freq), v_hint);
  END IF;
  IF byday IS NOT NULL AND freq = 'YEARLY' THEN
    PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', 'BYDAY does not go with FREQ=YEARLY here', v_hint);
  END IF;
  IF freq <> 'MONTHLY' AND EXISTS (SELECT FROM pg_catalog.unnest(byday) AS d WHERE d ~ '^[+-]?[0-9]') THEN
    PERFORM app_private.raise_invalid('pm_schedule.rrule_invalid', 'a BYDAY ordinal (1MO, -1FR) goes with FREQ=MONTHLY only', v_hint);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.parse_pm_rrule(text) IS
  'The parts of a PM recurrence rule (RRULE subset: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, INTERVAL, BYDAY with ordinals in MONTHLY, BYMONTHDAY in MONTHLY/YEARLY, COUNT or UNTIL); PT422 pm_schedule.rrule_invalid / rrule_freq_unsupported / rrule_part_unsupported naming what is wrong.';

-- The occurrences of a rule anchored at p_dtstart within [p_from, p_to]:
-- periods (a day, a week from Monday, a month, a year) every INTERVAL from
-- the anchor's, the days each period gives, from the anchor on, UNTIL and
-- COUNT (counted from the anchor) applied. Without COUNT only the periods
-- near [p_from, p_to] are expanded.
CREATE OR REPLACE FUNCTION app_private.pm_occurrences(p_freq text, p_interval integer, p_byday text[], p_bymonthday integer[],
                                                      p_count integer, p_until date, p_dtstart date, p_from date, p_to date)
RETURNS SETOF date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_names constant text[] := '{MO,TU,WE,TH,FR,SA,SU}';
  v_k integer;
  v_k_hi integer;
  v_ps date;
  v_pe date;
  v_dim integer;
  v_first date;
  v_last date;
  v_d date;
  v_w integer;
  v_i integer;
  v_code text;
  v_weekdays integer[] := '{}';
  v_ordinals integer[] := '{}';
  v_days date[] := '{}';
BEGIN
  -- Period by period (a few per call): the days each gives, then sorted,
  -- the anchor, UNTIL and COUNT applied.
  v_k := CASE WHEN p_count IS NOT NULL THEN 0
              ELSE greatest(0, (p_from - p_dtstart) / (CASE p_freq WHEN 'DAILY' THEN 1 WHEN 'WEEKLY' THEN 7 WHEN 'MONTHLY' THEN 31 ELSE 366 END * p_interval) - 1) END;
  v_k_hi := greatest(0, (least(p_to, coalesce(p_until, p_to)) - p_dtstart) / (CASE p_freq WHEN 'DAILY' THEN 1 WHEN 'WEEKLY' THEN 7 WHEN 'MONTHLY' THEN 28 ELSE 365 END * p_interval) + 1);
  IF p_byday IS NOT NULL THEN
    FOREACH v_code IN ARRAY p_byday LOOP
      v_weekdays := v_weekdays || pg_catalog.array_position(v_names, pg_catalog.right(v_code, 2));
      v_ordinals := v_ordinals || coalesce(nullif(pg_catalog.left(v_code, pg_catalog.length(v_code) - 2), '')::integer, 0);
    END LOOP;
  ELSIF p_freq = 'WEEKLY' THEN
    v_weekdays := ARRAY[extract(isodow FROM p_dtstart)::integer];
    v_ordinals := ARRAY[0];
  END IF;
  WHILE v_k <= v_k_hi LOOP
    IF p_freq = 'DAILY' THEN
      v_ps := p_dtstart + v_k * p_interval;
      IF p_byday IS NULL OR extract(isodow FROM v_ps)::integer = ANY (v_weekdays) THEN
        v_days := v_days || v_ps;
      END IF;
    ELSIF p_freq = 'WEEKLY' THEN
      v_ps := p_dtstart - (extract(isodow FROM p_dtstart)::integer - 1) + v_k * p_interval * 7;
      FOREACH v_w IN ARRAY v_weekdays LOOP
        v_days := v_days || (v_ps + (v_w - 1));
      END LOOP;
    ELSE
      v_ps := (pg_catalog.date_trunc('month', p_dtstart)
               + pg_catalog.make_interval(months => v_k * p_interval * CASE p_freq WHEN 'MONTHLY' THEN 1 ELSE 12 END))::date;
      v_pe := (v_ps + interval '1 month' - interval '1 day')::date;
      v_dim := extract(day FROM v_pe)::integer;
      IF p_bymonthday IS NOT NULL OR p_byday IS NULL THEN
        FOREACH v_w IN ARRAY coalesce(p_bymonthday, ARRAY[extract(day FROM p_dtstart)::integer]) LOOP
          IF abs(v_w) <= v_dim THEN
            v_days := v_days || CASE WHEN v_w > 0 THEN v_ps + (v_w - 1) ELSE v_pe + (v_w + 1) END;
          END IF;
        END LOOP;
      ELSE
        FOR v_i IN 1 .. pg_catalog.cardinality(v_weekdays) LOOP
          v_first := v_ps + (v_weekdays[v_i] - extract(isodow FROM v_ps)::integer + 7) % 7;
          v_last := v_pe - (extract(isodow FROM v_pe)::integer - v_weekdays[v_i] + 7) % 7;
          IF v_ordinals[v_i] = 0 THEN
            v_d := v_first;
            WHILE v_d <= v_pe LOOP
              v_days := v_days || v_d;
              v_d := v_d + 7;
            END LOOP;
          ELSIF v_ordinals[v_i] > 0 AND v_first + 7 * (v_ordinals[v_i] - 1) <= v_pe THEN
            v_days := v_days || (v_first + 7 * (v_ordinals[v_i] - 1));
          ELSIF v_ordinals[v_i] < 0 AND v_last + 7 * (v_ordinals[v_i] + 1) >= v_ps THEN
            v_days := v_days || (v_last + 7 * (v_ordinals[v_i] + 1));
          END IF;
        END LOOP;
      END IF;
    END IF;
    v_k := v_k + 1;
  END LOOP;
  RETURN QUERY
  SELECT c.d FROM (SELECT u.d, pg_catalog.row_number() OVER (ORDER BY u.d) AS n
                     FROM (SELECT DISTINCT x AS d FROM pg_catalog.unnest(v_days) AS x
                            WHERE x >= p_dtstart AND (p_until IS NULL OR x <= p_until)) AS u) AS c
   WHERE (p_count IS NULL OR c.n <= p_count) AND c.d BETWEEN p_from AND p_to
   ORDER BY c.d;
END
$$;
COMMENT ON FUNCTION app_private.pm_occurrences(text, integer, text[], integer[], integer, date, date, date, date) IS
  'The days in [p_from, p_to] on which a PM rule (parsed, app_private.parse_pm_rrule) anchored at p_dtstart falls: periods every INTERVAL from the anchor''s (weeks from Monday), the BYDAY/BYMONTHDAY days of each (else the anchor''s weekday, day of month, or day and month), none before the anchor, UNTIL and COUNT (from the anchor) applied.';

CREATE OR REPLACE FUNCTION app_private.pm_next_occurrence(p_schedule app.pm_schedules, p_after date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT min(o) FROM app_private.pm_occurrences(
    p_schedule.rule_freq, p_schedule.rule_interval, p_schedule.rule_byday, p_schedule.rule_bymonthday, p_schedule.rule_count,
    p_schedule.rule_until, p_schedule.anchor_date, p_after + 1,
    -- Far enough for one period and the months (years, 29 February) a BYMONTHDAY skips.
    p_after + p_schedule.rule_interval * CASE p_schedule.rule_freq WHEN 'DAILY' THEN 1 WHEN 'WEEKLY' THEN 7 WHEN 'MONTHLY' THEN 62 ELSE 366 * 8 END + 62) AS o
$$;
COMMENT ON FUNCTION app_private.pm_next_occurrence(app.pm_schedules, date) IS
  'The first occurrence of a schedule''s calendar rule after a day (from its anchor_date), or NULL once the rule ended (COUNT, UNTIL).';
