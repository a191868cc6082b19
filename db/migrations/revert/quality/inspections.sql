-- Revert pulse:quality/inspections from pg

BEGIN;

DELETE FROM app_private.append_heavy_tables WHERE table_name = 'app.measurements';
DELETE FROM partman.part_config WHERE parent_table = 'app.measurements';
DROP TABLE app.spc_signals, app.spc_baselines, app.spc_subgroups, app.measurements, app.inspection_characteristics, app.inspections CASCADE;
DROP TABLE IF EXISTS partman.template_app_measurements;
DROP TYPE app.inspection_status, app.inspection_kind;

COMMIT;
