-- The parts master (migration quality/parts): parts are written through the
-- API with part.manage; revisions are added and edited as drafts, and their
-- status changes only by app.release_part_revision (which obsoletes the
-- revision released before, in the same call) and app.obsolete_part_revision.
-- One released revision per part is the unique index
-- part_revisions_one_released; the functions only serialize on the part.

CREATE OR REPLACE FUNCTION app_private.tg_parts__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := coalesce(NEW.created_by, auth.user_id());
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_parts__prepare() IS 'BEFORE INSERT on parts: refuses another tenant''s row (tenant.foreign_row), stamps created_by with the caller.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_parts__prepare();

SELECT app_private.register_entity_type('part', 'app.parts', 'name', 'Part', 'part_number');
SELECT app_private.register_search('part', 't.search_vector', $$concat_ws(' ', t.name, t.description)$$);
SELECT app_private.enable_custom_fields('part');

-- A draft is what the API inserts; a released or obsolete revision is a record.
CREATE OR REPLACE FUNCTION app_private.tg_part_revisions__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := coalesce(NEW.created_by, auth.user_id());
  ELSIF OLD.status <> 'draft' AND NEW.status = OLD.status AND NEW.description IS DISTINCT FROM OLD.description THEN
    RAISE EXCEPTION 'revision % is %: it can no longer be edited', OLD.revision, OLD.status USING ERRCODE = 'PT409',
      DETAIL = 'part_revision.not_draft', HINT = 'Add a new draft revision (POST /part_revisions) and release it.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_part_revisions__prepare() IS
  'BEFORE INSERT OR UPDATE on part_revisions: refuses another tenant''s row (tenant.foreign_row), stamps created_by; PT409 part_revision.not_draft when the description of a released or obsolete revision is changed.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.part_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.part_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_part_revisions__prepare();

-- The caller's revision and its part, the part locked: releases of one part
-- queue here, so the unique index never sees two at once.
CREATE OR REPLACE FUNCTION app_private.lock_part_revision(p_revision_id uuid) RETURNS app.part_revisions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_revision app.part_revisions;
BEGIN
  PERFORM app_private.require_permission('part.manage');
  PERFORM FROM app.parts AS p
   WHERE p.organization_id = auth.org_id()
     AND p.id = (SELECT r.part_id FROM app.part_revisions AS r WHERE r.organization_id = auth.org_id() AND r.id = p_revision_id)
     FOR UPDATE;
  SELECT * INTO v_revision FROM app.part_revisions AS r WHERE r.organization_id = auth.org_id() AND r.id = p_revision_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'part revision not found' USING ERRCODE = 'PT404', DETAIL = 'part_revision.not_found',
      HINT = 'GET /part_revisions lists the revisions of your organization''s parts.';
  END IF;
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app_private.lock_part_revision(uuid) IS
  'The caller''s part revision, locked with its part (FOR UPDATE), after PT403 permission.missing without part.manage; PT404 part_revision.not_found.';

CREATE OR REPLACE FUNCTION app.release_part_revision(revision_id uuid) RETURNS app.part_revisions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_revision app.part_revisions := app_private.lock_part_revision(release_part_revision.revision_id);
  v_part app.parts;
  v_previous app.part_revisions;
BEGIN
  SELECT * INTO STRICT v_part FROM app.parts AS p WHERE p.organization_id = v_revision.organization_id AND p.id = v_revision.part_id;
  IF v_part.status <> 'active' THEN
    RAISE EXCEPTION 'part % is obsolete', v_part.part_number USING ERRCODE = 'PT409', DETAIL = 'part.obsolete',
      HINT = 'Only revisions of active parts are released.';
  END IF;
  IF v_revision.status <> 'draft' THEN
    RAISE EXCEPTION 'revision % of % is %', v_revision.revision, v_part.part_number, v_revision.status USING ERRCODE = 'PT409',
      DETAIL = 'part_revision.not_draft', HINT = 'Only a draft revision is released; add a new draft (POST /part_revisions).';
  END IF;
  UPDATE app.part_revisions AS r SET status = 'obsolete', obsoleted_at = pg_catalog.now()
   WHERE r.organization_id = v_revision.organization_id AND r.part_id = v_revision.part_id AND r.status = 'released'
  RETURNING * INTO v_previous;
  UPDATE app.part_revisions AS r SET status = 'released', released_at = pg_catalog.now(), released_by = auth.user_id()
   WHERE r.organization_id = v_revision.organization_id AND r.id = v_revision.id
  RETURNING * INTO v_revision;
  PERFORM app_private.publish_event(v_revision.organization_id, 'part.revision_released',
    pg_catalog.jsonb_build_object('part_id', v_part.id, 'part_number', v_part.part_number, 'revision', v_revision.revision,
                                  'old', pg_catalog.jsonb_build_object('revision', v_previous.revision),
                                  'new', pg_catalog.jsonb_build_object('revision', v_revision.revision)),
    'part', v_part.id);
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app.release_part_revision(uuid) IS
  E'Release a part revision\nMakes a draft revision the released one of its part and obsoletes the revision released before, in one call (the part is locked, so concurrent releases queue; a unique index keeps one released revision per part). Needs part.manage; PT404 part_revision.not_found, PT409 part_revision.not_draft, part.obsolete. Publishes part.revision_released.';

CREATE OR REPLACE FUNCTION app.obsolete_part_revision(revision_id uuid) RETURNS app.part_revisions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_revision app.part_revisions := app_private.lock_part_revision(obsolete_part_revision.revision_id);
BEGIN
  IF v_revision.status = 'obsolete' THEN
    RETURN v_revision;
  END IF;
  UPDATE app.part_revisions AS r SET status = 'obsolete', obsoleted_at = pg_catalog.now()
   WHERE r.organization_id = v_revision.organization_id AND r.id = v_revision.id
  RETURNING * INTO v_revision;
  RETURN v_revision;
END
$$;
COMMENT ON FUNCTION app.obsolete_part_revision(uuid) IS
  E'Obsolete a part revision\nRetires a draft or the released revision (then the part has none released until the next release). Idempotent. Needs part.manage; PT404 part_revision.not_found.';
