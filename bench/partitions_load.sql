-- Bulk load for bench/partitions.sh: :rows more activity log events, as the
-- owner, straight into the partitioned table (inserts fire no trigger of the
-- log; the audit triggers are on the audited tables). 20 tenants: acme's
-- events are updates of its real projects (so its readers' view shows
-- them), the 19 others' are ids of no row. Times spread over the last two
-- years, in random order, as a backfill or a steady load of many tenants.
INSERT INTO audit.activity_log (id, organization_id, occurred_at, actor_role, entity_type, entity_id, action, old_values,
                                new_values, project_id)
SELECT gen_random_uuid(), t.organization_id, now() - random() * interval '730 days', 'app_user', 'projects',
       t.entity_id, 'update', jsonb_build_object('progress', g % 100), jsonb_build_object('progress', g % 100 + 1),
       t.entity_id::uuid
  FROM generate_series(1, :rows) AS g
  CROSS JOIN LATERAL (
    SELECT CASE WHEN g % 20 = 0 THEN b.acme ELSE b.tenants[1 + g % 20] END AS organization_id,
           CASE WHEN g % 20 = 0 THEN b.projects[1 + (g / 20) % cardinality(b.projects)]::text
                ELSE b.tenants[1 + g % 20]::text END AS entity_id
      FROM public.bench_partitions AS b
  ) AS t;
