-- Platform operators read every tenant's tags, comments, attachments and
-- downloads (the *_select_operator policies), as they read every tenant's
-- projects.
BEGIN;
SELECT plan(5);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('admin', tests.fill_tenant(tests.recall('t')));
SELECT tests.remember('operator', tests.create_operator());
SELECT tests.act_as(tests.recall('operator'));

SELECT ok(EXISTS (SELECT FROM app.tags WHERE organization_id = tests.recall('t')), 'an operator reads a tenant''s tags');
SELECT ok(EXISTS (SELECT FROM app.entity_tags WHERE organization_id = tests.recall('t')), 'and the tags on its entities');
SELECT ok(EXISTS (SELECT FROM app.comments WHERE organization_id = tests.recall('t')), 'its comments');
SELECT ok(EXISTS (SELECT FROM app.attachments WHERE organization_id = tests.recall('t')), 'its attachments');
SELECT ok(EXISTS (SELECT FROM app.attachment_downloads WHERE organization_id = tests.recall('t')), 'and their downloads');

SELECT * FROM finish();
ROLLBACK;
