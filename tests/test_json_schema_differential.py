"""JSON Schema in SQL against Python's jsonschema: for schemas and documents Hypothesis draws from the supported
subset (docs/platform/json-schema.md), app_private.json_schema_errors and Draft202012Validator (with format checking
for date and date-time) agree on valid and invalid, and every drawn schema passes the subset check."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

Json = Any

NAMES = ["a", "b", "c d", "x"]
TYPES = ["null", "boolean", "object", "array", "number", "string", "integer"]
# Strings: no line terminators (Python's `$` also matches before a final newline, ECMA's `.` excludes \r, U+2028 and
# U+2029 and Python's does not: the documented differences), but code points beyond the BMP and dates.
CHARACTERS = "ab0- .é😀]"
DATES = ["2020-02-29", "2021-02-29", "2020-13-01", "0000-01-01", "2026-12-06", "2026-1-06", "20261206",
         "2026-12-06T07:00:00Z", "2026-12-06t07:00:00z", "2026-12-06T24:00:00Z", "2026-12-06T23:59:60Z",
         "2026-12-06T07:00:00.123+05:30", "2026-12-06T07:00:00+24:00", "2026-12-06 07:00:00Z", "2026-02-30T07:00:00Z",
         "0000-01-01T00:00:00Z", "2026-12-06T07:00Z"]

numbers = st.one_of(st.integers(-6, 6), st.integers(-60, 60).map(lambda n: n / 10))
strings = st.one_of(st.text(CHARACTERS, max_size=5), st.sampled_from(DATES))
scalars = st.one_of(st.none(), st.booleans(), numbers, strings)
values: st.SearchStrategy[Json] = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(NAMES), inner, max_size=3)),
    max_leaves=6)


def pattern_atoms() -> st.SearchStrategy[str]:
    literal = st.sampled_from(["a", "b", "0", "-", " ", "é", "\\.", "\\]", "\\\\", "\\/", "\\(", "."])
    klass = st.sampled_from(["[a-c]", "[^b]", "[0-9a]", "[-a]", "[a-]", "[\\]a]", "[^\\-]", "[é-😀]"])
    return st.one_of(literal, klass)


@st.composite
def patterns(draw: st.DrawFn) -> str:
    def piece() -> str:
        atom = draw(st.one_of(pattern_atoms(), st.lists(pattern_atoms(), min_size=1, max_size=2).map(
            lambda a: "(" + "|".join(a) + ")"), st.lists(pattern_atoms(), min_size=1, max_size=2).map(
            lambda a: "(?:" + "".join(a) + ")")))
        quantifier = draw(st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "*?", "+?", "{1,2}?"]))
        return atom + quantifier
    body = "".join(piece() for _ in range(draw(st.integers(1, 3))))
    alternative = draw(st.sampled_from(["", "", "|b"]))
    return draw(st.sampled_from(["", "^"])) + body + alternative + draw(st.sampled_from(["", "$"]))


def keywords(children: st.SearchStrategy[Json]) -> st.SearchStrategy[dict[str, Json]]:
    return st.fixed_dictionaries({}, optional={
        "type": st.one_of(st.sampled_from(TYPES), st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True)),
        "enum": st.lists(scalars, min_size=1, max_size=3),
        "const": values,
        "minimum": numbers, "maximum": numbers, "exclusiveMinimum": numbers, "exclusiveMaximum": numbers,
        "minLength": st.integers(0, 4), "maxLength": st.integers(0, 4),
        "pattern": patterns(),
        "format": st.sampled_from(["date", "date-time"]),
        "minItems": st.integers(0, 3), "maxItems": st.integers(0, 3),
        "items": children,
        "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
        "properties": st.dictionaries(st.sampled_from(NAMES), children, max_size=3),
        "additionalProperties": children,
        "title": st.just("A title"),
    })


# Each keyword drawn on its own is rare enough that most documents stay valid; subschemas are objects or booleans.
schemas: st.SearchStrategy[Json] = st.recursive(
    keywords(st.booleans()), lambda inner: st.one_of(st.booleans(), keywords(inner)), max_leaves=5)


@st.composite
def document_for(draw: st.DrawFn, schema: Json) -> Json:
    """A value shaped by the schema (its types, property names, items, enum and const values), or any value."""
    if not isinstance(schema, dict) or draw(st.integers(0, 4)) == 0:
        return draw(values)
    if "const" in schema and draw(st.booleans()):
        return schema["const"]
    if "enum" in schema and draw(st.booleans()):
        return draw(st.sampled_from(schema["enum"]))
    kind = schema.get("type")
    kind = draw(st.sampled_from(kind)) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema or "required" in schema:
        properties = schema.get("properties", {})
        names = draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
        return {name: draw(document_for(properties.get(name, schema.get("additionalProperties", True))))
                for name in names}
    if kind == "array" or "items" in schema:
        return draw(st.lists(document_for(schema.get("items", True)), max_size=3))
    if kind == "string" or "pattern" in schema or "format" in schema or "minLength" in schema:
        return draw(strings)
    if kind in ("number", "integer") or any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum")):
        return draw(numbers)
    return draw(values)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Json, Json]:
    schema = draw(schemas)
    return schema, draw(document_for(schema))


def python_valid(schema: Json, document: Json) -> bool:
    return Draft202012Validator(schema, format_checker=FormatChecker(["date", "date-time"])).is_valid(document)


def test_sql_and_jsonschema_agree(database_url: str) -> None:
    outcomes = {True: 0, False: 0}
    with psycopg.connect(database_url, autocommit=True) as conn:

        @settings(max_examples=300, derandomize=True, database=None, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(cases())
        def agree(case: tuple[Json, Json]) -> None:
            schema, document = case
            Draft202012Validator.check_schema(schema)
            problems = conn.execute("select count(*) from app_private.json_schema_problems(%s::jsonb)",
                                    [json.dumps(schema)]).fetchone()
            assert problems == (0,), f"the subset check refuses a schema of the subset: {schema}"
            errors = conn.execute("select coalesce(json_agg(e), '[]') from app_private.json_schema_errors(%s::jsonb, %s::jsonb) e",
                                  [json.dumps(schema), json.dumps(document)]).fetchone()
            assert errors is not None
            expected = python_valid(schema, document)
            verdict = "valid" if expected else "invalid"
            assert (errors[0] == []) == expected, (
                f"schema {json.dumps(schema)}\ndocument {json.dumps(document)}\njsonschema says {verdict}, SQL: {errors[0]}")
            outcomes[expected] += 1

        agree()
    # Not vacuous: both answers are common among the drawn cases.
    assert outcomes[True] >= 50 and outcomes[False] >= 50, outcomes


@pytest.mark.parametrize("pattern,strings", [
    ("^[a-c]+$", ["abc", "abd", "", "é"]),
    ("a.b", ["a b", "a\nb", "a😀b", "ab"]),
    ("^.$", ["😀", "é", "ab"]),
    ("^(?:a|b){2}$", ["ab", "a", "abb"]),
    ("[\\]\\\\-]", ["]", "\\", "-", "a"]),
    ("^x{0,2}?y$", ["y", "xxy", "xxxy"]),
])
def test_patterns_agree_with_python_re(database_url: str, pattern: str, strings: list[str]) -> None:
    """Hand-picked patterns at the edges of the subset (the line terminator, astral code points, escapes in a class)."""
    schema = {"type": "string", "pattern": pattern}
    with psycopg.connect(database_url) as conn:
        for text in strings:
            sql_valid = conn.execute("select not exists (select from app_private.json_schema_errors(%s::jsonb, %s::jsonb))",
                                     [json.dumps(schema), json.dumps(text)]).fetchone()
            assert sql_valid == (python_valid(schema, text),), (pattern, text)
