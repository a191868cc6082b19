-- Retention and disposal (migration lab/retention): a retained portion is an
-- aliquot kept until the sample type's retention period ends; then it is
-- on the disposal list (app.samples_due_for_disposal) and the job
-- notify-retention-due tells the sample handlers once. Disposal records
-- how, why, who and when, and ends the sample's lifecycle.

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.sample_disposals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

CREATE OR REPLACE FUNCTION app.retain_sample(sample_id uuid, quantity numeric DEFAULT NULL, unit text DEFAULT NULL, notes text DEFAULT NULL)
RETURNS app.sample_retentions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_parent app.samples := app_private.lock_sample_for_change(retain_sample.sample_id);
  v_type app.sample_types;
  v_portion app.samples;
  v_taken numeric;
  v_retention app.sample_retentions;
BEGIN
  PERFORM app_private.require_sample_available(v_parent);
  SELECT * INTO v_type FROM app.sample_types AS t WHERE t.organization_id = v_parent.organization_id AND t.id = v_parent.sample_type_id;
  IF v_type.retention_days IS NULL THEN
    PERFORM app_private.raise_invalid('sample_type.no_retention', pg_catalog.format('samples of type %s are not retained', v_type.code),
      'Set the sample type''s retention_days (PATCH /sample_types, lab.configure) first.');
  END IF;
  v_taken := app_private.take_from_sample(v_parent, retain_sample.quantity, retain_sample.unit);
  v_portion := app_private.create_child_sample(v_parent, NULL, retain_sample.quantity, coalesce(retain_sample.unit, v_parent.unit),
    'Retained portion of ' || v_parent.sample_number, NULL, 'retained portion of ' || v_parent.sample_number);
  INSERT INTO app.sample_lineage_links (organization_id, parent_id, child_id, kind, quantity, unit, created_by)
  VALUES (v_parent.organization_id, v_parent.id, v_portion.id, 'aliquot', v_taken, CASE WHEN v_taken IS NOT NULL THEN v_parent.unit END, auth.user_id());
  INSERT INTO app.sample_retentions (organization_id, sample_id, retained_sample_id, keep_until, notes, created_by)
  VALUES (v_parent.organization_id, v_parent.id, v_portion.id, pg_catalog.now() + pg_catalog.make_interval(days => v_type.retention_days),
          coalesce(retain_sample.notes, ''), auth.user_id())
  RETURNING * INTO v_retention;
  RETURN v_retention;
END
$$;
COMMENT ON FUNCTION app.retain_sample(uuid, numeric, text, text) IS
  E'Retain a portion of a sample\nTakes quantity (unit) from a sample in the lab as an aliquot (its own sample, received, in the lineage) and keeps it until now plus the sample type''s retention_days (PT422 sample_type.no_retention without one); then it is due for disposal (GET /samples_due_for_disposal). Needs sample.manage at the sample''s site; PT409 sample.not_available, sample.insufficient_quantity.';

CREATE OR REPLACE FUNCTION app.dispose_sample(sample_id uuid, method text, reason text) RETURNS app.sample_disposals
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples := app_private.lock_sample_for_change(dispose_sample.sample_id);
  v_disposal app.sample_disposals;
BEGIN
  IF coalesce(btrim(method), '') = '' OR coalesce(btrim(reason), '') = '' THEN
    PERFORM app_private.raise_invalid('sample.reason_required', 'disposing of a sample needs a method and a reason',
      'Send method (e.g. autoclave and incineration) and reason (e.g. retention period ended).');
  END IF;
  PERFORM app_private.set_sample_status(v_sample.organization_id, v_sample.id, 'disposed', btrim(method) || ': ' || btrim(reason));
  INSERT INTO app.sample_disposals (organization_id, sample_id, method, reason, disposed_by)
  VALUES (v_sample.organization_id, v_sample.id, btrim(method), btrim(reason), auth.user_id())
  RETURNING * INTO v_disposal;
  RETURN v_disposal;
END
$$;
COMMENT ON FUNCTION app.dispose_sample(uuid, text, text) IS
  E'Dispose of a sample\nRecords how (method), why (reason, PT422 sample.reason_required), who and when a sample was disposed of and ends its lifecycle (disposed, from received, completed, released, rejected or invalidated; PT409 sample.status_transition otherwise, e.g. while in progress). Needs sample.manage at the sample''s site.';

CREATE OR REPLACE VIEW app.samples_due_for_disposal WITH (security_invoker) AS
SELECT r.organization_id, r.id AS retention_id, r.sample_id, s.sample_number, r.retained_sample_id, p.sample_number AS retained_sample_number,
       p.barcode, p.sample_type_id, p.site_id, p.partner_id, p.remaining_quantity, p.unit, r.keep_until, r.due_notified_at
  FROM app.sample_retentions AS r
  JOIN app.samples AS p ON p.organization_id = r.organization_id AND p.id = r.retained_sample_id
  JOIN app.samples AS s ON s.organization_id = r.organization_id AND s.id = r.sample_id
 WHERE r.keep_until <= pg_catalog.now() AND p.status <> 'disposed';
COMMENT ON VIEW app.samples_due_for_disposal IS
  E'Samples due for disposal\nRetained portions whose retention period has ended (keep_until passed) and that are not disposed of yet, as the caller may see them; dispose of each with app.dispose_sample.';
COMMENT ON COLUMN app.samples_due_for_disposal.organization_id IS E'Tenant';
COMMENT ON COLUMN app.samples_due_for_disposal.retention_id IS E'Retention\nsample_retentions.id.';
COMMENT ON COLUMN app.samples_due_for_disposal.sample_id IS E'Sample\nThe sample (samples.id) the portion was kept from.';
COMMENT ON COLUMN app.samples_due_for_disposal.sample_number IS E'Sample number';
COMMENT ON COLUMN app.samples_due_for_disposal.retained_sample_id IS E'Retained portion\nThe portion (samples.id) to dispose of.';
COMMENT ON COLUMN app.samples_due_for_disposal.retained_sample_number IS E'Portion number';
COMMENT ON COLUMN app.samples_due_for_disposal.barcode IS E'Portion barcode';
COMMENT ON COLUMN app.samples_due_for_disposal.sample_type_id IS E'Sample type';
COMMENT ON COLUMN app.samples_due_for_disposal.site_id IS E'Site';
COMMENT ON COLUMN app.samples_due_for_disposal.partner_id IS E'Customer';
COMMENT ON COLUMN app.samples_due_for_disposal.remaining_quantity IS E'Quantity left';
COMMENT ON COLUMN app.samples_due_for_disposal.unit IS E'Unit';
COMMENT ON COLUMN app.samples_due_for_disposal.keep_until IS E'Kept until';
COMMENT ON COLUMN app.samples_due_for_disposal.due_notified_at IS E'Due notice sent at';

-- Job notify-retention-due: once per retained portion, when its retention
-- ends, the holders of sample.manage (tenant-wide or at its site) are told.
CREATE OR REPLACE FUNCTION app_private.notify_retention_due(p_as_of timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_due record;
  v_count integer := 0;
BEGIN
  FOR v_due IN
    UPDATE app.sample_retentions AS r SET due_notified_at = p_as_of
      FROM app.samples AS p
     WHERE p.organization_id = r.organization_id AND p.id = r.retained_sample_id AND p.status <> 'disposed'
       AND r.keep_until <= p_as_of AND r.due_notified_at IS NULL
    RETURNING r.organization_id, r.retained_sample_id, p.sample_number, p.barcode, p.site_id, r.keep_until
  LOOP
    v_count := v_count + 1;
    INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, action_url, entity_type, entity_id)
    SELECT DISTINCT v_due.organization_id, m.user_id, 'system'::app.notification_type,
           pg_catalog.format('%s due for disposal', v_due.sample_number),
           pg_catalog.format('The retention of %s (barcode %s) ended on %s: dispose of it (app.dispose_sample).', v_due.sample_number, v_due.barcode,
                             pg_catalog.to_char(v_due.keep_until AT TIME ZONE 'UTC', 'YYYY-MM-DD')),
           'normal'::app.priority_level, '/samples/' || v_due.retained_sample_id, 'samples', v_due.retained_sample_id
      FROM app.memberships AS m
      JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
      JOIN app.role_assignments AS ra ON ra.organization_id = m.organization_id AND ra.membership_id = m.id
      JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
     WHERE m.organization_id = v_due.organization_id AND m.status = 'active' AND m.partner_id IS NULL
       AND rp.permission = 'sample.manage' AND (ra.site_id IS NULL OR ra.site_id = v_due.site_id);
  END LOOP;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.notify_retention_due(timestamptz) IS
  'Job notify-retention-due: marks each retained portion whose keep_until has passed (as of p_as_of) and that is not disposed of, once (sample_retentions.due_notified_at), and tells the holders of sample.manage tenant-wide or at its site; returns how many portions became due.';
