-- Comments (migration platform/comments): threaded, plain-text comments on
-- entities of any registered type. Whoever may see the entity reads them
-- (auth.can_see_entity, as the caller); holders of comment.write who may see
-- it write them; authors edit and delete their own, holders of
-- comment.moderate delete anybody's. Mentions are explicit user ids
-- (mention_ids): each must be an active member of the tenant (the trigger)
-- who may read the entity (the policies, auth.check_mentions: else the
-- comment is refused, so nobody is told of an entity they cannot read);
-- each is notified when first mentioned. A new
-- comment publishes comment.created. Policies: db/policies/50_platform.sql,
-- "Comments".

-- Whether a user, as themselves, can read an entity: the claims are theirs
-- for the question, the database role the caller's (row-level security of
-- API roles is decided by claims). SECURITY INVOKER like auth.can_see_entity,
-- so it is called where the caller's role is in force (a policy, an invoker
-- trigger); under the owner it answers true.
CREATE OR REPLACE FUNCTION auth.user_can_see_entity(p_user_id uuid, p_entity_type text, p_entity_id uuid)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_claims text := pg_catalog.current_setting('request.jwt.claims', true);
  v_visible boolean;
BEGIN
  PERFORM pg_catalog.set_config('request.jwt.claims', pg_catalog.jsonb_build_object(
    'sub', p_user_id, 'org_id', auth.org_id(), 'role', 'app_user')::text, true);
  v_visible := auth.can_see_entity(p_entity_type, p_entity_id);
  PERFORM pg_catalog.set_config('request.jwt.claims', coalesce(v_claims, ''), true);
  RETURN v_visible;
END
$$;

COMMENT ON FUNCTION auth.user_can_see_entity(uuid, text, uuid) IS
  'Whether another user of the active tenant could read the entity (row-level security with their claims, under the caller''s database role); the caller''s claims are restored. Used for mentions.';

-- For the comments' policies (WITH CHECK), as the caller.
CREATE OR REPLACE FUNCTION auth.check_mentions(p_entity_type text, p_entity_id uuid, p_mention_ids uuid[]) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_mentioned uuid;
BEGIN
  FOREACH v_mentioned IN ARRAY coalesce(p_mention_ids, '{}') LOOP
    IF NOT auth.user_can_see_entity(v_mentioned, p_entity_type, p_entity_id) THEN
      RAISE EXCEPTION '% cannot read this %', v_mentioned, p_entity_type
        USING ERRCODE = 'PT422', DETAIL = 'comment.mention_cannot_see',
        HINT = 'Mention only people who may read what you comment on: they would not be told of it.';
    END IF;
  END LOOP;
  RETURN true;
END
$$;

COMMENT ON FUNCTION auth.check_mentions(text, uuid, uuid[]) IS
  'true, or PT422 comment.mention_cannot_see for a mentioned user who could not read the entity (auth.user_can_see_entity), so a mention never tells anybody of what they may not read. In the WITH CHECK of the comments'' policies: every mention of a written comment is checked, an edit''s too.';

CREATE OR REPLACE FUNCTION app_private.tg_comments__validate() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_mentioned uuid;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    PERFORM app_private.entity_type_of(NEW.entity_type);
    NEW.author_id := coalesce(auth.user_id(), NEW.author_id);
    NEW.created_at := pg_catalog.now();
    NEW.edited_at := NULL;
    IF NEW.parent_id IS NOT NULL AND NOT EXISTS (
         SELECT FROM app.comments AS c
          WHERE c.organization_id = NEW.organization_id AND c.id = NEW.parent_id
            AND c.entity_type = NEW.entity_type AND c.entity_id = NEW.entity_id) THEN
      PERFORM app_private.raise_invalid('comment.parent_invalid', 'the comment answered is not a comment of this entity',
        'parent_id names a comment of the same entity (GET /comments?entity_type=eq.<type>&entity_id=eq.<id>).');
    END IF;
  ELSIF NEW.body IS NOT DISTINCT FROM OLD.body AND NEW.mention_ids IS NOT DISTINCT FROM OLD.mention_ids THEN
    RETURN NEW;
  ELSE
    NEW.edited_at := pg_catalog.now();
  END IF;

  IF NEW.body IS NULL OR pg_catalog.length(pg_catalog.btrim(NEW.body)) NOT BETWEEN 1 AND 10000 THEN
    PERFORM app_private.raise_invalid('comment.body_length', 'a comment has 1 to 10000 characters',
      'Write some text (not only spaces), at most 10000 characters.');
  END IF;
  NEW.mention_ids := ARRAY(SELECT DISTINCT m FROM pg_catalog.unnest(coalesce(NEW.mention_ids, '{}')) AS m WHERE m IS NOT NULL ORDER BY m);
  IF pg_catalog.cardinality(NEW.mention_ids) > 20 THEN
    PERFORM app_private.raise_invalid('comment.too_many_mentions', 'a comment mentions at most 20 people',
      'Mention fewer people.');
  END IF;
  FOREACH v_mentioned IN ARRAY NEW.mention_ids LOOP
    CONTINUE WHEN TG_OP = 'UPDATE' AND v_mentioned = ANY (OLD.mention_ids);
    IF NOT EXISTS (SELECT FROM app.memberships AS m JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
                    WHERE m.organization_id = NEW.organization_id AND m.user_id = v_mentioned AND m.status = 'active') THEN
      PERFORM app_private.raise_invalid('comment.mention_not_member',
        pg_catalog.format('%s is not an active member of the organization', v_mentioned),
        'Mention active members of your organization (GET /memberships).');
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_comments__validate() IS
  'BEFORE INSERT OR UPDATE on app.comments: PT422 entity_type.unknown, comment.parent_invalid (the parent is not a comment of the same entity), comment.body_length, comment.too_many_mentions, comment.mention_not_member (a newly mentioned user who is not an active member); stamps author_id and created_at on insert, edited_at when body or mentions change; mentions are kept sorted and distinct.';

CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app.comments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_comments__validate();

CREATE OR REPLACE FUNCTION app_private.tg_comments__publish() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_new_mentions uuid[] := ARRAY(SELECT m FROM pg_catalog.unnest(NEW.mention_ids) AS m
                                  WHERE TG_OP = 'INSERT' OR NOT m = ANY (OLD.mention_ids));
  v_title text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM app_private.publish_event(NEW.organization_id, 'comment.created', pg_catalog.jsonb_build_object(
      'comment_id', NEW.id, 'entity_type', NEW.entity_type, 'entity_id', NEW.entity_id, 'parent_id', NEW.parent_id,
      'author_id', NEW.author_id, 'mention_ids', pg_catalog.to_jsonb(NEW.mention_ids), 'body', NEW.body,
      'created_at', NEW.created_at), NEW.entity_type, NEW.entity_id);
  END IF;
  IF pg_catalog.cardinality(v_new_mentions) > 0 THEN
    -- Named as the author sees the entity (they can: the policy checked it).
    SELECT pg_catalog.format('%s mentioned you on %s', u.display_name,
                             coalesce(auth.entity_title(NEW.entity_type, NEW.entity_id), NEW.entity_type))
      INTO v_title FROM app.users AS u WHERE u.id = NEW.author_id;
    PERFORM app_private.notify(NEW.organization_id, pg_catalog.array_remove(v_new_mentions, NEW.author_id), 'comment',
      v_title, pg_catalog.left(NEW.body, 500), 'normal',
      CASE WHEN NEW.entity_type = 'project' THEN NEW.entity_id END, NEW.entity_type, NEW.entity_id);
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_comments__publish() IS
  'AFTER INSERT OR UPDATE on app.comments: a new comment publishes comment.created (ids, body, mentions); every user mentioned for the first time (not the author) is notified (type comment) with the start of the body. The mentions were checked as the author (_200_validate).';

CREATE OR REPLACE TRIGGER _520_publish AFTER INSERT OR UPDATE OF body, mention_ids ON app.comments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_comments__publish();
