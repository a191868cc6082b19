-- KPIs as materialized views. A domain keeps each figure in a materialized
-- view app_private.<domain>_kpi_<name> (migrations: it is structure) with a
-- unique index, so it can be refreshed CONCURRENTLY (readers are never
-- blocked), and exposes it as a view app.<domain>_kpi_<name> that filters
-- to the caller's tenant. One job refreshes them all, found in the catalog:
-- a new KPI needs no change here.

CREATE OR REPLACE FUNCTION app_private.refresh_kpis() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_view record;
  v_count integer := 0;
BEGIN
  FOR v_view IN
    SELECT m.matviewname, m.ispopulated FROM pg_catalog.pg_matviews AS m
     WHERE m.schemaname = 'app_private' AND m.matviewname LIKE '%\_kpi\_%' ORDER BY m.matviewname
  LOOP
    -- CONCURRENTLY needs a populated view (and a unique index, which the catalog test asks of every KPI view).
    EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %s app_private.%I',
                              CASE WHEN v_view.ispopulated THEN 'CONCURRENTLY' ELSE '' END, v_view.matviewname);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.refresh_kpis() IS
  'Refreshes every KPI materialized view (app_private.*_kpi_*), concurrently once populated, and returns how many; the job refresh-kpis.';
