-- Append-heavy tables partitioned by time (docs/scaling.md, "Partitions").
-- The register app_private.append_heavy_tables lists them; pg_partman
-- (schema partman) makes and drops their partitions. The platform's one
-- setting row (app_private.partition_settings: retention, premake) is
-- copied into partman.part_config on every migrate and before each run of
-- the maintain-partitions job (50_platform/40_jobs.sql).

-- A partition is dropped only once nothing in it is still kept: every
-- registered table's rows leave by their own rule (the activity log's by its
-- tenants' retention, to the archive; settled webhook deliveries by
-- purge-webhook-deliveries; notifications with their tenant, project or
-- person), and the platform's retention drops the months they emptied. Of
-- the partitions partman would drop (their range ended before now() -
-- retention), the oldest that still holds a row stretches the retention back
-- to its start, so it and every newer one stay. One probe per old partition,
-- oldest first, stopping at the first that holds a row.
CREATE OR REPLACE FUNCTION app_private.partition_retention(p_table text) RETURNS interval
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_retention interval := (SELECT s.retention FROM app_private.partition_settings AS s);
  v_partition record;
  v_kept boolean;
BEGIN
  FOR v_partition IN
    SELECT p.partition_schemaname AS schema_name, p.partition_tablename AS table_name, i.child_start_time
      FROM partman.show_partitions(p_table, 'ASC') AS p,
           LATERAL partman.show_partition_info(pg_catalog.format('%I.%I', p.partition_schemaname, p.partition_tablename),
                                               p_parent_table => p_table) AS i
     WHERE i.child_end_time <= pg_catalog.now() - v_retention
  LOOP
    EXECUTE pg_catalog.format('SELECT EXISTS (SELECT FROM %I.%I)', v_partition.schema_name, v_partition.table_name)
       INTO v_kept;
    IF v_kept THEN
      RETURN GREATEST(v_retention, pg_catalog.now() - v_partition.child_start_time);
    END IF;
  END LOOP;
  RETURN v_retention;
END
$$;

COMMENT ON FUNCTION app_private.partition_retention(text) IS
  'How old a partition of a registered append-heavy table may get before maintenance drops it: the platform setting (partition_settings.retention), longer while an older partition still holds a row (rows leave by their table''s own rule: a tenant''s audit retention, the webhook purge, a purge of their tenant), so only emptied months are dropped.';

CREATE OR REPLACE FUNCTION app_private.apply_partition_settings() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  UPDATE partman.part_config AS c
     SET premake = s.premake,
         retention = app_private.partition_retention(c.parent_table)::text,
         retention_keep_table = false,
         retention_keep_index = false,
         infinite_time_partitions = true
    FROM app_private.partition_settings AS s, app_private.append_heavy_tables AS t
   WHERE c.parent_table = t.table_name;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.apply_partition_settings() IS
  'Copies the platform''s partition settings (premake; retention, see app_private.partition_retention) into partman.part_config for every registered append-heavy table; new partitions are made even while a table receives no rows. Returns how many tables.';

CREATE OR REPLACE FUNCTION app_private.protect_partitions() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_missing record;
  v_count integer := 0;
BEGIN
  -- Row triggers of a partitioned table are cloned to every partition,
  -- present and future; statement-level TRUNCATE triggers are not, so a
  -- TRUNCATE of one partition would pass them. Give each partition of a
  -- registered table its parent's TRUNCATE triggers.
  FOR v_missing IN
    SELECT t.tgname, (t.tgtype::integer & 2) = 2 AS before, t.tgfoid::regproc AS function, p.inhrelid::regclass AS partition
      FROM app_private.append_heavy_tables AS r
      JOIN pg_catalog.pg_trigger AS t ON t.tgrelid = pg_catalog.to_regclass(r.table_name)
      JOIN pg_catalog.pg_inherits AS p ON p.inhparent = t.tgrelid
     WHERE (t.tgtype::integer & 32) = 32 AND NOT t.tgisinternal
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger AS c WHERE c.tgrelid = p.inhrelid AND c.tgname = t.tgname)
  LOOP
    EXECUTE pg_catalog.format('CREATE TRIGGER %I %s TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()',
                              v_missing.tgname, CASE WHEN v_missing.before THEN 'BEFORE' ELSE 'AFTER' END,
                              v_missing.partition, v_missing.function);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.protect_partitions() IS
  'Gives every partition of a registered append-heavy table the TRUNCATE triggers of its parent (PostgreSQL clones row triggers to partitions, not statement ones), so a TRUNCATE of one partition is refused as one of the table is. Returns how many triggers it created.';

-- No SET search_path here: pg_partman's maintenance sets the session's
-- search_path for its own work and puts back, session-wide, the one it
-- found; a pinned path would then outlive this function. Every name below
-- is qualified, and the caller's path is put back at the end.
CREATE OR REPLACE FUNCTION app_private.maintain_partitions() RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_search_path text := pg_catalog.current_setting('search_path');
  v_archived integer := 0;
  v_protected integer;
  v_partitions integer;
BEGIN
  -- Events older than the platform's retention that are past their
  -- tenant's go to the archive first (as the daily archive job moves
  -- them); those of tenants who keep theirs longer stay, and so does their
  -- month (app_private.partition_retention): a dropped partition holds no event.
  IF EXISTS (SELECT FROM audit.activity_log
              WHERE occurred_at < pg_catalog.now() - (SELECT retention FROM app_private.partition_settings)) THEN
    v_archived := app_private.archive_activity_log();
  END IF;
  PERFORM app_private.apply_partition_settings();
  PERFORM partman.run_maintenance(p_analyze => false, p_jobmon => false);
  PERFORM pg_catalog.set_config('search_path', v_search_path, false);
  v_protected := app_private.protect_partitions();
  SELECT pg_catalog.count(*) INTO v_partitions
    FROM app_private.append_heavy_tables AS r
    JOIN pg_catalog.pg_inherits AS p ON p.inhparent = pg_catalog.to_regclass(r.table_name);
  RETURN pg_catalog.format('%s partitions, %s newly protected, %s events archived first', v_partitions, v_protected,
                           v_archived);
END
$$;

COMMENT ON FUNCTION app_private.maintain_partitions() IS
  'Scheduled job maintain-partitions: archives activity log events past the platform''s retention and their tenant''s, applies the platform''s partition settings, runs pg_partman maintenance (makes the partitions premake ahead, drops those past retention) and protects new partitions against TRUNCATE. Returns a one-line summary.';

-- On every migrate: settings into part_config, partitions protected.
SELECT app_private.apply_partition_settings();
SELECT app_private.protect_partitions();
