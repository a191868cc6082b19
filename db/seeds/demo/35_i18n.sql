-- Demo data for i18n and feature flags: Northwind (a German lab) reads its
-- workflow in German and French, its people choose their locale, it has
-- turned on the GLP controls and renamed one status in German.
-- Idempotent: updates by natural keys, upserts.

UPDATE app.workflow_stages AS s
   SET labels = l.labels::jsonb
  FROM (VALUES
    ('inquiry', '{"de": "Anfrage eingegangen", "fr": "Demande reçue"}'),
    ('technical-review', '{"de": "Technische Prüfung", "fr": "Revue technique"}'),
    ('quoted', '{"de": "Angebot erstellt", "fr": "Devis envoyé"}'),
    ('completed', '{"de": "Abgeschlossen", "fr": "Terminé"}')
  ) AS l (slug, labels)
  JOIN app.organizations AS o ON o.slug = 'northwind-labs'
 WHERE s.organization_id = o.id AND s.slug = l.slug;

UPDATE app.workflow_sub_stages AS s
   SET labels = '{"de": "Technische Bewertung", "fr": "Évaluation technique"}'
  FROM app.organizations AS o
 WHERE o.slug = 'northwind-labs' AND s.organization_id = o.id AND s.slug = 'engineering-review';

UPDATE app.users SET preferences = preferences || '{"locale": "de"}' WHERE email LIKE '%@northwind.test'
   AND preferences ->> 'locale' IS NULL;
UPDATE app.users SET preferences = preferences || '{"locale": "fr-CA"}' WHERE email = 'qa@acme.test'
   AND preferences ->> 'locale' IS NULL;

INSERT INTO app.tenant_feature_flags (organization_id, flag_key, value)
SELECT o.id, f.flag_key, f.value::jsonb
  FROM (VALUES ('glp_esignatures_required', 'true'), ('glp_training_checks', 'true'), ('results_review', '"second_person"'))
       AS f (flag_key, value)
  JOIN app.organizations AS o ON o.slug = 'northwind-labs'
ON CONFLICT (organization_id, flag_key) DO UPDATE SET value = excluded.value;

INSERT INTO app.i18n_strings (organization_id, namespace, key, locale, text)
SELECT o.id, 'enum', 'project_status.quoted', 'de', 'Angebot versandt'
  FROM app.organizations AS o WHERE o.slug = 'northwind-labs'
ON CONFLICT (organization_id, namespace, key, locale) DO UPDATE SET text = excluded.text;
