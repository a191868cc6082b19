-- SAP outbound for shipments and NCRs (migrations integration/sap,
-- integration/sap_receipts), on the mechanics of 30_sap_outbound.sql (one
-- message per entity version, idempotency key, job, retries, sync log):
--
-- * a shipment shipped is SAP's outbound delivery with its goods issue
--   (message shipment.shipped, SAP object DELIVERY): customer (its CUSTOMER
--   mapping), plant, goods issue date, promised date, carrier, tracking, and
--   per item the mapped material number, batch (lot) or serial, quantity and
--   unit;
-- * an NCR is SAP QM's quality notification (SAP object
--   QUALITY_NOTIFICATION): raised (ncr.raised), its disposition decided
--   (ncr.dispositioned, when it leaves the disposition step with every
--   quantity disposed), closed (ncr.closed) or cancelled (ncr.cancelled);
--   the material is the part's MATERIAL mapping, the vendor and customer
--   their VENDOR and CUSTOMER mappings when the NCR names them.
--
-- SAP cannot post a delivery or a notification for a material or partner it
-- does not know: a message whose mapping is missing is kept blocked (reason
-- sap_mapping.missing, last_error names what is missing) and is not sent;
-- app.replay_sap_message rebuilds it once the mappings exist.

CREATE OR REPLACE FUNCTION app_private.sap_number(p_organization_id uuid, p_sap_object_type text, p_entity_id uuid) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT m.sap_object_number FROM app.sap_mappings AS m
   WHERE m.organization_id = p_organization_id AND m.sap_object_type = p_sap_object_type AND m.entity_id = p_entity_id;
$$;
COMMENT ON FUNCTION app_private.sap_number(uuid, text, uuid) IS
  'The SAP number (MATERIAL, VENDOR, CUSTOMER, PURCHASE_ORDER) a tenant''s entity is mapped to; NULL when it is not mapped.';

CREATE OR REPLACE FUNCTION app_private.sap_delivery_data(p_organization_id uuid, p_shipment_id uuid) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'delivery_number', s.shipment_number, 'movement', 'goods_issue',
    'customer_number', app_private.sap_number(s.organization_id, 'CUSTOMER', s.customer_id), 'customer_name', c.name,
    'plant', site.code,
    'goods_issue_date', pg_catalog.to_char(s.shipped_at AT TIME ZONE coalesce(site.timezone, 'UTC'), 'YYYY-MM-DD'),
    'shipped_at', pg_catalog.to_char(s.shipped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'promised_date', s.promised_date, 'carrier', s.carrier, 'tracking_number', s.tracking_number,
    'items', coalesce((
      SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'item', 10 * i.n, 'material_number', app_private.sap_number(i.organization_id, 'MATERIAL', i.part_id),
               'part_number', p.part_number, 'quantity', i.quantity, 'unit', i.unit,
               'batch', coalesce(l.lot_number, sl.lot_number), 'serial_number', se.serial_number) ORDER BY i.n)
        FROM (SELECT it.*, row_number() OVER (ORDER BY it.created_at, it.id) AS n FROM app.shipment_items AS it
               WHERE it.organization_id = s.organization_id AND it.shipment_id = s.id) AS i
        JOIN app.parts AS p ON p.organization_id = i.organization_id AND p.id = i.part_id
        LEFT JOIN app.lots AS l ON l.organization_id = i.organization_id AND l.id = i.lot_id
        LEFT JOIN app.serials AS se ON se.organization_id = i.organization_id AND se.id = i.serial_id
        LEFT JOIN app.lots AS sl ON sl.organization_id = se.organization_id AND sl.id = se.lot_id), '[]'))
    FROM app.shipments AS s
    JOIN app.partners AS c ON c.organization_id = s.organization_id AND c.id = s.customer_id
    JOIN app.sites AS site ON site.organization_id = s.organization_id AND site.id = s.site_id
   WHERE s.organization_id = p_organization_id AND s.id = p_shipment_id;
$$;
COMMENT ON FUNCTION app_private.sap_delivery_data(uuid, uuid) IS
  'A tenant''s shipment as an SAP outbound delivery with goods issue: delivery_number (the shipment number), customer_number (CUSTOMER mapping), customer_name, plant (site code), goods_issue_date (in the plant''s time zone), shipped_at, promised_date, carrier, tracking_number, items [{item (10, 20, ...), material_number (MATERIAL mapping), part_number, quantity, unit, batch (lot number), serial_number}].';

CREATE OR REPLACE FUNCTION app_private.sap_delivery_missing(p_organization_id uuid, p_shipment_id uuid) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT nullif(concat_ws('; ',
    (SELECT pg_catalog.format('customer %s has no SAP CUSTOMER mapping', coalesce(c.code, c.name))
       FROM app.shipments AS s JOIN app.partners AS c ON c.organization_id = s.organization_id AND c.id = s.customer_id
      WHERE s.organization_id = p_organization_id AND s.id = p_shipment_id
        AND app_private.sap_number(s.organization_id, 'CUSTOMER', s.customer_id) IS NULL),
    (SELECT 'parts ' || string_agg(DISTINCT p.part_number, ', ') || ' have no SAP MATERIAL mapping'
       FROM app.shipment_items AS i JOIN app.parts AS p ON p.organization_id = i.organization_id AND p.id = i.part_id
      WHERE i.organization_id = p_organization_id AND i.shipment_id = p_shipment_id
        AND app_private.sap_number(i.organization_id, 'MATERIAL', i.part_id) IS NULL)), '');
$$;
COMMENT ON FUNCTION app_private.sap_delivery_missing(uuid, uuid) IS
  'What SAP would need to post a shipment''s delivery and the tenant has not mapped (the customer''s CUSTOMER number, the items'' MATERIAL numbers), as one sentence; NULL when nothing is missing.';

CREATE OR REPLACE FUNCTION app_private.sap_notification_data(p_organization_id uuid, p_ncr_id uuid) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'ncr_number', n.ncr_number,
    -- SAP QM notification types: Q1 customer complaint, Q2 complaint against a vendor, Q3 internal problem.
    'notification_type', CASE WHEN n.detection = 'customer' THEN 'Q1' WHEN n.supplier_id IS NOT NULL THEN 'Q2' ELSE 'Q3' END,
    'title', n.title, 'description', n.description, 'status', n.status, 'detection', n.detection, 'plant', site.code,
    'material_number', app_private.sap_number(n.organization_id, 'MATERIAL', n.part_id), 'part_number', p.part_number,
    'revision_level', (SELECT r.revision FROM app.part_revisions AS r WHERE r.organization_id = n.organization_id AND r.id = n.part_revision_id),
    'quantity', n.nonconforming_quantity, 'unit', n.unit,
    'vendor_number', app_private.sap_number(n.organization_id, 'VENDOR', n.supplier_id),
    'customer_number', app_private.sap_number(n.organization_id, 'CUSTOMER', n.customer_id),
    'batches', coalesce((SELECT pg_catalog.jsonb_agg(DISTINCT l.lot_number)
                           FROM app.ncr_items AS i JOIN app.lots AS l ON l.organization_id = i.organization_id AND l.id = i.lot_id
                          WHERE i.organization_id = n.organization_id AND i.ncr_id = n.id), '[]'),
    'serial_numbers', coalesce((SELECT pg_catalog.jsonb_agg(DISTINCT se.serial_number)
                                  FROM app.ncr_items AS i JOIN app.serials AS se ON se.organization_id = i.organization_id AND se.id = i.serial_id
                                 WHERE i.organization_id = n.organization_id AND i.ncr_id = n.id), '[]'),
    'dispositions', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                       'disposition', d.disposition, 'quantity', d.quantity, 'unit', d.unit, 'batch', l.lot_number,
                                       'serial_number', se.serial_number, 'concession', d.concession_id IS NOT NULL)
                                     ORDER BY d.approved_at, d.id)
                                FROM app.ncr_dispositions AS d
                                LEFT JOIN app.lots AS l ON l.organization_id = d.organization_id AND l.id = d.lot_id
                                LEFT JOIN app.serials AS se ON se.organization_id = d.organization_id AND se.id = d.serial_id
                               WHERE d.organization_id = n.organization_id AND d.ncr_id = n.id), '[]'),
    'reported_at', pg_catalog.to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'closed_at', pg_catalog.to_char(n.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'cancel_reason', n.cancel_reason)
    FROM app.ncrs AS n
    JOIN app.parts AS p ON p.organization_id = n.organization_id AND p.id = n.part_id
    JOIN app.sites AS site ON site.organization_id = n.organization_id AND site.id = n.site_id
   WHERE n.organization_id = p_organization_id AND n.id = p_ncr_id;
$$;
COMMENT ON FUNCTION app_private.sap_notification_data(uuid, uuid) IS
  'A tenant''s NCR as an SAP QM quality notification: ncr_number, notification_type (Q1 found by the customer, Q2 against a supplier, Q3 internal), title, description, status, detection, plant, material_number (MATERIAL mapping), part_number, revision_level, quantity, unit, vendor_number, customer_number (VENDOR, CUSTOMER mappings), batches and serial_numbers held, dispositions [{disposition, quantity, unit, batch, serial_number, concession}], reported_at, closed_at, cancel_reason.';

CREATE OR REPLACE FUNCTION app_private.sap_notification_missing(p_organization_id uuid, p_ncr_id uuid) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT nullif(concat_ws('; ',
    CASE WHEN app_private.sap_number(n.organization_id, 'MATERIAL', n.part_id) IS NULL
         THEN pg_catalog.format('part %s has no SAP MATERIAL mapping', p.part_number) END,
    CASE WHEN n.supplier_id IS NOT NULL AND app_private.sap_number(n.organization_id, 'VENDOR', n.supplier_id) IS NULL
         THEN pg_catalog.format('supplier %s has no SAP VENDOR mapping', (SELECT coalesce(x.code, x.name) FROM app.partners AS x
                                                                          WHERE x.organization_id = n.organization_id AND x.id = n.supplier_id)) END,
    CASE WHEN n.customer_id IS NOT NULL AND app_private.sap_number(n.organization_id, 'CUSTOMER', n.customer_id) IS NULL
         THEN pg_catalog.format('customer %s has no SAP CUSTOMER mapping', (SELECT coalesce(x.code, x.name) FROM app.partners AS x
                                                                            WHERE x.organization_id = n.organization_id AND x.id = n.customer_id)) END), '')
    FROM app.ncrs AS n JOIN app.parts AS p ON p.organization_id = n.organization_id AND p.id = n.part_id
   WHERE n.organization_id = p_organization_id AND n.id = p_ncr_id;
$$;
COMMENT ON FUNCTION app_private.sap_notification_missing(uuid, uuid) IS
  'What SAP would need for an NCR''s quality notification and the tenant has not mapped (the part''s MATERIAL, the supplier''s VENDOR, the customer''s CUSTOMER number), as one sentence; NULL when nothing is missing.';

-- The data and what is missing of any message type of this file, for a replay of a blocked message.
CREATE OR REPLACE FUNCTION app_private.sap_message_content(p_organization_id uuid, p_entity_type text, p_entity_id uuid,
                                                          OUT data jsonb, OUT missing text)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE p_entity_type WHEN 'shipment' THEN app_private.sap_delivery_data(p_organization_id, p_entity_id)
                            WHEN 'ncr' THEN app_private.sap_notification_data(p_organization_id, p_entity_id) END,
         CASE p_entity_type WHEN 'shipment' THEN app_private.sap_delivery_missing(p_organization_id, p_entity_id)
                            WHEN 'ncr' THEN app_private.sap_notification_missing(p_organization_id, p_entity_id) END;
$$;
COMMENT ON FUNCTION app_private.sap_message_content(uuid, text, uuid) IS
  'The current SAP data of a shipment (delivery) or an NCR (quality notification) and what mapping it still misses (NULL when none).';

CREATE OR REPLACE FUNCTION app_private.tg_shipments__sap_outbound() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.enqueue_sap_message(NEW.organization_id, 'shipment.shipped', 'DELIVERY', 'shipment', NEW.id,
    app_private.sap_delivery_data(NEW.organization_id, NEW.id), app_private.sap_delivery_missing(NEW.organization_id, NEW.id));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_shipments__sap_outbound() IS
  'AFTER UPDATE OF status on app.shipments, when a shipment becomes shipped: an SAP DELIVERY message shipment.shipped (outbound delivery with goods issue), blocked when the customer or a material is not mapped, when the tenant syncs with SAP.';

CREATE OR REPLACE TRIGGER _600_sap_outbound AFTER UPDATE OF status ON app.shipments
  FOR EACH ROW WHEN (NEW.status = 'shipped' AND OLD.status IS DISTINCT FROM 'shipped')
  EXECUTE FUNCTION app_private.tg_shipments__sap_outbound();

CREATE OR REPLACE FUNCTION app_private.tg_ncrs__sap_outbound() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_type text := CASE WHEN TG_OP = 'INSERT' THEN 'ncr.raised'
                      WHEN NEW.status IS NOT DISTINCT FROM OLD.status THEN NULL
                      WHEN NEW.status = 'verification' AND OLD.status = 'disposition' THEN 'ncr.dispositioned'
                      WHEN NEW.status = 'closed' THEN 'ncr.closed'
                      WHEN NEW.status = 'cancelled' THEN 'ncr.cancelled' END;
BEGIN
  IF v_type IS NOT NULL THEN
    PERFORM app_private.enqueue_sap_message(NEW.organization_id, v_type, 'QUALITY_NOTIFICATION', 'ncr', NEW.id,
      app_private.sap_notification_data(NEW.organization_id, NEW.id), app_private.sap_notification_missing(NEW.organization_id, NEW.id));
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_ncrs__sap_outbound() IS
  'AFTER INSERT or UPDATE OF status on app.ncrs: an SAP QUALITY_NOTIFICATION message when an NCR is raised (ncr.raised), leaves disposition for verification (ncr.dispositioned), is closed (ncr.closed) or cancelled (ncr.cancelled); blocked when the part, supplier or customer is not mapped; when the tenant syncs with SAP.';

CREATE OR REPLACE TRIGGER _600_sap_outbound AFTER INSERT OR UPDATE OF status ON app.ncrs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_ncrs__sap_outbound();
