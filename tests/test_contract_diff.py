"""Breaking, dangerous and safe changes between two versions of the contracts."""

from __future__ import annotations

import json

from pulse.contract_diff import graphql_changes, openapi_changes

from helpers import ROOT, pulse

OLD_SDL = """
type Query { partners: [Partner] partner(id: ID!): Partner }
type Partner { id: ID! name: String! code: String }
input PartnerPatch { name: String }
enum Kind { CUSTOMER SUPPLIER }
"""


def severities(changes):
    return {(c.severity, c.description) for c in changes}


def test_graphql_removals_are_breaking_additions_safe():
    new_sdl = """
    type Query { partners: [Partner] partner(id: ID!, asOf: String): Partner sites: [Site] }
    type Partner { id: ID! name: String! website: String }
    type Site { id: ID! }
    input PartnerPatch { name: String code: String! }
    enum Kind { CUSTOMER SUPPLIER BOTH }
    """
    found = severities(graphql_changes(OLD_SDL, new_sdl))
    assert found == {
        ("breaking", "Field Partner.code was removed."),
        ("breaking", "A required field PartnerPatch.code was added."),
        ("dangerous", "An optional argument Query.partner(asOf:) was added."),
        ("dangerous", "Enum value Kind.BOTH was added."),
        ("safe", "Query.sites was added."),
        ("safe", "Partner.website was added."),
        ("safe", "Site was added."),
    }
    assert graphql_changes(OLD_SDL, OLD_SDL) == []


def swagger(paths, definitions):
    return json.dumps({"swagger": "2.0", "paths": paths, "definitions": definitions,
                       "parameters": {"select": {"name": "select", "in": "query", "type": "string"}}})


def test_openapi_rules():
    old = swagger(
        {"/partners": {"get": {"parameters": [{"$ref": "#/parameters/select"},
                                              {"name": "code", "in": "query", "type": "string"}]},
                       "delete": {}},
         "/sites": {"get": {}}},
        {"partners": {"required": ["id"], "properties": {"id": {"type": "string", "format": "uuid"},
                                                         "code": {"type": "string"}, "name": {"type": "string"}}}})
    new = swagger(
        {"/partners": {"get": {"parameters": [{"name": "code", "in": "query", "type": "integer"},
                                              {"name": "limit", "in": "query", "type": "integer"},
                                              {"name": "tenant", "in": "header", "type": "string", "required": True}]},
                       "post": {}},
         "/contacts": {"get": {}}},
        {"partners": {"required": ["id", "name", "kind"],
                      "properties": {"id": {"type": "string", "format": "uuid"}, "code": {"type": "string"},
                                     "name": {"type": "string"}, "kind": {"type": "string"},
                                     "notes": {"type": "string"}}}})
    found = severities(openapi_changes(old, new))
    assert ("breaking", "path /sites was removed.") in found
    assert ("breaking", "DELETE /partners was removed.") in found
    assert ("breaking", "GET /partners: query parameter select was removed.") in found
    assert ("breaking", "GET /partners: required header parameter tenant was added.") in found
    assert any(s == "breaking" and "parameter code changed type" in d for s, d in found)
    assert ("breaking", "definition partners: property name became required.") in found
    assert ("breaking", "definition partners: required property kind was added.") in found
    assert ("safe", "GET /partners: optional query parameter limit was added.") in found
    assert ("safe", "definition partners: optional property notes was added.") in found
    assert ("safe", "path /contacts was added.") in found
    assert ("safe", "POST /partners was added.") in found
    assert openapi_changes(old, old) == []


def test_cli_classifies_against_a_git_ref_and_fails_on_breaking(tmp_path):
    import os
    import shutil
    import subprocess

    shutil.copytree(ROOT / "contracts", tmp_path / "contracts")
    (tmp_path / "db" / "migrations").mkdir(parents=True)
    shutil.copy(ROOT / "db" / "migrations" / "sqitch.plan", tmp_path / "db" / "migrations")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.test"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "contracts"], cwd=tmp_path, check=True)
    env = {**os.environ, "PULSE_ROOT": str(tmp_path)}

    unchanged = pulse("contracts", "diff", env=env)
    assert unchanged.returncode == 0 and "no API changes since HEAD" in unchanged.stdout

    document = json.loads((tmp_path / "contracts" / "openapi.json").read_text())
    del document["paths"]["/sites"]
    (tmp_path / "contracts" / "openapi.json").write_text(json.dumps(document))
    breaking = pulse("contracts", "diff", env=env)
    assert breaking.returncode == 1
    assert "[openapi] path /sites was removed." in breaking.stdout
    assert "breaking API change" in breaking.stderr
    assert pulse("contracts", "diff", "--allow-breaking", env=env).returncode == 0
    as_json = json.loads(pulse("contracts", "diff", "--json", "--allow-breaking", env=env).stdout)
    assert {"severity": "breaking", "contract": "openapi", "description": "path /sites was removed."} in as_json["changes"]

    logged = pulse("contracts", "changelog", env=env)
    assert logged.returncode == 0
    assert "- `openapi` path /sites was removed." in (tmp_path / "docs" / "api-changelog.md").read_text()
