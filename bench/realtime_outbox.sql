-- bench/realtime_outbox.sh: rounds alternate three ways of publishing 30
-- events per transaction (a stage entry seeding 30 sub-stages):
--   direct   pg_notify as the triggers did before the outbox
--   one_node app_private.publish_realtime with the relay trigger (one node)
--   citus    app_private.publish_realtime with the trigger disabled (the rows
--            are stored, as on a Citus worker), then the relay's time to send
--            and delete them (as the coordinator's pg_cron job)
CREATE TEMP TABLE timings (round integer, variant text, seconds double precision, events integer);

DO $$
DECLARE
  v_org uuid := (SELECT id FROM app.organizations ORDER BY id LIMIT 1);
  v_transactions integer := current_setting('bench.transactions')::integer;
  v_t0 timestamptz;
  v_sent integer;
BEGIN
  FOR v_round IN 1..current_setting('bench.rounds')::integer LOOP
    v_t0 := clock_timestamp();
    FOR v_tx IN 1..v_transactions LOOP
      FOR v_i IN 1..30 LOOP
        PERFORM pg_notify(app_private.event_channel('progress', v_org),
                          jsonb_build_object('event', 'progress.seeded', 'organization_id', v_org, 'n', v_i)::text);
      END LOOP;
      COMMIT;
    END LOOP;
    INSERT INTO timings VALUES (v_round, 'direct', extract(epoch FROM clock_timestamp() - v_t0), v_transactions * 30);

    v_t0 := clock_timestamp();
    FOR v_tx IN 1..v_transactions LOOP
      FOR v_i IN 1..30 LOOP
        PERFORM app_private.publish_realtime('progress', v_org,
                                             jsonb_build_object('event', 'progress.seeded', 'organization_id', v_org, 'n', v_i));
      END LOOP;
      COMMIT;
    END LOOP;
    INSERT INTO timings VALUES (v_round, 'one_node', extract(epoch FROM clock_timestamp() - v_t0), v_transactions * 30);

    ALTER TABLE app_private.relay_outbox DISABLE TRIGGER _900_relay;
    COMMIT;
    v_t0 := clock_timestamp();
    FOR v_tx IN 1..v_transactions LOOP
      FOR v_i IN 1..30 LOOP
        PERFORM app_private.publish_realtime('progress', v_org,
                                             jsonb_build_object('event', 'progress.seeded', 'organization_id', v_org, 'n', v_i));
      END LOOP;
      COMMIT;
    END LOOP;
    INSERT INTO timings VALUES (v_round, 'citus', extract(epoch FROM clock_timestamp() - v_t0), v_transactions * 30);
    v_t0 := clock_timestamp();
    v_sent := app_private.relay_queued_messages(1000000);
    INSERT INTO timings VALUES (v_round, 'relay', extract(epoch FROM clock_timestamp() - v_t0), v_sent);
    ALTER TABLE app_private.relay_outbox ENABLE TRIGGER _900_relay;
    COMMIT;
  END LOOP;
END
$$;

WITH per_round AS (
  SELECT t.round,
         max(t.seconds) FILTER (WHERE t.variant = 'direct') AS direct,
         max(t.seconds) FILTER (WHERE t.variant = 'one_node') AS one_node,
         max(t.seconds) FILTER (WHERE t.variant = 'citus') AS citus,
         max(t.seconds / t.events) FILTER (WHERE t.variant = 'relay') AS relay_per_event,
         max(t.events) FILTER (WHERE t.variant = 'direct') / 30 AS transactions
    FROM timings AS t GROUP BY t.round
)
SELECT format('publishing 30 events per transaction, %s transactions per round, %s rounds (medians):', max(transactions), count(*)),
       format('  pg_notify directly (before)       %s ms per transaction',
              round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY direct / transactions)::numeric, 3)),
       format('  outbox, one node (relay trigger)  %s ms per transaction (%sx direct)',
              round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY one_node / transactions)::numeric, 3),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY one_node / direct)::numeric, 2)),
       format('  outbox, stored (a Citus worker)   %s ms per transaction (%sx direct)',
              round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY citus / transactions)::numeric, 3),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY citus / direct)::numeric, 2)),
       format('  relay (the coordinator''s job)     %s us per event sent and deleted',
              round(1e6 * percentile_cont(0.5) WITHIN GROUP (ORDER BY relay_per_event)::numeric, 1))
  FROM per_round \gx
