-- Who may act now (app_private.request_grants): auth.check_request() admits
-- an ordinary token by one index probe of that one table, the table always
-- equals what the source tables decide, and every revocation refuses the
-- very next check (with the error the lookup of the source tables gives),
-- every reinstatement admits again. Races between two connections:
-- tests/test_request_grants_races.py.
BEGIN;
SELECT plan(44);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('member', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('both', tests.create_member(tests.recall('a'), 'qa'));
INSERT INTO app.memberships (organization_id, user_id) VALUES (tests.recall('b'), tests.recall('both'));
SELECT tests.remember('operator', tests.create_operator());

-- A token's claims as app.login mints them (sub, role, org_id, session_id).
CREATE FUNCTION pg_temp.claims(p_token text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT convert_from(decode(rpad(translate(split_part(p_token, '.', 2), '-_', '+/'),
                                  (length(split_part(p_token, '.', 2)) + 3) / 4 * 4, '='), 'base64'), 'UTF8')::jsonb
$$;
CREATE FUNCTION pg_temp.login(p_user uuid, p_organization uuid) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
  SELECT pg_temp.claims(t.access_token) FROM app.login(tests.email_of(p_user), tests.password(), p_organization) AS t
$$;
-- What auth.check_request() says of a token, as its role: 'no error' or 'SQLSTATE reason'.
CREATE FUNCTION pg_temp.check(p_claims jsonb) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_state text;
  v_detail text;
BEGIN
  PERFORM tests.act_as_claims(p_claims ->> 'role', p_claims);
  PERFORM tests.act_as_owner();
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
  RETURN v_state || ' ' || coalesce(v_detail, '');
END
$$;
-- The relations of app and app_private one check reads, with how many scans (admitted or not).
CREATE FUNCTION pg_temp.relations_read(p_claims jsonb) RETURNS text[] LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_before jsonb;
  v_read text[];
BEGIN
  SELECT jsonb_object_agg(relid::regclass::text, coalesce(idx_scan, 0) + coalesce(seq_scan, 0)) INTO v_before
    FROM pg_stat_xact_user_tables WHERE schemaname IN ('app', 'app_private');
  BEGIN
    PERFORM tests.act_as_claims(p_claims ->> 'role', p_claims);
  EXCEPTION WHEN OTHERS THEN  -- refused: what it read counts all the same
    NULL;
  END;
  SELECT array_agg(relid::regclass::text || ' ' || (coalesce(idx_scan, 0) + coalesce(seq_scan, 0)
                   - coalesce((v_before ->> relid::regclass::text)::bigint, 0)) ORDER BY relid::regclass::text COLLATE "C") INTO v_read
    FROM pg_stat_xact_user_tables
   WHERE schemaname IN ('app', 'app_private')
     AND coalesce(idx_scan, 0) + coalesce(seq_scan, 0) <> coalesce((v_before ->> relid::regclass::text)::bigint, 0);
  PERFORM tests.act_as_owner();
  RETURN v_read;
END
$$;

CREATE TEMP TABLE tokens (name text PRIMARY KEY, claims jsonb) ON COMMIT DROP;
INSERT INTO tokens VALUES
  ('member', pg_temp.login(tests.recall('member'), tests.recall('a'))),
  ('member_plain', jsonb_build_object('sub', tests.recall('member'), 'role', 'app_user', 'org_id', tests.recall('a'))),
  ('both_a', pg_temp.login(tests.recall('both'), tests.recall('a'))),
  ('both_b', pg_temp.login(tests.recall('both'), tests.recall('b'))),
  ('operator_b', pg_temp.login(tests.recall('operator'), tests.recall('b'))),
  ('operator_none', jsonb_build_object('sub', tests.recall('operator'), 'role', 'app_admin'));
CREATE FUNCTION pg_temp.token(p_name text) RETURNS jsonb LANGUAGE sql STABLE AS $$ SELECT claims FROM tokens WHERE name = p_name $$;

-- The fast path.
SELECT ok(pg_temp.token('member') ?& ARRAY['sub', 'role', 'org_id', 'session_id'], 'app.login mints sub, role, org_id and session_id');
SELECT is(pg_temp.relations_read(pg_temp.token('member')), ARRAY['app_private.request_grants 1'],
  'a member''s token is admitted by one index probe of request_grants, nothing else read');
SELECT is(pg_temp.relations_read(pg_temp.token('member_plain')), ARRAY['app_private.request_grants 1'],
  'so is a token without a session (pulse jwt mint, auth.act_as)');
SELECT is(pg_temp.relations_read(pg_temp.token('operator_b')), ARRAY['app_private.request_grants 1'],
  'and a platform operator''s app_admin token in a tenant they are no member of');
SELECT is(pg_temp.relations_read(jsonb_build_object('sub', tests.recall('member'), 'role', 'app_user', 'org_id', tests.recall('b'))),
  ARRAY['app.memberships 1', 'app.users 1', 'app_private.request_grants 2'],
  'a token the table does not admit reads the source tables, which say why');
-- The probe compares the claims' text: what it cannot read the same way as
-- the lookup does goes on to the lookup, never admitted by a near match.
SELECT is(pg_temp.check(pg_temp.token('member') || '{"session_id": ""}'), 'PT401 session.ended',
  'an empty session claim is no session-less token');
SELECT is(pg_temp.check(pg_temp.token('member') || '{"session_id": null}'), 'PT401 session.ended', 'nor is a null one');
SELECT is(pg_temp.check(pg_temp.token('member_plain') || jsonb_build_object('sub', upper(tests.recall('member')::text))),
  'PT401 token.no_user', 'a user id not written as the server writes it is no user');
SELECT is(pg_temp.check(pg_temp.token('member_plain') || jsonb_build_object('sub', tests.recall('member')::text || '/' || tests.recall('a')::text, 'org_id', '')),
  'PT401 token.no_user', 'nor are two ids run together');
SELECT is(pg_temp.check(pg_temp.token('member_plain') || '{"role": "app_admin"}'), 'PT403 operator.required',
  'a member is not admitted as app_admin');
SELECT is(pg_temp.check(jsonb_build_object('sub', tests.recall('operator'), 'role', 'app_user', 'org_id', tests.recall('a'))), 'no error',
  'a platform operator acts in a tenant they are no member of');

-- The table is what the source tables decide.
CREATE TEMP VIEW grants_due AS SELECT d.* FROM app.users AS u, app_private.request_grants_due(u.id) AS d;
CREATE FUNCTION pg_temp.grants_match() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT NOT EXISTS (SELECT user_id, organization_id, session_id, is_platform_operator FROM app_private.request_grants
                     EXCEPT ALL SELECT * FROM grants_due)
     AND NOT EXISTS (SELECT * FROM grants_due
                     EXCEPT ALL SELECT user_id, organization_id, session_id, is_platform_operator FROM app_private.request_grants)
$$;
SELECT ok(pg_temp.grants_match(), 'request_grants equals request_grants_due for every user');

-- Revocations refuse the very next check; reinstatements admit again.
SELECT is(pg_temp.check(pg_temp.token('member')), 'no error', 'a member''s token passes');
UPDATE app.memberships SET status = 'revoked' WHERE user_id = tests.recall('member') AND organization_id = tests.recall('a');
SELECT is(pg_temp.check(pg_temp.token('member')), 'PT403 membership.not_active', 'a revoked membership is refused at once');
SELECT is(pg_temp.check(pg_temp.token('member_plain')), 'PT403 membership.not_active', 'with or without a session');
UPDATE app.memberships SET status = 'active' WHERE user_id = tests.recall('member') AND organization_id = tests.recall('a');
SELECT is(pg_temp.check(pg_temp.token('member')), 'no error', 'a reinstated membership is admitted again');

DELETE FROM app.memberships WHERE user_id = tests.recall('both') AND organization_id = tests.recall('b');
SELECT is(pg_temp.check(pg_temp.token('both_b')), 'PT403 membership.not_active', 'a removed membership is refused');
SELECT is(pg_temp.check(pg_temp.token('both_a')), 'no error', 'and only in its tenant');

UPDATE app.users SET status = 'suspended' WHERE id = tests.recall('member');
SELECT is(pg_temp.check(pg_temp.token('member')), 'PT403 user.inactive', 'a suspended user is refused');
SELECT is(pg_temp.check(pg_temp.token('member_plain')), 'PT403 user.inactive', 'with or without a session');
UPDATE app.users SET status = 'active' WHERE id = tests.recall('member');
SELECT is(pg_temp.check(pg_temp.token('member_plain')), 'no error', 'a reinstated user is admitted again');
SELECT is(pg_temp.check(pg_temp.token('member')), 'PT401 session.ended', 'but not with a session the suspension ended');
UPDATE tokens SET claims = pg_temp.login(tests.recall('member'), tests.recall('a')) WHERE name = 'member';
SELECT is(pg_temp.check(pg_temp.token('member')), 'no error', 'a new sign-in is');

SELECT tests.act_as_claims('app_user', pg_temp.token('member'));
SELECT ok(app.logout(), 'the member signs out');
SELECT tests.act_as_owner();
SELECT is(pg_temp.check(pg_temp.token('member')), 'PT401 session.ended', 'a session ended by logout is refused');

CREATE TEMP TABLE refresh_tokens ON COMMIT DROP AS
SELECT t.refresh_token AS first, pg_temp.claims(t.access_token) AS claims
  FROM app.login(tests.email_of(tests.recall('member')), tests.password(), tests.recall('a')) AS t;
UPDATE refresh_tokens SET claims = pg_temp.claims((app.refresh(first)).access_token);
SELECT is(pg_temp.check((SELECT claims FROM refresh_tokens)), 'no error', 'a refreshed token passes');
SELECT is((app.refresh((SELECT first FROM refresh_tokens))).details, 'session.refresh_token_reused', 'a refresh token presented twice');
SELECT is(pg_temp.check((SELECT claims FROM refresh_tokens)), 'PT401 session.ended', 'ends the session at once');

UPDATE tokens SET claims = pg_temp.login(tests.recall('member'), tests.recall('a')) WHERE name = 'member';
SELECT lives_ok($$SELECT app_private.end_sessions(tests.recall('member'))$$, 'a password change ends the member''s sessions');
SELECT is(pg_temp.check(pg_temp.token('member')), 'PT401 session.ended', 'sessions ended by a password change are refused');

UPDATE app.users SET is_platform_operator = false WHERE id = tests.recall('operator');
SELECT is(pg_temp.check(pg_temp.token('operator_b')), 'PT403 operator.required', 'an operator no more is refused app_admin');
SELECT is(pg_temp.check(pg_temp.token('operator_none')), 'PT403 operator.required', 'with or without a tenant');
UPDATE app.users SET is_platform_operator = true WHERE id = tests.recall('operator');
SELECT is(pg_temp.check(pg_temp.token('operator_b')), 'no error', 'and admitted again when reinstated');

UPDATE app.organizations SET is_active = false WHERE id = tests.recall('a');
SELECT is(pg_temp.check(pg_temp.token('both_a')), 'PT403 membership.not_active', 'a deactivated tenant''s members are refused');
SELECT is(pg_temp.check(pg_temp.token('member_plain')), 'PT403 membership.not_active', 'with or without a session');
UPDATE app.organizations SET is_active = true WHERE id = tests.recall('a');
SELECT is(pg_temp.check(pg_temp.token('both_a')), 'no error', 'and admitted again when it is reactivated');
UPDATE app.organizations SET deleted_at = now() WHERE id = tests.recall('a');
SELECT is(pg_temp.check(pg_temp.token('member_plain')), 'PT403 membership.not_active', 'a soft-deleted tenant''s members are refused');
UPDATE app.organizations SET deleted_at = NULL WHERE id = tests.recall('a');
SELECT is(pg_temp.check(pg_temp.token('member_plain')), 'no error', 'and admitted again when it is restored');

SELECT tests.remember('gone_user', tests.create_member(tests.recall('a'), 'qa'));
INSERT INTO tokens VALUES ('gone_user', pg_temp.login(tests.recall('gone_user'), tests.recall('a')));
DELETE FROM app.users WHERE id = tests.recall('gone_user');
SELECT is(pg_temp.check(pg_temp.token('gone_user')), 'PT401 token.unknown_user', 'a deleted user is unknown');

SELECT tests.remember('c', tests.create_tenant());
SELECT tests.remember('c_member', tests.create_member(tests.recall('c'), 'qa'));
INSERT INTO tokens VALUES ('c_member', pg_temp.login(tests.recall('c_member'), tests.recall('c')));
SELECT app_private.purge_organization_data(tests.recall('c'));
SELECT is(pg_temp.check(pg_temp.token('c_member')), 'PT403 membership.not_active', 'a purged tenant''s members are refused');
SELECT is_empty(format('SELECT FROM app_private.request_grants WHERE organization_id = %L', tests.recall('c')),
  'and its rows are gone');

SAVEPOINT truncating;
TRUNCATE app.memberships CASCADE;
SELECT is_empty('SELECT FROM app_private.request_grants WHERE organization_id IS NOT NULL', 'truncating memberships drops every tenant''s rows');
ROLLBACK TO SAVEPOINT truncating;

-- After all of that, still what the source tables decide.
SELECT ok(pg_temp.grants_match(), 'request_grants still equals request_grants_due');

-- And for every user, tenant (or none), session (or none) and role, the
-- table admits exactly what the lookup of the source tables in
-- auth.check_request() admits (tests/test_stack.py: the same on the demo data).
SELECT is_empty('SELECT * FROM tests.request_grant_disagreements()',
  'for every user x tenant x session x role the table admits exactly what the source tables do');

SELECT * FROM finish();
ROLLBACK;
