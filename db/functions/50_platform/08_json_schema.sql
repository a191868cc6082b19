-- JSON Schema validation in SQL: a documented subset of draft 2020-12
-- (docs/platform/json-schema.md), in PL/pgSQL, with no extension, so it runs
-- on managed PostgreSQL too. A domain validates a jsonb column with
-- app_private.validate_json(schema, document, what) in its _200_validate
-- trigger, and checks a schema it stores with app_private.check_json_schema
-- so a tenant cannot store a schema this code would only half check.
-- tests/test_json_schema_differential.py holds it against Python's
-- jsonschema (Draft202012Validator with format checking).

-- The path of a member of the value at p_path: $.name, or $['odd key'] when
-- the name is not an identifier (RFC 9535 normalized path quoting).
CREATE OR REPLACE FUNCTION app_private.json_path_member(p_path text, p_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT p_path || CASE WHEN p_name ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN '.' || p_name
                        ELSE '[''' || replace(replace(p_name, '\', '\\'), '''', '\''') || ''']' END;
$$;
COMMENT ON FUNCTION app_private.json_path_member(text, text) IS
  'The JSON path of member p_name of the value at p_path: $.name, or $[''odd key''] when the name is not an identifier.';

-- An ECMA 262 pattern of the subset rewritten as a PostgreSQL advanced
-- regular expression that matches the same strings (code point by code
-- point, as ECMA's u flag), or NULL when the pattern uses anything outside
-- the subset: literals, escaped metacharacters, \n \t, `.`, ^ $, classes with
-- ranges (no shorthand classes \d \w \s, no POSIX classes), groups and
-- non-capturing groups, |, and the quantifiers * + ? {n} {n,} {n,m} (lazy or
-- not; bounds up to 255, the most PostgreSQL repeats). Whether a pattern
-- matches somewhere does not depend on greediness, so lazy quantifiers agree.
CREATE OR REPLACE FUNCTION app_private.json_schema_pattern(p_pattern text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_out text := '***:';       -- "an advanced regular expression", whatever follows
  v_i integer := 1;
  v_n integer := length(p_pattern);
  v_c text;
  v_next text;
  v_depth integer := 0;
  v_atom boolean := false;    -- whether the last thing written can take a quantifier
  v_quantified boolean := false;
  v_class text;
  v_lo text;
  v_hi text;
  v_match text[];
BEGIN
  IF p_pattern IS NULL OR v_n > 1000 THEN
    RETURN NULL;
  END IF;
  WHILE v_i <= v_n LOOP
    v_c := substr(p_pattern, v_i, 1);
    v_next := substr(p_pattern, v_i + 1, 1);
    IF v_c IN ('*', '+', '?', '{') THEN
      IF NOT v_atom OR v_quantified THEN
        RETURN NULL;
      END IF;
      IF v_c = '{' THEN
        v_match := regexp_match(substr(p_pattern, v_i), '^\{([0-9]{1,3})(,([0-9]{0,3}))?\}');
        IF v_match IS NULL OR v_match[1]::integer > 255 OR coalesce(nullif(v_match[3], '')::integer, 0) > 255
           OR (nullif(v_match[3], '') IS NOT NULL AND v_match[3]::integer < v_match[1]::integer) THEN
          RETURN NULL;
        END IF;
        v_out := v_out || '{' || v_match[1]::integer || coalesce(',' || nullif(v_match[3], '')::integer, v_match[2], '') || '}';
        v_i := v_i + length(v_match[1]) + coalesce(length(v_match[2]), 0) + 2;
      ELSE
        v_out := v_out || v_c;
        v_i := v_i + 1;
      END IF;
      IF substr(p_pattern, v_i, 1) = '?' THEN
        v_out := v_out || '?';
        v_i := v_i + 1;
      END IF;
      v_quantified := true;
      CONTINUE;
    END IF;
    v_quantified := false;
    IF v_c = '\' THEN
      IF v_next = '' THEN
        RETURN NULL;
      ELSIF strpos('\.^$|?*+()[]{}/', v_next) > 0 THEN
        v_out := v_out || CASE WHEN v_next = '/' THEN '/' ELSE '\' || v_next END;
      ELSIF v_next IN ('n', 't') THEN
        v_out := v_out || '\' || v_next;
      ELSE
        RETURN NULL;                -- \d \w \s \b, back references, \u, \x, \c ...: outside the subset
      END IF;
      v_i := v_i + 2;
      v_atom := true;
    ELSIF v_c = '.' THEN
      v_out := v_out || '[^\n\r\u2028\u2029]';   -- ECMA: any character but a line terminator
      v_i := v_i + 1;
      v_atom := true;
    ELSIF v_c IN ('^', '$') THEN
      v_out := v_out || v_c;
      v_i := v_i + 1;
      v_atom := false;
    ELSIF v_c = '|' THEN
      v_out := v_out || v_c;
      v_i := v_i + 1;
      v_atom := false;
    ELSIF v_c = '(' THEN
      IF v_next = '?' THEN
        IF substr(p_pattern, v_i + 2, 1) <> ':' THEN
          RETURN NULL;              -- look-arounds, named groups, inline flags
        END IF;
        v_out := v_out || '(?:';
        v_i := v_i + 3;
      ELSE
        v_out := v_out || '(';
        v_i := v_i + 1;
      END IF;
      v_depth := v_depth + 1;
      v_atom := false;
    ELSIF v_c = ')' THEN
      IF v_depth = 0 THEN
        RETURN NULL;
      END IF;
      v_out := v_out || ')';
      v_depth := v_depth - 1;
      v_i := v_i + 1;
      v_atom := true;
    ELSIF v_c = '[' THEN
      v_i := v_i + 1;
      v_class := '[';
      IF substr(p_pattern, v_i, 1) = '^' THEN
        v_class := v_class || '^';
        v_i := v_i + 1;
      END IF;
      IF substr(p_pattern, v_i, 1) = ']' THEN
        RETURN NULL;                -- [] and [^] differ between dialects
      END IF;
      LOOP
        v_c := substr(p_pattern, v_i, 1);
        EXIT WHEN v_c = ']';
        -- one class member: a character, or a range of two characters
        v_lo := NULL;
        FOR v_step IN 1..2 LOOP
          v_c := substr(p_pattern, v_i, 1);
          IF v_c = '' OR v_c = '[' THEN
            RETURN NULL;            -- unterminated, or [: [. [= (POSIX classes in PostgreSQL)
          ELSIF v_c = '\' THEN
            v_next := substr(p_pattern, v_i + 1, 1);
            IF strpos('\]^-[', v_next) > 0 THEN
              v_hi := v_next;
            ELSIF v_next = 'n' THEN
              v_hi := E'\n';
            ELSIF v_next = 't' THEN
              v_hi := E'\t';
            ELSE
              RETURN NULL;
            END IF;
            v_i := v_i + 2;
          ELSE
            v_hi := v_c;
            v_i := v_i + 1;
          END IF;
          EXIT WHEN v_step = 2;
          -- a dash between two members makes a range; a dash before ] is a literal
          IF substr(p_pattern, v_i, 1) = '-' AND substr(p_pattern, v_i + 1, 1) NOT IN (']', '') THEN
            v_lo := v_hi;
            v_i := v_i + 1;
          ELSE
            EXIT;
          END IF;
        END LOOP;
        IF v_lo IS NOT NULL AND ascii(v_lo) > ascii(v_hi) THEN
          RETURN NULL;
        END IF;
        v_class := v_class || CASE WHEN v_lo IS NULL THEN '' ELSE
                     CASE WHEN strpos(E'\\]^-[\n\t', v_lo) > 0 THEN '\' || translate(v_lo, E'\n\t', 'nt') ELSE v_lo END || '-' END
                   || CASE WHEN strpos(E'\\]^-[\n\t', v_hi) > 0 THEN '\' || translate(v_hi, E'\n\t', 'nt') ELSE v_hi END;
      END LOOP;
      v_out := v_out || v_class || ']';
      v_i := v_i + 1;
      v_atom := true;
    ELSIF v_c IN (']', '}') THEN
      RETURN NULL;                  -- literal only in ECMA's legacy mode: escape it
    ELSE
      v_out := v_out || v_c;
      v_i := v_i + 1;
      v_atom := true;
    END IF;
  END LOOP;
  IF v_depth <> 0 THEN
    RETURN NULL;
  END IF;
  RETURN v_out;
END
$$;
COMMENT ON FUNCTION app_private.json_schema_pattern(text) IS
  'An ECMA 262 pattern of the supported subset as an equivalent PostgreSQL regular expression; NULL outside the subset (docs/platform/json-schema.md).';

-- Whether a string is an RFC 3339 full-date (format "date") or date-time
-- (format "date-time": T and Z in either case, seconds 00-59, an offset up to
-- 23:59), with a day that exists in its month and a year from 0001.
CREATE OR REPLACE FUNCTION app_private.is_rfc3339(p_format text, p_value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT m IS NOT NULL AND m[1]::integer >= 1 AND m[2]::integer BETWEEN 1 AND 12
         AND m[3]::integer BETWEEN 1 AND extract(day FROM make_date(m[1]::integer, m[2]::integer, 1) + interval '1 month - 1 day')::integer
    FROM (SELECT regexp_match(p_value, CASE p_format
            WHEN 'date' THEN '^([0-9]{4})-([0-9]{2})-([0-9]{2})$'
            ELSE '^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$'
          END) AS m) AS parsed;
$$;
COMMENT ON FUNCTION app_private.is_rfc3339(text, text) IS
  'Whether p_value is an RFC 3339 full-date (p_format date) or date-time (p_format date-time) naming a day that exists.';

-- The keywords of the subset; annotations are accepted and ignored.
CREATE OR REPLACE FUNCTION app_private.json_schema_keywords() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT ARRAY['type', 'required', 'properties', 'additionalProperties', 'enum', 'const', 'minimum', 'maximum',
               'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'items', 'minItems',
               'maxItems', 'format', '$schema', 'title', 'description', '$comment', 'default', 'examples'];
$$;
COMMENT ON FUNCTION app_private.json_schema_keywords() IS
  'The JSON Schema keywords Pulse validates (and the annotations it accepts and ignores).';

-- What in a schema lies outside the subset: unknown keywords, keyword values
-- of the wrong shape, formats other than date and date-time, patterns outside
-- the pattern subset. One row per problem, with the path inside the schema.
CREATE OR REPLACE FUNCTION app_private.json_schema_problems(p_schema jsonb, p_path text DEFAULT '$')
RETURNS TABLE (path text, keyword text, message text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_key text;
  v_value jsonb;
  v_types text[] := ARRAY['null', 'boolean', 'object', 'array', 'number', 'string', 'integer'];
BEGIN
  IF jsonb_typeof(p_schema) = 'boolean' THEN
    RETURN;
  ELSIF p_schema IS NULL OR jsonb_typeof(p_schema) <> 'object' THEN
    RETURN QUERY SELECT p_path, NULL::text, 'a schema is an object or a boolean';
    RETURN;
  END IF;
  FOR v_key, v_value IN SELECT e.key, e.value FROM jsonb_each(p_schema) AS e ORDER BY e.key LOOP
    IF v_key <> ALL (app_private.json_schema_keywords()) THEN
      RETURN QUERY SELECT p_path, v_key, format('keyword %s is not supported', v_key);
    ELSIF v_key = 'type' AND NOT (CASE jsonb_typeof(v_value)
            WHEN 'string' THEN v_value #>> '{}' = ANY (v_types)
            WHEN 'array' THEN jsonb_array_length(v_value) > 0
              AND NOT EXISTS (SELECT FROM jsonb_array_elements(v_value) AS t WHERE jsonb_typeof(t) <> 'string' OR t #>> '{}' <> ALL (v_types))
              AND (SELECT count(DISTINCT t) FROM jsonb_array_elements(v_value) AS t) = jsonb_array_length(v_value)
            ELSE false END) THEN
      RETURN QUERY SELECT p_path, v_key, 'type is one of null, boolean, object, array, number, string, integer, or a list of them';
    ELSIF v_key = 'required' AND NOT (CASE WHEN jsonb_typeof(v_value) = 'array' THEN
              NOT EXISTS (SELECT FROM jsonb_array_elements(v_value) AS t WHERE jsonb_typeof(t) <> 'string')
              AND (SELECT count(DISTINCT t) FROM jsonb_array_elements(v_value) AS t) = jsonb_array_length(v_value)
            ELSE false END) THEN
      RETURN QUERY SELECT p_path, v_key, 'required is a list of distinct property names';
    ELSIF v_key = 'properties' THEN
      IF jsonb_typeof(v_value) <> 'object' THEN
        RETURN QUERY SELECT p_path, v_key, 'properties is an object of schemas';
      ELSE
        RETURN QUERY SELECT p.* FROM jsonb_each(v_value) AS e,
          app_private.json_schema_problems(e.value, app_private.json_path_member(app_private.json_path_member(p_path, 'properties'), e.key)) AS p;
      END IF;
    ELSIF v_key IN ('additionalProperties', 'items') THEN
      RETURN QUERY SELECT * FROM app_private.json_schema_problems(v_value, app_private.json_path_member(p_path, v_key));
    ELSIF v_key = 'enum' AND jsonb_typeof(v_value) <> 'array' THEN
      RETURN QUERY SELECT p_path, v_key, 'enum is a list of values';
    ELSIF v_key IN ('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum') AND jsonb_typeof(v_value) <> 'number' THEN
      RETURN QUERY SELECT p_path, v_key, format('%s is a number', v_key);
    ELSIF v_key IN ('minLength', 'maxLength', 'minItems', 'maxItems')
          AND NOT (CASE WHEN jsonb_typeof(v_value) = 'number' THEN
                (v_value #>> '{}')::numeric >= 0 AND (v_value #>> '{}')::numeric = trunc((v_value #>> '{}')::numeric)
              ELSE false END) THEN
      RETURN QUERY SELECT p_path, v_key, format('%s is a non-negative integer', v_key);
    ELSIF v_key = 'pattern' AND (jsonb_typeof(v_value) <> 'string' OR app_private.json_schema_pattern(v_value #>> '{}') IS NULL) THEN
      RETURN QUERY SELECT p_path, v_key,
        'pattern uses a construct outside the supported subset (see docs/platform/json-schema.md: no \d \w \s \b, look-arounds, back references or unescaped ] { })';
    ELSIF v_key = 'format' AND coalesce(v_value #>> '{}', '') NOT IN ('date', 'date-time') THEN
      RETURN QUERY SELECT p_path, v_key, 'format is date or date-time';
    ELSIF v_key = '$schema' AND v_value <> '"https://json-schema.org/draft/2020-12/schema"' THEN
      RETURN QUERY SELECT p_path, v_key, '$schema, when given, is https://json-schema.org/draft/2020-12/schema';
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app_private.json_schema_problems(jsonb, text) IS
  'What in a JSON schema lies outside the supported subset (docs/platform/json-schema.md), with its path inside the schema; empty when the whole schema is supported.';

-- Refuses a schema outside the subset (PT422 json_schema.unsupported, the
-- first problem's keyword and path named).
CREATE OR REPLACE FUNCTION app_private.check_json_schema(p_schema jsonb, p_what text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_problem record;
BEGIN
  SELECT * INTO v_problem FROM app_private.json_schema_problems(p_schema) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '% uses JSON Schema outside the supported subset at %: %', p_what, v_problem.path, v_problem.message
      USING ERRCODE = 'PT422', DETAIL = 'json_schema.unsupported',
            HINT = format('Keyword %s at %s. Supported: %s.', coalesce(v_problem.keyword, '(the schema itself)'), v_problem.path,
                          array_to_string(app_private.json_schema_keywords(), ', '));
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.check_json_schema(jsonb, text) IS
  'Refuses (PT422 json_schema.unsupported) a JSON schema that uses anything outside the subset Pulse validates, naming the keyword and where.';

-- Every way p_document fails p_schema, one row per failed keyword, in
-- document order, each naming the JSON path of the failing value.
CREATE OR REPLACE FUNCTION app_private.json_schema_errors(p_schema jsonb, p_document jsonb, p_path text DEFAULT '$')
RETURNS TABLE (path text, keyword text, message text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_type text := jsonb_typeof(p_document);
  v_types jsonb;
  v_number numeric;
  v_text text;
  v_bound numeric;
  v_size integer;
  v_known text[];
BEGIN
  IF p_schema = 'true' THEN
    RETURN;
  ELSIF p_schema = 'false' THEN
    RETURN QUERY SELECT p_path, 'false', 'no value is allowed here';
    RETURN;
  END IF;

  IF p_schema ? 'type' THEN
    v_types := CASE WHEN jsonb_typeof(p_schema -> 'type') = 'array' THEN p_schema -> 'type' ELSE jsonb_build_array(p_schema -> 'type') END;
    IF NOT (v_types ? v_type
            OR (CASE WHEN v_type = 'number' AND v_types ? 'integer'
                    THEN (p_document #>> '{}')::numeric = trunc((p_document #>> '{}')::numeric) ELSE false END)) THEN
      RETURN QUERY SELECT p_path, 'type',
        format('expected %s, got %s', (SELECT string_agg(t, ' or ') FROM jsonb_array_elements_text(v_types) AS t), v_type);
    END IF;
  END IF;
  IF p_schema ? 'enum' AND NOT EXISTS (SELECT FROM jsonb_array_elements(p_schema -> 'enum') AS e WHERE e = p_document) THEN
    RETURN QUERY SELECT p_path, 'enum', format('must be one of %s', p_schema ->> 'enum');
  END IF;
  IF p_schema ? 'const' AND p_schema -> 'const' <> p_document THEN
    RETURN QUERY SELECT p_path, 'const', format('must be %s', p_schema ->> 'const');
  END IF;

  IF v_type = 'number' THEN
    v_number := (p_document #>> '{}')::numeric;
    v_bound := (p_schema ->> 'minimum')::numeric;
    IF v_number < v_bound THEN
      RETURN QUERY SELECT p_path, 'minimum', format('must be at least %s', v_bound);
    END IF;
    v_bound := (p_schema ->> 'maximum')::numeric;
    IF v_number > v_bound THEN
      RETURN QUERY SELECT p_path, 'maximum', format('must be at most %s', v_bound);
    END IF;
    v_bound := (p_schema ->> 'exclusiveMinimum')::numeric;
    IF v_number <= v_bound THEN
      RETURN QUERY SELECT p_path, 'exclusiveMinimum', format('must be greater than %s', v_bound);
    END IF;
    v_bound := (p_schema ->> 'exclusiveMaximum')::numeric;
    IF v_number >= v_bound THEN
      RETURN QUERY SELECT p_path, 'exclusiveMaximum', format('must be less than %s', v_bound);
    END IF;
  ELSIF v_type = 'string' THEN
    v_text := p_document #>> '{}';
    IF length(v_text) < (p_schema ->> 'minLength')::numeric THEN
      RETURN QUERY SELECT p_path, 'minLength', format('must be at least %s characters long', p_schema ->> 'minLength');
    END IF;
    IF length(v_text) > (p_schema ->> 'maxLength')::numeric THEN
      RETURN QUERY SELECT p_path, 'maxLength', format('must be at most %s characters long', p_schema ->> 'maxLength');
    END IF;
    IF p_schema ? 'pattern' AND NOT v_text ~ app_private.json_schema_pattern(p_schema ->> 'pattern') THEN
      RETURN QUERY SELECT p_path, 'pattern', format('must match %s', p_schema ->> 'pattern');
    END IF;
    IF p_schema ->> 'format' IN ('date', 'date-time') AND NOT app_private.is_rfc3339(p_schema ->> 'format', v_text) THEN
      RETURN QUERY SELECT p_path, 'format',
        format('must be an RFC 3339 %s', CASE p_schema ->> 'format' WHEN 'date' THEN 'date (2026-12-06)' ELSE 'date-time (2026-12-06T07:00:00Z)' END);
    END IF;
  ELSIF v_type = 'array' THEN
    v_size := jsonb_array_length(p_document);
    IF v_size < (p_schema ->> 'minItems')::numeric THEN
      RETURN QUERY SELECT p_path, 'minItems', format('must have at least %s items', p_schema ->> 'minItems');
    END IF;
    IF v_size > (p_schema ->> 'maxItems')::numeric THEN
      RETURN QUERY SELECT p_path, 'maxItems', format('must have at most %s items', p_schema ->> 'maxItems');
    END IF;
    IF p_schema ? 'items' THEN
      RETURN QUERY SELECT e.* FROM jsonb_array_elements(p_document) WITH ORDINALITY AS item (value, n),
        app_private.json_schema_errors(p_schema -> 'items', item.value, p_path || '[' || (item.n - 1) || ']') AS e;
    END IF;
  ELSIF v_type = 'object' THEN
    IF p_schema ? 'required' THEN
      RETURN QUERY SELECT app_private.json_path_member(p_path, r), 'required', 'is required'
        FROM jsonb_array_elements_text(p_schema -> 'required') AS r WHERE NOT p_document ? r;
    END IF;
    IF p_schema ? 'properties' THEN
      RETURN QUERY SELECT e.* FROM jsonb_each(p_schema -> 'properties') AS s
        JOIN jsonb_each(p_document) AS d ON d.key = s.key,
        app_private.json_schema_errors(s.value, d.value, app_private.json_path_member(p_path, d.key)) AS e;
    END IF;
    IF p_schema ? 'additionalProperties' THEN
      v_known := ARRAY(SELECT jsonb_object_keys(coalesce(p_schema -> 'properties', '{}')));
      RETURN QUERY SELECT e.* FROM jsonb_each(p_document) AS d,
        app_private.json_schema_errors(p_schema -> 'additionalProperties', d.value, app_private.json_path_member(p_path, d.key)) AS e
       WHERE d.key <> ALL (v_known);
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.json_schema_errors(jsonb, jsonb, text) IS
  'Every way a JSON document fails a JSON schema of the supported subset (docs/platform/json-schema.md): the JSON path of the failing value ($.results[2].value), the keyword and a message; empty when it is valid. Check the schema first (app_private.check_json_schema).';

-- Refuses a document that fails its schema (PT422 json_schema.invalid, the
-- first failing path and keyword named), and a schema outside the subset.
CREATE OR REPLACE FUNCTION app_private.validate_json(p_schema jsonb, p_document jsonb, p_what text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_error record;
BEGIN
  PERFORM app_private.check_json_schema(p_schema, format('The schema of %s', p_what));
  SELECT * INTO v_error FROM app_private.json_schema_errors(p_schema, p_document) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '% does not match its schema at %: %', p_what, v_error.path, v_error.message
      USING ERRCODE = 'PT422', DETAIL = 'json_schema.invalid',
            HINT = format('Fix %s (%s).', v_error.path, v_error.keyword);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.validate_json(jsonb, jsonb, text) IS
  'Refuses (PT422 json_schema.invalid) a JSON document that does not match its schema, naming the first failing JSON path and keyword; refuses a schema outside the subset (json_schema.unsupported).';
