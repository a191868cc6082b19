-- What bench/workflow.sh times, prepared in acme-manufacturing as its
-- management user, through the same tables, policies, RPCs and triggers
-- the APIs use:
--   a catalog stage "Bench thirty steps" with 30 sub-stages, and a clone of
--   the default definition (app.clone_workflow_definition) that includes it;
--   :stage_targets projects on that clone (they start in its first stage);
--   :progress_targets projects on the default definition (first stage,
--   RFQ Review in progress, Customer Clarification pending).
-- The targets are listed in app_private.bench_workflow_targets (kind, k,
-- project id, human id number); each kind's human ids are consecutive.
-- psql -v stage_targets=300 -v progress_targets=500 -f bench/workflow_prepare.sql

BEGIN;

SELECT set_config('request.jwt.claims', json_build_object('sub', u.id, 'role', 'app_user', 'org_id', o.id)::text, true)
  FROM app.users AS u, app.organizations AS o
 WHERE u.email = 'management@acme.test' AND o.slug = 'acme-manufacturing'
\gset
SET LOCAL ROLE app_user;

INSERT INTO app.workflow_stages
  (organization_id, name, slug, stage_order, project_status, estimated_duration_days, responsible_roles, tasks)
VALUES (auth.org_id(), 'Bench thirty steps', 'bench-thirty-steps', 9, 'production', 30,
        '{engineering,qa,production,procurement,logistics}', '{"Thirty steps, for the benchmark"}');

INSERT INTO app.workflow_sub_stages
  (organization_id, workflow_stage_id, name, slug, sub_stage_order, is_required, requires_approval, approval_type, can_skip,
   auto_advance, estimated_duration_hours, responsible_roles)
SELECT auth.org_id(), s.id, format('Bench step %s', to_char(n, 'FM00')), format('bench-step-%s', to_char(n, 'FM00')), n,
       n % 6 <> 0, n % 10 = 0, CASE WHEN n % 10 = 0 THEN 'quality_review'::app.approval_type END, n % 7 = 0,
       n % 2 = 1, CASE WHEN n % 5 <> 0 THEN 4 + n % 12 END,
       ARRAY[(ARRAY['engineering', 'qa', 'production', 'procurement', 'logistics'])[1 + n % 5]]
  FROM app.workflow_stages AS s, generate_series(1, 30) AS n
 WHERE s.organization_id = auth.org_id() AND s.slug = 'bench-thirty-steps';

SELECT (app.clone_workflow_definition(d.id, 'Bench workflow, thirty steps', 'The default workflow and one stage of 30 sub-stages.')).id
       AS clone_id
  FROM app.workflow_definitions AS d
 WHERE d.organization_id = auth.org_id() AND d.is_default
\gset

INSERT INTO app.workflow_definition_stages (organization_id, workflow_definition_id, workflow_stage_id)
SELECT auth.org_id(), :'clone_id', s.id
  FROM app.workflow_stages AS s
 WHERE s.organization_id = auth.org_id() AND s.slug = 'bench-thirty-steps';

INSERT INTO app.workflow_definition_sub_stages (organization_id, workflow_definition_id, workflow_sub_stage_id)
SELECT auth.org_id(), :'clone_id', ss.id
  FROM app.workflow_sub_stages AS ss
  JOIN app.workflow_stages AS s ON s.organization_id = ss.organization_id AND s.id = ss.workflow_stage_id
 WHERE s.organization_id = auth.org_id() AND s.slug = 'bench-thirty-steps';

-- One statement each: the human ids come out consecutive.
INSERT INTO app.projects (organization_id, title, workflow_definition_id, priority)
SELECT auth.org_id(), format('Stage change bench %s', n), :'clone_id', 'normal'
  FROM generate_series(1, :stage_targets) AS n
 ORDER BY n;

INSERT INTO app.projects (organization_id, title, priority)
SELECT auth.org_id(), format('Progress bench %s', n), 'normal'
  FROM generate_series(1, :progress_targets) AS n
 ORDER BY n;

RESET ROLE;
SET LOCAL request.jwt.claims = '';

CREATE TABLE app_private.bench_workflow_targets (
  kind text NOT NULL,
  k int NOT NULL,
  project_id uuid NOT NULL,
  number int NOT NULL,
  PRIMARY KEY (kind, k)
);
INSERT INTO app_private.bench_workflow_targets
SELECT CASE WHEN p.title LIKE 'Stage change bench %' THEN 'stage' ELSE 'progress' END,
       row_number() OVER (PARTITION BY p.title LIKE 'Stage change bench %' ORDER BY p.project_number),
       p.id, substr(p.project_number, 5)::int
  FROM app.projects AS p
  JOIN app.organizations AS o ON o.id = p.organization_id AND o.slug = 'acme-manufacturing'
 WHERE p.title ~ '^(Stage change|Progress) bench [0-9]+$';

COMMIT;
