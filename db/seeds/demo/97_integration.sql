-- SAP sync on Acme (97_integration, docs/manufacturing/integration.md), made
-- through the API as ada@acme.test (the admin) would: the connection to
-- Acme's SAP gateway (turned off: the demo has no SAP system to send to),
-- its three parts mapped to SAP materials, Initech Metals mapped to its SAP
-- vendor, Globex to its SAP customer, one purchase order of stainless sheet
-- from SAP applied with a receipt against its first line, the demo shipment
-- sent as an SAP delivery and the NCRs as quality notifications (blocked
-- where a partner is unmapped). Runs once per tenant (skipped when it has a
-- connection, or no parts from 80_manufacturing.sql).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_admin uuid := (SELECT id FROM app.users WHERE email = 'ada@acme.test');
  v_initech uuid;
  v_globex uuid;
  v_id uuid;
BEGIN
  IF v_tenant IS NULL OR EXISTS (SELECT FROM app.sap_connections WHERE organization_id = v_tenant)
     OR NOT EXISTS (SELECT FROM app.parts WHERE organization_id = v_tenant AND part_number = 'SS304-2.0') THEN
    RETURN;
  END IF;
  SELECT id INTO v_initech FROM app.partners WHERE organization_id = v_tenant AND name = 'Initech Metals';

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_admin, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  PERFORM app.set_sap_connection('https://sap-gw.acme.example/sap/bc/pulse', 'PRD', '100', 'PULSE_RFC', 'demo-only-password',
                                 false, 5, 30);
  PERFORM app.map_sap_object('MATERIAL', '000000000000100234', 'part', p.id)
     FROM app.parts AS p WHERE p.organization_id = v_tenant AND p.part_number = 'SS304-2.0';
  PERFORM app.map_sap_object('MATERIAL', '000000000000200117', 'part', p.id)
     FROM app.parts AS p WHERE p.organization_id = v_tenant AND p.part_number = 'BRK-1100';
  PERFORM app.map_sap_object('MATERIAL', '000000000000200220', 'part', p.id)
     FROM app.parts AS p WHERE p.organization_id = v_tenant AND p.part_number = 'PH-2200';
  IF v_initech IS NOT NULL THEN
    PERFORM app.map_sap_object('VENDOR', '0000300042', 'partner', v_initech);
  END IF;
  PERFORM app.stage_sap_purchase_orders($json$[
    {"po_number": "4500012345", "vendor": "0000300042", "lines": [
      {"line": 10, "material": "000000000000100234", "quantity": 750, "unit": "kg", "delivery_date": "2027-01-20"},
      {"line": 20, "material": "000000000000100234", "quantity": 750, "unit": "kg", "delivery_date": "2027-02-17"}]}]$json$);

  -- SAP's purchase order applied; 300 kg of its first line received at PLANT-1
  -- (due date: the line's delivery date; 450 kg stay open).
  PERFORM app.apply_sap_staging();
  PERFORM app.record_receipt(v_initech, l.part_id, (SELECT id FROM app.sites WHERE organization_id = v_tenant AND code = 'PLANT-1'),
                             300, 'IM-91002', purchase_order_line_id => l.id)
     FROM app.purchase_order_lines AS l JOIN app.purchase_orders AS o ON o.organization_id = l.organization_id AND o.id = l.purchase_order_id
    WHERE l.organization_id = v_tenant AND o.po_number = '4500012345' AND l.line_number = 10 AND v_initech IS NOT NULL
      AND EXISTS (SELECT FROM app.approved_suppliers AS a WHERE a.organization_id = v_tenant AND a.supplier_id = v_initech);
  v_globex := (SELECT id FROM app.partners WHERE organization_id = v_tenant AND name = 'Globex Corporation');
  IF v_globex IS NOT NULL THEN
    PERFORM app.map_sap_object('CUSTOMER', '0000500100', 'partner', v_globex);
  END IF;

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);

  -- What the connection would have sent had it been on when 84_logistics and
  -- 87_quality_ncr ran: the shipped shipment as an outbound delivery (answered
  -- 201 here, as a gateway would) and the NCR's quality notification, which
  -- stays blocked when a partner it names has no SAP number (sap_mapping.missing).
  UPDATE app.sap_connections SET is_enabled = true WHERE organization_id = v_tenant;
  FOR v_id IN SELECT s.id FROM app.shipments AS s WHERE s.organization_id = v_tenant AND s.status IN ('shipped', 'delivered') LOOP
    PERFORM app_private.enqueue_sap_message(v_tenant, 'shipment.shipped', 'DELIVERY', 'shipment', v_id,
      app_private.sap_delivery_data(v_tenant, v_id), app_private.sap_delivery_missing(v_tenant, v_id));
  END LOOP;
  FOR v_id IN SELECT n.id FROM app.ncrs AS n WHERE n.organization_id = v_tenant LOOP
    PERFORM app_private.enqueue_sap_message(v_tenant, 'ncr.raised', 'QUALITY_NOTIFICATION', 'ncr', v_id,
      app_private.sap_notification_data(v_tenant, v_id), app_private.sap_notification_missing(v_tenant, v_id));
  END LOOP;
  PERFORM app_private.sap_attempt_finish(v_tenant, m.id, 1, 201, 180, NULL, '{"delivery": "80001234", "goods_issue": "4900056789"}')
     FROM app.sap_outbound_messages AS m WHERE m.organization_id = v_tenant AND m.status = 'pending';
  UPDATE app.sap_connections SET is_enabled = false WHERE organization_id = v_tenant;
END
$$;
