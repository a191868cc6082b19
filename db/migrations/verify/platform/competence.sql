-- Verify pulse:platform/competence on pg

BEGIN;

SELECT organization_id, id, code, name, labels, kind, description, validity_days, is_active, created_at, updated_at
  FROM app.qualifications WHERE false;
SELECT organization_id, id, user_id, qualification_id, level, valid_from, valid_to, evidence, evidence_document_id,
       granted_by, granted_at, revoked_at, revoked_by, revoke_reason FROM app.person_qualifications WHERE false;
SELECT organization_id, id, document_id, role_id, retrain_days, due_within_days, created_at FROM app.training_requirements WHERE false;
SELECT organization_id, id, user_id, document_version_id, completed_at, expires_at, trainer_id, notes, recorded_by, recorded_at
  FROM app.training_records WHERE false;

ROLLBACK;
