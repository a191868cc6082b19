-- Work requests (migration maintenance/work_orders): anyone reports a
-- problem on an asset through its QR token (app.submit_work_request, granted
-- to anon; the only thing the token reveals is the asset's name,
-- app.work_request_asset), members report one on an asset they can see
-- (app.request_work). A planner (work_request.manage at the asset's
-- site) approves, rejects with a reason (a member requester is notified; an
-- anonymous requester's contact is kept for the planner) or converts the
-- request into a corrective work order (linked both ways).
-- The anonymous RPCs are rate-limited per token and per client address
-- (app_private.work_request_attempts): 5 submissions per token from one
-- client, 20 per client and 50 per token within an hour, then PT429
-- work_request.rate_limited.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.work_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('work_request', 'app.work_requests', 'title', 'Work request', 'request_number');

CREATE OR REPLACE FUNCTION app_private.work_request_token_hash(p_token text) RETURNS bytea
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT public.digest(coalesce(p_token, ''), 'sha256')
$$;
COMMENT ON FUNCTION app_private.work_request_token_hash(text) IS 'The SHA-256 of a work request QR token, as stored.';

-- The asset a token names (no caller check: the token is the credential).
CREATE OR REPLACE FUNCTION app_private.work_request_token_asset(p_token text) RETURNS app.equipment
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
BEGIN
  SELECT e.* INTO v_equipment
    FROM app_private.work_request_tokens AS t
    JOIN app.equipment AS e ON e.organization_id = t.organization_id AND e.id = t.equipment_id
    JOIN app.organizations AS o ON o.id = t.organization_id AND o.deleted_at IS NULL
   WHERE t.token_hash = app_private.work_request_token_hash(p_token);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown or revoked QR code' USING ERRCODE = 'PT404', DETAIL = 'work_request.token_unknown',
      HINT = 'The QR code was revoked or mistyped; tell the maintenance team another way.';
  END IF;
  RETURN v_equipment;
END
$$;
COMMENT ON FUNCTION app_private.work_request_token_asset(text) IS
  'The asset (equipment row) whose current QR token this is; PT404 work_request.token_unknown for a revoked, unknown or empty token, or a deleted tenant.';

CREATE OR REPLACE FUNCTION app.issue_work_request_token(equipment_id uuid) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_equipment app.equipment;
  v_token text := pg_catalog.translate(pg_catalog.encode(public.gen_random_bytes(32), 'base64'), '+/=', '-_');
BEGIN
  SELECT e.* INTO v_equipment FROM app.equipment AS e WHERE e.organization_id = v_org AND e.id = issue_work_request_token.equipment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'equipment not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'GET /equipment lists the assets.';
  END IF;
  PERFORM auth.check_permission_at('work_request.manage', v_equipment.site_id);
  INSERT INTO app_private.work_request_tokens AS t (organization_id, equipment_id, token_hash, created_by)
  VALUES (v_org, v_equipment.id, app_private.work_request_token_hash(v_token), auth.user_id())
  ON CONFLICT ON CONSTRAINT work_request_tokens_pkey DO UPDATE
    SET token_hash = EXCLUDED.token_hash, created_by = EXCLUDED.created_by, created_at = pg_catalog.now();
  RETURN v_token;
END
$$;
COMMENT ON FUNCTION app.issue_work_request_token(uuid) IS
  E'Issue a QR token for an asset\nReturns a new random token (256 bits, URL-safe) for the asset''s QR code, shown once (only its SHA-256 is stored); the asset''s previous token stops working. Needs work_request.manage tenant-wide or at the asset''s site.\nErrors: PT404 equipment.not_found, PT403 permission.missing.';

CREATE OR REPLACE FUNCTION app.revoke_work_request_token(equipment_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_site uuid;
BEGIN
  SELECT e.site_id INTO v_site FROM app.equipment AS e WHERE e.organization_id = v_org AND e.id = revoke_work_request_token.equipment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'equipment not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'GET /equipment lists the assets.';
  END IF;
  PERFORM auth.check_permission_at('work_request.manage', v_site);
  DELETE FROM app_private.work_request_tokens AS t WHERE t.organization_id = v_org AND t.equipment_id = revoke_work_request_token.equipment_id;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION app.revoke_work_request_token(uuid) IS
  E'Revoke an asset''s QR token\nThe asset''s QR code stops working (true when it had one). Needs work_request.manage tenant-wide or at the asset''s site.\nErrors: PT404 equipment.not_found, PT403 permission.missing.';

-- Counts an anonymous attempt, refusing it past the limits. One client
-- cannot use up a QR code for everyone: it gets 5 per code, and a code 50
-- from all clients together. Without a client address (no proxy sets
-- X-Forwarded-For) every caller would share one bucket, so only the code's
-- own 5 apply then.
CREATE OR REPLACE FUNCTION app_private.count_work_request_attempt(p_token_hash bytea) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_client text := app_private.sign_in_client();
  v_known boolean := v_client <> 'unknown';
  v_recent constant interval := interval '1 hour';
BEGIN
  DELETE FROM app_private.work_request_attempts AS a WHERE a.attempted_at < pg_catalog.now() - interval '1 day';
  IF (SELECT count(*) FILTER (WHERE a.client = v_client) >= 5 OR count(*) >= CASE WHEN v_known THEN 50 ELSE 5 END
        FROM app_private.work_request_attempts AS a
       WHERE a.token_hash = p_token_hash AND a.attempted_at > pg_catalog.now() - v_recent)
     OR v_known AND (SELECT count(*) FROM app_private.work_request_attempts AS a
                      WHERE a.client = v_client AND a.attempted_at > pg_catalog.now() - v_recent) >= 20 THEN
    RAISE EXCEPTION 'too many work requests' USING ERRCODE = 'PT429', DETAIL = 'work_request.rate_limited',
      HINT = 'At most 5 requests per QR code from one client, 20 per client and 50 per QR code within an hour; try again later.';
  END IF;
  INSERT INTO app_private.work_request_attempts (token_hash, client) VALUES (p_token_hash, v_client);
END
$$;
COMMENT ON FUNCTION app_private.count_work_request_attempt(bytea) IS
  'Records a work request submission for the token and the client address; PT429 work_request.rate_limited once, within the last hour, the client has 5 on the token or 20 in all, or the token 50 from all clients (5 when the client address is unknown, as every such caller counts as one). Rows older than a day are deleted.';

CREATE OR REPLACE FUNCTION app.work_request_asset(token text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  RETURN (app_private.work_request_token_asset(work_request_asset.token)).name;
END
$$;
COMMENT ON FUNCTION app.work_request_asset(text) IS
  E'Asset of a QR code\nThe name of the asset whose QR token this is, for anyone (nothing else about the asset or tenant).\nErrors: PT404 work_request.token_unknown.';

CREATE OR REPLACE FUNCTION app.submit_work_request(token text, title text, description text DEFAULT '', contact text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_number text;
  v_member uuid;
BEGIN
  PERFORM app_private.count_work_request_attempt(app_private.work_request_token_hash(submit_work_request.token));
  v_equipment := app_private.work_request_token_asset(submit_work_request.token);
  IF nullif(pg_catalog.btrim(submit_work_request.title), '') IS NULL OR pg_catalog.length(submit_work_request.title) > 200 THEN
    PERFORM app_private.raise_invalid('work_request.title_invalid', 'a title of 1 to 200 characters is required', 'Say in a few words what is wrong.');
  END IF;
  IF pg_catalog.length(submit_work_request.description) > 4000 OR pg_catalog.length(submit_work_request.contact) > 200 THEN
    PERFORM app_private.raise_invalid('work_request.too_long', 'the description (4000) or contact (200) is too long', 'Shorten it.');
  END IF;
  -- A signed-in member of the asset's tenant is recorded as the requester.
  IF auth.user_id() IS NOT NULL AND app_private.is_active_staff(v_equipment.organization_id, auth.user_id()) THEN
    v_member := auth.user_id();
  END IF;
  v_number := app_private.take_human_id(v_equipment.organization_id, 'WR', NULL);
  INSERT INTO app.work_requests (organization_id, request_number, equipment_id, site_id, title, description, contact, requested_by, via_qr)
  VALUES (v_equipment.organization_id, v_number, v_equipment.id, v_equipment.site_id, pg_catalog.btrim(submit_work_request.title),
          coalesce(submit_work_request.description, ''), nullif(pg_catalog.btrim(submit_work_request.contact), ''), v_member, true);
  RETURN v_number;
END
$$;
COMMENT ON FUNCTION app.submit_work_request(text, text, text, text) IS
  E'Report a problem with a QR code\nAnyone (no account needed) reports a problem on the asset whose QR token this is: title, description, and optionally how to reach them. Returns only the request number (WR-000123). Rate-limited within an hour: 5 per QR code from one client address, 20 per client, 50 per QR code (5 when the server sees no client address).\nErrors: PT404 work_request.token_unknown, PT422 work_request.title_invalid / work_request.too_long, PT429 work_request.rate_limited.';

CREATE OR REPLACE FUNCTION app.request_work(equipment_id uuid, title text, description text DEFAULT '') RETURNS app.work_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_equipment app.equipment;
  v_request app.work_requests;
BEGIN
  IF auth.user_id() IS NULL OR NOT app_private.is_active_staff(v_org, auth.user_id()) OR auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'only the tenant''s staff report work here' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Use the asset''s QR code (app.submit_work_request).';
  END IF;
  -- Only on equipment the caller may see: a plant-scoped member reports at their plants.
  v_equipment := app_private.visible_equipment(v_org, request_work.equipment_id);
  IF nullif(pg_catalog.btrim(request_work.title), '') IS NULL OR pg_catalog.length(request_work.title) > 200 THEN
    PERFORM app_private.raise_invalid('work_request.title_invalid', 'a title of 1 to 200 characters is required', 'Say in a few words what is wrong.');
  END IF;
  INSERT INTO app.work_requests AS r (organization_id, request_number, equipment_id, site_id, title, description, requested_by)
  VALUES (v_org, app_private.take_human_id(v_org, 'WR', NULL), v_equipment.id, v_equipment.site_id, pg_catalog.btrim(request_work.title),
          coalesce(request_work.description, ''), auth.user_id())
  RETURNING r.* INTO v_request;
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app.request_work(uuid, text, text) IS
  E'Report a problem as a member\nA staff member of the tenant reports a problem on an asset they may see (equipment.read tenant-wide or at its plant; app_private.visible_equipment) (WR-000123); they are told when it is rejected.\nErrors: PT403 permission.missing (portal users, non-members), PT404 equipment.not_found, PT422 work_request.title_invalid.';

-- The caller's request, locked, for a planner.
CREATE OR REPLACE FUNCTION app_private.lock_work_request(p_request_id uuid) RETURNS app.work_requests
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_request app.work_requests;
BEGIN
  SELECT * INTO v_request FROM app.work_requests AS r WHERE r.organization_id = auth.org_id() AND r.id = p_request_id FOR UPDATE;
  IF NOT FOUND OR NOT (auth.has_permission('work_request.manage', v_request.site_id) OR v_request.requested_by = auth.user_id()) THEN
    RAISE EXCEPTION 'work request not found' USING ERRCODE = 'PT404', DETAIL = 'work_request.not_found', HINT = 'GET /work_requests lists the requests you may see.';
  END IF;
  PERFORM auth.check_permission_at('work_request.manage', v_request.site_id);
  IF v_request.status NOT IN ('new', 'approved') THEN
    RAISE EXCEPTION 'the work request is already %', v_request.status USING ERRCODE = 'PT409', DETAIL = 'work_request.decided',
      HINT = 'Only new or approved requests are decided or converted.';
  END IF;
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app_private.lock_work_request(uuid) IS
  'The work request, locked, for a planner: PT404 work_request.not_found unless the caller may see it, PT403 without work_request.manage at its site, PT409 work_request.decided once rejected or converted.';

CREATE OR REPLACE FUNCTION app.decide_work_request(work_request_id uuid, approve boolean, reason text DEFAULT NULL) RETURNS app.work_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_request app.work_requests := app_private.lock_work_request(decide_work_request.work_request_id);
BEGIN
  IF approve IS NULL THEN
    PERFORM app_private.raise_invalid('work_request.decision_missing', 'approve must be true or false', 'Send approve.');
  END IF;
  IF NOT approve AND nullif(pg_catalog.btrim(reason), '') IS NULL THEN
    PERFORM app_private.raise_invalid('work_request.reason_required', 'a rejection needs a reason', 'Tell the requester why.');
  END IF;
  IF approve AND v_request.status = 'approved' THEN
    RETURN v_request;
  END IF;
  UPDATE app.work_requests AS r
     SET status = CASE WHEN approve THEN 'approved' ELSE 'rejected' END, decision_reason = nullif(pg_catalog.btrim(reason), ''),
         decided_by = auth.user_id(), decided_at = pg_catalog.now()
   WHERE r.organization_id = v_request.organization_id AND r.id = v_request.id
  RETURNING r.* INTO v_request;
  IF NOT approve AND v_request.requested_by IS NOT NULL THEN
    INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, entity_type, entity_id)
    VALUES (v_request.organization_id, v_request.requested_by, 'system', 'Work request ' || v_request.request_number || ' rejected',
            v_request.decision_reason, 'normal', 'work_request', v_request.id);
  END IF;
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app.decide_work_request(uuid, boolean, text) IS
  E'Approve or reject a work request\nA planner (work_request.manage at the asset''s site) approves a new request or rejects a new or approved one with a reason; a member who asked is notified of a rejection (an anonymous requester''s contact stays on the request for the planner).\nErrors: PT404 work_request.not_found, PT403 permission.missing, PT409 work_request.decided, PT422 work_request.reason_required.';

CREATE OR REPLACE FUNCTION app.convert_work_request(work_request_id uuid, work_type app.work_order_type DEFAULT 'corrective',
                                                    priority integer DEFAULT 3, template_id uuid DEFAULT NULL, is_breakdown boolean DEFAULT false)
RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_request app.work_requests := app_private.lock_work_request(convert_work_request.work_request_id);
  v_order app.work_orders;
BEGIN
  IF convert_work_request.work_type NOT IN ('corrective', 'inspection') THEN
    PERFORM app_private.raise_invalid('work_order.type_skips_request', format('%s work does not come from a request', convert_work_request.work_type),
      'Create preventive and emergency work orders directly (app.create_work_order).');
  END IF;
  v_order := app_private.insert_work_order(v_request.organization_id, convert_work_request.work_type, v_request.title, v_request.description,
                                           v_request.equipment_id, convert_work_request.priority, convert_work_request.template_id,
                                           v_request.id, convert_work_request.is_breakdown, NULL);
  UPDATE app.work_requests AS r
     SET status = 'converted', decided_by = auth.user_id(), decided_at = pg_catalog.now()
   WHERE r.organization_id = v_request.organization_id AND r.id = v_request.id;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app.convert_work_request(uuid, app.work_order_type, integer, uuid, boolean) IS
  E'Convert a work request into a work order\nA planner (work_request.manage and work_order.manage at the asset''s site) turns a new or approved request into a corrective (or inspection) work order on its asset, optionally from a template; the request and the work order name each other.\nErrors: PT404 work_request.not_found, PT403 permission.missing, PT409 work_request.decided, PT422 work_order.type_skips_request.';
