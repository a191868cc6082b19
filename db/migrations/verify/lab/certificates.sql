-- Verify pulse:lab/certificates on pg

BEGIN;

SELECT lot_number FROM app.samples WHERE false;
SELECT organization_id, id, certificate_number, sample_id, lot_number, partner_id, site_id, status, current_revision, reissue_reason
  FROM app.certificates WHERE false;
SELECT organization_id, id, certificate_id, revision, is_current, content, content_sha256, signature, reason, render_status,
       render_attempts, pdf_key, pdf_sha256, pdf_size FROM app.certificate_versions WHERE false;
-- Certificates are written only by the lab's functions.
SELECT 1 / (NOT has_table_privilege('app_user', 'app.certificates', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.certificate_versions', 'UPDATE'))::int;

ROLLBACK;
