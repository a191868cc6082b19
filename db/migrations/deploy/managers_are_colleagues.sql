-- Deploy pulse:managers_are_colleagues to pg
-- requires: collaboration

BEGIN;

-- From now on a direct manager is an active member of every tenant where
-- the report is active (triggers in db/functions/31_profiles.sql keep it);
-- managers set before that rule are cleared where they break it, so no
-- colleague reads the id of a user of another tenant.
UPDATE app.users AS u SET direct_manager_id = NULL
 WHERE u.direct_manager_id IS NOT NULL
   AND EXISTS (SELECT FROM app.memberships AS m
                WHERE m.user_id = u.id AND m.status = 'active'
                  AND NOT EXISTS (SELECT FROM app.memberships AS k
                                   WHERE k.organization_id = m.organization_id AND k.user_id = u.direct_manager_id
                                     AND k.status = 'active'));

COMMIT;
