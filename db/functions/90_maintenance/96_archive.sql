-- Archival of old work orders (migrations maintenance/kpis and
-- maintenance/archived_entities; issue #17 "Archival"). Closed and cancelled
-- work orders older than the tenant's maintenance_archive_after_years (7 by
-- default) move to the cold tables app_private.archived_work_orders and
-- archived_work_order_rows with every row that references them through a
-- cascading foreign key (labour entries, contractor charges, work order
-- assets, signatures, planned parts, and whatever a later slice adds: found
-- in the catalog), in batches, by the job archive-work-orders.
-- The work order's entity row (app_private.entities) stays, marked archived
-- (app_private.archive_entity), so every row that hangs off the entity stays
-- where it is, whatever its foreign key's action: checklists and their
-- answers, comments, attachments, tags, stock movements and reservations,
-- state history, and any block added later. They stay readable by whoever
-- could read the work order: auth.can_see_entity reads an archived entity
-- through app.archived_work_orders (app_private.register_entity_archive),
-- and they are read-only (auth.check_entity, auth.can_change_entity see live
-- entities only). Rows that name a work order without a foreign key (stops
-- in the downtime log, the audit trail) keep its id, which the archive keeps
-- too. The catalog lint in db/tests/90_maintenance/test_archival.sql fails
-- on a table that references a work order or its entity row and is neither
-- kept nor exempted with a reason. Why cold tables and not partitions:
-- docs/scaling.md.

-- The rows to carry along: tables whose foreign key onto app.work_orders
-- (organization_id, id) cascades on delete.
CREATE OR REPLACE FUNCTION app_private.work_order_dependents()
RETURNS TABLE (table_name text, organization_column text, work_order_column text, key_expression text)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT c.conrelid::regclass::text,
         max(a.attname) FILTER (WHERE b.attname = 'organization_id'),
         max(a.attname) FILTER (WHERE b.attname = 'id'),
         CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_attribute AS i WHERE i.attrelid = c.conrelid AND i.attname = 'id' AND NOT i.attisdropped)
              THEN 't.id::text'
              ELSE (SELECT 'concat_ws(''|'', ' || string_agg(pg_catalog.format('t.%I', pa.attname), ', ' ORDER BY k.ord) || ')'
                      FROM pg_catalog.pg_constraint AS p
                     CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_catalog.pg_attribute AS pa ON pa.attrelid = p.conrelid AND pa.attnum = k.attnum
                     WHERE p.conrelid = c.conrelid AND p.contype = 'p') END
    FROM pg_catalog.pg_constraint AS c
   CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(src, dst)
    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.src
    JOIN pg_catalog.pg_attribute AS b ON b.attrelid = c.confrelid AND b.attnum = k.dst
   WHERE c.contype = 'f' AND c.confrelid = 'app.work_orders'::regclass AND c.confdeltype = 'c'
   GROUP BY c.oid, c.conrelid
  HAVING count(*) = 2 AND count(*) FILTER (WHERE b.attname IN ('organization_id', 'id')) = 2
   ORDER BY 1
$$;
COMMENT ON FUNCTION app_private.work_order_dependents() IS
  'The tables whose foreign key onto app.work_orders (organization_id, id) cascades on delete, with the referencing columns and the SQL of a row''s key (its id, else its primary key columns joined by |): what the archival carries along with a work order.';

-- Moves one work order and its dependent rows; false when it is not (or no
-- longer) eligible. The caller catches errors (a row some other table still
-- needs) and skips the work order.
CREATE OR REPLACE FUNCTION app_private.archive_work_order(p_organization_id uuid, p_id uuid, p_cutoff timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders;
  v_dep record;
BEGIN
  SELECT * INTO v_order FROM app.work_orders AS w
   WHERE w.organization_id = p_organization_id AND w.id = p_id AND w.status IN ('closed', 'cancelled')
     AND coalesce(w.closed_at, w.updated_at) < p_cutoff
     FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO app_private.archived_work_orders (organization_id, id, work_order_number, work_type, status, equipment_id, site_id,
                                                contractor_id, due_date, completed_at, closed_at, created_at, record)
  VALUES (v_order.organization_id, v_order.id, v_order.work_order_number, v_order.work_type, v_order.status, v_order.equipment_id,
          v_order.site_id, v_order.contractor_id, v_order.due_date, v_order.completed_at, v_order.closed_at, v_order.created_at,
          pg_catalog.to_jsonb(v_order) - 'search_vector');
  FOR v_dep IN SELECT * FROM app_private.work_order_dependents() LOOP
    EXECUTE pg_catalog.format(
      'INSERT INTO app_private.archived_work_order_rows (organization_id, work_order_id, source_table, row_key, record)
       SELECT $1, $2, %L, %s, pg_catalog.to_jsonb(t) FROM %s AS t WHERE t.%I = $1 AND t.%I = $2',
      v_dep.table_name, v_dep.key_expression, v_dep.table_name, v_dep.organization_column, v_dep.work_order_column)
    USING v_order.organization_id, v_order.id;
  END LOOP;
  -- The entity row stays (and what hangs off it); the cascade deletes the dependent rows, append-only ones may go because
  -- their copy is archived (tg__append_only).
  PERFORM app_private.archive_entity(v_order.organization_id, v_order.id);
  DELETE FROM app.work_orders AS w WHERE w.organization_id = v_order.organization_id AND w.id = v_order.id;
  RETURN true;
END
$$;
COMMENT ON FUNCTION app_private.archive_work_order(uuid, uuid, timestamptz) IS
  'Moves one closed or cancelled work order last changed before p_cutoff, and the rows of app_private.work_order_dependents() that reference it, to the archive tables, marks its entity row archived (it stays, with the checklists, comments, attachments, tags, stock movements and other rows hanging off it), then deletes it (the cascade deletes those rows); false when it is not eligible or locked.';

-- The job: every tenant, in batches of p_batch (each its own subtransaction
-- per work order, so one that cannot leave is skipped, not fatal), at most
-- p_max work orders a run. Idempotent: what moved is no longer a candidate.
CREATE OR REPLACE FUNCTION app_private.archive_work_orders(p_batch integer DEFAULT 500, p_max integer DEFAULT 100000) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_org record;
  v_last uuid;
  v_ids uuid[];
  v_id uuid;
  v_moved integer := 0;
  v_skipped integer := 0;
BEGIN
  IF p_batch IS NULL OR p_batch < 1 OR p_batch > 10000 OR p_max IS NULL OR p_max < 1 THEN
    RAISE EXCEPTION 'batch must be 1 to 10000 and the maximum at least 1' USING ERRCODE = 'PT422', DETAIL = 'archive.batch_invalid',
      HINT = 'Call app_private.archive_work_orders(500, 100000).';
  END IF;
  FOR v_org IN
    SELECT o.id, now() - pg_catalog.make_interval(years => app_private.setting(o.id, 'maintenance_archive_after_years', NULL::integer)) AS cutoff
      FROM app.organizations AS o WHERE o.deleted_at IS NULL ORDER BY o.id
  LOOP
    CONTINUE WHEN v_org.cutoff IS NULL;
    v_last := '00000000-0000-0000-0000-000000000000';
    LOOP
      EXIT WHEN v_moved >= p_max;
      SELECT array_agg(c.id ORDER BY c.id) INTO v_ids
        FROM (SELECT w.id FROM app.work_orders AS w
               WHERE w.organization_id = v_org.id AND w.status IN ('closed', 'cancelled')
                 AND coalesce(w.closed_at, w.updated_at) < v_org.cutoff AND w.id > v_last
               ORDER BY w.id LIMIT least(p_batch, p_max - v_moved)) AS c;
      EXIT WHEN v_ids IS NULL;
      FOREACH v_id IN ARRAY v_ids LOOP
        BEGIN
          IF app_private.archive_work_order(v_org.id, v_id, v_org.cutoff) THEN
            v_moved := v_moved + 1;
          END IF;
        EXCEPTION WHEN OTHERS THEN
          v_skipped := v_skipped + 1;
          RAISE WARNING 'work order % of tenant % not archived: %', v_id, v_org.id, SQLERRM;
        END;
      END LOOP;
      v_last := v_ids[array_upper(v_ids, 1)];
    END LOOP;
  END LOOP;
  RETURN v_moved;
END
$$;
COMMENT ON FUNCTION app_private.archive_work_orders(integer, integer) IS
  'The job archive-work-orders: per tenant, closed and cancelled work orders whose closing (or cancelling: last change) is older than maintenance_archive_after_years move to the archive with their dependent rows (app_private.archive_work_order), p_batch at a time, at most p_max a run; one that cannot leave (another table still needs it) is skipped with a warning. Returns how many moved. PT422 archive.batch_invalid.';

-- A stop names a live work order of its tenant when recorded (the foreign
-- key it had would keep a work order from ever being archived).
CREATE OR REPLACE FUNCTION app_private.tg_downtime_events__check_work_order() RETURNS trigger
LANGUAGE plpgsql VOLATILE
-- Definer, as the foreign key it stands in for: the work order exists in the tenant, whoever can read it.
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.work_order_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.work_order_id IS DISTINCT FROM OLD.work_order_id)
     AND NOT EXISTS (SELECT FROM app.work_orders AS w WHERE w.organization_id = NEW.organization_id AND w.id = NEW.work_order_id) THEN
    RAISE EXCEPTION 'work order % not found', NEW.work_order_id USING ERRCODE = 'PT404', DETAIL = 'work_order.not_found',
      HINT = 'A stop names a work order of its tenant that is not archived.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_downtime_events__check_work_order() IS
  'BEFORE INSERT or UPDATE on app.downtime_events: a work order named is a live one of the tenant, as the foreign key it replaces checked (PT404 work_order.not_found); it may be archived later and the stop keeps its id.';
CREATE OR REPLACE TRIGGER _300_check_work_order BEFORE INSERT OR UPDATE OF work_order_id ON app.downtime_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_downtime_events__check_work_order();

-- Archived work orders, read as the live ones are (auth.may_read_work_order).
CREATE OR REPLACE VIEW app.archived_work_orders WITH (security_barrier) AS
SELECT a.organization_id, a.id, a.work_order_number, a.work_type, a.status, a.equipment_id, a.site_id, a.contractor_id, a.due_date,
       a.completed_at, a.closed_at, a.created_at, a.archived_at, a.record
  FROM app_private.archived_work_orders AS a
 WHERE a.organization_id = (SELECT auth.org_id()) AND auth.may_read_work_order(a.site_id, a.contractor_id)
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.archived_work_orders IS
  E'Archived work orders\nClosed and cancelled work orders moved to the archive by the job archive-work-orders (older than the tenant''s maintenance_archive_after_years), read by whoever could read them live: staff with a work_order permission tenant-wide or at the plant, a contractor''s portal user those given to their company. record holds the whole row as it was.';
COMMENT ON COLUMN app.archived_work_orders.organization_id IS E'Tenant';
COMMENT ON COLUMN app.archived_work_orders.id IS E'Work order id';
COMMENT ON COLUMN app.archived_work_orders.work_order_number IS E'Work order number';
COMMENT ON COLUMN app.archived_work_orders.work_type IS E'Type';
COMMENT ON COLUMN app.archived_work_orders.status IS E'Status\nclosed or cancelled.';
COMMENT ON COLUMN app.archived_work_orders.equipment_id IS E'Primary asset';
COMMENT ON COLUMN app.archived_work_orders.site_id IS E'Plant';
COMMENT ON COLUMN app.archived_work_orders.contractor_id IS E'Contractor';
COMMENT ON COLUMN app.archived_work_orders.due_date IS E'Due date';
COMMENT ON COLUMN app.archived_work_orders.completed_at IS E'Completed at';
COMMENT ON COLUMN app.archived_work_orders.closed_at IS E'Closed at';
COMMENT ON COLUMN app.archived_work_orders.created_at IS E'Created at';
COMMENT ON COLUMN app.archived_work_orders.archived_at IS E'Archived at';
COMMENT ON COLUMN app.archived_work_orders.record IS E'Record\nThe work order as it was (JSON).';

CREATE OR REPLACE VIEW app.archived_work_order_rows WITH (security_barrier) AS
SELECT r.organization_id, r.work_order_id, r.source_table, r.row_key, r.archived_at,
       -- A labour entry's rate and cost are shown as on the live table (app.labour_entry_costs).
       CASE WHEN r.source_table = 'app.labour_entries'
                 AND NOT ((SELECT auth.is_platform_operator()) OR auth.may_see_labour_cost(a.site_id, (r.record ->> 'user_id')::uuid))
            THEN r.record - 'hourly_rate' - 'cost' ELSE r.record END AS record
  FROM app_private.archived_work_order_rows AS r
  JOIN app_private.archived_work_orders AS a ON a.organization_id = r.organization_id AND a.id = r.work_order_id
 WHERE r.organization_id = (SELECT auth.org_id()) AND auth.may_read_work_order(a.site_id, a.contractor_id)
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.archived_work_order_rows IS
  E'Archived work order rows\nThe labour entries, contractor charges, assets (and other dependent rows) of archived work orders, as JSON with the table they came from; read by whoever reads the work order (app.archived_work_orders), a labour entry''s hourly_rate and cost only by whoever may see them (app.labour_entry_costs).';
COMMENT ON COLUMN app.archived_work_order_rows.organization_id IS E'Tenant';
COMMENT ON COLUMN app.archived_work_order_rows.work_order_id IS E'Work order';
COMMENT ON COLUMN app.archived_work_order_rows.source_table IS E'Source table\nschema.table the row came from, e.g. app.labour_entries.';
COMMENT ON COLUMN app.archived_work_order_rows.row_key IS E'Row key\nIts id, else its primary key columns joined by |.';
COMMENT ON COLUMN app.archived_work_order_rows.archived_at IS E'Archived at';
COMMENT ON COLUMN app.archived_work_order_rows.record IS E'Record\nThe row as it was (JSON).';

-- What hangs off an archived work order's entity row is read through the archive view.
SELECT app_private.register_entity_archive('work_order', 'app.archived_work_orders');
