-- Revert pulse:platform/rules from pg

BEGIN;

-- CASCADE: the repeatables (triggers, policies, functions) hang off these;
-- the next `pulse db migrate` re-applies what remains.
DROP TABLE app.rule_runs CASCADE;
DROP TABLE app.rules CASCADE;
DROP TABLE app_private.rule_targets CASCADE;
DROP TABLE app_private.rule_action_kinds CASCADE;
DROP TABLE app_private.rule_settings CASCADE;
DROP TABLE app_private.rule_contexts CASCADE;

COMMIT;
