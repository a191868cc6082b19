-- Deploy pulse:quality/gauge_substitution to pg
-- requires: quality/gap_fixes

BEGIN;

-- A measurement taken with another gauge than the characteristic's planned
-- one (an equivalent: a measuring device of the planned gauge's class)
-- records the planned gauge it stood in for (app.record_measurement).
ALTER TABLE app.measurements ADD COLUMN substituted_gauge_id uuid,
  ADD CONSTRAINT measurements_substituted_gauge_fkey FOREIGN KEY (organization_id, substituted_gauge_id) REFERENCES app.equipment (organization_id, id),
  ADD CONSTRAINT measurements_substitution_differs CHECK (substituted_gauge_id IS NULL OR substituted_gauge_id <> gauge_id);
CREATE INDEX measurements_substituted_gauge_idx ON app.measurements (organization_id, substituted_gauge_id) WHERE substituted_gauge_id IS NOT NULL;
COMMENT ON COLUMN app.measurements.substituted_gauge_id IS
  E'Substituted for\nThe characteristic''s planned gauge (equipment.id) that gauge_id, an equivalent of the same class, stood in for; empty when the planned gauge (or, with none planned, any measuring device of the plant) was used.';

COMMIT;
