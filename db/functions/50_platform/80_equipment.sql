-- The equipment register (migration platform/equipment): equipment with a
-- human id, site, status and hierarchy; calibration records and the status
-- they give; the uses of equipment that domains record, refused where the
-- equipment may not be used; due-soon and overdue notices.
--
-- Permissions that depend on the equipment's site are checked by the
-- tables' _200_prepare triggers (SECURITY DEFINER, after the tenant guard),
-- with the reason: auth.has_permission(p, site_id) holds for a tenant-wide
-- role or a role at that site; the policies say the same as booleans.

-- Whether a write comes from an API caller (claims, not a platform
-- operator); the owner's own paths (migrations, seeds, jobs) carry none.
CREATE OR REPLACE FUNCTION app_private.is_member_call() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.claims() <> '{}' AND NOT auth.is_platform_operator()
$$;
COMMENT ON FUNCTION app_private.is_member_call() IS
  'True when a tenant member (token claims, not a platform operator) is writing; false for the owner''s paths (migrations, seeds, jobs) and operators.';

-- The statement check of inserts into site-scoped tables: the permission
-- held tenant-wide or at some site (the row's own site is checked by its
-- _200_prepare trigger). Like app_private.tg_require_insert_permission
-- (30_identity/60_rbac.sql), which asks for it tenant-wide.
CREATE OR REPLACE FUNCTION app_private.tg_require_insert_permission_at_a_site() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID), 'USAGE')
     AND NOT auth.is_platform_operator()
     AND pg_catalog.cardinality(auth.permitted_site_ids(TG_ARGV[0])) = 0 THEN
    PERFORM auth.check_permission(TG_ARGV[0]);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_require_insert_permission_at_a_site() IS
  'BEFORE INSERT FOR EACH STATEMENT on a site-scoped table: PT403 permission.missing naming the permission (trigger argument) unless the API caller holds it tenant-wide or at some site.';

-- The equipment an API caller may see (equipment.read tenant-wide or at its
-- site), for the triggers of what hangs off equipment; PT404 otherwise.
CREATE OR REPLACE FUNCTION app_private.visible_equipment(p_organization_id uuid, p_equipment_id uuid) RETURNS app.equipment
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
BEGIN
  SELECT * INTO v_equipment FROM app.equipment AS e WHERE e.organization_id = p_organization_id AND e.id = p_equipment_id;
  IF NOT FOUND OR (app_private.is_member_call() AND NOT auth.has_permission('equipment.read', v_equipment.site_id)) THEN
    RAISE EXCEPTION 'equipment % not found', p_equipment_id USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found',
      HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  RETURN v_equipment;
END
$$;
COMMENT ON FUNCTION app_private.visible_equipment(uuid, uuid) IS
  'The equipment, if the calling member may see it (equipment.read tenant-wide or at its site; the owner''s paths see all); PT404 equipment.not_found otherwise.';

-- The refusal of a permission held neither tenant-wide nor at the site.
CREATE OR REPLACE FUNCTION auth.check_permission_at(p_permission text, p_site_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT auth.is_platform_operator() AND NOT auth.has_permission(p_permission, p_site_id) THEN
    RAISE EXCEPTION 'this needs the % permission%', p_permission, CASE WHEN p_site_id IS NOT NULL THEN ' at this site' ELSE '' END
      USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
            HINT = pg_catalog.format('Ask an administrator of your organization for a role with %s (for the whole organization or this site).', p_permission);
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION auth.check_permission_at(text, uuid) IS
  'true when the caller holds the permission tenant-wide or at the site (platform operators pass), else PT403 permission.missing naming it. For site-scoped rows.';

-- Equipment classes ---------------------------------------------------------

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.equipment_classes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Equipment -------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_equipment__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_class app.equipment_classes;
  v_ancestor uuid;
  v_depth integer;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  -- equipment.manage for the whole tenant or the row's site (the old site too when it moves).
  IF app_private.is_member_call() THEN
    IF TG_OP = 'UPDATE' AND OLD.site_id IS DISTINCT FROM NEW.site_id THEN
      PERFORM auth.check_permission_at('equipment.manage', OLD.site_id);
    END IF;
    PERFORM auth.check_permission_at('equipment.manage', NEW.site_id);
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO v_class FROM app.equipment_classes WHERE organization_id = NEW.organization_id AND id = NEW.class_id;
    IF FOUND AND NOT v_class.is_active THEN
      PERFORM app_private.raise_invalid('equipment_class.inactive', pg_catalog.format('equipment class %s is not active', v_class.code),
        'New equipment needs an active class (GET /equipment_classes?is_active=is.true).');
    END IF;
    NEW.equipment_number := app_private.take_human_id(NEW.organization_id, 'EQ', NEW.equipment_number);
    NEW.created_by := auth.user_id();
  END IF;
  -- No cycles: walk up from the new parent (serialized per tenant, so two
  -- moves at once cannot close a loop together).
  IF NEW.parent_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.parent_id IS DISTINCT FROM OLD.parent_id) THEN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('equipment_tree:' || NEW.organization_id::text, 0));
    v_ancestor := NEW.parent_id;
    v_depth := 0;
    WHILE v_ancestor IS NOT NULL LOOP
      IF v_ancestor = NEW.id OR v_depth > 100 THEN
        PERFORM app_private.raise_invalid('equipment.parent_cycle',
          pg_catalog.format('%s cannot be part of its own part', NEW.equipment_number),
          'Choose a parent that is not the equipment itself or one of its parts (GET /rpc/equipment_tree lists them); at most 100 levels.');
      END IF;
      SELECT e.parent_id INTO v_ancestor FROM app.equipment AS e WHERE e.organization_id = NEW.organization_id AND e.id = v_ancestor;
      v_depth := v_depth + 1;
    END LOOP;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_equipment__prepare() IS
  'BEFORE INSERT/UPDATE: the tenant guard; a member needs equipment.manage tenant-wide or at the equipment''s site (and its old site when it moves: PT403 permission.missing); the next human id (EQ-000123) unless one is sent (PT422 human_id.invalid), the creator, an active class (PT422 equipment_class.inactive); a parent may not be the equipment or one of its parts (PT422 equipment.parent_cycle).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.equipment
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('equipment.manage');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.equipment
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_equipment__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.equipment
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- The parts of a piece of equipment, as the caller sees them: the equipment
-- itself (depth 0) and everything below it, with the path of human ids.
CREATE OR REPLACE FUNCTION app.equipment_tree(equipment_id uuid)
RETURNS TABLE (id uuid, parent_id uuid, depth integer, equipment_number text, name text, status app.equipment_status,
               site_id uuid, path text[])
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH RECURSIVE tree AS (
    SELECT e.id, e.parent_id, 0 AS depth, e.equipment_number, e.name, e.status, e.site_id, ARRAY[e.equipment_number] AS path
      FROM app.equipment AS e
     WHERE e.organization_id = auth.org_id() AND e.id = equipment_tree.equipment_id AND e.deleted_at IS NULL
    UNION ALL
    SELECT c.id, c.parent_id, t.depth + 1, c.equipment_number, c.name, c.status, c.site_id, t.path || c.equipment_number
      FROM tree AS t
      JOIN app.equipment AS c ON c.organization_id = auth.org_id() AND c.parent_id = t.id AND c.deleted_at IS NULL
     WHERE t.depth < 100
  )
  SELECT * FROM tree ORDER BY path;
$$;
COMMENT ON FUNCTION app.equipment_tree(uuid) IS
  E'Equipment tree\nThe equipment and all its parts (depth 0 is the equipment itself), in the caller''s tenant, as the caller may see them (a part at a site the caller is not scoped to is left out with what hangs below it); nothing in the trash; ordered by path.';

SELECT app_private.register_entity_type('equipment', 'app.equipment', 'name', 'Equipment', 'equipment_number');

-- Calibrations ---------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_calibrations__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_interval integer;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('calibration.record', v_equipment.site_id);
  END IF;
  IF NEW.performed_at > pg_catalog.now() + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('calibration.in_future', 'a calibration cannot be performed in the future',
      'Record a calibration once it is done; performed_at is when it was.');
  END IF;
  IF NEW.certificate_key IS NOT NULL THEN
    PERFORM app_private.tenant_object_key(NEW.organization_id, NEW.certificate_key);
  END IF;
  SELECT c.calibration_interval_days INTO v_interval
    FROM app.equipment_classes AS c WHERE c.organization_id = v_equipment.organization_id AND c.id = v_equipment.class_id;
  NEW.valid_from := coalesce(NEW.valid_from, NEW.performed_at);
  IF NEW.result = 'fail' THEN
    NEW.valid_to := NULL;
  ELSIF NEW.valid_to IS NULL THEN
    IF v_interval IS NULL THEN
      PERFORM app_private.raise_invalid('calibration.valid_to_required',
        'the equipment''s class has no calibration interval: send valid_to',
        'Send valid_to, or set calibration_interval_days on the equipment class.');
    END IF;
    NEW.valid_to := NEW.valid_from + pg_catalog.make_interval(days => v_interval);
  END IF;
  IF NEW.valid_to IS NOT NULL AND NEW.valid_to <= NEW.valid_from THEN
    PERFORM app_private.raise_invalid('calibration.validity_order', 'valid_to must be after valid_from',
      'A calibration is valid from valid_from up to (not including) valid_to.');
  END IF;
  NEW.recorded_by := auth.user_id();
  NEW.recorded_at := pg_catalog.now();
  IF NEW.performed_by_user_id IS NULL AND NEW.performed_by_partner_id IS NULL THEN
    NEW.performed_by_user_id := auth.user_id();
  END IF;
  IF NEW.performed_by_user_id IS NOT NULL AND NOT app_private.is_active_member(NEW.organization_id, NEW.performed_by_user_id) THEN
    RAISE EXCEPTION 'the performer is not an active member' USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
      HINT = 'Name a member of your organization in performed_by_user_id, or the external lab in performed_by_partner_id.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_calibrations__prepare() IS
  'BEFORE INSERT: the tenant guard; the equipment is visible to the member (PT404 equipment.not_found), who holds calibration.record tenant-wide or at its site (PT403 permission.missing); not in the future (PT422 calibration.in_future); the certificate key stays inside the tenant''s storage (PT422 object_key.invalid); valid_from defaults to performed_at, valid_to to valid_from plus the class interval (PT422 calibration.valid_to_required without one; calibration.validity_order), none for a failed one; the recorder is the caller, and the performer too unless named (PT404 user.not_member).';

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.calibrations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.calibrations
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('calibration.record');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.calibrations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_calibrations__prepare();

-- The calibration status of equipment at a time, from its latest
-- calibration performed by then: calibrated, due_soon (within its class's
-- due-soon window of valid_to), overdue (past valid_to), failed (the latest
-- failed), not_yet_valid (before valid_from), never_calibrated; not_required
-- for a class without calibration and no record. Runs as the caller.
CREATE OR REPLACE FUNCTION auth.calibration_status(p_organization_id uuid, p_equipment_id uuid, p_at timestamptz)
RETURNS TABLE (requires_calibration boolean, status text, calibration_id uuid, valid_to timestamptz, due_soon_from timestamptz)
LANGUAGE sql STABLE
AS $$
  SELECT c.requires_calibration,
         CASE WHEN k.id IS NULL THEN CASE WHEN c.requires_calibration THEN 'never_calibrated' ELSE 'not_required' END
              WHEN k.result = 'fail' THEN 'failed'
              WHEN p_at < k.valid_from THEN 'not_yet_valid'
              WHEN p_at >= k.valid_to THEN 'overdue'
              WHEN p_at >= k.valid_to - pg_catalog.make_interval(days => c.due_soon_days) THEN 'due_soon'
              ELSE 'calibrated' END,
         k.id, k.valid_to, k.valid_to - pg_catalog.make_interval(days => c.due_soon_days)
    FROM app.equipment AS e
    JOIN app.equipment_classes AS c ON c.organization_id = e.organization_id AND c.id = e.class_id
    LEFT JOIN LATERAL (
      SELECT k.id, k.result, k.valid_from, k.valid_to FROM app.calibrations AS k
       WHERE k.organization_id = e.organization_id AND k.equipment_id = e.id AND k.performed_at <= p_at
       ORDER BY k.performed_at DESC, k.recorded_at DESC LIMIT 1) AS k ON true
   WHERE e.organization_id = p_organization_id AND e.id = p_equipment_id
$$;
COMMENT ON FUNCTION auth.calibration_status(uuid, uuid, timestamptz) IS
  'The calibration status of equipment at a time (as the caller sees it): calibrated, due_soon, overdue, failed, not_yet_valid, never_calibrated or not_required, from the latest calibration performed by then.';

CREATE OR REPLACE VIEW app.equipment_calibration_status WITH (security_invoker) AS
SELECT e.organization_id, e.id AS equipment_id, e.equipment_number, e.name, e.site_id, e.status AS equipment_status,
       s.requires_calibration, s.status AS calibration_status, s.calibration_id, s.valid_to, s.due_soon_from,
       (e.status = 'in_service' AND (NOT s.requires_calibration OR s.status IN ('calibrated', 'due_soon'))) AS is_usable
  FROM app.equipment AS e
  CROSS JOIN LATERAL auth.calibration_status(e.organization_id, e.id, pg_catalog.now()) AS s;
COMMENT ON VIEW app.equipment_calibration_status IS
  E'Calibration status\nEvery piece of equipment the caller may see with its calibration status now (calibrated, due_soon, overdue, failed, not_yet_valid, never_calibrated, not_required) and whether it may be used.';
COMMENT ON COLUMN app.equipment_calibration_status.organization_id IS 'Tenant';
COMMENT ON COLUMN app.equipment_calibration_status.equipment_id IS E'Equipment';
COMMENT ON COLUMN app.equipment_calibration_status.equipment_number IS E'Equipment number';
COMMENT ON COLUMN app.equipment_calibration_status.name IS E'Name';
COMMENT ON COLUMN app.equipment_calibration_status.site_id IS E'Site';
COMMENT ON COLUMN app.equipment_calibration_status.equipment_status IS E'Equipment status';
COMMENT ON COLUMN app.equipment_calibration_status.requires_calibration IS E'Requires calibration\nFrom its class.';
COMMENT ON COLUMN app.equipment_calibration_status.calibration_status IS E'Calibration status\ncalibrated, due_soon, overdue, failed, not_yet_valid, never_calibrated or not_required.';
COMMENT ON COLUMN app.equipment_calibration_status.calibration_id IS E'Latest calibration';
COMMENT ON COLUMN app.equipment_calibration_status.valid_to IS E'Valid to\nEnd of the latest calibration''s validity.';
COMMENT ON COLUMN app.equipment_calibration_status.due_soon_from IS E'Due soon from\nWhen it becomes due soon.';
COMMENT ON COLUMN app.equipment_calibration_status.is_usable IS E'Usable\nIn service and, where required, calibrated now.';

-- The rule of use: only equipment in service, and, where its class requires
-- calibration, calibrated at that time.
CREATE OR REPLACE FUNCTION app_private.require_equipment_usable(p_organization_id uuid, p_equipment_id uuid, p_at timestamptz)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_state record;
BEGIN
  SELECT * INTO v_equipment FROM app.equipment WHERE organization_id = p_organization_id AND id = p_equipment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'equipment % not found', p_equipment_id USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found',
      HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  IF v_equipment.status <> 'in_service' THEN
    RAISE EXCEPTION '% is %', v_equipment.equipment_number, v_equipment.status USING ERRCODE = 'PT409',
      DETAIL = 'equipment.not_in_service', HINT = 'Only equipment in service may be used; put it back in service first.';
  END IF;
  SELECT * INTO v_state FROM auth.calibration_status(p_organization_id, p_equipment_id, p_at);
  IF NOT v_state.requires_calibration OR v_state.status IN ('calibrated', 'due_soon') THEN
    RETURN;
  END IF;
  IF v_state.status = 'failed' THEN
    RAISE EXCEPTION '% failed its latest calibration before %', v_equipment.equipment_number, p_at USING ERRCODE = 'PT409',
      DETAIL = 'equipment.calibration_failed', HINT = 'Have it adjusted and calibrated again (a passing calibration record) before use.';
  ELSIF v_state.status = 'overdue' THEN
    RAISE EXCEPTION 'the calibration of % expired at %', v_equipment.equipment_number, v_state.valid_to USING ERRCODE = 'PT409',
      DETAIL = 'equipment.calibration_overdue', HINT = 'Calibrate it (a new calibration record) before use.';
  ELSE
    RAISE EXCEPTION '% was not calibrated at %', v_equipment.equipment_number, p_at USING ERRCODE = 'PT409',
      DETAIL = 'equipment.not_calibrated', HINT = 'Its class requires a valid calibration at the time of use; record one first.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_equipment_usable(uuid, uuid, timestamptz) IS
  'Refuses use of equipment at a time: PT404 equipment.not_found; PT409 equipment.not_in_service, and, where its class requires calibration, equipment.calibration_failed, equipment.calibration_overdue or equipment.not_calibrated (never, or not yet valid). Domains call it before they record a result taken with equipment (app.equipment_uses does).';

-- Equipment uses -------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_equipment_uses__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  PERFORM app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
  IF app_private.is_member_call() THEN
    NEW.used_by := auth.user_id();
  END IF;
  NEW.used_at := coalesce(NEW.used_at, pg_catalog.now());
  NEW.recorded_at := pg_catalog.now();
  IF NEW.used_at > NEW.recorded_at + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('equipment_use.in_future', 'a use cannot be recorded in the future',
      'used_at is when the equipment was used; leave it out for now.');
  END IF;
  PERFORM app_private.require_equipment_usable(NEW.organization_id, NEW.equipment_id, NEW.used_at);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_equipment_uses__prepare() IS
  'BEFORE INSERT: the tenant guard; the equipment is visible to the member (PT404 equipment.not_found; the policy checks the entity as the caller, PT404 entity.not_found), who is the user; used_at defaults to now and is not in the future (PT422 equipment_use.in_future); the equipment must be usable then (app_private.require_equipment_usable).';

-- A use is never changed; it leaves with the record it is about (the entity's cascade).
CREATE OR REPLACE TRIGGER _100_immutable BEFORE UPDATE ON app.equipment_uses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.equipment_uses
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('equipment.read');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.equipment_uses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_equipment_uses__prepare();

-- What was recorded with the equipment since its last good (pass or
-- adjusted) calibration, every use when it never had one: after a failed
-- calibration, the records to re-examine. As the caller sees them.
CREATE OR REPLACE FUNCTION app.equipment_uses_since_last_good_calibration(equipment_id uuid)
RETURNS TABLE (use_id uuid, entity_type text, entity_id uuid, entity_title text, used_at timestamptz, used_by uuid,
               last_good_calibration_id uuid, last_good_calibration_at timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_good record;
BEGIN
  IF NOT EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = v_org AND e.id = equipment_uses_since_last_good_calibration.equipment_id) THEN
    RAISE EXCEPTION 'equipment % not found', equipment_uses_since_last_good_calibration.equipment_id USING ERRCODE = 'PT404',
      DETAIL = 'equipment.not_found', HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  SELECT k.id, k.performed_at INTO v_good FROM app.calibrations AS k
   WHERE k.organization_id = v_org AND k.equipment_id = equipment_uses_since_last_good_calibration.equipment_id
     AND k.result IN ('pass', 'adjusted')
   ORDER BY k.performed_at DESC, k.recorded_at DESC LIMIT 1;
  RETURN QUERY
    SELECT u.id, u.entity_type, u.entity_id, auth.entity_title(u.entity_type, u.entity_id), u.used_at, u.used_by, v_good.id, v_good.performed_at
      FROM app.equipment_uses AS u
     WHERE u.organization_id = v_org AND u.equipment_id = equipment_uses_since_last_good_calibration.equipment_id
       AND (v_good.performed_at IS NULL OR u.used_at >= v_good.performed_at)
     ORDER BY u.used_at, u.id;
END
$$;
COMMENT ON FUNCTION app.equipment_uses_since_last_good_calibration(uuid) IS
  E'Uses since the last good calibration\nWhat was recorded with the equipment (any entity type, named by auth.entity_title) since its latest passing or adjusted calibration (every use when there is none): after a failed calibration, the records to re-examine. As the caller sees them; PT404 equipment.not_found.';

-- Due-soon and overdue notices ------------------------------------------------

-- Once per crossing: a notice row per equipment, kind and validity end. The
-- holders of calibration.record (tenant-wide or at the equipment's site) are
-- told; a new calibration (a new valid_to) starts a new round.
CREATE OR REPLACE FUNCTION app_private.notify_calibrations_due(p_as_of timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_due record;
  v_count integer := 0;
BEGIN
  FOR v_due IN
    SELECT e.organization_id, e.id, e.equipment_number, e.name, e.site_id, s.status, s.valid_to
      FROM app.equipment AS e
      JOIN app.equipment_classes AS c ON c.organization_id = e.organization_id AND c.id = e.class_id AND c.requires_calibration
      CROSS JOIN LATERAL auth.calibration_status(e.organization_id, e.id, p_as_of) AS s
     WHERE e.status = 'in_service' AND s.status IN ('due_soon', 'overdue')
  LOOP
    INSERT INTO app_private.calibration_notices (organization_id, equipment_id, kind, valid_to, notified_at)
    VALUES (v_due.organization_id, v_due.id, v_due.status, v_due.valid_to, p_as_of)
    ON CONFLICT DO NOTHING;
    CONTINUE WHEN NOT FOUND;
    v_count := v_count + 1;
    INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, entity_type, entity_id)
    SELECT DISTINCT v_due.organization_id, m.user_id, 'system'::app.notification_type,
           pg_catalog.left(pg_catalog.format('%s calibration %s', v_due.equipment_number,
                                             CASE v_due.status WHEN 'overdue' THEN 'overdue' ELSE 'due soon' END), 200),
           pg_catalog.format('The calibration of %s "%s" %s on %s.', v_due.equipment_number, v_due.name,
                             CASE v_due.status WHEN 'overdue' THEN 'expired' ELSE 'expires' END,
                             pg_catalog.to_char(v_due.valid_to AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
           CASE v_due.status WHEN 'overdue' THEN 'high' ELSE 'normal' END::app.priority_level,
           'equipment', v_due.id
      FROM app.memberships AS m
      JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
      JOIN app.role_assignments AS ra ON ra.organization_id = m.organization_id AND ra.membership_id = m.id
      JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
     WHERE m.organization_id = v_due.organization_id AND m.status = 'active' AND m.partner_id IS NULL
       AND rp.permission = 'calibration.record'
       AND (ra.site_id IS NULL OR ra.site_id = v_due.site_id);
  END LOOP;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.notify_calibrations_due(timestamptz) IS
  'Job notify-calibrations-due: tells the holders of calibration.record (tenant-wide or at the equipment''s site) when equipment in service whose class requires calibration becomes due soon or overdue, once per crossing (app_private.calibration_notices); returns how many crossings were announced.';
