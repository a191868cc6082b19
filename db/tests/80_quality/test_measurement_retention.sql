-- Per-tenant measurement retention (db/functions/80_quality/
-- 44_measurement_retention.sql): the typed setting measurement_retention_years
-- (at least 2 years, 15 by default), the purge-measurements job that drops a
-- whole monthly partition when every tenant with rows in it allows it and
-- deletes rows otherwise, the data of an SPC baseline in force kept whatever
-- its age, and the append-only guard that lets a measurement go only past
-- its tenant's retention.
BEGIN;
SELECT plan(19);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('keeper', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('keeper_plant', tests.create_site(tests.recall('keeper')));
SELECT tests.remember('c', tests.create_characteristic(tests.recall('t'), tests.recall('plant'), 'xbar_r', 2));
SELECT tests.remember('keeper_c', tests.create_characteristic(tests.recall('keeper'), tests.recall('keeper_plant'), 'xbar_r', 2));

-- The setting: typed, with its floor, changed by settings.manage.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT value FROM app.settings WHERE setting_key = 'measurement_retention_years'), '15'::jsonb,
  'measurements are kept 15 years by default');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal($$INSERT INTO app.tenant_settings (setting_key, value) VALUES ('measurement_retention_years', '1')$$),
  'PT422 setting.value_invalid', 'never less than the floor of 2 years');
SELECT is(tests.refusal($$INSERT INTO app.tenant_settings (setting_key, value) VALUES ('measurement_retention_years', '"3"')$$),
  'PT422 setting.value_invalid', 'a number of years, not text');
INSERT INTO app.tenant_settings (setting_key, value) VALUES ('measurement_retention_years', '3');

-- History, as the owner: monthly partitions 7, 6 and 5 years back; 8 and 2.5 years back land in the default partition.
SELECT tests.act_as_owner();
SELECT is(app_private.measurement_retention_years(tests.recall('t')), 3, 'the tenant keeps its measurements 3 years');
SELECT partman.create_partition_time('app.measurements',
  ARRAY[date_trunc('month', now() - interval '7 years'), date_trunc('month', now() - interval '6 years'),
        date_trunc('month', now() - interval '5 years')])::text;
-- The partition of the month p_years back, if it is there.
CREATE FUNCTION pg_temp.month_back(p_years integer) RETURNS regclass
LANGUAGE sql STABLE AS $$
  SELECT to_regclass(format('app.measurements_p%s', to_char(now() - make_interval(years => p_years), 'YYYY_MM')));
$$;
CREATE FUNCTION pg_temp.measure(p_characteristic uuid, p_subgroup integer, p_at timestamptz) RETURNS text
LANGUAGE sql AS $$
  INSERT INTO app.inspections (organization_id, id, kind, part_id, part_revision_id, control_plan_id, site_id, status)
  SELECT c.organization_id, uuid_generate_v7(), 'in_process', r.part_id, r.id, c.control_plan_id, c.site_id, 'open'
    FROM app.characteristics AS c JOIN app.control_plans AS p ON p.id = c.control_plan_id
    JOIN app.part_revisions AS r ON r.id = p.part_revision_id
   WHERE c.id = p_characteristic AND NOT EXISTS (SELECT FROM app.inspections AS i WHERE i.control_plan_id = c.control_plan_id);
  INSERT INTO app.measurements (organization_id, id, measured_at, inspection_id, characteristic_id, site_id, subgroup, value, in_spec)
  SELECT c.organization_id, uuid_generate_v7(), p_at, i.id, c.id, c.site_id, p_subgroup, 10.0, true
    FROM app.characteristics AS c JOIN app.inspections AS i ON i.control_plan_id = c.control_plan_id
   WHERE c.id = p_characteristic;
  SELECT 'measured';
$$;
-- 7 years back: the tenant's subgroups 1-2, which its baseline in force was computed from.
SELECT pg_temp.measure(tests.recall('c'), g, date_trunc('month', now() - interval '7 years') + interval '1 day') FROM generate_series(1, 2) AS g;
INSERT INTO app.spc_baselines (organization_id, id, characteristic_id, site_id, from_subgroup, to_subgroup, subgroups, center, ucl, lcl, reason)
VALUES (tests.recall('t'), uuid_generate_v7(), tests.recall('c'), tests.recall('plant'), 1, 2, 2, 10.0, 10.05, 9.95, 'Initial study');
-- 6 years back: only the tenant's rows (subgroups 3-4). 5 years back: the tenant's and the keeper's (15 years).
SELECT pg_temp.measure(tests.recall('c'), g, date_trunc('month', now() - interval '6 years') + interval '1 day') FROM generate_series(3, 4) AS g;
SELECT pg_temp.measure(tests.recall('c'), 5, date_trunc('month', now() - interval '5 years') + interval '1 day');
SELECT pg_temp.measure(tests.recall('keeper_c'), 1, date_trunc('month', now() - interval '5 years') + interval '1 day');
-- 8 years back (default partition), and 2.5 years back (within the tenant's 3).
SELECT pg_temp.measure(tests.recall('c'), 6, now() - interval '8 years');
SELECT pg_temp.measure(tests.recall('c'), 7, now() - interval '30 months');
SELECT pg_temp.measure(tests.recall('c'), 8, now() - interval '1 day');

-- The guard: a measurement leaves only past its tenant's retention.
SELECT is(tests.refusal(format($$DELETE FROM app.measurements WHERE organization_id = %L AND subgroup = 7$$, tests.recall('t'))),
  'PT409 row.append_only', 'a measurement within its tenant''s retention cannot be deleted, even by the owner');
SELECT is(tests.refusal(format($$DELETE FROM app.measurements WHERE organization_id = %L AND subgroup = 1$$, tests.recall('t'))),
  'PT409 row.append_only', 'nor the data of an SPC baseline in force, however old');
SELECT is(tests.refusal(format($$DELETE FROM app.measurements WHERE organization_id = %L$$, tests.recall('keeper'))),
  'PT409 row.append_only', 'nor a 5-year-old measurement of a tenant that keeps them 15 years');
SELECT is(tests.refusal(format($$UPDATE app.measurements SET value = 11 WHERE organization_id = %L AND subgroup = 6$$, tests.recall('t'))),
  'PT409 row.append_only', 'an expired measurement is still never changed');

-- The job, scheduled like every job and run here once.
SELECT ok(EXISTS (SELECT FROM app_private.jobs() WHERE name = 'purge-measurements' AND command = 'SELECT app_private.purge_measurements()'),
  'purge-measurements is a scheduled job');
SELECT is(app_private.run_job('purge-measurements'), '1 partitions dropped (2 measurements), 2 measurements deleted',
  'one partition dropped whole, two rows deleted');
SELECT ok(pg_temp.month_back(6) IS NULL, 'the month whose every row was past its tenant''s retention is dropped whole');
SELECT ok(pg_temp.month_back(7) IS NOT NULL AND pg_temp.month_back(5) IS NOT NULL,
  'the months holding baseline data in force or a longer-keeping tenant''s rows stay');
SELECT is(ARRAY(SELECT subgroup FROM app.measurements WHERE organization_id = tests.recall('t') ORDER BY subgroup), ARRAY[1, 2, 7, 8],
  'the tenant keeps its baseline data and what is younger than 3 years; the 5- and 8-year-old rows are deleted');
SELECT is((SELECT count(*)::int FROM app.measurements WHERE organization_id = tests.recall('keeper')), 1,
  'the tenant keeping 15 years keeps its 5-year-old measurement');
SELECT is((SELECT count(*)::int FROM app.spc_subgroups WHERE organization_id = tests.recall('t')), 0,
  'subgroup summaries are not measurements (none were closed here; they are never purged)');

-- A new baseline supersedes the old: its data is no longer referenced and goes at the next run.
UPDATE app.spc_baselines SET superseded_at = now() WHERE organization_id = tests.recall('t');
SELECT is(app_private.purge_measurements(), '1 partitions dropped (2 measurements), 0 measurements deleted',
  'once the baseline is superseded, its month is dropped too');
SELECT ok(pg_temp.month_back(7) IS NULL, 'the 7-year-old month is gone');
SELECT is(app_private.purge_measurements(), '0 partitions dropped (0 measurements), 0 measurements deleted', 'a second run finds nothing');

-- The floor: below it nothing goes, whatever a setting says (the schema refuses less; a definition changed to allow less cannot reach younger rows).
SELECT is(app_private.measurement_retention_floor(), 2, 'the floor is 2 years');

SELECT * FROM finish();
ROLLBACK;
