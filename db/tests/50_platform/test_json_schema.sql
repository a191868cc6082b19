-- JSON Schema in SQL: errors name the JSON path of the failing value; a
-- document that fails is refused with json_schema.invalid, a schema outside
-- the subset with json_schema.unsupported naming the keyword.
BEGIN;
SELECT plan(16);

SELECT set_config('tests.schema', '{"type": "object", "required": ["sample", "results"], "additionalProperties": false,
  "properties": {"sample": {"type": "string", "pattern": "^S-[0-9]{4}$"},
                 "taken_on": {"type": "string", "format": "date"},
                 "results": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["value"],
                   "properties": {"value": {"type": "number", "exclusiveMinimum": 0, "maximum": 14},
                                  "unit": {"enum": ["pH", "mg/L"]}, "odd key": {"type": "integer"}}}}}}', true);

SELECT is((SELECT array_agg(path || ' ' || keyword ORDER BY path COLLATE "C")
             FROM app_private.json_schema_errors(current_setting('tests.schema')::jsonb,
               '{"sample": "S-12", "taken_on": "2026-02-30", "extra": 1,
                 "results": [{"value": 7}, {"value": 7, "unit": "%"}, {"value": 0, "odd key": 1.5}, {"unit": "pH"}]}')),
  ARRAY['$.extra false', '$.results[1].unit enum', '$.results[2].value exclusiveMinimum', '$.results[2][''odd key''] type',
        '$.results[3].value required', '$.sample pattern', '$.taken_on format']::text[],
  'every failing value is named by its JSON path, with the keyword it failed');
SELECT is_empty($$SELECT * FROM app_private.json_schema_errors(current_setting('tests.schema')::jsonb,
  '{"sample": "S-0042", "taken_on": "2024-02-29", "results": [{"value": 14, "unit": "pH"}]}')$$, 'a valid document has no errors');
SELECT is((SELECT path FROM app_private.json_schema_errors('{"type": "object"}', '[]')), '$', 'the document itself is $');
SELECT is(app_private.json_path_member('$', 'it''s'), '$[''it\''s'']', 'a quote in a name is escaped');

SELECT is(tests.refusal($$SELECT app_private.validate_json(current_setting('tests.schema')::jsonb,
  '{"sample": "S-0042", "results": [{"value": 15}]}', 'The result')$$), 'PT422 json_schema.invalid', 'a failing document is refused');
SELECT throws_like($$SELECT app_private.validate_json(current_setting('tests.schema')::jsonb,
  '{"sample": "S-0042", "results": [{"value": 15}]}', 'The result')$$, '%$.results[0].value%', 'the refusal names the path');
SELECT lives_ok($$SELECT app_private.validate_json(current_setting('tests.schema')::jsonb,
  '{"sample": "S-0042", "results": [{"value": 1.5}]}', 'The result')$$, 'a valid document passes');

-- The subset check: what Pulse would only half check is refused before it is stored.
SELECT is(tests.refusal($$SELECT app_private.check_json_schema('{"type": "string", "format": "email"}', 'x')$$),
  'PT422 json_schema.unsupported', 'an unsupported format is refused');
SELECT is((SELECT array_agg(path || ' ' || keyword) FROM app_private.json_schema_problems(
  '{"properties": {"a": {"oneOf": [true]}, "b": {"items": {"pattern": "\\d"}}}}')),
  ARRAY['$.properties.a oneOf', '$.properties.b.items pattern'], 'problems are named by keyword and their path in the schema');
SELECT is(tests.refusal($$SELECT app_private.validate_json('{"minLength": -1}', '"x"', 'x')$$),
  'PT422 json_schema.unsupported', 'a keyword of the wrong shape is refused too, before any document is checked');
SELECT is(tests.refusal($$SELECT app_private.check_json_schema('"string"', 'x')$$),
  'PT422 json_schema.unsupported', 'a schema is an object or a boolean');
SELECT lives_ok($$SELECT app_private.check_json_schema(current_setting('tests.schema')::jsonb, 'x')$$, 'a schema of the subset passes');

-- Patterns: outside the subset they are refused, inside they are rewritten for PostgreSQL.
SELECT is(app_private.json_schema_pattern(p), NULL, format('pattern %s is outside the subset', p))
  FROM unnest(ARRAY['\w+', '(?=a)b']) AS p;
SELECT is(app_private.json_schema_pattern('a.b'), '***:a[^\n\r\u2028\u2029]b', 'the dot leaves out line terminators, as in ECMA 262');
SELECT ok(app_private.is_rfc3339('date-time', '2026-12-06t07:00:00.5+05:30') AND NOT app_private.is_rfc3339('date-time', '2026-12-06T07:00:60Z')
          AND NOT app_private.is_rfc3339('date', '2100-02-29'), 'date-times follow RFC 3339, dates exist');

SELECT * FROM finish();
ROLLBACK;
