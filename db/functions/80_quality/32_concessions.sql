-- Concessions / deviation permits (migration quality/ncr): a customer's
-- permission to deliver a part that deviates, up to a quantity, for a time,
-- optionally narrowed to revisions, lots or serials. Requested, then granted
-- or rejected as the customer decided, revoked when the customer withdraws
-- it. Expiry is computed, not stored (app.concessions_current_status): a
-- concession past valid_until is expired the moment it passes, with no
-- nightly job to wait for and nothing to get out of step; every use checks
-- the time itself (app_private.require_usable_concession). API roles only
-- read these tables.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.concessions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('concession', 'app.concessions', 'description', 'Concession', 'concession_number');

CREATE OR REPLACE FUNCTION app.concessions_current_status(concession app.concessions) RETURNS app.concession_status
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN concession.status = 'granted' AND pg_catalog.now() >= concession.valid_until THEN 'expired'::app.concession_status
              ELSE concession.status END;
$$;
COMMENT ON FUNCTION app.concessions_current_status(app.concessions) IS
  E'Current status\nThe status now: a granted concession past valid_until is expired (computed, so it is never late).';

CREATE OR REPLACE FUNCTION app.concessions_used_quantity(concession app.concessions) RETURNS numeric
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(sum(d.quantity), 0) FROM app.ncr_dispositions AS d
   WHERE d.organization_id = concession.organization_id AND d.concession_id = concession.id;
$$;
COMMENT ON FUNCTION app.concessions_used_quantity(app.concessions) IS
  E'Used quantity\nHow much has been dispositioned under the concession (of the dispositions the caller may see); it is exhausted when this reaches quantity_limit.';

CREATE OR REPLACE FUNCTION app_private.lock_concession(p_concession_id uuid) RETURNS app.concessions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_concession app.concessions;
BEGIN
  PERFORM app_private.require_permission('concession.manage');
  SELECT * INTO v_concession FROM app.concessions AS c WHERE c.organization_id = auth.org_id() AND c.id = p_concession_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'concession not found' USING ERRCODE = 'PT404', DETAIL = 'concession.not_found', HINT = 'GET /concessions lists the concessions.';
  END IF;
  RETURN v_concession;
END
$$;
COMMENT ON FUNCTION app_private.lock_concession(uuid) IS
  'The caller''s concession, locked, after PT403 permission.missing without concession.manage; PT404 concession.not_found.';

CREATE OR REPLACE FUNCTION app.request_concession(
  customer_id uuid, part_id uuid, description text, quantity_limit numeric, valid_from timestamptz, valid_until timestamptz,
  customer_reference text DEFAULT NULL, part_revision_ids uuid[] DEFAULT '{}', lot_ids uuid[] DEFAULT '{}', serial_ids uuid[] DEFAULT '{}'
) RETURNS app.concessions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_part app.parts;
  v_row app.concessions;
BEGIN
  PERFORM app_private.require_permission('concession.manage');
  SELECT * INTO v_part FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = request_concession.part_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'part not found' USING ERRCODE = 'PT404', DETAIL = 'part.not_found', HINT = 'GET /parts lists your organization''s parts.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = v_org AND p.id = request_concession.customer_id) THEN
    RAISE EXCEPTION 'partner not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found', HINT = 'Send customer_id: one of GET /partners.';
  END IF;
  IF v_part.customer_id IS NOT NULL AND v_part.customer_id <> request_concession.customer_id THEN
    PERFORM app_private.raise_invalid('concession.customer_mismatch', pg_catalog.format('part %s is made for another customer', v_part.part_number),
      'A concession is granted by the part''s customer (parts.customer_id).');
  END IF;
  IF quantity_limit IS NULL OR quantity_limit <= 0 THEN
    PERFORM app_private.raise_invalid('concession.quantity_invalid', 'a concession''s quantity limit must be positive',
      pg_catalog.format('Send quantity_limit in %s.', v_part.unit));
  END IF;
  IF valid_from IS NULL OR valid_until IS NULL OR valid_until <= valid_from THEN
    PERFORM app_private.raise_invalid('concession.validity_invalid', 'a concession is valid from a time until a later one',
      'Send valid_from and valid_until (after valid_from).');
  END IF;
  IF pg_catalog.length(pg_catalog.btrim(coalesce(description, ''))) NOT BETWEEN 1 AND 4000 THEN
    PERFORM app_private.raise_invalid('concession.invalid', 'a concession describes the deviation', 'Send description (up to 4000 characters).');
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.unnest(coalesce(part_revision_ids, '{}')) AS u (id)
              WHERE NOT EXISTS (SELECT FROM app.part_revisions AS r WHERE r.organization_id = v_org AND r.id = u.id AND r.part_id = v_part.id))
     OR EXISTS (SELECT FROM pg_catalog.unnest(coalesce(lot_ids, '{}')) AS u (id)
                 WHERE NOT EXISTS (SELECT FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = u.id AND l.part_id = v_part.id))
     OR EXISTS (SELECT FROM pg_catalog.unnest(coalesce(serial_ids, '{}')) AS u (id)
                 WHERE NOT EXISTS (SELECT FROM app.serials AS s WHERE s.organization_id = v_org AND s.id = u.id AND s.part_id = v_part.id)) THEN
    PERFORM app_private.raise_invalid('concession.scope_invalid', 'a concession''s scope names revisions, lots and serials of its part',
      'Send part_revision_ids, lot_ids and serial_ids of the part, or none for the whole part.');
  END IF;
  INSERT INTO app.concessions AS c (organization_id, id, concession_number, customer_id, part_id, description, quantity_limit, unit,
                                    valid_from, valid_until, customer_reference, requested_by)
  VALUES (v_org, public.uuid_generate_v7(), app_private.take_yearly_human_id(v_org, 'CON'), request_concession.customer_id, v_part.id,
          pg_catalog.btrim(description), quantity_limit, v_part.unit, valid_from, valid_until,
          nullif(pg_catalog.btrim(customer_reference), ''), auth.user_id())
  RETURNING c.* INTO v_row;
  INSERT INTO app.concession_scope (organization_id, id, concession_id, part_revision_id, lot_id, serial_id)
  SELECT v_org, public.uuid_generate_v7(), v_row.id, s.revision_id, s.lot_id, s.serial_id
    FROM (SELECT DISTINCT u AS revision_id, NULL::uuid AS lot_id, NULL::uuid AS serial_id FROM pg_catalog.unnest(coalesce(part_revision_ids, '{}')) AS u
          UNION ALL SELECT DISTINCT NULL::uuid, u, NULL::uuid FROM pg_catalog.unnest(coalesce(lot_ids, '{}')) AS u
          UNION ALL SELECT DISTINCT NULL::uuid, NULL::uuid, u FROM pg_catalog.unnest(coalesce(serial_ids, '{}')) AS u) AS s;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.request_concession(uuid, uuid, text, numeric, timestamptz, timestamptz, text, uuid[], uuid[], uuid[]) IS
  E'Request a concession\nRecords a deviation permit asked of the customer (CON-<year>-<counter>): the part (its customer''s, when it has one), the quantity limit in the part''s unit, valid from..until, optionally narrowed to revisions, lots and serials of the part. Needs concession.manage. PT404 part.not_found, partner.not_found; PT403 permission.missing; PT422 concession.customer_mismatch, concession.quantity_invalid, concession.validity_invalid, concession.invalid, concession.scope_invalid.';

CREATE OR REPLACE FUNCTION app.decide_concession(concession_id uuid, granted boolean, customer_reference text DEFAULT NULL, note text DEFAULT NULL)
RETURNS app.concessions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.concessions := app_private.lock_concession(decide_concession.concession_id);
  v_reference text := coalesce(nullif(pg_catalog.btrim(customer_reference), ''), v_row.customer_reference);
BEGIN
  IF v_row.status <> 'requested' THEN
    RAISE EXCEPTION 'concession % is already %', v_row.concession_number, v_row.status USING ERRCODE = 'PT409', DETAIL = 'concession.decided',
      HINT = 'A decided concession is revoked (app.revoke_concession) or a new one requested.';
  END IF;
  IF granted IS NULL OR (granted AND v_reference IS NULL) THEN
    PERFORM app_private.raise_invalid('concession.reference_required', 'a granted concession carries the customer''s reference',
      'Send granted (true or false) and, to grant, customer_reference: the customer''s permit number.');
  END IF;
  UPDATE app.concessions AS c
     SET status = CASE WHEN granted THEN 'granted' ELSE 'rejected' END::app.concession_status, customer_reference = v_reference,
         decided_by = auth.user_id(), decided_at = pg_catalog.now(), decision_note = nullif(pg_catalog.btrim(note), '')
   WHERE c.organization_id = v_row.organization_id AND c.id = v_row.id
  RETURNING c.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.decide_concession(uuid, boolean, text, text) IS
  E'Record the customer''s decision on a concession\ngranted (with the customer''s reference) or rejected, once. Needs concession.manage. PT404 concession.not_found; PT403 permission.missing; PT409 concession.decided; PT422 concession.reference_required.';

CREATE OR REPLACE FUNCTION app.revoke_concession(concession_id uuid, reason text) RETURNS app.concessions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.concessions := app_private.lock_concession(revoke_concession.concession_id);
BEGIN
  IF v_row.status <> 'granted' THEN
    RAISE EXCEPTION 'concession % is %', v_row.concession_number, v_row.status USING ERRCODE = 'PT409', DETAIL = 'concession.not_granted',
      HINT = 'Only a granted concession is revoked.';
  END IF;
  IF pg_catalog.length(pg_catalog.btrim(coalesce(reason, ''))) NOT BETWEEN 1 AND 2000 THEN
    PERFORM app_private.raise_invalid('concession.reason_required', 'revoking a concession needs a reason', 'Send reason (up to 2000 characters).');
  END IF;
  UPDATE app.concessions AS c SET status = 'revoked', decided_by = auth.user_id(), decided_at = pg_catalog.now(),
                                  decision_note = pg_catalog.btrim(reason)
   WHERE c.organization_id = v_row.organization_id AND c.id = v_row.id
  RETURNING c.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.revoke_concession(uuid, text) IS
  E'Revoke a concession\nThe customer withdrew it: no further disposition may use it (those made stay, with it recorded). Needs concession.manage. PT404 concession.not_found; PT403 permission.missing; PT409 concession.not_granted; PT422 concession.reason_required.';
