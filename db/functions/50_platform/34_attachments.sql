-- Attachments (migration platform/attachments): files in the object store on
-- entities of any registered type, on one of their comments, or answering an
-- item of one of their checklists (a photo: image/* only; 15_checklists.sql
-- counts a stored one as the item's photo). The upload
-- follows the documents' flow (50_platform/62_uploads.sql): insert the row
-- (holders of attachment.upload who may read the entity), PUT the bytes to
-- app.attachment_upload_url, app.confirm_attachment_upload, and the verify
-- worker stores or rejects it (app_private.record_attachment_check). Who may
-- read the entity reads its attachments and gets a download URL of a stored
-- one (app.attachment_download_url, logged in app.attachment_downloads). The
-- uploader or a holder of comment.moderate deletes one; the row goes with its
-- entity or comment too, and its object key is queued in
-- app_private.object_purges for `pulse storage purge`. Objects live at
-- tenants/<organization id>/attachments/<attachment id>/<file_name>.
-- Policies: db/policies/50_platform.sql, "Attachments".

CREATE OR REPLACE FUNCTION app_private.attachment_object_path(p_attachment app.attachments) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT pg_catalog.format('attachments/%s/%s', p_attachment.id, p_attachment.file_name)
$$;

COMMENT ON FUNCTION app_private.attachment_object_path(app.attachments) IS
  'The path of an attachment''s file inside its tenant''s storage, attachments/<id>/<file_name> (the key is tenants/<organization id>/<path>): one per attachment, never changing.';

CREATE OR REPLACE FUNCTION app_private.tg_attachments__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  PERFORM app_private.entity_type_of(NEW.entity_type);
  NEW.mime_type := pg_catalog.lower(NEW.mime_type);
  NEW.sha256 := pg_catalog.lower(NEW.sha256);
  IF NEW.file_name IS NULL OR pg_catalog.length(NEW.file_name) NOT BETWEEN 1 AND 255
     OR NEW.file_name ~ '[/\\[:cntrl:]]' OR NEW.file_name IN ('.', '..') THEN
    PERFORM app_private.raise_invalid('attachment.file_name_invalid', pg_catalog.format('%L is not a file name', NEW.file_name),
      'Send the original file name: 1 to 255 characters without / \ or control characters.');
  END IF;
  IF NEW.mime_type IS NULL OR NEW.mime_type !~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$' THEN
    PERFORM app_private.raise_invalid('attachment.mime_type_invalid', pg_catalog.format('%L is not a media type', NEW.mime_type),
      'Send a media type such as application/pdf or image/png.');
  END IF;
  IF NEW.size_bytes IS NULL OR NEW.size_bytes NOT BETWEEN 1 AND 5368709120 THEN
    PERFORM app_private.raise_invalid('attachment.size_invalid', pg_catalog.format('a size of %s bytes', NEW.size_bytes),
      'Declare the file''s size: 1 byte to 5 GiB.');
  END IF;
  IF NEW.sha256 IS NULL OR NEW.sha256 !~ '^[0-9a-f]{64}$' THEN
    PERFORM app_private.raise_invalid('attachment.sha256_invalid', 'the sha256 is not 64 hex digits',
      'Declare the file''s sha256 as 64 hex digits.');
  END IF;
  IF NEW.comment_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.comments AS c
        WHERE c.organization_id = NEW.organization_id AND c.id = NEW.comment_id
          AND c.entity_type = NEW.entity_type AND c.entity_id = NEW.entity_id) THEN
    PERFORM app_private.raise_invalid('attachment.comment_invalid', 'the comment is not a comment of this entity',
      'comment_id names a comment of the same entity (GET /comments?entity_type=eq.<type>&entity_id=eq.<id>).');
  END IF;
  -- A photo answering a checklist item: an image, on an item that takes photos of a checklist of the same entity.
  IF NEW.checklist_item_id IS NOT NULL THEN
    IF NOT EXISTS (
         SELECT FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
          WHERE i.organization_id = NEW.organization_id AND i.id = NEW.checklist_item_id AND i.photo_required
            AND c.entity_type = NEW.entity_type AND c.entity_id = NEW.entity_id) THEN
      PERFORM app_private.raise_invalid('attachment.checklist_item_invalid', 'the checklist item is not an item of this entity that takes photos',
        'checklist_item_id names an item of kind photo or with photo_required of a checklist on the same entity (GET /checklist_items).');
    END IF;
    IF NEW.mime_type NOT LIKE 'image/%' THEN
      PERFORM app_private.raise_invalid('attachment.photo_not_image', pg_catalog.format('a checklist photo must be an image, not %s', NEW.mime_type),
        'Attach an image (image/jpeg, image/png, image/heic, ...) to a checklist item.');
    END IF;
  END IF;
  NEW.uploaded_by := coalesce(auth.user_id(), NEW.uploaded_by);
  NEW.created_at := pg_catalog.now();
  NEW.upload_state := 'pending';
  NEW.upload_rejection := NULL;
  NEW.upload_confirmed_at := NULL;
  NEW.upload_checked_at := NULL;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_attachments__prepare() IS
  'BEFORE INSERT on app.attachments (the insert policy checked the entity as the caller): PT422 entity_type.unknown, attachment.file_name_invalid, attachment.mime_type_invalid, attachment.size_invalid, attachment.sha256_invalid, attachment.comment_invalid (not a comment of the same entity), attachment.checklist_item_invalid (not an item taking photos of a checklist on the same entity), attachment.photo_not_image (a checklist photo that is not image/*); lowers mime type and sha256; the row starts pending, uploaded by the caller.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.attachments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_attachments__prepare();

CREATE OR REPLACE FUNCTION app_private.tg_attachments__queue_purge() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app_private.object_purges (object_key)
  VALUES (app_private.tenant_object_key(OLD.organization_id, app_private.attachment_object_path(OLD)))
  ON CONFLICT (object_key) DO NOTHING;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_attachments__queue_purge() IS
  'AFTER DELETE on app.attachments: queues the object key of every deleted attachment in app_private.object_purges, whatever its upload state (a pending file may have been uploaded without being confirmed); `pulse storage purge` deletes the objects.';

CREATE OR REPLACE TRIGGER _500_queue_purge AFTER DELETE ON app.attachments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_attachments__queue_purge();

-- The uploader's own attachment, in the active tenant: upload URL and
-- confirmation are theirs alone (they could read the entity when they
-- created the row: the insert policy checked it).
CREATE OR REPLACE FUNCTION app_private.find_own_attachment(p_attachment_id uuid, p_lock boolean DEFAULT false)
RETURNS app.attachments
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_attachment app.attachments;
BEGIN
  -- A checklist photo is the answerer's (no attachment.upload needed: the insert checked who may answer).
  -- Otherwise attachment.upload, tenant-wide or at the entity's site (as the insert policy asked).
  IF NOT EXISTS (SELECT FROM app.attachments AS a
                  WHERE a.organization_id = auth.org_id() AND a.id = p_attachment_id AND a.uploaded_by = auth.user_id()
                    AND a.checklist_item_id IS NOT NULL)
     AND NOT auth.is_platform_operator()
     AND NOT coalesce((SELECT auth.has_permission('attachment.upload', app_private.entity_site(a.organization_id, a.entity_type, a.entity_id))
                         FROM app.attachments AS a
                        WHERE a.organization_id = auth.org_id() AND a.id = p_attachment_id AND a.uploaded_by = auth.user_id()), false) THEN
    PERFORM auth.check_permission('attachment.upload');
  END IF;
  IF p_lock THEN
    SELECT * INTO v_attachment FROM app.attachments AS a
     WHERE a.organization_id = auth.org_id() AND a.id = p_attachment_id AND a.uploaded_by = auth.user_id() FOR UPDATE;
  ELSE
    SELECT * INTO v_attachment FROM app.attachments AS a
     WHERE a.organization_id = auth.org_id() AND a.id = p_attachment_id AND a.uploaded_by = auth.user_id();
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no attachment % of yours', p_attachment_id USING ERRCODE = 'PT404', DETAIL = 'attachment.not_found',
      HINT = 'Only the person who attached a file uploads and confirms it; GET /attachments lists those you may read.';
  END IF;
  IF v_attachment.upload_state NOT IN ('pending', 'verifying') THEN
    RAISE EXCEPTION 'the attachment is already %', v_attachment.upload_state
      USING ERRCODE = 'PT409', DETAIL = 'attachment_upload.not_pending',
      HINT = 'A file is uploaded once; read upload_state and upload_rejection, and attach the file again if it was rejected.';
  END IF;
  RETURN v_attachment;
END
$$;

COMMENT ON FUNCTION app_private.find_own_attachment(uuid, boolean) IS
  'The caller''s own attachment in the active tenant, still pending or verifying (locked with p_lock), for upload URL and confirmation; PT403 permission.missing (attachment.upload tenant-wide or at the entity''s site, not asked for the caller''s own checklist photo), PT404 attachment.not_found (unknown, another tenant''s or another uploader''s), PT409 attachment_upload.not_pending.';

CREATE OR REPLACE FUNCTION app.attachment_upload_url(attachment_id uuid, expires_in integer DEFAULT 900) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_attachment app.attachments := app_private.find_own_attachment(attachment_upload_url.attachment_id);
BEGIN
  IF v_attachment.upload_state <> 'pending' THEN
    RAISE EXCEPTION 'the attachment is %, not waiting for its file', v_attachment.upload_state
      USING ERRCODE = 'PT409', DETAIL = 'attachment_upload.not_pending',
      HINT = 'A file is uploaded once, before the upload is confirmed.';
  END IF;
  RETURN app_private.presign_tenant_object(v_attachment.organization_id, 'PUT', app_private.attachment_object_path(v_attachment),
                                           attachment_upload_url.expires_in);
END
$$;

COMMENT ON FUNCTION app.attachment_upload_url(uuid, integer) IS
  E'Upload URL of an attachment\nA presigned PUT URL for the file of your pending attachment (expires_in seconds, 900 by default, at most 604800). PUT the exact bytes whose sha256 and size the row declares, then call app.confirm_attachment_upload. Errors: PT403 permission.missing, PT404 attachment.not_found, PT409 attachment_upload.not_pending, PT422 object_url.expiry_invalid, PT503 object_storage.not_configured.';

CREATE OR REPLACE FUNCTION app.confirm_attachment_upload(attachment_id uuid) RETURNS app.attachments
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_attachment app.attachments := app_private.find_own_attachment(confirm_attachment_upload.attachment_id, true);
BEGIN
  IF v_attachment.upload_state = 'verifying' THEN
    RETURN v_attachment;
  END IF;
  UPDATE app.attachments AS a SET upload_state = 'verifying', upload_confirmed_at = pg_catalog.now()
   WHERE a.organization_id = v_attachment.organization_id AND a.id = v_attachment.id
  RETURNING * INTO v_attachment;
  PERFORM pg_catalog.pg_notify('pulse_attachment_uploads', v_attachment.id::text);
  RETURN v_attachment;
END
$$;

COMMENT ON FUNCTION app.confirm_attachment_upload(uuid) IS
  E'Confirm an attachment upload\nSays the file of your pending attachment is uploaded: it becomes verifying and the verify worker checks the stored object (usually within a second); upload_state then turns stored or rejected (upload_rejection says why) and you are notified. Calling it again while verifying returns the row unchanged. Errors: PT403 permission.missing, PT404 attachment.not_found, PT409 attachment_upload.not_pending.';

-- SECURITY INVOKER: reading the attachment and writing the download log go
-- through the caller's row-level security (they may read the entity); only
-- the signature is the owner's (auth.sign_attachment_download).
CREATE OR REPLACE FUNCTION app.attachment_download_url(attachment_id uuid, expires_in integer DEFAULT 300) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_attachment app.attachments;
  v_download uuid;
BEGIN
  SELECT * INTO v_attachment FROM app.attachments AS a
   WHERE a.organization_id = auth.org_id() AND a.id = attachment_download_url.attachment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no attachment %', attachment_download_url.attachment_id USING ERRCODE = 'PT404',
      DETAIL = 'attachment.not_found', HINT = 'GET /attachments?entity_type=eq.<type>&entity_id=eq.<id> lists those you may read.';
  END IF;
  IF v_attachment.upload_state <> 'stored' THEN
    RAISE EXCEPTION 'the attachment has no stored file (%)', v_attachment.upload_state
      USING ERRCODE = 'PT409', DETAIL = 'attachment_upload.not_stored',
      HINT = 'Only an attachment whose file was checked (upload_state stored) can be downloaded.';
  END IF;
  INSERT INTO app.attachment_downloads (attachment_id) VALUES (v_attachment.id) RETURNING id INTO v_download;
  RETURN auth.sign_attachment_download(v_download, attachment_download_url.expires_in);
END
$$;

COMMENT ON FUNCTION app.attachment_download_url(uuid, integer) IS
  E'Download URL of an attachment\nA presigned GET URL for a stored attachment of an entity you may read (expires_in seconds, 300 by default, at most 604800); logged in attachment_downloads. Errors: PT404 attachment.not_found, PT409 attachment_upload.not_stored, PT422 object_url.expiry_invalid, PT503 object_storage.not_configured.';

CREATE OR REPLACE FUNCTION auth.sign_attachment_download(p_download_id uuid, p_expires_in integer) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_attachment app.attachments;
BEGIN
  -- The proof that the caller may read the attachment: their own download row,
  -- written in this transaction through row-level security (its insert policy
  -- reads the attachment as the caller).
  SELECT a.* INTO v_attachment
    FROM app.attachment_downloads AS d
    JOIN app.attachments AS a ON a.organization_id = d.organization_id AND a.id = d.attachment_id
   WHERE d.organization_id = auth.org_id() AND d.id = p_download_id AND d.user_id = auth.user_id()
     AND d.downloaded_at = pg_catalog.now() AND a.upload_state = 'stored';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no download % of yours in this transaction', p_download_id USING ERRCODE = 'PT404',
      DETAIL = 'attachment.not_found', HINT = 'Ask app.attachment_download_url.';
  END IF;
  RETURN app_private.presign_tenant_object(v_attachment.organization_id, 'GET', app_private.attachment_object_path(v_attachment),
                                           p_expires_in);
END
$$;

COMMENT ON FUNCTION auth.sign_attachment_download(uuid, integer) IS
  'The presigned GET URL behind app.attachment_download_url: signs only for a download row of the caller written in the current transaction (its insert passed the caller''s row-level security) of a stored attachment; PT404 attachment.not_found otherwise.';

CREATE OR REPLACE FUNCTION app_private.tg_attachment_downloads__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.user_id := auth.user_id();
  NEW.downloaded_at := pg_catalog.now();
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_attachment_downloads__prepare() IS
  'BEFORE INSERT on app.attachment_downloads: the row is the caller''s, now.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.attachment_downloads
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_attachment_downloads__prepare();

CREATE OR REPLACE FUNCTION app_private.record_attachment_check(p_attachment_id uuid, p_size_bytes bigint, p_sha256 text)
RETURNS app.attachments
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_attachment app.attachments;
  v_reason text;
BEGIN
  SELECT * INTO v_attachment FROM app.attachments WHERE id = p_attachment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no attachment %', p_attachment_id USING ERRCODE = 'PT404', DETAIL = 'attachment.not_found',
      HINT = 'app_private.attachment_checks_due() lists the attachments waiting for their check.';
  END IF;
  SELECT * INTO v_attachment FROM app.attachments
   WHERE organization_id = v_attachment.organization_id AND id = p_attachment_id FOR UPDATE;
  IF v_attachment.upload_state <> 'verifying' THEN
    RETURN v_attachment;  -- decided already (a second worker, a repeated report)
  END IF;
  v_reason := app_private.upload_rejection(v_attachment.size_bytes, v_attachment.sha256, p_size_bytes, p_sha256);
  UPDATE app.attachments
     SET upload_state = CASE WHEN v_reason IS NULL THEN 'stored' ELSE 'rejected' END::app.upload_state,
         upload_rejection = v_reason, upload_checked_at = pg_catalog.now()
   WHERE organization_id = v_attachment.organization_id AND id = v_attachment.id
  RETURNING * INTO v_attachment;
  PERFORM app_private.notify(v_attachment.organization_id, ARRAY[v_attachment.uploaded_by], 'attachment',
    pg_catalog.format(CASE WHEN v_reason IS NULL THEN '%s is stored' ELSE '%s was rejected' END, v_attachment.file_name),
    coalesce(app_private.upload_rejection_message(v_reason, v_attachment.size_bytes, p_size_bytes), v_attachment.file_name),
    CASE WHEN v_reason IS NULL THEN 'low' ELSE 'normal' END::app.priority_level,
    CASE WHEN v_attachment.entity_type = 'project' THEN v_attachment.entity_id END, v_attachment.entity_type, v_attachment.entity_id);
  RETURN v_attachment;
END
$$;

COMMENT ON FUNCTION app_private.record_attachment_check(uuid, bigint, text) IS
  'The verify worker''s report on a confirmed attachment: the stored object''s size and sha256 (NULL size: no object). Stored when both match the declaration, else rejected (app_private.upload_rejection); the uploader is notified either way. An attachment no longer verifying is returned unchanged. PT404 attachment.not_found.';

CREATE OR REPLACE FUNCTION app_private.attachment_checks_due(p_limit integer DEFAULT 20)
RETURNS TABLE (attachment_id uuid, size_bytes bigint, sha256 text, url text)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
  SELECT a.id, a.size_bytes, a.sha256,
         (app_private.presign_tenant_object(a.organization_id, 'GET', app_private.attachment_object_path(a), 300, true)).url
    FROM app.attachments AS a
   WHERE a.upload_state = 'verifying'
   ORDER BY a.upload_confirmed_at, a.id
   LIMIT p_limit;
END
$$;

COMMENT ON FUNCTION app_private.attachment_checks_due(integer) IS
  'Confirmed attachments waiting for their check, oldest first, each with its declared size and sha256 and a GET URL on the workers'' endpoint (5 minutes). The verify worker fetches each and reports to app_private.record_attachment_check.';

CREATE OR REPLACE FUNCTION app_private.object_purges_due(p_limit integer DEFAULT 100)
RETURNS TABLE (object_key text, url text)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  -- The key is already the whole key (tenants/<organization id>/...): sign the
  -- path inside the tenant's prefix.
  RETURN QUERY
  SELECT p.object_key,
         (app_private.presign_tenant_object(pg_catalog.split_part(p.object_key, '/', 2)::uuid, 'DELETE',
            pg_catalog.substr(p.object_key, pg_catalog.length('tenants/') + 36 + 2), 300, true)).url
    FROM app_private.object_purges AS p
   ORDER BY p.queued_at, p.object_key
   LIMIT p_limit;
END
$$;

COMMENT ON FUNCTION app_private.object_purges_due(integer) IS
  'Objects of deleted attachments still to delete from the store, oldest first, each with a DELETE URL on the workers'' endpoint (5 minutes). `pulse storage purge` deletes each and calls app_private.record_object_purged.';

CREATE OR REPLACE FUNCTION app_private.record_object_purged(p_object_key text) RETURNS boolean
LANGUAGE sql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM app_private.object_purges WHERE object_key = p_object_key RETURNING 1)
  SELECT EXISTS (SELECT FROM gone)
$$;

COMMENT ON FUNCTION app_private.record_object_purged(text) IS
  'The purge worker deleted the object (or the store had none): its key leaves the purge list. Returns whether it was listed.';
