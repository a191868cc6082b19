"""Breaking, dangerous and safe changes between two versions of the contracts, and the CI gate on them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from helpers import ROOT, pulse
from pulse.contract_diff import changelog_text, database_changes, graphql_changes, openapi_changes

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
                       "parameters": {"select": {"name": "select", "in": "query", "type": "string"},
                                      "body.partners": {"name": "partners", "in": "body",
                                                        "schema": {"$ref": "#/definitions/partners"}}}})


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
                       "post": {"parameters": [{"$ref": "#/parameters/body.partners"}]}},
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
    assert ("breaking", "GET /partners: parameter code changed type string → integer.") in found
    assert ("breaking", "definition partners: property name became required.") in found
    assert ("breaking", "definition partners: required property kind was added.") in found
    assert ("safe", "GET /partners: optional query parameter limit was added.") in found
    assert ("safe", "definition partners: optional property notes was added.") in found
    assert ("safe", "path /contacts was added.") in found
    assert ("safe", "POST /partners was added.") in found
    assert openapi_changes(old, old) == []


def test_cli_classifies_against_a_git_ref_and_fails_on_breaking(tmp_path):
    env = throwaway_repo(tmp_path)

    unchanged = pulse("contracts", "diff", "--base", "HEAD", env=env)
    assert unchanged.returncode == 0 and "no API changes since HEAD" in unchanged.stdout

    edit_json(tmp_path / "contracts" / "openapi.json", lambda document: document["paths"].pop("/sites"))
    breaking = pulse("contracts", "diff", "--base", "HEAD", env=env)
    assert breaking.returncode == 1
    assert "[openapi] path /sites was removed." in breaking.stdout
    assert "breaking API change" in breaking.stderr
    assert pulse("contracts", "diff", "--base", "HEAD", "--allow-breaking", env=env).returncode == 0
    as_json = json.loads(pulse("contracts", "diff", "--base", "HEAD", "--json", "--allow-breaking", env=env).stdout)
    assert {"severity": "breaking", "contract": "openapi", "description": "path /sites was removed."} in as_json["changes"]

    logged = pulse("contracts", "changelog", "--base", "HEAD", env=env)
    assert logged.returncode == 0
    assert "- `openapi` path /sites was removed.\n  Reason:\n" in (tmp_path / "docs" / "api-changelog.md").read_text()


def test_openapi_enum_maxlength_format_default_and_required_by_direction():
    """A table's definition is sent (POST body) and read; a view's is only read."""
    def document(kinds, name, status, priority):
        table = {"required": ["id"], "properties": {"id": {"type": "string", "format": "uuid"},
                                                     "kind": {"type": "string", "format": "app.kind", "enum": kinds},
                                                     "name": {"type": "string", "format": "character varying", **name},
                                                     "priority": {"type": "string", **priority}}}
        view = {"properties": {"kind": {"type": "string", "format": "app.kind", "enum": kinds},
                               "status": {"type": "string", "format": status}}}
        return json.dumps({"swagger": "2.0", "definitions": {"partners": table, "partner_summary": view},
                           "parameters": {"body.partners": {"name": "partners", "in": "body",
                                                            "schema": {"$ref": "#/definitions/partners"}}},
                           "paths": {"/partners": {"post": {"parameters": [{"$ref": "#/parameters/body.partners"}]}},
                                     "/partner_summary": {"get": {}}}})

    old = document(["customer", "supplier", "both"], {"maxLength": 100}, "text", {"default": "normal"})
    new = document(["customer", "supplier", "partner"], {"maxLength": 40}, "integer", {"default": "high"})
    found = severities(openapi_changes(old, new))
    assert found == {
        ("breaking", "definition partners: property kind: enum value both was removed."),
        ("dangerous", "definition partners: property kind: enum value partner was added."),
        ("dangerous", "definition partner_summary: property kind: enum value both was removed."),
        ("dangerous", "definition partner_summary: property kind: enum value partner was added."),
        ("breaking", "definition partners: property name: maxLength 100 → 40."),
        ("dangerous", "definition partners: property priority: default 'normal' → 'high'."),
        ("breaking", "definition partner_summary: property status changed type text → integer."),
    }
    loosened = severities(openapi_changes(new, document(["customer", "supplier", "partner"], {}, "integer", {})))
    assert loosened == {("safe", "definition partners: property name: maxLength 40 → none."),
                        ("dangerous", "definition partners: property priority: default 'high' was removed.")}


def test_an_rpc_body_argument_removed_is_breaking():
    def rpc(properties):
        return json.dumps({"swagger": "2.0", "paths": {"/rpc/add_member": {"post": {"parameters": [
            {"in": "body", "name": "args", "required": True,
             "schema": {"type": "object", "required": ["email"], "properties": properties}}]}}}})

    old = rpc({"email": {"type": "string", "format": "text"}, "password": {"type": "string", "format": "text"}})
    new = rpc({"email": {"type": "string", "format": "citext"}, "note": {"type": "string", "format": "text"}})
    assert severities(openapi_changes(old, new)) == {
        ("breaking", "POST /rpc/add_member: args: property password was removed."),
        ("breaking", "POST /rpc/add_member: args: property email changed type text → citext."),
        ("safe", "POST /rpc/add_member: args: optional property note was added."),
    }


def database(objects):
    return json.dumps({"exposed": ["app"], "objects": objects})


DATABASE = {
    "relation app.partners": {"kind": "table", "row_security": True, "grants": {"app_user": ["select", "update"]}},
    "column app.partners.code": {"type": "integer", "not_null": False},
    "column app.partners.name": {"type": "text", "not_null": True, "grants": {"app_user": ["update"]}},
    "constraint app.partners.partners_name_length": {"type": "check", "definition": "CHECK ((length(name) <= 100))"},
    "policy app.partners.partners_select": {"command": "select", "permissive": True, "roles": ["app_user"],
                                            "using": "(organization_id = auth.organization_id())"},
    "index app.partners_name_idx": {"definition": "CREATE INDEX partners_name_idx ON app.partners USING btree (name)"},
    "function app.add_member(text,text)": {"arguments": "email text, role_key text", "returns": "uuid",
                                           "volatility": "volatile", "security_definer": False,
                                           "grants": {"app_user": ["execute"]}},
    "function app_private.helper(uuid)": {"arguments": "uuid", "returns": "void", "volatility": "stable"},
    "type app.partner_kind": {"enum": ["customer", "supplier", "both"]},
}


def test_database_rules():
    new = json.loads(json.dumps(DATABASE))
    new["column app.partners.code"]["type"] = "text"
    new["column app.partners.name"]["grants"] = {}
    new["constraint app.partners.partners_name_length"]["definition"] = "CHECK ((length(name) <= 40))"
    del new["policy app.partners.partners_select"]
    new["relation app.partners"]["grants"]["anon"] = ["select"]
    new["relation app.partners"]["row_security"] = False
    new["index app.partners_code_idx"] = {"definition": "CREATE INDEX partners_code_idx ON app.partners (code)"}
    new["column app.partners.website"] = {"type": "text", "not_null": True}
    new["column app.partners.notes"] = {"type": "text", "not_null": False}
    new["function app.add_member(text,text)"]["volatility"] = "stable"
    new["function app.add_member(text,text)"]["security_definer"] = True
    del new["function app_private.helper(uuid)"]
    new["type app.partner_kind"]["enum"] = ["customer", "supplier", "partner"]
    found = severities(database_changes(database(DATABASE), database(new)))
    assert found == {
        ("breaking", "column app.partners.code: type integer → text."),
        ("breaking", "column app.partners.name: app_user loses update."),
        ("dangerous", "constraint app.partners.partners_name_length: definition changed: "
                      "CHECK ((length(name) <= 100)) → CHECK ((length(name) <= 40))."),
        ("dangerous", "(security) policy app.partners.partners_select was dropped."),
        ("dangerous", "(security) relation app.partners: grant widened: anon gains select."),
        ("dangerous", "(security) relation app.partners: row_security True → False."),
        ("safe", "index app.partners_code_idx was added."),
        ("breaking", "column app.partners.website was added as NOT NULL without a default."),
        ("safe", "column app.partners.notes was added."),
        ("dangerous", "function app.add_member(text,text): volatility volatile → stable."),
        ("dangerous", "(security) function app.add_member(text,text): security_definer False → True."),
        # app_private has no clients: what would break one there is dangerous
        ("dangerous", "function app_private.helper(uuid) was dropped."),
        ("breaking", "type app.partner_kind: enum value both was removed."),
        ("dangerous", "type app.partner_kind: enum value partner was added."),
    }
    dropped = {key: value for key, value in DATABASE.items() if "app.partners" not in key}
    assert severities(database_changes(database(DATABASE), database(dropped))) == {
        ("breaking", "relation app.partners was dropped."),  # its columns, policies ... are not repeated
        ("dangerous", "index app.partners_name_idx was dropped."),
    }
    assert database_changes(database(DATABASE), database(DATABASE)) == []


# -- the CI gate ------------------------------------------------------------------------------

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t.test"]
TAG = "@v0.1.0 2026-12-05T21:30:00Z Pulse developer <dev@pulse.local> # a release\n"


def git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True).stdout


def throwaway_repo(root: Path) -> dict[str, str]:
    """A git repository holding a copy of contracts/ and the plan; the environment to run `pulse` on it."""
    shutil.copytree(ROOT / "contracts", root / "contracts")
    (root / "db" / "migrations").mkdir(parents=True)
    plan = (ROOT / "db" / "migrations" / "sqitch.plan").read_text()
    (root / "db" / "migrations" / "sqitch.plan").write_text("".join(
        line for line in plan.splitlines(keepends=True) if not line.startswith("@")))  # no release yet
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "contracts")
    return {**os.environ, "PULSE_ROOT": str(root)}


def edit_json(path: Path, edit) -> None:
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def release(root: Path) -> None:
    with (root / "db" / "migrations" / "sqitch.plan").open("a") as plan:
        plan.write(TAG)
    git(root, "commit", "-qam", "tag @v0.1.0")


def remove_enum_value(document: dict) -> None:
    document["definitions"]["partners"]["properties"]["kind"]["enum"].remove("customer_and_supplier")


BREAKING = "definition partners: property kind: enum value customer_and_supplier was removed."


def test_ci_gate_refuses_a_breaking_change_until_the_changelog_names_it_with_a_reason(tmp_path):
    env = throwaway_repo(tmp_path)
    release(tmp_path)
    changelog = tmp_path / "docs" / "api-changelog.md"

    edit_json(tmp_path / "contracts" / "openapi.json", remove_enum_value)
    git(tmp_path, "commit", "-qam", "a breaking change")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "a later commit: the base stays the release, not HEAD~1")
    refused = pulse("contracts", "gate", env=env)
    print("$ pulse contracts gate  # no changelog entry\n" + refused.stdout + refused.stderr)
    assert refused.returncode == 1
    assert f"not named: [openapi] {BREAKING}" in refused.stdout
    assert "since @v0.1.0" in refused.stdout and "lack a reason" in refused.stderr

    written = pulse("contracts", "changelog", env=env)
    print("$ pulse contracts changelog\n" + written.stdout + written.stderr)
    assert written.returncode == 0 and "1 breaking change(s) need a Reason: line" in written.stdout
    assert f"- `openapi` {BREAKING}\n  Reason:\n" in changelog.read_text()
    unreasoned = pulse("contracts", "gate", env=env)
    print("$ pulse contracts gate  # named, no reason\n" + unreasoned.stdout + unreasoned.stderr)
    assert unreasoned.returncode == 1 and f"no reason: [openapi] {BREAKING}" in unreasoned.stdout

    changelog.write_text(changelog.read_text().replace(
        f"{BREAKING}\n  Reason:\n", f"{BREAKING}\n  Reason: customers and suppliers are two partner rows now.\n"))
    passed = pulse("contracts", "gate", env=env)
    print("$ pulse contracts gate  # named with a reason\n" + passed.stdout + passed.stderr)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "contracts gate passed: 1 breaking change(s) since @v0.1.0" in passed.stdout

    # Regenerating keeps the reason; a later release moves the base past the change.
    assert pulse("contracts", "changelog", env=env).returncode == 0
    assert "Reason: customers and suppliers are two partner rows now." in changelog.read_text()
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "changelog")
    with (tmp_path / "db" / "migrations" / "sqitch.plan").open("a") as plan:
        plan.write("@v0.2.0 2026-12-06T10:00:00Z Pulse developer <dev@pulse.local> # next release\n")
    git(tmp_path, "commit", "-qam", "tag @v0.2.0")
    assert "no API changes since @v0.2.0" in pulse("contracts", "gate", env=env).stdout


def test_gate_with_no_release_compares_with_no_contracts(tmp_path):
    env = throwaway_repo(tmp_path)
    edit_json(tmp_path / "contracts" / "openapi.json", remove_enum_value)
    result = pulse("contracts", "gate", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "since the first contracts (no release tagged yet)" in result.stdout


def test_changelog_keeps_what_people_wrote_in_the_unreleased_section(tmp_path):
    env = throwaway_repo(tmp_path)
    release(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "api-changelog.md").write_text(
        "# API changelog\n\nIntro.\n\n## Unreleased\n\nOld text.\n\n### Behaviour the contracts do not show\n\n"
        "- Lists are paged by 50.\n\n## v0.0.9 (2026-11-01)\n\n### Breaking\n\n- `openapi` path /old was removed.\n")
    edit_json(tmp_path / "contracts" / "openapi.json", remove_enum_value)
    assert pulse("contracts", "changelog", env=env).returncode == 0
    text = (tmp_path / "docs" / "api-changelog.md").read_text()
    assert text.startswith("# API changelog\n\nIntro.\n\n## Unreleased\n\nSince @v0.1.0. ")
    assert f"### Breaking\n\n- `openapi` {BREAKING}\n  Reason:\n" in text
    assert "### Behaviour the contracts do not show\n\n- Lists are paged by 50.\n\n## v0.0.9" in text
    assert "Old text." not in text and text.endswith("- `openapi` path /old was removed.\n")


def test_after_a_release_the_changelog_opens_a_new_unreleased_section_above_it():
    released = "# API changelog\n\nIntro.\n\n## v0.1.0 (2026-12-05)\n\n### Breaking\n\n- `openapi` path /old was removed.\n"
    text = changelog_text(released, [], "@v0.1.0 (commit 0123456789ab)")
    assert text.startswith("# API changelog\n\nIntro.\n\n## Unreleased\n\nSince @v0.1.0. ")
    assert "No API changes.\n\n## v0.1.0 (2026-12-05)\n" in text and text.endswith(released.split("\n\n", 2)[2])


def test_ci_runs_the_gate_and_the_committed_changelog_passes_it():
    script = (ROOT / ".ci" / "run").read_text()
    assert "pulse contracts gate" in script and "--allow-breaking" not in script
    result = pulse("contracts", "gate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_gate_refuses_a_shallow_clone_instead_of_guessing_the_base(tmp_path):
    throwaway_repo(tmp_path / "origin")
    release(tmp_path / "origin")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin'}", str(tmp_path / "clone")],
                   check=True)
    result = pulse("contracts", "gate", env={**os.environ, "PULSE_ROOT": str(tmp_path / "clone")})
    assert result.returncode == 1 and "this clone is shallow" in result.stderr
