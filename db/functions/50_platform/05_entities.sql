-- The entity register (migration platform/entities): what the platform
-- blocks need to know about a domain's entity types, and the supertype rows
-- their polymorphic foreign keys point at.

CREATE OR REPLACE FUNCTION app_private.tg_entities__track() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  -- TG_ARGV[0] is the entity type.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO app_private.entities (organization_id, id, entity_type) VALUES (NEW.organization_id, NEW.id, TG_ARGV[0]);
  ELSE
    -- An archived entity keeps its supertype row (app_private.archive_entity).
    DELETE FROM app_private.entities WHERE organization_id = OLD.organization_id AND id = OLD.id AND archived_at IS NULL;
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_entities__track() IS
  'AFTER INSERT/DELETE on a registered table (trigger _001_entity_track, first of the AFTER triggers, so the others may already hang rows off the entity): adds or removes the supertype row in app_private.entities; removing it deletes what hangs off the entity (tags, comments, attachments, ...), unless the entity was archived (archived_at set by app_private.archive_entity before the delete): then it stays, and so does what hangs off it.';

CREATE OR REPLACE FUNCTION app_private.register_entity_type(
  p_entity_type text, p_table regclass, p_title_column text, p_label text, p_number_column text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_columns text[] := ARRAY(
    SELECT attname::text FROM pg_catalog.pg_attribute WHERE attrelid = p_table AND attnum > 0 AND NOT attisdropped);
  v_tracked boolean := EXISTS (
    SELECT FROM pg_catalog.pg_trigger WHERE tgrelid = p_table AND tgname = '_001_entity_track');
BEGIN
  IF NOT (ARRAY['organization_id', 'id', p_title_column] <@ v_columns)
     OR (p_number_column IS NOT NULL AND NOT p_number_column = ANY (v_columns)) THEN
    RAISE EXCEPTION 'an entity table needs organization_id, id and the named title and number columns: %', p_table
      USING ERRCODE = 'PT422', DETAIL = 'entity_type.table_invalid',
            HINT = 'Register a tenant table keyed (organization_id, id).';
  END IF;

  INSERT INTO app_private.entity_types (entity_type, table_name, title_column, number_column, label)
  VALUES (p_entity_type, p_table, p_title_column, p_number_column, p_label)
  ON CONFLICT (entity_type) DO UPDATE
    SET table_name = EXCLUDED.table_name, title_column = EXCLUDED.title_column,
        number_column = EXCLUDED.number_column, label = EXCLUDED.label;

  EXECUTE pg_catalog.format(
    'CREATE OR REPLACE TRIGGER _001_entity_track AFTER INSERT OR DELETE ON %s'
    ' FOR EACH ROW EXECUTE FUNCTION app_private.tg_entities__track(%L)', p_table, p_entity_type);

  -- Rows written before the table was registered get their supertype rows once.
  IF NOT v_tracked THEN
    EXECUTE pg_catalog.format(
      'INSERT INTO app_private.entities (organization_id, id, entity_type) SELECT organization_id, id, %L FROM %s'
      ' ON CONFLICT DO NOTHING', p_entity_type, p_table);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.register_entity_type(text, regclass, text, text, text) IS
  'Registers a domain''s entity type for the platform blocks (one call in the domain''s repeatables): the table (keyed organization_id, id), the column that titles a row, a label, the human id column; installs the triggers that keep app_private.entities.';

-- Archiving an entity: its row leaves its table for an archive, but its
-- supertype row and whatever hangs off it stay (the platform blocks' rows,
-- the stock ledger); readers find it through the archive view the type
-- registered. Called by a domain's archival just before it deletes the row.
CREATE OR REPLACE FUNCTION app_private.register_entity_archive(p_entity_type text, p_view regclass) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_columns text[] := ARRAY(
    SELECT attname::text FROM pg_catalog.pg_attribute WHERE attrelid = p_view AND attnum > 0 AND NOT attisdropped);
BEGIN
  IF NOT (ARRAY['organization_id', 'id'] <@ v_columns) THEN
    RAISE EXCEPTION 'an archive view needs organization_id and id: %', p_view
      USING ERRCODE = 'PT422', DETAIL = 'entity_type.table_invalid', HINT = 'Register a view keyed (organization_id, id).';
  END IF;
  UPDATE app_private.entity_types SET archive_view = p_view WHERE entity_type = (app_private.entity_type_of(p_entity_type)).entity_type;
END
$$;
COMMENT ON FUNCTION app_private.register_entity_archive(text, regclass) IS
  'Names the view (organization_id, id; it filters its readers itself) through which archived entities of a type are read: auth.can_see_entity looks there when the live table has no row. One call in the domain''s archival repeatables.';

CREATE OR REPLACE FUNCTION app_private.archive_entity(p_organization_id uuid, p_id uuid) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  UPDATE app_private.entities SET archived_at = now() WHERE organization_id = p_organization_id AND id = p_id;
$$;
COMMENT ON FUNCTION app_private.archive_entity(uuid, uuid) IS
  'Marks an entity archived, in the transaction that is about to delete its row for an archive: _001_entity_track then keeps its supertype row, so what hangs off it (checklists, comments, attachments, tags, stock movements, ...) stays, read through the type''s archive view.';

CREATE OR REPLACE FUNCTION app_private.entity_type_of(p_entity_type text) RETURNS app_private.entity_types
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_type app_private.entity_types;
BEGIN
  SELECT * INTO v_type FROM app_private.entity_types WHERE entity_type = p_entity_type;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown entity type: %', p_entity_type
      USING ERRCODE = 'PT422', DETAIL = 'entity_type.unknown',
            HINT = 'Use one of the registered entity types (GET /entity_types).';
  END IF;
  RETURN v_type;
END
$$;
COMMENT ON FUNCTION app_private.entity_type_of(text) IS
  'The registration of an entity type; PT422 (entity_type.unknown) for a name no domain registered.';

-- For policies and the caller's own reads: API roles may call auth.*, not app_private.*.
CREATE OR REPLACE FUNCTION auth.entity_registration(p_entity_type text)
  RETURNS TABLE (table_name regclass, title_column text, number_column text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT t.table_name, t.title_column, t.number_column FROM app_private.entity_type_of(p_entity_type) t;
$$;
COMMENT ON FUNCTION auth.entity_registration(text) IS
  'The table, title and human id columns of a registered entity type; PT422 (entity_type.unknown) otherwise.';

CREATE OR REPLACE FUNCTION auth.entity_archive_view(p_entity_type text) RETURNS TABLE (archive_view regclass)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT t.archive_view FROM app_private.entity_type_of(p_entity_type) t;
$$;
COMMENT ON FUNCTION auth.entity_archive_view(text) IS
  'The view archived entities of a type are read through (null when the type is never archived); PT422 entity_type.unknown otherwise.';

-- SECURITY INVOKER on purpose: the caller's row-level security decides.
CREATE OR REPLACE FUNCTION auth.can_change_entity(p_entity_type text, p_entity_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_visible boolean;
BEGIN
  EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s WHERE organization_id = $1 AND id = $2)',
                            (SELECT table_name FROM auth.entity_registration(p_entity_type)))
     INTO v_visible USING auth.org_id(), p_entity_id;
  RETURN v_visible;
END
$$;
COMMENT ON FUNCTION auth.can_change_entity(text, uuid) IS
  'Whether the caller, as themselves (row-level security), can read the live entity in their active tenant (not an archived one): for the policies that add, change or remove what hangs off an entity, so an archived entity''s tags, comments and attachments are read-only.';

CREATE OR REPLACE FUNCTION auth.can_see_entity(p_entity_type text, p_entity_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_archive regclass;
  v_visible boolean := auth.can_change_entity(p_entity_type, p_entity_id);
BEGIN
  IF NOT v_visible THEN
    -- An archived entity is read through its type's archive view, which filters its readers as the live table did.
    SELECT t.archive_view INTO v_archive FROM auth.entity_archive_view(p_entity_type) AS t;
    IF v_archive IS NOT NULL THEN
      EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %s WHERE organization_id = $1 AND id = $2)', v_archive)
         INTO v_visible USING auth.org_id(), p_entity_id;
    END IF;
  END IF;
  RETURN v_visible;
END
$$;
COMMENT ON FUNCTION auth.can_see_entity(text, uuid) IS
  'Whether the caller, as themselves (row-level security), can read the entity in their active tenant, live or archived (through the type''s archive view, app_private.register_entity_archive); for the SELECT policies of tables that hang off entities.';

CREATE OR REPLACE FUNCTION auth.check_entity(p_entity_type text, p_entity_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_entity_id IS NULL OR NOT auth.can_change_entity(p_entity_type, p_entity_id) THEN
    RAISE EXCEPTION '% not found', p_entity_type
      USING ERRCODE = 'PT404', DETAIL = 'entity.not_found',
            HINT = 'The entity does not exist in your active tenant, or you may not see it.';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION auth.check_entity(text, uuid) IS
  'true, or the refusal PT404 (entity.not_found) for an entity the caller cannot read live in their active tenant (an archived one takes nothing new) (PT422 entity_type.unknown for an unknown type). For WITH CHECK policies and SECURITY INVOKER functions: under SECURITY DEFINER, row-level security would not be the caller''s.';

-- A permission on an entity (comment on it, attach to it, tag it, moderate
-- it) counts when held tenant-wide or through a role at the entity's site
-- (its site_id column, where its table has one): a technician scoped to
-- their plant comments on that plant's work orders. SECURITY INVOKER: the
-- site is read as the caller, after auth.check_entity has made sure they may
-- read the entity (PT404 first, so a refusal never tells an unseen entity
-- exists at another site).
CREATE OR REPLACE FUNCTION auth.entity_site_id(p_entity_type text, p_entity_id uuid) RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_table regclass := (SELECT r.table_name FROM auth.entity_registration(p_entity_type) AS r);
  v_site uuid;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                  WHERE a.attrelid = v_table AND a.attname = 'site_id' AND a.attnum > 0 AND NOT a.attisdropped) THEN
    RETURN NULL;
  END IF;
  EXECUTE pg_catalog.format('SELECT t.site_id FROM %s AS t WHERE t.organization_id = $1 AND t.id = $2', v_table)
     INTO v_site USING auth.org_id(), p_entity_id;
  RETURN v_site;
END
$$;
COMMENT ON FUNCTION auth.entity_site_id(text, uuid) IS
  'The site of an entity the caller can read (its table''s site_id column), NULL when its table has none or the caller cannot read it; read as the caller.';

CREATE OR REPLACE FUNCTION auth.has_entity_permission(p_permission text, p_entity_type text, p_entity_id uuid) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT auth.has_permission(p_permission, auth.entity_site_id(p_entity_type, p_entity_id))
$$;
COMMENT ON FUNCTION auth.has_entity_permission(text, text, uuid) IS
  'Whether the caller holds the permission for the entity: tenant-wide, or through a role at the entity''s site (auth.entity_site_id). For USING clauses of the tables that hang off entities.';

CREATE OR REPLACE FUNCTION auth.check_entity_permission(p_permission text, p_entity_type text, p_entity_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.check_entity(p_entity_type, p_entity_id);
  IF NOT auth.has_entity_permission(p_permission, p_entity_type, p_entity_id) THEN
    RAISE EXCEPTION 'this needs the % permission for this %', p_permission, p_entity_type USING ERRCODE = 'PT403',
      DETAIL = 'permission.missing',
      HINT = pg_catalog.format('Ask an administrator of your organization for a role with %s (for the whole organization or the %s''s site).',
                               p_permission, p_entity_type);
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION auth.check_entity_permission(text, text, uuid) IS
  'For WITH CHECK policies of what hangs off an entity (comments, attachments, tags): true when the caller may read the entity and holds the permission tenant-wide or at the entity''s site; PT404 entity.not_found for an entity they cannot read, else PT403 permission.missing naming the permission.';

CREATE OR REPLACE FUNCTION auth.entity_title(p_entity_type text, p_entity_id uuid) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_type record;
  v_title text;
BEGIN
  SELECT * INTO v_type FROM auth.entity_registration(p_entity_type);
  EXECUTE pg_catalog.format('SELECT concat_ws('' '', %s, %I) FROM %s WHERE organization_id = $1 AND id = $2',
                            coalesce(pg_catalog.quote_ident(v_type.number_column), 'NULL'), v_type.title_column, v_type.table_name)
     INTO v_title USING auth.org_id(), p_entity_id;
  RETURN v_title;
END
$$;
COMMENT ON FUNCTION auth.entity_title(text, uuid) IS
  'How an entity is named to people (human id and title, e.g. PRJ-000123 Housing redesign), as the caller sees it; NULL when they cannot.';

CREATE OR REPLACE VIEW app.entity_types WITH (security_barrier) AS
SELECT entity_type, label
  FROM app_private.entity_types;
COMMENT ON VIEW app.entity_types IS
  E'Entity types\nThe entity types the platform blocks (custom fields, state machines, tags, comments, attachments, search) work on.';
COMMENT ON COLUMN app.entity_types.entity_type IS 'Name used in entity_type arguments and columns (e.g. project).';
COMMENT ON COLUMN app.entity_types.label IS 'What people call it (e.g. Project).';

CREATE OR REPLACE FUNCTION app_private.publish_event(
  p_organization_id uuid, p_event_type text, p_payload jsonb,
  p_entity_type text DEFAULT NULL, p_entity_id uuid DEFAULT NULL, p_depth integer DEFAULT 0
) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_id uuid;
BEGIN
  -- PL/pgSQL, so the INSERT's plan is kept for the session (a SQL function
  -- is planned again on every call).
  INSERT INTO app_private.events (organization_id, event_type, payload, entity_type, entity_id, actor_id, depth)
  VALUES (p_organization_id, p_event_type, coalesce(p_payload, '{}'), p_entity_type, p_entity_id, auth.user_id(),
          -- While a rule's actions run, every event they cause (a domain's,
          -- through set_field) is one level deeper (app_private.run_rule).
          greatest(p_depth, (SELECT max(c.depth) FROM app_private.rule_contexts AS c
                              WHERE c.xact_id = pg_catalog.pg_current_xact_id())))
  RETURNING id INTO v_id;
  RETURN v_id;
END
$$;
COMMENT ON FUNCTION app_private.publish_event(uuid, text, jsonb, text, uuid, integer) IS
  'Publishes a domain event in the current transaction (rolled back with it); webhooks and rules consume it through AFTER INSERT triggers on app_private.events. depth: how many rule actions led to it (at least the depth of the rule actions running in the transaction, app_private.rule_contexts).';

