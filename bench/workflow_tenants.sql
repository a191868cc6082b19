-- The 20 tenants of bench/workflow.sh, in its throw-away database: the two
-- demo tenants and 18 more, each provisioned with the default workflow by
-- the organizations trigger. Ten projects per new tenant go through the
-- real triggers as the owner (human ids, first stage, progress seeding,
-- and the lock of the default definition), so the bulk load that follows
-- starts from what the triggers made.

INSERT INTO app.organizations (slug, name)
SELECT format('bench-workflow-%s', to_char(n, 'FM00')), format('Bench workflow tenant %s', n)
  FROM generate_series(3, 20) AS n;

-- Load order: the demo tenants first (they have users to act as).
CREATE TABLE app_private.bench_workflow_tenants (
  rank int PRIMARY KEY,
  organization_id uuid NOT NULL UNIQUE,
  definition_id uuid NOT NULL
);
INSERT INTO app_private.bench_workflow_tenants
SELECT row_number() OVER (ORDER BY o.slug LIKE 'bench-%', o.slug), o.id, d.id
  FROM app.organizations AS o
  JOIN app.workflow_definitions AS d ON d.organization_id = o.id AND d.is_default
 WHERE o.slug IN ('acme-manufacturing', 'northwind-labs') OR o.slug ~ '^bench-workflow-[0-9]{2}$';

INSERT INTO app.projects (organization_id, title, description)
SELECT t.organization_id, format('Bench project %s', n), 'Created through the triggers.'
  FROM app_private.bench_workflow_tenants AS t
 CROSS JOIN generate_series(1, 10) AS n
 WHERE t.rank > 2
 ORDER BY t.rank, n;

-- Per definition and stage, the rows app_private.seed_stage_progress
-- inserts when a project enters the stage (same query, one partition per
-- stage): position 1 starts at once, due dates follow from the estimates.
CREATE TABLE app_private.bench_workflow_seed AS
SELECT e.organization_id, e.workflow_definition_id, e.workflow_stage_id, e.stage_rank, e.project_status,
       e.sub_stage_id, e.sub_stage_order, e.position, e.is_required, e.requires_approval, e.approval_type, e.can_skip,
       e.auto_advance, e.responsible_roles, e.hours_until_due::integer AS hours_until_due
  FROM (
    SELECT x.*, row_number() OVER w AS position, sum(x.hours) OVER w AS hours_until_due
      FROM (
        SELECT ss.*, st.project_status,
               dense_rank() OVER (PARTITION BY ss.organization_id ORDER BY st.stage_order, st.slug) AS stage_rank,
               coalesce(ss.estimated_duration_hours,
                        st.estimated_duration_days * 24 / count(*) OVER (PARTITION BY ss.organization_id, ss.workflow_stage_id),
                        24) AS hours
          FROM app.workflow_definition_sub_stage_settings AS ss
          JOIN app.workflow_definition_stage_settings AS st
            ON st.organization_id = ss.organization_id AND st.workflow_definition_id = ss.workflow_definition_id
           AND st.workflow_stage_id = ss.workflow_stage_id AND st.is_included
          JOIN app_private.bench_workflow_tenants AS t
            ON t.organization_id = ss.organization_id AND t.definition_id = ss.workflow_definition_id
         WHERE ss.is_included
      ) AS x
    WINDOW w AS (PARTITION BY x.organization_id, x.workflow_stage_id ORDER BY x.sub_stage_order, x.slug ROWS UNBOUNDED PRECEDING)
  ) AS e;
CREATE INDEX ON app_private.bench_workflow_seed (organization_id, stage_rank);
