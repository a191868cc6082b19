-- Revert pulse:partners from pg

BEGIN;

DROP TABLE app.contacts, app.partners CASCADE;
DROP TYPE app.contact_type, app.partner_kind;

COMMIT;
