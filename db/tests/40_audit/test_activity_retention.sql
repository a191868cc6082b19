-- Activity log retention (seed 002 §5): events older than their tenant's
-- retention (2 years by default, per tenant in app.audit_settings) move to
-- the archive by the archive-activity-log job, run here with a frozen clock
-- (p_as_of). The archive is append-only and reads as the log does.
BEGIN;
SELECT plan(22);

-- Tenant A keeps the default; tenant B keeps 7 years. Events are placed
-- around the moment the job runs (now(), this transaction's time).
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('a_admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('a_qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('a_sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('operator', tests.create_operator());

SELECT is((SELECT activity_log_retention_years FROM app.audit_settings WHERE organization_id = tests.recall('a')), 2,
  'a new tenant keeps its activity log 2 years (the platform default, copied when provisioned)');

-- Settings: changed with organization.update, by nobody else.
SELECT tests.act_as(tests.recall('a_sales'), tests.recall('a'));
UPDATE app.audit_settings SET activity_log_retention_years = 1;
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
UPDATE app.audit_settings SET activity_log_retention_years = 7;
SELECT tests.act_as_owner();
SELECT is((SELECT activity_log_retention_years FROM app.audit_settings WHERE organization_id = tests.recall('a')), 2,
  'a member without organization.update cannot change the retention');
SELECT is((SELECT activity_log_retention_years FROM app.audit_settings WHERE organization_id = tests.recall('b')), 7,
  'an admin sets their tenant''s retention');
SELECT tests.act_as(tests.recall('a_qa'), tests.recall('a'));
SELECT results_eq('SELECT organization_id FROM app.audit_settings', ARRAY[tests.recall('a')],
  'an audit reader reads their own tenant''s settings only');
SELECT tests.act_as(tests.recall('operator'));
SELECT is((SELECT count(*)::int FROM app.audit_settings WHERE organization_id IN (tests.recall('a'), tests.recall('b'))), 2,
  'a platform operator reads every tenant''s settings');
SELECT tests.act_as_owner();

CREATE TEMP TABLE placed (label text PRIMARY KEY, id uuid) ON COMMIT DROP;
GRANT SELECT ON placed TO PUBLIC;
WITH e (label, organization_id, age) AS (VALUES
  ('a_outside', tests.recall('a'), interval '2 years 1 second'),
  ('a_inside', tests.recall('a'), interval '2 years' - interval '1 second'),
  ('b_inside', tests.recall('b'), interval '7 years' - interval '1 second'),
  ('b_past_default', tests.recall('b'), interval '2 years 1 day'),
  ('b_outside', tests.recall('b'), interval '7 years 1 second'),
  ('a_recent', tests.recall('a'), interval '1 hour')
), ins AS (
  INSERT INTO audit.activity_log (organization_id, occurred_at, actor_role, entity_type, entity_id, action, new_values)
  SELECT e.organization_id, now() - e.age, 'app_user', 'sites', e.label, 'insert', jsonb_build_object('label', e.label)
    FROM e
  RETURNING id, entity_id
)
INSERT INTO placed SELECT entity_id, id FROM ins;
CREATE TEMP TABLE before_archive ON COMMIT DROP AS
SELECT l.* FROM audit.activity_log AS l JOIN placed AS p USING (id);

-- Only an identical copy made by this transaction lets a row leave the hot
-- table: not a copy that differs from it, not no copy.
INSERT INTO audit.activity_log_archive (id, organization_id, occurred_at, actor_role, entity_type, entity_id, action, new_values)
SELECT l.id, l.organization_id, l.occurred_at, l.actor_role, l.entity_type, l.entity_id, l.action, '{"label": "forged"}'
  FROM audit.activity_log AS l WHERE l.id = (SELECT id FROM placed WHERE label = 'a_recent');
SELECT is(tests.refusal($$DELETE FROM audit.activity_log WHERE id = (SELECT id FROM placed WHERE label = 'a_recent')$$),
  'PT403 audit.append_only', 'a hot row whose archive copy differs from it is not deleted');
SELECT is(tests.refusal($$DELETE FROM audit.activity_log WHERE id = (SELECT id FROM placed WHERE label = 'a_inside')$$),
  'PT403 audit.append_only', 'a hot row without an archive copy is not deleted');

-- The job, as of now: A's event just past 2 years and B's just past 7 move.
SELECT is(app_private.archive_activity_log(now()), 2, 'the job moves the two events past their tenant''s retention');
SELECT is(ARRAY(SELECT p.label FROM placed AS p JOIN audit.activity_log AS l USING (id) ORDER BY p.label),
  ARRAY['a_inside', 'a_recent', 'b_inside', 'b_past_default'],
  'events just inside the retention stay, and B''s longer retention keeps an event past 2 years');
SELECT is(ARRAY(SELECT p.label FROM placed AS p JOIN audit.activity_log_archive AS r USING (id)
                 WHERE r.new_values ->> 'label' = p.label ORDER BY p.label),
  ARRAY['a_outside', 'b_outside'], 'events just outside it are in the archive');
SELECT is((SELECT count(*)::int FROM audit.activity_log_archive AS r JOIN before_archive AS b USING (id)
            WHERE to_jsonb(r) - 'archived_at' = to_jsonb(b)), 2, 'unchanged, with when they were archived');
SELECT is(app_private.archive_activity_log(now()), 0, 'a second run moves nothing');

-- The archive is append-only, for the owner too.
SELECT is(tests.refusal($$UPDATE audit.activity_log_archive SET action = 'update'$$), 'PT403 audit.append_only',
  'the owner cannot update the archive');
SELECT is(tests.refusal($$DELETE FROM audit.activity_log_archive$$), 'PT403 audit.append_only',
  'the owner cannot delete from the archive');
SELECT is(tests.refusal($$TRUNCATE audit.activity_log_archive$$), 'PT403 audit.append_only',
  'the owner cannot truncate the archive');
SELECT is(tests.refusal($$DELETE FROM audit.activity_log WHERE id = (SELECT id FROM placed WHERE label = 'a_inside')$$),
  'PT403 audit.append_only', 'nor delete a hot row outside the job');

-- Reading the archive: audit readers of the tenant, as the log.
SELECT tests.act_as(tests.recall('a_qa'), tests.recall('a'));
SELECT is(ARRAY(SELECT entity_id FROM app.activity_log_archive WHERE entity_type = 'sites' ORDER BY entity_id),
  ARRAY['a_outside', 'a_recent'], 'an audit reader reads their tenant''s archive (here also the forged copy the owner wrote)');
SELECT tests.act_as(tests.recall('a_sales'), tests.recall('a'));
SELECT is_empty($$SELECT 1 FROM app.activity_log_archive$$, 'a member without audit.read reads none of it');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(ARRAY(SELECT entity_id FROM app.activity_log_archive WHERE entity_type = 'sites'), ARRAY['b_outside'],
  'another tenant''s reader reads only theirs');
SELECT tests.act_as(tests.recall('operator'));
SELECT is((SELECT count(*)::int FROM app.activity_log_archive WHERE entity_id IN ('a_outside', 'b_outside')), 2,
  'a platform operator reads every tenant''s archive');

-- The purge of a tenant takes its archived events too.
SELECT tests.act_as_owner();
UPDATE app.organizations SET deleted_at = now() - interval '31 days' WHERE id = tests.recall('a');
SELECT app_private.purge_organization_data(tests.recall('a'));
SELECT is((SELECT count(*)::int FROM audit.activity_log_archive WHERE organization_id = tests.recall('a')), 0,
  'a purged tenant''s archived events go with it');
SELECT is((SELECT count(*)::int FROM audit.activity_log_archive WHERE organization_id = tests.recall('b')), 1,
  'other tenants'' stay');

SELECT * FROM finish();
ROLLBACK;
