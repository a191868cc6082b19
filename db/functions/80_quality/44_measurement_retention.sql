-- Measurement retention per tenant: the typed tenant setting
-- measurement_retention_years (db/seeds/reference/50_platform.sql: at least
-- 2, 15 by default; why in docs/manufacturing/inspection.md "Retention")
-- says how long a tenant's measurements stay; the purge-measurements job
-- (app_private.jobs(), pg_cron) removes older ones: whole monthly partitions
-- when every tenant with rows in one allows it, else row by row. The data an
-- SPC baseline in force was computed from stays while the baseline is in
-- force (its limits can be checked against it), whatever its age. Subgroup
-- summaries, baselines, signals, inspections and FAI reports are not
-- partitioned and stay. Measurements are otherwise append-only
-- (app_private.tg__append_only asks app_private.measurement_expired).

-- Years a tenant keeps its measurements: the setting in force.
CREATE OR REPLACE FUNCTION app_private.measurement_retention_years(p_organization_id uuid) RETURNS integer
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT app_private.setting(p_organization_id, 'measurement_retention_years', NULL::integer);
$$;
COMMENT ON FUNCTION app_private.measurement_retention_years(uuid) IS
  'Years a tenant keeps its measurements: its measurement_retention_years setting, else the platform default (15).';

-- The fewest years any tenant may keep measurements: the setting's schema minimum.
CREATE OR REPLACE FUNCTION app_private.measurement_retention_floor() RETURNS integer
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT (d.value_schema ->> 'minimum')::integer FROM app_private.setting_definitions AS d WHERE d.key = 'measurement_retention_years';
$$;
COMMENT ON FUNCTION app_private.measurement_retention_floor() IS
  'The fewest years a tenant may keep measurements: the minimum of the measurement_retention_years setting''s schema (2).';

-- Whether a measurement may leave: taken before its tenant's retention
-- (as of now) and not in the subgroup range of an SPC baseline in force of
-- its characteristic.
CREATE OR REPLACE FUNCTION app_private.measurement_expired(p_organization_id uuid, p_characteristic_id uuid, p_subgroup integer,
                                                           p_measured_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT p_measured_at < pg_catalog.now() - pg_catalog.make_interval(years => app_private.measurement_retention_years(p_organization_id))
     AND NOT EXISTS (SELECT FROM app.spc_baselines AS b
                      WHERE b.organization_id = p_organization_id AND b.characteristic_id = p_characteristic_id
                        AND b.superseded_at IS NULL AND p_subgroup BETWEEN b.from_subgroup AND b.to_subgroup);
$$;
COMMENT ON FUNCTION app_private.measurement_expired(uuid, uuid, integer, timestamptz) IS
  'Whether a measurement is past its tenant''s retention (measurement_retention_years, as of now) and no SPC baseline in force of its characteristic was computed from its subgroup: then, and only then, it may be deleted (app_private.tg__append_only).';

-- The job. No SET search_path (it runs partman''s catalog functions, which
-- set their own): every name is qualified.
CREATE OR REPLACE FUNCTION app_private.purge_measurements() RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_floor interval := pg_catalog.make_interval(years => app_private.measurement_retention_floor());
  v_partition record;
  v_droppable boolean;
  v_dropped integer := 0;
  v_dropped_rows bigint := 0;
  v_rows bigint;
  v_deleted integer;
BEGIN
  -- Whole months: a partition whose range ended more than the floor ago goes
  -- when every tenant with rows in it keeps measurements for less than its
  -- age and none of its rows is baseline data in force. Oldest first.
  FOR v_partition IN
    SELECT p.partition_schemaname AS schema_name, p.partition_tablename AS table_name, i.child_end_time
      FROM partman.show_partitions('app.measurements', 'ASC') AS p,
           LATERAL partman.show_partition_info(pg_catalog.format('%I.%I', p.partition_schemaname, p.partition_tablename),
                                               p_parent_table => 'app.measurements') AS i
     WHERE i.child_end_time <= pg_catalog.now() - v_floor
  LOOP
    EXECUTE pg_catalog.format(
      $q$SELECT NOT EXISTS (SELECT FROM (SELECT DISTINCT m.organization_id FROM %1$I.%2$I AS m) AS t
                             WHERE $1 > pg_catalog.now() - pg_catalog.make_interval(years => app_private.measurement_retention_years(t.organization_id)))
            AND NOT EXISTS (SELECT FROM app.spc_baselines AS b
                             WHERE b.superseded_at IS NULL
                               AND EXISTS (SELECT FROM %1$I.%2$I AS m
                                            WHERE m.organization_id = b.organization_id AND m.characteristic_id = b.characteristic_id
                                              AND m.subgroup BETWEEN b.from_subgroup AND b.to_subgroup)),
              (SELECT pg_catalog.count(*) FROM %1$I.%2$I)$q$,
      v_partition.schema_name, v_partition.table_name)
      USING v_partition.child_end_time INTO v_droppable, v_rows;
    IF v_droppable THEN
      EXECUTE pg_catalog.format('DROP TABLE %I.%I', v_partition.schema_name, v_partition.table_name);
      v_dropped := v_dropped + 1;
      v_dropped_rows := v_dropped_rows + v_rows;
    END IF;
  END LOOP;
  -- Rows: the rest past their tenant's retention (the delete guard checks each again).
  WITH cutoff AS (
    SELECT o.id AS organization_id,
           pg_catalog.now() - pg_catalog.make_interval(years => app_private.measurement_retention_years(o.id)) AS before
      FROM app.organizations AS o
  )
  DELETE FROM app.measurements AS m
   USING cutoff AS c
   WHERE m.organization_id = c.organization_id AND m.measured_at < c.before
     AND m.measured_at < pg_catalog.now() - v_floor
     AND NOT EXISTS (SELECT FROM app.spc_baselines AS b
                      WHERE b.organization_id = m.organization_id AND b.characteristic_id = m.characteristic_id
                        AND b.superseded_at IS NULL AND m.subgroup BETWEEN b.from_subgroup AND b.to_subgroup);
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  RETURN pg_catalog.format('%s partitions dropped (%s measurements), %s measurements deleted', v_dropped, v_dropped_rows, v_deleted);
END
$$;
COMMENT ON FUNCTION app_private.purge_measurements() IS
  'Scheduled job purge-measurements: drops each monthly partition of app.measurements older than the retention floor when every tenant with rows in it keeps measurements for less than its age and none of them is data of an SPC baseline in force, then deletes the other measurements past their tenant''s measurement_retention_years (never baseline data in force). Returns a one-line summary.';
