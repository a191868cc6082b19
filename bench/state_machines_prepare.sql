-- State machine bench, on the demo data of a throw-away database
-- (bench/state_machines.sh): Acme publishes version 2 of its document
-- machine, two states toggled by transitions with three guards each
-- (permission, required fields, a complete checklist), and, as the baseline
-- in the same run, a project machine whose transitions have no guard.
-- Every Acme document is moved onto version 2 with its checklist complete,
-- every Acme project started; public.bench_sm_targets numbers them for pgbench.
\set ON_ERROR_STOP on

CREATE FUNCTION pg_temp.act_as(p_email text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', jsonb_build_object(
    'sub', (SELECT id FROM app.users WHERE email = p_email), 'role', 'app_user',
    'org_id', (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing'))::text, true);
  PERFORM set_config('role', 'app_user', true);
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.act_as(text) TO PUBLIC;

CREATE TABLE public.bench_sm_targets (kind text NOT NULL, n integer NOT NULL, entity_id uuid NOT NULL, PRIMARY KEY (kind, n));
GRANT SELECT ON public.bench_sm_targets TO app_user;

BEGIN;
SELECT pg_temp.act_as('management@acme.test');
SELECT app.publish_state_machine((app.define_state_machine('document', 'Bench toggle',
  '[{"key": "a", "label": "A", "initial": true}, {"key": "b", "label": "B"}]',
  '[{"from": "a", "to": "b", "label": "To B", "guards": [{"kind": "permission", "permission": "document.upload"},
       {"kind": "fields", "fields": ["title", "file_name"]}, {"kind": "checklist", "template": "release-check"}]},
    {"from": "b", "to": "a", "label": "To A", "guards": [{"kind": "permission", "permission": "document.upload"},
       {"kind": "fields", "fields": ["title", "file_name"]}, {"kind": "checklist", "template": "release-check"}]}]')).id);
SELECT app.publish_state_machine((app.define_state_machine('project', 'Bench toggle, no guards',
  '[{"key": "a", "label": "A", "initial": true}, {"key": "b", "label": "B"}]',
  '[{"from": "a", "to": "b", "label": "To B"}, {"from": "b", "to": "a", "label": "To A"}]')).id);
SELECT count(*) AS migrated FROM (
  SELECT CASE WHEN s.id IS NULL THEN app.start_state_machine('document', d.id)
              ELSE app.migrate_entity_state('document', d.id, m.id, 'a', 'bench') END
    FROM app.documents AS d
    JOIN app.state_machines AS m ON m.organization_id = d.organization_id AND m.entity_type = 'document' AND m.status = 'published'
    LEFT JOIN app.entity_states AS s ON s.organization_id = d.organization_id AND s.entity_type = 'document' AND s.entity_id = d.id
   WHERE d.organization_id = auth.org_id()) AS x;
SELECT count(*) AS projects_started FROM (SELECT app.start_state_machine('project', p.id) FROM app.projects AS p WHERE p.organization_id = auth.org_id()) AS x;
SELECT pg_temp.act_as('qa@acme.test');
SELECT count(*) AS checklists FROM (SELECT app.start_checklist('release-check', 'document', d.id) FROM app.documents AS d
                                     WHERE d.organization_id = auth.org_id()) AS x;
SELECT count(*) AS checked FROM (SELECT app.check_checklist_item(i.id) FROM app.checklist_items AS i WHERE i.checked_at IS NULL) AS x;
SELECT set_config('role', 'none', true);
INSERT INTO public.bench_sm_targets (kind, n, entity_id)
SELECT entity_type, row_number() OVER (PARTITION BY entity_type ORDER BY entity_id) - 1, entity_id
  FROM app.entity_states WHERE organization_id = (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
COMMIT;
VACUUM ANALYZE app.entity_states, app.entity_state_history, app.checklist_items, app.checklists, app_private.events;
