-- Personal data in maintenance (the platform's register,
-- app_private.personal_data_register): a technician exports their work,
-- labour, rates, availability, team membership, calendar feeds, requests,
-- signatures and partner contact; an administrator erases them: feeds,
-- availability, team membership, own rate and partner contact deleted,
-- reporter contacts cleared, labour and signatures kept under the pseudonym;
-- afterwards no registered column reads as them. Another tenant neither
-- exports nor erases them, and keeps its own data.
BEGIN;
SELECT plan(19);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), NULL, 'Pump 1'));
SELECT tests.remember('contractor', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('other_partner', tests.create_partner(tests.recall('other'), 'supplier'));
SELECT set_config('tests.email', 'ottilie.brandvold-' || tests.unique_suffix() || '@example.test', true);
SELECT tests.remember('person', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant'), p_email => current_setting('tests.email')));
UPDATE app.users SET display_name = 'Ottilie Brandvold' WHERE id = tests.recall('person')::uuid;
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('other_admin', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('order', public.uuid_generate_v7());
SELECT tests.remember('team', public.uuid_generate_v7());

-- Their traces in every registered table (as the owner: the rules that write them are tested elsewhere).
INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, title, equipment_id, site_id, status, assignee_id,
                             scheduled, started_at)
VALUES (tests.recall('t')::uuid, tests.recall('order')::uuid, app_private.take_human_id(tests.recall('t')::uuid, 'WO', NULL), 'preventive',
        'Pump service', tests.recall('pump')::uuid, tests.recall('plant')::uuid, 'in_progress', tests.recall('person')::uuid,
        tstzrange(now() - interval '2 hours', now() + interval '2 hours'), now() - interval '1 hour');
INSERT INTO app.labour_rates (organization_id, user_id, hourly_rate, currency) VALUES (tests.recall('t')::uuid, tests.recall('person')::uuid, 61, 'EUR');
INSERT INTO app.labour_entries (organization_id, work_order_id, user_id, started_at, hours, hourly_rate, currency, site_id)
VALUES (tests.recall('t')::uuid, tests.recall('order')::uuid, tests.recall('person')::uuid, now() - interval '1 hour', 1.5, 61, 'EUR', tests.recall('plant')::uuid);
INSERT INTO app.work_order_signatures (organization_id, work_order_id, to_status, meaning, reason, payload, payload_sha256, signed_by, site_id)
SELECT tests.recall('t')::uuid, tests.recall('order')::uuid, 'completed', 'performed', 'Done', p, encode(sha256(convert_to(p::text, 'UTF8')), 'hex'),
       tests.recall('person')::uuid, tests.recall('plant')::uuid
  FROM (SELECT jsonb_build_object('signer_name', 'Ottilie Brandvold', 'signer_email', current_setting('tests.email')) AS p) s;
INSERT INTO app.work_requests (organization_id, request_number, equipment_id, site_id, title, contact, requested_by)
VALUES (tests.recall('t')::uuid, app_private.take_human_id(tests.recall('t')::uuid, 'WR', NULL), tests.recall('pump')::uuid, tests.recall('plant')::uuid,
        'Noisy bearing', '+47 555 01 01', tests.recall('person')::uuid);
INSERT INTO app.work_requests (organization_id, request_number, equipment_id, site_id, title, contact, via_qr)
VALUES (tests.recall('t')::uuid, app_private.take_human_id(tests.recall('t')::uuid, 'WR', NULL), tests.recall('pump')::uuid, tests.recall('plant')::uuid,
        'Oil on the floor', 'O. Brandvold, ' || current_setting('tests.email'), true),
       (tests.recall('t')::uuid, app_private.take_human_id(tests.recall('t')::uuid, 'WR', NULL), tests.recall('pump')::uuid, tests.recall('plant')::uuid,
        'Guard missing', 'night shift, ext. 12', true);
INSERT INTO app.maintenance_teams (organization_id, id, name) VALUES (tests.recall('t')::uuid, tests.recall('team')::uuid, 'Pump crew');
INSERT INTO app.maintenance_team_members (organization_id, id, team_id, user_id, member_from, member_to)
VALUES (tests.recall('t')::uuid, public.uuid_generate_v7(), tests.recall('team')::uuid, tests.recall('person')::uuid, now() - interval '30 days', now()),
       (tests.recall('t')::uuid, public.uuid_generate_v7(), tests.recall('team')::uuid, tests.recall('person')::uuid, now() + interval '30 days', NULL);
INSERT INTO app.technician_availability (organization_id, id, user_id, period, kind, reason)
VALUES (tests.recall('t')::uuid, public.uuid_generate_v7(), tests.recall('person')::uuid,
        tstzrange(now() + interval '3 days', now() + interval '5 days'), 'absent', 'Sick leave');
INSERT INTO app_private.calendar_feeds (organization_id, id, user_id, scope, token_hash)
VALUES (tests.recall('t')::uuid, public.uuid_generate_v7(), tests.recall('person')::uuid, 'user', app_private.calendar_feed_hash('gdpr-' || tests.recall('order')::text));
INSERT INTO app.contacts (organization_id, partner_id, full_name, email, phone)
VALUES (tests.recall('t')::uuid, tests.recall('contractor')::uuid, 'Ottilie Brandvold', current_setting('tests.email'), '+47 555 01 01'),
       (tests.recall('other')::uuid, tests.recall('other_partner')::uuid, 'Ottilie Brandvold', current_setting('tests.email'), '+47 555 01 01');

-- The subject exports their own.
SELECT tests.act_as(tests.recall('person')::uuid, tests.recall('t')::uuid);
SELECT set_config('tests.export', app.export_personal_data()::text, true);
SELECT is(ARRAY(SELECT k FROM unnest(ARRAY['app.work_orders', 'app.labour_entries', 'app.labour_rates', 'app.work_order_signatures',
                                           'app.work_requests', 'app.maintenance_team_members', 'app.technician_availability',
                                           'app_private.calendar_feeds', 'app.contacts']) k
                  WHERE NOT current_setting('tests.export')::jsonb -> 'records' ? k),
          '{}'::text[], 'a technician exports their work, labour, rate, signatures, requests, team, availability, feeds and partner contact');
SELECT is(jsonb_array_length(current_setting('tests.export')::jsonb #> '{records,app.work_requests}'), 2,
  'their own request and the anonymous QR request naming their email (not a stranger''s)');
SELECT ok(current_setting('tests.export')::jsonb -> 'erasure_handling' @> '[{"table": "app_private.calendar_feeds", "action": "delete"},
                                                                          {"table": "app.labour_entries", "action": "keep"}]',
  'the export says what an erasure would do with each registered table');
SELECT is(tests.refusal($$SELECT app.erase_personal_data(tests.recall('person')::uuid, 'Asked by email')$$), 'PT403 permission.missing',
  'the subject does not erase (an administrator does)');

-- Another tenant.
SELECT tests.act_as(tests.recall('other_admin')::uuid, tests.recall('other')::uuid);
SELECT is(tests.refusal($$SELECT app.export_personal_data(tests.recall('person')::uuid)$$), 'PT404 personal_data.person_not_found',
  'another tenant''s administrator does not export them');
SELECT is(tests.refusal($$SELECT app.erase_personal_data(tests.recall('person')::uuid, 'Asked by email')$$), 'PT404 personal_data.person_not_found',
  'nor erases them');

-- The administrator.
SELECT tests.act_as(tests.recall('admin')::uuid, tests.recall('t')::uuid);
SELECT ok(app.export_personal_data(tests.recall('person')::uuid) -> 'records' ? 'app.technician_availability',
  'an administrator exports their data');
SELECT set_config('tests.erasure', to_jsonb(app.erase_personal_data(tests.recall('person')::uuid, 'Asked by email, 2026-12-07'))::text, true);
SELECT is((SELECT jsonb_object_agg(k, n) FROM (
             SELECT a ->> 'table' || '.' || (a ->> 'action') AS k, sum((a ->> 'rows')::int) AS n
               FROM jsonb_array_elements(current_setting('tests.erasure')::jsonb -> 'register_actions') a GROUP BY 1) s),
          jsonb_build_object('app_private.calendar_feeds.delete', 1, 'app.technician_availability.delete', 1, 'app.labour_rates.delete', 1,
                             'app.work_requests.clear', 2, 'app.contacts.delete', 1, 'app.maintenance_team_members.delete', 2),
  'the register deletes feeds, availability, team periods, the rate and the partner contact, and clears both reporter contacts');
SELECT ok(current_setting('tests.erasure')::jsonb -> 'restricted' @> '[{"table": "app.work_order_signatures", "column": "payload"}]',
  'the signature''s printed name is kept under 21 CFR 11.50, and listed');

-- Afterwards, every registered column (as the owner, who sees everything).
SELECT tests.act_as_owner();
SELECT is_empty(format($$
  SELECT 'feed' FROM app_private.calendar_feeds WHERE user_id = %1$L
  UNION ALL SELECT 'availability' FROM app.technician_availability WHERE user_id = %1$L
  UNION ALL SELECT 'rate' FROM app.labour_rates WHERE user_id = %1$L
  UNION ALL SELECT 'team' FROM app.maintenance_team_members WHERE user_id = %1$L
  UNION ALL SELECT 'contact' FROM app.contacts WHERE organization_id = %2$L AND email = %3$L
$$, tests.recall('person'), tests.recall('t'), current_setting('tests.email')), 'nothing is left in the tables the register deletes from');
SELECT is(ARRAY(SELECT contact FROM app.work_requests WHERE organization_id = tests.recall('t')::uuid ORDER BY request_number),
          ARRAY[NULL, NULL, 'night shift, ext. 12'], 'their reporter contacts are cleared, a stranger''s stays');
SELECT is((SELECT title FROM app.work_requests WHERE organization_id = tests.recall('t')::uuid AND requested_by = tests.recall('person')::uuid),
  'Noisy bearing', 'their request stays, under their pseudonymous id');
SELECT is((SELECT l.cost::text || ' ' || u.display_name FROM app.labour_entries l JOIN app.users u ON u.id = l.user_id
            WHERE l.work_order_id = tests.recall('order')::uuid),
          '91.50 Erased person ' || left(md5(tests.recall('person')::text), 8), 'the labour cost stays, under the pseudonym');
SELECT is((SELECT u.display_name FROM app.work_orders w JOIN app.users u ON u.id = w.assignee_id WHERE w.id = tests.recall('order')::uuid),
          'Erased person ' || left(md5(tests.recall('person')::text), 8), 'the work order keeps its assignee, under the pseudonym');
SELECT is((SELECT count(*)::int FROM app.work_order_signatures WHERE signed_by = tests.recall('person')::uuid), 1, 'the signature stays');
SELECT is((SELECT count(*)::int FROM app.contacts WHERE organization_id = tests.recall('other')::uuid AND email = current_setting('tests.email')), 1,
  'another tenant''s contact with the same email is not touched');

-- The name and email remain nowhere in the tenant but where a retention duty keeps them.
CREATE TEMP TABLE still_named AS SELECT NULL::text AS column_name WHERE false;
DO $$
DECLARE
  v_column record;
  v_found boolean;
BEGIN
  FOR v_column IN SELECT * FROM app_private.personal_data_columns() WHERE type_name NOT IN ('uuid', 'uuid[]') LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %s t WHERE (strpos(lower(%I::text), lower($1)) > 0 OR strpos(lower(%I::text), lower($2)) > 0)%s)',
                   v_column.table_name, v_column.column_name, v_column.column_name,
                   CASE WHEN v_column.is_tenant_table THEN ' AND t.organization_id = $3' ELSE '' END)
       INTO v_found USING current_setting('tests.email'), 'Brandvold', tests.recall('t')::uuid;
    IF v_found THEN
      INSERT INTO still_named VALUES (v_column.table_name::text || '.' || v_column.column_name);
    END IF;
  END LOOP;
END
$$;
SELECT is(ARRAY(SELECT column_name FROM still_named s
                 WHERE NOT EXISTS (SELECT FROM app_private.personal_data_retained() r
                                    WHERE s.column_name = r.table_name || '.' || coalesce(r.column_name, split_part(s.column_name, '.', 3)))),
          '{}'::text[], 'their name and email appear nowhere but in the audit trail and the signature');
SELECT ok(EXISTS (SELECT FROM still_named WHERE column_name = 'app.work_order_signatures.payload'), 'the signature still prints their name (restricted)');

-- The register names real tables and columns.
SELECT is_empty($$
  SELECT r.table_name, r.subject_column FROM app_private.personal_data_register() r
   WHERE to_regclass(r.table_name) IS NULL
      OR NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = to_regclass(r.table_name) AND a.attname = r.subject_column)
      OR (r.column_name IS NOT NULL AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = to_regclass(r.table_name) AND a.attname = r.column_name))
$$, 'every registered table and column exists');

SELECT * FROM finish();
ROLLBACK;
