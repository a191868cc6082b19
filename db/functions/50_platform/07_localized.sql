-- Labels in the caller's language. A translatable row keeps its default text
-- in its own column and its translations beside it in a `labels` jsonb
-- ({"de": "Prüfung", "fr-CA": "..."}); reads pick the caller's locale.

CREATE OR REPLACE FUNCTION auth.locale() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT nullif(preferences ->> 'locale', '') FROM app.users WHERE id = auth.user_id();
$$;
COMMENT ON FUNCTION auth.locale() IS
  'The caller''s locale (BCP 47, e.g. de-AT), from their preferences (locale); NULL when anonymous or not set.';

CREATE OR REPLACE FUNCTION auth.localized(p_text text, p_labels jsonb) RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(p_labels ->> l.locale, p_labels ->> pg_catalog.split_part(l.locale, '-', 1), p_text)
    FROM (SELECT auth.locale() AS locale) l;
$$;
COMMENT ON FUNCTION auth.localized(text, jsonb) IS
  'p_text in the caller''s locale: the label for the exact locale (de-AT), else for its language (de), else p_text itself.';

-- The locales Pulse supports are data (app.locales, filled by
-- db/seeds/reference/50_platform.sql): BCP 47 tags in canonical case,
-- language, optional script, optional region (en, de-AT, zh-Hans).
CREATE OR REPLACE FUNCTION app_private.check_locale(p_locale jsonb, p_what text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_locale IS NULL OR p_locale = 'null' THEN
    RETURN;
  END IF;
  IF jsonb_typeof(p_locale) <> 'string'
     OR NOT (p_locale #>> '{}') ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$'
     OR NOT EXISTS (SELECT FROM app.locales AS l WHERE l.locale = p_locale #>> '{}') THEN
    PERFORM app_private.raise_invalid('locale.invalid',
      format('%s %s is not a supported locale', p_what, p_locale::text),
      format('Use a BCP 47 tag in canonical case from GET /locales: %s.',
             (SELECT string_agg(l.locale, ', ' ORDER BY l.locale) FROM app.locales AS l)));
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.check_locale(jsonb, text) IS
  'Refuses (PT422 locale.invalid) a locale that is not a supported BCP 47 tag (app.locales, canonical case: de-AT); JSON null passes.';

-- A user's preferences.locale is one of them (or absent).
CREATE OR REPLACE FUNCTION app_private.tg_users__check_locale() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.preferences -> 'locale' IS DISTINCT FROM OLD.preferences -> 'locale' THEN
    PERFORM app_private.check_locale(NEW.preferences -> 'locale', 'preferences.locale');
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_users__check_locale() IS
  'BEFORE INSERT OR UPDATE OF preferences on app.users: a locale that is set is a supported one (PT422 locale.invalid); a locale stored before stays until changed.';
CREATE OR REPLACE TRIGGER _200_check_locale BEFORE INSERT OR UPDATE OF preferences ON app.users
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_users__check_locale();

-- Translated labels: a JSON object from supported locales to non-empty texts
-- of at most 500 characters. Every table with a labels column adds the
-- trigger _200_check_labels (tg__check_labels) beside its other triggers.
CREATE OR REPLACE FUNCTION app_private.check_labels(p_labels jsonb, p_what text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_bad text;
BEGIN
  IF jsonb_typeof(p_labels) IS DISTINCT FROM 'object' THEN
    PERFORM app_private.raise_invalid('labels.invalid', format('%s must be a JSON object of locale to text', p_what),
      'Send {"de": "...", "fr-CA": "..."}.');
  END IF;
  SELECT e.key INTO v_bad FROM jsonb_each(p_labels) AS e
   WHERE NOT EXISTS (SELECT FROM app.locales AS l WHERE l.locale = e.key)
      OR jsonb_typeof(e.value) <> 'string' OR length(btrim(e.value #>> '{}')) NOT BETWEEN 1 AND 500
   ORDER BY e.key LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('labels.invalid',
      format('%s: %s is not a supported locale with a text of 1 to 500 characters', p_what, v_bad),
      'Keys are locales from GET /locales (de, fr-CA), values the text in that locale.');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.check_labels(jsonb, text) IS
  'Refuses (PT422 labels.invalid) labels that are not an object of supported locales to texts of 1 to 500 characters.';

CREATE OR REPLACE FUNCTION app_private.tg__check_labels() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant((pg_catalog.to_jsonb(NEW) ->> 'organization_id')::uuid);
  PERFORM app_private.check_labels(pg_catalog.to_jsonb(NEW) -> 'labels', TG_TABLE_NAME || '.labels');
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg__check_labels() IS
  'BEFORE INSERT OR UPDATE OF labels on a tenant table: another tenant''s row is refused first (the tenant guard), then labels are supported locales with texts (PT422 labels.invalid).';

-- The proof on existing entities: the workflow's stages and sub-stages.
CREATE OR REPLACE TRIGGER _200_check_labels BEFORE INSERT OR UPDATE OF labels ON app.workflow_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__check_labels();
CREATE OR REPLACE TRIGGER _200_check_labels BEFORE INSERT OR UPDATE OF labels ON app.workflow_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__check_labels();

-- Localized reads as computed columns: GraphQL shows them as the field
-- label of WorkflowStage and WorkflowSubStage; REST selects them by name
-- (GET /workflow_stages?select=id,name,label:workflow_stages_label).
CREATE OR REPLACE FUNCTION app.workflow_stages_label(p_stage app.workflow_stages) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.localized(p_stage.name, p_stage.labels);
$$;
COMMENT ON FUNCTION app.workflow_stages_label(app.workflow_stages) IS
  E'Label\nThe stage''s name in the caller''s locale (preferences.locale), then its language, then the name.';

CREATE OR REPLACE FUNCTION app.workflow_sub_stages_label(p_sub_stage app.workflow_sub_stages) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.localized(p_sub_stage.name, p_sub_stage.labels);
$$;
COMMENT ON FUNCTION app.workflow_sub_stages_label(app.workflow_sub_stages) IS
  E'Label\nThe sub-stage''s name in the caller''s locale (preferences.locale), then its language, then the name.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.i18n_strings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- The string catalog resolved for the caller: for each namespace and key the
-- first text found for the tenant in the caller's locale, the tenant in its
-- language, the platform in the locale, the platform in the language, the
-- platform in en (then, for a key only the tenant has, the tenant in en).
-- It reads the platform's strings, so it runs as its owner and filters by
-- the caller itself: members of the tenant, platform operators.
CREATE OR REPLACE VIEW app.localized_strings WITH (security_barrier) AS
WITH caller AS (
  SELECT coalesce(auth.locale(), 'en') AS locale, pg_catalog.split_part(coalesce(auth.locale(), 'en'), '-', 1) AS language
), tenants AS (
  SELECT o.id AS organization_id
    FROM app.organizations AS o
   WHERE (o.id = (SELECT auth.org_id())
          AND EXISTS (SELECT FROM app.memberships AS m
                       WHERE m.organization_id = o.id AND m.user_id = (SELECT auth.user_id()) AND m.status = 'active'))
      OR (SELECT auth.is_platform_operator())
), candidates AS (
  SELECT t.organization_id, s.namespace, s.key, s.locale, s.text, 'tenant' AS source,
         CASE s.locale WHEN c.locale THEN 1 WHEN c.language THEN 2 WHEN 'en' THEN 6 END AS rank
    FROM tenants AS t CROSS JOIN caller AS c
    JOIN app.i18n_strings AS s ON s.organization_id = t.organization_id AND s.locale IN (c.locale, c.language, 'en')
  UNION ALL
  SELECT t.organization_id, d.namespace, d.key, d.locale, d.text, 'platform',
         CASE d.locale WHEN c.locale THEN 3 WHEN c.language THEN 4 ELSE 5 END
    FROM tenants AS t CROSS JOIN caller AS c
    JOIN app_private.default_i18n_strings AS d ON d.locale IN (c.locale, c.language, 'en')
)
SELECT DISTINCT ON (organization_id, namespace, key) organization_id, namespace, key, locale, text, source
  FROM candidates
 ORDER BY organization_id, namespace, key, rank;
COMMENT ON VIEW app.localized_strings IS
  E'Strings in my language\nThe string catalog resolved for the caller''s locale (preferences.locale): the tenant''s text in the locale, then in its language, then the platform''s in the locale, in the language, in en. Filter by namespace.';
COMMENT ON COLUMN app.localized_strings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.localized_strings.namespace IS E'Namespace\nWhat the string belongs to (enum, ui, ...).';
COMMENT ON COLUMN app.localized_strings.key IS E'Key\nDotted key inside the namespace (project_status.quoted).';
COMMENT ON COLUMN app.localized_strings.locale IS E'Locale\nThe locale the text was found in.';
COMMENT ON COLUMN app.localized_strings.text IS E'Text\nThe text to show.';
COMMENT ON COLUMN app.localized_strings.source IS E'Source\ntenant (the tenant''s own text) or platform.';
