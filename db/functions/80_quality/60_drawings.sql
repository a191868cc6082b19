-- Engineering drawings and their RDA (release / drawing approval) workflow
-- (migration quality/drawings). Drawings and their part links are written
-- through the API with drawing.manage; a revision is added as a draft that
-- links the platform document version holding its file, and its status
-- changes only here: submit (draft -> in_review, drawing.manage), approve
-- (in_review -> released, drawing.approve, never the submitter; the revision
-- released before becomes superseded in the same call), reject (in_review ->
-- draft with the reason). Exactly one released revision per drawing is the
-- unique index drawing_revisions_one_released; the functions serialize on
-- the drawing row. app.released_drawing / app.released_drawings give the
-- revision production uses.

CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.drawings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.drawing_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.drawing_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.drawings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.drawing_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'drawing_id', 'revision');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.drawings
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('drawing.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.drawing_parts
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('drawing.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.drawing_revisions
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('drawing.manage');

CREATE OR REPLACE FUNCTION app_private.tg_drawings__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.created_by := coalesce(NEW.created_by, auth.user_id());
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_drawings__prepare() IS
  'BEFORE INSERT on drawings: refuses another tenant''s row (tenant.foreign_row), stamps created_by with the caller.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.drawings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.drawings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_drawings__prepare();

SELECT app_private.register_entity_type('drawing', 'app.drawings', 'title', 'Drawing', 'drawing_number');
SELECT app_private.register_search('drawing', 't.search_vector', $$concat_ws(' ', t.title, t.description)$$);

CREATE OR REPLACE FUNCTION app_private.tg_drawing_parts__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_drawing_parts__prepare() IS 'BEFORE INSERT on drawing_parts: refuses another tenant''s row (tenant.foreign_row).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.drawing_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_drawing_parts__prepare();

-- A draft is what the API writes; a revision in review, released or
-- superseded is a record. The linked document version must be stored.
CREATE OR REPLACE FUNCTION app_private.tg_drawing_revisions__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := coalesce(NEW.created_by, auth.user_id());
  ELSIF OLD.status <> 'draft' AND NEW.status = OLD.status
        AND (NEW.description IS DISTINCT FROM OLD.description OR NEW.document_version_id IS DISTINCT FROM OLD.document_version_id) THEN
    RAISE EXCEPTION 'drawing revision % is %: it can no longer be edited', OLD.revision, OLD.status USING ERRCODE = 'PT409',
      DETAIL = 'drawing_revision.not_draft', HINT = 'Reject it back to draft (in review) or add a new draft revision (POST /drawing_revisions).';
  END IF;
  IF NEW.document_version_id IS NOT NULL AND NEW.document_version_id IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.document_version_id END)
     AND NOT EXISTS (SELECT FROM app.document_versions AS v
                      WHERE v.organization_id = NEW.organization_id AND v.id = NEW.document_version_id AND v.upload_state = 'stored') THEN
    RAISE EXCEPTION 'the document version is not a stored upload of your organization' USING ERRCODE = 'PT422',
      DETAIL = 'drawing_revision.document_not_stored',
      HINT = 'Upload the drawing file as a project document version and confirm the upload (app.confirm_document_upload) first.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_drawing_revisions__prepare() IS
  'BEFORE INSERT OR UPDATE on drawing_revisions: refuses another tenant''s row (tenant.foreign_row), stamps created_by; PT409 drawing_revision.not_draft when the description or file of a revision out of draft is changed; PT422 drawing_revision.document_not_stored when the linked document version is not a stored upload of the tenant.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.drawing_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.drawing_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_drawing_revisions__prepare();

-- The caller's revision, locked with its drawing: RDA steps of one drawing
-- queue here, so the unique index never sees two releases at once.
CREATE OR REPLACE FUNCTION app_private.lock_drawing_revision(p_revision_id uuid) RETURNS app.drawing_revisions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_revision app.drawing_revisions;
BEGIN
  PERFORM FROM app.drawings AS d
   WHERE d.organization_id = auth.org_id()
     AND d.id = (SELECT r.drawing_id FROM app.drawing_revisions AS r WHERE r.organization_id = auth.org_id() AND r.id = p_revision_id)
     FOR UPDATE;
  SELECT * INTO v_revision FROM app.drawing_revisions AS r WHERE r.organization_id = auth.org_id() AND r.id = p_revision_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'drawing revision not found' USING ERRCODE = 'PT404', DETAIL = 'drawing_revision.not_found',
      HINT = 'GET /drawing_revisions lists the revisions of your organization''s drawings.';
  END IF;
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app_private.lock_drawing_revision(uuid) IS
  'The caller''s drawing revision, locked with its drawing (FOR UPDATE); PT404 drawing_revision.not_found. The callers check the permission first.';

-- Release: the revision in review becomes the released one, the one
-- released before is superseded. Shared by the RDA approval and by the
-- implementation of a change order (whose approver is then the approver).
CREATE OR REPLACE FUNCTION app_private.release_drawing_revision(p_revision app.drawing_revisions, p_approved_by uuid, p_comment text,
                                                               p_effective_at timestamptz DEFAULT NULL)
RETURNS app.drawing_revisions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_revision app.drawing_revisions := p_revision;
  v_previous app.drawing_revisions;
  v_drawing app.drawings;
BEGIN
  IF v_revision.status NOT IN ('in_review', 'draft') THEN
    RAISE EXCEPTION 'drawing revision % is %', v_revision.revision, v_revision.status USING ERRCODE = 'PT409',
      DETAIL = 'drawing_revision.not_in_review', HINT = 'Only a revision in review is released; submit the draft first (POST /rpc/submit_drawing_revision).';
  END IF;
  -- Both moves are transitions of the drawing revision machine (guards:
  -- the release is approved; the previous one is superseded by it).
  SELECT * INTO v_previous FROM app.drawing_revisions AS r
   WHERE r.organization_id = v_revision.organization_id AND r.drawing_id = v_revision.drawing_id AND r.status = 'released';
  IF v_previous.id IS NOT NULL THEN
    PERFORM auth.state_machine_transition('drawing_revision', v_previous.id, 'superseded', 'superseded by revision ' || v_revision.revision, NULL);
    UPDATE app.drawing_revisions AS r SET superseded_at = coalesce(p_effective_at, pg_catalog.now())
     WHERE r.organization_id = v_previous.organization_id AND r.id = v_previous.id;
  END IF;
  PERFORM auth.state_machine_transition('drawing_revision', v_revision.id, 'released', p_comment, NULL);
  UPDATE app.drawing_revisions AS r
     SET released_at = coalesce(p_effective_at, pg_catalog.now()), approved_by = p_approved_by, review_comment = p_comment
   WHERE r.organization_id = v_revision.organization_id AND r.id = v_revision.id
  RETURNING * INTO v_revision;
  SELECT * INTO STRICT v_drawing FROM app.drawings AS d WHERE d.organization_id = v_revision.organization_id AND d.id = v_revision.drawing_id;
  PERFORM app_private.publish_event(v_revision.organization_id, 'drawing.revision_released',
    pg_catalog.jsonb_build_object('drawing_id', v_drawing.id, 'drawing_number', v_drawing.drawing_number, 'revision', v_revision.revision,
                                  'old', pg_catalog.jsonb_build_object('revision', v_previous.revision),
                                  'new', pg_catalog.jsonb_build_object('revision', v_revision.revision)),
    'drawing', v_drawing.id);
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app_private.release_drawing_revision(app.drawing_revisions, uuid, text, timestamptz) IS
  'Releases a locked drawing revision (in review, or a draft an approved change order names) and supersedes the one released before, both as transitions of the drawing revision machine (guard drawing_rule: the release is approved); p_effective_at (a change order''s future effective date) dates released_at and the previous one''s superseded_at, so app.released_drawings keeps the previous revision current until then. PT409 drawing_revision.not_in_review otherwise; publishes drawing.revision_released. Called when the RDA approval is approved (trigger on app.approvals) and by app.implement_change_order.';

CREATE OR REPLACE FUNCTION app.submit_drawing_revision(revision_id uuid) RETURNS app.drawing_revisions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_revision app.drawing_revisions;
BEGIN
  PERFORM app_private.require_permission('drawing.manage');
  v_revision := app_private.lock_drawing_revision(submit_drawing_revision.revision_id);
  IF v_revision.status <> 'draft' THEN
    RAISE EXCEPTION 'drawing revision % is %', v_revision.revision, v_revision.status USING ERRCODE = 'PT409',
      DETAIL = 'drawing_revision.not_draft', HINT = 'Only a draft is submitted for review.';
  END IF;
  IF v_revision.document_version_id IS NULL THEN
    RAISE EXCEPTION 'drawing revision % has no file', v_revision.revision USING ERRCODE = 'PT422',
      DETAIL = 'drawing_revision.document_missing',
      HINT = 'Link the document version holding the drawing file (PATCH /drawing_revisions, document_version_id) before submitting.';
  END IF;
  -- The transition opens the RDA approval (effect open_approval, routed by the drawing_release chain).
  PERFORM auth.state_machine_transition('drawing_revision', v_revision.id, 'in_review', NULL, NULL);
  SELECT * INTO v_revision FROM app.drawing_revisions AS r WHERE r.organization_id = v_revision.organization_id AND r.id = v_revision.id;
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app.submit_drawing_revision(uuid) IS
  E'Submit a drawing revision for approval\nMoves a draft revision that links its file (a document version) into review (RDA). Needs drawing.manage; PT404 drawing_revision.not_found, PT409 drawing_revision.not_draft, PT422 drawing_revision.document_missing.';

CREATE OR REPLACE FUNCTION app.approve_drawing_revision(revision_id uuid, comment text DEFAULT NULL) RETURNS app.drawing_revisions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_revision app.drawing_revisions;
BEGIN
  PERFORM app_private.require_permission('drawing.approve');
  v_revision := app_private.lock_drawing_revision(approve_drawing_revision.revision_id);
  IF v_revision.status = 'in_review' AND v_revision.submitted_by = auth.user_id() THEN
    RAISE EXCEPTION 'you submitted drawing revision %: someone else approves it', v_revision.revision USING ERRCODE = 'PT403',
      DETAIL = 'drawing_revision.own_submission', HINT = 'Another holder of drawing.approve approves the release (two-person rule).';
  END IF;
  IF v_revision.status <> 'in_review' THEN
    RAISE EXCEPTION 'drawing revision % is %', v_revision.revision, v_revision.status USING ERRCODE = 'PT409',
      DETAIL = 'drawing_revision.not_in_review', HINT = 'Only a revision in review is approved.';
  END IF;
  -- The caller decides the current step of the routed RDA approval; the last step releases it.
  PERFORM app_private.decide_routed_approval('drawing_revision', v_revision.id, 'drawing_release', 'approve', approve_drawing_revision.comment);
  SELECT * INTO v_revision FROM app.drawing_revisions AS r WHERE r.organization_id = v_revision.organization_id AND r.id = v_revision.id;
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app.approve_drawing_revision(uuid, text) IS
  E'Approve and release a drawing revision\nDecides the current step of the revision''s RDA approval (platform approval of type drawing_release, routed by the tenant''s chain: by default engineering, then qa; any holder of the step''s role may decide it, nobody two steps); the last step releases the revision and supersedes the one released before. Where the tenant''s approval policy requires signed decisions, decide with app.decide_approval (PT422 signature.required here). Needs drawing.approve and not being its submitter (PT403 drawing_revision.own_submission); PT404 drawing_revision.not_found, PT409 drawing_revision.not_in_review. Publishes drawing.revision_released.';

CREATE OR REPLACE FUNCTION app.reject_drawing_revision(revision_id uuid, reason text) RETURNS app.drawing_revisions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_revision app.drawing_revisions;
BEGIN
  PERFORM app_private.require_permission('drawing.approve');
  IF coalesce(pg_catalog.btrim(reject_drawing_revision.reason), '') = '' THEN
    RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'PT422', DETAIL = 'drawing_revision.reason_missing',
      HINT = 'Say what the author must change.';
  END IF;
  v_revision := app_private.lock_drawing_revision(reject_drawing_revision.revision_id);
  IF v_revision.status <> 'in_review' THEN
    RAISE EXCEPTION 'drawing revision % is %', v_revision.revision, v_revision.status USING ERRCODE = 'PT409',
      DETAIL = 'drawing_revision.not_in_review', HINT = 'Only a revision in review is sent back.';
  END IF;
  IF v_revision.submitted_by = auth.user_id() THEN
    RAISE EXCEPTION 'you submitted drawing revision %: someone else decides it', v_revision.revision USING ERRCODE = 'PT403',
      DETAIL = 'drawing_revision.own_submission', HINT = 'Another approver of the RDA routing decides.';
  END IF;
  -- A rejection at any step stops the routing and sends the revision back to draft.
  PERFORM app_private.decide_routed_approval('drawing_revision', v_revision.id, 'drawing_release', 'reject', reject_drawing_revision.reason);
  SELECT * INTO v_revision FROM app.drawing_revisions AS r WHERE r.organization_id = v_revision.organization_id AND r.id = v_revision.id;
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app.reject_drawing_revision(uuid, text) IS
  E'Send a drawing revision back\nRejects the current step of its RDA approval: the routing stops and the revision returns to draft with the reason (review_comment). Needs drawing.approve; PT422 drawing_revision.reason_missing, PT404 drawing_revision.not_found, PT409 drawing_revision.not_in_review.';

-- The revision production uses, as the caller sees it.
CREATE OR REPLACE VIEW app.released_drawings WITH (security_invoker = true) AS
SELECT d.organization_id, d.id AS drawing_id, d.drawing_number, d.title, r.id AS revision_id, r.revision, r.released_at, r.approved_by,
       r.document_version_id, v.file_name, v.file_path, v.checksum
  FROM app.drawings AS d
  -- In effect now: released by now and not yet superseded (a change order's
  -- future effective date dates both), so the revision before stays current until then.
  JOIN app.drawing_revisions AS r ON r.organization_id = d.organization_id AND r.drawing_id = d.id AND r.status IN ('released', 'superseded')
   AND r.released_at <= pg_catalog.now() AND (r.superseded_at IS NULL OR r.superseded_at > pg_catalog.now())
  LEFT JOIN app.document_versions AS v ON v.organization_id = r.organization_id AND v.id = r.document_version_id;
COMMENT ON VIEW app.released_drawings IS
  E'Released drawings\nEach drawing''s revision in effect now, the one production uses (released, and not superseded yet: a change order with a future effective date releases at that day), with its file (the linked document version, when the caller may read the project document). Drawings without a released revision are not listed.';
COMMENT ON COLUMN app.released_drawings.organization_id IS E'Tenant';
COMMENT ON COLUMN app.released_drawings.drawing_id IS E'Drawing';
COMMENT ON COLUMN app.released_drawings.drawing_number IS E'Drawing number';
COMMENT ON COLUMN app.released_drawings.title IS E'Title';
COMMENT ON COLUMN app.released_drawings.revision_id IS E'Released revision';
COMMENT ON COLUMN app.released_drawings.revision IS E'Revision code';
COMMENT ON COLUMN app.released_drawings.released_at IS E'Released at';
COMMENT ON COLUMN app.released_drawings.approved_by IS E'Approved by';
COMMENT ON COLUMN app.released_drawings.document_version_id IS E'Document version';
COMMENT ON COLUMN app.released_drawings.file_name IS E'File name';
COMMENT ON COLUMN app.released_drawings.file_path IS E'File path\nObject storage path of the drawing file.';
COMMENT ON COLUMN app.released_drawings.checksum IS E'Checksum\nsha256 of the drawing file.';

CREATE OR REPLACE FUNCTION app.released_drawing(drawing_id uuid) RETURNS app.drawing_revisions
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_revision app.drawing_revisions;
BEGIN
  -- In effect now, as app.released_drawings: a change order's future effective date keeps the revision before.
  SELECT r.* INTO v_revision FROM app.drawing_revisions AS r
   WHERE r.organization_id = auth.org_id() AND r.drawing_id = released_drawing.drawing_id AND r.status IN ('released', 'superseded')
     AND r.released_at <= pg_catalog.now() AND (r.superseded_at IS NULL OR r.superseded_at > pg_catalog.now())
   ORDER BY r.released_at DESC
   LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no released revision of this drawing is in effect' USING ERRCODE = 'PT404', DETAIL = 'drawing_revision.not_found',
      HINT = 'GET /drawing_revisions?drawing_id=eq.<id> lists its revisions; one is released by its RDA approval or a change order.';
  END IF;
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app.released_drawing(uuid) IS
  E'Released revision of a drawing\nThe revision production uses now (released, and not superseded yet: a change order with a future effective date keeps the revision before until that day). PT404 drawing_revision.not_found when none is in effect, the drawing is another tenant''s or the caller may not read drawings.';
