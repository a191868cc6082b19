-- Revert pulse:lab/reagents from pg

BEGIN;

DROP TABLE app_private.reagent_low_stock CASCADE;
DROP TABLE app.reagent_uses CASCADE;
DROP TABLE app.reagent_lots CASCADE;
DROP TABLE app.reagent_items CASCADE;
DROP TYPE app.reagent_lot_status CASCADE;
DROP TYPE app.reagent_kind CASCADE;

COMMIT;
