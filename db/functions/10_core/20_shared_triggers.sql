-- Trigger functions shared by every domain: timestamps and append-only tables.

CREATE OR REPLACE FUNCTION app_private.tg__touch_updated_at() RETURNS trigger
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg__touch_updated_at() IS 'BEFORE UPDATE: stamps updated_at.';

CREATE OR REPLACE FUNCTION app_private.tg__append_only() RETURNS trigger
LANGUAGE plpgsql VOLATILE
-- Definer: it asks private helpers and the archive, which the API role that fires it may not read.
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'DELETE' AND app_private.tenant_is_leaving((pg_catalog.to_jsonb(OLD) ->> 'organization_id')::uuid) THEN
    RETURN OLD;
  END IF;
  -- A row archived with its work order (90_maintenance/96_archive.sql) leaves once its copy is in the archive.
  IF TG_OP = 'DELETE' AND EXISTS (SELECT FROM app_private.archived_work_order_rows AS a
                                   WHERE a.organization_id = (pg_catalog.to_jsonb(OLD) ->> 'organization_id')::uuid
                                     AND a.source_table = TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME
                                     AND a.row_key = pg_catalog.to_jsonb(OLD) ->> 'id') THEN
    RETURN OLD;
  END IF;
  -- A measurement past its tenant's retention that no SPC baseline in force was computed from leaves
  -- (80_quality/44_measurement_retention.sql); the trigger runs on its partitions, so the root names the table.
  IF TG_OP = 'DELETE' AND pg_catalog.pg_partition_root(TG_RELID) = pg_catalog.to_regclass('app.measurements') THEN
    IF app_private.measurement_expired((pg_catalog.to_jsonb(OLD) ->> 'organization_id')::uuid, (pg_catalog.to_jsonb(OLD) ->> 'characteristic_id')::uuid,
                                       (pg_catalog.to_jsonb(OLD) ->> 'subgroup')::integer, (pg_catalog.to_jsonb(OLD) ->> 'measured_at')::timestamptz) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, pg_catalog.lower(TG_OP) USING ERRCODE = 'PT409',
    DETAIL = 'row.append_only', HINT = 'Rows leave only with their tenant, through app.purge_organization.';
END
$$;

COMMENT ON FUNCTION app_private.tg__append_only() IS
  'BEFORE UPDATE or DELETE on an append-only trail (approval history, access log, stage transitions): refused (PT409, reason row.append_only), except the purge of a tenant, the archival of a work order''s rows once copied to app_private.archived_work_order_rows, and the deletion of a measurement past its tenant''s retention that no SPC baseline in force was computed from (app_private.measurement_expired).';
