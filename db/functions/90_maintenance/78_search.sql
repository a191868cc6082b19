-- Work order search over title, number, description and the work order's
-- comments (migration maintenance/work_orders). app.search (36_search.sql)
-- finds work orders by their own text; comments are not in any entity's
-- vector, so this function adds them for work orders. As the caller: row-
-- level security of work orders and comments decides what is seen.

CREATE OR REPLACE FUNCTION app.search_work_orders(query text) RETURNS SETOF app.work_orders
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_query tsquery := pg_catalog.websearch_to_tsquery('simple', coalesce(query, ''));
BEGIN
  IF pg_catalog.numnode(v_query) = 0 THEN
    -- As the caller (row-level security), so raised here: app_private is out of the API roles' reach.
    RAISE EXCEPTION 'a search needs at least one word' USING ERRCODE = 'PT422', DETAIL = 'work_order.query_empty',
      HINT = 'Send query with a word to find.';
  END IF;
  RETURN QUERY
  SELECT w.*
    FROM app.work_orders AS w
   WHERE w.organization_id = auth.org_id()
     AND (w.search_vector @@ v_query
          OR EXISTS (SELECT FROM app.comments AS c
                      WHERE c.organization_id = w.organization_id AND c.entity_type = 'work_order' AND c.entity_id = w.id
                        AND pg_catalog.to_tsvector('simple', c.body) @@ v_query))
   ORDER BY pg_catalog.ts_rank(w.search_vector, v_query) DESC, w.created_at DESC
   LIMIT 200;
END
$$;
COMMENT ON FUNCTION app.search_work_orders(text) IS
  E'Search work orders\nThe work orders the caller may read whose number, title, description or comments match the words (web search syntax: "quoted phrase", or, -not), best title matches first, at most 200.\nErrors: PT422 work_order.query_empty.';
