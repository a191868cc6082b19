-- AS9102 form 2 of a first article inspection (migration quality/fai_form2):
-- the materials, special processes and functional tests of the article with
-- their specifications, suppliers, customer approval of the source and
-- certificate of conformance numbers. Recorded by whoever records the
-- inspection (inspection.record at its plant) until it is decided; the
-- approval of a first article (app.decide_inspection) refuses while form 2
-- has a gap (app_private.fai_form2_gaps); app.fai_report prints it.

-- What keeps form 2 of a first article from being complete: a lot consumed
-- into the inspected lot or serial (genealogy) with no material line naming
-- it (its certificate is not on record), and a special process whose source
-- the customer has not approved. One sentence per gap, in a stable order.
CREATE OR REPLACE FUNCTION app_private.fai_form2_gaps(p_organization_id uuid, p_inspection_id uuid) RETURNS text[]
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(array_agg(gap ORDER BY ord, gap), '{}')
    FROM (
      SELECT DISTINCT 1 AS ord, format('material lot %s (%s) consumed into the article has no form 2 line with its certificate of conformance',
                                       l.lot_number, p.part_number) AS gap
        FROM app.inspections AS i
        JOIN app.genealogy_edges AS e ON e.organization_id = i.organization_id
                                     AND (e.produced_lot_id = i.lot_id OR e.produced_serial_id = i.serial_id)
        JOIN app.lots AS l ON l.organization_id = e.organization_id AND l.id = e.consumed_lot_id
        JOIN app.parts AS p ON p.organization_id = l.organization_id AND p.id = l.part_id
       WHERE i.organization_id = p_organization_id AND i.id = p_inspection_id
         AND NOT EXISTS (SELECT FROM app.fai_form2_items AS f
                          WHERE f.organization_id = i.organization_id AND f.inspection_id = i.id
                            AND f.kind = 'material' AND f.lot_id = l.id)
      UNION ALL
      SELECT 2, format('special process %s (%s): the customer has not approved its source', f.name, f.specification)
        FROM app.fai_form2_items AS f
       WHERE f.organization_id = p_organization_id AND f.inspection_id = p_inspection_id
         AND f.kind = 'special_process' AND f.customer_approval = 'no'
    ) AS g;
$$;
COMMENT ON FUNCTION app_private.fai_form2_gaps(uuid, uuid) IS
  'What keeps AS9102 form 2 of a first article inspection from being complete, one sentence each: a lot consumed into the inspected lot or serial (genealogy edges) without a material line naming it, a special process whose source the customer has not approved (customer_approval no). Empty when complete.';

CREATE OR REPLACE FUNCTION app.add_fai_form2_item(inspection_id uuid, kind text, name text, specification text DEFAULT NULL,
                                                  process_code text DEFAULT NULL, supplier_id uuid DEFAULT NULL, supplier_code text DEFAULT NULL,
                                                  customer_approval text DEFAULT NULL, coc_number text DEFAULT NULL, lot_id uuid DEFAULT NULL,
                                                  functional_test_procedure text DEFAULT NULL, acceptance_report_number text DEFAULT NULL)
RETURNS app.fai_form2_items
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections := app_private.visible_inspection(add_fai_form2_item.inspection_id, true);
  v_item app.fai_form2_items;
  v_missing text;
BEGIN
  PERFORM auth.check_permission_at('inspection.record', v_inspection.site_id);
  IF v_inspection.kind <> 'first_article' THEN
    RAISE EXCEPTION 'not a first article inspection' USING ERRCODE = 'PT409', DETAIL = 'inspection.not_first_article',
      HINT = 'AS9102 form 2 belongs to first_article inspections.';
  END IF;
  IF v_inspection.status IN ('approved', 'rejected') THEN
    RAISE EXCEPTION 'inspection is %', v_inspection.status USING ERRCODE = 'PT409', DETAIL = 'inspection.decided',
      HINT = 'A decided FAI report is final; open a new first article inspection.';
  END IF;
  IF add_fai_form2_item.kind IS NULL OR add_fai_form2_item.kind NOT IN ('material', 'special_process', 'functional_test') THEN
    PERFORM app_private.raise_invalid('fai.form2_kind_invalid', 'a form 2 line is a material, special_process or functional_test',
      'Send kind: material, special_process or functional_test.');
  END IF;
  IF add_fai_form2_item.customer_approval NOT IN ('yes', 'no', 'not_applicable') THEN
    PERFORM app_private.raise_invalid('fai.form2_invalid', 'customer_approval is yes, no or not_applicable',
      'Send customer_approval: yes, no or not_applicable.');
  END IF;
  -- The fields AS9102 requires of this kind of line, the first one missing named.
  SELECT min(f) INTO v_missing
    FROM (VALUES ('specification', add_fai_form2_item.specification, ARRAY['material', 'special_process']),
                 ('coc_number', add_fai_form2_item.coc_number, ARRAY['material', 'special_process']),
                 ('customer_approval', add_fai_form2_item.customer_approval, ARRAY['special_process']),
                 ('supplier_id or supplier_code', coalesce(add_fai_form2_item.supplier_id::text, add_fai_form2_item.supplier_code), ARRAY['special_process']),
                 ('functional_test_procedure', add_fai_form2_item.functional_test_procedure, ARRAY['functional_test']),
                 ('acceptance_report_number', add_fai_form2_item.acceptance_report_number, ARRAY['functional_test'])) AS r (f, v, kinds)
   WHERE add_fai_form2_item.kind = ANY (r.kinds) AND length(btrim(coalesce(r.v, ''))) = 0;
  IF v_missing IS NOT NULL THEN
    PERFORM app_private.raise_invalid('fai.form2_field_required', format('a %s line needs %s', add_fai_form2_item.kind, v_missing),
      'Materials need specification and coc_number; special processes specification, coc_number, customer_approval and the supplier (supplier_id or supplier_code); functional tests functional_test_procedure and acceptance_report_number.');
  END IF;
  IF length(btrim(coalesce(add_fai_form2_item.name, ''))) NOT BETWEEN 1 AND 200
     OR length(btrim(add_fai_form2_item.specification)) > 200 OR length(btrim(add_fai_form2_item.functional_test_procedure)) > 200
     OR greatest(length(btrim(add_fai_form2_item.process_code)), length(btrim(add_fai_form2_item.supplier_code)),
                 length(btrim(add_fai_form2_item.coc_number)), length(btrim(add_fai_form2_item.acceptance_report_number))) > 64
     OR length(btrim(add_fai_form2_item.process_code)) = 0 OR length(btrim(add_fai_form2_item.supplier_code)) = 0 THEN
    PERFORM app_private.raise_invalid('fai.form2_invalid',
      'name, specification and functional_test_procedure are 1 to 200 characters; process_code, supplier_code, coc_number and acceptance_report_number 1 to 64',
      'Leave out what does not apply.');
  END IF;
  IF add_fai_form2_item.supplier_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.partners AS p WHERE p.organization_id = v_inspection.organization_id AND p.id = add_fai_form2_item.supplier_id
          AND p.kind IN ('supplier', 'customer_and_supplier')) THEN
    RAISE EXCEPTION 'supplier not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found',
      HINT = 'Name a partner of kind supplier (GET /partners?kind=in.(supplier,customer_and_supplier)).';
  END IF;
  IF add_fai_form2_item.lot_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.lots AS l WHERE l.organization_id = v_inspection.organization_id AND l.id = add_fai_form2_item.lot_id
          AND (auth.has_permission('traceability.read', l.site_id) OR auth.has_permission('inspection.record', l.site_id))) THEN
    RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'GET /lots lists the lots you may see.';
  END IF;
  INSERT INTO app.fai_form2_items (organization_id, id, inspection_id, site_id, kind, name, specification, process_code, supplier_id,
                                   supplier_code, customer_approval, coc_number, lot_id, functional_test_procedure, acceptance_report_number,
                                   created_by)
  VALUES (v_inspection.organization_id, public.uuid_generate_v7(), v_inspection.id, v_inspection.site_id, add_fai_form2_item.kind,
          btrim(add_fai_form2_item.name), nullif(btrim(add_fai_form2_item.specification), ''), btrim(add_fai_form2_item.process_code),
          add_fai_form2_item.supplier_id, btrim(add_fai_form2_item.supplier_code), add_fai_form2_item.customer_approval,
          nullif(btrim(add_fai_form2_item.coc_number), ''), add_fai_form2_item.lot_id,
          nullif(btrim(add_fai_form2_item.functional_test_procedure), ''), nullif(btrim(add_fai_form2_item.acceptance_report_number), ''),
          auth.user_id())
  RETURNING * INTO v_item;
  RETURN v_item;
END
$$;
COMMENT ON FUNCTION app.add_fai_form2_item(uuid, text, text, text, text, uuid, text, text, text, uuid, text, text) IS
  E'Add an AS9102 form 2 line\nA material, special process or functional test of a first article inspection not yet decided (inspection.record at its plant): name, specification, code, supplier (a supplier partner or the supplier''s code), customer approval of the source (yes / no / not_applicable), certificate of conformance number, the material lot it covers, functional test procedure and acceptance report. Materials need specification and coc_number; special processes also customer_approval and the supplier; functional tests the procedure and report. PT409 inspection.not_first_article, inspection.decided; PT422 fai.form2_kind_invalid, fai.form2_field_required, fai.form2_invalid; PT404 inspection.not_found, partner.not_found, lot.not_found.';

CREATE OR REPLACE FUNCTION app.remove_fai_form2_item(item_id uuid) RETURNS app.fai_form2_items
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_item app.fai_form2_items;
  v_inspection app.inspections;
BEGIN
  SELECT * INTO v_item FROM app.fai_form2_items AS f WHERE f.organization_id = auth.org_id() AND f.id = remove_fai_form2_item.item_id;
  v_inspection := app_private.visible_inspection(v_item.inspection_id, true);
  PERFORM auth.check_permission_at('inspection.record', v_inspection.site_id);
  IF v_inspection.status IN ('approved', 'rejected') THEN
    RAISE EXCEPTION 'inspection is %', v_inspection.status USING ERRCODE = 'PT409', DETAIL = 'inspection.decided',
      HINT = 'A decided FAI report is final; open a new first article inspection.';
  END IF;
  DELETE FROM app.fai_form2_items AS f WHERE f.organization_id = v_item.organization_id AND f.id = v_item.id;
  RETURN v_item;
END
$$;
COMMENT ON FUNCTION app.remove_fai_form2_item(uuid) IS
  E'Remove an AS9102 form 2 line\nDeletes a form 2 line of a first article inspection not yet decided (inspection.record at its plant) and returns it. PT404 inspection.not_found (also for a line that is not there); PT409 inspection.decided.';
