"""Classify the changes between two versions of the contracts, and gate them on the changelog.

GraphQL: graphql-core's own breaking and dangerous change detection (it
judges input fields and arguments), plus added types and output fields as
safe. OpenAPI (PostgREST emits Swagger 2.0): paths, methods, parameters,
properties, types and formats, enum values, maxLength, required and defaults,
judged by whether a client sends the value (parameters, request bodies) or
only reads it. Database (contracts/database.json): relations, columns,
constraints, indexes, policies, grants, functions, triggers and types.

The base is the last release: the commit that added the plan's last `@tag`.
A breaking change since then passes `gate` only when docs/api-changelog.md's
Unreleased section names it with a reason.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLError, build_schema, find_breaking_changes, find_dangerous_changes
from graphql.type import GraphQLInterfaceType, GraphQLObjectType

from pulse.contracts import DATABASE, GRAPHQL, OPENAPI
from pulse.errors import PulseError

# A parsed JSON object: an OpenAPI document or one of its parts, an object of contracts/database.json.
Json = dict[str, Any]

SEVERITIES = ("breaking", "dangerous", "safe")
PLAN = Path("db/migrations/sqitch.plan")


@dataclass(frozen=True, order=True)
class Change:
    severity: str
    contract: str
    description: str


def at_ref(root: Path, ref: str, path: Path) -> str:
    """A file as it was at a git ref; empty when it did not exist there."""
    shown = subprocess.run(["git", "show", f"{ref}:{path.as_posix()}"], cwd=root, capture_output=True, text=True)
    if shown.returncode == 0:
        return shown.stdout
    if "exists on disk, but not in" in shown.stderr or "does not exist in" in shown.stderr:
        return ""
    raise PulseError(f"cannot read {path} at {ref}: {shown.stderr.strip().splitlines()[-1] if shown.stderr else 'git failed'}")


# -- GraphQL ----------------------------------------------------------------------


def graphql_changes(old_sdl: str, new_sdl: str) -> list[Change]:
    if not old_sdl.strip():
        return [Change("safe", "graphql", "schema added")] if new_sdl.strip() else []
    try:
        old, new = build_schema(old_sdl, no_location=True), build_schema(new_sdl, no_location=True)
    except GraphQLError as error:
        raise PulseError(f"cannot read the GraphQL schema: {error.message}") from None
    changes = [Change("breaking", "graphql", c.description) for c in find_breaking_changes(old, new)]
    changes += [Change("dangerous", "graphql", c.description) for c in find_dangerous_changes(old, new)]
    for name, new_type in new.type_map.items():
        if name.startswith("__"):
            continue
        old_type = old.type_map.get(name)
        if old_type is None:
            changes.append(Change("safe", "graphql", f"{name} was added."))
        elif isinstance(new_type, (GraphQLObjectType, GraphQLInterfaceType)) and type(old_type) is type(new_type):
            for field in sorted(set(new_type.fields) - set(old_type.fields)):
                changes.append(Change("safe", "graphql", f"{name}.{field} was added."))
    return changes


# -- OpenAPI (Swagger 2.0) -----------------------------------------------------------


def _resolve(document: Json, item: Json) -> Json:
    reference = item.get("$ref")
    if not reference:
        return item
    node = document
    for part in reference.removeprefix("#/").split("/"):
        node = node.get(part, {})
    return node


def _parameters(document: Json, operation: Json) -> dict[tuple[str, str], Json]:
    resolved = (_resolve(document, p) for p in operation.get("parameters", []))
    return {(p.get("in", ""), p.get("name", "")): p for p in resolved}


def type_name(schema: Json) -> str:
    """A schema's type as a reader says it: the PostgreSQL type PostgREST puts in `format`, else the JSON type."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {type_name(schema.get('items') or {})}"
    return schema.get("format") or schema.get("type") or "any"


def _shape(schema: Json) -> tuple[Any, ...]:
    items = schema.get("items") or {}
    return schema.get("type"), schema.get("format"), items.get("type"), items.get("format"), schema.get("$ref")


def _schema_changes(where: str, old: Json, new: Json, is_input: bool) -> list[Change]:
    """Type, enum, maxLength and default of one parameter or property (`where` names it)."""
    changes = []
    if _shape(old) != _shape(new):
        changes.append(Change("breaking", "openapi", f"{where} changed type {type_name(old)} → {type_name(new)}."))
    old_values, new_values = old.get("enum"), new.get("enum")
    if old_values is not None and new_values is not None:
        for value in [v for v in old_values if v not in new_values]:
            changes.append(Change("breaking" if is_input else "dangerous", "openapi",
                                  f"{where}: enum value {value} was removed."))
        for value in [v for v in new_values if v not in old_values]:
            changes.append(Change("dangerous", "openapi", f"{where}: enum value {value} was added."))
    elif new_values is not None:
        limited = ", ".join(map(str, new_values))
        changes.append(Change("breaking" if is_input else "safe", "openapi", f"{where} is now limited to {limited}."))
    elif old_values is not None:
        changes.append(Change("dangerous", "openapi", f"{where} is no longer limited to a list of values."))
    old_length, new_length = old.get("maxLength"), new.get("maxLength")
    if old_length != new_length:
        tightened = new_length is not None and (old_length is None or new_length < old_length)
        changes.append(Change("breaking" if tightened and is_input else "safe", "openapi",
                              f"{where}: maxLength {old_length or 'none'} → {new_length or 'none'}."))
    if "default" in old or "default" in new:
        old_default, new_default = old.get("default"), new.get("default")
        if "default" not in old:
            changes.append(Change("safe", "openapi", f"{where}: default {new_default!r} was added."))
        elif "default" not in new:
            changes.append(Change("dangerous", "openapi", f"{where}: default {old_default!r} was removed."))
        elif old_default != new_default:
            changes.append(Change("dangerous", "openapi", f"{where}: default {old_default!r} → {new_default!r}."))
    return changes


def _object_changes(where: str, old: Json, new: Json, is_input: bool) -> list[Change]:
    """Properties of a definition or an inline body schema."""
    changes = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for prop in sorted(old_props.keys() - new_props.keys()):
        changes.append(Change("breaking", "openapi", f"{where}: property {prop} was removed."))
    for prop in sorted(new_props.keys() - old_props.keys()):
        required = prop in new_required
        changes.append(Change("breaking" if required and is_input else "safe", "openapi",
                              f"{where}: {'required' if required else 'optional'} property {prop} was added."))
    for prop in sorted(old_props.keys() & new_props.keys()):
        changes += _schema_changes(f"{where}: property {prop}", old_props[prop], new_props[prop], is_input)
        if prop in new_required and prop not in old_required:
            changes.append(Change("breaking" if is_input else "safe", "openapi", f"{where}: property {prop} became required."))
        if prop in old_required and prop not in new_required:
            changes.append(Change("dangerous", "openapi", f"{where}: property {prop} is no longer required (may be absent or null)."))
    return changes


def _operation_changes(old_doc: Json, new_doc: Json, where: str, old_op: Json, new_op: Json) -> list[Change]:
    changes = []
    old_params, new_params = _parameters(old_doc, old_op), _parameters(new_doc, new_op)
    for key in sorted(old_params.keys() - new_params.keys()):
        changes.append(Change("breaking", "openapi", f"{where}: {key[0]} parameter {key[1]} was removed."))
    for key in sorted(new_params.keys() - old_params.keys()):
        required = new_params[key].get("required", False)
        changes.append(Change("breaking" if required else "safe", "openapi",
                              f"{where}: {'required' if required else 'optional'} {key[0]} parameter {key[1]} was added."))
    for key in sorted(old_params.keys() & new_params.keys()):
        old_param, new_param = old_params[key], new_params[key]
        old_schema, new_schema = old_param.get("schema", old_param), new_param.get("schema", new_param)
        changes += _schema_changes(f"{where}: parameter {key[1]}", old_schema, new_schema, is_input=True)
        if "properties" in old_schema and "properties" in new_schema:  # an RPC's arguments as one JSON body
            changes += _object_changes(f"{where}: {key[1]}", old_schema, new_schema, is_input=True)
        if new_param.get("required") and not old_param.get("required"):
            changes.append(Change("breaking", "openapi", f"{where}: parameter {key[1]} became required."))
    return changes


def _input_definitions(document: Json) -> set[str]:
    """Definitions a client sends as a request body (tables and updatable views), not only reads."""
    names = set()
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                reference = _resolve(document, parameter).get("schema", {}).get("$ref", "")
                if reference.startswith("#/definitions/"):
                    names.add(reference.rsplit("/", 1)[-1])
    return names


def openapi_changes(old_text: str, new_text: str) -> list[Change]:
    if not old_text.strip():
        return [Change("safe", "openapi", "document added")] if new_text.strip() else []
    try:
        old, new = json.loads(old_text), json.loads(new_text)
    except json.JSONDecodeError as error:
        raise PulseError(f"cannot read the OpenAPI document: {error}") from None
    changes = []
    old_paths, new_paths = old.get("paths", {}), new.get("paths", {})
    for path in sorted(old_paths.keys() - new_paths.keys()):
        changes.append(Change("breaking", "openapi", f"path {path} was removed."))
    for path in sorted(new_paths.keys() - old_paths.keys()):
        changes.append(Change("safe", "openapi", f"path {path} was added."))
    for path in sorted(old_paths.keys() & new_paths.keys()):
        old_ops, new_ops = old_paths[path], new_paths[path]
        for method in sorted(old_ops.keys() - new_ops.keys()):
            changes.append(Change("breaking", "openapi", f"{method.upper()} {path} was removed."))
        for method in sorted(new_ops.keys() - old_ops.keys()):
            changes.append(Change("safe", "openapi", f"{method.upper()} {path} was added."))
        for method in sorted(old_ops.keys() & new_ops.keys()):
            if isinstance(old_ops[method], dict) and isinstance(new_ops[method], dict):
                changes += _operation_changes(old, new, f"{method.upper()} {path}", old_ops[method], new_ops[method])
    old_defs, new_defs = old.get("definitions", {}), new.get("definitions", {})
    inputs = _input_definitions(old) | _input_definitions(new)
    for name in sorted(old_defs.keys() - new_defs.keys()):
        changes.append(Change("breaking", "openapi", f"definition {name} was removed."))
    for name in sorted(new_defs.keys() - old_defs.keys()):
        changes.append(Change("safe", "openapi", f"definition {name} was added."))
    for name in sorted(old_defs.keys() & new_defs.keys()):
        changes += _object_changes(f"definition {name}", old_defs[name], new_defs[name], name in inputs)
    return changes


# -- database (contracts/database.json) ------------------------------------------------
#
# Objects are keyed "kind schema.name"; a column, constraint, policy or trigger
# is named after its relation (schema.relation.name). What breaks a client of
# the exposed schema is breaking; the same change in an internal schema is
# dangerous. Security-relevant changes say so.

SECURITY = "(security) "


def _grant_changes(where: str, old: Json, new: Json) -> list[Change]:
    changes = []
    for role in sorted(old.keys() | new.keys()):
        before, after = set(old.get(role, [])), set(new.get(role, []))
        if after - before:
            changes.append(Change("dangerous", "database",
                                  f"{SECURITY}{where}: grant widened: {role} gains {', '.join(sorted(after - before))}."))
        if before - after:
            changes.append(Change("breaking", "database", f"{where}: {role} loses {', '.join(sorted(before - after))}."))
    return changes


def _removed(kind: str, where: str, old: Json) -> Change:
    if kind == "constraint":
        keeps_rows_unique = old.get("type") in ("primary key", "unique", "exclusion")
        return Change("dangerous" if keeps_rows_unique else "safe", "database", f"{where} was dropped.")
    if kind == "policy":
        return Change("dangerous", "database", f"{SECURITY}{where} was dropped.")
    if kind in ("index", "trigger"):
        return Change("dangerous", "database", f"{where} was dropped.")
    return Change("breaking", "database", f"{where} was dropped.")


def _added(kind: str, where: str, new: Json, new_objects: Json) -> Change:
    if kind == "column":
        relation = new_objects.get(f"relation {where.split(' ', 1)[1].rsplit('.', 1)[0]}", {})
        filled = "default" in new or "generated" in new or "identity" in new
        if new.get("not_null") and not filled and relation.get("kind") == "table":
            return Change("breaking", "database", f"{where} was added as NOT NULL without a default.")
    if kind == "constraint":
        return Change("dangerous", "database", f"{where} was added: {new.get('definition')} (may refuse rows accepted before).")
    if kind == "policy":
        return Change("dangerous", "database", f"{SECURITY}{where} was added.")
    if kind == "trigger":
        return Change("dangerous", "database", f"{where} was added.")
    return Change("safe", "database", f"{where} was added.")


def _text(value: object) -> str:
    return "none" if value is None else json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def _from_to(before: object, after: object) -> str:
    """`: old → new` when both fit on a line (a finding is one line); long texts are read in the file's diff."""
    shown = [_text(before), _text(after)]
    if any("\n" in text or len(text) > 200 for text in shown):
        return " (see the diff of contracts/database.json)"
    return f": {shown[0]} → {shown[1]}"


def _changed(kind: str, where: str, old: Json, new: Json) -> list[Change]:
    changes = _grant_changes(where, old.get("grants", {}), new.get("grants", {}))
    fields = sorted((old.keys() | new.keys()) - {"grants"})
    differing = [f for f in fields if old.get(f) != new.get(f)]

    def change(severity: str, field: str, text: str = "") -> None:
        before, after = old.get(field), new.get(field)
        shown = text or f"{field} {_text(before)} → {_text(after)}"
        changes.append(Change(severity, "database", f"{where}: {shown}."))

    for field in differing:
        before, after = old.get(field), new.get(field)
        if kind == "type" and field == "enum" and before and after:
            for value in [v for v in before if v not in after]:
                change("breaking", field, f"enum value {value} was removed")
            for value in [v for v in after if v not in before]:
                change("dangerous", field, f"enum value {value} was added")
        elif kind == "policy":
            changes.append(Change("dangerous", "database", f"{SECURITY}{where}: {field} changed{_from_to(before, after)}."))
        elif field in ("definition", "using", "check") or kind in ("constraint", "index", "trigger"):
            change("dangerous", field, f"{field} changed{_from_to(before, after)}")
        elif field in ("security_definer", "config", "row_security", "force_row_security"):
            changes.append(Change("dangerous", "database", f"{SECURITY}{where}: {field} {_text(before)} → {_text(after)}."))
        elif field == "not_null":
            change("breaking" if after else "dangerous", field, "became NOT NULL" if after else "became nullable")
        elif field in ("type", "arguments", "returns", "kind", "attributes", "domain"):
            change("breaking", field)
        else:  # default, volatility, strict, generated, identity, options
            change("breaking" if field == "default" and after is None and new.get("not_null") else "dangerous", field)
    return changes


def database_changes(old_text: str, new_text: str) -> list[Change]:
    if not old_text.strip():
        return [Change("safe", "database", "schema snapshot added")] if new_text.strip() else []
    try:
        old, new = json.loads(old_text), json.loads(new_text)
    except json.JSONDecodeError as error:
        raise PulseError(f"cannot read the database contract: {error}") from None
    old_objects, new_objects = old.get("objects", {}), new.get("objects", {})
    exposed = set(old.get("exposed", [])) | set(new.get("exposed", []))
    removed, added = old_objects.keys() - new_objects.keys(), new_objects.keys() - old_objects.keys()

    def part_of(key: str, relations: set[str]) -> bool:
        """A column, constraint, policy or trigger of a relation that was itself added or dropped."""
        kind, name = key.split(" ", 1)
        return kind in ("column", "constraint", "policy", "trigger") and f"relation {name.rsplit('.', 1)[0]}" in relations

    changes = []
    for key in sorted(removed):
        if not part_of(key, removed):
            changes.append((key, _removed(key.split(" ", 1)[0], key, old_objects[key])))
    for key in sorted(added):
        if not part_of(key, added):
            changes.append((key, _added(key.split(" ", 1)[0], key, new_objects[key], new_objects)))
    for key in sorted(old_objects.keys() & new_objects.keys()):
        if old_objects[key] != new_objects[key]:
            changes += [(key, c) for c in _changed(key.split(" ", 1)[0], key, old_objects[key], new_objects[key])]
    # Only the exposed schema has clients to break; elsewhere a breaking change is a dangerous one.
    return [c if c.severity != "breaking" or key.split(" ", 1)[1].split(".", 1)[0] in exposed
            else Change("dangerous", c.contract, c.description) for key, c in changes]


# -- all three ---------------------------------------------------------------------------


def diff(root: Path, base: str | None) -> list[Change]:
    """Classified changes from the contracts at `base` (None: before any contract) to the working tree."""
    def before(path: Path) -> str:
        return at_ref(root, base, path) if base else ""

    def now(path: Path) -> str:
        return (root / path).read_text() if (root / path).exists() else ""

    changes: list[Change] = []
    for path, changes_of in ((GRAPHQL, graphql_changes), (OPENAPI, openapi_changes), (DATABASE, database_changes)):
        old, new = before(path), now(path)
        if old != new:  # an unchanged contract has no changes (and the schema is slow to parse: seconds)
            changes += changes_of(old, new)
    return sorted(changes, key=lambda c: (SEVERITIES.index(c.severity), c.contract, c.description))


# -- the last release ----------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """The plan's last `@tag` and the commit that added it: the contracts as released."""

    tag: str
    commit: str

    def __str__(self) -> str:
        return f"{self.tag} ({self.commit[:12]})"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise PulseError(f"git {args[0]} failed: {(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return done.stdout


def _has_tag(plan: str, tag: str) -> bool:
    return any(line.split(maxsplit=1)[:1] == [tag] for line in plan.splitlines())


def last_release(root: Path) -> Release | None:
    """None when the plan has no tag yet (nothing released: every contract is new)."""
    path = root / PLAN
    tags = [line.split()[0] for line in path.read_text().splitlines() if line.startswith("@")] if path.exists() else []
    if not tags:
        return None
    tag = tags[-1]
    if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise PulseError(f"this clone is shallow: the commit that tagged {tag} may be missing; "
                         "fetch the full history (git fetch --unshallow)")
    for commit in _git(root, "log", "--format=%H", "-S", tag, "--", PLAN.as_posix()).split():
        parents = _git(root, "rev-list", "--parents", "-n", "1", commit).split()[1:]
        if _has_tag(at_ref(root, commit, PLAN), tag) and not (parents and _has_tag(at_ref(root, parents[0], PLAN), tag)):
            return Release(tag, commit)
    raise PulseError(f"{tag} is in {PLAN} but no commit adds it: commit the tagged plan first")


def resolve_base(root: Path, base: str | None) -> tuple[str | None, str]:
    """The git ref to compare with (None: nothing released) and how to name it."""
    if base:
        return base, base
    release = last_release(root)
    return (release.commit, str(release)) if release else (None, "the first contracts (no release tagged yet)")


# -- output ----------------------------------------------------------------------------------


def as_text(changes: list[Change], base: str) -> str:
    if not changes:
        return f"no API changes since {base}\n"
    lines = [f"API changes since {base}: " + ", ".join(
        f"{sum(c.severity == s for c in changes)} {s}" for s in SEVERITIES)]
    for severity in SEVERITIES:
        selected = [c for c in changes if c.severity == severity]
        if selected:
            lines.append(f"\n{severity.upper()}")
            lines += [f"  [{c.contract}] {c.description}" for c in selected]
    return "\n".join(lines) + "\n"


def as_json(changes: list[Change], base: str) -> str:
    return json.dumps({"base": base, "changes": [asdict(c) for c in changes]}, indent=2) + "\n"


# -- docs/api-changelog.md --------------------------------------------------------------------
#
# The file opens with `## Unreleased`: every change since the last release,
# one bullet per finding (`` - `contract` description ``) under ### Breaking,
# ### Dangerous and ### Safe. `pulse contracts changelog` rewrites those three
# lists and keeps what a person wrote under a bullet (its indented lines) and
# any other ### part of the section. A breaking finding needs an indented
# `Reason: ...` line; `pulse contracts gate` (CI) fails without one.

CHANGELOG = Path("docs/api-changelog.md")
UNRELEASED = "## Unreleased"
HEADER = ("# API changelog\n\nEvery change to the REST, GraphQL and database contracts, classified as breaking, "
          "dangerous or safe by `pulse contracts diff`.\n")


def _split(text: str) -> tuple[list[str], list[str], list[str]]:
    """The lines before, in and after the Unreleased section (its heading included)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == UNRELEASED), None)
    if start is None:
        first = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
        return lines[:first], [], lines[first:]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[:start], lines[start:end], lines[end:]


def _finding(line: str) -> tuple[str, str] | None:
    match = re.fullmatch(r"- `(\w+)` (.+)", line.strip())
    return (match[1], match[2].strip()) if match else None


def unreleased_notes(text: str) -> dict[tuple[str, str], list[str]]:
    """Each finding in the Unreleased section with the indented lines a person wrote under it."""
    notes: dict[tuple[str, str], list[str]] = {}
    current = None
    for line in _split(text)[1]:
        if line.startswith("- "):
            current = _finding(line)
            if current:
                notes[current] = []
        elif current and line.startswith((" ", "\t")) and line.strip():
            notes[current].append(line.rstrip())
        elif line.strip():
            current = None
    return notes


def reason(notes: list[str]) -> str:
    text = " ".join(line.strip() for line in notes)
    return text.split("Reason:", 1)[1].strip() if "Reason:" in text else ""


def changelog_text(existing: str, changes: list[Change], base: str) -> str:
    """docs/api-changelog.md with its Unreleased section rewritten for `changes`."""
    before, section, after = _split(existing or HEADER)
    notes = unreleased_notes(existing)
    kept, keeping = [], False  # ### parts a person added (e.g. behaviour the contracts do not show)
    for line in section[1:]:
        if line.startswith("### "):
            keeping = line[4:].strip().lower() not in SEVERITIES
        if keeping:
            kept.append(line)
    since = base.split(" (", 1)[0]  # the tag, without the commit that changes with every rebase
    lines = [UNRELEASED, "", f"Since {since}. Written by `pulse contracts changelog`; under each breaking "
             "change a person adds an indented `Reason:` line, which `pulse contracts gate` (CI) requires.", ""]
    if not changes:
        lines += ["No API changes.", ""]
    for severity in SEVERITIES:
        selected = [c for c in changes if c.severity == severity]
        if not selected:
            continue
        lines += [f"### {severity.capitalize()}", ""]
        for change in selected:
            lines.append(f"- `{change.contract}` {change.description}")
            lines += notes.get((change.contract, change.description)) or (["  Reason:"] if severity == "breaking" else [])
        lines.append("")
    if kept:
        lines += [*kept, ""] if kept[-1].strip() else kept
    while before and not before[-1].strip():
        before.pop()
    return "\n".join([*before, "", *lines, *after]).rstrip() + "\n"


def unjustified(changes: list[Change], changelog: str) -> list[tuple[Change, str]]:
    """Breaking changes the Unreleased section does not name, or names without a reason."""
    notes = unreleased_notes(changelog)
    missing = []
    for change in changes:
        if change.severity != "breaking":
            continue
        key = (change.contract, change.description)
        if key not in notes:
            missing.append((change, "not named"))
        elif not reason(notes[key]):
            missing.append((change, "no reason"))
    return missing
