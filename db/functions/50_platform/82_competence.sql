-- The competence register (migration platform/competence): qualifications
-- and skills as tenant data, who holds which from when to when (revoked,
-- never deleted), training on versions of controlled documents (SOPs), what
-- each role must be trained on, and the state-machine guard "requires
-- qualification X".

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.qualifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- People's qualifications ------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_person_qualifications__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_qualification app.qualifications;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.user_id = auth.user_id()
     AND (TG_OP = 'INSERT' OR NEW.valid_to IS DISTINCT FROM OLD.valid_to OR NEW.valid_from IS DISTINCT FROM OLD.valid_from
          OR NEW.level IS DISTINCT FROM OLD.level) THEN
    RAISE EXCEPTION 'nobody grants or extends their own qualification' USING ERRCODE = 'PT403', DETAIL = 'qualification.self_grant',
      HINT = 'Another member with competence.manage records your qualification.';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NOT app_private.is_active_staff(NEW.organization_id, NEW.user_id) THEN
      RAISE EXCEPTION 'user % is not an active member', NEW.user_id USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
        HINT = 'Qualifications are held by active staff members of your organization.';
    END IF;
    SELECT * INTO v_qualification FROM app.qualifications WHERE organization_id = NEW.organization_id AND id = NEW.qualification_id;
    IF FOUND AND NOT v_qualification.is_active THEN
      PERFORM app_private.raise_invalid('qualification.inactive', pg_catalog.format('qualification %s is not active', v_qualification.code),
        'Grant an active qualification (GET /qualifications?is_active=is.true).');
    END IF;
    NEW.valid_from := coalesce(NEW.valid_from, pg_catalog.now());
    IF NEW.valid_to IS NULL AND v_qualification.validity_days IS NOT NULL THEN
      NEW.valid_to := NEW.valid_from + pg_catalog.make_interval(days => v_qualification.validity_days);
    END IF;
    NEW.granted_by := auth.user_id();
    NEW.granted_at := pg_catalog.now();
    NEW.revoked_at := NULL;
    NEW.revoked_by := NULL;
    NEW.revoke_reason := NULL;
  END IF;
  IF NEW.valid_to IS NOT NULL AND NEW.valid_to <= NEW.valid_from THEN
    PERFORM app_private.raise_invalid('qualification.validity_order', 'valid_to must be after valid_from',
      'A qualification is held from valid_from up to (not including) valid_to.');
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_person_qualifications__prepare() IS
  'BEFORE INSERT/UPDATE: nobody grants themselves a qualification or extends their own (PT403 qualification.self_grant); the holder is active staff (PT404 user.not_member); an active qualification (PT422 qualification.inactive); valid_from defaults to now, valid_to to its validity; granted by the caller; valid_to after valid_from (PT422 qualification.validity_order).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.person_qualifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_person_qualifications__prepare();

CREATE OR REPLACE FUNCTION app.revoke_qualification(person_qualification_id uuid, reason text)
RETURNS app.person_qualifications
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_grant app.person_qualifications;
BEGIN
  PERFORM app_private.require_permission('competence.manage');
  IF coalesce(pg_catalog.btrim(reason), '') = '' THEN
    PERFORM app_private.raise_invalid('qualification.reason_required', 'revoking a qualification needs a reason',
      'Say why (failed re-assessment, left the role, ...).');
  END IF;
  SELECT * INTO v_grant FROM app.person_qualifications AS q
   WHERE q.organization_id = auth.org_id() AND q.id = revoke_qualification.person_qualification_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'qualification grant % not found', person_qualification_id USING ERRCODE = 'PT404',
      DETAIL = 'qualification.not_found', HINT = 'GET /person_qualifications lists the grants of your organization.';
  END IF;
  IF v_grant.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'the qualification was already revoked at %', v_grant.revoked_at USING ERRCODE = 'PT409',
      DETAIL = 'qualification.revoked', HINT = 'Grant it again (a new person_qualifications row) to restore it.';
  END IF;
  UPDATE app.person_qualifications AS q
     SET revoked_at = pg_catalog.now(), revoked_by = auth.user_id(), revoke_reason = pg_catalog.left(reason, 1000)
   WHERE q.organization_id = v_grant.organization_id AND q.id = v_grant.id
  RETURNING * INTO v_grant;
  RETURN v_grant;
END
$$;
COMMENT ON FUNCTION app.revoke_qualification(uuid, text) IS
  E'Revoke a qualification\nEnds a person''s qualification now, with a reason; the grant is kept. Needs competence.manage (PT403 permission.missing); PT422 qualification.reason_required, PT404 qualification.not_found, PT409 qualification.revoked.';

-- Whether a person holds a qualification (by code) at a time: a grant valid
-- then and not revoked by then.
CREATE OR REPLACE FUNCTION app_private.holds_qualification(p_organization_id uuid, p_user_id uuid, p_code text, p_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT FROM app.person_qualifications AS g
      JOIN app.qualifications AS q ON q.organization_id = g.organization_id AND q.id = g.qualification_id
     WHERE g.organization_id = p_organization_id AND g.user_id = p_user_id AND q.code = p_code
       AND g.valid_from <= p_at AND (g.valid_to IS NULL OR p_at < g.valid_to)
       AND (g.revoked_at IS NULL OR p_at < g.revoked_at)
       AND app_private.is_active_staff(p_organization_id, p_user_id))
$$;
COMMENT ON FUNCTION app_private.holds_qualification(uuid, uuid, text, timestamptz) IS
  'Whether the person (an active staff member) holds the qualification with that code in the tenant at that time: a grant valid then (valid_from <= at < valid_to) and not revoked by then.';

CREATE OR REPLACE FUNCTION auth.holds_qualification(p_code text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT coalesce(app_private.holds_qualification(auth.org_id(), auth.user_id(), p_code, pg_catalog.now()), false)
$$;
COMMENT ON FUNCTION auth.holds_qualification(text) IS
  'Whether the caller holds the qualification (by code) in their active tenant now.';

-- The state-machine guard {"kind": "qualification", "qualification": "<code>"}:
-- NULL when the caller holds it now, else the reason.
CREATE OR REPLACE FUNCTION app_private.transition_guard_qualification(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_code text := p_guard ->> 'qualification';
  v_name text;
BEGIN
  SELECT auth.localized(q.name, q.labels) INTO v_name FROM app.qualifications AS q
   WHERE q.organization_id = p_organization_id AND q.code = v_code;
  IF NOT FOUND THEN
    RETURN pg_catalog.jsonb_build_object('reason', 'qualification.unknown',
      'message', pg_catalog.format('the guard names qualification "%s", which the organization does not have', coalesce(v_code, '')));
  END IF;
  IF app_private.holds_qualification(p_organization_id, auth.user_id(), v_code, pg_catalog.now()) THEN
    RETURN NULL;
  END IF;
  RETURN pg_catalog.jsonb_build_object('reason', 'qualification.missing',
    'message', pg_catalog.format('this needs the qualification %s (%s)', v_name, v_code));
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_qualification(uuid, text, uuid, jsonb) IS
  'State-machine guard "qualification" ({"kind": "qualification", "qualification": "<code>"}): NULL when the caller (auth.user_id()) holds the qualification now, else {"reason": "qualification.missing" | "qualification.unknown", "message": ...}.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_qualification_check(
  p_organization_id uuid, p_entity_type text, p_guard jsonb
) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN NOT EXISTS (SELECT FROM app.qualifications AS q
                                WHERE q.organization_id = p_organization_id AND q.code = p_guard ->> 'qualification')
              THEN pg_catalog.format('guard qualification names no qualification of this organization: %s (GET /qualifications)',
                                     coalesce(p_guard ->> 'qualification', 'none')) END
$$;
COMMENT ON FUNCTION app_private.transition_guard_qualification_check(uuid, text, jsonb) IS
  'When a state machine is defined: a qualification guard names a qualification of the tenant.';

CREATE OR REPLACE VIEW app.current_qualifications WITH (security_invoker) AS
SELECT g.organization_id, g.id AS person_qualification_id, g.user_id, q.id AS qualification_id, q.code,
       auth.localized(q.name, q.labels) AS name, q.kind, g.level, g.valid_from, g.valid_to, g.evidence
  FROM app.person_qualifications AS g
  JOIN app.qualifications AS q ON q.organization_id = g.organization_id AND q.id = g.qualification_id
 WHERE g.revoked_at IS NULL AND g.valid_from <= pg_catalog.now() AND (g.valid_to IS NULL OR pg_catalog.now() < g.valid_to);
COMMENT ON VIEW app.current_qualifications IS
  E'Current qualifications\nThe qualifications and skills people hold now (valid and not revoked): one''s own, everybody''s with competence.read.';
COMMENT ON COLUMN app.current_qualifications.organization_id IS 'Tenant';
COMMENT ON COLUMN app.current_qualifications.person_qualification_id IS E'Grant\nperson_qualifications.id.';
COMMENT ON COLUMN app.current_qualifications.user_id IS E'Person';
COMMENT ON COLUMN app.current_qualifications.qualification_id IS E'Qualification';
COMMENT ON COLUMN app.current_qualifications.code IS E'Code';
COMMENT ON COLUMN app.current_qualifications.name IS E'Name\nIn the caller''s language.';
COMMENT ON COLUMN app.current_qualifications.kind IS E'Kind';
COMMENT ON COLUMN app.current_qualifications.level IS E'Level';
COMMENT ON COLUMN app.current_qualifications.valid_from IS E'Valid from';
COMMENT ON COLUMN app.current_qualifications.valid_to IS E'Valid to';
COMMENT ON COLUMN app.current_qualifications.evidence IS E'Evidence';

-- Training -------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_training_records__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_retrain integer;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NOT app_private.is_active_staff(NEW.organization_id, NEW.user_id) THEN
    RAISE EXCEPTION 'user % is not an active member', NEW.user_id USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
      HINT = 'Training is recorded for active staff members of your organization.';
  END IF;
  IF NEW.trainer_id IS NOT NULL AND NOT app_private.is_active_member(NEW.organization_id, NEW.trainer_id) THEN
    RAISE EXCEPTION 'trainer % is not an active member', NEW.trainer_id USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
      HINT = 'Name a member of your organization as trainer, or none.';
  END IF;
  IF NEW.completed_at > pg_catalog.now() + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('training.in_future', 'a training cannot be completed in the future',
      'Record training once it is completed.');
  END IF;
  IF NEW.expires_at IS NULL THEN
    SELECT max(r.retrain_days) INTO v_retrain
      FROM app.training_requirements AS r
      JOIN app.document_versions AS v ON v.organization_id = r.organization_id AND v.document_id = r.document_id
     WHERE v.organization_id = NEW.organization_id AND v.id = NEW.document_version_id;
    NEW.expires_at := NEW.completed_at + pg_catalog.make_interval(days => v_retrain);
  END IF;
  NEW.recorded_by := auth.user_id();
  NEW.recorded_at := pg_catalog.now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_training_records__prepare() IS
  'BEFORE INSERT: the trainee is active staff and the trainer an active member (PT404 user.not_member); not completed in the future (PT422 training.in_future); expires_at defaults to completed_at plus the longest retraining interval of the document''s requirements (none: no expiry); recorded by the caller.';

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.training_records
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.training_records
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_training_records__prepare();

-- Who must be trained on what and is not (on the document's current
-- version, unexpired): never_trained, new_version (trained on an earlier
-- version only), expired, due_soon (within the requirement's window). Runs
-- as the owner, so it can join roles, documents and versions the caller may
-- not read; it shows the caller's own rows, everybody's with competence.read (platform
-- operators: every tenant's).
CREATE OR REPLACE VIEW app.training_due WITH (security_barrier) AS
WITH required AS (
  SELECT DISTINCT ON (r.organization_id, m.user_id, r.document_id)
         r.organization_id, m.user_id, r.document_id, r.due_within_days
    FROM app.training_requirements AS r
    JOIN app.role_assignments AS ra ON ra.organization_id = r.organization_id AND ra.role_id = r.role_id
    JOIN app.memberships AS m ON m.organization_id = ra.organization_id AND m.id = ra.membership_id AND m.status = 'active'
   WHERE (r.organization_id = auth.org_id() AND (m.user_id = auth.user_id() OR auth.has_permission('competence.read')))
      OR auth.is_platform_operator()
   ORDER BY r.organization_id, m.user_id, r.document_id, r.due_within_days DESC
)
SELECT q.organization_id, q.user_id, q.document_id, d.title AS document_title, v.id AS current_version_id,
       v.version_number AS current_version_number, t.version_number AS trained_version_number, t.completed_at, t.expires_at,
       CASE WHEN t.completed_at IS NULL THEN 'never_trained'
            WHEN t.document_version_id <> v.id THEN 'new_version'
            WHEN t.expires_at <= pg_catalog.now() THEN 'expired'
            ELSE 'due_soon' END AS status
  FROM required AS q
  JOIN app.documents AS d ON d.organization_id = q.organization_id AND d.id = q.document_id
  JOIN app.document_versions AS v ON v.organization_id = q.organization_id AND v.document_id = q.document_id AND v.is_current
  LEFT JOIN LATERAL (
    SELECT tr.document_version_id, dv.version_number, tr.completed_at, tr.expires_at
      FROM app.training_records AS tr
      JOIN app.document_versions AS dv ON dv.organization_id = tr.organization_id AND dv.id = tr.document_version_id
     WHERE tr.organization_id = q.organization_id AND tr.user_id = q.user_id AND dv.document_id = q.document_id
     ORDER BY dv.version_number DESC, tr.completed_at DESC LIMIT 1) AS t ON true
 WHERE t.completed_at IS NULL OR t.document_version_id <> v.id
    OR t.expires_at <= pg_catalog.now() + pg_catalog.make_interval(days => q.due_within_days);
COMMENT ON VIEW app.training_due IS
  E'Training due\nWho must be trained on which controlled document and is not, on its current version and unexpired: never_trained, new_version, expired or due_soon. One''s own rows; everybody''s with competence.read.';
COMMENT ON COLUMN app.training_due.organization_id IS 'Tenant';
COMMENT ON COLUMN app.training_due.user_id IS E'Person';
COMMENT ON COLUMN app.training_due.document_id IS E'Document';
COMMENT ON COLUMN app.training_due.document_title IS E'Document title';
COMMENT ON COLUMN app.training_due.current_version_id IS E'Current version';
COMMENT ON COLUMN app.training_due.current_version_number IS E'Current version number';
COMMENT ON COLUMN app.training_due.trained_version_number IS E'Trained version\nThe latest version the person was trained on; empty when never.';
COMMENT ON COLUMN app.training_due.completed_at IS E'Last trained at';
COMMENT ON COLUMN app.training_due.expires_at IS E'Training expires at';
COMMENT ON COLUMN app.training_due.status IS E'Status\nnever_trained, new_version, expired or due_soon.';
