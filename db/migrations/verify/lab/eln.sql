-- Verify pulse:lab/eln on pg

BEGIN;

SELECT organization_id, id, code, version, sections, status, published_at FROM app.eln_templates WHERE false;
SELECT organization_id, id, entry_number, title, template_id, site_id, project_id, service_request_id, author_id, status, current_version,
       completed_at, search_text, search_vector FROM app.eln_entries WHERE false;
SELECT organization_id, id, entry_id, version, content, attachments, amends_version, amendment_reason, content_sha256, created_by
  FROM app.eln_entry_versions WHERE false;
SELECT organization_id, id, entry_id, version, meaning, signer_id, signed_at, reason, signature FROM app.eln_signatures WHERE false;
SELECT organization_id, id, entry_id, entity_type, entity_id, note FROM app.eln_links WHERE false;
SELECT eln_entry_id FROM app.results WHERE false;

ROLLBACK;
