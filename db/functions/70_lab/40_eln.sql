-- The electronic lab notebook (migration lab/eln): versioned templates whose
-- sections carry JSON Schemas, entries whose content is in append-only
-- versions validated against the template version, pinned attachments,
-- links to any registered entity, the author's and a witness's electronic
-- signatures, the diff of two versions, full-text search. Site-scoped like
-- samples: eln.read / eln.write tenant-wide or at the entry's site; only the
-- author writes versions and signs as author; a witness (eln.witness) is
-- another person.

-- Templates -------------------------------------------------------------------

-- What a template's sections must look like (checked with the platform's
-- JSON Schema block, so a bad template names the JSON path).
CREATE OR REPLACE FUNCTION app_private.eln_sections_schema() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT '{"type": "array", "minItems": 1, "maxItems": 100,
           "items": {"type": "object", "required": ["key", "title", "schema"], "additionalProperties": false,
                     "properties": {"key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
                                    "title": {"type": "string", "minLength": 1, "maxLength": 200},
                                    "description": {"type": "string", "maxLength": 2000},
                                    "required": {"type": "boolean"},
                                    "schema": {"type": ["object", "boolean"]}}}}'::jsonb
$$;
COMMENT ON FUNCTION app_private.eln_sections_schema() IS
  'The JSON Schema of an ELN template''s sections: [{key (lowercase identifier), title, description?, required?, schema}].';

-- The schema of a whole entry document for a template version: an object
-- with one property per section, the required sections required, nothing
-- else. Validating the document against it names paths like $.results.ph.
CREATE OR REPLACE FUNCTION app_private.eln_content_schema(p_sections jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'type', 'object', 'additionalProperties', false,
    'properties', coalesce((SELECT pg_catalog.jsonb_object_agg(s ->> 'key', s -> 'schema')
                              FROM pg_catalog.jsonb_array_elements(p_sections) AS s), '{}'),
    'required', coalesce((SELECT pg_catalog.jsonb_agg(s ->> 'key')
                            FROM pg_catalog.jsonb_array_elements(p_sections) AS s
                           WHERE (s ->> 'required')::boolean), '[]'))
$$;
COMMENT ON FUNCTION app_private.eln_content_schema(jsonb) IS
  'The JSON Schema of an entry document for a template''s sections: an object of the sections (each with its own schema), the required ones required, no other keys.';

CREATE OR REPLACE FUNCTION app_private.tg_eln_templates__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_section jsonb;
  v_duplicate text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'UPDATE' AND OLD.status <> 'draft' THEN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'published' AND NEW.status = 'retired')
       OR (NEW.name, NEW.description, NEW.sections) IS DISTINCT FROM (OLD.name, OLD.description, OLD.sections) THEN
      RAISE EXCEPTION 'template % version % is %', OLD.code, OLD.version, OLD.status USING ERRCODE = 'PT409', DETAIL = 'eln_template.frozen',
        HINT = 'A published or retired template version is frozen (only published -> retired is allowed): insert a new version of the code.';
    END IF;
    RETURN NEW;
  END IF;
  PERFORM app_private.validate_json(app_private.eln_sections_schema(), NEW.sections, 'The template''s sections');
  SELECT s ->> 'key' INTO v_duplicate FROM pg_catalog.jsonb_array_elements(NEW.sections) AS s
   GROUP BY s ->> 'key' HAVING count(*) > 1 LIMIT 1;
  IF v_duplicate IS NOT NULL THEN
    PERFORM app_private.raise_invalid('eln_template.duplicate_section', pg_catalog.format('section key %s appears twice', v_duplicate),
      'Each section of a template has its own key.');
  END IF;
  FOR v_section IN SELECT s FROM pg_catalog.jsonb_array_elements(NEW.sections) AS s LOOP
    PERFORM app_private.check_json_schema(v_section -> 'schema', pg_catalog.format('The schema of section %s', v_section ->> 'key'));
  END LOOP;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'draft' AND app_private.is_member_call() THEN
      PERFORM app_private.raise_invalid('eln_template.status_locked', 'a new template version starts as a draft',
        'Leave status out, then PATCH status to published.');
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('eln_template:' || NEW.organization_id::text || NEW.code, 0));
    NEW.version := coalesce((SELECT max(t.version) + 1 FROM app.eln_templates AS t
                              WHERE t.organization_id = NEW.organization_id AND t.code = NEW.code), 1);
  ELSIF NEW.status = 'published' THEN
    NEW.published_at := now();
    -- The version published before is retired: one published version per code.
    UPDATE app.eln_templates AS t SET status = 'retired'
     WHERE t.organization_id = NEW.organization_id AND t.code = NEW.code AND t.status = 'published' AND t.id <> NEW.id;
  ELSIF NEW.status = 'retired' THEN
    PERFORM app_private.raise_invalid('eln_template.status_locked', 'a draft is published before it is retired',
      'Delete a draft that is not needed.');
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_eln_templates__prepare() IS
  'BEFORE INSERT/UPDATE on eln_templates: the tenant guard; the sections match app_private.eln_sections_schema (PT422 json_schema.invalid naming the path), have unique keys (eln_template.duplicate_section) and supported schemas (json_schema.unsupported); a new version is numbered after the code''s last and starts as a draft (eln_template.status_locked); publishing stamps published_at and retires the version published before; a published or retired version is frozen (PT409 eln_template.frozen) except published -> retired.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.eln_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_eln_templates__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.eln_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Entries ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_eln_entries__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_template app.eln_templates;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    IF app_private.is_member_call() THEN
      PERFORM auth.check_permission_at('eln.write', NEW.site_id);
      NEW.author_id := auth.user_id();
      NEW.status := 'draft';
      NEW.current_version := NULL;
      NEW.completed_at := NULL;
      NEW.search_text := '';
    END IF;
    IF NEW.template_id IS NOT NULL THEN
      SELECT * INTO v_template FROM app.eln_templates AS t WHERE t.organization_id = NEW.organization_id AND t.id = NEW.template_id;
      IF FOUND AND v_template.status <> 'published' THEN
        PERFORM app_private.raise_invalid('eln_template.not_published',
          pg_catalog.format('template %s version %s is %s', v_template.code, v_template.version, v_template.status),
          'New entries use the published version of a template (GET /eln_templates?status=eq.published).');
      END IF;
    END IF;
    NEW.entry_number := app_private.take_human_id(NEW.organization_id, 'ELN', NEW.entry_number);
    RETURN NEW;
  END IF;
  -- What members change (title, site, project, service request): the
  -- author, with eln.write at the old and new site, while the entry is a
  -- draft. The database's own bookkeeping (status, pointer, search text)
  -- comes from the version and signature paths.
  IF app_private.is_member_call()
     AND (NEW.title, NEW.site_id, NEW.project_id, NEW.service_request_id, NEW.template_id)
         IS DISTINCT FROM (OLD.title, OLD.site_id, OLD.project_id, OLD.service_request_id, OLD.template_id) THEN
    PERFORM auth.check_permission_at('eln.write', OLD.site_id);
    PERFORM auth.check_permission_at('eln.write', NEW.site_id);
    IF OLD.author_id <> auth.user_id() THEN
      RAISE EXCEPTION 'only the author of % changes it', OLD.entry_number USING ERRCODE = 'PT403', DETAIL = 'eln_entry.not_author',
        HINT = 'An entry is written by its author; link to it or comment on it instead.';
    END IF;
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'entry % is %', OLD.entry_number, OLD.status USING ERRCODE = 'PT409', DETAIL = 'eln_entry.signed',
        HINT = 'A signed entry changes only by an amendment: POST /eln_entry_versions with an amendment_reason.';
    END IF;
    IF NEW.template_id IS DISTINCT FROM OLD.template_id AND OLD.current_version IS NOT NULL THEN
      PERFORM app_private.raise_invalid('eln_entry.template_fixed', 'the template of an entry with versions is fixed',
        'Start a new entry on the other template.');
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_eln_entries__prepare() IS
  'BEFORE INSERT/UPDATE on eln_entries: the tenant guard; a member needs eln.write tenant-wide or at the entry''s site (PT403 permission.missing) and becomes its author; a draft without versions; a published template version (PT422 eln_template.not_published); the next human id (ELN-000123) unless sent. Title, site, project and service request are changed only by the author (PT403 eln_entry.not_author) of a draft entry (PT409 eln_entry.signed); the template only before the first version (PT422 eln_entry.template_fixed).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.eln_entries
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('eln.write');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.eln_entries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_eln_entries__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.eln_entries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('eln_entry', 'app.eln_entries', 'title', 'ELN entry', 'entry_number');
SELECT app_private.register_search('eln_entry', 't.search_vector', $$concat_ws(' ', t.title, t.search_text)$$);

-- The entry, if the calling member may see it (the owner's paths see all);
-- PT404 eln_entry.not_found otherwise. Locks it for the version and
-- signature paths, which change its pointer and status.
CREATE OR REPLACE FUNCTION app_private.visible_eln_entry(p_organization_id uuid, p_entry_id uuid) RETURNS app.eln_entries
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_entry app.eln_entries;
BEGIN
  SELECT * INTO v_entry FROM app.eln_entries AS e WHERE e.organization_id = p_organization_id AND e.id = p_entry_id FOR UPDATE;
  IF NOT FOUND OR (app_private.is_member_call() AND (auth.partner_id() IS NOT NULL OR NOT auth.has_permission('eln.read', v_entry.site_id))) THEN
    RAISE EXCEPTION 'ELN entry % not found', p_entry_id USING ERRCODE = 'PT404', DETAIL = 'eln_entry.not_found',
      HINT = 'The entry does not exist in your active tenant, or you may not see it.';
  END IF;
  RETURN v_entry;
END
$$;
COMMENT ON FUNCTION app_private.visible_eln_entry(uuid, uuid) IS
  'The ELN entry, locked, if the calling member may see it (eln.read tenant-wide or at its site; the owner''s paths see all); PT404 eln_entry.not_found otherwise.';

-- Every string in a document, for full-text search.
CREATE OR REPLACE FUNCTION app_private.eln_text(p_content jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT coalesce(pg_catalog.string_agg(v #>> '{}', ' '), '')
    FROM pg_catalog.jsonb_path_query(p_content, 'strict $.** ? (@.type() == "string")') AS v
$$;
COMMENT ON FUNCTION app_private.eln_text(jsonb) IS 'Every string value of a JSON document, space-separated: what full-text search reads of an entry''s content.';

-- Versions --------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_eln_entry_versions__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_entry app.eln_entries;
  v_template app.eln_templates;
  v_pin jsonb;
  v_attachment app.attachments;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(coalesce(NEW.organization_id, OLD.organization_id));
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = OLD.organization_id AND e.id = OLD.entry_id) THEN
    RETURN OLD;  -- the entry (its tenant) is being deleted
  ELSIF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'ELN entry versions are append-only' USING ERRCODE = 'PT409', DETAIL = 'eln_version.immutable',
      HINT = 'Write a new version (POST /eln_entry_versions); a signed one is amended with an amendment_reason.';
  END IF;
  v_entry := app_private.visible_eln_entry(NEW.organization_id, NEW.entry_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('eln.write', v_entry.site_id);
    IF v_entry.author_id <> auth.user_id() THEN
      RAISE EXCEPTION 'only the author of % writes its versions', v_entry.entry_number USING ERRCODE = 'PT403', DETAIL = 'eln_entry.not_author',
        HINT = 'An entry is written by its author; link to it or comment on it instead.';
    END IF;
  END IF;
  NEW.created_by := coalesce(auth.user_id(), v_entry.author_id);
  NEW.created_at := now();
  NEW.version := coalesce(v_entry.current_version, 0) + 1;
  -- A signed current version is locked: the new one amends it, with a reason.
  IF v_entry.status = 'draft' THEN
    IF NEW.amendment_reason IS NOT NULL THEN
      PERFORM app_private.raise_invalid('eln_version.not_an_amendment',
        pg_catalog.format('version %s of %s is not signed: there is nothing to amend', v_entry.current_version, v_entry.entry_number),
        'Leave amendment_reason out; amendments are for signed versions.');
    END IF;
    NEW.amends_version := NULL;
  ELSE
    IF coalesce(btrim(NEW.amendment_reason), '') = '' THEN
      PERFORM app_private.raise_invalid('eln_version.amendment_reason_required',
        pg_catalog.format('version %s of %s is signed: a new version is an amendment and needs a reason', v_entry.current_version, v_entry.entry_number),
        'Send amendment_reason (why the signed record is amended).');
    END IF;
    NEW.amends_version := v_entry.current_version;
  END IF;
  IF v_entry.template_id IS NOT NULL THEN
    SELECT * INTO v_template FROM app.eln_templates AS t WHERE t.organization_id = v_entry.organization_id AND t.id = v_entry.template_id;
    PERFORM app_private.validate_json(app_private.eln_content_schema(v_template.sections), NEW.content, 'The entry''s content');
  ELSIF EXISTS (SELECT FROM pg_catalog.jsonb_each(NEW.content) AS c WHERE pg_catalog.jsonb_typeof(c.value) <> 'object'
                                                                     AND pg_catalog.jsonb_typeof(c.value) <> 'string') THEN
    PERFORM app_private.raise_invalid('eln_version.content_invalid', 'the content of a free-form entry is {"<section>": text or object}',
      'Send each section as a string or an object, or start the entry on a template.');
  END IF;
  -- Pinned attachments: the entry's own, stored, with the checksum they have.
  PERFORM app_private.validate_json(
    '{"type": "array", "maxItems": 200, "items": {"type": "object", "required": ["attachment_id", "sha256"], "additionalProperties": false,
      "properties": {"attachment_id": {"type": "string", "pattern": "^[0-9a-fA-F-]{36}$"}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}}',
    NEW.attachments, 'The pinned attachments');
  FOR v_pin IN SELECT p FROM pg_catalog.jsonb_array_elements(NEW.attachments) AS p LOOP
    SELECT * INTO v_attachment FROM app.attachments AS a
     WHERE a.organization_id = NEW.organization_id AND a.id = (v_pin ->> 'attachment_id')::uuid
       AND a.entity_type = 'eln_entry' AND a.entity_id = NEW.entry_id;
    IF NOT FOUND OR v_attachment.upload_state <> 'stored' THEN
      PERFORM app_private.raise_invalid('eln_version.attachment_unknown',
        pg_catalog.format('attachment %s is not a stored attachment of %s', v_pin ->> 'attachment_id', v_entry.entry_number),
        'Attach the file to the entry first (POST /attachments with entity_type eln_entry) and confirm its upload.');
    END IF;
    IF v_attachment.sha256 <> v_pin ->> 'sha256' THEN
      PERFORM app_private.raise_invalid('eln_version.attachment_checksum',
        pg_catalog.format('attachment %s has sha256 %s, not %s', v_attachment.file_name, v_attachment.sha256, v_pin ->> 'sha256'),
        'Pin the checksum the attachment has (GET /attachments?id=eq.<id>&select=sha256).');
    END IF;
  END LOOP;
  NEW.content_sha256 := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
    pg_catalog.jsonb_build_object('content', NEW.content, 'attachments', NEW.attachments)::text, 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_eln_entry_versions__prepare() IS
  'BEFORE INSERT/UPDATE/DELETE on eln_entry_versions: append-only (PT409 eln_version.immutable), but for the cascade from deleting the entry with its tenant; the tenant guard; the entry must be visible (PT404 eln_entry.not_found) and the caller its author with eln.write at its site (PT403 eln_entry.not_author, permission.missing); numbered after the current version; after a signed version it is an amendment with a reason (PT422 eln_version.amendment_reason_required; eln_version.not_an_amendment otherwise); the content matches the template version (PT422 json_schema.invalid naming the path) or, free-form, is sections of text or objects (eln_version.content_invalid); pinned attachments are stored attachments of the entry with their checksum (eln_version.attachment_unknown, eln_version.attachment_checksum); the content checksum is computed.';

-- The entry follows its newest version: pointer, draft again, search text.
CREATE OR REPLACE FUNCTION app_private.tg_eln_entry_versions__advance() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  UPDATE app.eln_entries AS e
     SET current_version = NEW.version, status = 'draft', completed_at = NULL, search_text = app_private.eln_text(NEW.content)
   WHERE e.organization_id = NEW.organization_id AND e.id = NEW.entry_id;
  IF NEW.amends_version IS NOT NULL THEN
    PERFORM app_private.publish_event(NEW.organization_id, 'eln_entry.amended',
      pg_catalog.jsonb_build_object('entry_id', NEW.entry_id, 'version', NEW.version, 'amends_version', NEW.amends_version,
                                    'reason', NEW.amendment_reason, 'amended_by', NEW.created_by),
      'eln_entry', NEW.entry_id);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_eln_entry_versions__advance() IS
  'AFTER INSERT on eln_entry_versions: the entry''s current version is the new one, a draft again, searchable by its text; an amendment publishes eln_entry.amended.';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.eln_entry_versions
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('eln.write');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE OR DELETE ON app.eln_entry_versions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_eln_entry_versions__prepare();
CREATE OR REPLACE TRIGGER _500_advance AFTER INSERT ON app.eln_entry_versions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_eln_entry_versions__advance();

-- Append-only for everyone but the owner's deletes of a whole tenant
-- (ON DELETE CASCADE from the entry runs as the owner): signatures never change.
CREATE OR REPLACE FUNCTION app_private.tg_eln_signatures__append_only() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION 'ELN signatures are append-only' USING ERRCODE = 'PT409', DETAIL = 'eln_signature.immutable',
    HINT = 'A signature is never changed; amend the entry and sign the new version.';
END
$$;
COMMENT ON FUNCTION app_private.tg_eln_signatures__append_only() IS 'BEFORE UPDATE on eln_signatures: refused (PT409 eln_signature.immutable).';
CREATE OR REPLACE TRIGGER _200_append_only BEFORE UPDATE ON app.eln_signatures
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_eln_signatures__append_only();

-- A pinned attachment stays: deleting it would break the signed record.
CREATE OR REPLACE FUNCTION app_private.tg_attachments__keep_eln_pins() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF OLD.entity_type = 'eln_entry'
     AND EXISTS (SELECT FROM app.organizations AS o WHERE o.id = OLD.organization_id)
     AND EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = OLD.organization_id AND e.id = OLD.entity_id)
     AND EXISTS (SELECT FROM app.eln_entry_versions AS v
                  WHERE v.organization_id = OLD.organization_id AND v.entry_id = OLD.entity_id
                    AND v.attachments @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('attachment_id', OLD.id::text))) THEN
    RAISE EXCEPTION 'attachment % is pinned by a version of its ELN entry', OLD.file_name USING ERRCODE = 'PT409', DETAIL = 'eln_attachment.pinned',
      HINT = 'ELN versions are records: a file a version refers to is kept.';
  END IF;
  RETURN OLD;
END
$$;
COMMENT ON FUNCTION app_private.tg_attachments__keep_eln_pins() IS
  'BEFORE DELETE on attachments: an attachment an ELN entry version pins is kept (PT409 eln_attachment.pinned); deleting the entry itself (its tenant) still takes it.';
CREATE OR REPLACE TRIGGER _300_keep_eln_pins BEFORE DELETE ON app.attachments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_attachments__keep_eln_pins();

-- Links -----------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_eln_links__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_entry app.eln_entries;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(coalesce(NEW.organization_id, OLD.organization_id));
  IF TG_OP = 'DELETE' THEN
    SELECT * INTO v_entry FROM app.eln_entries AS e WHERE e.organization_id = OLD.organization_id AND e.id = OLD.entry_id;
    IF FOUND AND v_entry.status <> 'draft' AND app_private.is_member_call() THEN
      RAISE EXCEPTION 'entry % is %', v_entry.entry_number, v_entry.status USING ERRCODE = 'PT409', DETAIL = 'eln_entry.signed',
        HINT = 'The links of a signed entry are part of its record; add a new one instead.';
    END IF;
    RETURN OLD;
  END IF;
  v_entry := app_private.visible_eln_entry(NEW.organization_id, NEW.entry_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('eln.write', v_entry.site_id);
  END IF;
  NEW.created_by := auth.user_id();
  NEW.created_at := now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_eln_links__prepare() IS
  'BEFORE INSERT/DELETE on eln_links: the tenant guard; the entry must be visible (PT404 eln_entry.not_found) and the member hold eln.write at its site (PT403 permission.missing); who linked and when; the links of a signed entry are kept (PT409 eln_entry.signed). That the linked entity is the caller''s to see is the INSERT policy''s auth.check_entity (PT404 entity.not_found).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.eln_links
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('eln.write');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR DELETE ON app.eln_links
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_eln_links__prepare();

-- Results record the entry they come from ------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_results__eln_entry() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  -- Same tenant by the composite key; a member names only an entry they see.
  IF NEW.eln_entry_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.eln_entry_id IS DISTINCT FROM OLD.eln_entry_id) THEN
    PERFORM app_private.visible_eln_entry(NEW.organization_id, NEW.eln_entry_id);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_results__eln_entry() IS
  'BEFORE INSERT/UPDATE OF eln_entry_id on results: the ELN entry a result names is one the member may see (PT404 eln_entry.not_found); the composite key keeps it in the result''s tenant.';
CREATE OR REPLACE TRIGGER _210_eln_entry BEFORE INSERT OR UPDATE OF eln_entry_id ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_results__eln_entry();

-- Signing ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app.sign_eln_entry(entry_id uuid, version integer, meaning app.eln_signature_meaning, password text, reason text)
RETURNS app.eln_signatures
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_entry app.eln_entries;
  v_version app.eln_entry_versions;
  v_signature jsonb;
  v_row app.eln_signatures;
  v_glp boolean;
BEGIN
  IF NOT app_private.is_member_call() THEN
    RAISE EXCEPTION 'signing needs a signed-in member' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Sign in as a member of the tenant.';
  END IF;
  v_entry := app_private.visible_eln_entry(auth.org_id(), sign_eln_entry.entry_id);
  IF sign_eln_entry.version IS DISTINCT FROM v_entry.current_version THEN
    RAISE EXCEPTION 'version % of % is not its current version (%)', sign_eln_entry.version, v_entry.entry_number, v_entry.current_version
      USING ERRCODE = 'PT409', DETAIL = 'eln_entry.not_current', HINT = 'Sign the current version (eln_entries.current_version).';
  END IF;
  IF coalesce(btrim(reason), '') = '' THEN
    PERFORM app_private.raise_invalid('signature.reason_required', 'a signature needs a reason', 'State what you sign for, e.g. "I performed this work".');
  END IF;
  IF meaning = 'authored' THEN
    IF v_entry.author_id <> auth.user_id() THEN
      RAISE EXCEPTION 'only the author signs % as authored', v_entry.entry_number USING ERRCODE = 'PT403', DETAIL = 'eln_entry.not_author',
        HINT = 'Another person signs as witnessed.';
    END IF;
    PERFORM auth.check_permission_at('eln.write', v_entry.site_id);
    IF v_entry.status <> 'draft' THEN
      RAISE EXCEPTION 'version % of % is already signed', v_entry.current_version, v_entry.entry_number USING ERRCODE = 'PT409',
        DETAIL = 'eln_entry.already_signed', HINT = 'Amend it to change it: POST /eln_entry_versions with an amendment_reason.';
    END IF;
  ELSE
    IF v_entry.author_id = auth.user_id() THEN
      RAISE EXCEPTION 'the author cannot witness %', v_entry.entry_number USING ERRCODE = 'PT403', DETAIL = 'eln_entry.witness_is_author',
        HINT = 'A witness is another person who saw and understood the work.';
    END IF;
    PERFORM auth.check_permission_at('eln.witness', v_entry.site_id);
    IF v_entry.status = 'draft' THEN
      RAISE EXCEPTION 'version % of % is not signed by its author yet', v_entry.current_version, v_entry.entry_number USING ERRCODE = 'PT409',
        DETAIL = 'eln_entry.not_signed', HINT = 'The author signs first (meaning authored).';
    ELSIF v_entry.status = 'witnessed' THEN
      RAISE EXCEPTION 'version % of % is already witnessed', v_entry.current_version, v_entry.entry_number USING ERRCODE = 'PT409',
        DETAIL = 'eln_entry.already_signed', HINT = 'One witness signature per version.';
    END IF;
  END IF;

  SELECT * INTO v_version FROM app.eln_entry_versions AS v
   WHERE v.organization_id = v_entry.organization_id AND v.entry_id = v_entry.id AND v.version = v_entry.current_version;
  v_signature := app_private.sign_payload(password, meaning::text, btrim(reason),
    pg_catalog.jsonb_build_object('entity_type', 'eln_entry', 'entry_id', v_entry.id, 'entry_number', v_entry.entry_number,
                                  'version', v_version.version, 'content_sha256', v_version.content_sha256));
  IF v_signature ? 'refused' THEN
    RETURN NULL;
  END IF;
  INSERT INTO app.eln_signatures (organization_id, entry_id, version, meaning, signer_id, reason, signature)
  VALUES (v_entry.organization_id, v_entry.id, v_version.version, meaning, auth.user_id(), btrim(reason), v_signature)
  RETURNING * INTO v_row;
  -- With glp_esignatures_required on, an entry is complete only once witnessed.
  v_glp := coalesce((app_private.feature_flag(v_entry.organization_id, 'glp_esignatures_required'))::boolean, false);
  UPDATE app.eln_entries AS e
     SET status = CASE meaning WHEN 'authored' THEN 'signed'::app.eln_entry_status ELSE 'witnessed' END,
         completed_at = CASE WHEN meaning = 'witnessed' OR NOT v_glp THEN coalesce(e.completed_at, now()) END
   WHERE e.organization_id = v_entry.organization_id AND e.id = v_entry.id
  RETURNING * INTO v_entry;
  PERFORM app_private.publish_event(v_entry.organization_id, 'eln_entry.signed',
    pg_catalog.jsonb_build_object('entry_id', v_entry.id, 'entry_number', v_entry.entry_number, 'version', v_row.version,
                                  'meaning', meaning, 'signer_id', v_row.signer_id, 'payload_sha256', v_signature ->> 'payload_sha256',
                                  'completed', v_entry.completed_at IS NOT NULL),
    'eln_entry', v_entry.id);
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.sign_eln_entry(uuid, integer, app.eln_signature_meaning, text, text) IS
  E'Signs the current version of an ELN entry with your sign-in password: meaning authored (the author, eln.write at its site; locks the version) or witnessed (another person with eln.witness at its site, after the author). The signature record {meaning, reason, payload, payload_sha256} names the version''s content checksum. The entry is complete when signed by its author, or, with the tenant''s glp_esignatures_required flag on, when witnessed. A wrong password signs nothing and returns null with HTTP 403 (header Pulse-Refusal: signature.wrong_password), counted towards the sign-in lockout. Publishes eln_entry.signed.\nErrors: PT403 eln_entry.not_author, eln_entry.witness_is_author, permission.missing; PT404 eln_entry.not_found; PT409 eln_entry.not_current, eln_entry.already_signed, eln_entry.not_signed; PT422 signature.reason_required; PT429 locked.';

-- Diff ------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app.eln_entry_diff(entry_id uuid, from_version integer, to_version integer)
RETURNS TABLE (section text, key text, change text, old_value jsonb, new_value jsonb)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_old jsonb;
  v_new jsonb;
BEGIN
  -- As the caller: the versions' policies decide what they may read.
  SELECT v.content INTO v_old FROM app.eln_entry_versions AS v
   WHERE v.organization_id = auth.org_id() AND v.entry_id = eln_entry_diff.entry_id AND v.version = from_version;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'version % of ELN entry % not found', from_version, eln_entry_diff.entry_id USING ERRCODE = 'PT404',
      DETAIL = 'eln_version.not_found', HINT = 'GET /eln_entry_versions?entry_id=eq.<id>&select=version lists the versions you may read.';
  END IF;
  SELECT v.content INTO v_new FROM app.eln_entry_versions AS v
   WHERE v.organization_id = auth.org_id() AND v.entry_id = eln_entry_diff.entry_id AND v.version = to_version;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'version % of ELN entry % not found', to_version, eln_entry_diff.entry_id USING ERRCODE = 'PT404',
      DETAIL = 'eln_version.not_found', HINT = 'GET /eln_entry_versions?entry_id=eq.<id>&select=version lists the versions you may read.';
  END IF;
  RETURN QUERY
  WITH sections AS (
    SELECT s AS name, v_old -> s AS o, v_new -> s AS n
      FROM (SELECT pg_catalog.jsonb_object_keys(v_old) UNION SELECT pg_catalog.jsonb_object_keys(v_new)) AS k (s)
  ), whole AS (
    -- A section added or removed, or one that is not an object on both sides.
    SELECT s.name, NULL::text AS k, CASE WHEN s.o IS NULL THEN 'added' WHEN s.n IS NULL THEN 'removed' ELSE 'changed' END AS c, s.o, s.n
      FROM sections AS s
     WHERE s.o IS DISTINCT FROM s.n
       AND NOT (pg_catalog.jsonb_typeof(s.o) = 'object' AND pg_catalog.jsonb_typeof(s.n) = 'object')
  ), keyed AS (
    SELECT s.name, k.k, CASE WHEN s.o -> k.k IS NULL THEN 'added' WHEN s.n -> k.k IS NULL THEN 'removed' ELSE 'changed' END, s.o -> k.k, s.n -> k.k
      FROM sections AS s
      CROSS JOIN LATERAL (SELECT pg_catalog.jsonb_object_keys(s.o) UNION SELECT pg_catalog.jsonb_object_keys(s.n)) AS k (k)
     WHERE pg_catalog.jsonb_typeof(s.o) = 'object' AND pg_catalog.jsonb_typeof(s.n) = 'object'
       AND s.o -> k.k IS DISTINCT FROM s.n -> k.k
  )
  SELECT * FROM whole UNION ALL SELECT * FROM keyed
  ORDER BY 1, 2 NULLS FIRST;
END
$$;
COMMENT ON FUNCTION app.eln_entry_diff(uuid, integer, integer) IS
  E'What changed between two versions of an ELN entry, per section: a section added, removed or changed as a whole (key empty), or, for sections that are objects in both, each key added, removed or changed, with the old and new values. Reads the versions as the caller.\nErrors: PT404 eln_version.not_found.';
