-- Demo data of the samples part on Northwind Testing Lab: the rejection
-- reasons, a batch of well water from Stark received at Lab A (one sample
-- rejected: the container leaked), aliquots of the first sample, a
-- composite pool of two wells, and a retained portion (its retention over
-- already, so the disposal list has it). Acts as Northwind's lab manager
-- through the real RPCs; runs once (skipped when Northwind has receipts).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_manager uuid := (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test');
  v_lab_a uuid;
  v_stark uuid;
  v_water uuid;
  v_list uuid;
  v_batch uuid[];
BEGIN
  IF v_tenant IS NULL OR v_manager IS NULL OR EXISTS (SELECT FROM app.sample_receipts WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  v_lab_a := (SELECT id FROM app.sites WHERE organization_id = v_tenant AND code = 'LAB-A');
  v_stark := (SELECT id FROM app.partners WHERE organization_id = v_tenant AND code = 'L-200');

  -- The rejection reasons (a type list of the configuration engine).
  INSERT INTO app.type_lists (organization_id, code, label, labels, description)
  VALUES (v_tenant, 'sample_rejection_reasons', 'Sample rejection reasons', '{"de": "Ablehnungsgründe für Proben"}',
          'Why the lab refuses a sample at receipt (app.reject_sample).')
  ON CONFLICT (organization_id, code) DO NOTHING;
  v_list := (SELECT id FROM app.type_lists WHERE organization_id = v_tenant AND code = 'sample_rejection_reasons');
  INSERT INTO app.type_list_values (organization_id, type_list_id, code, label, labels, position)
  VALUES (v_tenant, v_list, 'leaking', 'Container leaking or broken', '{"de": "Behälter undicht oder beschädigt"}', 1),
         (v_tenant, v_list, 'temperature', 'Temperature out of range on arrival', '{"de": "Temperatur bei Ankunft außerhalb des Bereichs"}', 2),
         (v_tenant, v_list, 'unlabelled', 'Missing or illegible label', '{"de": "Etikett fehlt oder unleserlich"}', 3),
         (v_tenant, v_list, 'holding_time', 'Holding time exceeded', '{"de": "Haltezeit überschritten"}', 4),
         (v_tenant, v_list, 'insufficient', 'Insufficient volume', '{"de": "Zu wenig Probenvolumen"}', 5)
  ON CONFLICT (organization_id, type_list_id, code) DO NOTHING;

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_manager, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);

  INSERT INTO app.sample_types (code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days)
  VALUES ('drinking-water', 'Drinking water', '{"de": "Trinkwasser"}', 'mL', 2, 8, 30)
  ON CONFLICT (organization_id, code) DO NOTHING;
  v_water := (SELECT id FROM app.sample_types WHERE code = 'drinking-water');

  SELECT array_agg(s.id ORDER BY s.sample_number) INTO v_batch
    FROM app.receive_samples(jsonb_build_array(
      jsonb_build_object('sample_type_id', v_water, 'site_id', v_lab_a, 'partner_id', v_stark, 'quantity', 1000, 'description', 'Well 1, tap',
                         'collected_at', now() - interval '2 hours', 'temperature_celsius', 4.3, 'container_intact', true, 'seal_intact', true),
      jsonb_build_object('sample_type_id', v_water, 'site_id', v_lab_a, 'partner_id', v_stark, 'quantity', 1000, 'description', 'Well 2, tap',
                         'collected_at', now() - interval '2 hours', 'temperature_celsius', 4.8, 'container_intact', true, 'seal_intact', true),
      jsonb_build_object('sample_type_id', v_water, 'site_id', v_lab_a, 'partner_id', v_stark, 'quantity', 1000, 'description', 'Well 3, tap',
                         'collected_at', now() - interval '2 hours', 'temperature_celsius', 5.1, 'container_intact', true, 'seal_intact', true),
      jsonb_build_object('sample_type_id', v_water, 'site_id', v_lab_a, 'partner_id', v_stark, 'quantity', 1000, 'description', 'Well 4, tap',
                         'collected_at', now() - interval '2 hours', 'temperature_celsius', 12.5, 'container_intact', false, 'seal_intact', false,
                         'notes', 'Bottle cracked at the neck, cool box wet', 'rejection_reason', 'leaking'))) AS s;

  -- Aliquots of well 1 for the chemistry and microbiology benches, a composite of wells 2 and 3.
  PERFORM app.split_sample(v_batch[1], 'aliquot', '[{"quantity": 250, "description": "Well 1, chemistry"}, {"quantity": 100, "description": "Well 1, microbiology"}]');
  PERFORM app.pool_samples(jsonb_build_array(jsonb_build_object('sample_id', v_batch[2], 'quantity', 200),
                                             jsonb_build_object('sample_id', v_batch[3], 'quantity', 200)),
                           description => 'Composite of wells 2 and 3');
  -- A retained portion of well 1; its retention is shown as already over so the disposal list has it.
  PERFORM app.retain_sample(v_batch[1], 200, 'mL', 'Kept for a possible customer dispute');

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
  UPDATE app.sample_retentions SET keep_until = now() - interval '1 day' WHERE organization_id = v_tenant;
END
$$;
