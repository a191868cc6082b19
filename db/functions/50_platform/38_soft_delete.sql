-- Soft delete (migration platform/soft_delete; docs/platform/soft-delete.md).
-- An entity type opts in with one line in its domain's repeatables:
--   SELECT app_private.enable_soft_delete('project', 'project.update');
-- Its table carries deleted_at, deleted_by, deletion_reason; its SELECT
-- policy shows a trashed row only to holders of trash.manage. app.soft_delete
-- and app.restore run as the caller (SECURITY INVOKER: the caller must see
-- the row under row-level security) and write through auth.set_deleted.

CREATE OR REPLACE FUNCTION app_private.trash_retention(p_organization_id uuid) RETURNS interval
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.make_interval(days => (app_private.feature_flag(p_organization_id, 'soft_delete_retention_days'))::integer);
$$;
COMMENT ON FUNCTION app_private.trash_retention(uuid) IS
  'How long a row of the tenant stays in the trash before the purge-trash job hard-deletes it: the feature flag soft_delete_retention_days (30 days unless the tenant set it, 1 to 3650).';

CREATE OR REPLACE FUNCTION app_private.enable_soft_delete(p_entity_type text, p_delete_permission text,
                                                           p_site_function regprocedure) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_type app_private.entity_types := app_private.entity_type_of(p_entity_type);
BEGIN
  IF (SELECT count(*) FROM pg_catalog.pg_attribute
       WHERE attrelid = v_type.table_name AND NOT attisdropped
         AND attname IN ('deleted_at', 'deleted_by', 'deletion_reason')) <> 3 THEN
    RAISE EXCEPTION 'soft delete needs deleted_at, deleted_by and deletion_reason on %', v_type.table_name
      USING ERRCODE = 'PT422', DETAIL = 'soft_delete.table_invalid',
            HINT = 'Add the three columns in a migration (see platform/soft_delete), then hide trashed rows in the SELECT policy.';
  END IF;
  INSERT INTO app_private.soft_delete_types (entity_type, delete_permission, site_function)
  VALUES (p_entity_type, p_delete_permission, p_site_function)
  ON CONFLICT (entity_type) DO UPDATE SET delete_permission = EXCLUDED.delete_permission, site_function = EXCLUDED.site_function;
END
$$;
COMMENT ON FUNCTION app_private.enable_soft_delete(text, text, regprocedure) IS
  'Opts a registered entity type into soft delete (one call in the domain''s repeatables): its table has deleted_at, deleted_by and deletion_reason (PT422 soft_delete.table_invalid otherwise); p_delete_permission moves a row to the trash, checked at the row''s site (p_site_function(organization_id, id) returns it) for site-scoped types, tenant-wide when p_site_function is null.';

CREATE OR REPLACE FUNCTION app_private.enable_soft_delete(p_entity_type text, p_delete_permission text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  SELECT app_private.enable_soft_delete(p_entity_type, p_delete_permission, NULL::regprocedure);
$$;
COMMENT ON FUNCTION app_private.enable_soft_delete(text, text) IS
  'Opts a registered entity type into soft delete with a tenant-wide delete permission (see the three-argument form for site-scoped types).';

-- Whether the caller may move a row of the type to the trash (p_deleting) or
-- restore it: the type's delete permission, or trash.manage, held
-- tenant-wide, or (site-scoped types) at the row's site; platform operators
-- pass. With p_entity_id null (the early check, before the row is looked
-- at): held tenant-wide or at some site. Definer: the site functions read
-- the row whatever the caller sees (the callers check visibility first).
CREATE OR REPLACE FUNCTION auth.check_trash_permission(p_entity_type text, p_entity_id uuid, p_deleting boolean) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_permission text;
  v_site_function regprocedure;
  v_site_id uuid;
BEGIN
  SELECT CASE WHEN p_deleting THEN s.delete_permission ELSE 'trash.manage' END, s.site_function
    INTO v_permission, v_site_function
    FROM app_private.soft_delete_types AS s WHERE s.entity_type = p_entity_type;
  IF NOT FOUND THEN
    PERFORM auth.soft_delete_registration(p_entity_type);  -- PT422 entity_type.unknown or soft_delete.not_enabled
  END IF;
  IF auth.is_platform_operator() OR auth.has_permission(v_permission) THEN
    RETURN true;
  END IF;
  IF v_site_function IS NOT NULL THEN
    IF p_entity_id IS NULL THEN
      IF pg_catalog.cardinality(auth.permitted_site_ids(v_permission)) > 0 THEN
        RETURN true;
      END IF;
    ELSE
      EXECUTE pg_catalog.format('SELECT %s($1, $2)', v_site_function::regproc) INTO v_site_id USING auth.org_id(), p_entity_id;
      RETURN auth.check_permission_at(v_permission, v_site_id);
    END IF;
  END IF;
  RETURN auth.check_permission(v_permission);
END
$$;
COMMENT ON FUNCTION auth.check_trash_permission(text, uuid, boolean) IS
  'true when the caller may move a row of the type to the trash (p_deleting: its delete permission) or restore it (trash.manage): tenant-wide, or at the row''s site for site-scoped types (with a null id: at some site); platform operators pass. PT403 permission.missing otherwise.';

CREATE OR REPLACE FUNCTION auth.soft_delete_registration(p_entity_type text)
  RETURNS TABLE (table_name regclass, delete_permission text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.entity_type_of(p_entity_type);  -- PT422 entity_type.unknown
  RETURN QUERY SELECT t.table_name, s.delete_permission
                 FROM app_private.soft_delete_types AS s
                 JOIN app_private.entity_types AS t USING (entity_type)
                WHERE s.entity_type = p_entity_type;
  IF NOT FOUND THEN
    RAISE EXCEPTION '% has no trash', p_entity_type USING ERRCODE = 'PT422', DETAIL = 'soft_delete.not_enabled',
      HINT = 'Only entity types that opted in to soft delete can be moved to the trash.';
  END IF;
END
$$;
COMMENT ON FUNCTION auth.soft_delete_registration(text) IS
  'The table and delete permission of an entity type with soft delete; PT422 entity_type.unknown or soft_delete.not_enabled otherwise.';

-- The write behind app.soft_delete and app.restore. SECURITY DEFINER (API
-- roles may not write the trash columns), so it re-checks the tenant and the
-- permission; whether the caller may see the row is checked by the callers,
-- as the caller.
CREATE OR REPLACE FUNCTION auth.set_deleted(p_entity_type text, p_entity_id uuid, p_deleted boolean, p_reason text)
  RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_reg record;
  v_state timestamptz;
  v_found boolean;
BEGIN
  SELECT * INTO v_reg FROM auth.soft_delete_registration(p_entity_type);
  PERFORM auth.check_trash_permission(p_entity_type, p_entity_id, p_deleted);
  EXECUTE pg_catalog.format('SELECT true, deleted_at FROM %s WHERE organization_id = $1 AND id = $2 FOR UPDATE', v_reg.table_name)
     INTO v_found, v_state USING auth.org_id(), p_entity_id;
  IF v_found IS NULL THEN
    RAISE EXCEPTION '% not found', p_entity_type USING ERRCODE = 'PT404', DETAIL = 'entity.not_found',
      HINT = 'The entity does not exist in your active tenant, or you may not see it.';
  ELSIF p_deleted AND v_state IS NOT NULL THEN
    RAISE EXCEPTION '% is already in the trash', p_entity_type USING ERRCODE = 'PT409', DETAIL = 'entity.already_deleted',
      HINT = 'app.restore takes it out of the trash.';
  ELSIF NOT p_deleted AND v_state IS NULL THEN
    RAISE EXCEPTION '% is not in the trash', p_entity_type USING ERRCODE = 'PT409', DETAIL = 'entity.not_deleted',
      HINT = 'app.trash lists what is in the trash.';
  END IF;
  EXECUTE pg_catalog.format(
    'UPDATE %s SET deleted_at = CASE WHEN $3 THEN pg_catalog.now() END, deleted_by = CASE WHEN $3 THEN $4 END,'
    ' deletion_reason = CASE WHEN $3 THEN $5 END WHERE organization_id = $1 AND id = $2', v_reg.table_name)
    USING auth.org_id(), p_entity_id, p_deleted, auth.user_id(), p_reason;
END
$$;
COMMENT ON FUNCTION auth.set_deleted(text, uuid, boolean, text) IS
  'Moves a row of the caller''s tenant to the trash (the type''s delete permission) or back (trash.manage), tenant-wide or at the row''s site for site-scoped types (auth.check_trash_permission); for app.soft_delete and app.restore, which first check as the caller that they may see the row. Errors: PT403 permission.missing, PT404 entity.not_found, PT409 entity.already_deleted or entity.not_deleted, PT422 soft_delete.not_enabled.';

CREATE OR REPLACE FUNCTION app.soft_delete(entity_type text, entity_id uuid, reason text) RETURNS void
LANGUAGE plpgsql VOLATILE
SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  v_reg record;
BEGIN
  SELECT * INTO v_reg FROM auth.soft_delete_registration(soft_delete.entity_type);
  PERFORM auth.check_trash_permission(soft_delete.entity_type, NULL, true);
  IF coalesce(btrim(soft_delete.reason), '') = '' OR pg_catalog.length(soft_delete.reason) > 2000 THEN
    RAISE EXCEPTION 'moving to the trash needs a reason (at most 2000 characters)' USING ERRCODE = 'PT422',
      DETAIL = 'soft_delete.reason_required', HINT = 'Send {"entity_type": "project", "entity_id": "...", "reason": "why"}.';
  END IF;
  PERFORM auth.check_entity(soft_delete.entity_type, soft_delete.entity_id);  -- as the caller: PT404 if unseen
  PERFORM auth.set_deleted(soft_delete.entity_type, soft_delete.entity_id, true, btrim(soft_delete.reason));
END
$$;
COMMENT ON FUNCTION app.soft_delete(text, uuid, text) IS
  E'Move to the trash\nMoves an entity (project, document, or another type that opted in) to the trash: it disappears from lists, search and the portal; holders of trash.manage still see it (app.trash) and may restore it within the tenant''s retention (feature flag soft_delete_retention_days, 30 days by default), after which the purge-trash job deletes it for good (where no append-only trail or retention keeps it). Needs the type''s delete permission (project.update for projects and documents). Errors: PT403 permission.missing, PT404 entity.not_found, PT409 entity.already_deleted, PT422 soft_delete.reason_required, soft_delete.not_enabled, entity_type.unknown.';

CREATE OR REPLACE FUNCTION app.restore(entity_type text, entity_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.soft_delete_registration(restore.entity_type);
  PERFORM auth.check_trash_permission(restore.entity_type, NULL, false);
  PERFORM auth.check_entity(restore.entity_type, restore.entity_id);  -- as the caller: PT404 if unseen
  PERFORM auth.set_deleted(restore.entity_type, restore.entity_id, false, NULL);
END
$$;
COMMENT ON FUNCTION app.restore(text, uuid) IS
  E'Restore from the trash\nTakes an entity out of the trash (trash.manage). Errors: PT403 permission.missing, PT404 entity.not_found, PT409 entity.not_deleted, PT422 soft_delete.not_enabled, entity_type.unknown.';

-- For app.trash, which runs as the caller: the opted-in types and the retention.
CREATE OR REPLACE FUNCTION auth.trash_types()
  RETURNS TABLE (entity_type text, table_name regclass, title_column text, number_column text, retention interval)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT s.entity_type, t.table_name, t.title_column, t.number_column, app_private.trash_retention(auth.org_id())
    FROM app_private.soft_delete_types AS s
    JOIN app_private.entity_types AS t USING (entity_type);
$$;
COMMENT ON FUNCTION auth.trash_types() IS
  'The entity types with soft delete (table, title and human id columns) and the caller''s tenant''s trash retention, for app.trash.';

CREATE OR REPLACE FUNCTION app.trash(entity_types text[] DEFAULT NULL)
  RETURNS TABLE (entity_type text, entity_id uuid, title text, deleted_at timestamptz, deleted_by uuid, deletion_reason text,
                 purge_after timestamptz)
LANGUAGE plpgsql STABLE
SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
  v_type record;
BEGIN
  PERFORM auth.check_permission('trash.manage');
  FOR v_type IN
    SELECT * FROM auth.trash_types() AS s
     WHERE trash.entity_types IS NULL OR s.entity_type = ANY (trash.entity_types)
     ORDER BY s.entity_type
  LOOP
    -- As the caller: row-level security shows trashed rows to trash.manage holders only.
    RETURN QUERY EXECUTE pg_catalog.format(
      'SELECT %L::text, t.id, concat_ws('' '', %s, t.%I)::text, t.deleted_at, t.deleted_by, t.deletion_reason,'
      ' t.deleted_at + $2 FROM %s AS t WHERE t.organization_id = $1 AND t.deleted_at IS NOT NULL ORDER BY t.deleted_at DESC, t.id',
      v_type.entity_type, coalesce('t.' || pg_catalog.quote_ident(v_type.number_column), 'NULL'), v_type.title_column,
      v_type.table_name)
      USING auth.org_id(), v_type.retention;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app.trash(text[]) IS
  E'Trash\nWhat is in the trash of the caller''s tenant (trash.manage): type, id, human name, when, by whom, why, and when the purge-trash job will delete it for good. Errors: PT403 permission.missing.';

-- The purge-trash job (app_private.jobs): rows in the trash longer than the
-- retention are deleted for good, each in its own subtransaction. A row an
-- append-only trail or a retention rule keeps (PT409: a project's stage
-- transitions, row.append_only; a document within its retention,
-- document.in_retention) stays in the trash, hidden, and is tried again on
-- the next run: regulated records outlive the trash, and leave with their
-- tenant (app.purge_organization) or when their retention ends.
CREATE OR REPLACE FUNCTION app_private.purge_trash(p_as_of timestamptz DEFAULT pg_catalog.now()) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_type record;
  v_organization_id uuid;
  v_id uuid;
  v_purged integer := 0;
  v_kept integer := 0;
BEGIN
  FOR v_type IN SELECT * FROM auth.trash_types() ORDER BY entity_type LOOP
    FOR v_organization_id, v_id IN EXECUTE pg_catalog.format(
        'SELECT organization_id, id FROM %s WHERE deleted_at < $1 - app_private.trash_retention(organization_id) ORDER BY deleted_at',
        v_type.table_name)
        USING p_as_of
    LOOP
      BEGIN
        EXECUTE pg_catalog.format('DELETE FROM %s WHERE organization_id = $1 AND id = $2', v_type.table_name)
          USING v_organization_id, v_id;
        v_purged := v_purged + 1;
      EXCEPTION WHEN SQLSTATE 'PT409' OR foreign_key_violation THEN
        v_kept := v_kept + 1;
      END;
    END LOOP;
  END LOOP;
  RETURN pg_catalog.format('purged %s, kept %s (append-only trail or retention)', v_purged, v_kept);
END
$$;
COMMENT ON FUNCTION app_private.purge_trash(timestamptz) IS
  'The purge-trash job: deletes for good what has been in the trash longer than its tenant''s app_private.trash_retention() (as of p_as_of); rows an append-only trail or retention rule keeps (PT409), or that history still references (a restricting foreign key: an asset''s work orders, a storeroom''s stock ledger), stay in the trash. Returns what it did.';
