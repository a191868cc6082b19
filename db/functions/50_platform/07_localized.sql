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
SET search_path = ''
AS $$
  SELECT coalesce(p_labels ->> l.locale, p_labels ->> pg_catalog.split_part(l.locale, '-', 1), p_text)
    FROM (SELECT auth.locale() AS locale) l;
$$;
COMMENT ON FUNCTION auth.localized(text, jsonb) IS
  'p_text in the caller''s locale: the label for the exact locale (de-AT), else for its language (de), else p_text itself.';
