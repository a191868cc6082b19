-- Verify pulse:managers_are_colleagues on pg

BEGIN;

SELECT 1 / (NOT EXISTS (
  SELECT FROM app.users AS u JOIN app.memberships AS m ON m.user_id = u.id AND m.status = 'active'
   WHERE u.direct_manager_id IS NOT NULL
     AND NOT EXISTS (SELECT FROM app.memberships AS k
                      WHERE k.organization_id = m.organization_id AND k.user_id = u.direct_manager_id
                        AND k.status = 'active')))::int;

ROLLBACK;
