-- Revert pulse:audit/activity_retention from pg

BEGIN;

-- CASCADE: repeatables hang off these (the views app.activity_log, which
-- reads the audited table, and app.activity_log_archive); the next
-- `pulse db migrate` re-applies them.
DROP TABLE audit.activity_log_archive CASCADE;
DROP TABLE app.audit_settings CASCADE;
DROP TABLE app_private.default_audit_settings;

COMMIT;
