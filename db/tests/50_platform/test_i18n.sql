-- i18n: a user's locale is a supported one; the string catalog falls back
-- from the tenant's text in the locale to the platform's in en; stages and
-- sub-stages carry translated labels, read in the caller's locale.
BEGIN;
SELECT plan(24);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('qa', tests.member_with_role(tests.recall('a'), 'qa'));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('a'), 'sales'));

-- preferences.locale: a supported BCP 47 tag, in canonical case.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is(tests.refusal($$UPDATE app.users SET preferences = '{"locale": "de_AT"}' WHERE id = auth.user_id()$$),
  'PT422 locale.invalid', 'a tag of the wrong shape is refused');
SELECT is(tests.refusal($$UPDATE app.users SET preferences = '{"locale": "de-at"}' WHERE id = auth.user_id()$$),
  'PT422 locale.invalid', 'so is one in the wrong case');
SELECT is(tests.refusal($$UPDATE app.users SET preferences = '{"locale": "tlh"}' WHERE id = auth.user_id()$$),
  'PT422 locale.invalid', 'so is one Pulse does not support');
SELECT is(tests.refusal($$UPDATE app.users SET preferences = '{"locale": 7}' WHERE id = auth.user_id()$$),
  'PT422 locale.invalid', 'so is a number');
SELECT lives_ok($$UPDATE app.users SET preferences = '{"locale": "de-AT", "theme": "dark"}' WHERE id = auth.user_id()$$,
  'a supported locale is kept');
SELECT is(auth.locale(), 'de-AT', 'and is the caller''s locale');
SELECT lives_ok($$UPDATE app.users SET preferences = '{"locale": "de-AT", "theme": "light"}' WHERE id = auth.user_id()$$,
  'other preferences change freely');
SELECT is(tests.refusal($$INSERT INTO app.users (email, display_name, preferences) VALUES ('x@example.com', 'X', '{"locale": "xx"}')$$),
  'PT422 locale.invalid', 'a new user''s locale is checked too (as the owner)')
  FROM tests.act_as_owner();

-- The string catalog: tenant+locale, tenant+language, platform+locale, platform+language, platform en.
INSERT INTO app_private.default_i18n_strings (namespace, key, locale, text) VALUES
  ('test', 'one', 'en', 'one EN'), ('test', 'one', 'de', 'one DE'), ('test', 'one', 'de-AT', 'one DE-AT'),
  ('test', 'two', 'en', 'two EN'), ('test', 'two', 'de', 'two DE'),
  ('test', 'three', 'en', 'three EN'), ('test', 'three', 'fr', 'three FR'),
  ('test', 'four', 'en', 'four EN'), ('test', 'five', 'en', 'five EN');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
INSERT INTO app.i18n_strings (namespace, key, locale, text) VALUES
  ('test', 'four', 'de', 'four tenant DE'), ('test', 'five', 'de-AT', 'five tenant DE-AT'), ('test', 'five', 'de', 'five tenant DE'),
  ('test', 'six', 'en', 'six tenant EN');
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT array_agg(key || '=' || text || ' (' || source || ')' ORDER BY key) FROM app.localized_strings WHERE namespace = 'test'),
  ARRAY['five=five tenant DE-AT (tenant)', 'four=four tenant DE (tenant)', 'one=one DE-AT (platform)', 'six=six tenant EN (tenant)',
        'three=three EN (platform)', 'two=two DE (platform)'],
  'each key falls back: tenant locale, tenant language, platform locale, platform language, en');
SELECT is((SELECT count(*)::int FROM app.i18n_strings WHERE namespace = 'test'), 4, 'the tenant''s staff read its strings');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
SELECT is(tests.refusal($$UPDATE app.i18n_strings SET locale = 'fr' WHERE key = 'four'$$), 'PT409 row.fixed_column',
  'a string keeps its key and locale (change the text, or add another)');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.i18n_strings WHERE organization_id = tests.recall('a')), 4, 'a platform operator reads them');
SELECT tests.act_as_anon();
SELECT ok((SELECT count(*) FROM app.locales) >= 15, 'anyone reads the supported locales, signed in or not');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is((SELECT array_agg(key || '=' || text ORDER BY key) FROM app.localized_strings WHERE namespace = 'test' AND key IN ('one', 'four')),
  ARRAY['four=four EN', 'one=one EN'], 'without a locale the caller reads en');
SELECT is((SELECT text FROM app.localized_strings WHERE namespace = 'enum' AND key = 'project_status.quoted'), 'Quoted',
  'the platform''s strings are seeded');
SELECT is(tests.refusal($$INSERT INTO app.i18n_strings (namespace, key, locale, text) VALUES ('test', 'one', 'de', 'x')$$),
  'PT403 permission.missing', 'a member without organization.update cannot write strings');

SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.localized_strings WHERE organization_id = tests.recall('a') OR text LIKE '%tenant%'$$,
  'another tenant sees neither A''s strings nor A''s texts');
SELECT is_empty($$SELECT FROM app.i18n_strings$$, 'nor A''s rows');

-- Translated labels on stages and sub-stages.
SELECT tests.act_as_role(tests.recall('a'), 'admin');
SELECT is(tests.refusal($$UPDATE app.workflow_stages SET labels = '{"xx": "?"}' WHERE slug = 'quoted'$$), 'PT422 labels.invalid',
  'labels are written in supported locales');
SELECT is(tests.refusal($$UPDATE app.workflow_sub_stages SET labels = '{"de": " "}' WHERE slug = 'engineering-review'$$),
  'PT422 labels.invalid', 'with a text');
UPDATE app.workflow_stages SET labels = '{"de": "Angebot erstellt", "fr": "Devis envoyé"}' WHERE slug = 'quoted';
UPDATE app.workflow_sub_stages SET labels = '{"de": "Technische Prüfung"}' WHERE slug = 'engineering-review';
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT app.workflow_stages_label(s) FROM app.workflow_stages AS s WHERE slug = 'quoted'), 'Angebot erstellt',
  'a stage reads in the caller''s language (de-AT falls back to de)');
SELECT is((SELECT app.workflow_sub_stages_label(s) FROM app.workflow_sub_stages AS s WHERE slug = 'engineering-review'), 'Technische Prüfung',
  'so does a sub-stage');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is((SELECT app.workflow_stages_label(s) FROM app.workflow_stages AS s WHERE slug = 'quoted'),
  (SELECT name FROM app.workflow_stages WHERE slug = 'quoted'), 'a caller without a locale reads the name');
SELECT tests.act_as_owner();
SELECT ok(EXISTS (SELECT FROM audit.activity_log WHERE organization_id = tests.recall('a') AND entity_type = 'workflow_stages'
                   AND new_values ? 'labels'), 'a label change is in the activity log');

SELECT * FROM finish();
ROLLBACK;
