-- Search across entity types (migration platform/search; docs/platform/search.md).
-- A domain makes an entity type searchable with one line in its repeatables:
--   SELECT app_private.register_search('project');                    -- staff, the table under RLS
--   SELECT app_private.register_search('project', ..., 'partner', 'app.customer_projects', 'project_id');
-- app.search runs as the caller (SECURITY INVOKER): each source is read with
-- the caller's row-level security (or the read rule of the view named as
-- source), always filtered by the caller's tenant.
--
-- Two steps, because row-level security keeps indexes out of reach: a
-- policy's quals run before any qual that is not leakproof, and the
-- text-search (@@) and trigram (ILIKE, <%) operators are not, so under RLS
-- the planner cannot use their GIN indexes and filters every row of the
-- tenant (about 0.6 s at 50,000 projects a tenant, bench/search.sh). So
-- auth.search_candidates (owner's rights) finds the candidate ids of the
-- caller's tenant through the indexes, and app.search then reads those rows
-- by primary key as the caller (uuid equality is leakproof, so that stays
-- indexed under RLS), re-checks the match against the source's own vector
-- (a portal source matches on less than the table's vector), ranks and
-- marks them. The candidates step returns ids only, and only of the
-- caller's tenant: the best 500 per type by rank, so a caller who may read
-- only a small share of a tenant's rows (a portal user in a large tenant)
-- can miss hits that rank below the tenant's 500 best for a very common
-- word; a more specific query finds them.

CREATE OR REPLACE FUNCTION app_private.register_search(
  p_entity_type text,
  p_vector text DEFAULT 't.search_vector',
  p_snippet text DEFAULT NULL,
  p_audience text DEFAULT 'staff',
  p_source regclass DEFAULT NULL,
  p_id_column text DEFAULT 'id',
  p_number_column text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_type app_private.entity_types := app_private.entity_type_of(p_entity_type);
  v_source regclass := coalesce(p_source, v_type.table_name);
  v_number text := coalesce(p_number_column, v_type.number_column);
  v_snippet text := coalesce(p_snippet, 't.' || pg_catalog.quote_ident(v_type.title_column));
BEGIN
  IF p_audience IS NULL OR p_audience NOT IN ('staff', 'partner') THEN
    RAISE EXCEPTION 'audience must be staff or partner, not %', p_audience
      USING ERRCODE = 'PT422', DETAIL = 'search.source_invalid',
            HINT = 'staff: callers not bound to a partner; partner: portal users.';
  END IF;
  -- The staff registration reads the entity table itself: its vector is the
  -- indexed one the candidates step searches for every audience.
  IF p_audience = 'staff' AND v_source <> v_type.table_name THEN
    RAISE EXCEPTION 'the staff search source of % is its table %', p_entity_type, v_type.table_name
      USING ERRCODE = 'PT422', DETAIL = 'search.source_invalid',
            HINT = 'Register the table for staff (its policies decide); name a view only for partners.';
  END IF;
  IF p_audience = 'partner' AND NOT EXISTS (
       SELECT FROM app_private.search_sources WHERE entity_type = p_entity_type AND audience = 'staff') THEN
    RAISE EXCEPTION 'register % for staff before partners', p_entity_type
      USING ERRCODE = 'PT422', DETAIL = 'search.source_invalid',
            HINT = 'The staff registration names the indexed vector the candidates step searches.';
  END IF;
  -- The source must answer the query app.search builds: tenant, id, title,
  -- human id, the vector and the snippet (expressions over the alias t).
  BEGIN
    EXECUTE pg_catalog.format(
      'SELECT t.organization_id, t.%I, t.%I::text, %s::text, (%s)::tsvector, (%s)::text FROM %s AS t WHERE false',
      p_id_column, v_type.title_column, coalesce('t.' || pg_catalog.quote_ident(v_number), 'NULL'), p_vector, v_snippet, v_source);
  EXCEPTION WHEN OTHERS THEN
    RAISE EXCEPTION 'search source % for % does not answer the search query: %', v_source, p_entity_type, SQLERRM
      USING ERRCODE = 'PT422', DETAIL = 'search.source_invalid',
            HINT = 'The source needs organization_id, the id, title and human id columns; vector and snippet are expressions over alias t.';
  END;

  INSERT INTO app_private.search_sources (entity_type, audience, source, id_column, title_column, number_column, vector, snippet)
  VALUES (p_entity_type, p_audience, v_source, p_id_column, v_type.title_column, v_number, p_vector, v_snippet)
  ON CONFLICT (entity_type, audience) DO UPDATE
    SET source = EXCLUDED.source, id_column = EXCLUDED.id_column, title_column = EXCLUDED.title_column,
        number_column = EXCLUDED.number_column, vector = EXCLUDED.vector, snippet = EXCLUDED.snippet;
END
$$;
COMMENT ON FUNCTION app_private.register_search(text, text, text, text, regclass, text, text) IS
  'Makes a registered entity type searchable by app.search for an audience (staff, or partner: portal users), one call in the domain''s repeatables: the source read as the caller (default: the entity table, under its row-level security; or a view that applies its own read rule), its id column, the tsvector and snippet expressions over alias t (default t.search_vector and the title), the human id column (default the entity register''s). PT422 search.source_invalid when the source cannot answer.';

-- For app.search, which runs as the caller: API roles cannot read app_private.
CREATE OR REPLACE FUNCTION auth.search_sources()
  RETURNS TABLE (entity_type text, audience text, source regclass, id_column text, title_column text, number_column text,
                 vector text, snippet text, has_trash boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT s.entity_type, s.audience, s.source, s.id_column, s.title_column, s.number_column, s.vector, s.snippet,
         EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                  WHERE a.attrelid = s.source AND a.attname = 'deleted_at' AND NOT a.attisdropped)
    FROM app_private.search_sources AS s;
$$;
COMMENT ON FUNCTION auth.search_sources() IS
  'The search registrations (app_private.register_search), for app.search; has_trash: the source has soft delete''s deleted_at (trashed rows are never found). They name relations and expressions, no tenant data.';

-- The candidates step (see the top of this file): owner's rights so the
-- indexes work; the caller's tenant only, never the trash; ids only, the
-- best p_cap by rank. app.search then reads them as the caller.
CREATE OR REPLACE FUNCTION auth.search_candidates(
  p_entity_type text, p_query tsquery, p_term text, p_pattern text, p_typos boolean, p_cap integer
) RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET pg_trgm.word_similarity_threshold = 0.3
AS $$
DECLARE
  v_source record;
  v_ids uuid[];
BEGIN
  SELECT s.source, s.title_column, s.number_column, s.vector,
         EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                  WHERE a.attrelid = s.source AND a.attname = 'deleted_at' AND NOT a.attisdropped) AS has_trash
    INTO v_source
    FROM app_private.search_sources AS s WHERE s.entity_type = p_entity_type AND s.audience = 'staff';
  IF NOT FOUND OR auth.org_id() IS NULL THEN
    RETURN '{}';
  END IF;
  EXECUTE pg_catalog.format($sql$
    SELECT coalesce(pg_catalog.array_agg(c.id), '{}') FROM (
      SELECT t.id FROM %1$s AS t
       WHERE t.organization_id = $1%2$s
         AND ((%3$s) @@ $2 OR %4$s ILIKE $4 OR ($5 AND $3 OPERATOR(public.<%%) t.%5$I))
       ORDER BY pg_catalog.ts_rank_cd((%3$s), $2, 32) DESC
       LIMIT $6) AS c$sql$,
    v_source.source, CASE WHEN v_source.has_trash THEN ' AND t.deleted_at IS NULL' ELSE '' END, v_source.vector,
    coalesce('t.' || pg_catalog.quote_ident(v_source.number_column), 'NULL::text'), v_source.title_column)
    INTO v_ids USING auth.org_id(), p_query, p_term, p_pattern, p_typos AND pg_catalog.length(p_term) >= 3, p_cap;
  RETURN v_ids;
END
$$;
COMMENT ON FUNCTION auth.search_candidates(text, tsquery, text, text, boolean, integer) IS
  'For app.search: ids of the caller''s tenant''s rows of an entity type (not in the trash) whose indexed vector matches the query, whose human id contains the text, or (p_typos) whose title is close to it; the best p_cap by rank, through the GIN indexes (owner''s rights: under row-level security they cannot be used). Ids only: app.search reads the rows as the caller.';

CREATE OR REPLACE FUNCTION app.search(query text, entity_types text[] DEFAULT NULL, "limit" integer DEFAULT 20)
  RETURNS TABLE (entity_type text, entity_id uuid, title text, human_id text, rank real, snippet text)
LANGUAGE plpgsql STABLE
SECURITY INVOKER
SET search_path = ''
-- The typo pass: a title word at least this close (hosuing ~ housing is 0.33).
SET pg_trgm.word_similarity_threshold = 0.3
AS $$
DECLARE
  v_text text := btrim(search.query);
  v_limit integer := coalesce(search."limit", 20);
  v_audience text := CASE WHEN auth.partner_id() IS NULL THEN 'staff' ELSE 'partner' END;
  v_query tsquery;
  v_pattern text;
  v_type text;
  v_branches text[] := '{}';
  v_source record;
  v_types text[] := '{}';
  v_candidates uuid[];
BEGIN
  IF v_text IS NULL OR v_text = '' THEN
    RAISE EXCEPTION 'a search needs a query' USING ERRCODE = 'PT422', DETAIL = 'search.query_required',
      HINT = 'Send {"query": "housing PRJ-000123"}: words, "a phrase", -excluded, or OR (websearch syntax).';
  END IF;
  IF pg_catalog.length(v_text) > 200 THEN
    RAISE EXCEPTION 'a search query has at most 200 characters' USING ERRCODE = 'PT422', DETAIL = 'search.query_too_long',
      HINT = 'Shorten the query.';
  END IF;
  IF v_limit NOT BETWEEN 1 AND 100 THEN
    RAISE EXCEPTION 'limit must be between 1 and 100, not %', v_limit USING ERRCODE = 'PT422', DETAIL = 'search.limit_out_of_range',
      HINT = 'Ask for at most 100 hits.';
  END IF;
  FOREACH v_type IN ARRAY coalesce(search.entity_types, '{}') LOOP
    PERFORM auth.entity_registration(v_type);  -- PT422 entity_type.unknown
    IF NOT EXISTS (SELECT FROM auth.search_sources() AS s WHERE s.entity_type = v_type) THEN
      RAISE EXCEPTION '% is not searchable', v_type USING ERRCODE = 'PT422', DETAIL = 'search.type_not_searchable',
        HINT = 'Leave entity_types out to search every searchable type.';
    END IF;
  END LOOP;

  v_query := pg_catalog.websearch_to_tsquery('simple', v_text);
  -- Codes and partial codes (PRJ-0001, 000123) the words miss: the human id contains the text.
  v_pattern := '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(v_text, '\', '\\'), '%', '\%'), '_', '\_') || '%';

  FOR v_source IN
    SELECT s.* FROM auth.search_sources() AS s
     WHERE s.audience = v_audience AND (search.entity_types IS NULL OR s.entity_type = ANY (search.entity_types))
     ORDER BY s.entity_type
  LOOP
    -- Words (ts_rank_cd, cover density, normalised to 0..1), or the human id
    -- containing the text (rank 1 when equal, 0.5 otherwise), or, when the
    -- words find nothing, a title close to the text (typos, trigram word
    -- similarity, at most 0.5).
    v_branches := v_branches || pg_catalog.format($sql$
      (SELECT %L::text AS entity_type, x.id, x.title, x.human_id, x.snippet,
              (pg_catalog.ts_rank_cd(x.v, $1, 32)
               + CASE WHEN pg_catalog.lower(x.human_id) = pg_catalog.lower($3) THEN 1
                      WHEN x.human_id ILIKE $4 THEN 0.5 ELSE 0 END
               + CASE WHEN x.v @@ $1 THEN 0 ELSE public.word_similarity($3, x.title) / 2 END)::real AS rank
         FROM (SELECT t.%I AS id, t.%I::text AS title, %s::text AS human_id, (%s)::text AS snippet, (%s)::tsvector AS v
                 FROM %s AS t
                WHERE t.organization_id = $2%s
                  AND t.%I = ANY ($7)) AS x
        WHERE x.v @@ $1 OR x.human_id ILIKE $4
           OR (pg_catalog.length($3) >= 3 AND $6 AND $3 OPERATOR(public.<%%) x.title)
        ORDER BY rank DESC, x.id
        LIMIT $5)$sql$,
      v_source.entity_type, v_source.id_column, v_source.title_column,
      coalesce('t.' || pg_catalog.quote_ident(v_source.number_column), 'NULL'), v_source.snippet, v_source.vector, v_source.source,
      CASE WHEN v_source.has_trash THEN ' AND t.deleted_at IS NULL' ELSE '' END, v_source.id_column);
    v_types := v_types || v_source.entity_type;
  END LOOP;
  IF pg_catalog.cardinality(v_branches) = 0 OR auth.org_id() IS NULL THEN
    RETURN;
  END IF;

  -- Words and codes first; the typo pass only when they found too little.
  FOR pass IN 1..2 LOOP
    v_candidates := ARRAY(SELECT pg_catalog.unnest(auth.search_candidates(t, v_query, v_text, v_pattern, pass = 2, 500))
                            FROM pg_catalog.unnest(v_types) AS t);
    CONTINUE WHEN pg_catalog.cardinality(v_candidates) = 0;
    RETURN QUERY EXECUTE pg_catalog.format($sql$
      SELECT h.entity_type, h.id, h.title, h.human_id, h.rank,
             pg_catalog.ts_headline('simple', coalesce(nullif(h.snippet, ''), h.title), $1,
                                    'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10, MaxFragments=2')
        FROM (%s) AS h
       ORDER BY h.rank DESC, h.entity_type, h.id
       LIMIT $5$sql$, pg_catalog.array_to_string(v_branches, ' UNION ALL '))
      USING v_query, auth.org_id(), v_text, v_pattern, v_limit, pass = 2, v_candidates;
    EXIT WHEN FOUND;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app.search(text, text[], integer) IS
  E'Search\nRanked hits across entity types (projects, documents, and whatever the domains register) for words in websearch syntax ("a phrase", -excluded, OR), human ids and partial codes (PRJ-0001), and, when nothing matches, titles close to the query (typos). Only rows the caller may read in their active tenant, never what is in the trash: staff through row-level security, portal users their customer''s projects by human id and title. snippet: the matching text with <mark> around the hits. Errors: PT422 search.query_required, search.query_too_long, search.limit_out_of_range, search.type_not_searchable, entity_type.unknown.';
