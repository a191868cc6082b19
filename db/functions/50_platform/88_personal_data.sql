-- Personal data (migration platform/personal_data): export everything held
-- about a person, and erase it by pseudonymisation except where a retention
-- duty applies. Both read the catalog, so a table added by any domain is
-- covered without being listed: a person is found by their id (in any uuid,
-- uuid[], json or text column) and by their name and email (in any text or
-- json column).

CREATE OR REPLACE FUNCTION app_private.regex_literal(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.regexp_replace(p_text, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g');
$$;
COMMENT ON FUNCTION app_private.regex_literal(text) IS 'The text as a regular expression that matches exactly it (special characters escaped).';

CREATE OR REPLACE FUNCTION app_private.personal_data_retained()
RETURNS TABLE (table_name text, column_name text, basis text)
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  VALUES
    ('audit.activity_log', NULL::text,
     'Audit trail of regulated records: 21 CFR 11.10(e), EU GMP Annex 11 §9 (GDPR Art. 17(3)(b))'),
    ('audit.activity_log_archive', NULL,
     'Audit trail of regulated records: 21 CFR 11.10(e), EU GMP Annex 11 §9 (GDPR Art. 17(3)(b))'),
    ('app.approval_history', NULL,
     'Electronic signatures and the decision trail: 21 CFR 11.50, 11.70 (GDPR Art. 17(3)(b))'),
    ('app.approvals', 'decision_signature',
     'Electronic signature manifestation: 21 CFR 11.50 (GDPR Art. 17(3)(b))'),
    ('app.personal_data_requests', NULL,
     'The record of the request itself: GDPR Art. 5(2) accountability'),
    ('app.work_order_signatures', 'payload',
     'Electronic signature manifestation (the printed name in the signed payload): 21 CFR 11.50 (GDPR Art. 17(3)(b))')
$$;
COMMENT ON FUNCTION app_private.personal_data_retained() IS
  'Where a person''s name and email are kept when they are erased, and the legal duty that keeps them (processing restricted there); a NULL column means the whole table.';

-- The register: tables of the domains that hold a person's data in a way the
-- catalog sweep (name and email replaced in text) does not settle, and what
-- an erasure does there (delete, clear or keep). Run before the sweep, in this order.
CREATE OR REPLACE FUNCTION app_private.personal_data_register()
RETURNS TABLE (table_name text, subject_column text, subject_match text, action text, column_name text, basis text)
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  VALUES
    ('app_private.calendar_feeds', 'user_id', 'id', 'delete', NULL::text,
     'Calendar feed tokens: access to the person''s calendar, nothing to keep'),
    ('app.technician_availability', 'user_id', 'id', 'delete', NULL,
     'Shifts and absences (leave, sickness): planning data, nothing to keep'),
    ('app.labour_rates', 'user_id', 'id', 'delete', NULL,
     'The person''s own hourly rate: each labour entry keeps the rate it was costed at'),
    ('app.work_requests', 'requested_by', 'id', 'clear', 'contact',
     'How to reach the reporter of their work requests; the request stays'),
    ('app.work_requests', 'contact', 'text', 'clear', 'contact',
     'Reporter contact of anonymous (QR) work requests naming their email or name; the request stays'),
    ('app.contacts', 'email', 'email', 'delete', NULL,
     'A partner''s (contractor''s, vendor''s) contact person with their email: nothing to keep'),
    ('app.maintenance_team_members', 'user_id', 'id', 'delete', NULL,
     'Team membership (past, current and planned periods): planning data, nothing to keep; work done for a team keeps the team'),
    ('app.labour_entries', 'user_id', 'id', 'keep', NULL,
     'Labour cost records (hours x rate): kept under the pseudonym for cost records'),
    ('app.work_orders', 'assignee_id', 'id', 'keep', NULL,
     'Work assigned to them: kept under the pseudonym'),
    ('app.checklist_items', 'checked_by', 'id', 'keep', NULL,
     'Checklist answers: compliance records, kept under the pseudonym'),
    ('app.work_order_signatures', 'signed_by', 'id', 'keep', NULL,
     'E-signatures: kept, the printed name restricted (see personal_data_retained)')
$$;
COMMENT ON FUNCTION app_private.personal_data_register() IS
  'The personal-data register: per table, the column that finds a person (their id, their email, or their name or email inside the text), what an erasure does there (delete the rows, clear a column, keep under the pseudonym) and why. Domains add their tables here.';

-- The text, json and array columns of every table a person's data may be in.
CREATE OR REPLACE FUNCTION app_private.personal_data_columns()
RETURNS TABLE (table_name regclass, column_name text, type_name text, is_tenant_table boolean)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT c.oid::regclass, a.attname::text, pg_catalog.format_type(a.atttypid, NULL),
         EXISTS (SELECT FROM pg_catalog.pg_attribute o WHERE o.attrelid = c.oid AND o.attname = 'organization_id' AND NOT o.attisdropped)
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE n.nspname IN ('app', 'app_private', 'audit') AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND pg_catalog.format_type(a.atttypid, NULL) IN ('text', 'public.citext', 'character varying', 'jsonb', 'text[]', 'uuid', 'uuid[]')
     AND c.oid <> 'app_private.credentials'::regclass;
$$;
COMMENT ON FUNCTION app_private.personal_data_columns() IS
  'The columns (text, citext, varchar, jsonb, text[], uuid, uuid[]) of every table in app, app_private and audit where a person may be named or referred to; password hashes excluded.';

CREATE OR REPLACE FUNCTION app_private.require_personal_data_subject(p_subject_id uuid, p_for_erasure boolean) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT (p_subject_id = auth.user_id() AND NOT p_for_erasure) THEN
    PERFORM app_private.require_permission('personal_data.manage');
  END IF;
  IF NOT EXISTS (SELECT FROM app.memberships WHERE organization_id = auth.org_id() AND user_id = p_subject_id) THEN
    RAISE EXCEPTION 'no such person in this organization' USING ERRCODE = 'PT404', DETAIL = 'personal_data.person_not_found',
      HINT = 'Name a member (or former member) of your active organization.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_personal_data_subject(uuid, boolean) IS
  'A person''s data is exported by themselves or by personal_data.manage, erased by personal_data.manage only (PT403 permission.missing), and only for a (former) member of the active tenant (PT404 personal_data.person_not_found).';

CREATE OR REPLACE FUNCTION app.export_personal_data(user_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_subject uuid := coalesce(export_personal_data.user_id, auth.user_id());
  v_tenant uuid := auth.org_id();
  v_email text;
  v_table record;
  v_rows jsonb;
  v_records jsonb := '{}';
BEGIN
  PERFORM app_private.require_personal_data_subject(v_subject, false);
  SELECT u.email INTO v_email FROM app.users u WHERE u.id = v_subject;

  FOR v_table IN
    SELECT c.table_name, c.is_tenant_table,
           pg_catalog.string_agg(CASE c.type_name
               WHEN 'uuid' THEN pg_catalog.format('%I = $1', c.column_name)
               WHEN 'uuid[]' THEN pg_catalog.format('$1 = ANY (%I)', c.column_name)
               ELSE pg_catalog.format('strpos(lower(%I::text), $3) > 0 OR strpos(%I::text, $1::text) > 0', c.column_name, c.column_name)
             END, ' OR ') AS predicate
      FROM app_private.personal_data_columns() c
     WHERE c.table_name <> 'app.users'::regclass
     GROUP BY c.table_name, c.is_tenant_table
     ORDER BY c.table_name::text
  LOOP
    EXECUTE pg_catalog.format('SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t)) FROM %s t WHERE (%s)%s',
                              v_table.table_name, v_table.predicate,
                              CASE WHEN v_table.is_tenant_table THEN ' AND t.organization_id = $2' ELSE '' END)
       INTO v_rows USING v_subject, v_tenant, pg_catalog.lower(v_email);
    IF v_rows IS NOT NULL THEN
      v_records := v_records || pg_catalog.jsonb_build_object(v_table.table_name::text, v_rows);
    END IF;
  END LOOP;

  INSERT INTO app.personal_data_requests (organization_id, id, kind, subject_id, requested_by)
  VALUES (v_tenant, public.uuid_generate_v7(), 'export', v_subject, auth.user_id());

  RETURN pg_catalog.jsonb_build_object(
    'subject', (SELECT pg_catalog.to_jsonb(u) FROM app.users u WHERE u.id = v_subject),
    'organization_id', v_tenant,
    'exported_at', pg_catalog.now(),
    'records', v_records,
    'erasure_handling', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                  'table', r.table_name, 'action', r.action, 'column', r.column_name, 'basis', r.basis)), '[]')
                           FROM app_private.personal_data_register() r WHERE v_records ? r.table_name));
END
$$;
COMMENT ON FUNCTION app.export_personal_data(uuid) IS
  E'Exports everything held about a person\nTheir profile and every row of the active tenant that refers to them (by id) or names them (by email), table by table, as JSON (GDPR Art. 15 and 20), with erasure_handling: what an erasure would do with each registered table they are in, and why. Yourself (user_id left out), or anyone with personal_data.manage. Recorded in personal_data_requests. Errors: PT403 permission.missing, PT404 personal_data.person_not_found.';

CREATE OR REPLACE FUNCTION app.erase_personal_data(user_id uuid, reason text) RETURNS app.personal_data_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_subject app.users;
  v_tenants uuid[];
  v_pseudonym text;
  v_pseudonym_email text;
  v_email_pattern text;
  v_name_pattern text;
  v_pattern text;
  v_column record;
  v_ctid tid;
  v_key text;
  v_count integer := 0;
  v_refused jsonb := '[]';
  v_entry record;
  v_rows integer;
  v_actions jsonb := '[]';
  v_request app.personal_data_requests;
BEGIN
  PERFORM app_private.require_personal_data_subject(erase_personal_data.user_id, true);
  IF coalesce(btrim(reason), '') = '' THEN
    PERFORM app_private.raise_invalid('personal_data.reason_required', 'an erasure needs a reason',
                                      'Send reason: the request received (who asked, when, how).');
  END IF;
  SELECT * INTO v_subject FROM app.users u WHERE u.id = erase_personal_data.user_id FOR UPDATE;
  IF v_subject.id = auth.user_id() OR v_subject.is_platform_operator THEN
    RAISE EXCEPTION 'this person cannot be erased from here' USING ERRCODE = 'PT409', DETAIL = 'personal_data.protected_person',
      HINT = 'Nobody erases themselves or a platform operator through the API: ask a platform operator.';
  END IF;
  v_tenants := ARRAY(SELECT m.organization_id FROM app.memberships m WHERE m.user_id = v_subject.id);
  IF v_tenants <> ARRAY[auth.org_id()] AND NOT auth.is_platform_operator() THEN
    RAISE EXCEPTION 'this person is also a member of other organizations' USING ERRCODE = 'PT409', DETAIL = 'personal_data.other_tenants',
      HINT = 'Their profile is shared: a platform operator erases it for every organization.';
  END IF;

  v_pseudonym := 'Erased person ' || pg_catalog.left(pg_catalog.md5(v_subject.id::text), 8);
  v_pseudonym_email := 'erased-' || pg_catalog.left(pg_catalog.md5(v_subject.id::text), 12) || '@erased.invalid';
  -- The email anywhere; the name as whole words, and only when it is long enough to be theirs.
  v_email_pattern := app_private.regex_literal(v_subject.email::text);
  v_name_pattern := CASE WHEN length(btrim(v_subject.display_name)) >= 5
                         THEN '\m' || app_private.regex_literal(btrim(v_subject.display_name)) || '\M' END;
  v_pattern := concat_ws('|', v_email_pattern, v_name_pattern);

  -- The register first (it finds the person by name and email before the sweep replaces them).
  FOR v_entry IN SELECT r.* FROM app_private.personal_data_register() r WHERE r.action <> 'keep' LOOP
    EXECUTE pg_catalog.format(
      CASE v_entry.action
        WHEN 'delete' THEN 'DELETE FROM %1$s t WHERE %2$s AND t.organization_id = ANY ($4)'
        ELSE 'UPDATE %1$s t SET %3$I = NULL WHERE %2$s AND t.%3$I IS NOT NULL AND t.organization_id = ANY ($4)'
      END,
      v_entry.table_name,
      pg_catalog.format(CASE v_entry.subject_match
                          WHEN 'id' THEN 't.%I = $1'
                          WHEN 'email' THEN 'pg_catalog.lower(t.%I::text) = pg_catalog.lower($2)'
                          ELSE 't.%I::text ~* $3'
                        END, v_entry.subject_column),
      v_entry.column_name)
      USING v_subject.id, v_subject.email::text, v_pattern, v_tenants;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows > 0 THEN
      v_actions := v_actions || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'table', v_entry.table_name, 'column', coalesce(v_entry.column_name, v_entry.subject_column), 'action', v_entry.action, 'rows', v_rows));
    END IF;
  END LOOP;

  FOR v_column IN
    SELECT c.* FROM app_private.personal_data_columns() c
     WHERE c.type_name NOT IN ('uuid', 'uuid[]') AND c.table_name <> 'app.users'::regclass
       AND NOT EXISTS (SELECT FROM app_private.personal_data_retained() r
                        WHERE r.table_name = c.table_name::text AND (r.column_name IS NULL OR r.column_name = c.column_name))
  LOOP
    FOR v_ctid, v_key IN EXECUTE pg_catalog.format('SELECT ctid, pg_catalog.to_jsonb(t) ->> ''id'' AS key FROM %s t WHERE %I::text ~* $1%s',
                                           v_column.table_name, v_column.column_name,
                                           CASE WHEN v_column.is_tenant_table THEN ' AND t.organization_id = ANY ($2)' ELSE '' END)
                   USING v_pattern, v_tenants
    LOOP
      BEGIN
        -- The email becomes the pseudonymous address, the name the pseudonym.
        EXECUTE pg_catalog.format(
          'UPDATE %s SET %I = pg_catalog.regexp_replace(pg_catalog.regexp_replace(%I::text, $1, $2, ''gi''), coalesce($3, $1), $4, ''gi'')::%s'
          ' WHERE ctid = $5', v_column.table_name, v_column.column_name, v_column.column_name, v_column.type_name)
          USING v_email_pattern, v_pseudonym_email, v_name_pattern, v_pseudonym, v_ctid;
        v_count := v_count + 1;
      EXCEPTION WHEN OTHERS THEN
        -- A guard refused: the row is a record under a retention duty (a closed CAPA, an immutable version).
        v_refused := v_refused || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
          'table', v_column.table_name::text, 'column', v_column.column_name, 'key', v_key, 'reason', SQLERRM));
      END;
    END LOOP;
  END LOOP;

  DELETE FROM app_private.credentials c WHERE c.user_id = v_subject.id;
  DELETE FROM app.sessions s WHERE s.user_id = v_subject.id;
  UPDATE app.memberships m SET status = 'revoked' WHERE m.user_id = v_subject.id AND m.status <> 'revoked';
  UPDATE app.users u SET email = v_pseudonym_email, display_name = v_pseudonym, preferences = '{}', status = 'disabled',
                         direct_manager_id = NULL
   WHERE u.id = v_subject.id;

  INSERT INTO app.personal_data_requests
    (organization_id, id, kind, subject_id, requested_by, reason, pseudonym, rows_pseudonymised, restricted, register_actions)
  VALUES (auth.org_id(), public.uuid_generate_v7(), 'erasure', v_subject.id, auth.user_id(), btrim(reason), v_pseudonym, v_count,
          (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('table', r.table_name, 'column', r.column_name, 'basis', r.basis))
             FROM app_private.personal_data_retained() r) || v_refused, v_actions)
  RETURNING * INTO v_request;
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app.erase_personal_data(uuid, text) IS
  E'Erases a person by pseudonymisation\nFirst the personal-data register (app_private.personal_data_register: calendar feeds, availability, team membership, own labour rate and partner contacts deleted, work request reporter contacts cleared; listed in register_actions); then their name and email are replaced by a pseudonym wherever they appear (any text or JSON column of the tenant''s data), their profile is disabled, their sign-in, sessions and memberships end. Where a retention duty applies (the audit trail, e-signatures and decision trails, records a guard keeps unchanged) the data is kept and listed in the answer''s restricted (GDPR Art. 17(3)(b)). Needs personal_data.manage; a person who belongs to other organizations, yourself or a platform operator are erased by a platform operator. Errors: PT403 permission.missing, PT404 personal_data.person_not_found, PT409 personal_data.other_tenants or personal_data.protected_person, PT422 personal_data.reason_required.';
