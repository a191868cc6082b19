-- Receipts (migration quality/suppliers): purchased material received at a
-- plant. app.record_receipt checks the approved supplier list, creates the
-- lot from the tenant's lot pattern in quarantine with the supplier's lot,
-- and records the receipt; app.decide_receipt records the receiving
-- decision and releases the accepted quantity. API roles only read receipts.
-- The receiving inspection (inspections, another part of 80_quality) will
-- point at its receipt with a nullable foreign key.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.receipts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('receipt', 'app.receipts', 'receipt_number', 'Receipt', 'receipt_number');

-- Refuses a delivery from a supplier that is not approved for the part
-- today; answers whether the approval is only conditional.
CREATE OR REPLACE FUNCTION app_private.require_approved_supplier(p_organization_id uuid, p_supplier_id uuid, p_part app.parts, p_on date)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_status text := app_private.supplier_approval(p_organization_id, p_supplier_id, p_part.id, p_on);
BEGIN
  IF v_status NOT IN ('approved', 'conditional') THEN
    RAISE EXCEPTION 'the supplier is not approved for part % (%)', p_part.part_number, v_status
      USING ERRCODE = 'PT409', DETAIL = 'supplier.not_approved',
            HINT = 'Receive only from suppliers approved or conditionally approved for the part and not expired (GET /approved_suppliers); a supplier.manage holder updates the list.';
  END IF;
  RETURN v_status = 'conditional';
END
$$;
COMMENT ON FUNCTION app_private.require_approved_supplier(uuid, uuid, app.parts, date) IS
  'PT409 supplier.not_approved unless the supplier''s entry for the part (else its supplier-wide entry) is approved or conditional and not expired on the day; returns true when only conditional.';

-- Receipts against an SAP purchase order line (integration/sap_receipts): the
-- line is of the caller's tenant, orders this part from this supplier, is not
-- closed (delivery completed) nor fully received, and the receipt (converted
-- to the line's unit through the units register) keeps the line's receipts
-- within its quantity plus over_receipt_tolerance_percent. The line is locked
-- so two receipts against it are counted one after the other. Returns the
-- line's delivery date (the receipt's due date) and its PO number.
CREATE OR REPLACE FUNCTION app_private.check_receipt_against_line(p_organization_id uuid, p_line_id uuid, p_supplier_id uuid,
                                                                 p_part_id uuid, p_quantity numeric, p_unit text,
                                                                 OUT delivery_date date, OUT po_number text)
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_line app.purchase_order_lines;
  v_po app.purchase_orders;
  v_received numeric;
  v_quantity numeric;
  v_tolerance numeric := app_private.setting(p_organization_id, 'over_receipt_tolerance_percent', NULL::numeric);
BEGIN
  SELECT * INTO v_line FROM app.purchase_order_lines AS l
   WHERE l.organization_id = p_organization_id AND l.id = p_line_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'purchase order line not found' USING ERRCODE = 'PT404', DETAIL = 'purchase_order_line.not_found',
      HINT = 'Send purchase_order_line_id: one of GET /purchase_order_lines.';
  END IF;
  SELECT * INTO v_po FROM app.purchase_orders AS o WHERE o.organization_id = p_organization_id AND o.id = v_line.purchase_order_id;
  IF v_po.supplier_id <> p_supplier_id OR v_line.part_id <> p_part_id THEN
    PERFORM app_private.raise_invalid('receipt.purchase_order_mismatch',
      pg_catalog.format('line %s of purchase order %s orders another part or from another supplier', v_line.line_number, v_po.po_number),
      'Receive the part and supplier the purchase order line names.');
  END IF;
  IF v_line.delivery_completed THEN
    RAISE EXCEPTION 'line % of purchase order % is closed', v_line.line_number, v_po.po_number
      USING ERRCODE = 'PT409', DETAIL = 'purchase_order_line.closed',
            HINT = 'SAP marked the line delivery completed: receive against another line, or have purchasing reopen it in SAP.';
  END IF;
  SELECT coalesce(sum(app.convert_unit(r.quantity, r.unit, v_line.unit)), 0) INTO v_received FROM app.receipts AS r
   WHERE r.organization_id = p_organization_id AND r.purchase_order_line_id = v_line.id;
  IF v_received >= v_line.quantity THEN
    RAISE EXCEPTION 'line % of purchase order % is fully received', v_line.line_number, v_po.po_number
      USING ERRCODE = 'PT409', DETAIL = 'purchase_order_line.fully_received',
            HINT = pg_catalog.format('%s %s ordered, %s received.', v_line.quantity, v_line.unit, v_received);
  END IF;
  v_quantity := app.convert_unit(p_quantity, p_unit, v_line.unit);
  IF v_received + v_quantity > v_line.quantity * (1 + coalesce(v_tolerance, 0) / 100) THEN
    RAISE EXCEPTION 'receiving % % exceeds line % of purchase order %', v_quantity, v_line.unit, v_line.line_number, v_po.po_number
      USING ERRCODE = 'PT409', DETAIL = 'receipt.over_receipt',
            HINT = pg_catalog.format('%s %s ordered, %s received, %s%% over-receipt tolerated (setting over_receipt_tolerance_percent).',
                                     v_line.quantity, v_line.unit, v_received, coalesce(v_tolerance, 0));
  END IF;
  delivery_date := v_line.delivery_date;
  po_number := v_po.po_number;
END
$$;
COMMENT ON FUNCTION app_private.check_receipt_against_line(uuid, uuid, uuid, uuid, numeric, text) IS
  'Refuses a receipt against a purchase order line of another tenant (PT404 purchase_order_line.not_found), of another part or supplier (PT422 receipt.purchase_order_mismatch), closed (PT409 purchase_order_line.closed), fully received (PT409 purchase_order_line.fully_received) or that would exceed the ordered quantity plus over_receipt_tolerance_percent, units converted (PT409 receipt.over_receipt); locks the line; returns its delivery date and PO number.';

DROP FUNCTION IF EXISTS app.record_receipt(uuid, uuid, uuid, numeric, text, date, text, timestamptz, text, timestamptz);

CREATE OR REPLACE FUNCTION app.record_receipt(supplier_id uuid, part_id uuid, site_id uuid, quantity numeric, supplier_lot text,
                                              due_on date DEFAULT NULL, unit text DEFAULT NULL, received_at timestamptz DEFAULT NULL,
                                              purchase_order text DEFAULT NULL, expires_at timestamptz DEFAULT NULL,
                                              purchase_order_line_id uuid DEFAULT NULL)
RETURNS app.receipts
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_found record;
  v_part app.parts;
  v_at timestamptz := coalesce(record_receipt.received_at, pg_catalog.now());
  v_zone text;
  v_on date;
  v_conditional boolean;
  v_quantity numeric;
  v_lot app.lots;
  v_receipt app.receipts;
  v_line record;
  v_due date := record_receipt.due_on;
  v_po_number text := nullif(pg_catalog.btrim(record_receipt.purchase_order), '');
BEGIN
  IF record_receipt.site_id IS NULL
     OR NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = auth.org_id() AND s.id = record_receipt.site_id) THEN
    RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found', HINT = 'Send site_id: one of GET /sites.';
  END IF;
  PERFORM auth.check_permission_at('receipt.record', record_receipt.site_id);
  v_found := app_private.part_for_new_material(record_receipt.part_id, NULL);
  v_part := v_found.part;
  IF NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = v_part.organization_id AND p.id = record_receipt.supplier_id) THEN
    RAISE EXCEPTION 'partner not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found', HINT = 'Send supplier_id: one of GET /partners.';
  END IF;
  IF record_receipt.quantity IS NULL OR record_receipt.quantity <= 0 THEN
    PERFORM app_private.raise_invalid('receipt.quantity_invalid', 'the quantity received must be positive',
                                      'Send quantity above 0 (in unit, the part''s unless sent).');
  END IF;
  IF record_receipt.purchase_order_line_id IS NOT NULL THEN
    v_line := app_private.check_receipt_against_line(v_part.organization_id, record_receipt.purchase_order_line_id,
                                                     record_receipt.supplier_id, v_part.id, record_receipt.quantity,
                                                     coalesce(record_receipt.unit, v_part.unit));
    v_due := coalesce(v_line.delivery_date, v_due);
    v_po_number := v_line.po_number;
  END IF;
  IF coalesce(pg_catalog.btrim(record_receipt.supplier_lot), '') = '' OR v_due IS NULL THEN
    PERFORM app_private.raise_invalid('receipt.invalid', 'a receipt needs the supplier''s lot and the ordered due date',
                                      'Send supplier_lot (as on the supplier''s label) and due_on (the delivery date ordered), or a purchase_order_line_id with a delivery date.');
  END IF;
  v_zone := coalesce((SELECT s.timezone FROM app.sites AS s WHERE s.organization_id = v_part.organization_id AND s.id = record_receipt.site_id),
                     (SELECT o.settings ->> 'timezone' FROM app.organizations AS o WHERE o.id = v_part.organization_id), 'UTC');
  v_on := (v_at AT TIME ZONE v_zone)::date;
  v_conditional := app_private.require_approved_supplier(v_part.organization_id, record_receipt.supplier_id, v_part, v_on);
  v_quantity := CASE WHEN coalesce(record_receipt.unit, v_part.unit) = v_part.unit THEN record_receipt.quantity
                     ELSE app.convert_unit(record_receipt.quantity, record_receipt.unit, v_part.unit) END;
  SELECT * INTO v_lot FROM app_private.insert_lots(v_part, v_found.revision_id, record_receipt.site_id, v_quantity, 1, NULL,
                                                   record_receipt.supplier_id, record_receipt.supplier_lot, 'quarantined', v_at,
                                                   record_receipt.expires_at);
  INSERT INTO app.receipts AS r (organization_id, id, receipt_number, supplier_id, part_id, site_id, lot_id, purchase_order, supplier_lot,
                                 quantity, unit, due_on, received_at, received_on, on_time, conditional_approval, received_by,
                                 purchase_order_line_id)
  VALUES (v_part.organization_id, public.uuid_generate_v7(), app_private.take_human_id(v_part.organization_id, 'RCV', NULL),
          record_receipt.supplier_id, v_part.id, record_receipt.site_id, v_lot.id, v_po_number,
          pg_catalog.btrim(record_receipt.supplier_lot), v_quantity, v_part.unit, v_due, v_at, v_on,
          v_on <= v_due + app_private.setting(v_part.organization_id, 'supplier_on_time_tolerance_days', 0),
          v_conditional, auth.user_id(), record_receipt.purchase_order_line_id)
  RETURNING r.* INTO v_receipt;
  PERFORM app_private.publish_event(v_part.organization_id, 'receipt.recorded',
    pg_catalog.jsonb_build_object('receipt_id', v_receipt.id, 'receipt_number', v_receipt.receipt_number, 'lot_id', v_lot.id,
                                  'lot_number', v_lot.lot_number, 'supplier_id', v_receipt.supplier_id, 'part_id', v_part.id,
                                  'quantity', v_receipt.quantity, 'unit', v_receipt.unit, 'conditional_approval', v_conditional),
    'receipt', v_receipt.id);
  RETURN v_receipt;
END
$$;
COMMENT ON FUNCTION app.record_receipt(uuid, uuid, uuid, numeric, text, date, text, timestamptz, text, timestamptz, uuid) IS
  E'Record a receipt\nReceives quantity (in unit, kept in the part''s unit) of an active part from a supplier at a plant, with the supplier''s lot and the ordered due date (or against an SAP purchase order line, purchase_order_line_id: its delivery date is the due date and its PO number the purchase order; refused when the line is of another part or supplier, closed, fully received, or would be exceeded beyond over_receipt_tolerance_percent, units converted): refused unless the supplier is approved or conditionally approved for the part and not expired (conditional_approval then flags the receipt); creates the lot from the tenant''s lot pattern in quarantine with the supplier''s lot; on_time when received (in the plant''s time zone) no later than due_on plus the setting supplier_on_time_tolerance_days. Needs receipt.record tenant-wide or at site_id. PT404 site.not_found, part.not_found, partner.not_found; PT403 permission.missing; PT409 supplier.not_approved, part.obsolete, trace_pattern.missing; PT422 receipt.quantity_invalid, receipt.invalid, unit.*; with a purchase order line PT404 purchase_order_line.not_found, PT422 receipt.purchase_order_mismatch, PT409 purchase_order_line.closed, purchase_order_line.fully_received, receipt.over_receipt.';

CREATE OR REPLACE FUNCTION app.decide_receipt(receipt_id uuid, accepted_quantity numeric, rejected_quantity numeric DEFAULT 0,
                                              rejection_reason text DEFAULT NULL)
RETURNS app.receipts
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_receipt app.receipts;
  v_lot app.lots;
  v_rejected numeric := coalesce(decide_receipt.rejected_quantity, 0);
  v_reason text := nullif(pg_catalog.btrim(decide_receipt.rejection_reason), '');
  v_inspection app.inspections;
  v_required boolean;
BEGIN
  SELECT * INTO v_receipt FROM app.receipts AS r WHERE r.organization_id = auth.org_id() AND r.id = decide_receipt.receipt_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.is_platform_operator() OR auth.has_permission('supplier.read', v_receipt.site_id)
             OR auth.has_permission('receipt.decide', v_receipt.site_id)) THEN
    RAISE EXCEPTION 'receipt not found' USING ERRCODE = 'PT404', DETAIL = 'receipt.not_found', HINT = 'GET /receipts lists the receipts you may see.';
  END IF;
  PERFORM auth.check_permission_at('receipt.decide', v_receipt.site_id);
  IF v_receipt.status <> 'awaiting_decision' THEN
    RAISE EXCEPTION 'receipt % is already decided (%)', v_receipt.receipt_number, v_receipt.status
      USING ERRCODE = 'PT409', DETAIL = 'receipt.already_decided', HINT = 'A receiving decision is made once; hold or release the lot through its quality status.';
  END IF;
  IF decide_receipt.accepted_quantity IS NULL OR decide_receipt.accepted_quantity < 0 OR v_rejected < 0
     OR decide_receipt.accepted_quantity + v_rejected <> v_receipt.quantity THEN
    PERFORM app_private.raise_invalid('receipt.quantity_mismatch',
      pg_catalog.format('accepted and rejected quantities must add up to the %s %s received', v_receipt.quantity, v_receipt.unit),
      'Send accepted_quantity and rejected_quantity (0 or more, in the part''s unit) that add up to the receipt''s quantity.');
  END IF;
  IF v_rejected > 0 AND v_reason IS NULL THEN
    PERFORM app_private.raise_invalid('receipt.reason_required', 'a rejection needs a reason', 'Send rejection_reason: what was wrong.');
  END IF;
  SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = v_receipt.organization_id AND l.id = v_receipt.lot_id FOR UPDATE;
  -- The receiving inspection of the lot decided on: the latest judged one. Required when the part's approved
  -- control plan at the plant (for the lot's revision) has characteristics to check.
  SELECT * INTO v_inspection FROM app.inspections AS i
   WHERE i.organization_id = v_receipt.organization_id AND i.lot_id = v_receipt.lot_id AND i.kind = 'receiving' AND i.status <> 'open'
   ORDER BY i.completed_at DESC, i.id DESC LIMIT 1;
  v_required := EXISTS (SELECT FROM app.control_plans AS cp
                          JOIN app.characteristics AS c ON c.organization_id = cp.organization_id AND c.control_plan_id = cp.id
                         WHERE cp.organization_id = v_receipt.organization_id AND cp.site_id = v_receipt.site_id AND cp.status = 'approved'
                           AND cp.part_revision_id = v_lot.part_revision_id);
  IF v_required AND v_inspection.id IS NULL AND decide_receipt.accepted_quantity > 0 THEN
    RAISE EXCEPTION 'receipt % needs its receiving inspection', v_receipt.receipt_number USING ERRCODE = 'PT409',
      DETAIL = 'receipt.inspection_required',
      HINT = 'The part''s control plan has characteristics to check: open a receiving inspection of the lot (POST /rpc/open_inspection with kind receiving and lot_id), measure and complete it, then decide.';
  END IF;
  IF decide_receipt.accepted_quantity > 0 AND v_inspection.id IS NOT NULL AND (NOT v_inspection.passed OR v_inspection.status = 'rejected') THEN
    RAISE EXCEPTION 'the receiving inspection of % failed', v_receipt.receipt_number USING ERRCODE = 'PT409',
      DETAIL = 'receipt.inspection_failed',
      HINT = 'Reject the receipt and raise the NCR against the supplier (POST /rpc/raise_inspection_ncr); material is used as is only through the NCR''s disposition.';
  END IF;
  UPDATE app.receipts AS r
     SET status = CASE WHEN v_rejected = 0 THEN 'accepted' WHEN decide_receipt.accepted_quantity = 0 THEN 'rejected'
                       ELSE 'partially_accepted' END::app.receipt_status,
         accepted_quantity = decide_receipt.accepted_quantity, rejected_quantity = v_rejected,
         rejection_reason = CASE WHEN v_rejected > 0 THEN v_reason END, decided_by = auth.user_id(), decided_at = pg_catalog.now(),
         inspection_id = v_inspection.id
   WHERE r.organization_id = v_receipt.organization_id AND r.id = v_receipt.id
  RETURNING r.* INTO v_receipt;
  -- The accepted quantity is released; a lot nothing was taken from yet keeps only what was accepted
  -- (the rejected quantity goes back to the supplier). Nothing accepted: the lot stays quarantined.
  IF decide_receipt.accepted_quantity > 0 AND v_lot.quality_status = 'quarantined' THEN
    IF v_rejected > 0 AND v_lot.inventory_state = 'available' THEN
      UPDATE app.lots AS l SET quantity = decide_receipt.accepted_quantity, remaining_quantity = decide_receipt.accepted_quantity
       WHERE l.organization_id = v_lot.organization_id AND l.id = v_lot.id;
    END IF;
    UPDATE app.lots AS l SET quality_status = 'released' WHERE l.organization_id = v_lot.organization_id AND l.id = v_lot.id;
    PERFORM app_private.record_quality_status_change('lot', v_lot.organization_id, v_lot.id, v_lot.lot_number, v_lot.site_id,
      v_lot.quality_status, 'released',
      pg_catalog.format('receiving decision on %s: %s %s accepted', v_receipt.receipt_number, decide_receipt.accepted_quantity, v_receipt.unit));
  END IF;
  PERFORM app_private.publish_event(v_receipt.organization_id, 'receipt.decided',
    pg_catalog.jsonb_build_object('receipt_id', v_receipt.id, 'receipt_number', v_receipt.receipt_number, 'lot_id', v_receipt.lot_id,
                                  'supplier_id', v_receipt.supplier_id, 'accepted_quantity', v_receipt.accepted_quantity,
                                  'rejected_quantity', v_receipt.rejected_quantity, 'rejection_reason', v_receipt.rejection_reason,
                                  'inspection_id', v_receipt.inspection_id,
                                  'old', pg_catalog.jsonb_build_object('status', 'awaiting_decision'),
                                  'new', pg_catalog.jsonb_build_object('status', v_receipt.status)),
    'receipt', v_receipt.id);
  RETURN v_receipt;
END
$$;
COMMENT ON FUNCTION app.decide_receipt(uuid, numeric, numeric, text) IS
  E'Receiving decision\nSplits a receipt''s quantity into accepted and rejected (adding up to it; a rejection needs a reason): all accepted releases the lot; partly accepted keeps only the accepted quantity in the lot and releases it; nothing accepted leaves the lot quarantined. The decision refers to the lot''s latest judged receiving inspection (inspection_id): one is required to accept anything when the part''s approved control plan at the plant has characteristics, and accepting is refused when it failed (reject it and raise the NCR against the supplier with app.raise_inspection_ncr). Once per receipt; the lot''s release is in trace_status_changes; published as receipt.decided. Needs receipt.decide tenant-wide or at the receipt''s site. PT404 receipt.not_found; PT403 permission.missing; PT409 receipt.already_decided, receipt.inspection_required, receipt.inspection_failed; PT422 receipt.quantity_mismatch, receipt.reason_required.';
