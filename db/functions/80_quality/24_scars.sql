-- Supplier corrective action requests (migration quality/suppliers): a SCAR
-- is a platform CAPA of the 8D method (source supplier_issue, the SCAR
-- linked as its source) addressed to a supplier. Staff issue and review
-- with scar.manage; the supplier's portal users (memberships bound to that
-- partner, partner.read) see only their own SCARs and answer them. The 8D
-- steps and closure stay the CAPA's (app.advance_capa). The portal users
-- need no permission of their own beyond reading their partner
-- (partner.read, which the customer_portal role holds): being bound to the
-- supplier is what lets them see and answer its SCARs, so the
-- customer_portal role stays within what any role.assign holder may grant.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.scars
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('scar', 'app.scars', 'title', 'SCAR', 'scar_number');

CREATE OR REPLACE FUNCTION app.issue_scar(supplier_id uuid, title text, problem_statement text, response_due_on date,
                                          receipt_id uuid DEFAULT NULL, owner_id uuid DEFAULT NULL, site_id uuid DEFAULT NULL)
RETURNS app.scars
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_capa app.capas;
  v_scar app.scars;
BEGIN
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'SCARs are issued by staff' USING ERRCODE = 'PT403', DETAIL = 'permission.missing', HINT = 'Ask for a role with scar.manage.';
  END IF;
  PERFORM app_private.require_permission('scar.manage');
  IF NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = auth.org_id() AND p.id = issue_scar.supplier_id
                    AND p.kind IN ('supplier', 'customer_and_supplier')) THEN
    RAISE EXCEPTION 'supplier not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found',
      HINT = 'Send supplier_id: a partner of kind supplier or customer_and_supplier.';
  END IF;
  IF issue_scar.receipt_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.receipts AS r WHERE r.organization_id = auth.org_id() AND r.id = issue_scar.receipt_id
          AND r.supplier_id = issue_scar.supplier_id) THEN
    RAISE EXCEPTION 'receipt not found' USING ERRCODE = 'PT404', DETAIL = 'receipt.not_found',
      HINT = 'A SCAR''s receipt is one from the same supplier.';
  END IF;
  IF issue_scar.response_due_on IS NULL OR issue_scar.response_due_on < current_date THEN
    PERFORM app_private.raise_invalid('scar.due_date_invalid', 'a SCAR needs a response due date, today or later',
                                      'Send response_due_on: the day the supplier''s 8D answer is due.');
  END IF;
  v_capa := app.open_capa(issue_scar.title, issue_scar.problem_statement, 'corrective', 'supplier_issue', NULL, NULL,
                          coalesce(issue_scar.owner_id, auth.user_id()), issue_scar.response_due_on, issue_scar.site_id);
  INSERT INTO app.scars AS s (organization_id, id, capa_id, scar_number, supplier_id, receipt_id, title, problem_statement, response_due_on, issued_by)
  VALUES (v_capa.organization_id, public.uuid_generate_v7(), v_capa.id, v_capa.capa_number, issue_scar.supplier_id, issue_scar.receipt_id,
          v_capa.title, v_capa.problem_statement, issue_scar.response_due_on, auth.user_id())
  RETURNING s.* INTO v_scar;
  INSERT INTO app.capa_links (organization_id, capa_id, entity_type, entity_id, relation)
  VALUES (v_capa.organization_id, v_capa.id, 'scar', v_scar.id, 'source');
  PERFORM app_private.publish_event(v_scar.organization_id, 'scar.issued',
    pg_catalog.jsonb_build_object('scar_id', v_scar.id, 'scar_number', v_scar.scar_number, 'capa_id', v_capa.id,
                                  'supplier_id', v_scar.supplier_id, 'response_due_on', v_scar.response_due_on),
    'scar', v_scar.id);
  RETURN v_scar;
END
$$;
COMMENT ON FUNCTION app.issue_scar(uuid, text, text, date, uuid, uuid, uuid) IS
  E'Issue a SCAR\nOpens a corrective CAPA (8D, source supplier_issue, owner the caller unless owner_id names a member, due on the response date) and addresses it to a supplier with what it is told (title, problem statement), the response due date and the receipt that showed the problem, if any; the SCAR is linked as the CAPA''s source; published as scar.issued. Needs scar.manage (staff). PT403 permission.missing; PT404 partner.not_found, receipt.not_found; PT422 scar.due_date_invalid, capa.team_not_member.';

-- The SCAR as the caller may see it: the supplier's own portal users
-- (partner.read), staff with supplier.read or scar.manage; locked.
CREATE OR REPLACE FUNCTION app_private.lock_scar(p_scar_id uuid) RETURNS app.scars
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_scar app.scars;
BEGIN
  SELECT * INTO v_scar FROM app.scars AS s WHERE s.organization_id = auth.org_id() AND s.id = p_scar_id FOR UPDATE;
  IF NOT FOUND
     OR NOT (CASE WHEN auth.partner_id() IS NOT NULL THEN auth.partner_id() = v_scar.supplier_id AND auth.has_permission('partner.read')
                  ELSE auth.is_platform_operator() OR auth.has_permission('supplier.read') OR auth.has_permission('scar.manage') END) THEN
    RAISE EXCEPTION 'SCAR not found' USING ERRCODE = 'PT404', DETAIL = 'scar.not_found', HINT = 'GET /scars lists the SCARs you may see.';
  END IF;
  RETURN v_scar;
END
$$;
COMMENT ON FUNCTION app_private.lock_scar(uuid) IS
  'The caller''s SCAR, locked FOR UPDATE: PT404 scar.not_found unless they may see it (a portal user of that supplier with partner.read; staff with supplier.read or scar.manage).';

CREATE OR REPLACE FUNCTION app.respond_to_scar(scar_id uuid, root_cause text, corrective_action text, containment text DEFAULT NULL)
RETURNS app.scars
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_scar app.scars := app_private.lock_scar(respond_to_scar.scar_id);
BEGIN
  IF auth.partner_id() IS NULL THEN
    PERFORM app_private.require_permission('scar.manage');
  END IF;
  IF v_scar.status <> 'awaiting_response' THEN
    RAISE EXCEPTION 'SCAR % is not awaiting a response (%)', v_scar.scar_number, v_scar.status
      USING ERRCODE = 'PT409', DETAIL = 'scar.not_awaiting_response', HINT = 'A response is sent once, again only when the customer returns it.';
  END IF;
  IF coalesce(pg_catalog.btrim(root_cause), '') = '' OR coalesce(pg_catalog.btrim(corrective_action), '') = '' THEN
    PERFORM app_private.raise_invalid('scar.response_incomplete', 'a SCAR response needs the root cause and the corrective action',
                                      'Send root_cause (D4) and corrective_action (D5-D7); containment (D3) too where there is one.');
  END IF;
  UPDATE app.scars AS s
     SET status = 'responded', supplier_root_cause = pg_catalog.btrim(root_cause), supplier_corrective_action = pg_catalog.btrim(corrective_action),
         supplier_containment = nullif(pg_catalog.btrim(containment), ''), responded_by = auth.user_id(), responded_at = pg_catalog.now()
   WHERE s.organization_id = v_scar.organization_id AND s.id = v_scar.id
  RETURNING s.* INTO v_scar;
  PERFORM app_private.publish_event(v_scar.organization_id, 'scar.responded',
    pg_catalog.jsonb_build_object('scar_id', v_scar.id, 'scar_number', v_scar.scar_number, 'supplier_id', v_scar.supplier_id,
                                  'old', pg_catalog.jsonb_build_object('status', 'awaiting_response'),
                                  'new', pg_catalog.jsonb_build_object('status', v_scar.status)),
    'scar', v_scar.id);
  RETURN v_scar;
END
$$;
COMMENT ON FUNCTION app.respond_to_scar(uuid, text, text, text) IS
  E'Answer a SCAR\nThe supplier''s 8D answer: root cause, corrective action and containment, by a portal user bound to that supplier (partner.read) or by staff with scar.manage on its behalf; only while awaiting a response. Published as scar.responded. PT404 scar.not_found (another supplier''s SCAR too); PT403 permission.missing; PT409 scar.not_awaiting_response; PT422 scar.response_incomplete.';

CREATE OR REPLACE FUNCTION app.review_scar_response(scar_id uuid, accept boolean, note text DEFAULT NULL) RETURNS app.scars
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_scar app.scars := app_private.lock_scar(review_scar_response.scar_id);
  v_from app.scar_status := v_scar.status;
BEGIN
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'SCAR responses are reviewed by staff' USING ERRCODE = 'PT403', DETAIL = 'permission.missing', HINT = 'Ask for a role with scar.manage.';
  END IF;
  PERFORM app_private.require_permission('scar.manage');
  IF v_scar.status <> 'responded' THEN
    RAISE EXCEPTION 'SCAR % has no response to review (%)', v_scar.scar_number, v_scar.status
      USING ERRCODE = 'PT409', DETAIL = 'scar.not_responded', HINT = 'Review a SCAR once the supplier has responded.';
  END IF;
  IF accept IS NULL OR (NOT accept AND coalesce(pg_catalog.btrim(note), '') = '') THEN
    PERFORM app_private.raise_invalid('scar.review_note_required', 'returning a response needs a note',
                                      'Send accept (true or false) and, to return the response, note: what is missing.');
  END IF;
  UPDATE app.scars AS s
     SET status = CASE WHEN accept THEN 'accepted' ELSE 'awaiting_response' END::app.scar_status,
         review_note = nullif(pg_catalog.btrim(note), ''), reviewed_by = auth.user_id(), reviewed_at = pg_catalog.now()
   WHERE s.organization_id = v_scar.organization_id AND s.id = v_scar.id
  RETURNING s.* INTO v_scar;
  PERFORM app_private.publish_event(v_scar.organization_id, 'scar.reviewed',
    pg_catalog.jsonb_build_object('scar_id', v_scar.id, 'scar_number', v_scar.scar_number, 'supplier_id', v_scar.supplier_id,
                                  'accepted', accept, 'note', v_scar.review_note,
                                  'old', pg_catalog.jsonb_build_object('status', v_from),
                                  'new', pg_catalog.jsonb_build_object('status', v_scar.status)),
    'scar', v_scar.id);
  RETURN v_scar;
END
$$;
COMMENT ON FUNCTION app.review_scar_response(uuid, boolean, text) IS
  E'Review a SCAR response\nAccepts the supplier''s answer (the CAPA then carries on to verification and closure) or returns it with a note (awaiting a response again). Needs scar.manage (staff). Published as scar.reviewed. PT404 scar.not_found; PT403 permission.missing; PT409 scar.not_responded; PT422 scar.review_note_required.';
