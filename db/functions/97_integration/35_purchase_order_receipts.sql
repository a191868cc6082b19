-- Receipts against SAP purchase order lines (migration integration/sap_receipts):
-- app.record_receipt (80_quality/22_receipts.sql) takes a purchase_order_line_id
-- and app_private.check_receipt_against_line refuses what the line does not
-- allow. Here: what a line has received and what is still open, in the line's
-- unit (receipts are kept in the part's unit and converted through the units
-- register), read as computed columns over both APIs.

CREATE OR REPLACE FUNCTION app_private.purchase_order_line_received(p_organization_id uuid, p_line_id uuid, p_unit text)
RETURNS numeric
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(sum(app.convert_unit(r.quantity, r.unit, p_unit)), 0)
    FROM app.receipts AS r
   WHERE r.organization_id = p_organization_id AND r.purchase_order_line_id = p_line_id;
$$;
COMMENT ON FUNCTION app_private.purchase_order_line_received(uuid, uuid, text) IS
  'The quantity received against one purchase order line of a tenant (all its receipts, whatever their plant), converted to p_unit.';

CREATE OR REPLACE FUNCTION app.purchase_order_lines_received_quantity(line app.purchase_order_lines) RETURNS numeric
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app_private.purchase_order_line_received(line.organization_id, line.id, line.unit)
   WHERE line.organization_id = auth.org_id();
$$;
COMMENT ON FUNCTION app.purchase_order_lines_received_quantity(app.purchase_order_lines) IS
  E'Received quantity\nWhat the receipts against the line add up to, in the line''s unit (every plant''s receipts; converted through the units register).';

CREATE OR REPLACE FUNCTION app.purchase_order_lines_open_quantity(line app.purchase_order_lines) RETURNS numeric
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT CASE WHEN line.delivery_completed THEN 0
              ELSE greatest(line.quantity - app_private.purchase_order_line_received(line.organization_id, line.id, line.unit), 0) END
   WHERE line.organization_id = auth.org_id();
$$;
COMMENT ON FUNCTION app.purchase_order_lines_open_quantity(app.purchase_order_lines) IS
  E'Open quantity\nWhat is still to be received on the line, in its unit: ordered minus received (never below 0); 0 once SAP closed the line (delivery completed).';
