-- Append-heavy tables partitioned by time (docs/scaling.md, "Partitions").
-- The register app_private.append_heavy_tables lists them; pg_partman
-- (schema partman) makes and drops their partitions. The platform's one
-- setting row (app_private.partition_settings: retention, premake) is
-- copied into partman.part_config on every migrate and before each run of
-- the maintain-partitions job (50_platform/40_jobs.sql).

CREATE OR REPLACE FUNCTION app_private.partition_retention(p_table text) RETURNS interval
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE p_table
           -- The activity log's events leave by their tenant's own retention
           -- (app.audit_settings, to the archive), which may be longer than
           -- the platform's: a month is dropped once no event is left in it,
           -- i.e. the retention stretches back to the oldest event still there.
           WHEN 'audit.activity_log' THEN GREATEST(s.retention, pg_catalog.now() - (
             SELECT pg_catalog.min(l.occurred_at) FROM audit.activity_log AS l
              WHERE l.occurred_at < pg_catalog.now() - s.retention))
           ELSE s.retention
         END
    FROM app_private.partition_settings AS s
$$;

COMMENT ON FUNCTION app_private.partition_retention(text) IS
  'How old a partition of a registered append-heavy table may get before maintenance drops it: the platform setting (partition_settings.retention); for audit.activity_log, longer while an older event is still in the log (a tenant whose own retention is longer).';

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
