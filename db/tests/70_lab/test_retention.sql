-- Retention: a retained portion is kept for the sample type's retention
-- period, then listed for disposal and announced once by the job (run
-- "later" with p_as_of); disposal needs a method and a reason, records who
-- and when, ends the lifecycle and is append-only.
BEGIN;
SELECT plan(19);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('unkept', tests.create_sample_type(tests.recall('lab'), 'swab', 'mL', 2, 8, NULL));
SELECT tests.remember('s', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), NULL, 100));
SELECT tests.remember('swab', tests.create_sample(tests.recall('lab'), tests.recall('unkept'), tests.recall('lab_site'), NULL, 10));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s'), 'received');
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('swab'), 'received');

SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.remember('retention', (SELECT id FROM app.retain_sample(tests.recall('s'), 25, 'mL', 'Customer dispute hold')));
SELECT tests.remember('portion', (SELECT retained_sample_id FROM app.sample_retentions WHERE id = tests.recall('retention')));
SELECT is((SELECT keep_until - created_at FROM app.sample_retentions WHERE id = tests.recall('retention')), interval '30 days',
  'a retained portion is kept for its type''s retention_days');
SELECT is((SELECT quantity || ' ' || status FROM app.samples WHERE id = tests.recall('portion')) || ' / '
          || (SELECT remaining_quantity FROM app.samples WHERE id = tests.recall('s')),
  '25 received / 75', 'the portion is an aliquot taken from the sample');
SELECT is((SELECT kind::text FROM app.sample_lineage_links WHERE child_id = tests.recall('portion')), 'aliquot', 'the portion is in the lineage');
SELECT is(tests.refusal(format($$SELECT app.retain_sample(%L, 1)$$, tests.recall('swab'))), 'PT422 sample_type.no_retention',
  'a type without retention_days keeps no portions');
SELECT is_empty($$SELECT * FROM app.samples_due_for_disposal$$, 'nothing is due while the retention runs');

-- The job, run at the end of the retention period: once.
SELECT tests.act_as_owner();
SELECT is(app_private.notify_retention_due(now() + interval '29 days'), 0, 'the job finds nothing before keep_until');
SELECT is(app_private.notify_retention_due(now() + interval '31 days'), 1, 'the job announces the portion when its retention ends');
SELECT is(app_private.notify_retention_due(now() + interval '32 days'), 0, '... once');
SELECT is((SELECT array_agg(user_id ORDER BY user_id) FROM app.notifications WHERE entity_id = tests.recall('portion')),
  (SELECT array_agg(u ORDER BY u) FROM unnest(ARRAY[tests.recall('tech'), tests.recall('manager')]) AS u),
  'the sample handlers of its site and the tenant-wide ones are told, not those of another site');
SELECT ok(EXISTS (SELECT FROM app_private.jobs() WHERE name = 'notify-retention-due' AND command = 'SELECT app_private.notify_retention_due()'),
  'notify-retention-due is a scheduled job');
UPDATE app.sample_retentions SET keep_until = now() - interval '1 day' WHERE id = tests.recall('retention');

-- The disposal list and the disposal.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT array_agg(retained_sample_id) FROM app.samples_due_for_disposal), ARRAY[tests.recall('portion')], 'the portion is on the disposal list');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is_empty($$SELECT * FROM app.samples_due_for_disposal$$, 'a technician of another site does not see it');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.dispose_sample(%L, 'autoclave', '')$$, tests.recall('portion'))), 'PT422 sample.reason_required',
  'disposal needs a reason');
SELECT is((SELECT method || ' / ' || reason || ' / ' || (disposed_by = tests.recall('tech'))
             FROM app.dispose_sample(tests.recall('portion'), 'Autoclave, then incineration', 'Retention period ended')),
  'Autoclave, then incineration / Retention period ended / true', 'disposal records how, why and who');
SELECT is((SELECT status::text FROM app.samples WHERE id = tests.recall('portion')) || ' '
          || (SELECT count(*) FROM app.samples_due_for_disposal), 'disposed 0', 'a disposed portion leaves the list');

SELECT is((SELECT count(*)::int FROM app.sample_disposals), 1, 'the technician reads the disposal record');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.sample_disposals) + (SELECT count(*)::int FROM app.sample_retentions), 0,
  'a technician of another site reads neither the disposal nor the retention');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$DELETE FROM app.sample_disposals$$), 'PT409 row.append_only', 'disposal records are append-only');
SELECT is(tests.refusal($$UPDATE app.sample_lineage_links SET quantity = 1$$), 'PT409 row.append_only', 'lineage links are append-only');

SELECT * FROM finish();
ROLLBACK;
