-- Deploy pulse:maintenance/work_orders to pg
-- requires: platform/equipment

BEGIN;

-- Maintenance work (90_maintenance, files 70-89): work requests (from a
-- per-asset QR token, anonymous, or from members), work orders on a fixed
-- machine with an on-hold side state, templates, lockout/permit flags on
-- asset classes, labour rates and entries, contractor charges, and the cost
-- roll-up. Assets are the platform's equipment register (app.equipment).
-- Written by the RPCs of db/functions/90_maintenance only.

ALTER TABLE app.equipment_classes
  ADD COLUMN requires_lockout boolean NOT NULL DEFAULT false,
  ADD COLUMN requires_permit boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN app.equipment_classes.requires_lockout IS E'Requires lockout/tagout\nWork on equipment of this class starts (in_progress) only once the work order''s checklist of template maintenance-lockout is complete.';
COMMENT ON COLUMN app.equipment_classes.requires_permit IS E'Requires a permit\nWork on equipment of this class starts (in_progress) only once the work order''s checklist of template maintenance-permit is complete.';

CREATE TYPE app.work_order_type AS ENUM ('corrective', 'preventive', 'inspection', 'emergency');
COMMENT ON TYPE app.work_order_type IS 'Kind of maintenance work: corrective (a fault, from a request or directly), preventive (planned, no request), inspection, emergency (no request).';

-- QR tokens: one per asset at a time, stored as the SHA-256 of the token.
CREATE TABLE app_private.work_request_tokens (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  equipment_id uuid NOT NULL,
  token_hash bytea NOT NULL CONSTRAINT work_request_tokens_hash_length CHECK (length(token_hash) = 32),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, equipment_id),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX work_request_tokens_hash_idx ON app_private.work_request_tokens (token_hash);
CREATE INDEX work_request_tokens_created_by_idx ON app_private.work_request_tokens (created_by);
COMMENT ON TABLE app_private.work_request_tokens IS
  E'Work request QR tokens\nThe SHA-256 of the current QR token of an asset (one per asset; issuing a new one revokes the old, revoking deletes it). The token itself is shown once, by app.issue_work_request_token.';
COMMENT ON COLUMN app_private.work_request_tokens.organization_id IS E'Tenant';
COMMENT ON COLUMN app_private.work_request_tokens.equipment_id IS E'Asset\nequipment.id.';
COMMENT ON COLUMN app_private.work_request_tokens.token_hash IS E'Token hash\nSHA-256 of the token.';
COMMENT ON COLUMN app_private.work_request_tokens.created_by IS E'Issued by';
COMMENT ON COLUMN app_private.work_request_tokens.created_at IS E'Issued at';

-- Attempts of the anonymous RPCs, for their rate limit (per token, per client).
CREATE TABLE app_private.work_request_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash bytea NOT NULL,
  client text NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_request_attempts_token_idx ON app_private.work_request_attempts (token_hash, attempted_at);
CREATE INDEX work_request_attempts_client_idx ON app_private.work_request_attempts (client, attempted_at);
COMMENT ON TABLE app_private.work_request_attempts IS
  E'Work request attempts\nOne row per anonymous submission (valid token or not), counted per token and per client address for the rate limit; rows older than a day are deleted by the next submission.';
COMMENT ON COLUMN app_private.work_request_attempts.id IS E'Attempt id';
COMMENT ON COLUMN app_private.work_request_attempts.token_hash IS E'Token hash\nSHA-256 of the token sent.';
COMMENT ON COLUMN app_private.work_request_attempts.client IS E'Client\nThe client address (app_private.sign_in_client).';
COMMENT ON COLUMN app_private.work_request_attempts.attempted_at IS E'Attempted at';

CREATE TABLE app.work_order_templates (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT work_order_templates_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  name text NOT NULL CONSTRAINT work_order_templates_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  work_type app.work_order_type NOT NULL DEFAULT 'preventive',
  task_text text NOT NULL DEFAULT '' CONSTRAINT work_order_templates_task_length CHECK (length(task_text) <= 20000),
  checklist_template_key text CONSTRAINT work_order_templates_checklist_length CHECK (length(checklist_template_key) BETWEEN 1 AND 100),
  estimated_hours numeric CONSTRAINT work_order_templates_hours_range CHECK (estimated_hours > 0 AND estimated_hours <= 10000),
  required_qualification text CONSTRAINT work_order_templates_qualification_length CHECK (length(required_qualification) BETWEEN 1 AND 100),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT work_order_templates_code_unique UNIQUE (organization_id, code)
);
COMMENT ON TABLE app.work_order_templates IS
  E'Work order templates\nStandard jobs: task text, the checklist template started on the work order, estimated hours and the qualification (competence register code) the assignee must hold. app.create_work_order copies them. Written with maintenance.work_order.manage. The parts kit joins with the parts slice.';
COMMENT ON COLUMN app.work_order_templates.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_order_templates.id IS E'Template id';
COMMENT ON COLUMN app.work_order_templates.code IS E'Code\nStable key in the tenant (lowercase).';
COMMENT ON COLUMN app.work_order_templates.name IS E'Name';
COMMENT ON COLUMN app.work_order_templates.work_type IS E'Work type\nThe type of work orders made from it.';
COMMENT ON COLUMN app.work_order_templates.task_text IS E'Task\nWhat to do, step by step.';
COMMENT ON COLUMN app.work_order_templates.checklist_template_key IS E'Checklist template\nKey of a checklist template (app.checklist_templates.key) started on the work order.';
COMMENT ON COLUMN app.work_order_templates.estimated_hours IS E'Estimated hours';
COMMENT ON COLUMN app.work_order_templates.required_qualification IS E'Required qualification\nCode of a qualification (app.qualifications.code) the assignee must hold.';
COMMENT ON COLUMN app.work_order_templates.is_active IS E'Active';
COMMENT ON COLUMN app.work_order_templates.created_at IS E'Created at';
COMMENT ON COLUMN app.work_order_templates.updated_at IS E'Updated at';

CREATE TABLE app.work_requests (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  request_number text NOT NULL,
  equipment_id uuid NOT NULL,
  site_id uuid,
  title text NOT NULL CONSTRAINT work_requests_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT work_requests_description_length CHECK (length(description) <= 4000),
  contact text CONSTRAINT work_requests_contact_length CHECK (length(contact) <= 200),
  requested_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  via_qr boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'new' CONSTRAINT work_requests_status_known CHECK (status IN ('new', 'approved', 'rejected', 'converted')),
  decision_reason text CONSTRAINT work_requests_reason_length CHECK (length(btrim(decision_reason)) BETWEEN 1 AND 2000),
  decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT work_requests_number_unique UNIQUE (organization_id, request_number),
  CONSTRAINT work_requests_rejected_reason CHECK (status <> 'rejected' OR decision_reason IS NOT NULL),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX work_requests_equipment_idx ON app.work_requests (organization_id, equipment_id);
CREATE INDEX work_requests_site_idx ON app.work_requests (organization_id, site_id);
CREATE INDEX work_requests_open_idx ON app.work_requests (organization_id, created_at) WHERE status = 'new';
CREATE INDEX work_requests_requested_by_idx ON app.work_requests (requested_by);
CREATE INDEX work_requests_decided_by_idx ON app.work_requests (decided_by);
COMMENT ON TABLE app.work_requests IS
  E'Work requests\nA problem reported on an asset (WR-000123): by anyone through the asset''s QR token (app.submit_work_request, anonymous) or by a member (app.request_work). A planner approves, rejects (reason; a member requester is notified) or converts it into a work order (linked both ways). Read by holders of maintenance.request.manage at the asset''s site and by the member who asked.';
COMMENT ON COLUMN app.work_requests.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_requests.id IS E'Request id';
COMMENT ON COLUMN app.work_requests.request_number IS E'Request number\nWR-000123, unique in the tenant.';
COMMENT ON COLUMN app.work_requests.equipment_id IS E'Asset\nequipment.id.';
COMMENT ON COLUMN app.work_requests.site_id IS E'Plant\nThe asset''s site when reported.';
COMMENT ON COLUMN app.work_requests.title IS E'Title';
COMMENT ON COLUMN app.work_requests.description IS E'Description';
COMMENT ON COLUMN app.work_requests.contact IS E'Contact\nHow to reach an anonymous requester (kept, never sent anywhere by Pulse).';
COMMENT ON COLUMN app.work_requests.requested_by IS E'Requested by\nThe member who asked; empty for an anonymous request.';
COMMENT ON COLUMN app.work_requests.via_qr IS E'Via QR\nSubmitted with the asset''s QR token.';
COMMENT ON COLUMN app.work_requests.status IS E'Status\nnew, approved, rejected or converted (into the work order whose work_request_id it is).';
COMMENT ON COLUMN app.work_requests.decision_reason IS E'Decision reason\nRequired to reject.';
COMMENT ON COLUMN app.work_requests.decided_by IS E'Decided by';
COMMENT ON COLUMN app.work_requests.decided_at IS E'Decided at';
COMMENT ON COLUMN app.work_requests.created_at IS E'Submitted at';
COMMENT ON COLUMN app.work_requests.updated_at IS E'Updated at';

CREATE TABLE app.work_orders (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  work_order_number text NOT NULL,
  work_type app.work_order_type NOT NULL,
  priority smallint NOT NULL DEFAULT 3 CONSTRAINT work_orders_priority_range CHECK (priority BETWEEN 1 AND 5),
  title text NOT NULL CONSTRAINT work_orders_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT work_orders_description_length CHECK (length(description) <= 20000),
  status text NOT NULL DEFAULT 'planned' CONSTRAINT work_orders_status_known
    CHECK (status IN ('planned', 'scheduled', 'in_progress', 'on_hold', 'completed', 'verified', 'closed', 'cancelled')),
  held_from text CONSTRAINT work_orders_held_from_known CHECK (held_from IN ('planned', 'scheduled', 'in_progress')),
  hold_reason text CONSTRAINT work_orders_hold_reason_length CHECK (length(btrim(hold_reason)) BETWEEN 1 AND 2000),
  cancel_reason text CONSTRAINT work_orders_cancel_reason_length CHECK (length(btrim(cancel_reason)) BETWEEN 1 AND 2000),
  equipment_id uuid NOT NULL,
  site_id uuid,
  work_request_id uuid,
  template_id uuid,
  is_breakdown boolean NOT NULL DEFAULT false,
  assignee_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  contractor_id uuid,
  required_qualification text CONSTRAINT work_orders_qualification_length CHECK (length(required_qualification) BETWEEN 1 AND 100),
  checklist_template_key text CONSTRAINT work_orders_checklist_length CHECK (length(checklist_template_key) BETWEEN 1 AND 100),
  estimated_hours numeric CONSTRAINT work_orders_hours_range CHECK (estimated_hours > 0 AND estimated_hours <= 10000),
  scheduled tstzrange CONSTRAINT work_orders_scheduled_bounded CHECK (NOT lower_inf(scheduled) AND NOT upper_inf(scheduled) AND NOT isempty(scheduled)),
  due_date date,
  started_at timestamptz,
  completed_at timestamptz,
  verified_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  verified_at timestamptz,
  closed_at timestamptz,
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(work_order_number, '') || ' ' || title), 'A') ||
    setweight(to_tsvector('simple', description), 'B')) STORED,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT work_orders_number_unique UNIQUE (organization_id, work_order_number),
  CONSTRAINT work_orders_request_once UNIQUE (organization_id, work_request_id),
  CONSTRAINT work_orders_hold_consistent CHECK ((status = 'on_hold') = (held_from IS NOT NULL AND hold_reason IS NOT NULL)),
  CONSTRAINT work_orders_cancel_reason CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
  CONSTRAINT work_orders_request_types CHECK (work_request_id IS NULL OR work_type IN ('corrective', 'inspection')),
  CONSTRAINT work_orders_scheduled_window CHECK (status NOT IN ('scheduled', 'in_progress') OR (scheduled IS NOT NULL AND assignee_id IS NOT NULL)),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  FOREIGN KEY (organization_id, work_request_id) REFERENCES app.work_requests (organization_id, id),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.work_order_templates (organization_id, id),
  FOREIGN KEY (organization_id, contractor_id) REFERENCES app.partners (organization_id, id)
);
CREATE INDEX work_orders_equipment_idx ON app.work_orders (organization_id, equipment_id);
CREATE INDEX work_orders_site_idx ON app.work_orders (organization_id, site_id);
CREATE INDEX work_orders_status_idx ON app.work_orders (organization_id, status, due_date);
CREATE INDEX work_orders_template_idx ON app.work_orders (organization_id, template_id);
CREATE INDEX work_orders_contractor_idx ON app.work_orders (organization_id, contractor_id);
CREATE INDEX work_orders_assignee_idx ON app.work_orders (assignee_id);
CREATE INDEX work_orders_verified_by_idx ON app.work_orders (verified_by);
CREATE INDEX work_orders_created_by_idx ON app.work_orders (created_by);
CREATE INDEX work_orders_search_idx ON app.work_orders USING gin (search_vector);
COMMENT ON TABLE app.work_orders IS
  E'Work orders\nMaintenance work on one primary asset (and others in work_order_assets), WO-000123: type, priority, assignee (a person holding the required qualification at the scheduled time) or a contractor (a partner whose portal users read it), scheduled window, due date, and its state: planned -> scheduled -> in_progress -> completed -> verified -> closed, cancelled (reason), on_hold (reason) returning to the state it left. Plant from the primary asset. Written by the RPCs of 90_maintenance.';
COMMENT ON COLUMN app.work_orders.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_orders.id IS E'Work order id';
COMMENT ON COLUMN app.work_orders.work_order_number IS E'Work order number\nWO-000123, unique in the tenant.';
COMMENT ON COLUMN app.work_orders.work_type IS E'Type\ncorrective, preventive, inspection or emergency.';
COMMENT ON COLUMN app.work_orders.priority IS E'Priority\n1 (highest) to 5.';
COMMENT ON COLUMN app.work_orders.title IS E'Title';
COMMENT ON COLUMN app.work_orders.description IS E'Description\nThe task (copied from the template, if any).';
COMMENT ON COLUMN app.work_orders.status IS E'Status\nplanned, scheduled, in_progress, on_hold, completed, verified, closed or cancelled.';
COMMENT ON COLUMN app.work_orders.held_from IS E'Held from\nThe state an on-hold work order returns to.';
COMMENT ON COLUMN app.work_orders.hold_reason IS E'Hold reason';
COMMENT ON COLUMN app.work_orders.cancel_reason IS E'Cancel reason';
COMMENT ON COLUMN app.work_orders.equipment_id IS E'Primary asset\nequipment.id.';
COMMENT ON COLUMN app.work_orders.site_id IS E'Plant\nThe primary asset''s site: who may see and act on it.';
COMMENT ON COLUMN app.work_orders.work_request_id IS E'Work request\nThe request it was converted from.';
COMMENT ON COLUMN app.work_orders.template_id IS E'Template\nThe template it was made from.';
COMMENT ON COLUMN app.work_orders.is_breakdown IS E'Breakdown\nThe asset broke down: stops recorded from the work order are breakdowns in the downtime log.';
COMMENT ON COLUMN app.work_orders.assignee_id IS E'Assignee\nThe person who does the work.';
COMMENT ON COLUMN app.work_orders.contractor_id IS E'Contractor\nThe partner (partners.id) doing the work; its portal users read the work order.';
COMMENT ON COLUMN app.work_orders.required_qualification IS E'Required qualification\nA qualification code the assignee must hold at the scheduled time.';
COMMENT ON COLUMN app.work_orders.checklist_template_key IS E'Checklist template\nThe checklist started on the work order.';
COMMENT ON COLUMN app.work_orders.estimated_hours IS E'Estimated hours';
COMMENT ON COLUMN app.work_orders.scheduled IS E'Scheduled window\nWhen the work is planned to happen.';
COMMENT ON COLUMN app.work_orders.due_date IS E'Due date';
COMMENT ON COLUMN app.work_orders.started_at IS E'Started at\nWhen it first went in_progress.';
COMMENT ON COLUMN app.work_orders.completed_at IS E'Completed at';
COMMENT ON COLUMN app.work_orders.verified_by IS E'Verified by';
COMMENT ON COLUMN app.work_orders.verified_at IS E'Verified at';
COMMENT ON COLUMN app.work_orders.closed_at IS E'Closed at';
COMMENT ON COLUMN app.work_orders.search_vector IS E'Search vector\nNumber and title (A), description (B); comments are searched by the comments block.';
COMMENT ON COLUMN app.work_orders.created_by IS E'Created by';
COMMENT ON COLUMN app.work_orders.created_at IS E'Created at';
COMMENT ON COLUMN app.work_orders.updated_at IS E'Updated at';

CREATE TABLE app.work_order_assets (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  work_order_id uuid NOT NULL,
  equipment_id uuid NOT NULL,
  is_primary boolean NOT NULL DEFAULT false,
  site_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, work_order_id, equipment_id),
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app.work_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE UNIQUE INDEX work_order_assets_one_primary ON app.work_order_assets (organization_id, work_order_id) WHERE is_primary;
CREATE INDEX work_order_assets_equipment_idx ON app.work_order_assets (organization_id, equipment_id);
CREATE INDEX work_order_assets_site_idx ON app.work_order_assets (organization_id, site_id);
COMMENT ON TABLE app.work_order_assets IS
  E'Work order assets\nThe assets a work order covers: the primary one (added by app.create_work_order) and more (app.add_work_order_asset). Plant copied from the work order; read by whoever may read the work order.';
COMMENT ON COLUMN app.work_order_assets.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_order_assets.work_order_id IS E'Work order';
COMMENT ON COLUMN app.work_order_assets.equipment_id IS E'Asset';
COMMENT ON COLUMN app.work_order_assets.is_primary IS E'Primary\nThe work order''s primary asset (exactly one).';
COMMENT ON COLUMN app.work_order_assets.site_id IS E'Plant\nThe work order''s site.';
COMMENT ON COLUMN app.work_order_assets.created_at IS E'Added at';

CREATE TABLE app.labour_rates (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid REFERENCES app.users (id) ON DELETE CASCADE,
  qualification_id uuid,
  hourly_rate numeric NOT NULL CONSTRAINT labour_rates_rate_positive CHECK (hourly_rate >= 0),
  currency text NOT NULL CONSTRAINT labour_rates_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT labour_rates_one_subject CHECK (num_nonnulls(user_id, qualification_id) = 1),
  CONSTRAINT labour_rates_user_unique UNIQUE (organization_id, user_id),
  CONSTRAINT labour_rates_qualification_unique UNIQUE (organization_id, qualification_id),
  FOREIGN KEY (organization_id, qualification_id) REFERENCES app.qualifications (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX labour_rates_user_idx ON app.labour_rates (user_id);
COMMENT ON TABLE app.labour_rates IS
  E'Labour rates\nHourly rate of a person, or of a qualification (competence register): a labour entry takes the person''s rate, else the highest rate of a qualification they hold when the work starts. Written with maintenance.work_order.manage.';
COMMENT ON COLUMN app.labour_rates.organization_id IS E'Tenant';
COMMENT ON COLUMN app.labour_rates.id IS E'Rate id';
COMMENT ON COLUMN app.labour_rates.user_id IS E'Person\nThe rate is this person''s (or empty).';
COMMENT ON COLUMN app.labour_rates.qualification_id IS E'Qualification\nThe rate is for holders of this qualification (or empty).';
COMMENT ON COLUMN app.labour_rates.hourly_rate IS E'Hourly rate';
COMMENT ON COLUMN app.labour_rates.currency IS E'Currency\nISO 4217 code.';
COMMENT ON COLUMN app.labour_rates.created_at IS E'Created at';
COMMENT ON COLUMN app.labour_rates.updated_at IS E'Updated at';

CREATE TABLE app.labour_entries (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  work_order_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  hours numeric NOT NULL CONSTRAINT labour_entries_hours_range CHECK (hours > 0 AND hours <= 24),
  hourly_rate numeric NOT NULL CONSTRAINT labour_entries_rate_positive CHECK (hourly_rate >= 0),
  currency text NOT NULL CONSTRAINT labour_entries_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
  cost numeric GENERATED ALWAYS AS (round(hours * hourly_rate, 2)) STORED,
  site_id uuid,
  note text NOT NULL DEFAULT '' CONSTRAINT labour_entries_note_length CHECK (length(note) <= 2000),
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT labour_entries_ends_after_start CHECK (ended_at IS NULL OR ended_at > started_at),
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app.work_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX labour_entries_work_order_idx ON app.labour_entries (organization_id, work_order_id);
CREATE INDEX labour_entries_site_idx ON app.labour_entries (organization_id, site_id);
CREATE INDEX labour_entries_user_idx ON app.labour_entries (user_id);
CREATE INDEX labour_entries_recorded_by_idx ON app.labour_entries (recorded_by);
COMMENT ON TABLE app.labour_entries IS
  E'Labour entries\nTime a person spent on a work order (start and end, or hours), costed at the rate found when it was logged (app.log_labour). Append-only. Plant copied from the work order; read by whoever may read the work order.';
COMMENT ON COLUMN app.labour_entries.organization_id IS E'Tenant';
COMMENT ON COLUMN app.labour_entries.id IS E'Entry id';
COMMENT ON COLUMN app.labour_entries.work_order_id IS E'Work order';
COMMENT ON COLUMN app.labour_entries.user_id IS E'Person';
COMMENT ON COLUMN app.labour_entries.started_at IS E'Started at';
COMMENT ON COLUMN app.labour_entries.ended_at IS E'Ended at\nEmpty when only hours were given.';
COMMENT ON COLUMN app.labour_entries.hours IS E'Hours';
COMMENT ON COLUMN app.labour_entries.hourly_rate IS E'Hourly rate\nFrom app.labour_rates when logged.';
COMMENT ON COLUMN app.labour_entries.currency IS E'Currency';
COMMENT ON COLUMN app.labour_entries.cost IS E'Cost\nhours x hourly rate, rounded to cents.';
COMMENT ON COLUMN app.labour_entries.site_id IS E'Plant\nThe work order''s site.';
COMMENT ON COLUMN app.labour_entries.note IS E'Note';
COMMENT ON COLUMN app.labour_entries.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.labour_entries.created_at IS E'Recorded at';

CREATE TABLE app.contractor_charges (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  work_order_id uuid NOT NULL,
  partner_id uuid NOT NULL,
  amount numeric NOT NULL CONSTRAINT contractor_charges_amount_positive CHECK (amount > 0),
  currency text NOT NULL CONSTRAINT contractor_charges_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
  description text NOT NULL DEFAULT '' CONSTRAINT contractor_charges_description_length CHECK (length(description) <= 2000),
  site_id uuid,
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app.work_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX contractor_charges_work_order_idx ON app.contractor_charges (organization_id, work_order_id);
CREATE INDEX contractor_charges_partner_idx ON app.contractor_charges (organization_id, partner_id);
CREATE INDEX contractor_charges_site_idx ON app.contractor_charges (organization_id, site_id);
CREATE INDEX contractor_charges_recorded_by_idx ON app.contractor_charges (recorded_by);
COMMENT ON TABLE app.contractor_charges IS
  E'Contractor charges\nWhat a contractor (partner) charged for a work order: amount and currency (app.add_contractor_charge). Append-only. Plant copied from the work order; read by whoever may read the work order.';
COMMENT ON COLUMN app.contractor_charges.organization_id IS E'Tenant';
COMMENT ON COLUMN app.contractor_charges.id IS E'Charge id';
COMMENT ON COLUMN app.contractor_charges.work_order_id IS E'Work order';
COMMENT ON COLUMN app.contractor_charges.partner_id IS E'Contractor charging\npartners.id.';
COMMENT ON COLUMN app.contractor_charges.amount IS E'Amount';
COMMENT ON COLUMN app.contractor_charges.currency IS E'Currency\nISO 4217 code.';
COMMENT ON COLUMN app.contractor_charges.description IS E'Description';
COMMENT ON COLUMN app.contractor_charges.site_id IS E'Plant\nThe work order''s site.';
COMMENT ON COLUMN app.contractor_charges.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.contractor_charges.created_at IS E'Recorded at';

-- Stops recorded from a work order.
ALTER TABLE app.downtime_events ADD COLUMN work_order_id uuid;
ALTER TABLE app.downtime_events ADD CONSTRAINT downtime_events_work_order_fkey
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app.work_orders (organization_id, id);
CREATE INDEX downtime_events_work_order_idx ON app.downtime_events (organization_id, work_order_id);
COMMENT ON COLUMN app.downtime_events.work_order_id IS E'Work order\nThe maintenance work order the stop was recorded from (app.record_work_order_stop).';

COMMIT;
