-- The approved supplier list (migration quality/suppliers): entries are
-- written directly with supplier.manage (policies in db/policies/80_quality.sql);
-- the trigger checks the partner is a supplier and stamps who approved.
-- Whether a supplier may deliver a part is app_private.supplier_approval:
-- the part's own entry wins over the supplier-wide one, and an approved or
-- conditional entry past its valid_until or certificate expiry is expired.

CREATE OR REPLACE FUNCTION app_private.tg_approved_suppliers__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' OR NEW.supplier_id IS DISTINCT FROM OLD.supplier_id THEN
    IF NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = NEW.organization_id AND p.id = NEW.supplier_id
                      AND p.kind IN ('supplier', 'customer_and_supplier')) THEN
      RAISE EXCEPTION 'that partner is not a supplier' USING ERRCODE = 'PT422', DETAIL = 'approved_supplier.not_a_supplier',
        HINT = 'Send supplier_id: a partner of kind supplier or customer_and_supplier (GET /partners?kind=in.(supplier,customer_and_supplier)).';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := auth.user_id();
    NEW.approved_by := NULL;
    NEW.approved_at := NULL;
  END IF;
  IF NEW.status IN ('approved', 'conditional') AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status) THEN
    NEW.approved_by := auth.user_id();
    NEW.approved_at := pg_catalog.now();
  ELSIF TG_OP = 'UPDATE' THEN
    NEW.approved_by := OLD.approved_by;
    NEW.approved_at := OLD.approved_at;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_approved_suppliers__prepare() IS
  'BEFORE INSERT OR UPDATE on approved_suppliers: the partner must be a supplier (PT422 approved_supplier.not_a_supplier); created_by the caller; approved_by/approved_at stamped when the status becomes approved or conditional, kept otherwise.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approved_suppliers
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.approved_suppliers
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approved_suppliers__prepare();

-- The status an entry has on a day: its own, or expired once an approval
-- (approved, conditional) is past valid_until or the certificate's expiry.
CREATE OR REPLACE FUNCTION app_private.supplier_approval_status_on(p_entry app.approved_suppliers, p_on date) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN p_entry.status IN ('approved', 'conditional')
                   AND (p_entry.valid_until < p_on OR p_entry.certificate_expires_on < p_on) THEN 'expired'
              ELSE p_entry.status::text END;
$$;
COMMENT ON FUNCTION app_private.supplier_approval_status_on(app.approved_suppliers, date) IS
  'An approved supplier list entry''s status on a day: expired when approved or conditional but past valid_until or the certificate''s expiry, else its status.';

CREATE OR REPLACE FUNCTION app.approved_suppliers_effective_status(entry app.approved_suppliers) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- The rule of app_private.supplier_approval_status_on, today (API roles do not reach app_private).
  SELECT CASE WHEN entry.status IN ('approved', 'conditional')
                   AND (entry.valid_until < current_date OR entry.certificate_expires_on < current_date) THEN 'expired'
              ELSE entry.status::text END;
$$;
COMMENT ON FUNCTION app.approved_suppliers_effective_status(app.approved_suppliers) IS
  E'Effective status\nThe entry''s status today: pending, approved, conditional, disapproved, suspended, or expired (an approval past valid_until or its certificate''s expiry). Receipts go by it.';

-- Whether a supplier may deliver a part on a day: the part's own entry,
-- else the supplier-wide one; not_listed when neither exists.
CREATE OR REPLACE FUNCTION app_private.supplier_approval(p_organization_id uuid, p_supplier_id uuid, p_part_id uuid, p_on date) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce((SELECT app_private.supplier_approval_status_on(a, p_on) FROM app.approved_suppliers AS a
                    WHERE a.organization_id = p_organization_id AND a.supplier_id = p_supplier_id
                      AND (a.part_id = p_part_id OR a.part_id IS NULL)
                    ORDER BY a.part_id NULLS LAST LIMIT 1), 'not_listed');
$$;
COMMENT ON FUNCTION app_private.supplier_approval(uuid, uuid, uuid, date) IS
  'The approval of a supplier for a part on a day: the status of the part''s own entry, else of the supplier-wide one (expired when past its dates), else not_listed.';

-- Approvals that expire within the next days, for the daily reminder.
CREATE OR REPLACE FUNCTION app_private.notify_expiring_supplier_approvals(p_within_days integer DEFAULT 30, p_as_of date DEFAULT current_date)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_entry record;
  v_count integer := 0;
BEGIN
  FOR v_entry IN
    SELECT a.organization_id, a.id, a.supplier_id, p.name AS supplier_name,
           least(a.valid_until, a.certificate_expires_on) AS expires_on
      FROM app.approved_suppliers AS a
      JOIN app.partners AS p ON p.organization_id = a.organization_id AND p.id = a.supplier_id
     WHERE a.status IN ('approved', 'conditional')
       AND least(a.valid_until, a.certificate_expires_on) = p_as_of + p_within_days
  LOOP
    PERFORM app_private.publish_event(v_entry.organization_id, 'approved_supplier.expiring',
      pg_catalog.jsonb_build_object('approved_supplier_id', v_entry.id, 'supplier_id', v_entry.supplier_id,
                                    'supplier_name', v_entry.supplier_name, 'expires_on', v_entry.expires_on),
      NULL, NULL);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.notify_expiring_supplier_approvals(integer, date) IS
  'Publishes approved_supplier.expiring for every approval (approved or conditional) whose valid_until or certificate expiry falls exactly p_within_days after p_as_of (once per entry and day, run daily); returns how many. Webhooks and rules pick the event up.';

