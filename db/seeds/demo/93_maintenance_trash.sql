-- The maintenance trash on Acme (after 90_maintenance_parts.sql): bin C-99
-- of the Plant 1 main store, emptied in the store re-layout, was moved to
-- the trash by the storekeeper. The storekeeper and planners no longer see
-- it (GET /storeroom_bins); admin@acme.test (trash.manage) finds it in
-- GET /rpc/trash and may restore it (POST /rpc/restore). Idempotent.

DO $$
DECLARE
  v_acme uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_keeper uuid := (SELECT id FROM app.users WHERE email = 'storekeeper@acme.test');
  v_store app.storerooms;
BEGIN
  SELECT * INTO v_store FROM app.storerooms WHERE organization_id = v_acme AND code = 'MS-P1';
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO app.storeroom_bins (organization_id, storeroom_id, site_id, code)
  VALUES (v_acme, v_store.id, v_store.site_id, 'C-99')
  ON CONFLICT ON CONSTRAINT storeroom_bins_code_unique DO NOTHING;
  UPDATE app.storeroom_bins
     SET deleted_at = now() - interval '3 days', deleted_by = v_keeper, deletion_reason = 'Bin removed in the 2026 store re-layout'
   WHERE organization_id = v_acme AND storeroom_id = v_store.id AND code = 'C-99' AND deleted_at IS NULL;
END
$$;
