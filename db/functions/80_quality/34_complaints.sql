-- Customer complaints (migration quality/complaints): filed by staff or by
-- the customer's own portal users, linked to lots, serials and NCRs, worked
-- as an 8D in the platform CAPA register. Status is a small machine of its
-- own (open -> investigating -> closed, or rejected) rather than a mirror of
-- the CAPA's: a complaint is answered to the customer (response) and may be
-- rejected without any 8D; it closes only once its 8D (if any) is closed, so
-- no complaint is answered as solved while its 8D is open. API roles only read
-- these tables.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.customer_complaints
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('customer_complaint', 'app.customer_complaints', 'title', 'Customer complaint', 'complaint_number');
SELECT app_private.register_search('customer_complaint', 't.search_vector', 't.description');

-- The caller's complaint, locked: staff who may see it (complaint.read or
-- complaint.manage tenant-wide, or at its plant), never a portal user here.
CREATE OR REPLACE FUNCTION app_private.lock_complaint(p_complaint_id uuid) RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_row app.customer_complaints;
BEGIN
  SELECT * INTO v_row FROM app.customer_complaints AS c WHERE c.organization_id = auth.org_id() AND c.id = p_complaint_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.is_platform_operator() OR auth.has_permission('complaint.read', v_row.site_id)
             OR auth.has_permission('complaint.manage', v_row.site_id)) THEN
    RAISE EXCEPTION 'complaint not found' USING ERRCODE = 'PT404', DETAIL = 'complaint.not_found',
      HINT = 'GET /customer_complaints lists the complaints you may see.';
  END IF;
  PERFORM auth.check_permission_at('complaint.manage', v_row.site_id);
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app_private.lock_complaint(uuid) IS
  'The caller''s complaint, locked FOR UPDATE: PT404 complaint.not_found unless staff who may see it, PT403 permission.missing without complaint.manage tenant-wide or at its plant.';

CREATE OR REPLACE FUNCTION app.file_complaint(
  part_id uuid, title text, description text, severity app.complaint_severity DEFAULT 'major', customer_id uuid DEFAULT NULL,
  received_on date DEFAULT NULL, customer_reference text DEFAULT NULL, quantity_affected numeric DEFAULT NULL, site_id uuid DEFAULT NULL
) RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_partner uuid := auth.partner_id();
  v_customer uuid := file_complaint.customer_id;
  v_part app.parts;
  v_row app.customer_complaints;
BEGIN
  IF v_partner IS NOT NULL THEN
    -- A customer's portal user files for their own partner, about a part made for it.
    PERFORM app_private.require_permission('complaint.file');
    IF v_customer IS NOT NULL AND v_customer <> v_partner THEN
      RAISE EXCEPTION 'you file complaints for your own company' USING ERRCODE = 'PT403', DETAIL = 'complaint.foreign_partner',
        HINT = 'Leave customer_id out.';
    END IF;
    v_customer := v_partner;
    IF file_complaint.site_id IS NOT NULL THEN
      PERFORM app_private.raise_invalid('complaint.invalid', 'the plant is chosen by the supplier''s staff', 'Leave site_id out.');
    END IF;
  ELSE
    PERFORM auth.check_permission_at('complaint.manage', file_complaint.site_id);
    IF file_complaint.site_id IS NOT NULL AND NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = v_org AND s.id = file_complaint.site_id) THEN
      RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found', HINT = 'Send site_id: one of GET /sites, or leave it out.';
    END IF;
  END IF;
  SELECT * INTO v_part FROM app.parts AS p
   WHERE p.organization_id = v_org AND p.id = file_complaint.part_id AND (v_partner IS NULL OR p.customer_id = v_partner);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'part not found' USING ERRCODE = 'PT404', DETAIL = 'part.not_found',
      HINT = 'Name a part of the organization (a portal user: a part made for their company).';
  END IF;
  v_customer := coalesce(v_customer, v_part.customer_id);
  IF v_customer IS NULL THEN
    PERFORM app_private.raise_invalid('complaint.customer_required', 'a complaint is a customer''s', 'Send customer_id: one of GET /partners.');
  END IF;
  IF NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = v_org AND p.id = v_customer) THEN
    RAISE EXCEPTION 'partner not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found', HINT = 'Send customer_id: one of GET /partners.';
  END IF;
  IF pg_catalog.length(pg_catalog.btrim(coalesce(title, ''))) NOT BETWEEN 1 AND 200
     OR pg_catalog.length(pg_catalog.btrim(coalesce(description, ''))) NOT BETWEEN 1 AND 20000
     OR quantity_affected <= 0 THEN
    PERFORM app_private.raise_invalid('complaint.invalid', 'a complaint needs a title, a description and a positive quantity if one is given',
      'Send title (up to 200 characters), description and, optionally, quantity_affected above 0.');
  END IF;
  INSERT INTO app.customer_complaints AS c (organization_id, id, complaint_number, customer_id, part_id, site_id, title, description, severity,
                                            received_on, customer_reference, quantity_affected, filed_by, filed_by_customer)
  VALUES (v_org, public.uuid_generate_v7(), app_private.take_yearly_human_id(v_org, 'CC'), v_customer, v_part.id, file_complaint.site_id,
          pg_catalog.btrim(title), description, coalesce(severity, 'major'), coalesce(received_on, current_date),
          nullif(pg_catalog.btrim(customer_reference), ''), quantity_affected, auth.user_id(), v_partner IS NOT NULL)
  RETURNING c.* INTO v_row;
  PERFORM app_private.publish_event(v_org, 'customer_complaint.filed',
    pg_catalog.jsonb_build_object('complaint_id', v_row.id, 'complaint_number', v_row.complaint_number, 'customer_id', v_row.customer_id,
                                  'part_id', v_row.part_id, 'severity', v_row.severity, 'filed_by_customer', v_row.filed_by_customer),
    'customer_complaint', v_row.id);
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.file_complaint(uuid, text, text, app.complaint_severity, uuid, date, text, numeric, uuid) IS
  E'File a customer complaint\nCC-<year>-<counter>. Staff with complaint.manage (tenant-wide, or at site_id) file for a customer (the part''s unless sent); a customer''s portal user with complaint.file files for their own company, about a part made for it (no site). PT404 part.not_found, partner.not_found, site.not_found; PT403 permission.missing, complaint.foreign_partner; PT422 complaint.customer_required, complaint.invalid. Publishes customer_complaint.filed.';

CREATE OR REPLACE FUNCTION app.link_complaint(complaint_id uuid, lot_ids uuid[] DEFAULT '{}', serial_ids uuid[] DEFAULT '{}', ncr_ids uuid[] DEFAULT '{}')
RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.customer_complaints := app_private.lock_complaint(link_complaint.complaint_id);
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.unnest(coalesce(lot_ids, '{}')) AS u (id)
              WHERE NOT EXISTS (SELECT FROM app.lots AS l WHERE l.organization_id = v_row.organization_id AND l.id = u.id)) THEN
    RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'GET /lots lists the lots.';
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.unnest(coalesce(serial_ids, '{}')) AS u (id)
              WHERE NOT EXISTS (SELECT FROM app.serials AS s WHERE s.organization_id = v_row.organization_id AND s.id = u.id)) THEN
    RAISE EXCEPTION 'serial not found' USING ERRCODE = 'PT404', DETAIL = 'serial.not_found', HINT = 'GET /serials lists the serials.';
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.unnest(coalesce(ncr_ids, '{}')) AS u (id)
              WHERE NOT EXISTS (SELECT FROM app.ncrs AS n WHERE n.organization_id = v_row.organization_id AND n.id = u.id)) THEN
    RAISE EXCEPTION 'NCR not found' USING ERRCODE = 'PT404', DETAIL = 'ncr.not_found', HINT = 'GET /ncrs lists the NCRs.';
  END IF;
  INSERT INTO app.complaint_items (organization_id, id, complaint_id, lot_id)
  SELECT v_row.organization_id, public.uuid_generate_v7(), v_row.id, u.id FROM (SELECT DISTINCT x AS id FROM pg_catalog.unnest(coalesce(lot_ids, '{}')) AS x) AS u
  ON CONFLICT ON CONSTRAINT complaint_items_lot_unique DO NOTHING;
  INSERT INTO app.complaint_items (organization_id, id, complaint_id, serial_id)
  SELECT v_row.organization_id, public.uuid_generate_v7(), v_row.id, u.id FROM (SELECT DISTINCT x AS id FROM pg_catalog.unnest(coalesce(serial_ids, '{}')) AS x) AS u
  ON CONFLICT ON CONSTRAINT complaint_items_serial_unique DO NOTHING;
  INSERT INTO app.complaint_ncrs (organization_id, complaint_id, ncr_id)
  SELECT DISTINCT v_row.organization_id, v_row.id, u FROM pg_catalog.unnest(coalesce(ncr_ids, '{}')) AS u
  ON CONFLICT ON CONSTRAINT complaint_ncrs_pkey DO NOTHING;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.link_complaint(uuid, uuid[], uuid[], uuid[]) IS
  E'Link a complaint to material and NCRs\nThe lots, serials and NCRs a complaint is about (again: nothing new). Needs complaint.manage tenant-wide or at the complaint''s plant. PT404 complaint.not_found, lot.not_found, serial.not_found, ncr.not_found; PT403 permission.missing.';

-- The shipments (and items) the complaining customer received.
CREATE OR REPLACE FUNCTION app.link_complaint_shipments(complaint_id uuid, shipment_ids uuid[] DEFAULT '{}', shipment_item_ids uuid[] DEFAULT '{}')
RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.customer_complaints := app_private.lock_complaint(link_complaint_shipments.complaint_id);
  v_foreign text;
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.unnest(coalesce(shipment_ids, '{}')) AS u (id)
              WHERE NOT EXISTS (SELECT FROM app.shipments AS s WHERE s.organization_id = v_row.organization_id AND s.id = u.id
                                   AND auth.may_read_shipment(s.site_id, s.customer_id))) THEN
    RAISE EXCEPTION 'shipment not found' USING ERRCODE = 'PT404', DETAIL = 'shipment.not_found', HINT = 'GET /shipments lists the shipments.';
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.unnest(coalesce(shipment_item_ids, '{}')) AS u (id)
              WHERE NOT EXISTS (SELECT FROM app.shipment_items AS i
                                  JOIN app.shipments AS s ON s.organization_id = i.organization_id AND s.id = i.shipment_id
                                 WHERE i.organization_id = v_row.organization_id AND i.id = u.id AND auth.may_read_shipment(s.site_id, s.customer_id))) THEN
    RAISE EXCEPTION 'shipment item not found' USING ERRCODE = 'PT404', DETAIL = 'shipment_item.not_found',
      HINT = 'GET /shipment_items?shipment_id=eq.<id> lists a shipment''s items.';
  END IF;
  SELECT pg_catalog.string_agg(DISTINCT s.shipment_number, ', ') INTO v_foreign
    FROM app.shipments AS s
   WHERE s.organization_id = v_row.organization_id AND s.customer_id IS DISTINCT FROM v_row.customer_id
     AND (s.id = ANY (coalesce(shipment_ids, '{}'))
          OR s.id IN (SELECT i.shipment_id FROM app.shipment_items AS i
                       WHERE i.organization_id = v_row.organization_id AND i.id = ANY (coalesce(shipment_item_ids, '{}'))));
  IF v_foreign IS NOT NULL THEN
    RAISE EXCEPTION 'shipment % went to another customer', v_foreign USING ERRCODE = 'PT409', DETAIL = 'complaint.shipment_customer_mismatch',
      HINT = 'Link only shipments the complaining customer received (GET /shipments?customer_id=eq.<the complaint''s customer_id>).';
  END IF;
  INSERT INTO app.complaint_shipments (organization_id, id, complaint_id, shipment_id, shipment_item_id)
  SELECT v_row.organization_id, public.uuid_generate_v7(), v_row.id, u.shipment_id, u.item_id
    FROM (SELECT DISTINCT x AS shipment_id, NULL::uuid AS item_id FROM pg_catalog.unnest(coalesce(shipment_ids, '{}')) AS x
          UNION
          SELECT i.shipment_id, i.id FROM app.shipment_items AS i
           WHERE i.organization_id = v_row.organization_id AND i.id = ANY (coalesce(shipment_item_ids, '{}'))) AS u
  ON CONFLICT ON CONSTRAINT complaint_shipments_once DO NOTHING;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.link_complaint_shipments(uuid, uuid[], uuid[]) IS
  E'Link a complaint to shipments\nThe shipments, or single items of them, the complaining customer received (again: nothing new); a shipment of another customer is refused, one the caller may not read is not found (so no refusal names another plant''s shipment). Needs complaint.manage tenant-wide or at the complaint''s plant. PT404 complaint.not_found, shipment.not_found, shipment_item.not_found; PT403 permission.missing; PT409 complaint.shipment_customer_mismatch.';

CREATE OR REPLACE FUNCTION auth.complaint_8d_allowed(p_complaint_id uuid) RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.customer_complaints := app_private.lock_complaint(p_complaint_id);
BEGIN
  IF v_row.status IN ('closed', 'rejected') THEN
    RAISE EXCEPTION 'complaint % is %', v_row.complaint_number, v_row.status USING ERRCODE = 'PT409', DETAIL = 'complaint.closed',
      HINT = 'A closed complaint is not investigated further.';
  END IF;
  IF v_row.capa_id IS NOT NULL THEN
    RAISE EXCEPTION 'complaint % already has an 8D', v_row.complaint_number USING ERRCODE = 'PT409', DETAIL = 'complaint.capa_exists',
      HINT = 'GET /capas?id=eq.<capa_id> shows it.';
  END IF;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION auth.complaint_8d_allowed(uuid) IS
  'The complaint when the caller may open its 8D: PT404 complaint.not_found, PT403 permission.missing (complaint.manage), PT409 complaint.closed, complaint.capa_exists.';

CREATE OR REPLACE FUNCTION auth.link_complaint_capa(p_complaint_id uuid, p_capa_id uuid) RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.customer_complaints := auth.complaint_8d_allowed(p_complaint_id);
BEGIN
  UPDATE app.customer_complaints AS c SET capa_id = p_capa_id, status = 'investigating'
   WHERE c.organization_id = v_row.organization_id AND c.id = v_row.id
  RETURNING c.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION auth.link_complaint_capa(uuid, uuid) IS 'Records the 8D opened for the complaint and moves it to investigating (after the checks of auth.complaint_8d_allowed).';

-- SECURITY INVOKER: the platform's app.open_capa checks the caller's own
-- capa.manage and sight of the complaint.
CREATE OR REPLACE FUNCTION app.open_complaint_8d(complaint_id uuid, owner_id uuid DEFAULT NULL, due_date date DEFAULT NULL)
RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_row app.customer_complaints := auth.complaint_8d_allowed(open_complaint_8d.complaint_id);
  v_capa app.capas;
BEGIN
  v_capa := app.open_capa(v_row.complaint_number || ': ' || v_row.title, v_row.description, 'corrective', 'customer_complaint',
                          'customer_complaint', v_row.id, open_complaint_8d.owner_id, open_complaint_8d.due_date, v_row.site_id);
  RETURN auth.link_complaint_capa(v_row.id, v_capa.id);
END
$$;
COMMENT ON FUNCTION app.open_complaint_8d(uuid, uuid, date) IS
  E'Open the 8D of a complaint\nA corrective CAPA (source customer_complaint, at the complaint''s plant) in the platform register with the complaint linked as its source; the complaint moves to investigating. Once per complaint. Needs complaint.manage and capa.manage. PT404 complaint.not_found; PT403 permission.missing; PT409 complaint.closed, complaint.capa_exists; PT422 capa.team_not_member.';

CREATE OR REPLACE FUNCTION app.close_complaint(complaint_id uuid, response text, rejected boolean DEFAULT false) RETURNS app.customer_complaints
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.customer_complaints := app_private.lock_complaint(close_complaint.complaint_id);
BEGIN
  IF v_row.status IN ('closed', 'rejected') THEN
    RAISE EXCEPTION 'complaint % is %', v_row.complaint_number, v_row.status USING ERRCODE = 'PT409', DETAIL = 'complaint.closed',
      HINT = 'File a new complaint if the problem came back.';
  END IF;
  IF pg_catalog.length(pg_catalog.btrim(coalesce(response, ''))) NOT BETWEEN 1 AND 20000 THEN
    PERFORM app_private.raise_invalid('complaint.response_required', 'closing a complaint needs the answer given to the customer',
      'Send response (up to 20000 characters).');
  END IF;
  IF NOT coalesce(rejected, false) AND v_row.capa_id IS NOT NULL
     AND (SELECT c.status FROM app.capas AS c WHERE c.organization_id = v_row.organization_id AND c.id = v_row.capa_id) <> 'closed' THEN
    RAISE EXCEPTION 'the 8D of % is not closed', v_row.complaint_number USING ERRCODE = 'PT409', DETAIL = 'complaint.capa_open',
      HINT = 'Close its 8D (app.advance_capa) first, or reject the complaint.';
  END IF;
  UPDATE app.customer_complaints AS c
     SET status = CASE WHEN coalesce(rejected, false) THEN 'rejected' ELSE 'closed' END::app.complaint_status,
         response = pg_catalog.btrim(close_complaint.response), closed_at = pg_catalog.now()
   WHERE c.organization_id = v_row.organization_id AND c.id = v_row.id
  RETURNING c.* INTO v_row;
  PERFORM app_private.publish_event(v_row.organization_id, 'customer_complaint.closed',
    pg_catalog.jsonb_build_object('complaint_id', v_row.id, 'complaint_number', v_row.complaint_number,
                                  'new', pg_catalog.jsonb_build_object('status', v_row.status)),
    'customer_complaint', v_row.id);
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.close_complaint(uuid, text, boolean) IS
  E'Close or reject a complaint\nWith the response given to the customer: closed once its 8D (if any) is closed, or rejected (not justified) at any time. Needs complaint.manage tenant-wide or at its plant. PT404 complaint.not_found; PT403 permission.missing; PT409 complaint.closed, complaint.capa_open; PT422 complaint.response_required. Publishes customer_complaint.closed.';
