-- Deploy pulse:lab/scheduling to pg
-- requires: lab/core

BEGIN;

-- Instrument scheduling. Instruments are equipment of the platform register
-- (class kind instrument) with its calibrations; this change adds what the
-- register lacks for booking them: the qualifications needed to operate a
-- class (from the competence register), recurring blocks (maintenance,
-- calibration, availability windows) and the reservations themselves, which
-- never overlap among the active bookings of one instrument (an exclusion
-- constraint, btree_gist is installed by the schemas change).

CREATE TYPE app.instrument_block_kind AS ENUM ('maintenance', 'calibration', 'availability');
COMMENT ON TYPE app.instrument_block_kind IS
  'A recurring block on an instrument''s calendar: maintenance and calibration block bookings; availability windows are the only times it may be booked (when an instrument has any).';
CREATE TYPE app.instrument_reservation_status AS ENUM ('active', 'cancelled');
COMMENT ON TYPE app.instrument_reservation_status IS 'A reservation: active (holds its window) or cancelled (kept, frees the window).';

CREATE TABLE app.equipment_class_qualifications (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  class_id uuid NOT NULL,
  qualification_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, class_id, qualification_id),
  FOREIGN KEY (organization_id, class_id) REFERENCES app.equipment_classes (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, qualification_id) REFERENCES app.qualifications (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX equipment_class_qualifications_qualification_idx ON app.equipment_class_qualifications (organization_id, qualification_id);
COMMENT ON TABLE app.equipment_class_qualifications IS
  E'Qualifications to operate a class\nWhich qualifications (competence register) a person must hold to book and operate equipment of a class; every one listed is needed.';
COMMENT ON COLUMN app.equipment_class_qualifications.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.equipment_class_qualifications.class_id IS E'Equipment class\nThe class (equipment_classes.id).';
COMMENT ON COLUMN app.equipment_class_qualifications.qualification_id IS E'Qualification\nThe qualification (qualifications.id) an operator must hold.';
COMMENT ON COLUMN app.equipment_class_qualifications.created_at IS E'Created at';

CREATE TABLE app.instrument_blocks (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  kind app.instrument_block_kind NOT NULL,
  title text NOT NULL CONSTRAINT instrument_blocks_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  first_start timestamp NOT NULL,
  duration interval NOT NULL CONSTRAINT instrument_blocks_duration_range CHECK (duration > interval '0' AND duration <= interval '31 days'),
  time_zone text NOT NULL,
  recurrence text CONSTRAINT instrument_blocks_recurrence_length CHECK (length(recurrence) <= 200),
  notes text NOT NULL DEFAULT '' CONSTRAINT instrument_blocks_notes_length CHECK (length(notes) <= 2000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX instrument_blocks_equipment_idx ON app.instrument_blocks (organization_id, equipment_id, kind);
CREATE INDEX instrument_blocks_created_by_idx ON app.instrument_blocks (created_by);
COMMENT ON TABLE app.instrument_blocks IS
  E'Instrument blocks\nRecurring (or one-off) times on an instrument''s calendar: maintenance and calibration blocks no booking may overlap, and availability windows (e.g. Mon-Fri 07:00-19:00) outside which it may not be booked.';
COMMENT ON COLUMN app.instrument_blocks.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.instrument_blocks.id IS E'Block id';
COMMENT ON COLUMN app.instrument_blocks.equipment_id IS E'Instrument\nThe equipment (equipment.id) it blocks or opens.';
COMMENT ON COLUMN app.instrument_blocks.kind IS E'Kind\nmaintenance, calibration or availability.';
COMMENT ON COLUMN app.instrument_blocks.title IS E'Title\nWhat it is (Weekly PM, Quarterly calibration, Opening hours).';
COMMENT ON COLUMN app.instrument_blocks.first_start IS E'First start\nWall-clock start of the first occurrence, in time_zone.';
COMMENT ON COLUMN app.instrument_blocks.duration IS E'Duration\nLength of each occurrence (wall-clock, up to 31 days).';
COMMENT ON COLUMN app.instrument_blocks.time_zone IS E'Time zone\nIANA zone the wall-clock times are in; the instrument''s site''s, else the tenant''s, else UTC when not sent.';
COMMENT ON COLUMN app.instrument_blocks.recurrence IS E'Recurrence\nAn RRULE subset: FREQ=DAILY or WEEKLY; INTERVAL=n; BYDAY=MO,TU,...; UNTIL=YYYYMMDD or YYYYMMDDTHHMMSSZ, or COUNT=n. Empty: once.';
COMMENT ON COLUMN app.instrument_blocks.notes IS E'Notes';
COMMENT ON COLUMN app.instrument_blocks.created_by IS E'Created by';
COMMENT ON COLUMN app.instrument_blocks.created_at IS E'Created at';
COMMENT ON COLUMN app.instrument_blocks.updated_at IS E'Updated at';

CREATE TABLE app.instrument_reservations (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id),
  purpose text NOT NULL CONSTRAINT instrument_reservations_purpose_length CHECK (length(btrim(purpose)) BETWEEN 1 AND 500),
  during tstzrange NOT NULL CONSTRAINT instrument_reservations_during_bounded
    CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
  status app.instrument_reservation_status NOT NULL DEFAULT 'active',
  entity_type text,
  entity_id uuid,
  booked_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  cancelled_at timestamptz,
  cancelled_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  cancel_reason text CONSTRAINT instrument_reservations_cancel_reason_length CHECK (length(cancel_reason) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id)
    ON DELETE SET NULL (entity_type, entity_id),
  CONSTRAINT instrument_reservations_entity_pair CHECK ((entity_type IS NULL) = (entity_id IS NULL)),
  CONSTRAINT instrument_reservations_cancelled CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CONSTRAINT instrument_reservations_no_overlap EXCLUDE USING gist (organization_id WITH =, equipment_id WITH =, during WITH &&)
    WHERE (status = 'active')
);
CREATE INDEX instrument_reservations_user_idx ON app.instrument_reservations (organization_id, user_id, lower(during));
CREATE INDEX instrument_reservations_users_idx ON app.instrument_reservations (user_id);
CREATE INDEX instrument_reservations_booked_by_idx ON app.instrument_reservations (booked_by);
CREATE INDEX instrument_reservations_cancelled_by_idx ON app.instrument_reservations (cancelled_by);
CREATE INDEX instrument_reservations_entity_idx ON app.instrument_reservations (organization_id, entity_type, entity_id)
  WHERE entity_id IS NOT NULL;
COMMENT ON TABLE app.instrument_reservations IS
  E'Instrument reservations\nWho books which instrument when, and for what. Active bookings of one instrument never overlap (exclusion constraint); booking is refused when the calibration would expire before the end, during maintenance or a block, outside availability windows, or by someone not qualified for the class.';
COMMENT ON COLUMN app.instrument_reservations.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.instrument_reservations.id IS E'Reservation id';
COMMENT ON COLUMN app.instrument_reservations.equipment_id IS E'Instrument\nThe equipment (equipment.id) booked.';
COMMENT ON COLUMN app.instrument_reservations.user_id IS E'Operator\nWho will use it (the booker unless a scheduler books for someone); must hold the class''s qualifications.';
COMMENT ON COLUMN app.instrument_reservations.purpose IS E'Purpose\nWhat it is booked for; seen by the operator, the booker and schedulers only.';
COMMENT ON COLUMN app.instrument_reservations.during IS E'Window\nThe booked time, [start, end).';
COMMENT ON COLUMN app.instrument_reservations.status IS E'Status\nactive or cancelled (app.cancel_instrument_reservation).';
COMMENT ON COLUMN app.instrument_reservations.entity_type IS E'For entity type\nThe kind of record the booking is for (sample, result, a run), if any.';
COMMENT ON COLUMN app.instrument_reservations.entity_id IS E'For entity\nThe record the booking is for, if any.';
COMMENT ON COLUMN app.instrument_reservations.booked_by IS E'Booked by';
COMMENT ON COLUMN app.instrument_reservations.cancelled_at IS E'Cancelled at';
COMMENT ON COLUMN app.instrument_reservations.cancelled_by IS E'Cancelled by';
COMMENT ON COLUMN app.instrument_reservations.cancel_reason IS E'Cancellation reason';
COMMENT ON COLUMN app.instrument_reservations.created_at IS E'Created at';
COMMENT ON COLUMN app.instrument_reservations.updated_at IS E'Updated at';

COMMIT;
