-- Verify pulse:platform/partitions on pg

BEGIN;

SELECT retention, premake FROM app_private.partition_settings WHERE false;
SELECT table_name, control_column, partition_interval, why FROM app_private.append_heavy_tables WHERE false;
SELECT 1 / (relkind = 'p')::int FROM pg_catalog.pg_class WHERE oid = 'audit.activity_log'::regclass;
SELECT 1 / count(*)::int FROM partman.part_config WHERE parent_table = 'audit.activity_log';

ROLLBACK;
