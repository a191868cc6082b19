-- Deploy pulse:maintenance/calendar to pg
-- Maintenance teams (members with from/to), technician availability (shifts
-- and absences, no overlap per person), work orders assigned to a team, and
-- the per-user ICS feed tokens (only their SHA-256 stored).

BEGIN;

CREATE TABLE app.maintenance_teams (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CONSTRAINT maintenance_teams_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  site_id uuid,
  is_active boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT maintenance_teams_name_unique UNIQUE (organization_id, name),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX maintenance_teams_site_idx ON app.maintenance_teams (organization_id, site_id);
CREATE INDEX maintenance_teams_created_by_idx ON app.maintenance_teams (created_by);
COMMENT ON TABLE app.maintenance_teams IS
  E'Maintenance teams\nA crew (mechanical, electrical, a shift) that work orders can be assigned to instead of a person; optionally of one plant. Written with team.manage (app.define_maintenance_team).';
COMMENT ON COLUMN app.maintenance_teams.organization_id IS E'Tenant';
COMMENT ON COLUMN app.maintenance_teams.id IS E'Team id';
COMMENT ON COLUMN app.maintenance_teams.name IS E'Name\nUnique in the tenant.';
COMMENT ON COLUMN app.maintenance_teams.site_id IS E'Plant\nThe plant the team works at; none for a tenant-wide team.';
COMMENT ON COLUMN app.maintenance_teams.is_active IS E'Active\nInactive teams are not assigned new work.';
COMMENT ON COLUMN app.maintenance_teams.created_by IS E'Created by';
COMMENT ON COLUMN app.maintenance_teams.created_at IS E'Created at';

CREATE TABLE app.maintenance_team_members (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  team_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  member_from timestamptz NOT NULL DEFAULT now(),
  member_to timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, team_id) REFERENCES app.maintenance_teams (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT maintenance_team_members_period CHECK (member_to IS NULL OR member_to > member_from),
  CONSTRAINT maintenance_team_members_no_overlap EXCLUDE USING gist (
    organization_id WITH =, team_id WITH =, user_id WITH =, tstzrange(member_from, member_to) WITH &&)
);
CREATE INDEX maintenance_team_members_user_idx ON app.maintenance_team_members (user_id, organization_id);
COMMENT ON TABLE app.maintenance_team_members IS
  E'Team members\nWho belongs to a team from when to when (no overlapping periods of one person in one team). Written with team.manage (app.add_team_member, app.end_team_member).';
COMMENT ON COLUMN app.maintenance_team_members.organization_id IS E'Tenant';
COMMENT ON COLUMN app.maintenance_team_members.id IS E'Membership id';
COMMENT ON COLUMN app.maintenance_team_members.team_id IS E'Team';
COMMENT ON COLUMN app.maintenance_team_members.user_id IS E'Member';
COMMENT ON COLUMN app.maintenance_team_members.member_from IS E'Member from';
COMMENT ON COLUMN app.maintenance_team_members.member_to IS E'Member until\nNone while still a member.';
COMMENT ON COLUMN app.maintenance_team_members.created_at IS E'Created at';

CREATE TABLE app.technician_availability (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  period tstzrange NOT NULL CONSTRAINT technician_availability_period_bounded
    CHECK (NOT lower_inf(period) AND NOT upper_inf(period) AND NOT isempty(period)),
  kind text NOT NULL CONSTRAINT technician_availability_kind_known CHECK (kind IN ('available', 'absent')),
  reason text NOT NULL DEFAULT '' CONSTRAINT technician_availability_reason_length CHECK (length(reason) <= 500),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT technician_availability_no_overlap EXCLUDE USING gist (organization_id WITH =, user_id WITH =, period WITH &&)
);
CREATE INDEX technician_availability_user_idx ON app.technician_availability (user_id, organization_id);
CREATE INDEX technician_availability_created_by_idx ON app.technician_availability (created_by);
COMMENT ON TABLE app.technician_availability IS
  E'Technician availability\nShifts (available) and absences (absent: leave, training, sickness) of a person; one person''s periods never overlap. A work order is not scheduled on a person during an absence. Written by the person or with work_order.manage (app.set_availability).';
COMMENT ON COLUMN app.technician_availability.organization_id IS E'Tenant';
COMMENT ON COLUMN app.technician_availability.id IS E'Availability id';
COMMENT ON COLUMN app.technician_availability.user_id IS E'Person';
COMMENT ON COLUMN app.technician_availability.period IS E'Period\nFrom (inclusive) to (exclusive).';
COMMENT ON COLUMN app.technician_availability.kind IS E'Kind\navailable (a shift) or absent.';
COMMENT ON COLUMN app.technician_availability.reason IS E'Reason\nWhy absent, or the shift''s name.';
COMMENT ON COLUMN app.technician_availability.created_by IS E'Recorded by';
COMMENT ON COLUMN app.technician_availability.created_at IS E'Recorded at';

ALTER TABLE app.work_orders ADD COLUMN team_id uuid,
  ADD CONSTRAINT work_orders_team_fkey FOREIGN KEY (organization_id, team_id) REFERENCES app.maintenance_teams (organization_id, id);
ALTER TABLE app.work_orders DROP CONSTRAINT work_orders_scheduled_window,
  ADD CONSTRAINT work_orders_scheduled_window
    CHECK (status NOT IN ('scheduled', 'in_progress') OR (scheduled IS NOT NULL AND (assignee_id IS NOT NULL OR team_id IS NOT NULL)));
CREATE INDEX work_orders_team_idx ON app.work_orders (organization_id, team_id);
CREATE INDEX work_orders_scheduled_idx ON app.work_orders USING gist (organization_id, scheduled);
COMMENT ON COLUMN app.work_orders.team_id IS E'Team\nThe team that does the work, instead of (or besides) a person; one member must hold the required qualification.';
COMMENT ON COLUMN app.work_orders.assignee_id IS E'Assignee\nThe person who does the work (or a team: team_id).';

CREATE TABLE app_private.calendar_feeds (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  scope text NOT NULL CONSTRAINT calendar_feeds_scope_known CHECK (scope IN ('user', 'team', 'asset')),
  team_id uuid,
  equipment_id uuid,
  token_hash bytea NOT NULL CONSTRAINT calendar_feeds_hash_length CHECK (length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT calendar_feeds_scope_target CHECK ((scope = 'team') = (team_id IS NOT NULL) AND (scope = 'asset') = (equipment_id IS NOT NULL)),
  FOREIGN KEY (organization_id, team_id) REFERENCES app.maintenance_teams (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX calendar_feeds_hash_idx ON app_private.calendar_feeds (token_hash);
CREATE INDEX calendar_feeds_user_idx ON app_private.calendar_feeds (user_id, organization_id);
CREATE INDEX calendar_feeds_team_idx ON app_private.calendar_feeds (organization_id, team_id);
CREATE INDEX calendar_feeds_equipment_idx ON app_private.calendar_feeds (organization_id, equipment_id);
COMMENT ON TABLE app_private.calendar_feeds IS
  E'Calendar feeds\nA person''s ICS feed (their own work, a team''s or an asset''s): the SHA-256 of its URL token (shown once by app.issue_calendar_feed), revocable. The feed shows what its owner may see now.';
COMMENT ON COLUMN app_private.calendar_feeds.organization_id IS E'Tenant';
COMMENT ON COLUMN app_private.calendar_feeds.id IS E'Feed id';
COMMENT ON COLUMN app_private.calendar_feeds.user_id IS E'Owner\nThe person whose rights the feed reads with.';
COMMENT ON COLUMN app_private.calendar_feeds.scope IS E'Scope\nuser (the owner''s work and availability), team or asset.';
COMMENT ON COLUMN app_private.calendar_feeds.team_id IS E'Team\nFor a team feed.';
COMMENT ON COLUMN app_private.calendar_feeds.equipment_id IS E'Asset\nFor an asset feed.';
COMMENT ON COLUMN app_private.calendar_feeds.token_hash IS E'Token hash\nSHA-256 of the token.';
COMMENT ON COLUMN app_private.calendar_feeds.created_at IS E'Issued at';
COMMENT ON COLUMN app_private.calendar_feeds.revoked_at IS E'Revoked at';

-- The media type PostgREST serves the ICS feed as (Media Type Handlers).
CREATE DOMAIN app."text/calendar" AS text;
COMMENT ON DOMAIN app."text/calendar" IS E'iCalendar\nRFC 5545 text: PostgREST answers a function returning it with Content-Type text/calendar when the client asks for text/calendar.';
-- PostgREST 12 answers Accept: */* (what calendar apps send) with its JSON
-- handler unless the function returns the "any" handler's domain, whose
-- function sets Content-Type itself.
CREATE DOMAIN app."*/*" AS bytea;
COMMENT ON DOMAIN app."*/*" IS E'Any media type\nPostgREST''s "any" media type handler: a function returning it answers every Accept header and sets Content-Type in response.headers.';

COMMIT;
