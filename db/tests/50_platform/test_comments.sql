-- Comments: who writes, edits and deletes them, threads within one entity,
-- mentions (only of members who may read the entity; each notified once),
-- the comment.created event, and the keys that delete them with their
-- entity. Tried as a lesser role (auditor), a portal customer, another
-- tenant's admin and an anonymous caller.
BEGIN;
SELECT plan(32);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('a'), p_customer_id => tests.portal_customer(tests.recall('a'))));
SELECT tests.remember('other_project', tests.create_project(tests.recall('a')));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('a'), 'sales'));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('a'), 'qa'));
SELECT tests.remember('auditor', tests.member_with_role(tests.recall('a'), 'auditor'));
SELECT tests.remember('portal', tests.member_with_role(tests.recall('a'), 'customer_portal'));
SELECT tests.remember('b_admin', tests.member_with_role(tests.recall('b'), 'admin'));

-- Writing, with mentions.
SELECT tests.act_as_role(tests.recall('a'), 'sales');
INSERT INTO app.comments (entity_type, entity_id, body, mention_ids)
VALUES ('project', tests.recall('project'), 'Customer asked for a 2 week delay, @QA please check.', ARRAY[tests.recall('qa'), tests.recall('qa')]);
SELECT tests.remember('first', (SELECT id FROM app.comments WHERE entity_id = tests.recall('project')));
SELECT is((SELECT (author_id, mention_ids, edited_at IS NULL)::text FROM app.comments WHERE id = tests.recall('first')),
  (tests.recall('sales'), ARRAY[tests.recall('qa')], true)::text, 'a comment is its author''s, mentions kept once, not edited');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', tests.recall('project'), '   ')$$),
  'PT422 comment.body_length', 'a body is not blank');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', tests.recall('project'), repeat('x', 10001))$$),
  'PT422 comment.body_length', 'nor longer than 10000 characters');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body, mention_ids) VALUES ('project', tests.recall('project'), 'x', ARRAY[tests.recall('portal')])$$),
  'PT422 comment.mention_cannot_see', 'a member who cannot read the project cannot be mentioned (they would learn of it)');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body, mention_ids) VALUES ('project', tests.recall('project'), 'x', ARRAY[tests.recall('b_admin')])$$),
  'PT422 comment.mention_not_member', 'nor somebody of another tenant');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', gen_random_uuid(), 'x')$$),
  'PT404 entity.not_found', 'a comment is on an entity the author reads');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('spaceship', gen_random_uuid(), 'x')$$),
  'PT422 entity_type.unknown', 'of a registered type');

-- Threads stay on one entity.
INSERT INTO app.comments (entity_type, entity_id, parent_id, body) VALUES ('project', tests.recall('project'), tests.recall('first'), 'Two weeks is fine by me.');
SELECT tests.remember('reply', (SELECT id FROM app.comments WHERE parent_id = tests.recall('first')));
SELECT ok(tests.recall('reply') IS NOT NULL, 'a reply answers a comment of the same entity');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, parent_id, body) VALUES ('project', tests.recall('other_project'), tests.recall('first'), 'x')$$),
  'PT422 comment.parent_invalid', 'not one of another entity');

-- The event and the notification.
SELECT tests.act_as_owner();
SELECT is((SELECT (payload ->> 'comment_id', payload ->> 'body', entity_id, actor_id)::text FROM app_private.events
            WHERE event_type = 'comment.created' AND payload ->> 'comment_id' = tests.recall('first')::text),
  (tests.recall('first')::text, 'Customer asked for a 2 week delay, @QA please check.', tests.recall('project'), tests.recall('sales'))::text,
  'a new comment publishes comment.created in the tenant''s event log');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('qa') AND type = 'comment'), 1,
  'the member mentioned is notified');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE type = 'comment' AND organization_id = tests.recall('a')), 1,
  'nobody else is (the reply mentions nobody)');
SELECT ok((SELECT title FROM app.notifications WHERE user_id = tests.recall('qa') AND type = 'comment')
            LIKE '%' || (SELECT project_number FROM app.projects WHERE id = tests.recall('project')) || '%',
  'the notification names the project');

-- Editing: the author alone; new mentions are notified, old ones not again.
SELECT tests.act_as_role(tests.recall('a'), 'qa');
UPDATE app.comments SET body = 'Rewritten by QA' WHERE id = tests.recall('first');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is((SELECT body FROM app.comments WHERE id = tests.recall('first')), 'Customer asked for a 2 week delay, @QA please check.',
  'nobody but the author edits a comment');
UPDATE app.comments SET body = 'Customer asked for a 3 week delay.', mention_ids = ARRAY[tests.recall('qa'), tests.recall('auditor')]
 WHERE id = tests.recall('first');
SELECT ok((SELECT edited_at IS NOT NULL FROM app.comments WHERE id = tests.recall('first')), 'the author edits it; edited_at is set');
SELECT is(tests.refusal($$UPDATE app.comments SET entity_id = tests.recall('other_project') WHERE id = tests.recall('first')$$),
  'PT409 row.fixed_column', 'a comment stays on its entity');
SELECT is(tests.refusal($$UPDATE app.comments SET mention_ids = ARRAY[tests.recall('portal')] WHERE id = tests.recall('first')$$),
  'PT422 comment.mention_cannot_see', 'an edit cannot mention who cannot read the project either');
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(user_id ORDER BY user_id) FROM app.notifications WHERE type = 'comment' AND organization_id = tests.recall('a')),
  (SELECT array_agg(u ORDER BY u) FROM unnest(ARRAY[tests.recall('qa'), tests.recall('auditor')]) AS u),
  'an edit notifies only who it mentions for the first time');

-- A lesser role reads but does not write.
SELECT tests.act_as_role(tests.recall('a'), 'auditor');
SELECT is((SELECT count(*)::int FROM app.comments), 2, 'an auditor reads the comments of the projects they read');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', tests.recall('project'), 'x')$$),
  'PT403 permission.missing', 'but does not comment without comment.write');

-- The portal customer reads no project row (projects are staff-only), so no comment, not even on their customer's project.
SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is_empty($$SELECT FROM app.comments$$, 'a portal customer reads no comments on projects');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', tests.recall('project'), 'x')$$),
  'PT403 permission.missing', 'nor writes one');

-- Another tenant's admin holds every permission in B and still reaches nothing in A.
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.comments WHERE organization_id = tests.recall('a')$$, 'another tenant''s admin reads none of A''s comments');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', tests.recall('project'), 'x')$$),
  'PT404 entity.not_found', 'nor comments on A''s project');
UPDATE app.comments SET body = 'B was here' WHERE id = tests.recall('first');
DELETE FROM app.comments WHERE organization_id = tests.recall('a');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT FROM app.comments$$), '42501', 'an anonymous caller reads nothing');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.comments WHERE organization_id = tests.recall('a') AND body <> 'B was here'), 2,
  'nor did B''s admin change or delete any');

-- Deleting: not somebody else's, unless a moderator; a reply outlives its parent.
SELECT tests.act_as_role(tests.recall('a'), 'qa');
DELETE FROM app.comments WHERE id = tests.recall('first');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.comments WHERE id = tests.recall('first')), 1, 'a colleague does not delete your comment');
SELECT tests.act_as_role(tests.recall('a'), 'management');
DELETE FROM app.comments WHERE id = tests.recall('first');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.comments WHERE id = tests.recall('first')), 0, 'a holder of comment.moderate does');
SELECT is((SELECT parent_id FROM app.comments WHERE id = tests.recall('reply')), NULL::uuid, 'its reply stays, at the top of the thread');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
DELETE FROM app.comments WHERE id = tests.recall('reply');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.comments WHERE id = tests.recall('reply')), 0, 'an author deletes their own');

-- Deleting the entity deletes its comments.
CREATE TABLE tests.gadgets (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                            PRIMARY KEY (organization_id, id));
SELECT app_private.register_entity_type('gadget', 'tests.gadgets', 'name', 'Gadget');
INSERT INTO tests.gadgets (organization_id, name) VALUES (tests.recall('a'), 'Wrench');
INSERT INTO app.comments (organization_id, entity_type, entity_id, author_id, body)
SELECT organization_id, 'gadget', id, tests.recall('sales'), 'Needs oiling' FROM tests.gadgets;
SELECT is((SELECT count(*)::int FROM app.comments WHERE entity_type = 'gadget'), 1, 'any registered entity takes comments');
DELETE FROM tests.gadgets;
SELECT is((SELECT count(*)::int FROM app.comments WHERE entity_type = 'gadget'), 0, 'deleting an entity deletes its comments');

SELECT * FROM finish();
ROLLBACK;
