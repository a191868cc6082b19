-- Revert pulse:traceability/lots from pg

BEGIN;

DROP TABLE app.trace_status_changes, app.genealogy_edges, app.serials, app.lots, app.trace_number_patterns,
           app_private.default_trace_number_patterns CASCADE;
DROP TYPE app.trace_inventory_state, app.trace_quality_status, app.trace_item_kind CASCADE;

COMMIT;
