-- Timed inside the database (clock_timestamp around each statement, no
-- client round trip), for bench/notification_partitions.sh; prints one line
-- per figure: name, median ms, p95 ms, n. Rolled back.
--   insert: one notification as app_private.notify_readers writes it (the
--           owner, one row, to a colleague of the reader), :inserts times;
--   newest: qa@acme.test's newest 20 (claims, app_user, row-level
--           security: the inbox's first page), :reads times;
--   unread: how many of theirs are unread, :reads times;
--   by_id:  one of theirs by id alone (GraphQL's notification(rowId), a
--           PATCH by id), :reads times;
--   plan:   planning the newest-20 read (EXPLAIN's planning time), :reads / 5 times.
BEGIN;
CREATE TEMP TABLE bench_times (name text, ms double precision);
GRANT ALL ON bench_times TO app_user;
SELECT set_config('bench.inserts', :'inserts', true), set_config('bench.reads', :'reads', true) \g /dev/null
CREATE TEMP TABLE bench_ids ON COMMIT DROP AS
SELECT n.id FROM app.notifications AS n JOIN app.users AS u ON u.id = n.user_id AND u.email = 'qa@acme.test'
 ORDER BY random() LIMIT 500;
GRANT SELECT ON bench_ids TO app_user;
DO $$
DECLARE
  v_started timestamptz;
  v_org uuid := (SELECT o.id FROM app.organizations AS o WHERE o.slug = 'acme-manufacturing');
  -- Another person of acme: what the reads below count stays the loaded rows.
  v_user uuid := (SELECT m.user_id FROM public.bench_members AS m JOIN app.users AS u ON u.id = m.user_id
                   WHERE m.organization_id = v_org AND u.email <> 'qa@acme.test' LIMIT 1);
BEGIN
  FOR i IN 1..current_setting('bench.inserts')::integer LOOP
    v_started := clock_timestamp();
    INSERT INTO app.notifications (id, organization_id, user_id, type, title, message)
    VALUES (public.uuid_generate_v7(), v_org, v_user, 'workflow', 'Bench', 'Written by the bench');
    INSERT INTO bench_times VALUES ('insert', extract(epoch FROM clock_timestamp() - v_started) * 1000);
  END LOOP;
END
$$;
SELECT set_config('request.jwt.claims', jsonb_build_object(
  'sub', (SELECT id FROM app.users WHERE email = 'qa@acme.test'), 'role', 'app_user',
  'org_id', (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing'))::text, true) \g /dev/null
SELECT set_config('role', 'app_user', true) \g /dev/null
SELECT auth.check_request() \g /dev/null
DO $$
DECLARE
  v_started timestamptz;
  v_rows integer;
  v_id uuid;
  v_plan json;
BEGIN
  FOR i IN 1..current_setting('bench.reads')::integer LOOP
    v_started := clock_timestamp();
    SELECT count(*) INTO v_rows FROM (SELECT * FROM app.notifications ORDER BY created_at DESC LIMIT 20) AS l;
    INSERT INTO bench_times VALUES ('newest', extract(epoch FROM clock_timestamp() - v_started) * 1000);
    IF v_rows <> 20 THEN
      RAISE EXCEPTION 'the reader saw % notifications, not 20', v_rows;
    END IF;
    v_started := clock_timestamp();
    SELECT count(*) INTO v_rows FROM app.notifications WHERE read_at IS NULL;
    INSERT INTO bench_times VALUES ('unread', extract(epoch FROM clock_timestamp() - v_started) * 1000);
    SELECT id INTO v_id FROM bench_ids OFFSET (i % 500) LIMIT 1;
    v_started := clock_timestamp();
    SELECT count(*) INTO v_rows FROM app.notifications WHERE id = v_id;
    INSERT INTO bench_times VALUES ('by_id', extract(epoch FROM clock_timestamp() - v_started) * 1000);
    IF v_rows <> 1 THEN
      RAISE EXCEPTION 'the reader found % notifications by id, not 1', v_rows;
    END IF;
  END LOOP;
  FOR i IN 1..greatest(current_setting('bench.reads')::integer / 5, 1) LOOP
    EXECUTE 'EXPLAIN (SUMMARY, FORMAT JSON) SELECT * FROM app.notifications ORDER BY created_at DESC LIMIT 20' INTO v_plan;
    INSERT INTO bench_times VALUES ('plan', (v_plan -> 0 ->> 'Planning Time')::double precision);
  END LOOP;
END
$$;
SELECT name, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3),
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3), count(*)
  FROM bench_times GROUP BY name ORDER BY name;
ROLLBACK;
