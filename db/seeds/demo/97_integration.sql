-- SAP sync on Acme (97_integration, docs/manufacturing/integration.md), made
-- through the API as ada@acme.test (the admin) would: the connection to
-- Acme's SAP gateway (turned off: the demo has no SAP system to send to),
-- its three parts mapped to SAP materials, Initech Metals mapped to its SAP
-- vendor, and one purchase order of stainless sheet staged from SAP, waiting
-- for POST /rpc/apply_sap_staging. Runs once per tenant (skipped when it has
-- a connection, or no parts from 80_manufacturing.sql).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_admin uuid := (SELECT id FROM app.users WHERE email = 'ada@acme.test');
  v_initech uuid;
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

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
