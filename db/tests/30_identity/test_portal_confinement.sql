-- Portal users see their own partner's rows and nothing of any other
-- partner, in every table and view of app they may SELECT, read from the
-- catalog: a relation added later is covered without touching this file.
-- A tenant full of data (tests.fill_tenant: rows of other partners in every
-- tenant table); a portal user (customer_portal, which holds partner.read,
-- project.read, shipment.read, work_order.read, complaint.file) bound to a
-- new partner that owns nothing. Whatever that user can read belongs to
-- somebody else, so every relation must read as empty, except the few that
-- are the tenant's shared face (listed below, each with its reason).
BEGIN;

CREATE TEMP TABLE portal_relations ON COMMIT DROP AS
SELECT c.oid::regclass AS name
  FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
   AND has_table_privilege('app_user', c.oid, 'SELECT')
 ORDER BY 1;

-- What every member of a tenant, portal users included, reads on purpose.
CREATE TEMP TABLE shared_with_portal (name regclass, reason text) ON COMMIT DROP;
INSERT INTO shared_with_portal VALUES
  ('app.organizations', 'the tenant they are signed in to'),
  ('app.tenant_branding', 'the tenant''s theme, shown in the portal'),
  ('app.branding_fonts', 'the platform''s font list'),
  ('app.locales', 'the platform''s languages'),
  ('app.units', 'the platform''s units register'),
  ('app.permissions', 'the permission catalog (codes and descriptions, no data)'),
  ('app.entity_types', 'the names of the entity types'),
  ('app.report_sources', 'the names of the report sources (each source''s own policies decide its rows)'),
  ('app.localized_strings', 'the UI strings in the caller''s language'),
  ('app.sites', 'the tenant''s plants (code and name), which documents and shipments name');
GRANT SELECT ON portal_relations, shared_with_portal TO PUBLIC;

SELECT plan((SELECT count(*)::int FROM portal_relations) + 3);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('admin', tests.fill_tenant(tests.recall('t')));
SELECT tests.remember('mine', tests.create_partner(tests.recall('t'), 'customer_and_supplier'));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', p_partner_id => tests.recall('mine')));

SELECT ok(tests.rows_of('app.partners', tests.recall('t')) > 1, 'the tenant has other partners');

SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is((SELECT array_agg(id) FROM app.partners), ARRAY[tests.recall('mine')], 'the portal user reads their own partner');

SELECT CASE WHEN s.name IS NOT NULL
            THEN pass(format('%s: shared with every member (%s)', r.name, s.reason))
            WHEN r.name = 'app.partners'::regclass
            THEN ok(tests.reaches_nothing(format('SELECT 1 FROM app.partners WHERE id <> %L', tests.recall('mine'))),
                    'app.partners: no other partner')
            WHEN r.name = 'app.memberships'::regclass
            THEN ok(tests.reaches_nothing(format('SELECT 1 FROM app.memberships WHERE user_id <> %L', tests.recall('portal'))),
                    'app.memberships: their own membership only')
            WHEN r.name = 'app.role_assignments'::regclass
            THEN ok(tests.reaches_nothing(format('SELECT 1 FROM app.role_assignments WHERE membership_id <> %L',
                                                 tests.membership_of(tests.recall('portal'), tests.recall('t')))),
                    'app.role_assignments: their own role assignments only')
            ELSE ok(tests.reaches_nothing(format('SELECT 1 FROM %s', r.name)),
                    format('%s: a portal user reads no other partner''s rows', r.name))
       END
  FROM portal_relations AS r LEFT JOIN shared_with_portal AS s ON s.name = r.name
 ORDER BY r.name::text;

-- Every shared relation is still a readable relation (the list keeps up with the schema).
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(s.name::text) FROM shared_with_portal AS s WHERE s.name NOT IN (SELECT name FROM portal_relations)),
  NULL, 'every relation shared with portal users exists and is readable');

SELECT * FROM finish();
ROLLBACK;
