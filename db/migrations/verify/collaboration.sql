-- Verify pulse:collaboration on pg

BEGIN;

SELECT organization_id, id, project_id, sender_id, recipient_id, subject, content, created_at FROM app.messages WHERE false;
SELECT organization_id, id, user_id, type, title, message, priority, action_url, project_id, entity_type, entity_id,
       created_at, read_at
  FROM app.notifications WHERE false;

ROLLBACK;
