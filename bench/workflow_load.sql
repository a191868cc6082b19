-- Fills the tenants ranked :first .. :last in app_private.bench_workflow_tenants
-- up to 10,000 projects each, set-based and with triggers off
-- (session_replication_role = replica), writing what the triggers would:
-- each project as if management had created it directly in its stage
-- (stages in turn, 1/8 of the projects in each): the next human ids of the
-- tenant, the default definition, the stage's project status, an 'initial'
-- transition, and the stage's sub-stages seeded by the rules of
-- app_private.seed_stage_progress (rows precomputed in
-- app_private.bench_workflow_seed). Not written: audit rows, notifications
-- and NOTIFY events, which nothing measured here reads.
-- psql -v first=1 -v last=5 -f bench/workflow_load.sql

SET session_replication_role = replica;

BEGIN;

CREATE TEMP TABLE bench_new ON COMMIT DROP AS
SELECT c.organization_id, public.uuid_generate_v7() AS id, c.last_number + g AS number, c.definition_id,
       s.workflow_stage_id, coalesce(s.project_status, 'inquiry') AS status,
       now() - make_interval(days => ((c.last_number + g) * 7 % 365)::int, mins => ((c.last_number + g) * 37 % 1440)::int) AS created_at
  FROM (SELECT t.organization_id, t.definition_id, k.last_number,
               (SELECT count(*) FROM app.projects AS p WHERE p.organization_id = t.organization_id) AS existing,
               (SELECT max(stage_rank) FROM app_private.bench_workflow_seed AS s WHERE s.organization_id = t.organization_id) AS stages
          FROM app_private.bench_workflow_tenants AS t
          JOIN app_private.human_id_counters AS k ON k.organization_id = t.organization_id AND k.prefix = 'PRJ'
         WHERE t.rank BETWEEN :first AND :last) AS c
 CROSS JOIN LATERAL generate_series(1, 10000 - c.existing) AS g
  JOIN (SELECT DISTINCT organization_id, stage_rank, workflow_stage_id, project_status FROM app_private.bench_workflow_seed) AS s
    ON s.organization_id = c.organization_id AND s.stage_rank = 1 + (c.last_number + g) % c.stages;

INSERT INTO app.projects
  (organization_id, id, project_number, title, description, workflow_definition_id, current_stage_id, status, priority,
   stage_entered_at, created_at, updated_at)
SELECT n.organization_id, n.id, 'PRJ-' || lpad(n.number::text, 6, '0'),
       format('%s %s, lot %s', (ARRAY['Bracket', 'Housing', 'Manifold', 'Gear train', 'Sensor mount', 'Enclosure',
                                       'Heat sink', 'Valve body', 'Shaft', 'Panel'])[1 + n.number % 10],
              (ARRAY['prototype', 'series', 'rework', 'pilot run', 'spare parts'])[1 + n.number % 5], n.number),
       '', n.definition_id, n.workflow_stage_id, n.status::app.project_status,
       (ARRAY['normal', 'normal', 'normal', 'high', 'low', 'normal', 'urgent', 'normal'])[1 + n.number % 8]::app.priority_level,
       n.created_at, n.created_at, n.created_at
  FROM bench_new AS n
 ORDER BY n.organization_id, n.number;

INSERT INTO app.project_stage_transitions (organization_id, id, project_id, from_stage_id, to_stage_id, kind, changed_at)
SELECT n.organization_id, public.uuid_generate_v7(), n.id, NULL, n.workflow_stage_id, 'initial', n.created_at
  FROM bench_new AS n
 ORDER BY n.organization_id, n.number;

INSERT INTO app.project_sub_stage_progress
  (organization_id, id, project_id, workflow_stage_id, sub_stage_id, sub_stage_order, status, is_required, requires_approval,
   approval_type, can_skip, auto_advance, responsible_roles, started_at, due_at, created_at, updated_at)
SELECT n.organization_id, public.uuid_generate_v7(), n.id, s.workflow_stage_id, s.sub_stage_id, s.sub_stage_order,
       CASE WHEN s.position = 1 THEN 'in_progress' ELSE 'pending' END::app.sub_stage_status,
       s.is_required, s.requires_approval, s.approval_type, s.can_skip, s.auto_advance, s.responsible_roles,
       CASE WHEN s.position = 1 THEN n.created_at END,
       n.created_at + make_interval(hours => s.hours_until_due), n.created_at, n.created_at
  FROM bench_new AS n
  JOIN app_private.bench_workflow_seed AS s
    ON s.organization_id = n.organization_id AND s.workflow_stage_id = n.workflow_stage_id
 ORDER BY n.organization_id, n.number, s.position;

UPDATE app_private.human_id_counters AS k
   SET last_number = m.number
  FROM (SELECT organization_id, max(number) AS number FROM bench_new GROUP BY organization_id) AS m
 WHERE k.organization_id = m.organization_id AND k.prefix = 'PRJ';

COMMIT;
