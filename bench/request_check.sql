-- bench/request_check.sh: auth.check_request() in fresh transactions, as
-- PostgREST runs it before every request, for a demo member's token as
-- app.login mints it (sub, role, org_id, session_id): admitted by the table
-- of who may act now (app_private.request_grants), by the lookup of the
-- source tables (the same token with the tenant id in upper case, which the
-- table's probe leaves to the lookup), and anonymous. Rounds alternate the
-- variants; prints medians and the medians of the rounds' ratios.
CREATE TEMP TABLE timings (round integer, variant text, us numeric);

DO $$
DECLARE
  v_checks integer := current_setting('bench.checks')::integer;
  v_user uuid := (SELECT id FROM app.users WHERE email = 'ada@acme.test');
  v_organization uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_session uuid;
  v_claims jsonb;
  v_variant text;
  v_started timestamptz;
BEGIN
  PERFORM app.login('ada@acme.test', 'pulse-demo-password', v_organization);
  SELECT id INTO v_session FROM app.sessions WHERE user_id = v_user AND revoked_at IS NULL ORDER BY id DESC LIMIT 1;
  COMMIT;
  FOR v_round IN 1..current_setting('bench.rounds')::integer LOOP
    FOREACH v_variant IN ARRAY ARRAY['anon', 'table', 'lookup'] LOOP
      v_claims := CASE v_variant WHEN 'anon' THEN '{"role": "anon"}'
                  ELSE jsonb_build_object('sub', v_user, 'role', 'app_user', 'session_id', v_session,
                                          'org_id', CASE v_variant WHEN 'table' THEN v_organization::text
                                                                   ELSE upper(v_organization::text) END) END;
      v_started := clock_timestamp();
      FOR i IN 1..v_checks LOOP
        PERFORM set_config('request.jwt.claims', v_claims::text, true);
        PERFORM set_config('role', v_claims ->> 'role', true);
        PERFORM auth.check_request();
        COMMIT;
      END LOOP;
      INSERT INTO timings VALUES (v_round, v_variant, extract(epoch FROM clock_timestamp() - v_started) * 1e6 / v_checks);
      COMMIT;
    END LOOP;
  END LOOP;
END
$$;

WITH rounds AS (
  SELECT round, max(us) FILTER (WHERE variant = 'anon') AS anon, max(us) FILTER (WHERE variant = 'table') AS by_table,
         max(us) FILTER (WHERE variant = 'lookup') AS by_lookup
    FROM timings GROUP BY round
), medians AS (
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY anon) AS anon,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY by_table) AS by_table,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY by_lookup) AS by_lookup,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY (by_table - anon) / nullif(by_lookup - anon, 0)) AS check_ratio,
         string_agg(round(((by_table - anon) / nullif(by_lookup - anon, 0))::numeric, 3)::text, ' ' ORDER BY round) AS check_rounds
    FROM rounds
)
SELECT format(E'auth.check_request() in fresh transactions, %s per variant and round, %s rounds in turn; medians\n'
              '%-46s %8s us\n%-46s %8s us\n%-46s %8s us\n'
              '%-46s %8s   (table - anon) / (lookup - anon); rounds: %s',
              current_setting('bench.checks'), current_setting('bench.rounds'),
              'anonymous', round(anon::numeric, 1),
              'member token, admitted by request_grants', round(by_table::numeric, 1),
              'member token, admitted by the lookup', round(by_lookup::numeric, 1),
              'the check''s own cost, table / lookup', round(check_ratio::numeric, 3), check_rounds)
  FROM medians;
