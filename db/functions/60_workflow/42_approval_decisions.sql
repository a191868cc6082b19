-- Approval decisions: one per step, signed where the policy says;
-- reassignment, delegation, cancellation, comments and attachments.

CREATE OR REPLACE FUNCTION app_private.decide_refusal(p_organization_id uuid, p_step jsonb, p_requested_by uuid, p_user_id uuid,
                                                      p_decided uuid[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE
AS $$
  -- The one rule of who may decide a step, used by routing, hand-over
  -- (reassign, delegate, escalation to a backup) and the decision itself:
  -- an active staff member other than the requester, who decided no earlier
  -- step of the chain (p_decided), and is the step's named user or holds its
  -- role; the tenant's fallback roles, and its backup approver where the
  -- tenant routes to one, stand in for anybody.
  SELECT CASE
    WHEN m.user_id IS NULL THEN 'approval.approver_not_member'
    WHEN p_user_id = p_requested_by THEN 'approval.requester_cannot_decide'
    WHEN m.partner_id IS NOT NULL THEN 'approval.portal_user_cannot_decide'
    WHEN p_user_id = ANY (p_decided) THEN 'approval.already_decided_in_chain'
    WHEN p_user_id::text = p_step ->> 'user_id' THEN NULL
    -- A step scoped to plants (site_ids: the entity's plants) counts a role
    -- held tenant-wide, or held at every one of those plants; a step
    -- without site_ids counts the role wherever it is held.
    WHEN EXISTS (SELECT FROM app.role_assignments AS ra
                   JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
                  WHERE ra.organization_id = m.organization_id AND ra.membership_id = m.id
                    AND r.key = ANY ((p_step ->> 'role') || app_private.approval_fallback_roles(p_organization_id))
                    AND (ra.site_id IS NULL OR NOT p_step ? 'site_ids')) THEN NULL
    WHEN pg_catalog.jsonb_typeof(p_step -> 'site_ids') = 'array' AND pg_catalog.jsonb_array_length(p_step -> 'site_ids') > 0
         AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements_text(p_step -> 'site_ids') AS x (site_id)
                          WHERE NOT EXISTS (SELECT FROM app.role_assignments AS ra
                                              JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
                                             WHERE ra.organization_id = m.organization_id AND ra.membership_id = m.id
                                               AND r.key = ANY ((p_step ->> 'role') || app_private.approval_fallback_roles(p_organization_id))
                                               AND ra.site_id = x.site_id::uuid)) THEN NULL
    WHEN s.when_no_approver = 'backup' AND s.backup_approver_id = p_user_id THEN NULL
    WHEN p_step ? 'site_ids'
         AND EXISTS (SELECT FROM app.role_assignments AS ra
                       JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
                      WHERE ra.organization_id = m.organization_id AND ra.membership_id = m.id
                        AND r.key = ANY ((p_step ->> 'role') || app_private.approval_fallback_roles(p_organization_id)))
      THEN 'approval.approver_outside_plants'
    ELSE 'approval.approver_lacks_role'
  END
  FROM (SELECT) AS one
  LEFT JOIN (app.memberships AS m JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active')
    ON m.organization_id = p_organization_id AND m.user_id = p_user_id AND m.status = 'active'
  CROSS JOIN app_private.approval_settings_of(p_organization_id) AS s
$$;

COMMENT ON FUNCTION app_private.decide_refusal(uuid, jsonb, uuid, uuid, uuid[]) IS
  'Why a person may not decide a chain step (a reason code: approval.approver_not_member, approval.requester_cannot_decide, approval.portal_user_cannot_decide, approval.already_decided_in_chain, approval.approver_outside_plants, approval.approver_lacks_role), NULL when they may: an active staff member, not the requester, not among p_decided (who decided an earlier step of the chain), who is the step''s named user or holds its role or a fallback role (app.approval_fallbacks), or is the tenant''s backup approver (app.approval_settings, when_no_approver backup). A step scoped to plants (site_ids, copied from the entity by app_private.open_approval) counts the role only held tenant-wide or at every one of them (approval.approver_outside_plants when held only elsewhere; an empty list: tenant-wide holders only).';

CREATE OR REPLACE FUNCTION app_private.chain_deciders(p_approval app.approvals) RETURNS uuid[]
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(pg_catalog.array_agg(DISTINCT h.action_by), '{}')
    FROM app.approval_history AS h
   WHERE h.organization_id = p_approval.organization_id AND h.approval_id = p_approval.id
     AND h.action_type = 'approve' AND h.step < p_approval.current_step AND h.action_by IS NOT NULL
$$;

COMMENT ON FUNCTION app_private.chain_deciders(app.approvals) IS
  'Who approved the earlier steps of an approval (approval_history): none of them may decide its current step.';

CREATE OR REPLACE FUNCTION app_private.check_may_decide(p_approval app.approvals, p_user_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_step jsonb := p_approval.steps -> (p_approval.current_step - 1);
  v_reason text := app_private.decide_refusal(p_approval.organization_id, v_step, p_approval.requested_by, p_user_id,
                                              app_private.chain_deciders(p_approval));
BEGIN
  IF v_reason IS NOT NULL THEN
    RAISE EXCEPTION '%', CASE v_reason
        WHEN 'approval.approver_not_member' THEN 'the approver must be an active member of the organization'
        WHEN 'approval.requester_cannot_decide' THEN 'the requester of an approval cannot decide it'
        WHEN 'approval.portal_user_cannot_decide' THEN 'a portal user cannot decide an approval'
        WHEN 'approval.already_decided_in_chain' THEN
          format('step %s of this approval needs a second person: this one decided an earlier step', p_approval.current_step)
        WHEN 'approval.approver_outside_plants' THEN
          format('step %s of this approval is decided by %s held tenant-wide or at every plant it affects (%s)', p_approval.current_step,
                 coalesce('role ' || (v_step ->> 'role'), 'its named user'),
                 coalesce((SELECT pg_catalog.string_agg(si.code, ', ' ORDER BY si.code)
                             FROM pg_catalog.jsonb_array_elements_text(v_step -> 'site_ids') AS x (site_id)
                             JOIN app.sites AS si ON si.organization_id = p_approval.organization_id AND si.id = x.site_id::uuid), 'none: tenant-wide only'))
        ELSE format('step %s of this approval is decided by %s (or management, or an admin)', p_approval.current_step,
                    coalesce('role ' || (v_step ->> 'role'), 'its named user'))
      END
      USING ERRCODE = 'PT403', DETAIL = v_reason,
            HINT = CASE WHEN v_reason = 'approval.approver_outside_plants'
                        THEN 'Your role is held at other plants: a colleague who holds it tenant-wide or at each of these plants decides (or an administrator grants it there: app.grant_role with site_id).'
                        ELSE 'Hand the approval to a colleague who holds the step''s role, did not request it and decided no earlier step.' END;
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_may_decide(app.approvals, uuid) IS
  'Raises PT403 (DETAIL: the reason code of app_private.decide_refusal) unless the person may decide the approval''s current step (two-person control: not its requester, nobody who approved an earlier step).';

CREATE OR REPLACE FUNCTION app_private.approval_facts(p_project app.projects, p_extra jsonb) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'quote_value', p_project.quote_value,
           'margin_percent', CASE WHEN p_project.quote_value > 0 AND p_project.quote_cost IS NOT NULL
                                  THEN pg_catalog.round((p_project.quote_value - p_project.quote_cost) * 100 / p_project.quote_value, 2) END,
           'po_value', p_project.po_value,
           'risk_flags', pg_catalog.to_jsonb(p_project.risk_flags),
           'priority', p_project.priority,
           'slippage_days', (SELECT greatest(0, max(pr.due_at)::date - p_project.promised_due_date)
                               FROM app.project_sub_stage_progress AS pr
                              WHERE pr.organization_id = p_project.organization_id AND pr.project_id = p_project.id))
         || coalesce(p_extra, '{}'))
$$;

COMMENT ON FUNCTION app_private.approval_facts(app.projects, jsonb) IS
  'The facts chains route on: the project''s quote_value, margin_percent (from quote_value and quote_cost: (price - cost) / price * 100, rounded to 0.01), po_value, risk_flags, priority, slippage_days (latest due date past the promised date), plus the request''s own (ctq_failures, rework_percent, document_category).';

CREATE OR REPLACE FUNCTION app_private.record_approval_event(
  p_approval app.approvals, p_action app.approval_action, p_old_status app.approval_status, p_comments text,
  p_from_approver_id uuid DEFAULT NULL, p_to_approver_id uuid DEFAULT NULL, p_signature jsonb DEFAULT NULL
) RETURNS app.approval_history
LANGUAGE sql VOLATILE
AS $$
  INSERT INTO app.approval_history
    (organization_id, approval_id, action_by, action_type, old_status, new_status, step, from_approver_id, to_approver_id,
     comments, signature_meaning, signature_reason, signed_payload, signed_payload_sha256)
  VALUES (p_approval.organization_id, p_approval.id, auth.user_id(), p_action, p_old_status, p_approval.status,
          p_approval.current_step, p_from_approver_id, p_to_approver_id, p_comments,
          p_signature ->> 'meaning', p_signature ->> 'reason', p_signature -> 'payload', p_signature ->> 'payload_sha256')
  RETURNING *
$$;

COMMENT ON FUNCTION app_private.record_approval_event(app.approvals, app.approval_action, app.approval_status, text, uuid, uuid, jsonb) IS
  'Appends one approval_history row.';

CREATE OR REPLACE FUNCTION app_private.tell_about_approval(p_approval app.approvals, p_recipients uuid[], p_reason text, p_title text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.approval_notifications (organization_id, approval_id, recipient_id, reason, escalation_level)
  SELECT p_approval.organization_id, p_approval.id, m.user_id, p_reason, p_approval.escalation_level
    FROM app.memberships AS m
    JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
   WHERE m.organization_id = p_approval.organization_id AND m.status = 'active' AND m.partner_id IS NULL
     AND m.user_id = ANY (p_recipients);
  PERFORM app_private.notify(p_approval.organization_id, p_recipients, 'approval', p_title,
    format('%s approval, due %s.', pg_catalog.replace(p_approval.approval_type::text, '_', ' '),
           pg_catalog.to_char(p_approval.sla_due_at, 'YYYY-MM-DD HH24:MI TZ')),
    CASE WHEN p_reason = 'escalated' OR p_approval.priority = 'urgent' THEN 'urgent'
         WHEN p_approval.priority = 'high' THEN 'high' ELSE 'normal' END::app.priority_level,
    p_approval.project_id, 'approvals', p_approval.id);
END
$$;

COMMENT ON FUNCTION app_private.tell_about_approval(app.approvals, uuid[], text, text) IS
  'Notifies people about an approval (app_private.notify: staff who may read it) and records it in approval_notifications (staff only).';

CREATE OR REPLACE FUNCTION app_private.open_approval(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_project app.projects, p_type app.approval_type, p_extra_facts jsonb
) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_facts jsonb := app_private.approval_facts(p_project, p_extra_facts);
  v_chain app.approval_chains;
  v_steps jsonb;
  -- An approval on an entity without a project (a state-machine transition
  -- opened it) has normal priority.
  v_priority app.approval_priority := coalesce(p_project.priority::text, 'normal')::app.approval_priority;
  v_approval app.approvals;
  v_sites jsonb;
BEGIN
  v_chain := app_private.approval_chain_for(p_organization_id, p_type, v_facts);
  v_steps := v_chain.steps;
  -- An entity that names the plants it affects (a site_ids column, e.g. a
  -- change order) scopes every step to them: decided by holders of the
  -- step's role tenant-wide or at each of those plants (app_private.decide_refusal).
  IF EXISTS (SELECT FROM app_private.entity_types AS et WHERE et.entity_type = p_entity_type) THEN
    v_sites := app_private.entity_row(p_organization_id, p_entity_type, p_entity_id) -> 'site_ids';
  END IF;
  IF pg_catalog.jsonb_typeof(v_sites) = 'array' THEN
    v_steps := (SELECT coalesce(pg_catalog.jsonb_agg(st || pg_catalog.jsonb_build_object('site_ids', v_sites) ORDER BY o), '[]')
                  FROM pg_catalog.jsonb_array_elements(v_steps) WITH ORDINALITY AS x (st, o));
    v_facts := v_facts || pg_catalog.jsonb_build_object('site_ids', v_sites);
  END IF;

  INSERT INTO app.approvals
    (organization_id, approval_type, entity_type, entity_id, project_id, status, priority, requested_by,
     current_approver_id, approval_chain_id, steps, sla_due_at, remind_at, expires_at, requires_signature, metadata)
  VALUES (p_organization_id, p_type, p_entity_type, p_entity_id, p_project.id, 'pending', v_priority, auth.user_id(),
          (app_private.route_approvers(p_organization_id, v_steps, auth.user_id()))[1], v_chain.id, v_steps,
          app_private.sla_due_at(p_organization_id, p_type, v_priority),
          app_private.remind_at(p_organization_id, p_type, v_priority), app_private.approval_expires_at(p_organization_id),
          (app_private.approval_policy_of(p_organization_id, p_type, v_priority)).requires_signature,
          v_facts)
  RETURNING * INTO v_approval;

  PERFORM app_private.record_approval_event(v_approval, 'request', NULL, NULL);
  PERFORM app_private.record_approval_event(v_approval, 'assign', 'pending', v_chain.chain_name, NULL, v_approval.current_approver_id);
  PERFORM app_private.tell_about_approval(v_approval, ARRAY[v_approval.current_approver_id], 'assigned',
    format('Approval needed: %s for %s', pg_catalog.replace(p_type::text, '_', ' '),
           CASE WHEN p_entity_type IN ('project_sub_stage', 'document_version') THEN p_project.project_number
                ELSE coalesce(auth.entity_title(p_entity_type, p_entity_id), p_project.project_number) END));
  RETURN v_approval;
END
$$;

COMMENT ON FUNCTION app_private.open_approval(uuid, text, uuid, app.projects, app.approval_type, jsonb) IS
  'Opens an approval: routes it as app.approval_route shows (app_private.approval_chain_for: the first matching chain, else the first fallback role), assigns the first step to an eligible approver after checking that every step has one, each a different person (PT409 approval.no_approver naming the first step that has none), sets sla_due_at from the policy, remind_at and expires_at from the approval settings, records request and assign, notifies the approver. An entity whose row names the plants it affects (a site_ids column: change orders) scopes every step to them (each step and the facts carry site_ids).';

CREATE OR REPLACE FUNCTION app_private.find_approval(p_approval_id uuid) RETURNS app.approvals
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
BEGIN
  SELECT * INTO v_approval FROM app.approvals WHERE organization_id = auth.org_id() AND id = p_approval_id;
  -- Staff who read projects, and who may decide its current step (a
  -- plant-scoped approver of its plant's change order, who takes it over).
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.has_permission('project.read') OR v_approval.current_approver_id IS NOT DISTINCT FROM auth.user_id()
             OR (v_approval.status IN ('pending', 'in_review')
                 AND app_private.decide_refusal(v_approval.organization_id, v_approval.steps -> (v_approval.current_step - 1), v_approval.requested_by,
                                                auth.user_id(), app_private.chain_deciders(v_approval)) IS NULL)) THEN
    RAISE EXCEPTION 'no approval %', p_approval_id USING ERRCODE = 'PT404', DETAIL = 'approval.not_found',
      HINT = 'GET /approvals lists the approvals you may see.';
  END IF;
  RETURN v_approval;
END
$$;

COMMENT ON FUNCTION app_private.find_approval(uuid) IS 'An approval of the active tenant the caller''s staff may see (project.read tenant-wide), that waits for the caller''s decision, or whose current step the caller may decide (app_private.decide_refusal), or PT404 approval.not_found.';

CREATE OR REPLACE FUNCTION app_private.lock_open_approval(p_approval_id uuid) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
  v_decider text;
BEGIN
  v_approval := app_private.find_approval(p_approval_id);
  -- Lock order everywhere: project, then approval, then progress.
  PERFORM FROM app.projects WHERE organization_id = v_approval.organization_id AND id = v_approval.project_id FOR UPDATE;
  SELECT * INTO v_approval FROM app.approvals WHERE organization_id = v_approval.organization_id AND id = p_approval_id FOR UPDATE;
  -- Past its hard deadline an approval is expired, whether or not the job
  -- has marked it yet.
  IF v_approval.status = 'expired' OR (v_approval.status IN ('pending', 'in_review') AND v_approval.expires_at <= pg_catalog.now()) THEN
    RAISE EXCEPTION '%', format('approval %s expired at %s undecided', p_approval_id, coalesce(v_approval.decided_at, v_approval.expires_at))
      USING ERRCODE = 'PT409', DETAIL = 'approval.expired',
            HINT = 'An expired approval cannot be decided: start the gated sub-stage again and complete it (or upload a new document version) to request a new one.';
  END IF;
  IF v_approval.status NOT IN ('pending', 'in_review') THEN
    SELECT u.email INTO v_decider FROM app.users AS u WHERE u.id = v_approval.decided_by;
    RAISE EXCEPTION '%', format('approval %s is already %s%s', p_approval_id, v_approval.status,
                                coalesce(format(' by %s at %s', v_decider, v_approval.decided_at), ''))
      USING ERRCODE = 'PT409', DETAIL = 'approval.closed',
            HINT = 'GET /approval_history?approval_id=eq.' || p_approval_id || ' shows what happened.';
  END IF;
  RETURN v_approval;
END
$$;

COMMENT ON FUNCTION app_private.lock_open_approval(uuid) IS
  'Locks an open approval of the active tenant (project row first); PT404 approval.not_found, PT409 approval.expired (expired, or past expires_at), PT409 approval.closed (the loser of two simultaneous decisions gets this).';

CREATE OR REPLACE FUNCTION app_private.sign_decision(
  p_approval app.approvals, p_decision app.approval_decision, p_comment text, p_meaning text, p_reason text, p_password text
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_signature jsonb;
BEGIN
  IF p_password IS NULL THEN
    IF p_approval.requires_signature THEN
      RAISE EXCEPTION 'this % approval must be signed', p_approval.approval_type USING ERRCODE = 'PT422',
        DETAIL = 'signature.required',
        HINT = 'Send signature_password (your sign-in password), signature_reason and optionally signature_meaning.';
    END IF;
    RETURN NULL;
  END IF;
  IF coalesce(btrim(p_reason), '') = '' THEN
    -- Checked after the password by the one signing path's callers before:
    -- a wrong password is still counted first.
    v_signature := app_private.sign_payload(p_password, NULL, NULL, '{}');
    IF v_signature ? 'refused' THEN
      RETURN v_signature;
    END IF;
    PERFORM app_private.raise_invalid('signature.reason_required', 'a signature needs a signature_reason',
                                      'State why you sign, e.g. "reviewed test report v2".');
  END IF;
  -- The one signing path (app_private.sign_payload, 30_identity/35_signatures.sql).
  RETURN app_private.sign_payload(p_password,
    coalesce(nullif(btrim(p_meaning), ''), CASE p_decision WHEN 'approve' THEN 'approved' ELSE 'rejected' END), p_reason,
    pg_catalog.jsonb_build_object(
      'approval_id', p_approval.id, 'approval_type', p_approval.approval_type, 'entity_type', p_approval.entity_type,
      'entity_id', p_approval.entity_id, 'step', p_approval.current_step, 'decision', p_decision, 'comment', p_comment));
END
$$;

COMMENT ON FUNCTION app_private.sign_decision(app.approvals, app.approval_decision, text, text, text, text) IS
  'The electronic signature of a decision: re-checks the signer''s password (counted with sign-in failures; PT429 while locked), then returns meaning, reason, the signed payload and its sha256 (PT422 signature.reason_required without a reason). NULL when not signing and no signature is required (PT422 signature.required when one is); {"refused": ...} with response status 403 (header Pulse-Refusal: signature.wrong_password) for a wrong password, so the failure is kept and the caller applies nothing.';

CREATE OR REPLACE FUNCTION app_private.settle_gated_entity(p_approval app.approvals) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_progress app.project_sub_stage_progress;
  v_version app.document_versions;
  v_decider text := (SELECT email FROM app.users WHERE id = p_approval.decided_by);
BEGIN
  IF p_approval.entity_type = 'project_sub_stage' THEN
    SELECT * INTO v_progress FROM app.project_sub_stage_progress
     WHERE organization_id = p_approval.organization_id AND id = p_approval.entity_id FOR UPDATE;
    IF v_progress.status <> 'in_review' THEN
      RETURN;
    END IF;
    IF p_approval.status = 'approved' THEN
      PERFORM app_private.finish_sub_stage(v_progress, 'completed');
    ELSIF p_approval.status = 'rejected' THEN
      UPDATE app.project_sub_stage_progress
         SET status = 'blocked', blocked_reason = pg_catalog.left(format('Rejected by %s: %s', v_decider, p_approval.decision_comment), 2000)
       WHERE organization_id = v_progress.organization_id AND id = v_progress.id;
    ELSIF p_approval.status = 'expired' THEN
      -- The stage stays gated: the sub-stage is blocked until someone starts
      -- it again and completes it, which requests a new approval.
      UPDATE app.project_sub_stage_progress
         SET status = 'blocked',
             blocked_reason = format('Approval expired undecided at %s; start and complete the sub-stage again to request a new one',
                                     pg_catalog.to_char(p_approval.decided_at, 'YYYY-MM-DD HH24:MI TZ'))
       WHERE organization_id = v_progress.organization_id AND id = v_progress.id;
    ELSE
      UPDATE app.project_sub_stage_progress SET status = 'in_progress'
       WHERE organization_id = v_progress.organization_id AND id = v_progress.id;
    END IF;
  ELSIF p_approval.entity_type = 'document_version' THEN
    UPDATE app.document_versions
       SET approval_state = CASE p_approval.status WHEN 'approved' THEN 'approved' WHEN 'rejected' THEN 'rejected' ELSE 'pending' END::app.document_approval_state,
           approved_by = p_approval.decided_by, approved_at = p_approval.decided_at
     WHERE organization_id = p_approval.organization_id AND id = p_approval.entity_id
    RETURNING * INTO v_version;
    IF v_version.is_current THEN
      UPDATE app.documents SET approval_state = v_version.approval_state, approved_by = v_version.approved_by
       WHERE organization_id = v_version.organization_id AND id = v_version.document_id;
      PERFORM app_private.advance_project_if_ready(p_approval.organization_id, p_approval.project_id);
    END IF;
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.settle_gated_entity(app.approvals) IS
  'Applies a closed approval to what it gates: approved completes the sub-stage (or approves the document version), rejected blocks it with the reason, expired blocks it (start and complete it again to request a new approval; a document version stays pending), cancelled sends it back to in_progress.';

CREATE OR REPLACE FUNCTION app.decide_approval(
  approval_id uuid,
  decision app.approval_decision,
  comment text DEFAULT NULL,
  signature_meaning text DEFAULT NULL,
  signature_reason text DEFAULT NULL,
  signature_password text DEFAULT NULL
) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_approval app.approvals := app_private.lock_open_approval(decide_approval.approval_id);
  v_old_status app.approval_status := v_approval.status;
  v_signature jsonb;
  v_next_approver uuid;
  v_project_number text;
BEGIN
  IF v_approval.current_approver_id IS DISTINCT FROM auth.user_id() THEN
    RAISE EXCEPTION 'approval % waits for the decision of %', v_approval.id,
                    coalesce((SELECT email FROM app.users WHERE id = v_approval.current_approver_id), 'nobody')
      USING ERRCODE = 'PT403', DETAIL = 'approval.not_current_approver',
            HINT = 'Only the current approver decides; management can reassign it (app.reassign_approval).';
  END IF;
  PERFORM app_private.check_may_decide(v_approval, auth.user_id());
  IF decision = 'reject' AND coalesce(btrim(comment), '') = '' THEN
    PERFORM app_private.raise_invalid('approval.comment_required', 'a rejection needs a comment', 'Say why, so the requester can fix it.');
  END IF;
  v_signature := app_private.sign_decision(v_approval, decision, comment, signature_meaning, signature_reason, signature_password);
  IF v_signature ? 'refused' THEN
    RETURN NULL;
  END IF;
  SELECT p.project_number INTO v_project_number FROM app.projects AS p
   WHERE p.organization_id = v_approval.organization_id AND p.id = v_approval.project_id;

  IF decision = 'approve' AND v_approval.current_step < jsonb_array_length(v_approval.steps) THEN
    -- Two-person control: the next step goes to someone who decided none of
    -- the steps so far (this one included).
    v_next_approver := app_private.resolve_approver(v_approval.organization_id, v_approval.steps -> v_approval.current_step,
                                                     v_approval.requested_by,
                                                     app_private.chain_deciders(v_approval) || auth.user_id(),
                                                     v_approval.current_step + 1);
    UPDATE app.approvals AS a
       SET status = 'in_review', current_step = a.current_step + 1, current_approver_id = v_next_approver,
           sla_due_at = app_private.sla_due_at(a.organization_id, a.approval_type, a.priority),
           remind_at = app_private.remind_at(a.organization_id, a.approval_type, a.priority), reminded_at = NULL,
           escalation_level = 0, last_escalated_at = NULL
     WHERE a.organization_id = v_approval.organization_id AND a.id = v_approval.id;
    PERFORM app_private.record_approval_event(v_approval, 'approve', v_old_status, comment, NULL, NULL, v_signature);
    SELECT * INTO v_approval FROM app.approvals AS a WHERE a.organization_id = v_approval.organization_id AND a.id = v_approval.id;
    PERFORM app_private.record_approval_event(v_approval, 'assign', 'in_review', NULL, auth.user_id(), v_next_approver);
    PERFORM app_private.tell_about_approval(v_approval, ARRAY[v_next_approver], 'assigned',
      format('Approval needed: %s for %s (step %s)', pg_catalog.replace(v_approval.approval_type::text, '_', ' '),
             v_project_number, v_approval.current_step));
    RETURN v_approval;
  END IF;

  UPDATE app.approvals AS a
     SET status = CASE decision WHEN 'approve' THEN 'approved' ELSE 'rejected' END::app.approval_status,
         decided_by = auth.user_id(), decided_at = pg_catalog.now(), decision_comment = comment,
         decision_signature = v_signature -> 'payload' || pg_catalog.jsonb_build_object('payload_sha256', v_signature ->> 'payload_sha256')
   WHERE a.organization_id = v_approval.organization_id AND a.id = v_approval.id
  RETURNING * INTO v_approval;
  PERFORM app_private.record_approval_event(v_approval, decision::text::app.approval_action, v_old_status, comment, NULL, NULL, v_signature);
  -- contracts/events/workflow/approval.decided.schema.json
  PERFORM app_private.publish_event(v_approval.organization_id, 'approval.decided', pg_catalog.jsonb_build_object(
    'approval_id', v_approval.id, 'project_id', v_approval.project_id, 'project_number', v_project_number,
    'approval_type', v_approval.approval_type, 'status', v_approval.status, 'steps', pg_catalog.jsonb_array_length(v_approval.steps),
    'decided_by', v_approval.decided_by, 'decided_at', v_approval.decided_at, 'comment', v_approval.decision_comment,
    'signed', v_approval.decision_signature IS NOT NULL,
    'old', pg_catalog.jsonb_build_object('status', v_old_status), 'new', pg_catalog.jsonb_build_object('status', v_approval.status)),
    CASE WHEN v_approval.project_id IS NOT NULL THEN 'project' END, v_approval.project_id);
  PERFORM app_private.tell_about_approval(v_approval, ARRAY[v_approval.requested_by], 'decided',
    format('%s %s: %s', v_project_number, v_approval.status, pg_catalog.replace(v_approval.approval_type::text, '_', ' ')));
  PERFORM app_private.settle_gated_entity(v_approval);
  RETURN v_approval;
END
$$;

COMMENT ON FUNCTION app.decide_approval(uuid, app.approval_decision, text, text, text, text) IS
  'POST /approvals/:id/decision. The current approver approves (the next step''s approver takes over, or the gated sub-stage is completed) or rejects with a comment (the sub-stage is blocked with the reason); the final decision publishes approval.decided. Where the policy requires it, the decision is signed: signature_password (re-entered), signature_reason, signature_meaning. Of two simultaneous decisions exactly one counts; the other gets PT409. A wrong signature password applies nothing and returns null with HTTP 403 (an error in GraphQL); it counts towards the sign-in lockout. Two-person control: nobody decides two steps of one approval nor their own request; the next step goes to an eligible approver (PT409 approval.no_approver when none: the approval stays at its current step). Errors: PT403 approval.not_current_approver, or not allowed to decide (approval.requester_cannot_decide, approval.already_decided_in_chain, approval.approver_lacks_role, approval.portal_user_cannot_decide, approval.approver_not_member), PT404 approval.not_found, PT409 approval.closed, approval.expired, approval.no_approver, PT422 approval.comment_required, signature.required, signature.reason_required, PT429 locked.';

CREATE OR REPLACE FUNCTION app_private.hand_over_approval(
  p_approval app.approvals, p_to uuid, p_action app.approval_action, p_comment text
) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
BEGIN
  IF p_to IS NULL OR NOT app_private.is_active_member(p_approval.organization_id, p_to) THEN
    PERFORM app_private.raise_invalid('approval.assignee_not_member',
                                      format('%s is not an active member of the organization', coalesce(p_to::text, 'nobody')),
                                      'Hand approvals to a colleague.');
  END IF;
  IF p_to = p_approval.current_approver_id THEN
    PERFORM app_private.raise_invalid('approval.already_assigned', 'the approval is already theirs',
                                      'Name someone other than the current approver.');
  END IF;
  PERFORM app_private.check_may_decide(p_approval, p_to);
  UPDATE app.approvals SET current_approver_id = p_to
   WHERE organization_id = p_approval.organization_id AND id = p_approval.id
  RETURNING * INTO v_approval;
  PERFORM app_private.record_approval_event(v_approval, p_action, p_approval.status, p_comment, p_approval.current_approver_id, p_to);
  PERFORM app_private.tell_about_approval(v_approval, ARRAY[p_to], 'assigned',
    format('Approval handed to you: %s', pg_catalog.replace(v_approval.approval_type::text, '_', ' ')));
  RETURN v_approval;
END
$$;

COMMENT ON FUNCTION app_private.hand_over_approval(app.approvals, uuid, app.approval_action, text) IS
  'Makes someone else the current approver, records it (reassign, delegate or escalate) and tells them. PT422 approval.assignee_not_member or approval.already_assigned; PT403 (app_private.check_may_decide) when they may not decide the current step.';

CREATE OR REPLACE FUNCTION app.reassign_approval(approval_id uuid, approver_id uuid, comment text DEFAULT NULL) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_approval app.approvals := app_private.lock_open_approval(reassign_approval.approval_id);
BEGIN
  IF v_approval.current_approver_id IS DISTINCT FROM auth.user_id() AND NOT auth.has_permission('approval.manage') THEN
    RAISE EXCEPTION 'only the current approver or someone with approval.manage reassigns an approval'
      USING ERRCODE = 'PT403', DETAIL = 'approval.not_approver_or_manager',
            HINT = 'Ask the current approver, or someone with approval.manage.';
  END IF;
  RETURN app_private.hand_over_approval(v_approval, approver_id, 'reassign', comment);
END
$$;

COMMENT ON FUNCTION app.reassign_approval(uuid, uuid, text) IS
  'Hands an open approval to another active member who may decide its current step (not the requester, nobody who approved an earlier step, holding the step''s role or a fallback role). The current approver or approval.manage. Errors: PT403 approval.not_approver_or_manager, or the new approver may not decide (approval.requester_cannot_decide, approval.already_decided_in_chain, approval.approver_lacks_role, approval.portal_user_cannot_decide), PT404 approval.not_found, PT409 approval.closed, approval.expired, PT422 approval.assignee_not_member, approval.already_assigned.';

CREATE OR REPLACE FUNCTION app.delegate_approval(approval_id uuid, comment text DEFAULT NULL) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_approval app.approvals := app_private.lock_open_approval(delegate_approval.approval_id);
  v_backup uuid;
BEGIN
  IF v_approval.current_approver_id IS DISTINCT FROM auth.user_id() AND NOT auth.has_permission('approval.manage') THEN
    RAISE EXCEPTION 'only the current approver or someone with approval.manage delegates an approval'
      USING ERRCODE = 'PT403', DETAIL = 'approval.not_approver_or_manager',
            HINT = 'Ask the current approver, or someone with approval.manage.';
  END IF;
  v_backup := app_private.backup_of(v_approval.organization_id, v_approval.current_approver_id);
  IF v_backup IS NULL THEN
    RAISE EXCEPTION 'the approver has no backup' USING ERRCODE = 'PT409', DETAIL = 'approval.no_backup',
      HINT = 'Set one with POST /approver_backups {"user_id": ..., "backup_user_id": ...}, or use app.reassign_approval.';
  END IF;
  RETURN app_private.hand_over_approval(v_approval, v_backup, 'delegate', comment);
END
$$;

COMMENT ON FUNCTION app.delegate_approval(uuid, text) IS
  'Hands an open approval to the current approver''s backup (approver_backups), if the backup may decide its current step. Errors: PT403 as app.reassign_approval (approval.already_decided_in_chain when the backup approved an earlier step), PT404 approval.not_found, PT409 approval.closed, approval.expired or approval.no_backup.';

CREATE OR REPLACE FUNCTION app.cancel_approval(approval_id uuid, reason text) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_approval app.approvals := app_private.lock_open_approval(cancel_approval.approval_id);
  v_old_status app.approval_status := v_approval.status;
BEGIN
  IF v_approval.requested_by IS DISTINCT FROM auth.user_id() AND NOT auth.has_permission('approval.manage') THEN
    RAISE EXCEPTION 'only the requester or someone with approval.manage cancels an approval' USING ERRCODE = 'PT403',
      DETAIL = 'approval.not_requester_or_manager', HINT = 'Ask the requester, or someone with approval.manage.';
  END IF;
  IF coalesce(btrim(reason), '') = '' THEN
    PERFORM app_private.raise_invalid('approval.reason_required', 'cancelling needs a reason', 'Send {"reason": "why"}.');
  END IF;
  UPDATE app.approvals SET status = 'cancelled', decided_by = auth.user_id(), decided_at = pg_catalog.now(), decision_comment = reason
   WHERE organization_id = v_approval.organization_id AND id = v_approval.id
  RETURNING * INTO v_approval;
  PERFORM app_private.record_approval_event(v_approval, 'cancel', v_old_status, reason);
  PERFORM app_private.tell_about_approval(v_approval, ARRAY[v_approval.current_approver_id], 'cancelled', 'Approval cancelled');
  PERFORM app_private.settle_gated_entity(v_approval);
  RETURN v_approval;
END
$$;

COMMENT ON FUNCTION app.cancel_approval(uuid, text) IS
  'Withdraws an open approval; a gated sub-stage goes back to in_progress. The requester or approval.manage. Errors: PT403 approval.not_requester_or_manager, PT404 approval.not_found, PT409 approval.closed, PT422 approval.reason_required.';

CREATE OR REPLACE FUNCTION app.comment_on_approval(approval_id uuid, comment text) RETURNS app.approval_history
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_approval app.approvals;
BEGIN
  v_approval := app_private.find_approval(comment_on_approval.approval_id);
  IF coalesce(btrim(comment), '') = '' THEN
    PERFORM app_private.raise_invalid('approval.comment_required', 'the comment is empty', NULL);
  END IF;
  RETURN app_private.record_approval_event(v_approval, 'comment', v_approval.status, comment);
END
$$;

COMMENT ON FUNCTION app.comment_on_approval(uuid, text) IS 'Adds a comment to an approval''s history (open or closed). Errors: PT404 approval.not_found, PT422 approval.comment_required.';

CREATE OR REPLACE FUNCTION app.add_approval_attachment(approval_id uuid, document_id uuid, version_number integer)
RETURNS app.approval_attachments
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_approval app.approvals;
  v_version app.document_versions;
  v_attachment app.approval_attachments;
BEGIN
  v_approval := app_private.find_approval(add_approval_attachment.approval_id);
  SELECT v.* INTO v_version FROM app.document_versions AS v
    JOIN app.documents AS d ON d.organization_id = v.organization_id AND d.id = v.document_id
   WHERE v.organization_id = v_approval.organization_id AND v.document_id = add_approval_attachment.document_id
     AND v.version_number = add_approval_attachment.version_number AND d.project_id = v_approval.project_id
     AND v.upload_state = 'stored';
  IF NOT FOUND THEN
    PERFORM app_private.raise_invalid('approval.attachment_not_in_project',
                                      format('document %s has no version %s in this project', document_id, version_number),
                                      'Attach a version of one of the project''s documents whose file is stored (GET /document_versions).');
  END IF;
  INSERT INTO app.approval_attachments (organization_id, approval_id, document_id, version_number, file_url, uploaded_by)
  VALUES (v_approval.organization_id, v_approval.id, v_version.document_id, v_version.version_number, v_version.file_path, auth.user_id())
  ON CONFLICT (organization_id, approval_id, document_id, version_number) DO UPDATE SET uploaded_at = app.approval_attachments.uploaded_at
  RETURNING * INTO v_attachment;
  PERFORM app_private.record_approval_event(v_approval, 'comment', v_approval.status, format('attached %s', v_version.file_name));
  RETURN v_attachment;
END
$$;

COMMENT ON FUNCTION app.add_approval_attachment(uuid, uuid, integer) IS
  'Attaches a document version of the approval''s project as supporting evidence (idempotent). Errors: PT404 approval.not_found, PT422 approval.attachment_not_in_project.';
