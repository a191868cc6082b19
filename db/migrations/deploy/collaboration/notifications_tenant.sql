-- Deploy pulse:collaboration/notifications_tenant to pg
-- requires: collaboration

BEGIN;

-- Notifications reached their tenant only through their project; one without
-- a project (a low-stock reagent, a rejected sample) outlived a purge. Rows of
-- a tenant already gone are unreachable: they go before the key is added.
DELETE FROM app.notifications AS n
 WHERE NOT EXISTS (SELECT 1 FROM app.organizations AS o WHERE o.id = n.organization_id);

ALTER TABLE app.notifications
  ADD CONSTRAINT notifications_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES app.organizations (id) ON DELETE CASCADE;

COMMIT;
