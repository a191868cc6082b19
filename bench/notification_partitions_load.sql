-- Bulk load for bench/notification_partitions.sh: :rows more notifications,
-- as the owner, straight into the partitioned table, spread over every
-- active membership of the demo data (qa@acme.test among them) and over the
-- last two years, in random order; one in ten unread.
INSERT INTO app.notifications (organization_id, id, user_id, type, title, message, created_at, read_at)
SELECT m.organization_id, gen_random_uuid(), m.user_id, 'workflow', 'Stage entered', 'Bench notification ' || g, t.at,
       CASE WHEN t.read THEN t.at + interval '1 hour' END
  FROM generate_series(1, :rows) AS g
  CROSS JOIN LATERAL (SELECT now() - random() * interval '730 days' AS at, random() >= 0.1 AS read) AS t
  JOIN public.bench_members AS m ON m.n = g % (SELECT count(*) FROM public.bench_members);
