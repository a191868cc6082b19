"""Classify the changes between two versions of the API contracts.

GraphQL: graphql-core's own breaking and dangerous change detection (it
judges input fields and arguments), plus added types and output fields as
safe. OpenAPI (PostgREST emits Swagger 2.0):
removed paths, methods, parameters and properties, changed types and
formats, and newly required parameters or properties are breaking; added
optional ones are safe.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from graphql import GraphQLError, build_schema, find_breaking_changes, find_dangerous_changes
from graphql.type import GraphQLInterfaceType, GraphQLObjectType

from pulse.contracts import GRAPHQL, OPENAPI
from pulse.errors import PulseError

SEVERITIES = ("breaking", "dangerous", "safe")


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
        old, new = build_schema(old_sdl), build_schema(new_sdl)
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


def _resolve(document: dict, item: dict) -> dict:
    reference = item.get("$ref")
    if not reference:
        return item
    node = document
    for part in reference.removeprefix("#/").split("/"):
        node = node.get(part, {})
    return node


def _parameters(document: dict, operation: dict) -> dict[tuple[str, str], dict]:
    resolved = (_resolve(document, p) for p in operation.get("parameters", []))
    return {(p.get("in", ""), p.get("name", "")): p for p in resolved}


def _shape(schema: dict) -> tuple:
    items = schema.get("items") or {}
    return schema.get("type"), schema.get("format"), items.get("type"), items.get("format"), schema.get("$ref")


def _operation_changes(old_doc: dict, new_doc: dict, where: str, old_op: dict, new_op: dict) -> list[Change]:
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
        old_shape = _shape(old_param.get("schema", old_param))
        new_shape = _shape(new_param.get("schema", new_param))
        if old_shape != new_shape:
            changes.append(Change("breaking", "openapi", f"{where}: parameter {key[1]} changed type {old_shape} -> {new_shape}."))
        if new_param.get("required") and not old_param.get("required"):
            changes.append(Change("breaking", "openapi", f"{where}: parameter {key[1]} became required."))
    return changes


def _definition_changes(name: str, old: dict, new: dict) -> list[Change]:
    changes = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for prop in sorted(old_props.keys() - new_props.keys()):
        changes.append(Change("breaking", "openapi", f"definition {name}: property {prop} was removed."))
    for prop in sorted(new_props.keys() - old_props.keys()):
        required = prop in new_required
        changes.append(Change("breaking" if required else "safe", "openapi",
                              f"definition {name}: {'required' if required else 'optional'} property {prop} was added."))
    for prop in sorted(old_props.keys() & new_props.keys()):
        if _shape(old_props[prop]) != _shape(new_props[prop]):
            changes.append(Change("breaking", "openapi",
                                  f"definition {name}: property {prop} changed type "
                                  f"{_shape(old_props[prop])} -> {_shape(new_props[prop])}."))
        if prop in new_required and prop not in old_required:
            changes.append(Change("breaking", "openapi", f"definition {name}: property {prop} became required."))
    return changes


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
    for name in sorted(old_defs.keys() - new_defs.keys()):
        changes.append(Change("breaking", "openapi", f"definition {name} was removed."))
    for name in sorted(new_defs.keys() - old_defs.keys()):
        changes.append(Change("safe", "openapi", f"definition {name} was added."))
    for name in sorted(old_defs.keys() & new_defs.keys()):
        changes += _definition_changes(name, old_defs[name], new_defs[name])
    return changes


# -- both ------------------------------------------------------------------------------


def diff(root: Path, base: str) -> list[Change]:
    """Classified changes from the contracts at `base` to the ones in the working tree."""
    current = {path: (root / path).read_text() if (root / path).exists() else "" for path in (GRAPHQL, OPENAPI)}
    changes = graphql_changes(at_ref(root, base, GRAPHQL), current[GRAPHQL])
    changes += openapi_changes(at_ref(root, base, OPENAPI), current[OPENAPI])
    return sorted(changes, key=lambda c: (SEVERITIES.index(c.severity), c.contract, c.description))


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


def changelog_entry(changes: list[Change], base: str, date: str) -> str:
    lines = [f"## {date} (since {base})", ""]
    if not changes:
        return "\n".join(lines + ["No API changes.", "", ""])
    for severity in SEVERITIES:
        selected = [c for c in changes if c.severity == severity]
        if selected:
            lines += [f"### {severity.capitalize()}", ""] + [f"- `{c.contract}` {c.description}" for c in selected] + [""]
    return "\n".join(lines) + "\n"
