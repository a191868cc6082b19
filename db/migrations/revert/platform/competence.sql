-- Revert pulse:platform/competence from pg

BEGIN;

-- CASCADE: views and functions of the repeatables hang off these.
DROP TABLE app.training_records CASCADE;
DROP TABLE app.training_requirements CASCADE;
DROP TABLE app.person_qualifications CASCADE;
DROP TABLE app.qualifications CASCADE;
DROP TYPE app.qualification_kind CASCADE;

COMMIT;
