-- Deploy pulse:lab/storage to pg
-- requires: lab/core

BEGIN;

-- Where samples are kept (a tree of locations: site -> room -> freezer ->
-- rack -> box -> position) and who had them (the chain of custody). A
-- sample's current place is samples.storage_location_id (or a person, or
-- outside the lab), written only by the custody RPCs together with the
-- custody event that took it there.

CREATE TYPE app.storage_location_kind AS ENUM
  ('site', 'building', 'room', 'freezer', 'fridge', 'incubator', 'cabinet', 'shelf', 'rack', 'box', 'position');
COMMENT ON TYPE app.storage_location_kind IS
  'What a storage location is: site, building, room, freezer, fridge, incubator, cabinet, shelf, rack, box or position (one sample).';

CREATE TABLE app.storage_locations (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  parent_id uuid,
  site_id uuid,
  kind app.storage_location_kind NOT NULL,
  is_position boolean GENERATED ALWAYS AS (kind = 'position') STORED,
  code text NOT NULL CONSTRAINT storage_locations_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  name text NOT NULL CONSTRAINT storage_locations_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  capacity integer CONSTRAINT storage_locations_capacity_positive CHECK (capacity >= 1),
  min_celsius numeric CONSTRAINT storage_locations_min_range CHECK (min_celsius BETWEEN -273.15 AND 1000),
  max_celsius numeric CONSTRAINT storage_locations_max_range CHECK (max_celsius BETWEEN -273.15 AND 1000),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT storage_locations_code_unique UNIQUE (organization_id, code),
  CONSTRAINT storage_locations_position_key UNIQUE (organization_id, id, is_position),
  FOREIGN KEY (organization_id, parent_id) REFERENCES app.storage_locations (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  CONSTRAINT storage_locations_not_own_parent CHECK (parent_id IS DISTINCT FROM id),
  CONSTRAINT storage_locations_position_holds_one CHECK (kind <> 'position' OR capacity = 1),
  CONSTRAINT storage_locations_temperature_order CHECK (min_celsius IS NULL OR max_celsius IS NULL OR min_celsius <= max_celsius)
);
CREATE INDEX storage_locations_parent_idx ON app.storage_locations (organization_id, parent_id);
CREATE INDEX storage_locations_site_idx ON app.storage_locations (organization_id, site_id);
COMMENT ON TABLE app.storage_locations IS
  E'Storage locations\nWhere samples are kept, as a tree (site -> room -> freezer -> rack -> box -> position): how many children and samples each holds, the temperature range it keeps. A position holds one sample. Site-scoped: read with sample.read, changed with storage.manage, tenant-wide or at the location''s site.';
COMMENT ON COLUMN app.storage_locations.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.storage_locations.id IS E'Location id';
COMMENT ON COLUMN app.storage_locations.parent_id IS E'Inside\nThe location (storage_locations.id) this one is in; empty at the top.';
COMMENT ON COLUMN app.storage_locations.site_id IS E'Site\nThe site (sites.id) it is at; a child takes its parent''s.';
COMMENT ON COLUMN app.storage_locations.kind IS E'Kind\nsite, building, room, freezer, fridge, incubator, cabinet, shelf, rack, box or position; fixed once created.';
COMMENT ON COLUMN app.storage_locations.is_position IS E'Is a position\nWhether it is a position (holds one sample); computed from kind.';
COMMENT ON COLUMN app.storage_locations.code IS E'Code\nUnique in the tenant (e.g. FRZ-01/R2/B07/A3); printed on the label.';
COMMENT ON COLUMN app.storage_locations.name IS E'Name';
COMMENT ON COLUMN app.storage_locations.capacity IS E'Capacity\nHow many child locations and samples it holds at most; empty for no limit (a position holds 1).';
COMMENT ON COLUMN app.storage_locations.min_celsius IS E'Lowest temperature\nIn °C, the coldest it gets; empty to take the range of the location it is in.';
COMMENT ON COLUMN app.storage_locations.max_celsius IS E'Highest temperature\nIn °C, the warmest it gets; empty to take the range of the location it is in.';
COMMENT ON COLUMN app.storage_locations.is_active IS E'Active\nWhether samples may be moved into it.';
COMMENT ON COLUMN app.storage_locations.created_at IS E'Created at';
COMMENT ON COLUMN app.storage_locations.updated_at IS E'Updated at';

-- The sample's current place, kept by the custody RPCs. storage_is_position
-- mirrors the location's is_position through the foreign key, so the
-- unique index below is a constraint: one sample per position.
ALTER TABLE app.samples
  ADD COLUMN storage_location_id uuid,
  ADD COLUMN storage_is_position boolean,
  ADD COLUMN custodian_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN custody_external text CONSTRAINT samples_custody_external_length CHECK (length(btrim(custody_external)) BETWEEN 1 AND 200),
  ADD CONSTRAINT samples_storage_location_fkey FOREIGN KEY (organization_id, storage_location_id, storage_is_position)
    REFERENCES app.storage_locations (organization_id, id, is_position),
  ADD CONSTRAINT samples_storage_flag_with_location CHECK ((storage_location_id IS NULL) = (storage_is_position IS NULL)),
  ADD CONSTRAINT samples_one_custodian CHECK (num_nonnulls(storage_location_id, custodian_id, custody_external) <= 1);
CREATE UNIQUE INDEX samples_one_per_position_idx ON app.samples (organization_id, storage_location_id) WHERE storage_is_position;
CREATE INDEX samples_storage_location_idx ON app.samples (organization_id, storage_location_id, storage_is_position);
CREATE INDEX samples_custodian_idx ON app.samples (custodian_id);
COMMENT ON COLUMN app.samples.storage_location_id IS E'Stored in\nThe storage location (storage_locations.id) the sample is in now; written only by app.move_sample.';
COMMENT ON COLUMN app.samples.storage_is_position IS E'In a position\nWhether its location is a position (one sample each); kept with the location.';
COMMENT ON COLUMN app.samples.custodian_id IS E'Held by\nThe person (users.id) who has the sample now, when it is not in storage; written only by app.hand_over_sample.';
COMMENT ON COLUMN app.samples.custody_external IS E'Sent to\nThe courier or external lab that has the sample now; written only by app.hand_over_sample.';

CREATE TABLE app.custody_events (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sample_id uuid NOT NULL,
  previous_event_id uuid,
  from_location_id uuid,
  from_holder_id uuid,
  from_external text,
  to_location_id uuid,
  to_holder_id uuid,
  to_external text CONSTRAINT custody_events_to_external_length CHECK (length(btrim(to_external)) BETWEEN 1 AND 200),
  from_key text GENERATED ALWAYS AS (coalesce('location:' || from_location_id::text, 'person:' || from_holder_id::text, 'external:' || from_external)) STORED,
  to_key text GENERATED ALWAYS AS (coalesce('location:' || to_location_id::text, 'person:' || to_holder_id::text, 'external:' || to_external)) STORED,
  condition text NOT NULL DEFAULT 'intact' CONSTRAINT custody_events_condition_length CHECK (length(btrim(condition)) BETWEEN 1 AND 500),
  reason text NOT NULL CONSTRAINT custody_events_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  signature jsonb CONSTRAINT custody_events_signature_object CHECK (jsonb_typeof(signature) = 'object'),
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT custody_events_link_key UNIQUE (organization_id, sample_id, id, to_key),
  -- One successor per event: the chain cannot fork.
  CONSTRAINT custody_events_one_successor UNIQUE (organization_id, previous_event_id),
  -- Each event starts where the one before it ended (same sample, its to is this one's from).
  CONSTRAINT custody_events_continuous FOREIGN KEY (organization_id, sample_id, previous_event_id, from_key)
    REFERENCES app.custody_events (organization_id, sample_id, id, to_key),
  CONSTRAINT custody_events_from_with_previous CHECK (previous_event_id IS NULL OR from_key IS NOT NULL),
  CONSTRAINT custody_events_one_from CHECK (num_nonnulls(from_location_id, from_holder_id, from_external) <= 1),
  CONSTRAINT custody_events_one_to CHECK (num_nonnulls(to_location_id, to_holder_id, to_external) = 1),
  CONSTRAINT custody_events_moves CHECK (from_key IS DISTINCT FROM to_key),
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, from_location_id) REFERENCES app.storage_locations (organization_id, id),
  FOREIGN KEY (organization_id, to_location_id) REFERENCES app.storage_locations (organization_id, id),
  FOREIGN KEY (from_holder_id) REFERENCES app.users (id),
  FOREIGN KEY (to_holder_id) REFERENCES app.users (id)
);
-- One first event per sample.
CREATE UNIQUE INDEX custody_events_one_start_idx ON app.custody_events (organization_id, sample_id) WHERE previous_event_id IS NULL;
CREATE INDEX custody_events_sample_idx ON app.custody_events (organization_id, sample_id, recorded_at);
CREATE INDEX custody_events_continuous_idx ON app.custody_events (organization_id, sample_id, previous_event_id, from_key);
CREATE INDEX custody_events_from_location_idx ON app.custody_events (organization_id, from_location_id);
CREATE INDEX custody_events_to_location_idx ON app.custody_events (organization_id, to_location_id);
CREATE INDEX custody_events_from_holder_idx ON app.custody_events (from_holder_id);
CREATE INDEX custody_events_to_holder_idx ON app.custody_events (to_holder_id);
CREATE INDEX custody_events_recorded_by_idx ON app.custody_events (recorded_by);
COMMENT ON TABLE app.custody_events IS
  E'Chain of custody\nEvery time a sample changed place or hands: from where or whom, to where or whom, who recorded it and when, the condition and the reason, and the e-signature where the tenant requires one. Append-only and continuous by construction: each event names the one before it (one successor each) and starts where it ended. Written by app.move_sample and app.hand_over_sample; seen with the sample.';
COMMENT ON CONSTRAINT custody_events_continuous ON app.custody_events IS
  'Each event starts where the one before it ended: its from_key is that event''s to_key, for the same sample.';
COMMENT ON COLUMN app.custody_events.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.custody_events.id IS E'Custody event id';
COMMENT ON COLUMN app.custody_events.sample_id IS E'Sample\nsamples.id.';
COMMENT ON COLUMN app.custody_events.previous_event_id IS E'Previous event\nThe sample''s custody event (custody_events.id) before this one; empty for the first.';
COMMENT ON COLUMN app.custody_events.from_location_id IS E'From location\nThe storage location (storage_locations.id) it left.';
COMMENT ON COLUMN app.custody_events.from_holder_id IS E'From person\nThe person (users.id) who handed it over.';
COMMENT ON COLUMN app.custody_events.from_external IS E'From outside\nThe courier, customer or external lab it came from.';
COMMENT ON COLUMN app.custody_events.to_location_id IS E'To location\nThe storage location (storage_locations.id) it went to.';
COMMENT ON COLUMN app.custody_events.to_holder_id IS E'To person\nThe person (users.id) who took it.';
COMMENT ON COLUMN app.custody_events.to_external IS E'To outside\nThe courier or external lab it went to.';
COMMENT ON COLUMN app.custody_events.from_key IS E'From\nWhere it came from as one value (location:<id>, person:<id> or external:<name>); computed.';
COMMENT ON COLUMN app.custody_events.to_key IS E'To\nWhere it went as one value (location:<id>, person:<id> or external:<name>); computed.';
COMMENT ON COLUMN app.custody_events.condition IS E'Condition\nThe sample''s condition at the handover (intact, leaking, thawed, ...).';
COMMENT ON COLUMN app.custody_events.reason IS E'Reason\nWhy it moved.';
COMMENT ON COLUMN app.custody_events.signature IS E'E-signature\nmeaning, reason, the signed payload and its sha256, when signed (required with the tenant''s glp_esignatures_required flag).';
COMMENT ON COLUMN app.custody_events.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.custody_events.recorded_at IS E'Recorded at';

COMMIT;
