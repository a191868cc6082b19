-- Deploy pulse:maintenance/assets to pg
-- requires: platform/equipment

BEGIN;

-- Maintenance assets (domain 90_maintenance): an asset is equipment of the
-- platform register; what maintenance adds lives in a 1:1 table keyed by the
-- equipment's own id (the register stays the one shared by the lab, quality
-- and maintenance, and no other domain carries maintenance columns):
-- hierarchy level, criticality, warranty, commissioning date, location as
-- PostGIS geography (points; boundaries as polygons). Meters and their
-- append-only readings (usage for usage-based PM), failure codes per asset
-- class (problems, causes, remedies and the allowed combinations).

-- PostGIS lives in public like the other extensions (pgcrypto, btree_gist,
-- pg_trgm); code reaches it schema-qualified (public.st_dwithin).
CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;
-- Functions created after core's ALTER DEFAULT PRIVILEGES have no EXECUTE
-- for PUBLIC; the signed-in API roles get PostGIS's (the spatial RPCs and the
-- GeoJSON computed fields run as the caller). anon gets none.
DO $$
DECLARE
  v_function regprocedure;
BEGIN
  FOR v_function IN
    SELECT d.objid::regprocedure FROM pg_catalog.pg_depend AS d
     WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.refclassid = 'pg_catalog.pg_extension'::regclass
       AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'postgis') AND d.deptype = 'e'
  LOOP
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO app_user, app_admin', v_function);
  END LOOP;
END
$$;

CREATE TYPE app.asset_level AS ENUM ('site', 'area', 'line', 'machine', 'component');
COMMENT ON TYPE app.asset_level IS 'Where an asset sits in the plant hierarchy, top to bottom: site, area, line, machine, component. A parent''s level is above its child''s.';
CREATE TYPE app.failure_code_kind AS ENUM ('problem', 'cause', 'remedy');
COMMENT ON TYPE app.failure_code_kind IS 'What a failure code names: the problem seen, its cause, or the remedy applied.';

CREATE TABLE app.assets (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  equipment_id uuid NOT NULL,
  level app.asset_level NOT NULL DEFAULT 'machine',
  criticality text NOT NULL DEFAULT 'B' CONSTRAINT assets_criticality_abc CHECK (criticality IN ('A', 'B', 'C')),
  commissioned_on date,
  warranty_starts_on date,
  warranty_ends_on date,
  warranty_provider_id uuid,
  longitude double precision,
  latitude double precision,
  location public.geography(Point, 4326) GENERATED ALWAYS AS (
    CASE WHEN longitude IS NOT NULL AND latitude IS NOT NULL
         THEN public.geography(public.st_setsrid(public.st_makepoint(longitude, latitude), 4326)) END) STORED,
  boundary_geojson jsonb CONSTRAINT assets_boundary_object CHECK (jsonb_typeof(boundary_geojson) = 'object'),
  boundary public.geography(Polygon, 4326) GENERATED ALWAYS AS (
    CASE WHEN boundary_geojson IS NOT NULL
         THEN public.geography(public.st_setsrid(public.st_geomfromgeojson(boundary_geojson), 4326)) END) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, equipment_id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, warranty_provider_id) REFERENCES app.partners (organization_id, id),
  CONSTRAINT assets_warranty_order CHECK (warranty_ends_on IS NULL OR warranty_starts_on IS NULL OR warranty_ends_on >= warranty_starts_on),
  CONSTRAINT assets_lon_range CHECK (longitude BETWEEN -180 AND 180),
  CONSTRAINT assets_lat_range CHECK (latitude BETWEEN -90 AND 90),
  CONSTRAINT assets_point_whole CHECK ((longitude IS NULL) = (latitude IS NULL))
);
-- btree_gist gives the tenant an equality slot in the spatial index, so a
-- radius or nearest-N search reads only the tenant's points.
CREATE INDEX assets_location_idx ON app.assets USING gist (organization_id, location);
CREATE INDEX assets_boundary_idx ON app.assets USING gist (organization_id, boundary);
CREATE INDEX assets_warranty_provider_idx ON app.assets (organization_id, warranty_provider_id);
COMMENT ON TABLE app.assets IS
  E'Maintenance assets\nWhat maintenance keeps about a piece of equipment (one row per equipment, keyed by it): level in the plant hierarchy, criticality, warranty, commissioning, location on the map. Seen by who sees the equipment with asset.read (tenant-wide or at its site).';
COMMENT ON COLUMN app.assets.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.assets.equipment_id IS E'Equipment\nThe equipment this asset is (equipment.id); the key.';
COMMENT ON COLUMN app.assets.level IS E'Level\nsite, area, line, machine or component; the parent equipment''s level is above.';
COMMENT ON COLUMN app.assets.criticality IS E'Criticality\nA: a stop halts production or is a safety or environmental risk; B: a stop costs output but there is slack or redundancy; C: may run to failure.';
COMMENT ON COLUMN app.assets.commissioned_on IS E'Commissioned on';
COMMENT ON COLUMN app.assets.warranty_starts_on IS E'Warranty starts on';
COMMENT ON COLUMN app.assets.warranty_ends_on IS E'Warranty ends on\nLast day covered (on or after the start).';
COMMENT ON COLUMN app.assets.warranty_provider_id IS E'Warranty provider\nThe partner giving the warranty (partners.id).';
COMMENT ON COLUMN app.assets.longitude IS E'Longitude\nWGS 84 degrees, -180 to 180; with latitude it gives the location.';
COMMENT ON COLUMN app.assets.latitude IS E'Latitude\nWGS 84 degrees, -90 to 90.';
COMMENT ON COLUMN app.assets.location IS E'Location\nThe point (geography, SRID 4326) from longitude and latitude; read it as GeoJSON in geojson.';
COMMENT ON COLUMN app.assets.boundary_geojson IS E'Boundary (GeoJSON)\nThe outline of a site or area as a GeoJSON Polygon in WGS 84 ({"type": "Polygon", "coordinates": [[[lon, lat], ...]]}).';
COMMENT ON COLUMN app.assets.boundary IS E'Boundary\nThe outline as geography (SRID 4326), from boundary_geojson; assets_in_area finds what lies inside.';
COMMENT ON COLUMN app.assets.created_at IS E'Created at';
COMMENT ON COLUMN app.assets.updated_at IS E'Updated at';

CREATE TABLE app.meters (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  name text NOT NULL CONSTRAINT meters_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  unit text NOT NULL REFERENCES app.units (code),
  is_active boolean NOT NULL DEFAULT true,
  last_value numeric,
  last_read_at timestamptz,
  usage_total numeric NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT meters_name_unique UNIQUE (organization_id, equipment_id, name),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX meters_unit_idx ON app.meters (unit);
COMMENT ON TABLE app.meters IS
  E'Meters\nCounters on an asset (operating hours, cycles, distance, ...) in a unit of the units register; the latest reading and the usage counted over every reading are kept here by the readings.';
COMMENT ON COLUMN app.meters.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.meters.id IS E'Meter id';
COMMENT ON COLUMN app.meters.equipment_id IS E'Equipment\nThe asset measured (equipment.id).';
COMMENT ON COLUMN app.meters.name IS E'Name\nUnique per asset (Operating hours, Spindle cycles).';
COMMENT ON COLUMN app.meters.unit IS E'Unit\nA unit of the units register (units.code: h, km, ...).';
COMMENT ON COLUMN app.meters.is_active IS E'Active\nWhether readings may be recorded.';
COMMENT ON COLUMN app.meters.last_value IS E'Current value\nThe value of the latest reading (server-managed).';
COMMENT ON COLUMN app.meters.last_read_at IS E'Last read at\nWhen the latest reading was taken (server-managed).';
COMMENT ON COLUMN app.meters.usage_total IS E'Usage total\nUsage over all readings, resets included (server-managed): what usage-based maintenance counts.';
COMMENT ON COLUMN app.meters.created_at IS E'Created at';
COMMENT ON COLUMN app.meters.updated_at IS E'Updated at';

CREATE TABLE app.meter_readings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  meter_id uuid NOT NULL,
  read_at timestamptz NOT NULL DEFAULT now(),
  value numeric NOT NULL CONSTRAINT meter_readings_value_nonnegative CHECK (value >= 0),
  is_reset boolean NOT NULL DEFAULT false,
  reset_reason text CONSTRAINT meter_readings_reset_reason_length CHECK (length(reset_reason) <= 500),
  usage numeric NOT NULL DEFAULT 0,
  usage_total numeric NOT NULL DEFAULT 0,
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, meter_id) REFERENCES app.meters (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT meter_readings_reset_has_reason CHECK (NOT is_reset OR length(btrim(reset_reason)) > 0)
);
CREATE INDEX meter_readings_meter_idx ON app.meter_readings (organization_id, meter_id, read_at DESC);
CREATE INDEX meter_readings_recorded_by_idx ON app.meter_readings (recorded_by);
COMMENT ON TABLE app.meter_readings IS
  E'Meter readings\nReadings of a meter, append-only, in time order: a value never below the one before unless the reading is a reset (meter replaced or zeroed) with a reason.';
COMMENT ON COLUMN app.meter_readings.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.meter_readings.id IS E'Reading id';
COMMENT ON COLUMN app.meter_readings.meter_id IS E'Meter\nThe meter read (meters.id).';
COMMENT ON COLUMN app.meter_readings.read_at IS E'Read at\nWhen the meter showed the value; not before the meter''s latest reading, not in the future; defaults to now.';
COMMENT ON COLUMN app.meter_readings.value IS E'Value\nWhat the meter showed, in the meter''s unit.';
COMMENT ON COLUMN app.meter_readings.is_reset IS E'Reset\nThe meter was replaced or zeroed: the value may be below the one before and starts a new count.';
COMMENT ON COLUMN app.meter_readings.reset_reason IS E'Reset reason\nWhy the meter was reset; required for a reset.';
COMMENT ON COLUMN app.meter_readings.usage IS E'Usage\nThe increase since the reading before (0 for the first reading and for a reset; server-managed).';
COMMENT ON COLUMN app.meter_readings.usage_total IS E'Usage total\nThe meter''s usage over all readings up to this one (server-managed).';
COMMENT ON COLUMN app.meter_readings.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.meter_readings.recorded_at IS E'Recorded at';

CREATE TABLE app.failure_codes (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  kind app.failure_code_kind NOT NULL,
  code text NOT NULL CONSTRAINT failure_codes_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9_.-]{0,31}$'),
  name text NOT NULL CONSTRAINT failure_codes_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT failure_codes_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT failure_codes_code_unique UNIQUE (organization_id, kind, code),
  CONSTRAINT failure_codes_kind_key UNIQUE (organization_id, id, kind)
);
COMMENT ON TABLE app.failure_codes IS
  E'Failure codes\nThe tenant''s code lists of problems (LEAK), causes (SEAL-WORN) and remedies (REPLACE-SEAL); which combinations apply to which asset class is in failure_code_combinations.';
COMMENT ON COLUMN app.failure_codes.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.failure_codes.id IS E'Failure code id';
COMMENT ON COLUMN app.failure_codes.kind IS E'Kind\nproblem, cause or remedy.';
COMMENT ON COLUMN app.failure_codes.code IS E'Code\nUppercase, unique per kind in the tenant (LEAK).';
COMMENT ON COLUMN app.failure_codes.name IS E'Name\nDefault name; translations in labels.';
COMMENT ON COLUMN app.failure_codes.labels IS E'Translations\nThe name per locale ({"de": "Leckage"}).';
COMMENT ON COLUMN app.failure_codes.is_active IS E'Active\nWhether new work may use the code.';
COMMENT ON COLUMN app.failure_codes.created_at IS E'Created at';
COMMENT ON COLUMN app.failure_codes.updated_at IS E'Updated at';

CREATE TABLE app.failure_code_combinations (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  class_id uuid NOT NULL,
  problem_id uuid NOT NULL,
  problem_kind app.failure_code_kind NOT NULL DEFAULT 'problem' CONSTRAINT failure_code_combinations_problem_kind CHECK (problem_kind = 'problem'),
  cause_id uuid NOT NULL,
  cause_kind app.failure_code_kind NOT NULL DEFAULT 'cause' CONSTRAINT failure_code_combinations_cause_kind CHECK (cause_kind = 'cause'),
  remedy_id uuid NOT NULL,
  remedy_kind app.failure_code_kind NOT NULL DEFAULT 'remedy' CONSTRAINT failure_code_combinations_remedy_kind CHECK (remedy_kind = 'remedy'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT failure_code_combinations_unique UNIQUE (organization_id, class_id, problem_id, cause_id, remedy_id),
  FOREIGN KEY (organization_id, class_id) REFERENCES app.equipment_classes (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, problem_id, problem_kind) REFERENCES app.failure_codes (organization_id, id, kind) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, cause_id, cause_kind) REFERENCES app.failure_codes (organization_id, id, kind) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, remedy_id, remedy_kind) REFERENCES app.failure_codes (organization_id, id, kind) ON DELETE CASCADE
);
CREATE INDEX failure_code_combinations_problem_idx ON app.failure_code_combinations (organization_id, problem_id);
CREATE INDEX failure_code_combinations_cause_idx ON app.failure_code_combinations (organization_id, cause_id);
CREATE INDEX failure_code_combinations_remedy_idx ON app.failure_code_combinations (organization_id, remedy_id);
COMMENT ON TABLE app.failure_code_combinations IS
  E'Allowed failure code combinations\nPer asset class, the problem -> cause -> remedy triples work on its assets may record; any other triple is refused (app.check_failure_codes).';
COMMENT ON COLUMN app.failure_code_combinations.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.failure_code_combinations.id IS E'Combination id';
COMMENT ON COLUMN app.failure_code_combinations.class_id IS E'Asset class\nThe equipment class (equipment_classes.id).';
COMMENT ON COLUMN app.failure_code_combinations.problem_id IS E'Problem\nA failure code of kind problem.';
COMMENT ON COLUMN app.failure_code_combinations.problem_kind IS E'Problem kind\nAlways problem (keeps the key to a problem code).';
COMMENT ON COLUMN app.failure_code_combinations.cause_id IS E'Cause\nA failure code of kind cause.';
COMMENT ON COLUMN app.failure_code_combinations.cause_kind IS E'Cause kind\nAlways cause.';
COMMENT ON COLUMN app.failure_code_combinations.remedy_id IS E'Remedy\nA failure code of kind remedy.';
COMMENT ON COLUMN app.failure_code_combinations.remedy_kind IS E'Remedy kind\nAlways remedy.';
COMMENT ON COLUMN app.failure_code_combinations.created_at IS E'Created at';

COMMIT;
