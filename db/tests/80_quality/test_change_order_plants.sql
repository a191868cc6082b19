-- Change orders name the plants they affect (change_orders.site_ids): set by
-- the engineer while a draft, or derived at submission from where its parts
-- are in use. Each step of its approval is decided by a holder of the step's
-- role tenant-wide or at every one of its plants, and change_order.approve
-- is needed the same way: a production approver scoped to PLANT-1 approves
-- an ECO affecting only PLANT-1, not one that also affects PLANT-2.
-- Plant-scoped staff read the change orders of their plants (and their
-- items), not those of other plants nor those that name none.
BEGIN;
SELECT plan(23);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('p1', tests.create_site(tests.recall('t'), 'PLANT-1'));
SELECT tests.remember('p2', tests.create_site(tests.recall('t'), 'PLANT-2'));
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('other')));
SELECT tests.remember('author', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('prod_all', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('prod1', tests.create_member(tests.recall('t'), 'production', tests.recall('p1')));
SELECT tests.remember('prod2', tests.create_member(tests.recall('t'), 'production', tests.recall('p2')));
SELECT tests.remember('prod12', tests.create_member(tests.recall('t'), 'production', tests.recall('p1')));
SELECT tests.grant_role(tests.recall('t'), tests.recall('prod12'), 'production', tests.recall('p2'));
-- change_order.approve tenant-wide (engineering), the production role only at PLANT-2.
SELECT tests.remember('eng_prod2', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.grant_role(tests.recall('t'), tests.recall('eng_prod2'), 'production', tests.recall('p2'));
SELECT tests.remember('part1', tests.create_part(tests.recall('t')));
SELECT tests.remember('part_unused', tests.create_part(tests.recall('t')));
SELECT tests.remember('lot1', tests.create_lot(tests.recall('t'), tests.recall('part1'), tests.recall('p1')));

-- Naming the plants ----------------------------------------------------------
SELECT tests.act_as(tests.recall('author'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.change_orders (title, reason, effectivity, effective_date, site_ids)
                                 VALUES ('Foreign', 'other', 'date', current_date, ARRAY[%L]::uuid[])$$, tests.recall('other_site'))),
  'PT404 site.not_found', 'a plant is a site of the tenant (another tenant''s site is not found)');
INSERT INTO app.change_orders (title, reason, effectivity, effective_date, site_ids)
VALUES ('Only plant 2', 'other', 'date', current_date, ARRAY[tests.recall('p2'), tests.recall('p2')]::uuid[]);
SELECT tests.remember('eco2', (SELECT id FROM app.change_orders WHERE title = 'Only plant 2'));
SELECT is((SELECT site_ids FROM app.change_orders WHERE id = tests.recall('eco2')), ARRAY[tests.recall('p2')]::uuid[],
  'the engineer names the plants, each once');
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco2'), 'part', tests.recall('part_unused'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Derived', 'other', 'date', current_date);
SELECT tests.remember('eco1', (SELECT id FROM app.change_orders WHERE title = 'Derived'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco1'), 'part', tests.recall('part1'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date, site_ids)
VALUES ('Both plants', 'other', 'date', current_date, ARRAY[tests.recall('p1'), tests.recall('p2')]::uuid[]);
SELECT tests.remember('eco12', (SELECT id FROM app.change_orders WHERE title = 'Both plants'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco12'), 'part', tests.recall('part1'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('No plant', 'other', 'date', current_date);
SELECT tests.remember('eco0', (SELECT id FROM app.change_orders WHERE title = 'No plant'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco0'), 'part', tests.recall('part_unused'));

SELECT app.submit_change_order(id) FROM app.change_orders WHERE id IN (tests.recall('eco1'), tests.recall('eco2'), tests.recall('eco12'), tests.recall('eco0'));
SELECT results_eq(format($$SELECT title, site_ids FROM app.change_orders WHERE id IN (%L, %L, %L) ORDER BY title$$,
                         tests.recall('eco1'), tests.recall('eco2'), tests.recall('eco0')),
  format($$VALUES ('Derived', ARRAY[%L]::uuid[]), ('No plant', '{}'::uuid[]), ('Only plant 2', ARRAY[%L]::uuid[])$$, tests.recall('p1'), tests.recall('p2')),
  'submitted without plants, a change order gets those where its parts are in use (none when nowhere); named plants are kept');
SELECT is((SELECT bool_and(st -> 'site_ids' = to_jsonb(ARRAY[tests.recall('p1')]::uuid[])) FROM app.approvals AS a, jsonb_array_elements(a.steps) AS st
            WHERE a.entity_id = tests.recall('eco1')), true, 'every step of its approval is scoped to its plants');
SELECT is(tests.refusal(format($$UPDATE app.change_orders SET site_ids = '{}' WHERE id = %L$$, tests.recall('eco1'))),
  'PT409 change_order.not_draft', 'its plants are fixed once it is submitted');

-- The chain: qa and engineering tenant-wide first.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.approve_change_order(id) FROM app.change_orders WHERE id IN (tests.recall('eco1'), tests.recall('eco2'), tests.recall('eco12'), tests.recall('eco0'));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.approve_change_order(id) FROM app.change_orders WHERE id IN (tests.recall('eco1'), tests.recall('eco2'), tests.recall('eco12'), tests.recall('eco0'));

-- Reads ----------------------------------------------------------------------
SELECT tests.act_as(tests.recall('prod1'), tests.recall('t'));
SELECT is(ARRAY(SELECT title FROM app.change_orders ORDER BY title), ARRAY['Both plants', 'Derived'],
  'a PLANT-1-scoped approver reads the change orders affecting PLANT-1, not those of PLANT-2 only nor those naming no plant');
SELECT is(ARRAY(SELECT o.title FROM app.change_order_items AS i JOIN app.change_orders AS o ON o.id = i.change_order_id ORDER BY 1),
  ARRAY['Both plants', 'Derived'], 'and their items only');
SELECT tests.act_as(tests.recall('prod2'), tests.recall('t'));
SELECT is(ARRAY(SELECT title FROM app.change_orders ORDER BY title), ARRAY['Both plants', 'Only plant 2'], 'a PLANT-2-scoped one those of PLANT-2');
SELECT is((SELECT count(*)::int FROM app.change_order_items WHERE change_order_id = tests.recall('eco1')), 0,
  'and no item of a PLANT-1 change order');
SELECT tests.act_as(tests.recall('prod_all'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.change_orders), 4, 'tenant-wide, all of them');

-- Decisions ------------------------------------------------------------------
SELECT tests.act_as(tests.recall('prod1'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco1'))).status::text, 'approved',
  'a PLANT-1-scoped production approver approves an ECO affecting only PLANT-1');
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco12'))), 'PT403 change_order.outside_plants',
  'but not one that also affects PLANT-2');
SELECT matches(tests.refusal_message(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco12'))), 'affects PLANT-2',
  'the refusal names the plant it lacks');
SELECT is(tests.refusal(format($$SELECT app.reject_change_order(%L, 'no')$$, tests.recall('eco12'))), 'PT403 change_order.outside_plants',
  'nor reject it');
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco2'))), 'PT404 change_order.not_found',
  'one affecting PLANT-2 only, which it does not read, is not found (no refusal names another plant''s change order)');
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco0'))), 'PT404 change_order.not_found',
  'nor one naming no plant (read and decided tenant-wide only)');
SELECT tests.act_as(tests.recall('eng_prod2'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco12'))), 'PT403 approval.approver_outside_plants',
  'the step''s role held at PLANT-2 only does not decide a step scoped to PLANT-1 and PLANT-2, whatever permissions are held tenant-wide');
SELECT tests.act_as(tests.recall('prod12'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco12'))).status::text, 'approved', 'the role held at each of its plants decides it');
SELECT tests.act_as(tests.recall('prod2'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco2'))).status::text, 'approved', 'PLANT-2''s approver decides the PLANT-2 change order');
SELECT tests.act_as(tests.recall('prod_all'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco0'))).status::text, 'approved', 'a tenant-wide approver, the one naming no plant');

-- The rule itself (app_private.decide_refusal), for routing and hand-over alike.
SELECT tests.act_as_owner();
SELECT results_eq(format($$SELECT app_private.decide_refusal(%1$L, '{"role": "production"}', %2$L, %3$L),
                                  app_private.decide_refusal(%1$L, jsonb_build_object('role', 'production', 'site_ids', '[]'::jsonb), %2$L, %3$L),
                                  app_private.decide_refusal(%1$L, jsonb_build_object('role', 'production', 'site_ids', jsonb_build_array(%4$L)), %2$L, %3$L),
                                  app_private.decide_refusal(%1$L, jsonb_build_object('role', 'production', 'site_ids', jsonb_build_array(%5$L)), %2$L, %3$L),
                                  app_private.decide_refusal(%1$L, jsonb_build_object('role', 'production', 'site_ids', jsonb_build_array(%5$L)), %2$L, %6$L)$$,
                         tests.recall('t'), tests.recall('author'), tests.recall('prod1'), tests.recall('p1'), tests.recall('p2'), tests.recall('qa')),
  $$VALUES (NULL::text, 'approval.approver_outside_plants', NULL, 'approval.approver_outside_plants', 'approval.approver_lacks_role')$$,
  'a step without plants counts the role wherever held; with plants, only tenant-wide or at each of them (empty: tenant-wide only)');
SELECT is(tests.refusal(format($$SELECT app_private.check_may_decide(a, %L) FROM app.approvals AS a WHERE a.entity_id = %L$$,
                               tests.recall('prod1'), tests.recall('eco2'))),
  'PT403 approval.approver_outside_plants', 'handing the approval to a holder of the role at other plants is refused');
SELECT is((SELECT count(*)::int FROM app.approvals WHERE entity_id = tests.recall('eco2') AND metadata -> 'site_ids' = to_jsonb(ARRAY[tests.recall('p2')]::uuid[])), 1,
  'the approval''s facts name the plants');
SELECT * FROM finish();
ROLLBACK;
