"""Every GraphQL example in the docs (a ```graphql block) is valid against contracts/schema.graphql.

Each operation of a block is validated on its own (a block may list several
examples). An example shown with the errors it answers (the next line is a
comment holding `"errors"`) is meant to fail and is skipped. No server is
needed: the snapshot is what both the servers and the docs must agree with.
A schema built from SDL accepts any literal for a custom scalar; the
servers' string scalars (BigFloat, BigInt, Datetime, UUID, ...) parse only
string literals, so the check does too (`measuredValue: 61` is refused, as
PostGraphile refuses it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLScalarType,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    StringValueNode,
    build_schema,
    parse,
    validate,
)

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```graphql[ \t]*\n(.*?)^```", re.S | re.M)
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def examples() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        text = path.read_text()
        for block in FENCE.finditer(text):
            found.append((f"{path.relative_to(ROOT)}:{text[:block.start()].count(chr(10)) + 1}", block.group(1)))
    return found


def problems(schema, body: str) -> list[str]:
    try:
        document = parse(body)
    except GraphQLSyntaxError as error:
        return [f"syntax: {error.message} (an unclosed block?)"]
    lines = body.splitlines()
    fragments = tuple(d for d in document.definitions if isinstance(d, FragmentDefinitionNode))
    found = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode) or operation.loc is None:
            continue
        after = operation.loc.end_token.line  # 1-based: the index of the line after the operation
        if after < len(lines) and lines[after].lstrip().startswith("#") and '"errors"' in lines[after]:
            continue
        for error in validate(schema, DocumentNode(definitions=(operation, *fragments))):
            found.append(f"line {operation.loc.start_token.line}: {error.message}")
    return found


# PostGraphile's scalars that take a JSON value rather than a string.
NOT_STRING_SCALARS = {"JSON", "Int", "Float", "Boolean", "String", "ID"}


def string_literal_only(name: str):
    def parse_literal(node, _variables=None):
        if not isinstance(node, StringValueNode):
            raise GraphQLError(f"{name} can only parse string values")
        return node.value
    return parse_literal


@pytest.fixture(scope="module")
def schema():
    built = build_schema((ROOT / "contracts" / "schema.graphql").read_text())
    for name, named in built.type_map.items():
        if isinstance(named, GraphQLScalarType) and name not in NOT_STRING_SCALARS and not name.startswith("__"):
            named.parse_literal = string_literal_only(name)  # type: ignore[method-assign]
    return built


def test_every_graphql_example_in_the_docs_is_valid_against_the_schema(schema) -> None:
    found = examples()
    assert len(found) > 50, "the docs' GraphQL examples were not found"
    failures = [f"{where} {problem}" for where, body in found for problem in problems(schema, body)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("body", ["{ noSuchField }", "{ projects { nodes { rowId } }"])
def test_the_check_refuses_an_unknown_field_and_an_unclosed_selection(schema, body: str) -> None:
    assert problems(schema, body)


def test_the_check_parses_big_numbers_only_from_strings_as_the_server_does(schema) -> None:
    mutation = 'mutation {{ answerChecklistItem(input: {{itemId: "…", measuredValue: {}}}) {{ result {{ outOfLimits }} }} }}'
    assert problems(schema, mutation.format('"61"')) == []
    assert problems(schema, mutation.format("61")) == ["line 1: BigFloat can only parse string values"]
