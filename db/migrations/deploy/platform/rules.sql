-- Deploy pulse:platform/rules to pg
-- requires: platform/entities

BEGIN;

-- The rules engine (docs/platform/rules.md): tenants define rules on the
-- platform events (app_private.events): an event type, a condition over the
-- payload, actions. The trigger _600_rules on app_private.events runs them
-- in the transaction that published the event and logs every evaluation in
-- app.rule_runs.

-- How deep a chain of rule actions may go: an event published by a rule
-- action has the depth of the event that fired the rule plus one; events at
-- max_depth or deeper fire no rules (the evaluations are logged as
-- depth_limit). One row, written by the operator.
CREATE TABLE app_private.rule_settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT rule_settings_singleton CHECK (singleton),
  max_depth integer NOT NULL DEFAULT 5 CONSTRAINT rule_settings_max_depth_range CHECK (max_depth BETWEEN 1 AND 50),
  run_retention_days integer NOT NULL DEFAULT 90 CONSTRAINT rule_settings_run_retention_range CHECK (run_retention_days BETWEEN 1 AND 3650)
);
REVOKE ALL ON app_private.rule_settings FROM PUBLIC;
INSERT INTO app_private.rule_settings DEFAULT VALUES;
COMMENT ON TABLE app_private.rule_settings IS
  E'Rules engine settings\nPlatform-wide; one row, written by the operator.';
COMMENT ON COLUMN app_private.rule_settings.singleton IS 'Always true: there is one row.';
COMMENT ON COLUMN app_private.rule_settings.max_depth IS
  'Events of this depth or deeper (depth counts the rule actions that led to an event) fire no rules.';
COMMENT ON COLUMN app_private.rule_settings.run_retention_days IS
  'Rule runs older than this many days are deleted by the job purge-rule-runs.';

-- While a rule's actions run, the events they cause (their own, or a
-- domain's through set_field) are one level deeper than the event that
-- fired the rule: app_private.run_rule keeps one row per running rule here,
-- for its transaction, and app_private.publish_event reads the deepest. The
-- row leaves when the actions end (or roll back with them).
CREATE TABLE app_private.rule_contexts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  xact_id xid8 NOT NULL,
  depth integer NOT NULL CONSTRAINT rule_contexts_depth_range CHECK (depth BETWEEN 1 AND 100)
);
CREATE INDEX rule_contexts_xact_idx ON app_private.rule_contexts (xact_id);
REVOKE ALL ON app_private.rule_contexts FROM PUBLIC;
COMMENT ON TABLE app_private.rule_contexts IS
  'The rules running in each transaction and the depth of the events their actions publish (written by app_private.run_rule, read by app_private.publish_event).';

-- Action kinds: each is a function app_private.rule_action_<kind>(p_mode,
-- p_rule, p_action, p_event, p_path) that checks (mode check), describes
-- (mode plan) or does (mode run) one action. The platform registers notify,
-- set_field and webhook; a domain adds its own (create a work order) with
-- app_private.register_rule_action.
CREATE TABLE app_private.rule_action_kinds (
  kind text PRIMARY KEY CONSTRAINT rule_action_kinds_kind_format CHECK (kind ~ '^[a-z][a-z0-9_]{0,40}$'),
  description text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON app_private.rule_action_kinds FROM PUBLIC;
COMMENT ON TABLE app_private.rule_action_kinds IS
  'Kinds of rule actions and what they do; each dispatches to app_private.rule_action_<kind> (app_private.register_rule_action).';

-- Entity types whose rows a set_field action may change, and the permission
-- a rule's author needs for it (the permission the type's UPDATE policy asks).
CREATE TABLE app_private.rule_targets (
  entity_type text PRIMARY KEY REFERENCES app_private.entity_types (entity_type) ON DELETE CASCADE,
  -- No foreign key: the repeatables register targets before the reference
  -- seeds fill the permission catalog.
  update_permission text NOT NULL CONSTRAINT rule_targets_permission_format CHECK (update_permission ~ '^[a-z_]+\.[a-z_]+$'),
  registered_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON app_private.rule_targets FROM PUBLIC;
COMMENT ON TABLE app_private.rule_targets IS
  'Entity types a rule''s set_field action may change (app_private.register_rule_target), and the permission the rule''s author must hold tenant-wide to set them.';

CREATE TABLE app.rules (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  key text NOT NULL CONSTRAINT rules_key_format CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  name text NOT NULL CONSTRAINT rules_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT rules_description_length CHECK (length(description) <= 4000),
  event_type text NOT NULL CONSTRAINT rules_event_type_format
    CHECK (event_type ~ '^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$' AND length(event_type) <= 100),
  condition jsonb NOT NULL DEFAULT '{}' CONSTRAINT rules_condition_size CHECK (octet_length(condition::text) <= 16384),
  actions jsonb NOT NULL CONSTRAINT rules_actions_size CHECK (octet_length(actions::text) <= 32768),
  is_active boolean NOT NULL DEFAULT true,
  author_id uuid NOT NULL REFERENCES app.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT rules_key_unique UNIQUE (organization_id, key)
);
CREATE INDEX rules_event_idx ON app.rules (organization_id, is_active, event_type);
CREATE INDEX rules_author_idx ON app.rules (author_id);
COMMENT ON TABLE app.rules IS
  E'Rules\nWhen an event of the type is published in the tenant and the condition holds for its payload, the actions run (docs/platform/rules.md). Managed with rule.manage.';
COMMENT ON COLUMN app.rules.organization_id IS 'The organization the rule belongs to; only its events fire it.';
COMMENT ON COLUMN app.rules.id IS 'Filled by the server when left out.';
COMMENT ON COLUMN app.rules.key IS 'Unique in the tenant, fixed once created; a webhook action publishes rule.<key> by default.';
COMMENT ON COLUMN app.rules.name IS 'What people call the rule.';
COMMENT ON COLUMN app.rules.description IS 'Why the rule exists.';
COMMENT ON COLUMN app.rules.event_type IS
  'The events that fire the rule: a type (project.stage_changed), a prefix wildcard (project.*) or every event (*).';
COMMENT ON COLUMN app.rules.condition IS
  'A JSON condition over the event payload ({} always holds); checked when saved (PT422 rule.condition_invalid naming the node).';
COMMENT ON COLUMN app.rules.actions IS
  'A JSON array of 1 to 20 actions ({"kind": "notify" | "set_field" | "webhook" | a domain''s kind, ...}), run in order.';
COMMENT ON COLUMN app.rules.is_active IS 'Only active rules fire; dry runs show inactive ones too.';
COMMENT ON COLUMN app.rules.author_id IS
  'Who saved the rule last (set by the server): set_field actions run with this person''s authority, checked when saved and on every run.';
COMMENT ON COLUMN app.rules.created_at IS 'When the rule was created.';
COMMENT ON COLUMN app.rules.updated_at IS 'When the rule was last changed.';

CREATE TABLE app.rule_runs (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  rule_id uuid NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  event_depth integer NOT NULL,
  matched boolean NOT NULL,
  status text NOT NULL CONSTRAINT rule_runs_status_known CHECK (status IN ('not_matched', 'done', 'failed', 'depth_limit')),
  actions jsonb NOT NULL DEFAULT '[]' CONSTRAINT rule_runs_actions_array CHECK (jsonb_typeof(actions) = 'array'),
  error jsonb CONSTRAINT rule_runs_error_object CHECK (error IS NULL OR jsonb_typeof(error) = 'object'),
  ran_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, rule_id) REFERENCES app.rules (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, event_id) REFERENCES app_private.events (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT rule_runs_status_matched CHECK (matched = (status <> 'not_matched')),
  CONSTRAINT rule_runs_error_when_failed CHECK ((error IS NOT NULL) = (status = 'failed'))
);
CREATE INDEX rule_runs_rule_idx ON app.rule_runs (organization_id, rule_id, ran_at);
CREATE INDEX rule_runs_event_idx ON app.rule_runs (organization_id, event_id);
COMMENT ON TABLE app.rule_runs IS
  E'Rule runs\nEvery evaluation of a rule on an event of its type: matched or not, the actions taken, or why they were not (failed with the error, or depth_limit). Written by the server; read with rule.manage.';
COMMENT ON COLUMN app.rule_runs.organization_id IS 'The organization of the rule and the event.';
COMMENT ON COLUMN app.rule_runs.id IS 'Filled by the server.';
COMMENT ON COLUMN app.rule_runs.rule_id IS 'The rule evaluated.';
COMMENT ON COLUMN app.rule_runs.event_id IS 'The event that was evaluated (app_private.events).';
COMMENT ON COLUMN app.rule_runs.event_type IS 'The type of that event.';
COMMENT ON COLUMN app.rule_runs.event_depth IS 'How many rule actions led to the event (0: published by a domain).';
COMMENT ON COLUMN app.rule_runs.matched IS 'Whether the condition held.';
COMMENT ON COLUMN app.rule_runs.status IS
  'not_matched; done (every action ran); failed (no action took effect: error says why; the change that published the event went on); depth_limit (the event was too deep to fire rules).';
COMMENT ON COLUMN app.rule_runs.actions IS 'What each action did (done), in order.';
COMMENT ON COLUMN app.rule_runs.error IS
  'When failed: the action (index, kind), SQLSTATE, reason code and message.';
COMMENT ON COLUMN app.rule_runs.ran_at IS 'When the rule was evaluated.';

COMMIT;
