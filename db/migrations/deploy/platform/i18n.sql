-- Deploy pulse:platform/i18n to pg
-- requires: platform/entities

BEGIN;

-- The locales Pulse supports (db/seeds/reference/50_platform.sql fills
-- them): what a user may choose as preferences.locale and what a label or a
-- string may be written in.
CREATE TABLE app.locales (
  locale text PRIMARY KEY
    CONSTRAINT locales_bcp47 CHECK (locale ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$'),
  name text NOT NULL CONSTRAINT locales_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  native_name text NOT NULL CONSTRAINT locales_native_name_length CHECK (length(btrim(native_name)) BETWEEN 1 AND 100)
);
COMMENT ON TABLE app.locales IS
  E'Supported locales\nThe locales a user may choose (preferences.locale) and labels and strings may be written in: BCP 47 tags in canonical case (de, de-AT, zh-Hans).';
COMMENT ON COLUMN app.locales.locale IS E'Locale\nBCP 47 tag: language, optional script, optional region (de-AT).';
COMMENT ON COLUMN app.locales.name IS E'Name\nIts name in English (German (Austria)).';
COMMENT ON COLUMN app.locales.native_name IS E'Native name\nIts name in itself (Deutsch (Österreich)).';

-- The string catalog: the platform's texts (messages, enum values, UI
-- strings) by namespace and key, per locale; tenants override them.
CREATE TABLE app_private.default_i18n_strings (
  namespace text NOT NULL CONSTRAINT default_i18n_strings_namespace_format CHECK (namespace ~ '^[a-z][a-z0-9_]{0,62}$'),
  key text NOT NULL CONSTRAINT default_i18n_strings_key_format CHECK (key ~ '^[a-z0-9_]+(\.[a-z0-9_]+)*$' AND length(key) <= 200),
  locale text NOT NULL REFERENCES app.locales (locale),
  text text NOT NULL CONSTRAINT default_i18n_strings_text_length CHECK (length(text) BETWEEN 1 AND 2000),
  PRIMARY KEY (namespace, key, locale)
);
COMMENT ON TABLE app_private.default_i18n_strings IS
  'The platform''s strings per namespace, key and locale (db/seeds/reference/50_platform.sql); every key has an en text. Read through app.localized_strings.';

CREATE TABLE app.i18n_strings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  namespace text NOT NULL CONSTRAINT i18n_strings_namespace_format CHECK (namespace ~ '^[a-z][a-z0-9_]{0,62}$'),
  key text NOT NULL CONSTRAINT i18n_strings_key_format CHECK (key ~ '^[a-z0-9_]+(\.[a-z0-9_]+)*$' AND length(key) <= 200),
  locale text NOT NULL REFERENCES app.locales (locale),
  text text NOT NULL CONSTRAINT i18n_strings_text_length CHECK (length(text) BETWEEN 1 AND 2000),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, namespace, key, locale)
);
CREATE INDEX i18n_strings_locale_idx ON app.i18n_strings (locale);
COMMENT ON TABLE app.i18n_strings IS
  E'Tenant strings\nThe tenant''s own texts: overrides of the platform''s strings, or strings of its own, per namespace, key and locale. Written with organization.update; read resolved through GET /localized_strings.';
COMMENT ON COLUMN app.i18n_strings.organization_id IS E'Tenant\nThe tenant (filled from the token when left out).';
COMMENT ON COLUMN app.i18n_strings.namespace IS E'Namespace\nWhat the string belongs to (workflow, enum, ui).';
COMMENT ON COLUMN app.i18n_strings.key IS E'Key\nDotted key inside the namespace (project_status.quoted).';
COMMENT ON COLUMN app.i18n_strings.locale IS E'Locale\nA supported locale (GET /locales).';
COMMENT ON COLUMN app.i18n_strings.text IS E'Text\nThe text in that locale.';
COMMENT ON COLUMN app.i18n_strings.updated_at IS E'Changed at\nWhen the text was last changed.';

-- Translated labels on the workflow's stage and sub-stage definitions: the
-- name stays the default text, labels hold its translations by locale.
ALTER TABLE app.workflow_stages ADD COLUMN labels jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT workflow_stages_labels_object CHECK (jsonb_typeof(labels) = 'object' AND octet_length(labels::text) <= 16384);
COMMENT ON COLUMN app.workflow_stages.labels IS
  E'Translations\nThe name in other locales ({"de": "Angebot erstellt"}); read it in the caller''s locale as label (REST: select=label:workflow_stages_label).';
ALTER TABLE app.workflow_sub_stages ADD COLUMN labels jsonb NOT NULL DEFAULT '{}'
  CONSTRAINT workflow_sub_stages_labels_object CHECK (jsonb_typeof(labels) = 'object' AND octet_length(labels::text) <= 16384);
COMMENT ON COLUMN app.workflow_sub_stages.labels IS
  E'Translations\nThe name in other locales ({"de": "Technische Prüfung"}); read it in the caller''s locale as label (REST: select=label:workflow_sub_stages_label).';

COMMIT;
