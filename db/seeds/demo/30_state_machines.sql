-- Demo state machine: Acme's document control lifecycle (draft -> in review
-- -> released -> obsolete; see docs/platform/state-machines.md), defined and
-- published by management, with a release checklist. Three of Acme's
-- documents are on it: one draft, one in review (its checklist half done,
-- its quality review waiting for qa), one released (checklist complete,
-- approved, signed by qa). Made with the same RPCs the APIs call. Runs once.

CREATE FUNCTION pg_temp.act_as_member(p_email text, p_slug text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims',
    jsonb_build_object('sub', (SELECT id FROM app.users WHERE email = p_email), 'role', 'app_user',
                       'org_id', (SELECT id FROM app.organizations WHERE slug = p_slug))::text, true);
  PERFORM set_config('role', 'app_user', true);
END
$$;

-- Approves as whoever the approval waits for, signed where its policy says.
CREATE FUNCTION pg_temp.approve_document(p_approval_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_approval app.approvals;
BEGIN
  PERFORM set_config('role', 'none', true);
  SELECT * INTO v_approval FROM app.approvals WHERE id = p_approval_id;
  PERFORM set_config('request.jwt.claims',
    jsonb_build_object('sub', v_approval.current_approver_id, 'role', 'app_user', 'org_id', v_approval.organization_id)::text, true);
  PERFORM set_config('role', 'app_user', true);
  PERFORM app.decide_approval(v_approval.id, 'approve', 'Drawing and report checked.', NULL,
                              CASE WHEN v_approval.requires_signature THEN 'Reviewed for release' END,
                              CASE WHEN v_approval.requires_signature THEN 'pulse-demo-password' END);
END
$$;

GRANT EXECUTE ON FUNCTION pg_temp.act_as_member(text, text), pg_temp.approve_document(uuid) TO PUBLIC;

DO $$
DECLARE
  v_org uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_machine app.state_machines;
  v_documents uuid[];
  v_approval app.approvals;
BEGIN
  IF v_org IS NULL OR EXISTS (SELECT FROM app.state_machines WHERE organization_id = v_org AND entity_type = 'document') THEN
    RETURN;
  END IF;
  PERFORM pg_temp.act_as_member('management@acme.test', 'acme-manufacturing');
  PERFORM app.define_checklist_template('document', 'release-check', 'Release check',
    '[{"label": "Title block complete", "labels": {"de": "Schriftfeld vollständig"}, "required": true},
      {"label": "Revision history updated", "labels": {"de": "Änderungshistorie aktualisiert"}, "required": true},
      {"label": "Spell-checked", "labels": {"de": "Rechtschreibung geprüft"}, "required": false}]',
    '{"de": "Freigabeprüfung"}');
  v_machine := app.define_state_machine('document', 'Document control',
    '[{"key": "draft", "label": "Draft", "labels": {"de": "Entwurf"}, "initial": true},
      {"key": "in_review", "label": "In review", "labels": {"de": "In Prüfung"}},
      {"key": "released", "label": "Released", "labels": {"de": "Freigegeben"}},
      {"key": "obsolete", "label": "Obsolete", "labels": {"de": "Ungültig"}, "terminal": true}]',
    '[{"from": "draft", "to": "in_review", "label": "Submit for review", "labels": {"de": "Zur Prüfung einreichen"},
       "guards": [{"kind": "permission", "permission": "document.upload"}, {"kind": "fields", "fields": ["title", "file_name"]}],
       "effects": [{"kind": "start_checklist", "template": "release-check"}, {"kind": "open_approval", "approval_type": "quality_review"},
                   {"kind": "notify", "roles": ["qa"]}]},
      {"from": "in_review", "to": "draft", "label": "Send back", "labels": {"de": "Zurückweisen"},
       "guards": [{"kind": "permission", "permission": "document.release"}]},
      {"from": "in_review", "to": "released", "label": "Release", "labels": {"de": "Freigeben"},
       "guards": [{"kind": "permission", "permission": "document.release"}, {"kind": "checklist", "template": "release-check"},
                  {"kind": "approval", "approval_type": "quality_review"}, {"kind": "signature", "meaning": "released"}],
       "effects": [{"kind": "event", "event_type": "document.released"}, {"kind": "notify", "roles": ["engineering"]}]},
      {"from": "released", "to": "obsolete", "label": "Withdraw", "labels": {"de": "Zurückziehen"},
       "guards": [{"kind": "permission", "permission": "document.release"}, {"kind": "signature", "meaning": "withdrawn"}],
       "effects": [{"kind": "notify", "roles": ["engineering", "production"]}]}]',
    '{"de": "Dokumentenlenkung"}');
  PERFORM app.publish_state_machine(v_machine.id);

  SELECT array_agg(id ORDER BY created_at, id) INTO v_documents
    FROM (SELECT id, created_at FROM app.documents WHERE organization_id = v_org AND file_name IS NOT NULL
           ORDER BY created_at, id LIMIT 3) AS d;
  IF cardinality(v_documents) < 3 THEN
    RETURN;
  END IF;
  PERFORM pg_temp.act_as_member('engineering@acme.test', 'acme-manufacturing');
  PERFORM app.start_state_machine('document', d) FROM unnest(v_documents) AS d;
  PERFORM app.transition('document', v_documents[2], 'in_review', 'Drawing ready for review');
  PERFORM app.transition('document', v_documents[3], 'in_review', 'Final revision for release');

  PERFORM pg_temp.act_as_member('qa@acme.test', 'acme-manufacturing');
  PERFORM app.check_checklist_item(i.id)
     FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
    WHERE c.organization_id = v_org AND ((c.entity_id = v_documents[3] AND i.required) OR (c.entity_id = v_documents[2] AND i.position = 1));

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
  SELECT * INTO v_approval FROM app.approvals
   WHERE organization_id = v_org AND entity_type = 'document' AND entity_id = v_documents[3] AND status = 'pending';
  PERFORM pg_temp.approve_document(v_approval.id);

  PERFORM pg_temp.act_as_member('qa@acme.test', 'acme-manufacturing');
  PERFORM app.transition('document', v_documents[3], 'released', 'Approved for production',
                         '{"password": "pulse-demo-password", "reason": "Reviewed drawing and test report"}');
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
