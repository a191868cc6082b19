-- Deploy pulse:platform/soft_delete_sites to pg
-- requires: platform/soft_delete

BEGIN;

-- Site-scoped trash (db/functions/50_platform/38_soft_delete.sql): a type
-- whose rows belong to a site names the function that finds a row's site;
-- its delete permission is then checked at that site (tenant-wide holders
-- and holders at the row's site may move it to the trash), as its DELETE
-- policy did.
ALTER TABLE app_private.soft_delete_types
  ADD COLUMN site_function regprocedure;
COMMENT ON COLUMN app_private.soft_delete_types.site_function IS
  'For site-scoped types: a function (organization_id uuid, id uuid) returning the row''s site; the delete permission is then checked at that site. Null: tenant-wide.';

COMMIT;
