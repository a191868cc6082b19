-- Workflow templates: the tenant's stage catalog, versioned definitions
-- that include and override it, and the default workflow every tenant
-- starts with. A definition is frozen the moment a project uses it.

CREATE OR REPLACE FUNCTION app_private.check_role_keys(p_organization_id uuid, p_role_keys text[], p_column text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_unknown text[];
BEGIN
  SELECT pg_catalog.array_agg(k ORDER BY k) INTO v_unknown
    FROM unnest(p_role_keys) AS k
   WHERE NOT EXISTS (SELECT FROM app.roles AS r WHERE r.organization_id = p_organization_id AND r.key = k);
  IF v_unknown IS NOT NULL THEN
    PERFORM app_private.raise_invalid('role.unknown',
                                      format('%s names unknown role(s): %s', p_column, app_private.message_list(v_unknown)),
                                      'Use keys of the organization''s roles (GET /roles?select=key).');
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_role_keys(uuid, text[], text) IS 'Refuses role keys that are not roles of the tenant (PT422 role.unknown).';

CREATE OR REPLACE FUNCTION app_private.tg_workflow__check_roles() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_roles jsonb;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_roles := coalesce(pg_catalog.to_jsonb(NEW) -> 'responsible_roles', pg_catalog.to_jsonb(NEW) -> 'responsible_roles_override');
  IF jsonb_typeof(v_roles) = 'array' THEN
    PERFORM app_private.check_role_keys(NEW.organization_id, ARRAY(SELECT jsonb_array_elements_text(v_roles)),
                                        TG_TABLE_NAME || '.responsible_roles');
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_workflow__check_roles() IS 'BEFORE INSERT OR UPDATE: responsible roles must be roles of the tenant (PT422 role.unknown).';

CREATE OR REPLACE FUNCTION app_private.refuse_locked_definition(p_organization_id uuid, p_definition_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_definition app.workflow_definitions;
BEGIN
  -- Rows of a purged tenant go with it: once its organization row is gone
  -- (the cascade from app.organizations), nothing is refused.
  IF NOT EXISTS (SELECT FROM app.organizations WHERE id = p_organization_id) THEN
    RETURN;
  END IF;
  SELECT * INTO v_definition FROM app.workflow_definitions
   WHERE organization_id = p_organization_id AND id = p_definition_id FOR SHARE;
  IF v_definition.locked_at IS NOT NULL THEN
    RAISE EXCEPTION 'workflow definition "%" v% is used by projects and cannot be changed', v_definition.name, v_definition.version
      USING ERRCODE = 'PT409', DETAIL = 'workflow_definition.locked',
            HINT = 'Clone it with app.clone_workflow_definition and change the new version; projects stay pinned to theirs.';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.refuse_locked_definition(uuid, uuid) IS 'Raises PT409 workflow_definition.locked when a definition is locked (used by a project), except in the cascade that purges its tenant.';

CREATE OR REPLACE FUNCTION app_private.tg_workflow_definitions__guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(CASE TG_OP WHEN 'DELETE' THEN OLD.organization_id ELSE NEW.organization_id END);
  IF TG_OP = 'INSERT' THEN
    NEW.locked_at := NULL;
    NEW.created_by := auth.user_id();
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM app_private.refuse_locked_definition(OLD.organization_id, OLD.id);
    RETURN OLD;
  END IF;
  -- A locked version can still be retired or made the default.
  IF (pg_catalog.to_jsonb(NEW) - ARRAY['is_active', 'is_default', 'updated_at'])
     IS DISTINCT FROM (pg_catalog.to_jsonb(OLD) - ARRAY['is_active', 'is_default', 'updated_at']) THEN
    PERFORM app_private.refuse_locked_definition(OLD.organization_id, OLD.id);
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_workflow_definitions__guard() IS
  'BEFORE INSERT, UPDATE or DELETE: a locked version changes only is_active and is_default (PT409 workflow_definition.locked); new versions start unlocked.';

CREATE OR REPLACE FUNCTION app_private.tg_workflow_definition_rows__guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(CASE TG_OP WHEN 'DELETE' THEN OLD.organization_id ELSE NEW.organization_id END);
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM app_private.refuse_locked_definition(OLD.organization_id, OLD.workflow_definition_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM app_private.refuse_locked_definition(NEW.organization_id, NEW.workflow_definition_id);
    RETURN NEW;
  END IF;
  RETURN OLD;
END
$$;

COMMENT ON FUNCTION app_private.tg_workflow_definition_rows__guard() IS
  'BEFORE INSERT, UPDATE or DELETE on a definition''s stages, sub-stages and exit criteria: refused once the definition is locked (PT409 workflow_definition.locked).';

CREATE OR REPLACE VIEW app.workflow_definition_stage_settings WITH (security_invoker) AS
SELECT d.organization_id, d.id AS workflow_definition_id, s.id AS workflow_stage_id, s.name, s.slug,
       coalesce(ds.stage_order_override, s.stage_order) AS stage_order,
       ds.is_included AND (d.locked_at IS NOT NULL OR s.is_active) AS is_included,
       s.project_status,
       coalesce(ds.responsible_roles_override, s.responsible_roles) AS responsible_roles,
       coalesce(ds.estimated_duration_days_override, s.estimated_duration_days) AS estimated_duration_days,
       ds.requires_approval_override AS requires_approval,
       coalesce(ds.required_document_categories_override, s.required_document_categories) AS required_document_categories
  FROM app.workflow_definitions AS d
  JOIN app.workflow_definition_stages AS ds ON ds.organization_id = d.organization_id AND ds.workflow_definition_id = d.id
  JOIN app.workflow_stages AS s ON s.organization_id = ds.organization_id AND s.id = ds.workflow_stage_id;

COMMENT ON VIEW app.workflow_definition_stage_settings IS
  E'GET /workflow/definitions/:id/stages: the stages of each definition with the values in force (override, else catalog). Filter by workflow_definition_id, order by stage_order.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.workflow_definition_id IS 'The definition (version).';
COMMENT ON COLUMN app.workflow_definition_stage_settings.workflow_stage_id IS 'The catalog stage.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.name IS 'Stage name.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.slug IS 'Stage key.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.stage_order IS 'Position in this version.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.is_included IS 'Whether projects of this version go through it.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.project_status IS 'Project status while in the stage.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.responsible_roles IS 'Accountable role keys.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.estimated_duration_days IS 'Planned length.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.requires_approval IS 'Stage-wide approval override, empty when each sub-stage decides.';
COMMENT ON COLUMN app.workflow_definition_stage_settings.required_document_categories IS 'Mandatory documents.';

CREATE OR REPLACE VIEW app.workflow_definition_sub_stage_settings WITH (security_invoker) AS
SELECT d.organization_id, d.id AS workflow_definition_id, ss.workflow_stage_id, ss.id AS sub_stage_id, ss.name, ss.slug,
       coalesce(dss.sub_stage_order_override, ss.sub_stage_order) AS sub_stage_order,
       dss.is_included AND es.is_included AND (d.locked_at IS NOT NULL OR ss.is_active) AS is_included,
       coalesce(dss.is_required_override, ss.is_required) AS is_required,
       coalesce(dss.requires_approval_override, es.requires_approval, ss.requires_approval) AS requires_approval,
       CASE WHEN coalesce(dss.requires_approval_override, es.requires_approval, ss.requires_approval)
            THEN coalesce(dss.approval_type_override, ss.approval_type, 'final_signoff') END AS approval_type,
       coalesce(dss.can_skip_override, ss.can_skip) AS can_skip,
       coalesce(dss.auto_advance_override, ss.auto_advance) AS auto_advance,
       ss.marks_delivery,
       coalesce(dss.estimated_duration_hours_override, ss.estimated_duration_hours) AS estimated_duration_hours,
       coalesce(dss.responsible_roles_override, nullif(ss.responsible_roles, '{}'), es.responsible_roles) AS responsible_roles,
       es.stage_order
  FROM app.workflow_definitions AS d
  JOIN app.workflow_definition_sub_stages AS dss ON dss.organization_id = d.organization_id AND dss.workflow_definition_id = d.id
  JOIN app.workflow_sub_stages AS ss ON ss.organization_id = dss.organization_id AND ss.id = dss.workflow_sub_stage_id
  JOIN app.workflow_definition_stage_settings AS es
    ON es.organization_id = d.organization_id AND es.workflow_definition_id = d.id AND es.workflow_stage_id = ss.workflow_stage_id;

COMMENT ON VIEW app.workflow_definition_sub_stage_settings IS
  E'GET /workflow/definitions/:id/sub-stages: the sub-stages of each definition with the values in force. Filter by workflow_definition_id.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.workflow_definition_id IS 'The definition (version).';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.workflow_stage_id IS 'The stage.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.sub_stage_id IS 'The catalog sub-stage.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.name IS 'Sub-stage name.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.slug IS 'Sub-stage key.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.sub_stage_order IS 'Position inside the stage.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.is_included IS 'Whether projects of this version go through it.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.is_required IS 'Whether the stage waits for it.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.requires_approval IS 'Whether completing it needs an approval.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.approval_type IS 'Type of that approval (final_signoff when the sub-stage names none); empty when it needs no approval.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.can_skip IS 'Whether it may be skipped.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.auto_advance IS 'Whether it starts by itself after its predecessor.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.marks_delivery IS 'Whether completing it records delivery.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.estimated_duration_hours IS 'Planned length.';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.responsible_roles IS 'Role keys that may act on it (sub-stage override, catalog, else the stage''s).';
COMMENT ON COLUMN app.workflow_definition_sub_stage_settings.stage_order IS 'Position of its stage in this version.';

CREATE OR REPLACE FUNCTION app_private.lock_workflow_definition(p_organization_id uuid, p_definition_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM FROM app.workflow_definitions
    WHERE organization_id = p_organization_id AND id = p_definition_id AND locked_at IS NULL
    FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  -- Freeze: every override now holds the value in force, so later catalog
  -- edits cannot change what pinned projects follow. Sub-stages first: their
  -- values in force read the stage rows as they are before freezing. The
  -- definition is still unlocked while its rows are written; locked_at last.
  UPDATE app.workflow_definition_sub_stages AS dss
     SET sub_stage_order_override = e.sub_stage_order,
         responsible_roles_override = e.responsible_roles,
         is_required_override = e.is_required,
         requires_approval_override = e.requires_approval,
         approval_type_override = e.approval_type,
         can_skip_override = e.can_skip,
         auto_advance_override = e.auto_advance,
         estimated_duration_hours_override = e.estimated_duration_hours,
         is_included = e.is_included
    FROM app.workflow_definition_sub_stage_settings AS e
   WHERE dss.organization_id = p_organization_id AND dss.workflow_definition_id = p_definition_id
     AND e.organization_id = p_organization_id AND e.workflow_definition_id = p_definition_id
     AND e.sub_stage_id = dss.workflow_sub_stage_id;
  UPDATE app.workflow_definition_stages AS ds
     SET stage_order_override = e.stage_order,
         responsible_roles_override = e.responsible_roles,
         estimated_duration_days_override = e.estimated_duration_days,
         required_document_categories_override = e.required_document_categories,
         is_included = e.is_included
    FROM app.workflow_definition_stage_settings AS e
   WHERE ds.organization_id = p_organization_id AND ds.workflow_definition_id = p_definition_id
     AND e.organization_id = p_organization_id AND e.workflow_definition_id = p_definition_id
     AND e.workflow_stage_id = ds.workflow_stage_id;
  UPDATE app.workflow_definitions SET locked_at = pg_catalog.now()
   WHERE organization_id = p_organization_id AND id = p_definition_id;
END
$$;

COMMENT ON FUNCTION app_private.lock_workflow_definition(uuid, uuid) IS
  'Locks a definition when the first project uses it and writes the values in force into its overrides.';

CREATE OR REPLACE FUNCTION app.clone_workflow_definition(workflow_definition_id uuid, name text DEFAULT NULL, description text DEFAULT NULL)
RETURNS app.workflow_definitions
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_source app.workflow_definitions;
  v_clone app.workflow_definitions;
  v_name text;
BEGIN
  PERFORM app_private.require_permission('workflow.manage');
  SELECT * INTO v_source FROM app.workflow_definitions AS d
   WHERE d.organization_id = auth.org_id() AND d.id = clone_workflow_definition.workflow_definition_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no workflow definition %', workflow_definition_id USING ERRCODE = 'PT404', DETAIL = 'workflow_definition.not_found',
      HINT = 'GET /workflow_definitions lists them.';
  END IF;
  v_name := coalesce(nullif(btrim(clone_workflow_definition.name), ''), v_source.name);
  -- One new version of a name at a time.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(auth.org_id()::text || '/workflow/' || v_name, 0));

  INSERT INTO app.workflow_definitions (organization_id, name, version, description, is_active, is_default, based_on_id)
  SELECT v_source.organization_id, v_name,
         coalesce((SELECT max(d.version) FROM app.workflow_definitions AS d
                    WHERE d.organization_id = v_source.organization_id AND d.name = v_name), 0) + 1,
         coalesce(clone_workflow_definition.description, v_source.description), true, false, v_source.id
  RETURNING * INTO v_clone;

  INSERT INTO app.workflow_definition_stages
    (organization_id, workflow_definition_id, workflow_stage_id, is_included, stage_order_override,
     responsible_roles_override, estimated_duration_days_override, requires_approval_override,
     required_document_categories_override, metadata)
  SELECT organization_id, v_clone.id, workflow_stage_id, is_included, stage_order_override,
         responsible_roles_override, estimated_duration_days_override, requires_approval_override,
         required_document_categories_override, metadata
    FROM app.workflow_definition_stages
   WHERE organization_id = v_source.organization_id AND workflow_definition_id = v_source.id;

  INSERT INTO app.workflow_definition_sub_stages
    (organization_id, workflow_definition_id, workflow_sub_stage_id, is_included, sub_stage_order_override,
     responsible_roles_override, is_required_override, requires_approval_override, approval_type_override,
     can_skip_override, auto_advance_override, estimated_duration_hours_override, metadata)
  SELECT organization_id, v_clone.id, workflow_sub_stage_id, is_included, sub_stage_order_override,
         responsible_roles_override, is_required_override, requires_approval_override, approval_type_override,
         can_skip_override, auto_advance_override, estimated_duration_hours_override, metadata
    FROM app.workflow_definition_sub_stages
   WHERE organization_id = v_source.organization_id AND workflow_definition_id = v_source.id;

  INSERT INTO app.workflow_exit_criteria
    (organization_id, workflow_definition_id, workflow_stage_id, key, position, kind, description, document_category, min_count,
     project_field, approval_type, waivable)
  SELECT organization_id, v_clone.id, workflow_stage_id, key, position, kind, description, document_category, min_count,
         project_field, approval_type, waivable
    FROM app.workflow_exit_criteria
   WHERE organization_id = v_source.organization_id AND workflow_definition_id = v_source.id;

  RETURN v_clone;
END
$$;

COMMENT ON FUNCTION app.clone_workflow_definition(uuid, text, text) IS
  'Creates the next version (N+1) of a definition with every inclusion, override and exit criterion copied, unlocked and ready to change; with a new name it starts version 1 of that name. Needs workflow.manage. Errors: PT403 permission.missing, PT404 workflow_definition.not_found.';

CREATE OR REPLACE FUNCTION app_private.provision_workflow(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_definition_id uuid;
BEGIN
  INSERT INTO app.workflow_settings (organization_id) VALUES (p_organization_id) ON CONFLICT DO NOTHING;

  -- Each rule is a copy of the platform default (db/seeds/reference/20_workflow.sql),
  -- the tenant's own to change from now on. Roles come first (provision_organization).
  INSERT INTO app.document_category_settings (organization_id, category, is_regulated, retention_years)
  SELECT p_organization_id, d.category, d.is_regulated, d.retention_years
    FROM app_private.default_document_category_settings AS d
  ON CONFLICT DO NOTHING;

  INSERT INTO app.approval_policies (organization_id, approval_type, priority, sla_hours, requires_signature)
  SELECT p_organization_id, d.approval_type, d.priority, d.sla_hours, d.requires_signature
    FROM app_private.default_approval_policies AS d
  ON CONFLICT DO NOTHING;

  INSERT INTO app.approval_chains (organization_id, chain_name, approval_type, rank, conditions, steps)
  SELECT p_organization_id, d.chain_name, d.approval_type, d.rank, d.conditions, d.steps
    FROM app_private.default_approval_chains AS d
  ON CONFLICT DO NOTHING;

  INSERT INTO app.approval_fallbacks (organization_id, position, role_key)
  SELECT p_organization_id, d.position, d.role_key
    FROM app_private.default_approval_fallbacks AS d
  ON CONFLICT DO NOTHING;

  INSERT INTO app.approval_settings (organization_id, when_no_approver, reminder_percent, expiry_hours)
  SELECT p_organization_id, d.when_no_approver, d.reminder_percent, d.expiry_hours
    FROM app_private.default_approval_settings AS d
  ON CONFLICT DO NOTHING;

  INSERT INTO app.workflow_stages
    (organization_id, name, slug, stage_order, project_status, estimated_duration_days, responsible_roles,
     required_document_categories, tasks, decisions, exit_criteria)
  SELECT p_organization_id, ds.name, ds.slug, ds.stage_order, ds.project_status, ds.estimated_duration_days,
         (SELECT coalesce(pg_catalog.array_agg(DISTINCT r ORDER BY r), '{}')
            FROM app_private.default_workflow_sub_stages AS dss, unnest(dss.responsible_roles) AS r
           WHERE dss.stage_slug = ds.slug),
         ds.required_document_categories, ds.tasks, ds.decisions, ds.exit_criteria
    FROM app_private.default_workflow_stages AS ds
  ON CONFLICT (organization_id, slug) DO NOTHING;

  INSERT INTO app.workflow_sub_stages
    (organization_id, workflow_stage_id, name, slug, sub_stage_order, is_required, requires_approval, approval_type,
     can_skip, auto_advance, marks_delivery, estimated_duration_hours, responsible_roles)
  SELECT p_organization_id, s.id, dss.name, dss.slug, dss.sub_stage_order, dss.is_required, dss.requires_approval,
         dss.approval_type, dss.can_skip, dss.auto_advance, dss.marks_delivery, dss.estimated_duration_hours,
         dss.responsible_roles
    FROM app_private.default_workflow_sub_stages AS dss
    JOIN app.workflow_stages AS s ON s.organization_id = p_organization_id AND s.slug = dss.stage_slug
  ON CONFLICT (organization_id, slug) DO NOTHING;

  IF NOT EXISTS (SELECT FROM app.workflow_definitions WHERE organization_id = p_organization_id) THEN
    INSERT INTO app.workflow_definitions (organization_id, name, version, description, is_default)
    VALUES (p_organization_id, 'Default Workflow', 1, 'Inquiry to delivery: the eight standard stages.', true)
    RETURNING id INTO v_definition_id;
    INSERT INTO app.workflow_definition_stages (organization_id, workflow_definition_id, workflow_stage_id)
    SELECT p_organization_id, v_definition_id, s.id
      FROM app.workflow_stages AS s WHERE s.organization_id = p_organization_id AND s.is_active;
    INSERT INTO app.workflow_definition_sub_stages (organization_id, workflow_definition_id, workflow_sub_stage_id)
    SELECT p_organization_id, v_definition_id, ss.id
      FROM app.workflow_sub_stages AS ss WHERE ss.organization_id = p_organization_id AND ss.is_active;
    INSERT INTO app.workflow_exit_criteria
      (organization_id, workflow_definition_id, workflow_stage_id, key, position, kind, description, document_category,
       min_count, project_field, approval_type, waivable)
    SELECT p_organization_id, v_definition_id, s.id, d.key, d.position, d.kind, d.description, d.document_category,
           d.min_count, d.project_field, d.approval_type, d.waivable
      FROM app_private.default_exit_criteria AS d
      JOIN app.workflow_stages AS s ON s.organization_id = p_organization_id AND s.slug = d.stage_slug AND s.is_active;
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.provision_workflow(uuid) IS
  'Gives a tenant what the workflow needs, copied from the platform defaults (app_private.default_*): the stage catalog, "Default Workflow" v1 with its exit criteria (when it has no definition), settings, document category rules, approval SLAs, chains, fallback roles and approval settings. Idempotent; step 2 of app_private.provision_organization, and run by the reference seed for tenants without a workflow.';

CREATE OR REPLACE TRIGGER _200_check_roles BEFORE INSERT OR UPDATE OF responsible_roles ON app.workflow_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow__check_roles();
CREATE OR REPLACE TRIGGER _200_check_roles BEFORE INSERT OR UPDATE OF responsible_roles ON app.workflow_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow__check_roles();
CREATE OR REPLACE TRIGGER _200_check_roles BEFORE INSERT OR UPDATE OF responsible_roles_override ON app.workflow_definition_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow__check_roles();
CREATE OR REPLACE TRIGGER _200_check_roles BEFORE INSERT OR UPDATE OF responsible_roles_override ON app.workflow_definition_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow__check_roles();
CREATE OR REPLACE TRIGGER _150_guard BEFORE INSERT OR UPDATE OR DELETE ON app.workflow_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow_definitions__guard();
CREATE OR REPLACE TRIGGER _150_guard BEFORE INSERT OR UPDATE OR DELETE ON app.workflow_definition_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow_definition_rows__guard();
CREATE OR REPLACE TRIGGER _150_guard BEFORE INSERT OR UPDATE OR DELETE ON app.workflow_definition_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow_definition_rows__guard();
CREATE OR REPLACE TRIGGER _150_guard BEFORE INSERT OR UPDATE OR DELETE ON app.workflow_exit_criteria
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_workflow_definition_rows__guard();

-- The catalog, definitions and settings keep the time of their last change.
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.workflow_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.workflow_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.workflow_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.workflow_definition_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.workflow_definition_sub_stages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.workflow_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.workflow_exit_criteria
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
