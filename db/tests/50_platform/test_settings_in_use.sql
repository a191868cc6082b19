-- Every tenant setting takes effect: each key of the settings register
-- (app_private.setting_definitions) is read by some function, a
-- materialized view or a view of Pulse (its key quoted in the source). A
-- setting nothing reads would let a tenant change a value that does nothing.
BEGIN;
SELECT plan(2);

SELECT ok((SELECT count(*) FROM app_private.setting_definitions) >= 4, 'the register holds the platform''s settings');
SELECT is(ARRAY(
  SELECT d.key FROM app_private.setting_definitions AS d
   WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_proc AS p
                      WHERE p.pronamespace IN ('app'::regnamespace, 'app_private'::regnamespace, 'auth'::regnamespace)
                        AND p.prosrc LIKE '%''' || d.key || '''%')
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_class AS c
                      WHERE c.relnamespace IN ('app'::regnamespace, 'app_private'::regnamespace) AND c.relkind IN ('v', 'm')
                        AND pg_catalog.pg_get_viewdef(c.oid) LIKE '%''' || d.key || '''%')
   ORDER BY d.key), '{}'::text[],
  'every setting is read by a function or view (else remove it in a migration)');

SELECT * FROM finish();
ROLLBACK;
