-- Append-heavy tables (docs/conventions.md, "Append-heavy tables"): every
-- table partitioned by time is in app_private.append_heavy_tables and under
-- pg_partman with the platform's settings, keyed with its partition key
-- (and its tenant), and each partition carries the parent's triggers and no
-- grant of its own. A table partitioned later is held to the same rules.
BEGIN;
SELECT plan(8);

-- In every schema but the system's and partman's (whose template tables
-- are not partitioned): a table partitioned by hand, and not registered,
-- would have no maintenance and no retention.
SELECT set_eq($$
  SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'partman') AND n.nspname NOT LIKE 'pg\_%'
     AND c.relkind = 'p' AND NOT c.relispartition
$$, $$SELECT table_name FROM app_private.append_heavy_tables$$,
  'the partitioned tables are exactly the registered append-heavy tables');

SELECT set_eq($$SELECT parent_table FROM partman.part_config$$, $$SELECT table_name FROM app_private.append_heavy_tables$$,
  'pg_partman manages exactly the registered tables');

SELECT is_empty($$
  SELECT t.table_name FROM app_private.append_heavy_tables t
    LEFT JOIN partman.part_config c ON c.parent_table = t.table_name
   WHERE c.partition_type IS DISTINCT FROM 'native' OR c.control IS DISTINCT FROM t.control_column
      OR c.partition_interval::interval IS DISTINCT FROM t.partition_interval
      OR NOT c.infinite_time_partitions OR c.automatic_maintenance IS DISTINCT FROM 'on'
$$, 'each is natively partitioned on its registered column and interval, maintained automatically');

SELECT is_empty($$
  SELECT c.parent_table FROM partman.part_config c, app_private.partition_settings s
   WHERE c.premake IS DISTINCT FROM s.premake OR c.premake < 2
      OR c.retention IS NULL OR c.retention::interval < s.retention
      OR c.retention_keep_table
$$, 'premake and retention come from the platform setting (partition_settings; longer while an older month still holds rows, see app_private.partition_retention), and old partitions are dropped');

SELECT is_empty($$
  SELECT t.table_name FROM app_private.append_heavy_tables t
    JOIN pg_constraint k ON k.conrelid = t.table_name::regclass AND k.contype = 'p'
   WHERE NOT (SELECT array_agg(attname::text) FROM pg_attribute
               WHERE attrelid = k.conrelid AND attnum = ANY (k.conkey)) @> ARRAY[t.control_column, 'id']
      OR NOT (SELECT array_agg(attname::text) FROM pg_attribute
               WHERE attrelid = k.conrelid AND attnum = ANY (k.conkey)) @> ARRAY['organization_id']
         -- Tables with rows of no tenant (the activity log: users) cannot key on it.
         AND EXISTS (SELECT FROM pg_attribute WHERE attrelid = k.conrelid AND attname = 'organization_id' AND attnotnull)
   UNION ALL
  SELECT t.table_name FROM app_private.append_heavy_tables t
   WHERE NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = t.table_name::regclass AND k.contype = 'p')
$$, 'each keys on (organization_id, id, its partition column); without organization_id only where rows of no tenant exist');

SELECT is_empty($$
  SELECT p.inhrelid::regclass::text || ' lacks ' || g.tgname
    FROM app_private.append_heavy_tables t
    JOIN pg_inherits p ON p.inhparent = t.table_name::regclass
    JOIN pg_trigger g ON g.tgrelid = p.inhparent AND NOT g.tgisinternal
   WHERE NOT EXISTS (SELECT FROM pg_trigger c WHERE c.tgrelid = p.inhrelid AND c.tgname = g.tgname)
$$, 'every partition carries each trigger of its parent (row triggers cloned, TRUNCATE ones by app_private.protect_partitions)');

SELECT is_empty($$
  SELECT p.inhrelid::regclass::text || ': ' || r.role
    FROM app_private.append_heavy_tables t
    JOIN pg_inherits p ON p.inhparent = t.table_name::regclass,
         (VALUES ('anon'), ('app_user'), ('app_admin'), ('authenticator')) AS r (role)
   WHERE has_table_privilege(r.role, p.inhrelid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
$$, 'no API role may touch a partition directly: grants and policies are the parent''s');

SELECT ok((SELECT count(*) FROM app_private.append_heavy_tables) > 0, 'the register is not empty');

SELECT * FROM finish();
ROLLBACK;
