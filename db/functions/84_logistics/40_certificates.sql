-- Certificates of conformance (migration logistics/shipments): what a
-- certificate states comes from ONE view, app_private.shipment_certificate_lines
-- (a line per shipment item: lot or serial, part and revision, quantity,
-- quality status, released inspections, concessions used, open NCRs).
-- app.issue_shipment_certificate freezes the lines of a shipment whose items
-- are all released and queues the coc_render job
-- (config/worker/tasks/coc_render.mjs, pdfkit), which stores the PDF.

CREATE OR REPLACE VIEW app_private.shipment_certificate_lines AS
SELECT i.organization_id, i.shipment_id, i.id AS shipment_item_id,
       CASE WHEN i.lot_id IS NOT NULL THEN 'lot' ELSE 'serial' END AS item_type,
       coalesce(i.lot_id, i.serial_id) AS item_id,
       coalesce(l.lot_number, s.serial_number) AS item_number,
       p.part_number, p.name AS part_name, p.gtin, r.revision AS part_revision,
       i.quantity, i.unit,
       coalesce(l.quality_status, s.quality_status) AS quality_status,
       u.sscc,
       coalesce(ins.released, '[]') AS inspections,
       coalesce(con.used, '[]') AS concessions,
       coalesce(ncr.open, '{}') AS open_ncrs,
       coalesce(fin.failed, false) AS final_inspection_failed
  FROM app.shipment_items AS i
  JOIN app.parts AS p ON p.organization_id = i.organization_id AND p.id = i.part_id
  LEFT JOIN app.lots AS l ON l.organization_id = i.organization_id AND l.id = i.lot_id
  LEFT JOIN app.serials AS s ON s.organization_id = i.organization_id AND s.id = i.serial_id
  LEFT JOIN app.part_revisions AS r ON r.organization_id = i.organization_id AND r.id = coalesce(l.part_revision_id, s.part_revision_id)
  LEFT JOIN app.shipping_units AS u ON u.organization_id = i.organization_id AND u.id = i.shipping_unit_id
  -- The released (approved) final and receiving inspections of the lot, or of the serial and its lot.
  LEFT JOIN LATERAL (
    SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('inspection_id', x.id, 'kind', x.kind, 'decided_at', x.decided_at)
                                ORDER BY x.decided_at, x.id) AS released
      FROM app.inspections AS x
     WHERE x.organization_id = i.organization_id AND x.kind IN ('final', 'receiving') AND x.status = 'approved'
       AND (x.lot_id = coalesce(i.lot_id, s.lot_id) OR x.serial_id = i.serial_id)) AS ins ON true
  -- The concessions its NCR dispositions were made under (a disposition of the item, or of its NCR as a whole).
  LEFT JOIN LATERAL (
    SELECT pg_catalog.jsonb_agg(DISTINCT pg_catalog.jsonb_build_object('concession_number', c.concession_number,
                                  'customer_reference', c.customer_reference, 'ncr_number', n.ncr_number, 'disposition', d.disposition)) AS used
      FROM app.ncr_dispositions AS d
      JOIN app.concessions AS c ON c.organization_id = d.organization_id AND c.id = d.concession_id
      JOIN app.ncrs AS n ON n.organization_id = d.organization_id AND n.id = d.ncr_id
     WHERE d.organization_id = i.organization_id
       AND (d.lot_id = i.lot_id OR d.serial_id = i.serial_id
            OR d.lot_id IS NULL AND d.serial_id IS NULL
               AND EXISTS (SELECT FROM app.ncr_items AS ni WHERE ni.organization_id = d.organization_id AND ni.ncr_id = d.ncr_id
                              AND (ni.lot_id = i.lot_id OR ni.serial_id = i.serial_id)))) AS con ON true
  -- The open NCRs naming it.
  LEFT JOIN LATERAL (
    SELECT pg_catalog.array_agg(n.ncr_number ORDER BY n.ncr_number) AS open
      FROM app.ncr_items AS ni
      JOIN app.ncrs AS n ON n.organization_id = ni.organization_id AND n.id = ni.ncr_id
     WHERE ni.organization_id = i.organization_id AND (ni.lot_id = i.lot_id OR ni.serial_id = i.serial_id)
       AND n.status NOT IN ('closed', 'cancelled')) AS ncr ON true
  -- Whether its latest judged final inspection did not pass.
  LEFT JOIN LATERAL (
    SELECT NOT x.passed OR x.status = 'rejected' AS failed
      FROM app.inspections AS x
     WHERE x.organization_id = i.organization_id AND x.kind = 'final' AND x.status <> 'open'
       AND (x.lot_id = coalesce(i.lot_id, s.lot_id) OR x.serial_id = i.serial_id)
     ORDER BY x.completed_at DESC, x.id DESC LIMIT 1) AS fin ON true;
COMMENT ON VIEW app_private.shipment_certificate_lines IS
  'What a certificate of conformance states per shipment item: lot or serial, number, part, GTIN, the revision it was made to, quantity and unit, quality status, the SSCC of its unit, its released (approved) final and receiving inspections (of the lot, or of the serial and its lot), the concessions its NCR dispositions were made under; and what refuses a certificate: the open NCRs naming it, whether its latest judged final inspection failed. The one source of app.issue_shipment_certificate''s content.';

CREATE OR REPLACE FUNCTION app.issue_shipment_certificate(shipment_id uuid) RETURNS app.shipment_certificates
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_shipment app.shipments := app_private.lock_shipment(issue_shipment_certificate.shipment_id);
  v_held text;
  v_certificate app.shipment_certificates;
BEGIN
  IF v_shipment.status = 'cancelled' THEN
    RAISE EXCEPTION 'shipment % is cancelled', v_shipment.shipment_number USING ERRCODE = 'PT409', DETAIL = 'shipment.not_open',
      HINT = 'A cancelled shipment gets no certificate.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.shipment_items AS i WHERE i.organization_id = v_shipment.organization_id AND i.shipment_id = v_shipment.id) THEN
    RAISE EXCEPTION 'shipment % carries nothing', v_shipment.shipment_number USING ERRCODE = 'PT409', DETAIL = 'shipment.empty',
      HINT = 'Add items first (POST /rpc/add_shipment_item).';
  END IF;
  SELECT pg_catalog.string_agg(c.item_number || ' (' || pg_catalog.array_to_string(c.open_ncrs, ', ') || ')', ', ' ORDER BY c.item_number) INTO v_held
    FROM app_private.shipment_certificate_lines AS c
   WHERE c.organization_id = v_shipment.organization_id AND c.shipment_id = v_shipment.id AND c.open_ncrs <> '{}';
  IF v_held IS NOT NULL THEN
    RAISE EXCEPTION 'items of % are under open NCRs: %', v_shipment.shipment_number, v_held USING ERRCODE = 'PT409',
      DETAIL = 'certificate.open_ncr', HINT = 'A certificate of conformance is issued once the NCRs naming shipped material are closed.';
  END IF;
  SELECT pg_catalog.string_agg(c.item_number, ', ' ORDER BY c.item_number) INTO v_held
    FROM app_private.shipment_certificate_lines AS c
   WHERE c.organization_id = v_shipment.organization_id AND c.shipment_id = v_shipment.id AND c.final_inspection_failed AND c.concessions = '[]';
  IF v_held IS NOT NULL THEN
    RAISE EXCEPTION 'the final inspection of % failed', v_held USING ERRCODE = 'PT409', DETAIL = 'certificate.failed_inspection',
      HINT = 'Material whose final inspection failed is certified only under the customer''s concession (an NCR use-as-is disposition), or after a passing re-inspection.';
  END IF;
  -- Conformance is shown by an inspection: every item has a released (approved) final inspection, or a receiving one for purchased
  -- material (of the lot, or of the serial or its lot), unless a concession was used for it.
  SELECT pg_catalog.string_agg(c.item_number, ', ' ORDER BY c.item_number) INTO v_held
    FROM app_private.shipment_certificate_lines AS c
   WHERE c.organization_id = v_shipment.organization_id AND c.shipment_id = v_shipment.id AND c.inspections = '[]' AND c.concessions = '[]';
  IF v_held IS NOT NULL THEN
    RAISE EXCEPTION 'no released inspection shows the conformance of %', v_held USING ERRCODE = 'PT409', DETAIL = 'certificate.not_inspected',
      HINT = 'Certify material after its final inspection (receiving inspection for purchased material) is approved (POST /rpc/decide_inspection), or under the customer''s concession.';
  END IF;
  SELECT pg_catalog.string_agg(c.item_number || ' (' || c.quality_status || ')', ', ' ORDER BY c.item_number) INTO v_held
    FROM app_private.shipment_certificate_lines AS c
   WHERE c.organization_id = v_shipment.organization_id AND c.shipment_id = v_shipment.id AND c.quality_status <> 'released';
  IF v_held IS NOT NULL THEN
    RAISE EXCEPTION 'not every item of % is released: %', v_shipment.shipment_number, v_held USING ERRCODE = 'PT409',
      DETAIL = 'certificate.items_not_released', HINT = 'A certificate of conformance certifies released material only: release or remove those items.';
  END IF;
  INSERT INTO app.shipment_certificates AS c (organization_id, id, certificate_number, shipment_id, site_id, customer_id, content, issued_by)
  SELECT v_shipment.organization_id, public.uuid_generate_v7(), app_private.take_human_id(v_shipment.organization_id, 'COC', NULL),
         v_shipment.id, v_shipment.site_id, v_shipment.customer_id,
         pg_catalog.jsonb_build_object(
           'shipment_number', v_shipment.shipment_number, 'status', v_shipment.status, 'shipped_at', v_shipment.shipped_at,
           'promised_date', v_shipment.promised_date, 'carrier', v_shipment.carrier, 'tracking_number', v_shipment.tracking_number,
           'organization', (SELECT o.name FROM app.organizations AS o WHERE o.id = v_shipment.organization_id),
           'plant', (SELECT s.name FROM app.sites AS s WHERE s.organization_id = v_shipment.organization_id AND s.id = v_shipment.site_id),
           'customer', (SELECT p.name FROM app.partners AS p WHERE p.organization_id = v_shipment.organization_id AND p.id = v_shipment.customer_id),
           'issued_by', (SELECT u.display_name FROM app.users AS u WHERE u.id = auth.user_id()),
           'lines', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(c) - 'organization_id' - 'shipment_id' - 'open_ncrs' - 'final_inspection_failed' ORDER BY c.part_number, c.item_number)
                       FROM app_private.shipment_certificate_lines AS c
                      WHERE c.organization_id = v_shipment.organization_id AND c.shipment_id = v_shipment.id)),
         auth.user_id()
  RETURNING c.* INTO v_certificate;
  PERFORM app_private.enqueue_job('coc_render', pg_catalog.jsonb_build_object('organization_id', v_certificate.organization_id,
                                  'certificate_id', v_certificate.id), p_job_key => 'coc_render:' || v_certificate.id, p_max_attempts => 5);
  PERFORM app_private.publish_event(v_certificate.organization_id, 'shipment.certificate_issued',
    pg_catalog.jsonb_build_object('shipment_id', v_shipment.id, 'certificate_id', v_certificate.id,
                                  'certificate_number', v_certificate.certificate_number), 'shipment', v_shipment.id);
  RETURN v_certificate;
END
$$;
COMMENT ON FUNCTION app.issue_shipment_certificate(uuid) IS
  E'Issue a certificate of conformance\nFreezes what the shipment''s items are (app_private.shipment_certificate_lines: lots and serials, parts, revisions, quantities, quality status) into a certificate (COC-000123) attached to the shipment and queues its PDF (job coc_render). Each line lists the item''s released final and receiving inspections and the concessions used for it. Refused while an item is under an open NCR, or its latest final inspection failed and no concession was used for it, or it has no released (approved) final or receiving inspection and no concession was used for it; only a shipment whose items are all released gets one. Needs shipment.manage at the shipment''s site. PT404 shipment.not_found; PT409 shipment.empty, shipment.not_open (cancelled), certificate.open_ncr, certificate.failed_inspection, certificate.not_inspected, certificate.items_not_released.';

CREATE OR REPLACE FUNCTION app_private.coc_render_begin(p_organization_id uuid, p_certificate_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_certificate app.shipment_certificates;
BEGIN
  UPDATE app.shipment_certificates SET render_attempts = render_attempts + 1
   WHERE organization_id = p_organization_id AND id = p_certificate_id AND status = 'queued'
  RETURNING * INTO v_certificate;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN pg_catalog.jsonb_build_object('certificate_number', v_certificate.certificate_number, 'issued_at', v_certificate.issued_at,
    'content', v_certificate.content,
    'put_url', (app_private.presign_tenant_object(p_organization_id, 'PUT', 'shipment-certificates/' || v_certificate.id || '.pdf', 900, true)).url);
END
$$;
COMMENT ON FUNCTION app_private.coc_render_begin(uuid, uuid) IS
  'For the coc_render task: counts an attempt and returns the certificate''s number, time and frozen content and a presigned PUT URL (15 minutes) for shipment-certificates/<id>.pdf; NULL when it is not queued.';

CREATE OR REPLACE FUNCTION app_private.coc_render_finish(p_organization_id uuid, p_certificate_id uuid, p_sha256 text, p_size bigint,
                                                         p_error text, p_final boolean)
RETURNS app.render_status
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_certificate app.shipment_certificates;
BEGIN
  IF p_error IS NULL THEN
    UPDATE app.shipment_certificates AS c SET status = 'rendered', pdf_key = 'shipment-certificates/' || c.id || '.pdf', pdf_sha256 = p_sha256,
                                              pdf_size = p_size, rendered_at = pg_catalog.now(), render_error = NULL
     WHERE c.organization_id = p_organization_id AND c.id = p_certificate_id AND c.status = 'queued'
    RETURNING c.* INTO v_certificate;
  ELSE
    UPDATE app.shipment_certificates AS c SET status = CASE WHEN p_final THEN 'failed' ELSE 'queued' END::app.render_status,
                                              render_error = pg_catalog.left(p_error, 2000)
     WHERE c.organization_id = p_organization_id AND c.id = p_certificate_id AND c.status = 'queued'
    RETURNING c.* INTO v_certificate;
  END IF;
  RETURN v_certificate.status;
END
$$;
COMMENT ON FUNCTION app_private.coc_render_finish(uuid, uuid, text, bigint, text, boolean) IS
  'For the coc_render task: records the stored PDF (sha256, size; rendered) or a failed attempt''s error (queued while retried, failed after the last). Returns the status; NULL when it was not queued.';

-- Download URLs: the row if the caller may read it (the rule of its SELECT policy), then a presigned GET.
CREATE OR REPLACE FUNCTION app_private.rendered_object_url(p_organization_id uuid, p_key text, p_status app.render_status, p_expires_in integer)
RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_status IS DISTINCT FROM 'rendered' THEN
    RAISE EXCEPTION 'not rendered (%)', p_status USING ERRCODE = 'PT409', DETAIL = 'render.not_rendered',
      HINT = 'Wait until status is rendered; a failed one says why in render_error.';
  END IF;
  RETURN app_private.presign_tenant_object(p_organization_id, 'GET', p_key, p_expires_in);
END
$$;
COMMENT ON FUNCTION app_private.rendered_object_url(uuid, text, app.render_status, integer) IS
  'A presigned GET URL for a rendered label or certificate the caller could read; PT409 render.not_rendered before.';

CREATE OR REPLACE FUNCTION app.shipment_certificate_url(certificate_id uuid, expires_in integer DEFAULT 300) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_certificate app.shipment_certificates;
BEGIN
  SELECT * INTO v_certificate FROM app.shipment_certificates AS c
   WHERE c.organization_id = auth.org_id() AND c.id = shipment_certificate_url.certificate_id;
  IF NOT FOUND OR NOT auth.may_read_shipment(v_certificate.site_id, v_certificate.customer_id) THEN
    RAISE EXCEPTION 'certificate not found' USING ERRCODE = 'PT404', DETAIL = 'shipment_certificate.not_found',
      HINT = 'GET /shipment_certificates lists the certificates you may read.';
  END IF;
  RETURN app_private.rendered_object_url(v_certificate.organization_id, v_certificate.pdf_key, v_certificate.status, expires_in);
END
$$;
COMMENT ON FUNCTION app.shipment_certificate_url(uuid, integer) IS
  E'Download URL of a certificate of conformance\nA presigned GET URL (expires_in seconds, 300 by default) for the PDF of a certificate you may read (staff of the plant, the customer''s portal users). PT404 shipment_certificate.not_found, PT409 render.not_rendered.';

CREATE OR REPLACE FUNCTION app.label_image_url(label_id uuid, expires_in integer DEFAULT 300) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_label app.labels;
BEGIN
  SELECT * INTO v_label FROM app.labels AS l WHERE l.organization_id = auth.org_id() AND l.id = label_image_url.label_id;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.has_permission('label.print', v_label.site_id) OR auth.has_permission('shipment.read', v_label.site_id)) THEN
    RAISE EXCEPTION 'label not found' USING ERRCODE = 'PT404', DETAIL = 'label.not_found', HINT = 'GET /labels lists the labels you may read.';
  END IF;
  RETURN app_private.rendered_object_url(v_label.organization_id, v_label.object_key, v_label.status, expires_in);
END
$$;
COMMENT ON FUNCTION app.label_image_url(uuid, integer) IS
  E'Download URL of a label\nA presigned GET URL (expires_in seconds, 300 by default) for the PNG of a label you may read. PT404 label.not_found, PT409 render.not_rendered.';
