-- Verify pulse:partners on pg

BEGIN;

SELECT organization_id, id, kind, name, code, website, notes, is_active, created_at, updated_at
  FROM app.partners WHERE false;
SELECT organization_id, id, partner_id, contact_type, full_name, job_title, email, phone, is_primary, created_at, updated_at
  FROM app.contacts WHERE false;

ROLLBACK;
