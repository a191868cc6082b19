-- Tags (migration platform/tags): a tenant's vocabulary (app.tags) and the
-- tags on entities of any registered type (app.entity_tags). Who may see an
-- entity sees its tags (auth.can_see_entity, as the caller); holders of
-- tag.apply who may see it put tags on and take them off; tag.manage keeps
-- the vocabulary. Policies: db/policies/50_platform.sql, "Tags".

CREATE OR REPLACE FUNCTION app_private.tg_tags__validate() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.name := pg_catalog.btrim(NEW.name);
  NEW.color := pg_catalog.lower(NEW.color);
  IF NEW.name IS NULL OR pg_catalog.length(NEW.name) NOT BETWEEN 1 AND 60 THEN
    PERFORM app_private.raise_invalid('tag.name_length', 'a tag name has 1 to 60 characters',
      'Send a name of 1 to 60 characters (spaces around it are removed).');
  END IF;
  IF NEW.color IS NULL OR NEW.color !~ '^#[0-9a-f]{6}$' THEN
    PERFORM app_private.raise_invalid('tag.color_invalid', pg_catalog.format('%L is not a colour', NEW.color),
      'Send the colour as #rrggbb, e.g. #2563eb.');
  END IF;
  IF pg_catalog.length(NEW.description) > 500 THEN
    PERFORM app_private.raise_invalid('tag.description_length', 'a tag description has at most 500 characters',
      'Shorten the description.');
  END IF;
  -- Names are unique ignoring case (index tags_name_key); say so with a reason.
  IF EXISTS (SELECT FROM app.tags AS t
              WHERE t.organization_id = NEW.organization_id AND pg_catalog.lower(t.name) = pg_catalog.lower(NEW.name)
                AND t.id <> NEW.id) THEN
    RAISE EXCEPTION 'the tenant already has a tag named %', NEW.name
      USING ERRCODE = 'PT409', DETAIL = 'tag.name_taken', HINT = 'GET /tags?name=ilike.<name> finds it; use it or pick another name.';
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := auth.user_id();
    NEW.created_at := pg_catalog.now();
  END IF;
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_tags__validate() IS
  'BEFORE INSERT OR UPDATE on app.tags: trims the name and lowers the colour; PT422 tag.name_length, tag.color_invalid, tag.description_length; PT409 tag.name_taken for a name the tenant uses already, whatever its case; stamps created_by, created_at and updated_at.';

CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app.tags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_tags__validate();

CREATE OR REPLACE FUNCTION app_private.tg_entity_tags__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  PERFORM app_private.entity_type_of(NEW.entity_type);
  NEW.tagged_by := auth.user_id();
  NEW.tagged_at := pg_catalog.now();
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_entity_tags__prepare() IS
  'BEFORE INSERT on app.entity_tags: PT422 entity_type.unknown for a type no domain registered (before the foreign key would answer 409); stamps tagged_by and tagged_at.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.entity_tags
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_entity_tags__prepare();

-- SECURITY INVOKER: the caller's row-level security decides which entities
-- and tags they see.
CREATE OR REPLACE FUNCTION app.tagged_entities(tag_ids uuid[], entity_type text DEFAULT NULL, match_all boolean DEFAULT false)
RETURNS TABLE (entity_type text, entity_id uuid, title text, tag_ids uuid[])
LANGUAGE sql STABLE
AS $$
  SELECT et.entity_type, et.entity_id, auth.entity_title(et.entity_type, et.entity_id),
         pg_catalog.array_agg(et.tag_id ORDER BY et.tag_id)
    FROM app.entity_tags AS et
   WHERE et.organization_id = (SELECT auth.org_id())
     AND et.tag_id = ANY (tagged_entities.tag_ids)
     AND (tagged_entities.entity_type IS NULL OR et.entity_type = tagged_entities.entity_type)
   GROUP BY et.entity_type, et.entity_id
  HAVING NOT tagged_entities.match_all
      OR pg_catalog.count(DISTINCT et.tag_id) = (SELECT pg_catalog.count(DISTINCT t) FROM pg_catalog.unnest(tagged_entities.tag_ids) AS t)
   ORDER BY 1, 3, 2
$$;

COMMENT ON FUNCTION app.tagged_entities(uuid[], text, boolean) IS
  E'Entities with tags\nThe entities you may read that carry any of the tags (all of them with match_all), optionally of one entity type, each with its title (human id and title) and which of the tags it carries. GET /rpc/tagged_entities?tag_ids={<id>,<id>}&entity_type=project.';
