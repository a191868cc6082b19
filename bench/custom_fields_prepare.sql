-- The custom fields bench (bench/custom_fields.sh): ten project fields of
-- acme-manufacturing, one of each kind of rule, and the projects the writes
-- go to, numbered 0..n-1 in app_private.bench_custom_field_targets.
INSERT INTO app.type_lists (organization_id, code, label)
SELECT id, 'bench_grade', 'Bench grade' FROM app.organizations WHERE slug = 'acme-manufacturing';
INSERT INTO app.type_list_values (organization_id, type_list_id, code, label, position)
SELECT l.organization_id, l.id, v.code, upper(v.code), v.position
  FROM app.type_lists AS l CROSS JOIN (VALUES ('a', 1), ('b', 2), ('c', 3)) AS v (code, position)
 WHERE l.code = 'bench_grade';
INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, field_type, is_required, min_value, max_value,
                                          min_length, max_length, pattern, unit, type_list_id, target_entity_type, position)
SELECT l.organization_id, 'project', f.code, f.code, f.field_type::app.custom_field_type, false, f.min_value, f.max_value,
       f.min_length, f.max_length, f.pattern, f.unit, CASE WHEN f.field_type LIKE '%select' THEN l.id END,
       CASE WHEN f.field_type = 'reference' THEN 'project' END, f.position
  FROM app.type_lists AS l
 CROSS JOIN (VALUES
   ('bench_reference', 'text', NULL::numeric, NULL::numeric, 2, 7, '[A-Z]{2}-[0-9]{4}', NULL::text, 1),
   ('bench_count', 'integer', 0, 1000000, NULL, NULL, NULL, NULL, 2),
   ('bench_thickness', 'decimal', 0, 100, NULL, NULL, NULL, 'mm', 3),
   ('bench_grade', 'single_select', NULL, NULL, NULL, NULL, NULL, NULL, 4),
   ('bench_grades', 'multi_select', NULL, NULL, NULL, NULL, NULL, NULL, 5),
   ('bench_due', 'date', NULL, NULL, NULL, NULL, NULL, NULL, 6),
   ('bench_export', 'boolean', NULL, NULL, NULL, NULL, NULL, NULL, 7),
   ('bench_contact', 'email', NULL, NULL, NULL, 200, NULL, NULL, 8),
   ('bench_portal', 'url', NULL, NULL, NULL, 200, NULL, NULL, 9),
   ('bench_related', 'reference', NULL, NULL, NULL, NULL, NULL, NULL, 10)
 ) AS f (code, field_type, min_value, max_value, min_length, max_length, pattern, unit, position)
 WHERE l.code = 'bench_grade';

CREATE TABLE app_private.bench_custom_field_targets AS
SELECT (row_number() OVER (ORDER BY p.id) - 1)::int AS n, p.id, p.organization_id,
       (SELECT o.id FROM app.projects AS o WHERE o.organization_id = p.organization_id AND o.id <> p.id ORDER BY o.id LIMIT 1) AS other
  FROM app.projects AS p JOIN app.organizations AS g ON g.id = p.organization_id
 WHERE g.slug = 'acme-manufacturing' AND p.status NOT IN ('completed', 'cancelled');
CREATE UNIQUE INDEX ON app_private.bench_custom_field_targets (n);
GRANT USAGE ON SCHEMA app_private TO app_user;
GRANT SELECT ON app_private.bench_custom_field_targets TO app_user;
