"""Read, validate and append Sqitch plan files exactly as Sqitch 1.3 does.

The grammar, the validation rules and the id hashing mirror App::Sqitch::Plan,
Plan::Change, Plan::Tag, Plan::Depend and Plan::Line; `append_change` writes
the same bytes as `sqitch add`, and `write_script_templates` the same scripts
as Sqitch's pg templates.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = [
    "SYNTAX_VERSION",
    "Change",
    "Dependency",
    "Plan",
    "PlanError",
    "Tag",
    "append_change",
    "canonical_uri",
    "check_scripts",
    "default_identity",
    "format_timestamp",
    "load_plan",
    "parse_plan",
    "uri_as_string",
    "write_script_templates",
]

SYNTAX_VERSION = "1.0.0"
SCRIPT_KINDS = ("deploy", "revert", "verify")
RESERVED_NAMES = frozenset({"ROOT", "HEAD"})

# Like [:punct:] without "_", as in App::Sqitch::Plan.
_PUNCT = re.escape("""-!"#$%&'()*+,./:;<=>?@[\\]^`{|}~""")
# Perl's [[:blank:]] (\h): horizontal whitespace only.
_BLANKS = " \t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_BLANK = f"[{_BLANKS}]"

_NAME = (
    rf"(?![{_PUNCT}])"
    rf"(?:(?![~/=%^]\d+(?:$|{_BLANK}))[^{_BLANKS}:@#\\])+"
    rf"(?<![{_PUNCT}])\b"
)
_TIMESTAMP = (
    r"(?P<yr>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<dy>[0-9]{2})"
    r"T(?P<hr>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<sc>[0-9]{2})Z"
)

_NAME_RE = re.compile(_NAME)
_TIMESTAMP_RE = re.compile(_TIMESTAMP)
_SHA1_PREFIX_RE = re.compile(r"[0-9a-f]{40}")
_BLANK_LINE_RE = re.compile(rf"(?P<lspace>{_BLANK}*)(?:#{_BLANK}*(?P<note>.+)|$)")
_INLINE_NOTE_RE = re.compile(rf"(?P<rspace>{_BLANK}*)(?:#{_BLANK}*(?P<note>.*))?$")
_BLANK_SPLIT_RE = re.compile(f"{_BLANK}+")
_PRAGMA_RE = re.compile(
    rf"(?P<lspace>{_BLANK}*)%(?P<hspace>{_BLANK}*)"
    rf"(?P<name>[^{_PUNCT}](?:[^{_BLANKS}=]*?[^{_PUNCT}{_BLANKS}])?)"
    rf"(?:(?P<lopspace>{_BLANK}*)(?P<operator>=)(?P<ropspace>{_BLANK}*)(?P<value>.+))?"
)
_ENTRY_RE = re.compile(
    rf"(?P<lspace>{_BLANK}*)"
    rf"(?:@|(?P<lopspace>{_BLANK}*)(?P<operator>[+-])(?P<ropspace>{_BLANK}*))?"
    rf"(?P<name>{_NAME})(?P<pspace>{_BLANK}+)?"
    rf"(?:\[(?P<deps>[^\]]+)\]{_BLANK}*)?"
    rf"(?:{_TIMESTAMP}{_BLANK}*)?"
    rf"(?:(?P<planner_name>[^<]+){_BLANK}+<(?P<planner_email>[^>]+)>)?"
)
_DEPENDENCY_RE = re.compile(
    rf"(?P<conflicts>!?)(?:(?P<project>{_NAME}):)?"
    rf"(?:(?P<id>[0-9a-f]{{40}})"
    rf"|(?P<change>{_NAME})(?:@(?P<tag>{_NAME}))?"
    rf"|(?:@(?P<tag_only>{_NAME}))?)"
)
_SYMBOLIC_OFFSET_RE = re.compile(rf"(?<![{_PUNCT}])([~^])(?:(\1)|(\d+))?\Z")

_NAME_RULES = (
    'must not begin with punctuation, contain "@", ":", "#", "\\", or blanks, '
    "or end in punctuation or digits following punctuation"
)
_NOTE_ESCAPES = {"\n": "\\n", "\r": "\\r", "\\": "\\\\"}
_NOTE_UNESCAPES = {"\\n": "\n", "\\r": "\r", "\\\\": "\\"}


class PlanError(Exception):
    """An invalid plan, an unknown change, or a plan edit Sqitch would refuse."""


def _perl_true(value: str | None) -> bool:
    """Perl truthiness of a string, which Sqitch uses to decide what to hash or write."""
    return bool(value) and value != "0"


def _unescape_note(note: str) -> str:
    """Trim a note and decode `\\n`, `\\r` and `\\\\` (Plan::Line BUILDARGS)."""
    if not _perl_true(note):
        return note
    note = note.strip()
    return re.sub(r"\\[\\nr]", lambda m: _NOTE_UNESCAPES[m.group()], note)


def _escape_note(note: str) -> str:
    """Encode newlines, carriage returns and backslashes (Plan::Line format_note)."""
    return re.sub(r"[\r\n\\]", lambda m: _NOTE_ESCAPES[m.group()], note)


def _format_note(note: str) -> str:
    return f"# {_escape_note(note)}" if note else ""


def _sha1_object(kind: str, content: str) -> str:
    """Git-object-style SHA-1 of `info`, as Change->id and Tag->id compute it."""
    data = content.encode("utf-8")
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


def format_timestamp(moment: datetime) -> str:
    """`2024-01-01T00:00:00Z` (App::Sqitch::DateTime raw format); naive means UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def is_valid_name(name: str) -> bool:
    """True if `name` matches Sqitch's change/tag/project name rule."""
    return _NAME_RE.fullmatch(name) is not None


# --- URIs ------------------------------------------------------------------

_URI_ALLOWED = re.compile(r"[A-Za-z0-9\-_.!~*'();/?:@&=+$,\[\]%#]")
_URI_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.~]")
_URI_DEFAULT_PORTS = {
    "http": 80,
    "https": 443,
    "ftp": 21,
    "gopher": 70,
    "ldap": 389,
    "ldaps": 636,
    "news": 119,
    "nntps": 563,
    "snews": 563,
    "pop": 110,
    "rlogin": 513,
    "rsync": 873,
    "rtsp": 554,
    "rtspu": 554,
    "ssh": 22,
    "telnet": 23,
    "tn3270": 23,
}
_URI_AUTHORITY_RE = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9.+\-]*)://(?P<userinfo>[^/?#]*@)?"
    r"(?P<host>[^/?#:]*)(?::(?P<port>[0-9]*))?(?P<path>[^?#]*)(?P<rest>.*)",
    re.S,
)


def uri_as_string(uri: str) -> str:
    """The URI as perl's URI->new($uri)->as_string gives it: trimmed, with non-URI
    characters percent-encoded as UTF-8 (what Sqitch stores in `projects.uri`)."""
    uri = uri.strip()
    out = []
    for char in uri:
        if _URI_ALLOWED.fullmatch(char):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def _uri_normalize_escapes(uri: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if _URI_UNRESERVED.fullmatch(char) else match.group().upper()

    return re.sub(r"%([0-9A-Fa-f]{2})", fix, uri)


def canonical_uri(uri: str) -> str:
    """The `uri` line of a change/tag id: perl URI->new($uri)->canonical, for common URIs.

    Lower-cases the scheme, upper-cases escapes and decodes unreserved ones, and for
    server schemes (http, https, ftp, ssh, ...) lower-cases the host, drops the
    default port and gives http(s) an empty path of "/".
    """
    uri = _uri_normalize_escapes(uri_as_string(uri))
    scheme_match = re.match(r"[A-Za-z][A-Za-z0-9.+\-]*:", uri)
    if not scheme_match:
        return uri
    scheme = scheme_match.group()[:-1].lower()
    uri = scheme + uri[len(scheme) :]
    parts = _URI_AUTHORITY_RE.fullmatch(uri)
    if scheme not in _URI_DEFAULT_PORTS or not parts:
        return uri
    host = parts["host"].lower()
    port = parts["port"]
    if port is not None and (port == "" or int(port) == _URI_DEFAULT_PORTS[scheme]):
        port = None
    path, rest = parts["path"], parts["rest"]
    if scheme in ("http", "https") and not path and not rest.startswith("?"):
        path = "/"
    port_part = f":{port}" if port is not None else ""
    return f"{scheme}://{parts['userinfo'] or ''}{host}{port_part}{path}{rest}"


# --- model -----------------------------------------------------------------


@dataclass(eq=False)
class Dependency:
    """One `[...]` entry: `x`, `!x`, `proj:x`, `x@tag`, `@tag` or a change id (Plan::Depend).

    `project` is the project written before `:`, else the plan's own; it is None only
    for a bare change id that is not in this plan (Sqitch then treats it as external).
    """

    plan_project: str
    conflicts: bool = False
    change: str | None = None
    tag: str | None = None
    change_id: str | None = None
    project: str | None = None
    explicit_project: bool = False

    @classmethod
    def parse(cls, spec: str, plan_project: str) -> Dependency | None:
        """Parse a dependency spec; None if Sqitch would call it invalid."""
        match = _DEPENDENCY_RE.fullmatch(spec)
        if not match:
            return None
        change, tag, change_id = match["change"], match["tag"] or match["tag_only"], match["id"]
        if not (change or tag or change_id):
            return None
        explicit = match["project"] is not None
        if explicit:
            project = match["project"]
        else:
            project = None if change_id else plan_project
        return cls(
            plan_project=plan_project,
            conflicts=bool(match["conflicts"]),
            change=change,
            tag=tag,
            change_id=change_id,
            project=project,
            explicit_project=explicit,
        )

    @property
    def key_name(self) -> str:
        """`change`, `change@tag`, `@tag` or the change id."""
        key = (self.change or "") + (f"@{self.tag}" if self.tag else "")
        return key or (self.change_id or "")

    @property
    def is_external(self) -> bool:
        return self.project is None or self.project != self.plan_project

    @property
    def type(self) -> str:
        """`require` or `conflict`, as stored in the registry's dependencies table."""
        return "conflict" if self.conflicts else "require"

    def as_string(self) -> str:
        """Name used in ids and the registry: `proj:` only for other projects."""
        if self.is_external and self.project is not None:
            return f"{self.project}:{self.key_name}"
        return self.key_name

    def as_plan_string(self) -> str:
        """Form written in the plan's `[...]` list."""
        return ("!" if self.conflicts else "") + self.as_string()


@dataclass(eq=False)
class Tag:
    """A `@tag` line, attached to the change before it (Plan::Tag)."""

    name: str
    change: Change = field(repr=False)
    project: str
    uri: str | None
    timestamp: str
    planner_name: str
    planner_email: str
    note: str = ""
    line_no: int = 0

    @property
    def format_name(self) -> str:
        return f"@{self.name}"

    @cached_property
    def info(self) -> str:
        """The text hashed into the tag id (Plan::Tag `info`)."""
        lines = [f"project {self.project}"]
        if _perl_true(self.uri):
            lines.append(f"uri {canonical_uri(self.uri or '')}")
        lines += [
            f"tag {self.format_name}",
            f"change {self.change.id}",
            f"planner {self.planner_name} <{self.planner_email}>",
            f"date {self.timestamp}",
        ]
        if _perl_true(self.note):
            lines += ["", self.note]
        return "\n".join(lines)

    @cached_property
    def id(self) -> str:
        return _sha1_object("tag", self.info)

    @property
    def planned_at(self) -> datetime:
        return _parse_timestamp(self.timestamp)


@dataclass(eq=False)
class Change:
    """A change line of the plan (Plan::Change); `tags` are the tags that follow it."""

    name: str
    project: str
    uri: str | None
    timestamp: str
    planner_name: str
    planner_email: str
    note: str = ""
    requires: list[Dependency] = field(default_factory=list)
    conflicts: list[Dependency] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list, repr=False)
    parent: Change | None = field(default=None, repr=False)
    since_tag: Tag | None = field(default=None, repr=False)
    rework_tags: list[Tag] = field(default_factory=list, repr=False)
    line_no: int = 0
    operator: str = ""

    @cached_property
    def info(self) -> str:
        """The text hashed into the change id (Plan::Change `info`)."""
        lines = [f"project {self.project}"]
        if _perl_true(self.uri):
            lines.append(f"uri {canonical_uri(self.uri or '')}")
        lines.append(f"change {self.name}")
        if self.parent is not None:
            lines.append(f"parent {self.parent.id}")
        lines += [
            f"planner {self.planner_name} <{self.planner_email}>",
            f"date {self.timestamp}",
        ]
        requires = "\n  + ".join(dep.as_string() for dep in self.requires)
        if _perl_true(requires):
            lines.append(f"requires\n  + {requires}")
        conflicts = "\n  - ".join(dep.as_string() for dep in self.conflicts)
        if _perl_true(conflicts):
            lines.append(f"conflicts\n  - {conflicts}")
        if _perl_true(self.note):
            lines += ["", self.note]
        return "\n".join(lines)

    @cached_property
    def id(self) -> str:
        """Sqitch's change id: SHA-1 of `change <len>\\0<info>`."""
        return _sha1_object("change", self.info)

    @property
    def planned_at(self) -> datetime:
        return _parse_timestamp(self.timestamp)

    @property
    def dependencies(self) -> list[Dependency]:
        return [*self.requires, *self.conflicts]

    @property
    def is_reworked(self) -> bool:
        """True for a change whose name is planned again later (its scripts are `name@tag.sql`)."""
        return bool(self.rework_tags)

    @property
    def format_name_with_tags(self) -> str:
        return " ".join([self.name, *(tag.format_name for tag in self.tags)])

    @property
    def tag_qualified_name(self) -> str:
        """`name@tag` naming this instance of a possibly reworked change, or `name@HEAD`."""
        tags = self.tags or self.rework_tags
        return self.name + (tags[0].format_name if tags else "@HEAD")

    def format_dependencies(self) -> str:
        deps = " ".join(dep.as_plan_string() for dep in self.dependencies)
        return f"[{deps}]" if deps else ""

    def as_plan_line(self) -> str:
        """The plan line `sqitch add` writes for this change (Plan::Change as_string)."""
        content = " ".join(
            part
            for part in (
                self.format_dependencies(),
                self.timestamp,
                f"{self.planner_name} <{self.planner_email}>",
            )
            if part
        )
        rspace = " " if _perl_true(self.note) else ""
        return f"{self.name} {content}{rspace}{_format_note(self.note)}"

    def script_file(
        self, top_dir: str | os.PathLike[str], kind: str, extension: str = "sql"
    ) -> Path:
        """Path of the `kind` (deploy/revert/verify) script, as Change->script_file finds it.

        A reworked change uses `name@tag.ext`, with the first rework tag whose deploy
        script exists (else the first rework tag), as Plan::Change `path_segments`.
        """
        top = Path(top_dir)
        *dirs, base = self.name.split("/")
        if not self.rework_tags:
            return top.joinpath(kind, *dirs, f"{base}.{extension}")
        names = [f"{base}{tag.format_name}.{extension}" for tag in self.rework_tags]
        chosen = next((n for n in names if top.joinpath("deploy", *dirs, n).exists()), names[0])
        return top.joinpath(kind, *dirs, chosen)

    def deploy_file(self, top_dir: str | os.PathLike[str]) -> Path:
        return self.script_file(top_dir, "deploy")

    def revert_file(self, top_dir: str | os.PathLike[str]) -> Path:
        return self.script_file(top_dir, "revert")

    def verify_file(self, top_dir: str | os.PathLike[str]) -> Path:
        return self.script_file(top_dir, "verify")

    def script_hash(self, top_dir: str | os.PathLike[str]) -> str | None:
        """SHA-1 hex of the deploy script's bytes, None if missing (Change `script_hash`)."""
        path = self.deploy_file(top_dir)
        if not path.is_file():
            return None
        return hashlib.sha1(path.read_bytes()).hexdigest()


@dataclass(eq=False)
class Plan:
    """A parsed `sqitch.plan`: pragmas, changes in plan order and all tags."""

    project: str
    uri: str | None
    syntax_version: str
    changes: list[Change]
    tags: list[Tag]
    path: Path
    pragmas: dict[str, str] = field(default_factory=dict)

    @property
    def top_dir(self) -> Path:
        """The directory holding the plan, Sqitch's default top_dir."""
        return self.path.parent

    def first(self, count: int) -> Plan:
        """The plan cut after its first `count` changes (what a database that deployed them knows)."""
        changes = self.changes[:count]
        kept = set(map(id, changes))
        return Plan(self.project, self.uri, self.syntax_version, changes,
                    [tag for tag in self.tags if id(tag.change) in kept], self.path, self.pragmas)

    @cached_property
    def _lookup(self) -> dict[str, list[int]]:
        """Key -> change indexes, as App::Sqitch::Plan::ChangeList indexes them."""
        lookup: dict[str, list[int]] = {}
        for index, change in enumerate(self.changes):
            lookup.setdefault(change.name, []).append(index)
            lookup[change.id] = [index]
            for tag in change.tags:
                lookup[tag.format_name] = [index]
                lookup[tag.id] = [index]
        if self.changes:
            lookup["HEAD"] = lookup["@HEAD"] = [len(self.changes) - 1]
            lookup["ROOT"] = lookup["@ROOT"] = [0]
        return lookup

    def index_of(self, key: str) -> int | None:
        """Index of `name`, `name@tag`, `@tag`, an id, HEAD/ROOT, with `^`/`~` offsets.

        A bare name of a reworked change is ambiguous and raises PlanError, as in Sqitch.
        """
        return self._with_offset(key, self._index_of)

    def find(self, key: str) -> Change:
        """The change `key` names; a bare name means its first instance (Plan->find)."""
        lookup = self.index_of if "@" in key else self._first_index_of
        index = lookup(key)
        if index is None:
            raise PlanError(f"unknown change: {key}")
        return self.changes[index]

    def contains(self, key: str) -> bool:
        try:
            self.find(key)
        except PlanError:
            return False
        return True

    def _with_offset(self, key: str, finder: Callable[[str], int | None]) -> int | None:
        """Apply a trailing `^`, `^^`, `^N`, `~`, `~~` or `~N` to the index `finder` gives."""
        offset = 0
        match = _SYMBOLIC_OFFSET_RE.search(key)
        if match:
            offset = int(match.group(3)) if match.group(3) else (2 if match.group(2) else 1)
            if match.group(1) == "^":
                offset = -offset
            key = key[: match.start()]
        index = finder(key)
        if index is None or not offset:
            return index
        index += offset
        return index if 0 <= index < len(self.changes) else None

    def _index_of(self, key: str) -> int | None:
        change, _, tag = key.partition("@")
        has_tag = "@" in key
        if change == "":
            found = self._lookup.get(f"@{tag}")
            return found[0] if found else None
        indexes = self._lookup.get(change)
        if not indexes:
            return None
        if has_tag:
            tag_index = self._lookup.get(f"@{tag}")
            if not tag_index:
                raise PlanError(f'Unknown tag "@{tag}"')
            return next((i for i in reversed(indexes) if i <= tag_index[0]), None)
        if len(indexes) > 1:
            options = ", ".join(self.changes[i].tag_qualified_name for i in reversed(indexes))
            raise PlanError(
                f'Change "{key}" is ambiguous. Please specify a tag-qualified change: {options}'
            )
        return indexes[0]

    def _first_index_of(self, key: str) -> int | None:
        def first(name: str) -> int | None:
            indexes = self._lookup.get(name)
            return indexes[0] if indexes else None

        return self._with_offset(key, first)

    def resolve_dependency(self, dep: Dependency) -> Change | None:
        """The planned change a local dependency names (None for other projects)."""
        if dep.is_external:
            return None
        return self.find(dep.key_name)


def _parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# --- parsing ---------------------------------------------------------------


class _Parser:
    """One pass over the plan text, mirroring App::Sqitch::Plan `_parse`."""

    def __init__(self, text: str, path: Path):
        self.path = path
        self.lines = _split_lines(text)
        self.line_no = 0
        self.project = ""
        self.uri: str | None = None
        self.pragmas: dict[str, str] = {}
        self.changes: list[Change] = []
        self.tags: list[Tag] = []
        self.section: list[Change] = []
        self.closed_line_of: dict[str, int] = {}
        self.section_line_of: dict[str, int] = {}
        self.latest_named: dict[str, Change] = {}
        self.bad_requires: list[tuple[Change, str]] = []

    def syntax_error(self, message: str) -> PlanError:
        return PlanError(f"Syntax error in {self.path} at line {self.line_no}: {message}")

    def parse(self) -> Plan:
        body_start = self._parse_header()
        if "syntax-version" not in self.pragmas:
            self.pragmas["syntax-version"] = SYNTAX_VERSION
        project = self.pragmas.get("project")
        if project is None or not _perl_true(project):
            raise PlanError(f"Missing %project pragma in {self.path}")
        uri = self.pragmas.get("uri")
        self.project, self.uri = project, (uri if _perl_true(uri) else None)

        for index in range(body_start, len(self.lines)):
            self.line_no = index + 1
            if not _BLANK_LINE_RE.match(self.lines[index]):
                self._parse_entry(self.lines[index])
        self._close_section()

        plan = Plan(
            project=project,
            uri=self.uri,
            syntax_version=SYNTAX_VERSION,
            changes=self.changes,
            tags=self.tags,
            path=self.path,
            pragmas=dict(self.pragmas),
        )
        _resolve_id_dependencies(plan)
        if self.bad_requires:
            raise PlanError(_dependency_report(plan, self.bad_requires))
        return plan

    def _parse_header(self) -> int:
        """Read pragmas up to the first empty line; return the index of the next line."""
        for index, line in enumerate(self.lines):
            self.line_no = index + 1
            blank = _BLANK_LINE_RE.match(line)
            if blank:
                if not _perl_true((blank["note"] or "").strip()):
                    return index + 1
                continue
            self._parse_pragma(line)
        return len(self.lines)

    def _parse_pragma(self, line: str) -> None:
        stripped = _INLINE_NOTE_RE.sub("", line, count=1)
        match = _PRAGMA_RE.fullmatch(stripped)
        if not match:
            raise self.syntax_error(
                "Invalid pragma; a blank line must come between pragmas and changes"
            )
        name, value = match["name"], match["value"]
        if name == "syntax-version":
            self.pragmas[name] = SYNTAX_VERSION
        elif name == "project":
            if value is None or not is_valid_name(value.rstrip()):
                raise self.syntax_error(
                    f'invalid project name "{value}": project names {_NAME_RULES}'
                )
            self.pragmas[name] = value.rstrip()
        else:
            self.pragmas[name] = value.rstrip() if value is not None else "1"

    def _parse_entry(self, line: str) -> None:
        note_match = _INLINE_NOTE_RE.search(line)
        assert note_match is not None
        note = _unescape_note(note_match["note"] or "")
        content = line[: note_match.start()]
        is_tag = re.match(f"{_BLANK}*@", content) is not None
        match = _ENTRY_RE.fullmatch(content)
        fields = match.groupdict() if match else {}
        stray_timestamp = not fields.get("yr") and _TIMESTAMP_RE.search(content)
        if not _perl_true(fields.get("name")) or stray_timestamp:
            raise self.syntax_error(f"Invalid name; names {_NAME_RULES}")
        if not fields.get("yr") and not fields.get("planner_name"):
            raise self.syntax_error("Missing timestamp and planner name and email")
        if not fields.get("yr"):
            raise self.syntax_error("Missing timestamp")
        if not fields.get("planner_name"):
            raise self.syntax_error("Missing planner name and email")

        name = fields["name"]
        if name in RESERVED_NAMES:
            raise self.syntax_error(f'"{"@" if is_tag else ""}{name}" is a reserved name')
        if _SHA1_PREFIX_RE.match(name):
            raise self.syntax_error(
                f'"{name}" is invalid because it could be confused with a SHA1 ID'
            )
        assert match is not None  # fields came from it: it has a timestamp
        timestamp = content[match.start("yr") : match.end("sc") + 1]
        try:
            _parse_timestamp(timestamp)
        except ValueError:
            raise self.syntax_error(f'Invalid timestamp "{timestamp}"') from None

        attrs = dict(
            project=self.project,
            uri=self.uri,
            timestamp=timestamp,
            planner_name=fields["planner_name"],
            planner_email=fields["planner_email"],
            note=note,
        )
        if is_tag:
            self._add_tag(name, fields.get("deps"), attrs)
        else:
            self._add_change(name, fields.get("deps"), fields.get("operator") or "", attrs)

    def _add_tag(self, name: str, deps: str | None, attrs: dict[str, Any]) -> None:
        if "/" in name:
            raise self.syntax_error(f'Tag "{name}" contains illegal character /')
        if not self.changes:
            raise self.syntax_error(f'Tag "{name}" declared without a preceding change')
        key = f"@{name}"
        if key in self.closed_line_of:
            raise self.syntax_error(
                f'Tag "{name}" duplicates earlier declaration on line {self.closed_line_of[key]}'
            )
        if deps:
            raise self.syntax_error("Tags may not specify dependencies")
        self._close_section()
        change = self.changes[-1]
        tag = Tag(name=name, change=change, line_no=self.line_no, **attrs)
        change.tags.append(tag)
        self.tags.append(tag)
        self.closed_line_of.update(self.section_line_of)
        self.closed_line_of[key] = self.line_no
        self.section_line_of = {}

    def _add_change(self, name: str, deps: str | None, operator: str, attrs: dict[str, Any]) -> None:
        if name in self.section_line_of:
            raise self.syntax_error(
                f'Change "{name}" duplicates earlier declaration on line '
                f"{self.section_line_of[name]}"
            )
        requires, conflicts = self._parse_dependencies(deps)
        change = Change(
            name=name,
            requires=requires,
            conflicts=conflicts,
            parent=self.changes[-1] if self.changes else None,
            since_tag=self.tags[-1] if self.tags else None,
            line_no=self.line_no,
            operator=operator,
            **attrs,
        )
        reworked = self.latest_named.get(name)
        if reworked is not None:
            _add_rework_tags(self.changes, reworked)
        self.section_line_of[name] = self.line_no
        self.changes.append(change)
        self.section.append(change)
        self.latest_named[name] = change

    def _parse_dependencies(self, deps: str | None) -> tuple[list[Dependency], list[Dependency]]:
        requires: list[Dependency] = []
        conflicts: list[Dependency] = []
        if not deps:
            return requires, conflicts
        seen: set[str] = set()
        for spec in _BLANK_SPLIT_RE.split(deps.rstrip(_BLANKS)):
            dep = Dependency.parse(spec, self.project)
            if dep is None:
                raise self.syntax_error(f'"{spec}" is not a valid dependency specification')
            if spec in seen:
                raise self.syntax_error(f'Duplicate dependency "{spec}"')
            seen.add(spec)
            (conflicts if dep.conflicts else requires).append(dep)
        return requires, conflicts

    def _close_section(self) -> None:
        """Check the requires of the changes since the last tag (Plan `check_changes`)."""
        position: dict[str, int] = {}
        for index, change in enumerate(self.section, start=1):
            for dep in change.requires:
                if not _requirement_met(dep, self.project, self.closed_line_of, position):
                    self.bad_requires.append((change, dep.key_name))
            position[change.name] = index
        self.section = []


def _split_lines(text: str) -> list[str]:
    """Split on LF only, dropping one CR before it, as Perl's getline + s/\\r?\\n\\z// does."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _requirement_met(
    dep: Dependency, project: str, closed_line_of: dict[str, int], position: dict[str, int]
) -> bool:
    """Whether a require names a change planned earlier, by Sqitch's `check_changes` rules."""
    if dep.explicit_project:
        if dep.project != project:
            return True
    elif dep.change_id:
        return True
    key = dep.key_name
    if re.search(".@", key):
        change, tag = key.split("@", 1)
        tag_at = closed_line_of.get(f"@{tag}")
        change_at = closed_line_of.get(change)
        return bool(tag_at and change_at and change_at < tag_at)
    return key in closed_line_of or key in position


def _add_rework_tags(changes: list[Change], reworked: Change) -> None:
    """Tags between a change and its reworking, newest first, then its own (Plan `_parse`)."""
    collected: list[Tag] = []
    for change in reversed(changes):
        if change is reworked:
            break
        collected.extend(change.tags)
    reworked.rework_tags.extend([*collected, *reworked.tags])


def _resolve_id_dependencies(plan: Plan) -> None:
    """A bare change-id dependency belongs to this project only if the id is planned."""
    for change in plan.changes:
        for dep in change.dependencies:
            if dep.change_id and not dep.explicit_project:
                _claim_planned_id(plan, dep)


def _claim_planned_id(plan: Plan, dep: Dependency) -> None:
    if plan.index_of(dep.change_id or "") is not None:
        dep.project = plan.project


def _dependency_report(plan: Plan, bad: list[tuple[Change, str]]) -> str:
    """Explain unmet requires: self-requires, forward references (with cycles), unknown names."""
    position = {id(change): index for index, change in enumerate(plan.changes)}
    errors = []
    for change, key in bad:
        here = position[id(change)]
        target = _forward_target(plan, here, key)
        if key == change.name:
            errors.append(f'Change "{change.name}" cannot require itself')
        elif target is None:
            errors.append(f'Unknown change "{key}" required by change "{change.name}"')
        else:
            cycle = _find_cycle(plan, here, target)
            if cycle:
                names = " -> ".join(plan.changes[i].name for i in cycle)
                errors.append(f"Dependency cycle detected: {names}")
            else:
                delta = target - here
                noun = "change" if delta == 1 else "changes"
                line = "line" if delta == 1 else "lines"
                errors.append(
                    f'Change "{change.name}" planned {delta} {noun} before required change '
                    f'"{key}"\n    HINT: move "{change.name}" down {delta} {line} in {plan.path}'
                )
    heading = "Dependency error detected:" if len(errors) == 1 else "Dependency errors detected:"
    return "\n  ".join([f"{heading[:-1]} in {plan.path}:", *errors])


def _forward_target(plan: Plan, here: int, key: str) -> int | None:
    """Index of a change named by `key` that is planned after position `here`, if any."""
    try:
        index = plan.index_of(key) if "@" in key else None
    except PlanError:
        index = None
    if index is not None:
        return index if index > here else None
    name = key.split("@", 1)[0]
    later = [i for i, c in enumerate(plan.changes) if c.name == name and i > here]
    return later[0] if later else None


def _require_edges(plan: Plan, index: int) -> list[int]:
    """Indexes of the local changes that change `index` requires."""
    edges = []
    for dep in plan.changes[index].requires:
        if dep.is_external or dep.change_id:
            continue
        earlier = _latest_before(plan, index, dep.key_name)
        target = earlier if earlier is not None else _forward_target(plan, index, dep.key_name)
        if target is not None:
            edges.append(target)
    return edges


def _latest_before(plan: Plan, index: int, key: str) -> int | None:
    if "@" in key:
        try:
            found = plan.index_of(key)
        except PlanError:
            return None
        return found if found is not None and found < index else None
    earlier = [i for i, c in enumerate(plan.changes[:index]) if c.name == key]
    return earlier[-1] if earlier else None


def _find_cycle(plan: Plan, start: int, target: int) -> list[int] | None:
    """Path start -> target -> ... -> start through requires, if one exists."""
    paths = {target: [start, target]}
    queue = [target]
    while queue:
        node = queue.pop(0)
        for nxt in _require_edges(plan, node):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    return None


def parse_plan(text: str, path: str | os.PathLike[str] = "sqitch.plan") -> Plan:
    """Parse and validate plan text; raise PlanError as Sqitch would refuse it."""
    return _Parser(text, Path(path)).parse()


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read (strict UTF-8), parse and validate a plan file."""
    path = Path(path)
    if not path.exists():
        raise PlanError(f"Plan file {path} does not exist")
    if not path.is_file():
        raise PlanError(f"Plan file {path} is not a regular file")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(f"Plan file {path} is not valid UTF-8: {exc}") from None
    return parse_plan(text, path)


def check_scripts(
    plan: Plan,
    top_dir: str | os.PathLike[str] | None = None,
    *,
    revert: bool = True,
    verify: bool = True,
) -> None:
    """Raise PlanError listing every missing deploy (and, by default, revert/verify) script."""
    top = Path(top_dir) if top_dir is not None else plan.top_dir
    kinds = ["deploy"] + (["revert"] if revert else []) + (["verify"] if verify else [])
    missing = [
        f"{change.script_file(top, kind)} ({kind} script of {change.tag_qualified_name})"
        for change in plan.changes
        for kind in kinds
        if not change.script_file(top, kind).is_file()
    ]
    if missing:
        raise PlanError("Missing script files:\n  " + "\n  ".join(missing))


# --- writing ---------------------------------------------------------------


def _check_new_name(name: str) -> None:
    """Plan `_is_valid` for a change name."""
    if name in RESERVED_NAMES:
        raise PlanError(f'"{name}" is a reserved name')
    if _SHA1_PREFIX_RE.match(name):
        raise PlanError(f'"{name}" is invalid because it could be confused with a SHA1 ID')
    if not is_valid_name(name):
        raise PlanError(f'"{name}" is invalid: changes {_NAME_RULES}')


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _new_dependencies(
    plan: Plan, name: str, requires: Iterable[str], conflicts: Iterable[str]
) -> tuple[list[Dependency], list[Dependency]]:
    """Parse `sqitch add -r/-x` values; requires of this project must already be planned.

    Mirrors Plan `_parse_deps` (duplicates dropped, conflicts parsed as `!spec`) and
    `_check_dependencies`.
    """
    parsed_requires = []
    for spec in _unique(requires):
        dep = Dependency.parse(spec, plan.project)
        if dep is None:
            raise PlanError(f'"{spec}" is not a valid dependency specification')
        dep.conflicts = False
        parsed_requires.append(dep)
    parsed_conflicts = []
    for spec in _unique(conflicts):
        dep = Dependency.parse(f"!{spec}", plan.project)
        if dep is None:
            raise PlanError(f'"{spec}" is not a valid dependency specification')
        parsed_conflicts.append(dep)
    for dep in [*parsed_requires, *parsed_conflicts]:
        if dep.change_id and not dep.explicit_project:
            _claim_planned_id(plan, dep)
    for dep in parsed_requires:
        if dep.is_external:
            continue
        key = dep.key_name if "@" in dep.key_name else f"{dep.key_name}@HEAD"
        try:
            found = plan.index_of(key)
        except PlanError:
            found = None
        if found is None:
            raise PlanError(f'Cannot add change "{name}": requires unknown change "{dep.key_name}"')
    return parsed_requires, parsed_conflicts


def append_change(
    path: str | os.PathLike[str],
    name: str,
    requires: Sequence[str] = (),
    conflicts: Sequence[str] = (),
    note: str = "",
    planner_name: str | None = None,
    planner_email: str | None = None,
    now: datetime | str | None = None,
) -> Change:
    """Append a change line to the plan as `sqitch add` writes it, and return the new Change.

    The line is `name [requires !conflicts] <timestamp> Planner <email> # note`, preceded
    by a blank line when the last change is tagged. The note is trimmed and `\\n`, `\\r`,
    `\\\\` in it are decoded before being re-escaped, as Sqitch does with `-n`. `conflicts`
    are names without `!`. `now` defaults to the current time; a str is used as written.
    Nothing is written if the resulting plan would not validate.
    """
    path = Path(path)
    plan = load_plan(path)
    _check_new_name(name)
    try:
        existing = plan.index_of(f"{name}@HEAD")
    except PlanError:
        existing = None
    if existing is not None:
        raise PlanError(
            f'Change "{name}" already exists in plan {path}.\n'
            'Use "sqitch rework" to copy and rework it'
        )
    parsed_requires, parsed_conflicts = _new_dependencies(plan, name, requires, conflicts)
    if planner_name is None or planner_email is None:
        default_name, default_email = default_identity()
        planner_name = planner_name if planner_name is not None else default_name
        planner_email = planner_email if planner_email is not None else default_email
    if now is None:
        now = datetime.now(UTC)
    change = Change(
        name=name,
        project=plan.project,
        uri=plan.uri,
        timestamp=now if isinstance(now, str) else format_timestamp(now),
        planner_name=planner_name,
        planner_email=planner_email,
        note=_unescape_note(note),
        requires=parsed_requires,
        conflicts=parsed_conflicts,
    )

    text = path.read_bytes().decode("utf-8")
    prefix = "" if not text or text.endswith("\n") else "\n"
    if _needs_blank_line(plan, text):
        prefix += "\n"
    addition = f"{prefix}{change.as_plan_line()}\n"
    new_plan = parse_plan(text + addition, path)
    with path.open("ab") as handle:
        handle.write(addition.encode("utf-8"))
    return new_plan.changes[-1]


def rework_change(
    path: str | os.PathLike[str],
    name: str,
    requires: Sequence[str] = (),
    note: str = "",
    planner_name: str | None = None,
    planner_email: str | None = None,
    now: datetime | str | None = None,
) -> Change:
    """Plan `name` again as `sqitch rework` does: copy its current scripts to `name@TAG.sql`
    and start the new revert script as a copy of the released deploy script.

    The change must be planned and tagged since (`Cannot rework ... without an intervening
    tag`); the new line requires `name@TAG` (TAG: the first tag of the last tagged change)
    before any other requires, and goes at the end of the plan. Returns the new Change.
    """
    path = Path(path)
    plan = load_plan(path)
    index = plan.index_of(f"{name}@HEAD")
    if index is None:
        raise PlanError(f'Change "{name}" does not exist in {path}.\nUse "pulse db new {name}" to add it to the plan')
    tagged = [i for i, change in enumerate(plan.changes) if change.tags]
    if not tagged or tagged[-1] < index:
        raise PlanError(f'Cannot rework "{name}" without an intervening tag.\n'
                        'Use "pulse db tag" to create a tag and try again')
    tag = plan.changes[tagged[-1]].tags[0]
    parsed_requires, _ = _new_dependencies(plan, name, [f"{name}{tag.format_name}", *requires], ())
    if planner_name is None or planner_email is None:
        default_name, default_email = default_identity()
        planner_name = planner_name if planner_name is not None else default_name
        planner_email = planner_email if planner_email is not None else default_email
    if now is None:
        now = datetime.now(UTC)
    change = Change(name=name, project=plan.project, uri=plan.uri,
                    timestamp=now if isinstance(now, str) else format_timestamp(now),
                    planner_name=planner_name, planner_email=planner_email, note=_unescape_note(note),
                    requires=parsed_requires)
    text = path.read_bytes().decode("utf-8")
    addition = ("" if not text or text.endswith("\n") else "\n") + change.as_plan_line() + "\n"
    new_plan = parse_plan(text + addition, path)
    previous = new_plan.changes[index]
    current = {kind: new_plan.changes[-1].script_file(path.parent, kind) for kind in SCRIPT_KINDS}
    for kind, script in current.items():
        if script.exists():
            previous.script_file(path.parent, kind).write_bytes(script.read_bytes())
    # Reverting the rework means deploying the released script again.
    if previous.revert_file(path.parent).exists() and current["deploy"].exists():
        current["revert"].write_bytes(current["deploy"].read_bytes())
    with path.open("ab") as handle:
        handle.write(addition.encode("utf-8"))
    return new_plan.changes[-1]


def append_tag(
    path: str | os.PathLike[str],
    name: str,
    note: str = "",
    planner_name: str | None = None,
    planner_email: str | None = None,
    now: datetime | str | None = None,
) -> Tag:
    """Tag the last change as `sqitch tag NAME -n NOTE` does: `@name <timestamp> Planner <email> # note`
    goes after the change's line and its earlier tags. Returns the new Tag."""
    path = Path(path)
    plan = load_plan(path)
    name = name.removeprefix("@")
    _check_new_name(name)
    if plan.index_of(f"@{name}") is not None:
        raise PlanError(f'Tag "@{name}" already exists')
    if not plan.changes:
        raise PlanError(f'Cannot apply tag "@{name}" to a plan with no changes')
    change = plan.changes[-1]
    if planner_name is None or planner_email is None:
        default_name, default_email = default_identity()
        planner_name = planner_name if planner_name is not None else default_name
        planner_email = planner_email if planner_email is not None else default_email
    if now is None:
        now = datetime.now(UTC)
    timestamp = now if isinstance(now, str) else format_timestamp(now)
    note = _unescape_note(note)
    rspace = " " if _perl_true(note) else ""
    line = f"@{name} {timestamp} {planner_name} <{planner_email}>{rspace}{_format_note(note)}"
    lines = _split_lines(path.read_bytes().decode("utf-8"))
    after = max([change.line_no, *(tag.line_no for tag in change.tags)])
    lines.insert(after, line)
    text = "\n".join(lines) + "\n"
    new_plan = parse_plan(text, path)
    path.write_bytes(text.encode("utf-8"))
    return next(tag for tag in new_plan.tags if tag.name == name)


def _needs_blank_line(plan: Plan, text: str) -> bool:
    """A blank line goes before the new change after a tagged change (as in Plan `add`),
    and after pragmas not yet closed by one."""
    if plan.changes:
        return bool(plan.changes[-1].tags)
    return not _header_is_closed(text)


def _header_is_closed(text: str) -> bool:
    """Whether the pragma block already ends with an empty line."""
    for line in _split_lines(text):
        blank = _BLANK_LINE_RE.match(line)
        if blank and not _perl_true((blank["note"] or "").strip()):
            return True
    return False


def _script_template(
    kind: str,
    project: str,
    name: str,
    engine: str,
    requires: Sequence[str],
    conflicts: Sequence[str],
) -> str:
    """Text of a new script in the shape of Sqitch's `templates/<kind>/pg.tmpl`."""
    if kind == "deploy":
        header = [f"-- Deploy {project}:{name} to {engine}"]
        header += [f"-- requires: {item}" for item in requires]
        header += [f"-- conflicts: {item}" for item in conflicts]
        body = ["BEGIN;", "-- XXX Add DDLs here.", "COMMIT;"]
    elif kind == "revert":
        header = [f"-- Revert {project}:{name} from {engine}"]
        body = ["BEGIN;", "-- XXX Add DDLs here.", "COMMIT;"]
    else:
        header = [f"-- Verify {project}:{name} on {engine}"]
        body = ["BEGIN;", "-- XXX Add verifications here.", "ROLLBACK;"]
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"


def write_script_templates(
    top_dir: str | os.PathLike[str],
    project: str,
    name: str,
    requires: Sequence[str] = (),
    conflicts: Sequence[str] = (),
    *,
    engine: str = "pg",
    extension: str = "sql",
) -> list[Path]:
    """Create deploy/revert/verify scripts for a new change as `sqitch add` does.

    Existing files are left alone (Sqitch's "Skipped ...: already exists"); returns the
    paths created. `requires`/`conflicts` are listed as given (conflicts without `!`).
    """
    created = []
    *dirs, base = name.split("/")
    for kind in SCRIPT_KINDS:
        path = Path(top_dir).joinpath(kind, *dirs, f"{base}.{extension}")
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _script_template(kind, project, name, engine, requires, conflicts)
        path.write_bytes(text.encode("utf-8"))
        created.append(path)
    return created


# --- identity --------------------------------------------------------------


def _command_output(*args: str) -> str | None:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    value = result.stdout.strip()
    return value if result.returncode == 0 and value else None


def _sqitch_user_config(key: str) -> str | None:
    """`key` from Sqitch's user config (~/.sqitch/sqitch.conf, git-config syntax)."""
    config = os.environ.get("SQITCH_USER_CONFIG") or os.path.expanduser("~/.sqitch/sqitch.conf")
    if not os.path.isfile(config):
        return None
    return _command_output("git", "config", "--file", config, "--get", key)


def _system_user() -> str | None:
    try:
        return os.getlogin()
    except OSError:
        pass
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("LOGNAME") or os.environ.get("USER") or os.environ.get("USERNAME")


def _full_name(user: str) -> str:
    try:
        import pwd

        gecos = pwd.getpwnam(user).pw_gecos.split(",")[0]
    except (ImportError, KeyError):
        return user
    return gecos or user


def default_identity() -> tuple[str, str]:
    """(name, email) for planner/committer, chosen in Sqitch's order.

    SQITCH_FULLNAME / SQITCH_EMAIL, then Sqitch's user config `user.name`/`user.email`,
    then SQITCH_ORIG_FULLNAME / SQITCH_ORIG_EMAIL, then `git config user.*`, then the
    OS account's full name and `<user>@<hostname>`.
    """
    name = (
        os.environ.get("SQITCH_FULLNAME")
        or _sqitch_user_config("user.name")
        or os.environ.get("SQITCH_ORIG_FULLNAME")
        or _command_output("git", "config", "user.name")
    )
    email = (
        os.environ.get("SQITCH_EMAIL")
        or _sqitch_user_config("user.email")
        or os.environ.get("SQITCH_ORIG_EMAIL")
        or _command_output("git", "config", "user.email")
    )
    if not name or not email:
        user = _system_user() or "unknown"
        name = name or _full_name(user)
        email = email or f"{user}@{socket.gethostname()}"
    return name, email
