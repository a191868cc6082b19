-- Production runs and ideal cycle times (migration reporting/production_kpis):
-- what OEE reads besides the downtime log. Both hang off a machine
-- (equipment) and are plant-scoped like it: seen with equipment.read, ideal
-- cycle times written with equipment.manage, runs with production.record,
-- tenant-wide or at the machine's site. A downtime reason's loss category
-- (the six big losses) defaults from its breakdown flag.

CREATE OR REPLACE FUNCTION app_private.tg_downtime_reasons__loss_category() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF NEW.loss_category IS NULL OR (TG_OP = 'UPDATE' AND NEW.is_breakdown IS DISTINCT FROM OLD.is_breakdown
                                    AND NEW.loss_category IS NOT DISTINCT FROM OLD.loss_category) THEN
    NEW.loss_category := CASE WHEN NEW.is_breakdown THEN 'breakdown'
                              WHEN NEW.loss_category = 'setup' THEN 'setup' ELSE 'other' END;
  END IF;
  IF NEW.is_breakdown <> (NEW.loss_category = 'breakdown') THEN
    -- A plain RAISE: this runs as the writer, who may not call app_private.raise_invalid.
    RAISE EXCEPTION 'a breakdown reason is in the loss category breakdown, and only it' USING ERRCODE = 'PT422',
      DETAIL = 'downtime_reason.loss_category',
      HINT = 'Send loss_category breakdown with is_breakdown true, setup or other with is_breakdown false (or leave loss_category out).';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_downtime_reasons__loss_category() IS
  'BEFORE INSERT/UPDATE of a downtime reason: its loss category defaults to breakdown for a breakdown reason, else other (and follows a change of is_breakdown); a breakdown reason is breakdown and only it (PT422 downtime_reason.loss_category).';

CREATE OR REPLACE TRIGGER _150_loss_category BEFORE INSERT OR UPDATE ON app.downtime_reasons
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_downtime_reasons__loss_category();

-- The part revision named belongs to the part.
CREATE OR REPLACE FUNCTION app_private.require_revision_of_part(p_organization_id uuid, p_part_id uuid, p_part_revision_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_part_revision_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.part_revisions AS r WHERE r.organization_id = p_organization_id AND r.id = p_part_revision_id AND r.part_id = p_part_id) THEN
    PERFORM app_private.raise_invalid('part_revision.other_part', 'the part revision is not a revision of the part',
      'Send a revision of this part (GET /part_revisions?part_id=eq.<part>), or leave part_revision_id out.');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_revision_of_part(uuid, uuid, uuid) IS
  'Refuses (PT422 part_revision.other_part) a part revision that is not one of the part''s.';

CREATE OR REPLACE FUNCTION app_private.tg_ideal_cycle_times__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('equipment.manage', v_equipment.site_id);
  END IF;
  PERFORM app_private.require_revision_of_part(NEW.organization_id, NEW.part_id, NEW.part_revision_id);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_ideal_cycle_times__prepare() IS
  'BEFORE INSERT/UPDATE of an ideal cycle time: the tenant guard; the machine is visible to the member (PT404 equipment.not_found), who holds equipment.manage tenant-wide or at its site (PT403 permission.missing); the revision is the part''s (PT422 part_revision.other_part).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.ideal_cycle_times
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.ideal_cycle_times
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('equipment.manage');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.ideal_cycle_times
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_ideal_cycle_times__prepare();

CREATE OR REPLACE FUNCTION app_private.tg_production_runs__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_other text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
  IF TG_OP = 'INSERT' THEN
    NEW.site_id := v_equipment.site_id;
  END IF;
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('production.record', NEW.site_id);
    IF TG_OP = 'INSERT' THEN
      NEW.recorded_by := auth.user_id();
    END IF;
  END IF;
  IF NEW.site_id IS NULL THEN
    PERFORM app_private.raise_invalid('production_run.no_plant', 'the machine is at no plant',
      'Give the equipment a site first (PATCH /equipment?id=eq.<machine> with site_id).');
  END IF;
  PERFORM app_private.require_revision_of_part(NEW.organization_id, NEW.part_id, NEW.part_revision_id);
  -- The revision made: not a draft, nor one replaced before the run started.
  IF NEW.part_revision_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.part_revision_id IS DISTINCT FROM OLD.part_revision_id
                                          OR NEW.scheduled_start IS DISTINCT FROM OLD.scheduled_start)
     AND EXISTS (SELECT FROM app.part_revisions AS r WHERE r.organization_id = NEW.organization_id AND r.id = NEW.part_revision_id
                   AND (r.status = 'draft' OR (r.status = 'obsolete' AND r.obsoleted_at <= NEW.scheduled_start))) THEN
    RAISE EXCEPTION 'the part revision was not released when the run started' USING ERRCODE = 'PT409',
      DETAIL = 'part_revision.not_released',
      HINT = 'Name the revision released at the run''s start (app.effective_part_revision), or leave part_revision_id out.';
  END IF;
  IF NEW.scheduled_start > pg_catalog.now() + interval '5 minutes' AND (NEW.total_count > 0 OR NEW.good_count > 0) THEN
    PERFORM app_private.raise_invalid('production_run.counts_before_start', 'a run that has not started has no counts yet',
      'Record the counts once the run has started; a planned run has total_count and good_count 0.');
  END IF;
  IF NEW.scheduled_end <= NEW.scheduled_start THEN
    PERFORM app_private.raise_invalid('production_run.window_invalid', 'a run must end after it starts',
      'Send scheduled_end after scheduled_start.');
  END IF;
  IF NEW.good_count > NEW.total_count OR NEW.startup_rejects > NEW.total_count - NEW.good_count THEN
    PERFORM app_private.raise_invalid('production_run.counts_invalid',
      pg_catalog.format('good (%s) and startup rejects (%s) cannot exceed the total (%s)', NEW.good_count, NEW.startup_rejects, NEW.total_count),
      'good_count <= total_count and startup_rejects <= total_count - good_count; the other rejects are production rejects.');
  END IF;
  -- The exclusion constraint production_runs_no_overlap is the rule (it also
  -- decides between two writers at once, SQLSTATE 23P01); this names the run.
  SELECT pg_catalog.format('%s to %s', r.scheduled_start, r.scheduled_end) INTO v_other
    FROM app.production_runs AS r
   WHERE r.organization_id = NEW.organization_id AND r.equipment_id = NEW.equipment_id AND r.id <> NEW.id
     AND pg_catalog.tstzrange(r.scheduled_start, r.scheduled_end) && pg_catalog.tstzrange(NEW.scheduled_start, NEW.scheduled_end)
   LIMIT 1;
  IF v_other IS NOT NULL THEN
    RAISE EXCEPTION 'the machine already runs from %', v_other USING ERRCODE = 'PT409', DETAIL = 'production_run.overlap',
      HINT = 'One machine has one run at a time: shorten or move the other run first.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_production_runs__prepare() IS
  'BEFORE INSERT/UPDATE of a production run: the tenant guard; the machine is visible to the member (PT404 equipment.not_found), who holds production.record tenant-wide or at its site (PT403 permission.missing) and is the recorder; the plant is the machine''s when recorded (PT422 production_run.no_plant without one); the revision is the part''s (PT422 part_revision.other_part); the window ends after it starts (PT422 production_run.window_invalid); good <= total, startup rejects <= total - good (PT422 production_run.counts_invalid); no overlap with another run of the machine (PT409 production_run.overlap, the exclusion constraint behind it); the part revision is not a draft nor one obsoleted before the run started (PT409 part_revision.not_released); a run starting in the future has no counts (PT422 production_run.counts_before_start).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.production_runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.production_runs
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('production.record');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.production_runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_production_runs__prepare();
