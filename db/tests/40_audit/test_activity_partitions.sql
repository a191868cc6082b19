-- The activity log is partitioned by month (pg_partman, docs/scaling.md
-- "Partitions"): each partition, including those partman makes later, is
-- as append-only as the table, and maintenance drops an old month only
-- once its events are in the archive.
BEGIN;
SELECT plan(22);

SELECT tests.remember('a', tests.create_tenant());
INSERT INTO audit.activity_log (organization_id, actor_role, entity_type, entity_id, action, new_values)
VALUES (tests.recall('a'), 'app_user', 'sites', 'now', 'insert', '{}');
CREATE TEMP TABLE current_partition ON COMMIT DROP AS
SELECT tableoid::regclass AS name FROM audit.activity_log WHERE organization_id = tests.recall('a') AND entity_id = 'now';

SELECT is((SELECT name::text FROM current_partition), 'audit.activity_log_p' || to_char(now(), 'YYYY_MM'),
  'an event lands in its month''s partition');

-- Writes straight to a partition, as the owner, meet the table's rule.
SELECT is(tests.refusal(format('UPDATE %s SET entity_id = %L', (SELECT name FROM current_partition), 'changed')),
  'PT403 audit.append_only', 'the owner cannot update a partition directly');
SELECT is(tests.refusal(format('DELETE FROM %s', (SELECT name FROM current_partition))),
  'PT403 audit.append_only', 'nor delete from it');
SELECT is(tests.refusal(format('TRUNCATE %s', (SELECT name FROM current_partition))),
  'PT403 audit.append_only', 'nor truncate it');
SELECT is(tests.refusal('TRUNCATE audit.activity_log_default'), 'PT403 audit.append_only',
  'nor truncate the default partition');
SELECT is(tests.refusal($$UPDATE audit.activity_log SET entity_id = 'changed'$$), 'PT403 audit.append_only',
  'through the table, an update is refused as before');

-- Partitions partman makes later: more premake, then the scheduled job.
UPDATE app_private.partition_settings SET premake = 7;
SELECT is((SELECT command FROM app_private.jobs() WHERE name = 'maintain-partitions'),
  'SELECT app_private.maintain_partitions()', 'maintenance is a scheduled job');
SELECT ok(app_private.maintain_partitions() ~ '^\d+ partitions, \d+ newly protected', 'it runs');
SELECT is((SELECT premake FROM partman.part_config WHERE parent_table = 'audit.activity_log'), 7,
  'the platform''s premake reaches part_config');
SELECT ok(to_regclass('audit.activity_log_p' || to_char(now() + interval '7 months', 'YYYY_MM')) IS NOT NULL,
  'partitions are made premake months ahead');
SELECT is_empty($$
  SELECT p.inhrelid::regclass::text || ' lacks ' || t.tgname
    FROM pg_inherits AS p, pg_trigger AS t
   WHERE p.inhparent = 'audit.activity_log'::regclass AND t.tgrelid = p.inhparent AND NOT t.tgisinternal
     AND NOT EXISTS (SELECT FROM pg_trigger AS c WHERE c.tgrelid = p.inhrelid AND c.tgname = t.tgname)
$$, 'every partition, old and new, has the table''s refusing triggers');
INSERT INTO audit.activity_log (organization_id, occurred_at, actor_role, entity_type, entity_id, action)
VALUES (tests.recall('a'), now() + interval '6 months', 'app_user', 'sites', 'later', 'insert');
SELECT is(tests.refusal(format('TRUNCATE audit.activity_log_p%s', to_char(now() + interval '6 months', 'YYYY_MM'))),
  'PT403 audit.append_only', 'a partition made by maintenance refuses a truncate');
SELECT is(tests.refusal(format($$DELETE FROM audit.activity_log_p%s WHERE entity_id = 'later'$$,
                               to_char(now() + interval '6 months', 'YYYY_MM'))),
  'PT403 audit.append_only', 'and a delete');

-- Retention: the platform setting; a month past it stays while a tenant
-- who keeps its events longer still has one there, and goes once the
-- event has moved to the archive.
UPDATE app_private.partition_settings SET retention = interval '3 years';
SELECT is(app_private.partition_retention('audit.activity_log'), interval '3 years',
  'with no event older than the platform''s retention, the activity log keeps the setting');
UPDATE app.audit_settings SET activity_log_retention_years = 5 WHERE organization_id = tests.recall('a');
SELECT ok(partman.create_partition_time('audit.activity_log', ARRAY[date_trunc('month', now() - interval '4 years')]),
  'partman makes a month four years back');
INSERT INTO audit.activity_log (organization_id, occurred_at, actor_role, entity_type, entity_id, action)
VALUES (tests.recall('a'), date_trunc('month', now() - interval '4 years') + interval '1 day', 'app_user', 'sites',
        'old', 'insert');
SELECT ok(app_private.maintain_partitions() ~ ', 0 events archived first$', 'a tenant keeping 5 years keeps its event');
SELECT ok(to_regclass('audit.activity_log_p' || to_char(now() - interval '4 years', 'YYYY_MM')) IS NOT NULL,
  'and its month stays past the platform''s retention');
UPDATE app.audit_settings SET activity_log_retention_years = 2 WHERE organization_id = tests.recall('a');
SELECT ok(app_private.maintain_partitions() ~ ', 1 events archived first$', 'at 2 years, maintenance archives the event first');
SELECT ok(to_regclass('audit.activity_log_p' || to_char(now() - interval '4 years', 'YYYY_MM')) IS NULL,
  'then drops the month');
SELECT is((SELECT count(*)::int FROM audit.activity_log_archive
            WHERE organization_id = tests.recall('a') AND entity_id = 'old'), 1,
  'the event is in the archive');

-- A member reads the log through app.activity_log in one pass: the newest
-- 50 are one scan of the partitions, plus the probe for a deleted row's
-- history (which the planner may keep in two forms), so the
-- partitions planned do not multiply with the audited tables (the view of
-- one UNION ALL branch per audited table planned each partition ~160 times).
SELECT tests.remember('auditor', tests.create_member(tests.recall('a'), 'auditor'));
CREATE FUNCTION pg_temp.plan_of(p_query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_plan json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || p_query INTO v_plan;
  RETURN v_plan::text;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.plan_of(text) TO app_user;
CREATE TEMP TABLE log_partitions ON COMMIT DROP AS
SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'audit.activity_log'::regclass;
GRANT SELECT ON log_partitions TO app_user;
SELECT tests.act_as(tests.recall('auditor'), tests.recall('a'));
SELECT cmp_ok((SELECT count(*)::int FROM regexp_matches(
                 pg_temp.plan_of('SELECT * FROM app.activity_log ORDER BY occurred_at DESC LIMIT 50'),
                 '"Relation Name": "activity_log_(p[0-9_]+|default)"', 'g')),
              '<=', 3 * (SELECT n FROM log_partitions),
  'the newest-50 read plans each partition at most 3 times (the scan, the deleted-history probe in up to two forms)');
SELECT ok(pg_temp.plan_of('SELECT * FROM app.activity_log ORDER BY occurred_at DESC LIMIT 50') ~ '"Node Type": "Merge Append"',
  'in time order, stopping at 50 (a merge of the partitions'' time indexes, no sort of the tenant''s events)');
SELECT tests.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
