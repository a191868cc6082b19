-- Deploy pulse:platform/equipment to pg
-- requires: platform/entities

BEGIN;

-- One register of physical things (lab instruments, gauges, machines,
-- components, tools) that the lab, manufacturing and maintenance domains
-- extend: classes as tenant data, equipment with a human id, site, status
-- and hierarchy, calibration records, and the uses of equipment that
-- domains record when a result, measurement or inspection is taken with it.

CREATE TYPE app.equipment_kind AS ENUM ('instrument', 'gauge', 'machine', 'component', 'tool', 'other');
COMMENT ON TYPE app.equipment_kind IS 'What sort of physical thing a class of equipment is.';
CREATE TYPE app.equipment_status AS ENUM ('in_service', 'out_of_service', 'under_maintenance', 'retired');
COMMENT ON TYPE app.equipment_status IS 'Whether equipment may be used: only in_service equipment is.';
CREATE TYPE app.calibration_result AS ENUM ('pass', 'adjusted', 'fail');
COMMENT ON TYPE app.calibration_result IS 'The outcome of a calibration: pass (within tolerance as found), adjusted (brought within tolerance), fail (out of tolerance, not usable).';

CREATE TABLE app.equipment_classes (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT equipment_classes_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  name text NOT NULL CONSTRAINT equipment_classes_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}' CONSTRAINT equipment_classes_labels_object CHECK (jsonb_typeof(labels) = 'object'),
  kind app.equipment_kind NOT NULL DEFAULT 'other',
  requires_calibration boolean NOT NULL DEFAULT false,
  calibration_interval_days integer CONSTRAINT equipment_classes_interval_range CHECK (calibration_interval_days BETWEEN 1 AND 3660),
  due_soon_days integer NOT NULL DEFAULT 30 CONSTRAINT equipment_classes_due_soon_range CHECK (due_soon_days BETWEEN 0 AND 365),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT equipment_classes_code_unique UNIQUE (organization_id, code),
  CONSTRAINT equipment_classes_interval_when_calibrated CHECK (NOT requires_calibration OR calibration_interval_days IS NOT NULL)
);
COMMENT ON TABLE app.equipment_classes IS
  E'Equipment classes\nA tenant''s kinds of equipment (balance, caliper, CNC lathe, ...), as data: whether use needs a valid calibration and its interval.';
COMMENT ON COLUMN app.equipment_classes.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.equipment_classes.id IS E'Class id';
COMMENT ON COLUMN app.equipment_classes.code IS E'Code\nStable key of the class in the tenant (lowercase, e.g. balance).';
COMMENT ON COLUMN app.equipment_classes.name IS E'Name\nDefault name; translations in labels.';
COMMENT ON COLUMN app.equipment_classes.labels IS E'Translations\nThe name per locale ({"de": "Waage"}).';
COMMENT ON COLUMN app.equipment_classes.kind IS E'Kind\ninstrument, gauge, machine, component, tool or other.';
COMMENT ON COLUMN app.equipment_classes.requires_calibration IS E'Requires calibration\nWhether equipment of the class may only be used while calibrated.';
COMMENT ON COLUMN app.equipment_classes.calibration_interval_days IS E'Calibration interval\nDays a calibration stays valid when its valid_to is not sent; required when calibration is.';
COMMENT ON COLUMN app.equipment_classes.due_soon_days IS E'Due-soon window\nDays before valid_to from which a calibration is due soon (and its holders are notified).';
COMMENT ON COLUMN app.equipment_classes.is_active IS E'Active\nWhether new equipment may be of the class.';
COMMENT ON COLUMN app.equipment_classes.created_at IS E'Created at';
COMMENT ON COLUMN app.equipment_classes.updated_at IS E'Updated at';

CREATE TABLE app.equipment (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_number text NOT NULL,
  name text NOT NULL CONSTRAINT equipment_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  class_id uuid NOT NULL,
  site_id uuid,
  status app.equipment_status NOT NULL DEFAULT 'in_service',
  parent_id uuid,
  manufacturer text CONSTRAINT equipment_manufacturer_length CHECK (length(manufacturer) <= 200),
  model text CONSTRAINT equipment_model_length CHECK (length(model) <= 200),
  serial_number text CONSTRAINT equipment_serial_length CHECK (length(serial_number) <= 200),
  location text CONSTRAINT equipment_location_length CHECK (length(location) <= 200),
  notes text NOT NULL DEFAULT '' CONSTRAINT equipment_notes_length CHECK (length(notes) <= 4000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT equipment_number_unique UNIQUE (organization_id, equipment_number),
  CONSTRAINT equipment_not_own_parent CHECK (parent_id IS DISTINCT FROM id),
  FOREIGN KEY (organization_id, class_id) REFERENCES app.equipment_classes (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, parent_id) REFERENCES app.equipment (organization_id, id)
);
CREATE INDEX equipment_class_idx ON app.equipment (organization_id, class_id);
CREATE INDEX equipment_site_idx ON app.equipment (organization_id, site_id);
CREATE INDEX equipment_parent_idx ON app.equipment (organization_id, parent_id);
CREATE INDEX equipment_created_by_idx ON app.equipment (created_by);
COMMENT ON TABLE app.equipment IS
  E'Equipment\nOne register of physical things: lab instruments, gauges, machines, components, tools. A site-scoped member sees only the equipment of their sites.';
COMMENT ON COLUMN app.equipment.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.equipment.id IS E'Equipment id';
COMMENT ON COLUMN app.equipment.equipment_number IS E'Equipment number\nHuman id (EQ-000123), the next of the tenant when not sent.';
COMMENT ON COLUMN app.equipment.name IS E'Name';
COMMENT ON COLUMN app.equipment.class_id IS E'Class\nThe equipment class (equipment_classes.id): whether it needs calibration.';
COMMENT ON COLUMN app.equipment.site_id IS E'Site\nWhere it is (sites.id); empty for equipment of the whole organization.';
COMMENT ON COLUMN app.equipment.status IS E'Status\nin_service, out_of_service, under_maintenance or retired; only in_service equipment may be used.';
COMMENT ON COLUMN app.equipment.parent_id IS E'Parent\nThe equipment it is part of (a spindle of a machine); no cycles.';
COMMENT ON COLUMN app.equipment.manufacturer IS E'Manufacturer';
COMMENT ON COLUMN app.equipment.model IS E'Model';
COMMENT ON COLUMN app.equipment.serial_number IS E'Serial number';
COMMENT ON COLUMN app.equipment.location IS E'Location\nWhere on the site (room, line, cabinet).';
COMMENT ON COLUMN app.equipment.notes IS E'Notes';
COMMENT ON COLUMN app.equipment.created_by IS E'Created by';
COMMENT ON COLUMN app.equipment.created_at IS E'Created at';
COMMENT ON COLUMN app.equipment.updated_at IS E'Updated at';

CREATE TABLE app.calibrations (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  performed_at timestamptz NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  result app.calibration_result NOT NULL,
  as_found jsonb NOT NULL DEFAULT '{}' CONSTRAINT calibrations_as_found_object CHECK (jsonb_typeof(as_found) = 'object'),
  as_left jsonb NOT NULL DEFAULT '{}' CONSTRAINT calibrations_as_left_object CHECK (jsonb_typeof(as_left) = 'object'),
  certificate_number text CONSTRAINT calibrations_certificate_number_length CHECK (length(certificate_number) <= 200),
  certificate_key text CONSTRAINT calibrations_certificate_key_length CHECK (length(certificate_key) BETWEEN 1 AND 900),
  certificate_document_id uuid,
  performed_by_user_id uuid REFERENCES app.users (id),
  performed_by_partner_id uuid,
  notes text NOT NULL DEFAULT '' CONSTRAINT calibrations_notes_length CHECK (length(notes) <= 4000),
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, certificate_document_id) REFERENCES app.documents (organization_id, id) ON DELETE SET NULL (certificate_document_id),
  FOREIGN KEY (organization_id, performed_by_partner_id) REFERENCES app.partners (organization_id, id),
  CONSTRAINT calibrations_validity_order CHECK (valid_to IS NULL OR valid_to > valid_from),
  CONSTRAINT calibrations_performer CHECK (performed_by_user_id IS NOT NULL OR performed_by_partner_id IS NOT NULL)
);
CREATE INDEX calibrations_equipment_idx ON app.calibrations (organization_id, equipment_id, performed_at DESC);
CREATE INDEX calibrations_document_idx ON app.calibrations (organization_id, certificate_document_id);
CREATE INDEX calibrations_partner_idx ON app.calibrations (organization_id, performed_by_partner_id);
CREATE INDEX calibrations_user_idx ON app.calibrations (performed_by_user_id);
CREATE INDEX calibrations_recorded_by_idx ON app.calibrations (recorded_by);
COMMENT ON TABLE app.calibrations IS
  E'Calibrations\nCalibration records of equipment (append-only: a correction is a new record). The latest one performed decides whether the equipment is calibrated.';
COMMENT ON COLUMN app.calibrations.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.calibrations.id IS E'Calibration id';
COMMENT ON COLUMN app.calibrations.equipment_id IS E'Equipment\nThe equipment calibrated (equipment.id).';
COMMENT ON COLUMN app.calibrations.performed_at IS E'Performed at\nWhen it was calibrated (not in the future).';
COMMENT ON COLUMN app.calibrations.valid_from IS E'Valid from\nDefaults to performed_at.';
COMMENT ON COLUMN app.calibrations.valid_to IS E'Valid to\nEnd of validity (exclusive); defaults to valid_from plus the class interval; empty for a failed calibration.';
COMMENT ON COLUMN app.calibrations.result IS E'Result\npass, adjusted or fail.';
COMMENT ON COLUMN app.calibrations.as_found IS E'As found\nReadings before adjustment, as an object (e.g. {"points": [{"nominal": 100, "reading": 100.02, "unit": "g"}]}).';
COMMENT ON COLUMN app.calibrations.as_left IS E'As left\nReadings after adjustment, as an object.';
COMMENT ON COLUMN app.calibrations.certificate_number IS E'Certificate number';
COMMENT ON COLUMN app.calibrations.certificate_key IS E'Certificate file\nObject-store key of the certificate inside the tenant''s storage.';
COMMENT ON COLUMN app.calibrations.certificate_document_id IS E'Certificate document\nThe controlled document holding the certificate (documents.id).';
COMMENT ON COLUMN app.calibrations.performed_by_user_id IS E'Performed by\nThe member who calibrated.';
COMMENT ON COLUMN app.calibrations.performed_by_partner_id IS E'External lab\nThe supplier (partners.id) that calibrated.';
COMMENT ON COLUMN app.calibrations.notes IS E'Notes';
COMMENT ON COLUMN app.calibrations.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.calibrations.recorded_at IS E'Recorded at';

CREATE TABLE app.equipment_uses (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  used_at timestamptz NOT NULL,
  used_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE
);
CREATE INDEX equipment_uses_equipment_idx ON app.equipment_uses (organization_id, equipment_id, used_at);
CREATE INDEX equipment_uses_entity_idx ON app.equipment_uses (organization_id, entity_type, entity_id);
CREATE INDEX equipment_uses_used_by_idx ON app.equipment_uses (used_by);
COMMENT ON TABLE app.equipment_uses IS
  E'Equipment uses\nWhat was recorded with which equipment: a result, measurement or inspection (any registered entity) taken with it. Refused when the equipment is not usable then (not in service, or not calibrated where its class requires it). Never changed; deleted with the record it is about.';
COMMENT ON COLUMN app.equipment_uses.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.equipment_uses.id IS E'Use id';
COMMENT ON COLUMN app.equipment_uses.equipment_id IS E'Equipment\nThe equipment used (equipment.id).';
COMMENT ON COLUMN app.equipment_uses.entity_type IS E'Entity type\nWhat was recorded with it (GET /entity_types).';
COMMENT ON COLUMN app.equipment_uses.entity_id IS E'Entity\nThe record taken with the equipment.';
COMMENT ON COLUMN app.equipment_uses.used_at IS E'Used at\nWhen the equipment was used; defaults to now.';
COMMENT ON COLUMN app.equipment_uses.used_by IS E'Used by\nWho used it; the caller.';
COMMENT ON COLUMN app.equipment_uses.recorded_at IS E'Recorded at';

-- Which calibration crossings were announced: one notice per equipment,
-- kind and validity end, so the job notifies once per crossing.
CREATE TABLE app_private.calibration_notices (
  organization_id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  kind text NOT NULL CONSTRAINT calibration_notices_kind CHECK (kind IN ('due_soon', 'overdue')),
  valid_to timestamptz NOT NULL,
  notified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, equipment_id, kind, valid_to),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE app_private.calibration_notices IS
  'Calibration due-soon and overdue notices sent (app_private.notify_calibrations_due), one per equipment, kind and validity end.';

COMMIT;
