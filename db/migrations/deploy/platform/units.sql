-- Deploy pulse:platform/units to pg
-- requires: platform/entities

BEGIN;

-- Units of measure: one global reference, the same for every tenant, that
-- platform operators extend (db/seeds/reference/50_units.sql holds the
-- starting set). A unit belongs to a dimension and converts to the
-- dimension's base unit affinely: base = value * factor + base_offset
-- (the offset is what temperatures need: degC -> K adds 273.15).
-- app.convert_unit reads it. docs/platform/units.md says why a table and not
-- the postgresql-unit extension.
CREATE TABLE app.units (
  code text PRIMARY KEY CONSTRAINT units_code_format CHECK (code ~ '^[A-Za-z0-9%][A-Za-z0-9_%./^-]{0,31}$'),
  dimension text NOT NULL CONSTRAINT units_dimension_format CHECK (dimension ~ '^[a-z][a-z0-9_]{0,62}$'),
  name text NOT NULL CONSTRAINT units_name_length CHECK (length(name) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT units_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  symbol text NOT NULL CONSTRAINT units_symbol_length CHECK (length(symbol) BETWEEN 1 AND 32),
  factor numeric NOT NULL CONSTRAINT units_factor_positive CHECK (factor > 0),
  base_offset numeric NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One base unit per dimension (factor 1, offset 0).
CREATE UNIQUE INDEX units_one_base_idx ON app.units (dimension) WHERE factor = 1 AND base_offset = 0;
CREATE INDEX units_dimension_idx ON app.units (dimension);

COMMENT ON TABLE app.units IS
  E'Units of measure\nThe global reference of units (the same for every tenant; platform operators add units): each belongs to a dimension and converts to the dimension''s base unit as value * factor + base_offset. POST /rpc/convert_unit converts between units of one dimension.';
COMMENT ON COLUMN app.units.code IS 'Unit code used in values and arguments (e.g. mm, kg, degC), case-sensitive (mm is not Mm).';
COMMENT ON COLUMN app.units.dimension IS 'What the unit measures (length, mass, temperature, ...); only units of one dimension convert into each other.';
COMMENT ON COLUMN app.units.name IS 'Name people read (e.g. millimetre), in the default language.';
COMMENT ON COLUMN app.units.labels IS 'Translations of the name by locale ({"de": "Millimeter"}).';
COMMENT ON COLUMN app.units.symbol IS 'Symbol shown after a value (e.g. mm, °C).';
COMMENT ON COLUMN app.units.factor IS 'Multiplier to the dimension''s base unit (1 for the base unit itself).';
COMMENT ON COLUMN app.units.base_offset IS 'Added after the factor to reach the base unit (273.15 for degC to K; 0 for most units).';
COMMENT ON COLUMN app.units.created_at IS 'When the unit was added.';
COMMENT ON COLUMN app.units.updated_at IS 'When it was last changed.';

COMMIT;
