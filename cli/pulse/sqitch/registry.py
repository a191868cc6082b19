"""The Sqitch registry (version 1.1) in PostgreSQL, written row for row as Sqitch 1.3 does.

Tables and columns mirror App/Sqitch/Engine/pg.sql; the rows mirror
App::Sqitch::Role::DBIEngine and App::Sqitch::Engine::pg (`register_project`,
`log_deploy_change`, `log_new_tags`, `log_revert_change`, `log_fail_change`).
No function here commits: the caller owns the transaction, so a deploy script
and its registry rows commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from .plan import Change, Dependency, Plan, default_identity, uri_as_string

__all__ = [
    "DEFAULT_REGISTRY",
    "REGISTRY_VERSION",
    "DeployedChange",
    "RegistryError",
    "check_dependencies",
    "default_identity",
    "deployed_changes",
    "ensure_registry",
    "lock_changes",
    "lock_destination",
    "record_deploy",
    "record_fail",
    "record_new_tags",
    "record_revert",
    "registry_exists",
    "registry_version",
    "unlock_destination",
]

DEFAULT_REGISTRY = "sqitch"
REGISTRY_VERSION = 1.1
DESTINATION_LOCK_KEY = 75474063


class RegistryError(Exception):
    """The registry cannot take the requested rows (unmet dependency, URI clash, old version)."""


@dataclass(frozen=True)
class DeployedChange:
    """One row of the registry's `changes` table, with the tags applied to it."""

    change_id: str
    name: str
    project: str
    script_hash: str | None
    note: str
    committed_at: datetime
    committer_name: str
    committer_email: str
    planned_at: datetime
    planner_name: str
    planner_email: str
    tags: tuple[str, ...] = ()


def _table(registry: str, name: str) -> sql.Identifier:
    return sql.Identifier(registry, name)


def _run(
    conn: psycopg.Connection, query: str, registry: str, params: Sequence[Any] | None = None
) -> psycopg.Cursor:
    """Execute `query` with `{changes}`-style placeholders bound to the registry's tables."""
    names = ("releases", "projects", "changes", "tags", "dependencies", "events")
    composed = sql.SQL(query).format(
        schema=sql.Identifier(registry), **{name: _table(registry, name) for name in names}
    )
    return conn.execute(composed, params)


# --- schema ----------------------------------------------------------------

_DDL = """
CREATE SCHEMA IF NOT EXISTS {schema};

CREATE TABLE {releases} (
    version         REAL        PRIMARY KEY,
    installed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    installer_name  TEXT        NOT NULL,
    installer_email TEXT        NOT NULL
);

CREATE TABLE {projects} (
    project         TEXT        PRIMARY KEY,
    uri             TEXT            NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    creator_name    TEXT        NOT NULL,
    creator_email   TEXT        NOT NULL
);

CREATE TABLE {changes} (
    change_id       TEXT        PRIMARY KEY,
    script_hash     TEXT            NULL,
    change          TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES {projects}(project) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    UNIQUE(project, script_hash)
);

CREATE TABLE {tags} (
    tag_id          TEXT        PRIMARY KEY,
    tag             TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES {projects}(project) ON UPDATE CASCADE,
    change_id       TEXT        NOT NULL REFERENCES {changes}(change_id) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    UNIQUE(project, tag)
);

CREATE TABLE {dependencies} (
    change_id       TEXT        NOT NULL REFERENCES {changes}(change_id)
                                ON UPDATE CASCADE ON DELETE CASCADE,
    type            TEXT        NOT NULL,
    dependency      TEXT        NOT NULL,
    dependency_id   TEXT            NULL REFERENCES {changes}(change_id) ON UPDATE CASCADE
                                CONSTRAINT dependencies_check CHECK (
                                       (type = 'require'  AND dependency_id IS NOT NULL)
                                    OR (type = 'conflict' AND dependency_id IS NULL)
                                ),
    PRIMARY KEY (change_id, dependency)
);

CREATE TABLE {events} (
    event           TEXT        NOT NULL CONSTRAINT events_event_check CHECK (
                                    event IN ('deploy', 'revert', 'fail', 'merge')
                                ),
    change_id       TEXT        NOT NULL,
    change          TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES {projects}(project) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '',
    requires        TEXT[]      NOT NULL DEFAULT '{{}}',
    conflicts       TEXT[]      NOT NULL DEFAULT '{{}}',
    tags            TEXT[]      NOT NULL DEFAULT '{{}}',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    PRIMARY KEY (change_id, committed_at)
);
"""

_SCHEMA_COMMENT = "Sqitch database deployment metadata v1.1."
_COMMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "releases": (
        "Sqitch registry releases.",
        {
            "version": "Version of the Sqitch registry.",
            "installed_at": "When this registry release was installed.",
            "installer_name": "Name of the user who installed this registry release.",
            "installer_email": "Email address of the user who installed this registry release.",
        },
    ),
    "projects": (
        "Sqitch projects deployed to this database.",
        {
            "project": "Unique name of a project.",
            "uri": "Optional project URI.",
            "created_at": "When the project was added to the database.",
            "creator_name": "Name of the user who added the project.",
            "creator_email": "Email address of the user who added the project.",
        },
    ),
    "changes": (
        "The changes currently deployed to the database.",
        {
            "change_id": "Change primary key.",
            "script_hash": "SHA-1 of the deploy script.",
            "change": "Name of a deployed change.",
            "project": "Project the change belongs to.",
            "note": "Description of the change.",
            "committed_at": "When the change was deployed.",
            "committer_name": "Name of the user who deployed the change.",
            "committer_email": "Email address of the user who deployed the change.",
            "planned_at": "When the change was added to the plan.",
            "planner_name": "Name of the user who planned the change.",
            "planner_email": "Email address of the user who planned the change.",
        },
    ),
    "tags": (
        "The tags currently applied to the database.",
        {
            "tag_id": "Tag primary key.",
            "tag": "Project-unique tag name.",
            "project": "Project the tag belongs to.",
            "change_id": "Last change deployed before the tag was applied.",
            "note": "Description of the tag.",
            "committed_at": "When the tag was applied to the database.",
            "committer_name": "Name of the user who applied the tag.",
            "committer_email": "Email address of the user who applied the tag.",
            "planned_at": "When the tag was added to the plan.",
            "planner_name": "Name of the user who planned the tag.",
            "planner_email": "Email address of the user who planned the tag.",
        },
    ),
    "dependencies": (
        "The currently satisfied dependencies.",
        {
            "change_id": "The depending change.",
            "type": "Type of dependency: require or conflict.",
            "dependency": "Dependency name.",
            "dependency_id": "Change the dependency resolves to.",
        },
    ),
    "events": (
        "Full history of all deployment events.",
        {
            "event": "Type of event.",
            "change_id": "Change id.",
            "change": "Change name.",
            "project": "Project the change belongs to.",
            "note": "Description of the change.",
            "requires": "Names of required changes.",
            "conflicts": "Names of conflicting changes.",
            "tags": "Tags associated with the change.",
            "committed_at": "When the event was committed.",
            "committer_name": "Name of the user who committed the event.",
            "committer_email": "Email address of the user who committed the event.",
            "planned_at": "When the change was added to the plan.",
            "planner_name": "Name of the user who planned the change.",
            "planner_email": "Email address of the user who planned the change.",
        },
    ),
}


def _comment_statements(registry: str) -> list[sql.Composed]:
    statements = [
        sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
            sql.Identifier(registry), sql.Literal(_SCHEMA_COMMENT)
        )
    ]
    for table, (table_comment, columns) in _COMMENTS.items():
        statements.append(
            sql.SQL("COMMENT ON TABLE {} IS {}").format(
                _table(registry, table), sql.Literal(table_comment)
            )
        )
        statements += [
            sql.SQL("COMMENT ON COLUMN {} IS {}").format(
                sql.Identifier(registry, table, column), sql.Literal(text)
            )
            for column, text in columns.items()
        ]
    return statements


def registry_exists(conn: psycopg.Connection, registry: str = DEFAULT_REGISTRY) -> bool:
    """Whether the registry's `changes` table exists (Sqitch's `initialized`)."""
    row = conn.execute(
        "SELECT EXISTS(SELECT TRUE FROM pg_catalog.pg_tables"
        " WHERE schemaname = %s AND tablename = 'changes')",
        (registry,),
    ).fetchone()
    return bool(row and row[0])


def registry_version(conn: psycopg.Connection, registry: str = DEFAULT_REGISTRY) -> float | None:
    """Highest `releases.version`, or None when there is no registry."""
    if not registry_exists(conn, registry):
        return None
    row = _run(conn, "SELECT MAX(version)::TEXT FROM {releases}", registry).fetchone()
    return float(row[0]) if row and row[0] is not None else None


def ensure_registry(
    conn: psycopg.Connection,
    plan: Plan,
    committer_name: str,
    committer_email: str,
    registry: str = DEFAULT_REGISTRY,
) -> None:
    """Create the registry (schema, tables, release 1.1 row) if absent and register the project.

    Raises RegistryError if an existing registry is not at version 1.1 or the project
    is registered with another URI.
    """
    if not registry_exists(conn, registry):
        _run(conn, _DDL, registry)
        for statement in _comment_statements(registry):
            conn.execute(statement)
        _run(
            conn,
            "INSERT INTO {releases} (version, installed_at, installer_name, installer_email)"
            " VALUES (%s, clock_timestamp(), %s, %s)",
            registry,
            (REGISTRY_VERSION, committer_name, committer_email),
        )
    else:
        version = registry_version(conn, registry)
        if version is None or abs(version - REGISTRY_VERSION) > 1e-6:
            raise RegistryError(
                f"Registry {registry} is at version {version} but {REGISTRY_VERSION} is "
                'required; run "sqitch upgrade" first'
            )
    register_project(conn, plan, committer_name, committer_email, registry)


def register_project(
    conn: psycopg.Connection,
    plan: Plan,
    committer_name: str,
    committer_email: str,
    registry: str = DEFAULT_REGISTRY,
) -> None:
    """Insert the `projects` row unless present, refusing URI clashes as Sqitch does."""
    uri = uri_as_string(plan.uri) if plan.uri else None
    row = _run(
        conn, "SELECT uri FROM {projects} WHERE project = %s", registry, (plan.project,)
    ).fetchone()
    if row is not None:
        registered = row[0]
        if registered != uri:
            raise RegistryError(
                f'Cannot register "{plan.project}" with URI {uri or "NULL"}: '
                f"already exists with URI {registered or 'NULL'}"
            )
        return
    if uri is not None:
        other = _run(
            conn, "SELECT project FROM {projects} WHERE uri = %s", registry, (uri,)
        ).fetchone()
        if other is not None:
            raise RegistryError(
                f'Cannot register "{plan.project}" with URI {uri}: '
                f'project "{other[0]}" already using that URI'
            )
    _run(
        conn,
        "INSERT INTO {projects} (project, uri, creator_name, creator_email, created_at)"
        " VALUES (%s, %s, %s, %s, clock_timestamp())",
        registry,
        (plan.project, uri, committer_name, committer_email),
    )


# --- locking ---------------------------------------------------------------


def lock_destination(conn: psycopg.Connection) -> None:
    """Take the session advisory lock Sqitch holds while working on a database (waits)."""
    conn.execute("SELECT pg_advisory_lock(%s)", (DESTINATION_LOCK_KEY,))


def unlock_destination(conn: psycopg.Connection) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s)", (DESTINATION_LOCK_KEY,))


def lock_changes(conn: psycopg.Connection, registry: str = DEFAULT_REGISTRY) -> None:
    """`LOCK TABLE changes IN EXCLUSIVE MODE`, which Sqitch takes at the start of each change."""
    _run(conn, "LOCK TABLE {changes} IN EXCLUSIVE MODE", registry)


# --- reading ---------------------------------------------------------------


def deployed_changes(
    conn: psycopg.Connection, project: str, registry: str = DEFAULT_REGISTRY
) -> list[DeployedChange]:
    """The project's deployed changes in deploy order (oldest first); [] without a registry."""
    if not registry_exists(conn, registry):
        return []
    rows = _run(
        conn,
        """
        SELECT c.change_id, c.change, c.project, c.script_hash, c.note,
               c.committed_at, c.committer_name, c.committer_email,
               c.planned_at, c.planner_name, c.planner_email,
               array_remove(array_agg(t.tag ORDER BY t.tag), NULL)
          FROM {changes} c
          LEFT JOIN {tags} t ON c.change_id = t.change_id
         WHERE c.project = %s
         GROUP BY c.change_id
         ORDER BY c.committed_at ASC
        """,
        registry,
        (project,),
    ).fetchall()
    # row[:11] fills the eleven columns before `tags`; mypy cannot count a slice of a row.
    return [DeployedChange(*row[:11], tags=tuple(row[11])) for row in rows]  # type: ignore[misc]


def _change_id_for(
    conn: psycopg.Connection,
    registry: str,
    project: str | None,
    change: str | None = None,
    tag: str | None = None,
    change_id: str | None = None,
) -> str | None:
    """Deployed change id for an id, `change`, `change@tag` or `@tag`.

    Mirrors DBIEngine `change_id_for` with `first`: a bare name means its earliest deploy.
    """
    params: tuple[str | None, ...]
    if change_id:
        query, params = "SELECT change_id FROM {changes} WHERE change_id = %s", (change_id,)
    elif change and tag == "ROOT":
        return None
    elif change and tag == "HEAD":
        query = (
            "SELECT change_id FROM {changes} WHERE project = %s AND change = %s"
            " ORDER BY committed_at DESC LIMIT 1"
        )
        params = (project, change)
    elif change and tag:
        query = """
            SELECT c.change_id FROM {changes} c
              JOIN {tags} t ON c.committed_at <= t.committed_at AND c.project = t.project
             WHERE c.project = %s AND c.change = %s AND t.tag = %s
             ORDER BY c.committed_at DESC LIMIT 1"""
        params = (project, change, f"@{tag}")
    elif change:
        query = (
            "SELECT change_id FROM {changes} WHERE project = %s AND change = %s"
            " ORDER BY committed_at ASC LIMIT 1"
        )
        params = (project, change)
    elif tag in ("HEAD", "ROOT"):
        order = "DESC" if tag == "HEAD" else "ASC"
        query = (
            "SELECT change_id FROM {changes} WHERE project = %s"
            f" ORDER BY committed_at {order} LIMIT 1"
        )
        params = (project,)
    elif tag:
        query, params = (
            "SELECT change_id FROM {tags} WHERE project = %s AND tag = %s",
            (project, f"@{tag}"),
        )
    else:
        return None
    row = _run(conn, query, registry, params).fetchone()
    return row[0] if row else None


def _deployed_id_for(
    conn: psycopg.Connection, plan: Plan, dep: Dependency, registry: str
) -> str | None:
    """The deployed change a dependency names, as Engine `change_id_for_depend` finds it."""
    if dep.change_id:
        return _change_id_for(conn, registry, dep.project, change_id=dep.change_id)
    if not dep.is_external and plan.contains(dep.key_name):
        return _change_id_for(conn, registry, dep.project, change_id=plan.find(dep.key_name).id)
    return _change_id_for(conn, registry, dep.project, change=dep.change, tag=dep.tag)


def check_dependencies(
    conn: psycopg.Connection, plan: Plan, change: Change, registry: str = DEFAULT_REGISTRY
) -> dict[str, str]:
    """Resolve the change's requires to deployed change ids; refuse deployed conflicts.

    Returns {dependency as written in the registry: change id}. Raises RegistryError
    with Sqitch's wording ("Missing required change", "Conflicts with previously
    deployed change") when the deploy must not happen.
    """
    resolved: dict[str, str] = {}
    missing: list[str] = []
    for dep in change.requires:
        found = _deployed_id_for(conn, plan, dep, registry)
        if found is None:
            missing.append(dep.as_string())
        else:
            resolved[dep.as_string()] = found
    clashing = [
        dep.as_string() for dep in change.conflicts if _deployed_id_for(conn, plan, dep, registry)
    ]
    messages = []
    if clashing:
        noun = "change" if len(clashing) == 1 else "changes"
        messages.append(
            f"Conflicts with previously deployed {noun}: {' '.join(dict.fromkeys(clashing))}"
        )
    if missing:
        noun = "change" if len(missing) == 1 else "changes"
        messages.append(f"Missing required {noun}: {' '.join(dict.fromkeys(missing))}")
    if messages:
        raise RegistryError("\n".join(messages))
    return resolved


# --- writing ---------------------------------------------------------------

_EVENT_INSERT = """
    INSERT INTO {events} (
        event, change_id, change, project, note, tags, requires, conflicts,
        committer_name, committer_email, planned_at, planner_name, planner_email,
        committed_at
    ) VALUES (%s, %s, %s, %s, %s, %s::text[], %s::text[], %s::text[],
              %s, %s, %s, %s, %s, clock_timestamp())
"""


def _log_event(
    conn: psycopg.Connection,
    registry: str,
    event: str,
    change_id: str,
    name: str,
    project: str,
    note: str,
    tags: list[str],
    requires: list[str],
    conflicts: list[str],
    committer: tuple[str, str],
    planned_at: datetime,
    planner: tuple[str, str],
) -> None:
    _run(
        conn,
        _EVENT_INSERT,
        registry,
        (
            event,
            change_id,
            name,
            project,
            note,
            tags,
            requires,
            conflicts,
            *committer,
            planned_at,
            *planner,
        ),
    )


def _log_plan_event(
    conn: psycopg.Connection, registry: str, event: str, change: Change, committer: tuple[str, str]
) -> None:
    """An event whose tags/requires/conflicts come from the plan (deploy and fail)."""
    _log_event(
        conn,
        registry,
        event,
        change.id,
        change.name,
        change.project,
        change.note,
        [tag.format_name for tag in change.tags],
        [dep.as_string() for dep in change.requires],
        [dep.as_string() for dep in change.conflicts],
        committer,
        change.planned_at,
        (change.planner_name, change.planner_email),
    )


def _insert_tags(
    conn: psycopg.Connection,
    registry: str,
    change: Change,
    committer: tuple[str, str],
    only_new: bool,
) -> None:
    skip_existing = " ON CONFLICT (tag_id) DO NOTHING" if only_new else ""
    for tag in change.tags:
        _run(
            conn,
            "INSERT INTO {tags} (tag_id, tag, project, change_id, note, committer_name,"
            " committer_email, planned_at, planner_name, planner_email, committed_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, clock_timestamp())" + skip_existing,
            registry,
            (
                tag.id,
                tag.format_name,
                change.project,
                change.id,
                tag.note,
                *committer,
                tag.planned_at,
                tag.planner_name,
                tag.planner_email,
            ),
        )


def record_deploy(
    conn: psycopg.Connection,
    plan: Plan,
    change: Change,
    script_hash: str | None,
    committer_name: str,
    committer_email: str,
    registry: str = DEFAULT_REGISTRY,
) -> None:
    """Write the `changes`, `dependencies`, `tags` and 'deploy' `events` rows of a deployed change.

    Requires resolve to deployed change ids (RegistryError if one is missing or a
    conflict is deployed); conflicts are stored with a NULL dependency_id; tags are
    stored as `@name` and listed in the event, requires/conflicts by name.
    """
    if _change_id_for(conn, registry, change.project, change_id=change.id) is not None:
        raise RegistryError(
            f'Change "{change.format_name_with_tags}" has already been deployed ({change.id})'
        )
    resolved = check_dependencies(conn, plan, change, registry)
    committer = (committer_name, committer_email)
    _run(
        conn,
        "INSERT INTO {changes} (change_id, script_hash, change, project, note, committer_name,"
        " committer_email, planned_at, planner_name, planner_email, committed_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, clock_timestamp())",
        registry,
        (
            change.id,
            script_hash,
            change.name,
            change.project,
            change.note,
            *committer,
            change.planned_at,
            change.planner_name,
            change.planner_email,
        ),
    )
    for dep in change.dependencies:
        _run(
            conn,
            "INSERT INTO {dependencies} (change_id, type, dependency, dependency_id)"
            " VALUES (%s, %s, %s, %s)",
            registry,
            (
                change.id,
                dep.type,
                dep.as_string(),
                None if dep.conflicts else resolved[dep.as_string()],
            ),
        )
    _insert_tags(conn, registry, change, committer, only_new=False)
    _log_plan_event(conn, registry, "deploy", change, committer)


def record_new_tags(
    conn: psycopg.Connection,
    plan: Plan,
    change: Change,
    committer_name: str,
    committer_email: str,
    registry: str = DEFAULT_REGISTRY,
) -> None:
    """Add `tags` rows for tags planned after `change` was deployed (pg `log_new_tags`)."""
    if _change_id_for(conn, registry, change.project, change_id=change.id) is None:
        raise RegistryError(f'Change not deployed: "{change.tag_qualified_name}" ({change.id})')
    _insert_tags(conn, registry, change, (committer_name, committer_email), only_new=True)


def record_revert(
    conn: psycopg.Connection,
    plan: Plan,
    change: Change,
    committer_name: str,
    committer_email: str,
    registry: str = DEFAULT_REGISTRY,
) -> None:
    """Delete a change's `tags`, `dependencies` and `changes` rows and write the 'revert' event.

    As in pg `log_revert_change`, the event lists the tags and dependencies that were
    deleted, and the change's note/planner/planned_at as the registry held them.
    Raises RegistryError if the change is not deployed or other deployed changes
    still require it.
    """
    requiring = _run(
        conn,
        "SELECT c.project, c.change FROM {dependencies} d"
        " JOIN {changes} c ON c.change_id = d.change_id"
        " WHERE d.dependency_id = %s AND d.change_id <> %s ORDER BY c.committed_at",
        registry,
        (change.id, change.id),
    ).fetchall()
    if requiring:
        names = " ".join(
            name if proj == plan.project else f"{proj}:{name}" for proj, name in requiring
        )
        raise RegistryError(
            f'Change "{change.format_name_with_tags}" required by currently deployed '
            f"changes: {names}"
        )
    tags = [
        row[0]
        for row in _run(
            conn, "DELETE FROM {tags} WHERE change_id = %s RETURNING tag", registry, (change.id,)
        ).fetchall()
    ]
    dependencies = _run(
        conn,
        "SELECT ARRAY(SELECT dependency FROM {dependencies}"
        "              WHERE change_id = %s AND type = 'require'),"
        "       ARRAY(SELECT dependency FROM {dependencies}"
        "              WHERE change_id = %s AND type = 'conflict')",
        registry,
        (change.id, change.id),
    ).fetchone()
    assert dependencies is not None  # a SELECT without FROM returns one row
    requires, conflicts = dependencies
    row = _run(
        conn,
        "DELETE FROM {changes} WHERE change_id = %s"
        " RETURNING change, project, note, planned_at, planner_name, planner_email",
        registry,
        (change.id,),
    ).fetchone()
    if row is None:
        raise RegistryError(f'Change not deployed: "{change.tag_qualified_name}" ({change.id})')
    name, project, note, planned_at, planner_name, planner_email = row
    _log_event(
        conn,
        registry,
        "revert",
        change.id,
        name,
        project,
        note,
        tags,
        list(requires),
        list(conflicts),
        (committer_name, committer_email),
        planned_at,
        (planner_name, planner_email),
    )


def record_fail(
    conn: psycopg.Connection,
    plan: Plan,
    change: Change,
    committer_name: str,
    committer_email: str,
    registry: str = DEFAULT_REGISTRY,
) -> None:
    """Write the 'fail' event of a change whose deploy was rolled back (`log_fail_change`)."""
    _log_plan_event(conn, registry, "fail", change, (committer_name, committer_email))
