-- Labour, contractor charges, stops and the cost roll-up (migration
-- maintenance/work_orders). Labour is costed when logged: the person's
-- rate (app.labour_rates.user_id), else the highest rate of a qualification
-- they hold when the work started; none is PT409 labour.rate_missing.
-- app.work_order_cost_lines is the roll-up's one source: one branch per kind
-- of cost (labour as app.labour_entry_costs shows it, contractor, parts issued less returned at the cost frozen
-- on the movement, migration maintenance/joins), read as the caller; app.work_order_costs and
-- app.asset_maintenance_costs sum it per work order and per primary asset
-- and currency.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.labour_rates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.labour_entries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.contractor_charges
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- Money booked on work orders (labour rates, contractor charges; parts are
-- valued in it already) is in the tenant's currency, so the roll-up adds
-- one currency: another is refused, not converted (no exchange rates here).
CREATE OR REPLACE FUNCTION app_private.tenant_currency(p_organization_id uuid) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce((SELECT o.settings ->> 'currency' FROM app.organizations AS o WHERE o.id = p_organization_id), 'EUR')
$$;
COMMENT ON FUNCTION app_private.tenant_currency(uuid) IS
  'The tenant''s currency: organizations.settings.currency, EUR when unset.';

CREATE OR REPLACE FUNCTION app_private.require_tenant_currency(p_organization_id uuid, p_currency text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_currency text := app_private.tenant_currency(p_organization_id);
BEGIN
  IF p_currency IS DISTINCT FROM v_currency THEN
    RAISE EXCEPTION 'amounts are in the tenant''s currency, %', v_currency USING ERRCODE = 'PT422', DETAIL = 'money.currency_not_tenant',
      HINT = pg_catalog.format('Send currency %s (the organization''s settings.currency), converting the amount first.', v_currency);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_tenant_currency(uuid, text) IS
  'PT422 money.currency_not_tenant unless the currency is the tenant''s (app_private.tenant_currency): labour rates and contractor charges are in it.';

CREATE OR REPLACE FUNCTION app.set_labour_rate(hourly_rate numeric, currency text, user_id uuid DEFAULT NULL, qualification_code text DEFAULT NULL)
RETURNS app.labour_rates
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_qualification uuid;
  v_rate app.labour_rates;
BEGIN
  PERFORM app_private.require_permission('work_order.manage');
  IF num_nonnulls(set_labour_rate.user_id, qualification_code) <> 1 THEN
    PERFORM app_private.raise_invalid('labour_rate.subject_invalid', 'a rate is for one person or one qualification', 'Send user_id or qualification_code.');
  END IF;
  IF set_labour_rate.user_id IS NOT NULL AND NOT app_private.is_active_staff(v_org, set_labour_rate.user_id) THEN
    RAISE EXCEPTION 'user not found' USING ERRCODE = 'PT404', DETAIL = 'user.not_member', HINT = 'Name a staff member.';
  END IF;
  IF qualification_code IS NOT NULL THEN
    SELECT q.id INTO v_qualification FROM app.qualifications AS q WHERE q.organization_id = v_org AND q.code = qualification_code;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'qualification % not found', qualification_code USING ERRCODE = 'PT404', DETAIL = 'qualification.not_found',
        HINT = 'GET /qualifications lists the codes.';
    END IF;
  END IF;
  IF hourly_rate IS NULL OR hourly_rate < 0 OR currency IS NULL OR currency !~ '^[A-Z]{3}$' THEN
    PERFORM app_private.raise_invalid('labour_rate.invalid', 'a rate needs an amount of at least 0 and an ISO 4217 currency', 'e.g. 65.00, EUR.');
  END IF;
  PERFORM app_private.require_tenant_currency(v_org, set_labour_rate.currency);
  DELETE FROM app.labour_rates AS r
   WHERE r.organization_id = v_org AND (r.user_id = set_labour_rate.user_id OR r.qualification_id = v_qualification);
  INSERT INTO app.labour_rates AS r (organization_id, user_id, qualification_id, hourly_rate, currency)
  VALUES (v_org, set_labour_rate.user_id, v_qualification, set_labour_rate.hourly_rate, set_labour_rate.currency)
  RETURNING r.* INTO v_rate;
  RETURN v_rate;
END
$$;
COMMENT ON FUNCTION app.set_labour_rate(numeric, text, uuid, text) IS
  E'Set a labour rate\nThe hourly rate of a person (user_id) or of holders of a qualification (qualification_code), replacing the previous one; entries already logged keep their rate. The rate is in the tenant''s currency (organizations.settings.currency, EUR when unset), so work order costs add up in one currency. Needs work_order.manage tenant-wide.\nErrors: PT403 permission.missing, PT404 user.not_member / qualification.not_found, PT422 labour_rate.subject_invalid / labour_rate.invalid / money.currency_not_tenant.';

CREATE OR REPLACE FUNCTION app_private.labour_rate_of(p_organization_id uuid, p_user_id uuid, p_at timestamptz) RETURNS app.labour_rates
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_rate app.labour_rates;
BEGIN
  SELECT r.* INTO v_rate FROM app.labour_rates AS r WHERE r.organization_id = p_organization_id AND r.user_id = p_user_id;
  IF NOT FOUND THEN
    SELECT r.* INTO v_rate
      FROM app.labour_rates AS r JOIN app.qualifications AS q ON q.organization_id = r.organization_id AND q.id = r.qualification_id
     WHERE r.organization_id = p_organization_id AND app_private.holds_qualification(p_organization_id, p_user_id, q.code, p_at)
     ORDER BY r.hourly_rate DESC LIMIT 1;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no labour rate for this person' USING ERRCODE = 'PT409', DETAIL = 'labour.rate_missing',
      HINT = 'Set a rate for the person or for a qualification they hold (app.set_labour_rate).';
  END IF;
  RETURN v_rate;
END
$$;
COMMENT ON FUNCTION app_private.labour_rate_of(uuid, uuid, timestamptz) IS
  'The rate a person''s labour is costed at: their own, else the highest of a qualification they hold at the time; PT409 labour.rate_missing.';

-- Labour is logged while the work runs (in progress, on hold) and until it
-- is verified (completed); each refusal names the state it meets.
CREATE OR REPLACE FUNCTION app_private.require_labour_open(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_order.status IN ('planned', 'scheduled') THEN
    RAISE EXCEPTION 'work order % has not started', p_order.work_order_number USING ERRCODE = 'PT409', DETAIL = 'labour.work_order_not_started',
      HINT = 'Start the work order first.';
  ELSIF p_order.status IN ('verified', 'closed') THEN
    RAISE EXCEPTION 'work order % is %: its labour is final', p_order.work_order_number, p_order.status USING ERRCODE = 'PT409',
      DETAIL = 'labour.work_order_closed', HINT = 'Labour is logged and corrected until the work order is verified.';
  ELSIF p_order.status = 'cancelled' THEN
    RAISE EXCEPTION 'work order % was cancelled', p_order.work_order_number USING ERRCODE = 'PT409', DETAIL = 'labour.work_order_cancelled',
      HINT = 'Log the time on the work order that replaced it.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_labour_open(app.work_orders) IS
  'Labour is logged on work in progress, on hold or completed: PT409 labour.work_order_not_started (planned, scheduled), labour.work_order_closed (verified, closed), labour.work_order_cancelled.';

CREATE OR REPLACE FUNCTION app.log_labour(work_order_id uuid, started_at timestamptz, ended_at timestamptz DEFAULT NULL, hours numeric DEFAULT NULL,
                                          user_id uuid DEFAULT NULL, note text DEFAULT '')
RETURNS app.labour_entries
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user uuid := coalesce(log_labour.user_id, auth.user_id());
  -- One's own time needs work_order.execute; someone else's is a planner's or supervisor's to book (work_order.manage: it makes
  -- that person a party to the work, who then may not verify it).
  v_order app.work_orders := app_private.lock_work_order(log_labour.work_order_id,
                               CASE WHEN v_user IS DISTINCT FROM auth.user_id() THEN 'work_order.manage' ELSE 'work_order.execute' END);
  v_hours numeric;
  v_rate app.labour_rates;
  v_entry app.labour_entries;
BEGIN
  PERFORM app_private.require_labour_open(v_order);
  IF num_nonnulls(ended_at, hours) <> 1 OR started_at IS NULL THEN
    PERFORM app_private.raise_invalid('labour.time_invalid', 'send started_at and either ended_at or hours', 'e.g. started_at and hours 1.5.');
  END IF;
  v_hours := coalesce(hours, round((extract(epoch FROM ended_at - started_at) / 3600)::numeric, 2));
  IF v_hours <= 0 OR v_hours > 24 THEN
    PERFORM app_private.raise_invalid('labour.time_invalid', 'an entry is more than 0 and at most 24 hours', 'Split longer work into entries.');
  END IF;
  -- As meter readings: not in the future (5 minutes of clock skew allowed); the work ends by now too.
  IF started_at + make_interval(secs => (v_hours * 3600)::double precision) > pg_catalog.now() + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('labour.in_future', 'labour cannot be logged for time that has not passed',
      'Log the time once it is worked: started_at and ended_at (or started_at plus hours) up to now.');
  END IF;
  IF NOT app_private.is_active_staff(v_order.organization_id, v_user) THEN
    RAISE EXCEPTION 'user not found' USING ERRCODE = 'PT404', DETAIL = 'user.not_member', HINT = 'Name a staff member.';
  END IF;
  v_rate := app_private.labour_rate_of(v_order.organization_id, v_user, started_at);
  INSERT INTO app.labour_entries AS l (organization_id, work_order_id, user_id, started_at, ended_at, hours, hourly_rate, currency, site_id,
                                       note, recorded_by)
  VALUES (v_order.organization_id, v_order.id, v_user, log_labour.started_at, log_labour.ended_at, v_hours, v_rate.hourly_rate, v_rate.currency,
          v_order.site_id, coalesce(log_labour.note, ''), auth.user_id())
  RETURNING l.* INTO v_entry;
  RETURN v_entry;
END
$$;
COMMENT ON FUNCTION app.log_labour(uuid, timestamptz, timestamptz, numeric, uuid, text) IS
  E'Log labour on a work order\nTime a person spent, as started_at and ended_at or started_at and hours (at most 24), all of it passed, costed at their rate (app.set_labour_rate). One''s own time needs work_order.execute at the work order''s plant; someone else''s (user_id) work_order.manage there too. On work in progress, on hold or completed. A wrong entry is reversed (app.reverse_labour).\nErrors: PT404 work_order.not_found / user.not_member, PT403 permission.missing, PT409 labour.work_order_not_started / labour.work_order_closed / labour.work_order_cancelled / labour.rate_missing, PT422 labour.time_invalid / labour.in_future.';

CREATE OR REPLACE FUNCTION app.reverse_labour(entry_id uuid, reason text)
RETURNS app.labour_entries
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_entry app.labour_entries;
  v_order app.work_orders;
  v_reversal app.labour_entries;
BEGIN
  SELECT l.* INTO v_entry FROM app.labour_entries AS l WHERE l.organization_id = auth.org_id() AND l.id = reverse_labour.entry_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'labour entry not found' USING ERRCODE = 'PT404', DETAIL = 'labour.not_found',
      HINT = 'GET /labour_entries?work_order_id=eq.<id> lists the entries of a work order you may see.';
  END IF;
  -- The author corrects their entry while labour is open (work_order.execute); anything else is a planner's or supervisor's
  -- (work_order.manage), until the work order is closed.
  v_order := app_private.lock_work_order(v_entry.work_order_id,
               CASE WHEN v_entry.recorded_by = auth.user_id() AND NOT auth.has_permission('work_order.manage', v_entry.site_id)
                    THEN 'work_order.execute' ELSE 'work_order.manage' END);
  IF v_order.status = 'closed' THEN
    PERFORM app_private.require_labour_open(v_order);
  END IF;
  IF v_order.status NOT IN ('in_progress', 'on_hold', 'completed') THEN
    PERFORM auth.check_permission_at('work_order.manage', v_order.site_id);
  END IF;
  IF v_entry.reverses_id IS NOT NULL THEN
    RAISE EXCEPTION 'a reversal is not reversed' USING ERRCODE = 'PT409', DETAIL = 'labour.reversal_of_reversal',
      HINT = 'Log the time again (app.log_labour).';
  END IF;
  IF EXISTS (SELECT FROM app.labour_entries AS l WHERE l.organization_id = v_entry.organization_id AND l.reverses_id = v_entry.id) THEN
    RAISE EXCEPTION 'this labour entry is already reversed' USING ERRCODE = 'PT409', DETAIL = 'labour.already_reversed',
      HINT = 'GET /labour_entries?reverses_id=eq.<id> shows the reversal.';
  END IF;
  IF coalesce(btrim(reason), '') = '' OR length(reason) > 2000 THEN
    PERFORM app_private.raise_invalid('labour.reason_required', 'a reversal says why the entry was wrong (at most 2000 characters)',
      'e.g. logged in the wrong name.');
  END IF;
  INSERT INTO app.labour_entries AS l (organization_id, work_order_id, user_id, started_at, hours, hourly_rate, currency, site_id, note,
                                       recorded_by, reverses_id, reversal_reason)
  VALUES (v_entry.organization_id, v_entry.work_order_id, v_entry.user_id, v_entry.started_at, -v_entry.hours, v_entry.hourly_rate,
          v_entry.currency, v_entry.site_id, '', auth.user_id(), v_entry.id, reverse_labour.reason)
  RETURNING l.* INTO v_reversal;
  RETURN v_reversal;
END
$$;
COMMENT ON FUNCTION app.reverse_labour(uuid, text) IS
  E'Reverse a labour entry\nCorrects a wrong entry (entries are append-only): adds a reversing entry on the same work order, the same person, start, rate and currency, with the hours (and so the cost) negated and the reason; costs and KPIs net the two. Once per entry; a reversal is not reversed. Its author (work_order.execute at the plant) while the work order is in progress, on hold or completed; otherwise work_order.manage at the plant, until the work order is closed. The person of a reversed entry no longer counts as having logged labour on it (verification).\nErrors: PT404 labour.not_found / work_order.not_found, PT403 permission.missing, PT409 labour.work_order_closed / labour.reversal_of_reversal / labour.already_reversed, PT422 labour.reason_required.';

CREATE OR REPLACE FUNCTION app.add_contractor_charge(work_order_id uuid, partner_id uuid, amount numeric, currency text, description text DEFAULT '')
RETURNS app.contractor_charges
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(add_contractor_charge.work_order_id, 'work_order.manage');
  v_charge app.contractor_charges;
BEGIN
  PERFORM app_private.require_contractor(v_order.organization_id, add_contractor_charge.partner_id);
  IF amount IS NULL OR amount <= 0 OR currency IS NULL OR currency !~ '^[A-Z]{3}$' THEN
    PERFORM app_private.raise_invalid('contractor_charge.invalid', 'a charge needs a positive amount and an ISO 4217 currency', 'e.g. 480.00, EUR.');
  END IF;
  PERFORM app_private.require_tenant_currency(v_order.organization_id, add_contractor_charge.currency);
  IF v_order.status IN ('closed', 'cancelled') THEN
    RAISE EXCEPTION 'the work order is %', v_order.status USING ERRCODE = 'PT409', DETAIL = 'contractor_charge.work_order_closed',
      HINT = 'Charges are recorded on open work, up to verification; a closed or cancelled work order''s costs are final.';
  END IF;
  INSERT INTO app.contractor_charges AS c (organization_id, work_order_id, partner_id, amount, currency, description, site_id, recorded_by)
  VALUES (v_order.organization_id, v_order.id, add_contractor_charge.partner_id, add_contractor_charge.amount, add_contractor_charge.currency,
          coalesce(add_contractor_charge.description, ''), v_order.site_id, auth.user_id())
  RETURNING c.* INTO v_charge;
  RETURN v_charge;
END
$$;
COMMENT ON FUNCTION app.add_contractor_charge(uuid, uuid, numeric, text, text) IS
  E'Record a contractor charge\nWhat a contractor (a partner with the contractor role) charged for an open work order (not closed or cancelled), in the tenant''s currency (organizations.settings.currency, EUR when unset). Needs work_order.manage at its plant.\nErrors: PT404 work_order.not_found / partner.not_found, PT403 permission.missing, PT409 contractor_charge.work_order_closed, PT422 partner.not_contractor / contractor_charge.invalid / money.currency_not_tenant.';

CREATE OR REPLACE FUNCTION app.record_work_order_stop(work_order_id uuid, reason_code text, started_at timestamptz, ended_at timestamptz DEFAULT NULL,
                                                      notes text DEFAULT '')
RETURNS app.downtime_events
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(record_work_order_stop.work_order_id, 'work_order.execute');
  v_reason uuid;
  v_event app.downtime_events;
BEGIN
  SELECT r.id INTO v_reason FROM app.downtime_reasons AS r WHERE r.organization_id = v_order.organization_id AND r.code = reason_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'downtime reason % not found', reason_code USING ERRCODE = 'PT404', DETAIL = 'downtime_reason.not_found',
      HINT = 'GET /downtime_reasons lists the codes.';
  END IF;
  INSERT INTO app.downtime_events AS d (organization_id, equipment_id, started_at, ended_at, reason_id, is_planned, is_breakdown, notes, work_order_id)
  VALUES (v_order.organization_id, v_order.equipment_id, record_work_order_stop.started_at, record_work_order_stop.ended_at, v_reason,
          CASE WHEN v_order.is_breakdown THEN false END,
          CASE WHEN v_order.is_breakdown AND v_order.work_type IN ('corrective', 'emergency') THEN true END,
          coalesce(record_work_order_stop.notes, ''), v_order.id)
  RETURNING d.* INTO v_event;
  RETURN v_event;
END
$$;
COMMENT ON FUNCTION app.record_work_order_stop(uuid, text, timestamptz, timestamptz, text) IS
  E'Record a stop from a work order\nA stop of the work order''s primary asset in the platform downtime log (which OEE reads), linked to the work order; a breakdown (is_breakdown) when the work order is a corrective or emergency breakdown, else the reason''s defaults. Needs work_order.execute at its plant and downtime.record there.\nErrors: PT404 work_order.not_found / downtime_reason.not_found, PT403 permission.missing, and the downtime log''s own (downtime.overlap, downtime.in_future, downtime.period_invalid).';

-- Rates and costs of labour: labour_rates is work_order.manage's, so an
-- entry's hourly_rate and cost are too (column privileges keep them from
-- the API roles on app.labour_entries); app.labour_entry_costs shows them to
-- whoever may see them: work_order.manage tenant-wide or at the plant, and
-- each person their own.
CREATE OR REPLACE FUNCTION auth.may_see_labour_cost(p_site_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT auth.partner_id() IS NULL
         AND (p_user_id = auth.user_id() OR auth.has_permission('work_order.manage', p_site_id))
$$;
COMMENT ON FUNCTION auth.may_see_labour_cost(uuid, uuid) IS
  'Whether the caller may see the rate and cost of a labour entry at a site: staff with work_order.manage tenant-wide or at the site, or the person the entry is for; never a contractor''s portal user.';

CREATE OR REPLACE VIEW app.labour_entry_costs WITH (security_barrier) AS
SELECT l.organization_id, l.id, l.work_order_id, l.user_id, l.hours, l.hourly_rate, l.currency, l.cost, l.site_id, l.started_at,
       l.reverses_id, l.created_at
  FROM app.labour_entries AS l
 WHERE l.organization_id = (SELECT auth.org_id()) AND auth.may_read_work_order(l.site_id, NULL) AND auth.may_see_labour_cost(l.site_id, l.user_id)
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.labour_entry_costs IS
  E'Labour entry costs\nThe hourly rate and cost of labour entries (hours x rate; a reversal''s negative), for whoever may see them: work_order.manage tenant-wide or at the plant, and each person for their own entries. app.labour_entries shows everything else to every reader of the work order.';
COMMENT ON COLUMN app.labour_entry_costs.organization_id IS E'Tenant';
COMMENT ON COLUMN app.labour_entry_costs.id IS E'Entry id';
COMMENT ON COLUMN app.labour_entry_costs.work_order_id IS E'Work order';
COMMENT ON COLUMN app.labour_entry_costs.user_id IS E'Person';
COMMENT ON COLUMN app.labour_entry_costs.hours IS E'Hours\nNegative on a reversal.';
COMMENT ON COLUMN app.labour_entry_costs.hourly_rate IS E'Hourly rate';
COMMENT ON COLUMN app.labour_entry_costs.currency IS E'Currency';
COMMENT ON COLUMN app.labour_entry_costs.cost IS E'Cost\nhours x hourly rate, rounded to cents.';
COMMENT ON COLUMN app.labour_entry_costs.site_id IS E'Plant';
COMMENT ON COLUMN app.labour_entry_costs.started_at IS E'Started at';
COMMENT ON COLUMN app.labour_entry_costs.reverses_id IS E'Reverses\nThe entry this one reverses.';
COMMENT ON COLUMN app.labour_entry_costs.created_at IS E'Recorded at';

CREATE OR REPLACE VIEW app.work_order_cost_lines WITH (security_invoker = true) AS
  SELECT l.organization_id, l.work_order_id, 'labour'::text AS kind, l.id AS source_id, l.cost AS amount, l.currency, l.site_id, l.created_at
    FROM app.labour_entry_costs AS l
  UNION ALL
  SELECT c.organization_id, c.work_order_id, 'contractor'::text, c.id, c.amount, c.currency, c.site_id, c.created_at
    FROM app.contractor_charges AS c
  UNION ALL
  SELECT m.organization_id, m.entity_id, 'parts'::text, m.id, round(-m.quantity * m.unit_cost, 2),
         coalesce((SELECT o.settings ->> 'currency' FROM app.organizations AS o WHERE o.id = m.organization_id), 'EUR'), m.site_id, m.moved_at
    FROM app.stock_movements AS m
   WHERE m.entity_type = 'work_order' AND m.kind IN ('issue', 'return');
COMMENT ON VIEW app.work_order_cost_lines IS
  E'Work order cost lines\nEvery cost booked on a work order, one row each: labour (hours x rate, a reversal negative; only the labour the caller may see the cost of, app.labour_entry_costs), contractor charges, and parts issued (positive) and returned (negative) at the unit cost frozen on the stock movement (app_private.stock_unit_cost), in the tenant''s currency setting (EUR when unset); a part without a known cost has no amount. Read as the caller (row-level security of each source).';
COMMENT ON COLUMN app.work_order_cost_lines.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_order_cost_lines.work_order_id IS E'Work order';
COMMENT ON COLUMN app.work_order_cost_lines.kind IS E'Kind\nlabour, contractor or parts.';
COMMENT ON COLUMN app.work_order_cost_lines.source_id IS E'Source\nThe labour entry, contractor charge or stock movement.';
COMMENT ON COLUMN app.work_order_cost_lines.amount IS E'Amount';
COMMENT ON COLUMN app.work_order_cost_lines.currency IS E'Currency';
COMMENT ON COLUMN app.work_order_cost_lines.site_id IS E'Plant';
COMMENT ON COLUMN app.work_order_cost_lines.created_at IS E'Booked at';

CREATE OR REPLACE VIEW app.work_order_costs WITH (security_invoker = true) AS
  SELECT w.organization_id, w.id AS work_order_id, w.work_order_number, w.equipment_id, cl.currency,
         coalesce(sum(cl.amount) FILTER (WHERE cl.kind = 'labour'), 0) AS labour_cost,
         coalesce(sum(cl.amount) FILTER (WHERE cl.kind = 'contractor'), 0) AS contractor_cost,
         coalesce(sum(cl.amount) FILTER (WHERE cl.kind NOT IN ('labour', 'contractor')), 0) AS other_cost,
         sum(cl.amount) AS total_cost
    FROM app.work_orders AS w
    JOIN app.work_order_cost_lines AS cl ON cl.organization_id = w.organization_id AND cl.work_order_id = w.id
   GROUP BY w.organization_id, w.id, w.work_order_number, w.equipment_id, cl.currency;
COMMENT ON VIEW app.work_order_costs IS
  E'Work order costs\nPer work order and currency: labour, contractor and other (parts) cost and the total, from app.work_order_cost_lines, read as the caller.';
COMMENT ON COLUMN app.work_order_costs.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_order_costs.work_order_id IS E'Work order';
COMMENT ON COLUMN app.work_order_costs.work_order_number IS E'Work order number';
COMMENT ON COLUMN app.work_order_costs.equipment_id IS E'Primary asset';
COMMENT ON COLUMN app.work_order_costs.currency IS E'Currency';
COMMENT ON COLUMN app.work_order_costs.labour_cost IS E'Labour cost';
COMMENT ON COLUMN app.work_order_costs.contractor_cost IS E'Contractor cost';
COMMENT ON COLUMN app.work_order_costs.other_cost IS E'Other cost\nParts issued less parts returned, at cost.';
COMMENT ON COLUMN app.work_order_costs.total_cost IS E'Total cost';

CREATE OR REPLACE VIEW app.asset_maintenance_costs WITH (security_invoker = true) AS
  SELECT c.organization_id, c.equipment_id, c.currency, count(DISTINCT c.work_order_id) AS work_orders,
         sum(c.labour_cost) AS labour_cost, sum(c.contractor_cost) AS contractor_cost, sum(c.other_cost) AS other_cost,
         sum(c.total_cost) AS total_cost
    FROM app.work_order_costs AS c
   GROUP BY c.organization_id, c.equipment_id, c.currency;
COMMENT ON VIEW app.asset_maintenance_costs IS
  E'Maintenance cost per asset\nPer primary asset and currency: the costs of its work orders (app.work_order_costs), read as the caller.';
COMMENT ON COLUMN app.asset_maintenance_costs.organization_id IS E'Tenant';
COMMENT ON COLUMN app.asset_maintenance_costs.equipment_id IS E'Asset';
COMMENT ON COLUMN app.asset_maintenance_costs.currency IS E'Currency';
COMMENT ON COLUMN app.asset_maintenance_costs.work_orders IS E'Work orders\nWith a cost.';
COMMENT ON COLUMN app.asset_maintenance_costs.labour_cost IS E'Labour cost';
COMMENT ON COLUMN app.asset_maintenance_costs.contractor_cost IS E'Contractor cost';
COMMENT ON COLUMN app.asset_maintenance_costs.other_cost IS E'Other cost';
COMMENT ON COLUMN app.asset_maintenance_costs.total_cost IS E'Total cost';
