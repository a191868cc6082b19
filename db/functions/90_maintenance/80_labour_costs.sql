-- Labour, contractor charges, stops and the cost roll-up (migration
-- maintenance/work_orders). Labour is costed when logged: the person's
-- rate (app.labour_rates.user_id), else the highest rate of a qualification
-- they hold when the work started; none is PT409 labour.rate_missing.
-- app.work_order_cost_lines is the roll-up's one source: one branch per kind
-- of cost (labour, contractor, parts issued less returned at the cost frozen
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

CREATE OR REPLACE FUNCTION app.log_labour(work_order_id uuid, started_at timestamptz, ended_at timestamptz DEFAULT NULL, hours numeric DEFAULT NULL,
                                          user_id uuid DEFAULT NULL, note text DEFAULT '')
RETURNS app.labour_entries
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(log_labour.work_order_id, 'work_order.execute');
  v_user uuid := coalesce(log_labour.user_id, auth.user_id());
  v_hours numeric;
  v_rate app.labour_rates;
  v_entry app.labour_entries;
BEGIN
  IF v_order.status NOT IN ('in_progress', 'on_hold', 'completed') THEN
    RAISE EXCEPTION 'labour is logged on work in progress, on hold or completed' USING ERRCODE = 'PT409', DETAIL = 'labour.work_order_not_started',
      HINT = 'Start the work order first.';
  END IF;
  IF num_nonnulls(ended_at, hours) <> 1 OR started_at IS NULL THEN
    PERFORM app_private.raise_invalid('labour.time_invalid', 'send started_at and either ended_at or hours', 'e.g. started_at and hours 1.5.');
  END IF;
  v_hours := coalesce(hours, round((extract(epoch FROM ended_at - started_at) / 3600)::numeric, 2));
  IF v_hours <= 0 OR v_hours > 24 THEN
    PERFORM app_private.raise_invalid('labour.time_invalid', 'an entry is more than 0 and at most 24 hours', 'Split longer work into entries.');
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
  E'Log labour on a work order\nTime a person (default: the caller) spent, as started_at and ended_at or started_at and hours (at most 24), costed at their rate (app.set_labour_rate). On work in progress, on hold or completed; needs work_order.execute at its plant.\nErrors: PT404 work_order.not_found / user.not_member, PT403 permission.missing, PT409 labour.work_order_not_started / labour.rate_missing, PT422 labour.time_invalid.';

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

CREATE OR REPLACE VIEW app.work_order_cost_lines WITH (security_invoker = true) AS
  SELECT l.organization_id, l.work_order_id, 'labour'::text AS kind, l.id AS source_id, l.cost AS amount, l.currency, l.site_id, l.created_at
    FROM app.labour_entries AS l
  UNION ALL
  SELECT c.organization_id, c.work_order_id, 'contractor'::text, c.id, c.amount, c.currency, c.site_id, c.created_at
    FROM app.contractor_charges AS c
  UNION ALL
  SELECT m.organization_id, m.entity_id, 'parts'::text, m.id, round(-m.quantity * m.unit_cost, 2),
         coalesce((SELECT o.settings ->> 'currency' FROM app.organizations AS o WHERE o.id = m.organization_id), 'EUR'), m.site_id, m.moved_at
    FROM app.stock_movements AS m
   WHERE m.entity_type = 'work_order' AND m.kind IN ('issue', 'return');
COMMENT ON VIEW app.work_order_cost_lines IS
  E'Work order cost lines\nEvery cost booked on a work order, one row each: labour (hours x rate), contractor charges, and parts issued (positive) and returned (negative) at the unit cost frozen on the stock movement (app_private.stock_unit_cost), in the tenant''s currency setting (EUR when unset); a part without a known cost has no amount. Read as the caller (row-level security of each source).';
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
