-- SAP mappings (migration integration/sap): a Pulse entity <-> an SAP object
-- number, unique both ways per tenant and object type (the table's unique
-- keys); written only by app.map_sap_object / app.unmap_sap_object.

CREATE OR REPLACE FUNCTION app_private.tg_sap_mappings__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.created_by := coalesce(NEW.created_by, auth.user_id());
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_sap_mappings__prepare() IS
  'BEFORE INSERT on app.sap_mappings: 42501 tenant.foreign_row for another tenant''s row; stamps created_by with the caller.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.sap_mappings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sap_mappings__prepare();

-- The entity a mapping names, in the caller's tenant: its display number, or NULL.
CREATE OR REPLACE FUNCTION app_private.sap_entity_number(p_organization_id uuid, p_entity_type text, p_entity_id uuid)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE p_entity_type
    WHEN 'part' THEN (SELECT p.part_number FROM app.parts AS p WHERE p.organization_id = p_organization_id AND p.id = p_entity_id)
    WHEN 'partner' THEN (SELECT coalesce(p.code, p.name) FROM app.partners AS p
                          WHERE p.organization_id = p_organization_id AND p.id = p_entity_id)
    WHEN 'purchase_order' THEN (SELECT o.po_number FROM app.purchase_orders AS o
                                 WHERE o.organization_id = p_organization_id AND o.id = p_entity_id)
  END;
$$;
COMMENT ON FUNCTION app_private.sap_entity_number(uuid, text, uuid) IS
  'The number a tenant''s part (part number), partner (code or name) or purchase order (PO number) is known by; NULL when there is no such entity in that tenant.';

CREATE OR REPLACE FUNCTION app.map_sap_object(sap_object_type text, sap_object_number text, entity_type text, entity_id uuid)
RETURNS app.sap_mappings
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_mapping app.sap_mappings;
  v_type text := upper(btrim(coalesce(map_sap_object.sap_object_type, '')));
  v_number text := btrim(coalesce(map_sap_object.sap_object_number, ''));
BEGIN
  PERFORM app_private.require_permission('integration.manage');
  IF NOT ((v_type = 'MATERIAL' AND map_sap_object.entity_type = 'part')
          OR (v_type IN ('VENDOR', 'CUSTOMER') AND map_sap_object.entity_type = 'partner')
          OR (v_type = 'PURCHASE_ORDER' AND map_sap_object.entity_type = 'purchase_order')) THEN
    PERFORM app_private.raise_invalid('sap_mapping.type_mismatch',
      pg_catalog.format('a %s cannot be mapped to an SAP %s', coalesce(map_sap_object.entity_type, 'null'), v_type),
      'Map MATERIAL to a part, VENDOR or CUSTOMER to a partner, PURCHASE_ORDER to a purchase order.');
  END IF;
  IF v_number !~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$' THEN
    PERFORM app_private.raise_invalid('sap_mapping.number_invalid',
      pg_catalog.format('%L is not an SAP object number', v_number),
      'Send the SAP number: letters, digits, . _ / -, up to 40.');
  END IF;
  IF app_private.sap_entity_number(auth.org_id(), map_sap_object.entity_type, map_sap_object.entity_id) IS NULL THEN
    RAISE EXCEPTION 'no % %', map_sap_object.entity_type, map_sap_object.entity_id USING ERRCODE = 'PT404',
      DETAIL = 'sap_mapping.entity_not_found', HINT = 'Map an existing part, partner or purchase order of your organization.';
  END IF;
  SELECT * INTO v_mapping FROM app.sap_mappings AS m
   WHERE m.organization_id = auth.org_id() AND m.sap_object_type = v_type
     AND m.entity_type = map_sap_object.entity_type AND m.entity_id = map_sap_object.entity_id;
  IF FOUND AND v_mapping.sap_object_number = v_number THEN
    RETURN v_mapping;  -- mapped already: idempotent
  ELSIF FOUND THEN
    RAISE EXCEPTION 'this % is already mapped to % %', map_sap_object.entity_type, v_type, v_mapping.sap_object_number
      USING ERRCODE = 'PT409', DETAIL = 'sap_mapping.entity_mapped',
            HINT = 'Unmap it first (POST /rpc/unmap_sap_object) to map it to another SAP object.';
  END IF;
  IF EXISTS (SELECT FROM app.sap_mappings AS m WHERE m.organization_id = auth.org_id() AND m.sap_object_type = v_type
                AND m.sap_object_number = v_number) THEN
    RAISE EXCEPTION 'SAP % % is already mapped to another %', v_type, v_number, map_sap_object.entity_type
      USING ERRCODE = 'PT409', DETAIL = 'sap_mapping.object_mapped',
            HINT = 'An SAP object is mapped to one entity; unmap the other one first.';
  END IF;
  INSERT INTO app.sap_mappings (organization_id, id, sap_object_type, sap_object_number, entity_type, entity_id)
  VALUES (auth.org_id(), public.uuid_generate_v7(), v_type, v_number, map_sap_object.entity_type, map_sap_object.entity_id)
  RETURNING * INTO v_mapping;
  RETURN v_mapping;
END
$$;
COMMENT ON FUNCTION app.map_sap_object(text, text, text, uuid) IS
  E'Map an entity to an SAP object\nRecords that a part is SAP MATERIAL n, a partner VENDOR or CUSTOMER n, a purchase order PURCHASE_ORDER n; the same call again changes nothing. Needs integration.manage. Errors: PT403 permission.missing; PT404 sap_mapping.entity_not_found; PT409 sap_mapping.entity_mapped (the entity has another number), sap_mapping.object_mapped (the number is another entity''s); PT422 sap_mapping.type_mismatch, sap_mapping.number_invalid.';

CREATE OR REPLACE FUNCTION app.unmap_sap_object(mapping_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_permission('integration.manage');
  DELETE FROM app.sap_mappings AS m WHERE m.organization_id = auth.org_id() AND m.id = unmap_sap_object.mapping_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no SAP mapping %', unmap_sap_object.mapping_id USING ERRCODE = 'PT404',
      DETAIL = 'sap_mapping.not_found', HINT = 'GET /sap_mappings lists the mappings of your organization.';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION app.unmap_sap_object(uuid) IS
  E'Unmap an SAP object\nDeletes a mapping of the caller''s tenant. Needs integration.manage. Errors: PT403 permission.missing, PT404 sap_mapping.not_found.';
