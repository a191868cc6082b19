-- Citus, from the catalog: how every table of the Pulse schemas is placed
-- when the database is distributed on organization_id, and the DDL that does
-- it (`pulse db distribute --emit`). db/tests/10_core/test_citus.sql proves
-- the schema distributable and the DDL complete and in order.

CREATE OR REPLACE FUNCTION app_private.citus_tables() RETURNS TABLE (table_name regclass, placement text, depth integer)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_templates regclass[] := '{}'::regclass[];
  v_partman regnamespace;
BEGIN
  -- pg_partman's template tables (when it keeps them in our schemas) are
  -- not tables of the application.
  SELECT e.extnamespace::regnamespace INTO v_partman FROM pg_catalog.pg_extension AS e WHERE e.extname = 'pg_partman';
  IF v_partman IS NOT NULL THEN
    EXECUTE pg_catalog.format('SELECT coalesce(array_agg(pg_catalog.to_regclass(template_table)), ''{}'') FROM %s.part_config',
                              v_partman)
      INTO v_templates;
  END IF;
  RETURN QUERY
  WITH RECURSIVE tables AS (
    SELECT c.oid,
           CASE WHEN a.attnotnull THEN 'distributed'   -- a tenant table: sharded by tenant
                WHEN a.attnum IS NOT NULL THEN 'local' -- rows with and without a tenant: stays on the coordinator
                ELSE 'reference' END AS placement      -- global: copied to every node
      FROM pg_catalog.pg_class AS c
      JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_attribute AS a
        ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped
     WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit')
       AND c.relkind IN ('r', 'p')
       AND NOT c.relispartition  -- partitions follow their parent
       AND c.oid <> ALL (v_templates)
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  ), refs AS (
    SELECT DISTINCT k.conrelid AS referencing, k.confrelid AS referenced
      FROM pg_catalog.pg_constraint AS k
     WHERE k.contype = 'f' AND k.conrelid <> k.confrelid AND k.conparentid = 0
       AND k.conrelid IN (SELECT t.oid FROM tables AS t) AND k.confrelid IN (SELECT t.oid FROM tables AS t)
  ), chains (oid, depth) AS (
    SELECT t.oid, 0 FROM tables AS t
    UNION ALL
    SELECT r.referencing, ch.depth + 1 FROM chains AS ch JOIN refs AS r ON r.referenced = ch.oid
  ) CYCLE oid SET in_cycle USING path
  SELECT t.oid::regclass, t.placement, max(ch.depth)::integer
    FROM tables AS t JOIN chains AS ch ON ch.oid = t.oid AND NOT ch.in_cycle
   GROUP BY t.oid, t.placement;
END
$$;

COMMENT ON FUNCTION app_private.citus_tables() IS
  'Every table of the Pulse schemas (app, app_private, auth, audit; not partitions, not tables of extensions) with its place under Citus: distributed on organization_id (tenant tables: organization_id NOT NULL), reference (global tables, no organization_id), local (organization_id nullable: rows of no tenant, kept on the coordinator); depth is the longest chain of foreign keys it follows (0: references no other table).';

CREATE OR REPLACE FUNCTION app_private.citus_distribution_ddl() RETURNS TABLE (step integer, table_name regclass, ddl text)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH placed AS (
    SELECT t.table_name, t.placement, t.depth,
           CASE t.placement WHEN 'reference' THEN 1 WHEN 'local' THEN 2 ELSE 3 END AS rank
      FROM app_private.citus_tables() AS t
  ), ordered AS (
    SELECT p.*, pg_catalog.row_number() OVER (ORDER BY p.rank, p.depth, p.table_name::text COLLATE "C") AS n,
           pg_catalog.first_value(p.table_name) OVER (PARTITION BY p.rank ORDER BY p.depth, p.table_name::text COLLATE "C") AS anchor
      FROM placed AS p
  ), header (n, ddl) AS (
    VALUES
      (1, '-- Pulse on Citus, generated from the catalog by app_private.citus_distribution_ddl() (pulse db distribute --emit).'),
      (2, '-- Run once on the coordinator as the schema owner, after CREATE EXTENSION citus and citus_add_node for every worker.'),
      (3, '-- Tables of extensions (cron, graphile_worker, partman) and the sqitch registry stay on the coordinator, where pg_cron, graphile-worker and migrations run.'),
      (4, '-- Claims set per transaction (request.jwt.claims, role) reach the workers:'),
      (5, pg_catalog.format('ALTER DATABASE %I SET citus.propagate_set_commands = %L;', pg_catalog.current_database(), 'local')),
      (6, '-- Rules live in triggers; on distributed tables they run on the workers, with the shard:'),
      (7, pg_catalog.format('ALTER DATABASE %I SET citus.enable_unsafe_triggers = on;', pg_catalog.current_database())),
      (8, 'SET citus.propagate_set_commands = ''local'';'),
      (9, 'SET citus.enable_unsafe_triggers = on;'),
      (10, '-- Global tables, copied to every node (referenced tables first):')
  ), footer (n, ddl) AS (
    VALUES
      (1, '-- Real-time events and graphile-worker jobs: triggers on the workers queue them in app_private.relay_outbox; the coordinator, where the GraphQL server listens and graphile_worker lives, relays them every second.'),
      (2, 'DROP TRIGGER IF EXISTS _900_relay ON app_private.relay_outbox;'),
      (3, 'SELECT cron.schedule(''relay-outbox'', ''1 seconds'', ''SELECT app_private.relay_queued_messages()'');')
  ), lines AS (
    SELECT 0 AS part, h.n, NULL::regclass AS table_name, h.ddl FROM header AS h
    UNION ALL
    SELECT 1, o.n * 2,
           NULL, CASE o.placement WHEN 'local' THEN '-- Tables with rows of no tenant, on the coordinator (visible from every node):'
                                  ELSE '-- Tenant tables, sharded and colocated on organization_id (referenced tables first):' END
      FROM ordered AS o WHERE o.table_name = o.anchor AND o.placement <> 'reference'
    UNION ALL
    SELECT 1, o.n * 2 + 1, o.table_name,
           CASE o.placement
             WHEN 'reference' THEN pg_catalog.format('SELECT create_reference_table(%L);', o.table_name::text)
             WHEN 'local' THEN pg_catalog.format('SELECT citus_add_local_table_to_metadata(%L);', o.table_name::text)
             WHEN 'distributed' THEN pg_catalog.format('SELECT create_distributed_table(%L, %L, colocate_with => %L);',
                                                       o.table_name::text, 'organization_id',
                                                       CASE WHEN o.table_name = o.anchor THEN 'none' ELSE o.anchor::text END)
           END
      FROM ordered AS o
    UNION ALL
    SELECT 2, f.n, NULL, f.ddl FROM footer AS f
  )
  SELECT pg_catalog.row_number() OVER (ORDER BY l.part, l.n)::integer, l.table_name, l.ddl
    FROM lines AS l
   ORDER BY l.part, l.n
$$;

COMMENT ON FUNCTION app_private.citus_distribution_ddl() IS
  'The DDL that distributes this database on Citus, one statement or comment per row in order (step): settings (citus.propagate_set_commands = local, triggers allowed), create_reference_table for global tables, citus_add_local_table_to_metadata for tables with rows of no tenant, create_distributed_table on organization_id colocated with the first tenant table for tenant tables (referenced tables before the tables that reference them), then the coordinator''s outbox relay of real-time events and jobs (pg_cron, every second). table_name names the table a step places. Read from the catalog: new tables are covered. `pulse db distribute --emit` prints it.';
