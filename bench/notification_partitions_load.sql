-- Bulk load for bench/notification_partitions.sh: :rows more notifications,
-- as the owner, straight into the partitioned table, spread over every
-- active membership of the demo data (qa@acme.test among them) and over the
-- last two years, in random order; one in ten unread. (The times are drawn
-- in the subquery's select list: a LATERAL subquery that names no column of
-- the series would be run once, giving every row the same time.)
INSERT INTO app.notifications (organization_id, id, user_id, type, title, message, created_at, read_at)
SELECT m.organization_id, gen_random_uuid(), m.user_id, 'workflow', 'Stage entered', 'Bench notification ' || r.g, r.at,
       CASE WHEN r.read THEN r.at + interval '1 hour' END
  FROM (SELECT g, now() - random() * interval '730 days' AS at, random() >= 0.1 AS read
          FROM generate_series(1, :rows) AS g) AS r
  JOIN public.bench_members AS m ON m.n = r.g % (SELECT count(*) FROM public.bench_members);
