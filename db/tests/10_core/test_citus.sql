-- Citus, read from the catalog (db/functions/10_core/60_citus.sql): every
-- table has one place (distributed on organization_id, reference, or local to
-- the coordinator), every tenant table can be distributed as it is, the DDL
-- `pulse db distribute --emit` prints places each table exactly once with
-- referenced tables first, and the queries Citus runs on one shard only
-- (recursive CTEs, row locks) name their tenant. Tables and functions added
-- later are checked the same way: nothing here lists them.
BEGIN;
SELECT plan(22);

-- A partitioned tenant table, as pg_partman makes them: the parent is placed,
-- its partitions follow it.
CREATE TABLE app_private.citus_probe (
  organization_id uuid NOT NULL REFERENCES app.organizations (id),
  id uuid NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (organization_id, id, at)
) PARTITION BY RANGE (at);
CREATE TABLE app_private.citus_probe_2026 PARTITION OF app_private.citus_probe
  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE TEMP TABLE placed ON COMMIT DROP AS SELECT * FROM app_private.citus_tables();
CREATE TEMP TABLE ddl ON COMMIT DROP AS SELECT * FROM app_private.citus_distribution_ddl();

SELECT set_eq($$ SELECT table_name::text FROM placed $$, $$
  SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit') AND c.relkind IN ('r', 'p') AND NOT c.relispartition
$$, 'every table of the Pulse schemas but partitions has a place under Citus');

SELECT is((SELECT placement FROM placed WHERE table_name = 'app_private.citus_probe'::regclass), 'distributed',
  'a partitioned tenant table is distributed as its parent');
SELECT ok(NOT EXISTS (SELECT FROM placed WHERE table_name = 'app_private.citus_probe_2026'::regclass)
          AND NOT EXISTS (SELECT FROM ddl WHERE table_name = 'app_private.citus_probe_2026'::regclass),
  'a partition is neither placed nor in the DDL: Citus distributes it with its parent');

SELECT set_eq($$ SELECT table_name::text FROM placed WHERE placement = 'distributed' $$, $$
  SELECT a.attrelid::regclass::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace IN ('app'::regnamespace, 'app_private'::regnamespace, 'auth'::regnamespace, 'audit'::regnamespace)
     AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attname = 'organization_id' AND a.attnotnull
$$, 'the distributed tables are exactly the tenant tables (organization_id NOT NULL)');

SELECT set_eq($$ SELECT table_name::text FROM placed WHERE placement = 'local' $$,
  ARRAY['app.sessions', 'audit.activity_log', 'audit.activity_log_archive',
        'app_private.request_grants', 'app_private.request_grant_locks'],
  'only sessions, the activity log and the request grants (rows of no tenant: sign-ins before choosing one, changes to users, tokens naming no tenant) stay on the coordinator');

-- Citus needs every unique index (constraint or not) and every primary key
-- of a distributed table to include the distribution column; test_catalog.sql
-- checks the constraints, this checks the indexes behind them and the others.
SELECT is_empty($$
  SELECT i.indexrelid::regclass::text FROM pg_index i JOIN placed p ON p.table_name = i.indrelid
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'organization_id'
   WHERE p.placement = 'distributed' AND i.indisunique AND NOT a.attnum = ANY (i.indkey)
$$, 'every unique index of a distributed table includes organization_id');

SELECT is_empty($$
  SELECT p.table_name::text FROM placed p
   WHERE p.placement = 'distributed'
     AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = p.table_name AND k.contype = 'p')
$$, 'every distributed table has a primary key');

-- Foreign keys Citus accepts: to a reference table from anywhere; between
-- local tables; between distributed tables only on the distribution column,
-- organization_id matched with organization_id.
CREATE TEMP VIEW fks AS
SELECT k.conname, k.conrelid, k.confrelid, k.conkey, k.confkey,
       f.placement AS referencing, t.placement AS referenced
  FROM pg_constraint k JOIN placed f ON f.table_name = k.conrelid JOIN placed t ON t.table_name = k.confrelid
 WHERE k.contype = 'f' AND k.conparentid = 0;

SELECT ok((SELECT count(*) FROM fks WHERE referencing = 'distributed' AND referenced = 'distributed') > 100,
  'the foreign key checks see the tenant tables'' foreign keys');
SELECT is_empty($$
  SELECT conrelid::regclass::text || ' ' || conname || ': ' || referencing || ' -> ' || referenced || ' ' || confrelid::regclass::text
    FROM fks
   WHERE referenced <> 'reference' AND referencing <> referenced
$$, 'no foreign key from a reference or local table to a distributed one, nor between distributed and local tables');
SELECT is_empty($$
  SELECT k.conrelid::regclass::text || ' ' || k.conname FROM fks k
   WHERE k.referencing = 'distributed' AND k.referenced = 'distributed'
     AND NOT EXISTS (SELECT FROM generate_subscripts(k.conkey, 1) AS s
                      WHERE k.conkey[s] = (SELECT attnum FROM pg_attribute WHERE attrelid = k.conrelid AND attname = 'organization_id')
                        AND k.confkey[s] = (SELECT attnum FROM pg_attribute WHERE attrelid = k.confrelid AND attname = 'organization_id'))
$$, 'every foreign key between tenant tables matches organization_id with organization_id');

-- The DDL.
SELECT is_empty($$ SELECT table_name::text FROM ddl WHERE table_name IS NOT NULL GROUP BY 1 HAVING count(*) <> 1 $$,
  'the DDL places each table once');
SELECT set_eq($$ SELECT table_name::text FROM ddl WHERE table_name IS NOT NULL $$, $$ SELECT table_name::text FROM placed $$,
  'the DDL places every table');
SELECT is_empty($$
  SELECT d.table_name::text || ': ' || d.ddl FROM ddl d JOIN placed p USING (table_name)
   WHERE d.ddl NOT LIKE CASE p.placement
           WHEN 'reference' THEN format('SELECT create_reference_table(%L);', p.table_name::text)
           WHEN 'local' THEN format('SELECT citus_add_local_table_to_metadata(%L);', p.table_name::text)
           ELSE format('SELECT create_distributed_table(%L, ''organization_id'', colocate_with => %%);', p.table_name::text) END
$$, 'each table gets the call of its place: reference, local, or distributed on organization_id');
SELECT is_empty($$
  SELECT k.conrelid::regclass::text || ' ' || k.conname || ' runs before ' || k.confrelid::regclass::text
    FROM pg_constraint k JOIN ddl f ON f.table_name = k.conrelid JOIN ddl t ON t.table_name = k.confrelid
   WHERE k.contype = 'f' AND k.conrelid <> k.confrelid AND f.step <= t.step
$$, 'a table is placed after every table its foreign keys reference');
SELECT is_empty($$
  SELECT d.table_name::text FROM ddl d JOIN placed p USING (table_name), ddl r JOIN placed q USING (table_name)
   WHERE p.placement = 'distributed' AND q.placement = 'reference' AND d.step < r.step
$$, 'reference tables come before distributed ones');
SELECT results_eq($$
  SELECT count(*) FILTER (WHERE ddl LIKE '%colocate_with => ''none'');')::int,
         count(*) FILTER (WHERE ddl LIKE format('%%colocate_with => %L);', (SELECT table_name::text FROM ddl
                                 WHERE ddl LIKE '%colocate_with => ''none'');')))::int
    FROM ddl WHERE ddl LIKE 'SELECT create_distributed_table(%'
$$, $$ VALUES (1, (SELECT count(*)::int - 1 FROM placed WHERE placement = 'distributed')) $$,
  'the first tenant table starts the colocation group; every other one is colocated with it');
SELECT ok((SELECT min(step) FROM ddl WHERE ddl ~ '^ALTER DATABASE \S+ SET citus\.propagate_set_commands = ''local'';$')
          < (SELECT min(step) FROM ddl WHERE table_name IS NOT NULL),
  'claims reach the workers (citus.propagate_set_commands = local) before any table is placed');
SELECT results_eq($$ SELECT ddl FROM ddl WHERE ddl !~ '^(--|SELECT create_|SELECT citus_add_|ALTER DATABASE|SET citus)' ORDER BY step $$,
  ARRAY['DROP TRIGGER IF EXISTS _900_relay ON app_private.relay_outbox;',
        'SELECT cron.schedule(''relay-outbox'', ''1 seconds'', ''SELECT app_private.relay_queued_messages()'');'],
  'under Citus the coordinator relays real-time events and jobs every second, instead of the single-node trigger');

-- Recursive CTEs and row locks on a distributed table run on one shard only:
-- the statement names organization_id. Statements are the function bodies
-- (comments removed) split at semicolons.
CREATE TEMP TABLE statements ON COMMIT DROP AS
SELECT p.oid::regprocedure::text AS function_name, s.stmt
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang,
       regexp_split_to_table(regexp_replace(regexp_replace(p.prosrc, '/\*.*?\*/', ' ', 'g'), '--[^\n]*', ' ', 'g'), ';') AS s(stmt)
 WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit') AND l.lanname IN ('sql', 'plpgsql')
   AND s.stmt ~* '\mwith\s+recursive\M|\mfor\s+(no\s+key\s+update|update|key\s+share|share)\M';

SELECT ok((SELECT count(*) FROM statements WHERE stmt ~* '\mfor\s+update\M') > 20
          AND (SELECT count(*) FROM statements WHERE stmt ~* '\mwith\s+recursive\M') > 3,
  'the scan finds the functions'' row locks and recursive CTEs');
SELECT is_empty($$
  SELECT DISTINCT s.function_name || ': ' || left(regexp_replace(s.stmt, '\s+', ' ', 'g'), 160)
    FROM statements s
   WHERE s.stmt !~ '\morganization_id\M'
     AND EXISTS (SELECT FROM placed p WHERE p.placement = 'distributed'
                    AND s.stmt ~* ('\m' || replace(p.table_name::text, '.', '\.') || '\M'))
$$, 'every recursive CTE and row lock on a tenant table names organization_id (one shard under Citus)');

-- Real-time events and jobs go through the relay outbox, which the
-- coordinator relays under Citus: pg_notify is called by the relay's sender
-- and the single-node trigger only, by app_private.publish_realtime_many
-- where that trigger is in place (it sends a batch as the trigger would; where
-- the trigger is gone, under Citus, it queues: test_relay_outbox.sql), and by
-- RPCs (which run on the coordinator) that wake a worker process;
-- graphile_worker.add_job by the sender only (graphile_worker is on the
-- coordinator alone).
SELECT set_eq($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit') AND p.prosrc ~* '\mpg_notify\s*\('
$$, ARRAY['app_private.send_relayed(app_private.relay_outbox)', 'app_private.tg_relay_outbox__send()',
          'app_private.publish_realtime_many(text,uuid,jsonb[])',
          'app.confirm_attachment_upload(uuid)', 'app.confirm_document_upload(uuid)'],
  'only the outbox relay (and publish_realtime_many where the relay trigger would send at once) calls pg_notify (domains publish with app_private.publish_realtime), and two upload RPCs that wake the storage worker');
SELECT set_eq($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit')
     AND regexp_replace(regexp_replace(p.prosrc, '/\*.*?\*/', ' ', 'g'), '--[^\n]*', ' ', 'g') ~* '\mgraphile_worker\.'
$$, ARRAY['app_private.send_relayed(app_private.relay_outbox)'],
  'only the outbox relay calls graphile_worker (domains enqueue with app_private.enqueue_job)');

SELECT * FROM finish();
ROLLBACK;
