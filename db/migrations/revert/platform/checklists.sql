-- Revert pulse:platform/checklists from pg

BEGIN;

-- CASCADE: the repeatables (functions, views, policies) hang off these; the
-- next `pulse db migrate` re-applies them.
DROP TABLE app.checklist_items CASCADE;
DROP TABLE app.checklists CASCADE;
DROP TABLE app.checklist_template_items CASCADE;
DROP TABLE app.checklist_templates CASCADE;

COMMIT;
