"""The repeatables: db/functions, db/policies and the reference data, rebuilt on every migrate.

The repeatables own a layer of the database: every function, procedure,
view, trigger and policy in the Pulse schemas. Each migrate drops that layer
and runs the files again, in path order, all in one transaction, so an
upgraded database holds exactly what the source defines, as a fresh one
does: a function deleted or renamed in the source, an old overload, a view
column or trigger no longer written is gone after the next migrate.

Functions that migration objects need (a column default, a CHECK, an index
expression, a domain), and anything they in turn need, are not part of the
layer: they stay, and the migrations that made them change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from pulse import console
from pulse.errors import PulseError
from pulse.scripts import run_script

SCHEMAS = ("app", "app_private", "auth", "audit")
FOLDERS = ("functions", "policies", "seeds/reference")

# The layer as (kind, identity, drop statement), in drop order. Candidates are
# the routines, views, triggers and policies of the Pulse schemas that no
# extension owns. pg_depend decides which stay: a candidate stays when an
# object outside the candidates (a column default, a constraint, an index, a
# type) depends on it, or a candidate that stays does. An object's internal
# parts (a view's row type and rewrite rule) and its clones (a trigger on a
# partitioned table, cloned to each partition) count as the object itself.
# CASCADE then reaches only objects of the layer.
LAYER_QUERY = """
WITH RECURSIVE
schemas AS (
  SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ANY (%(schemas)s)
),
candidate (classid, objid, kind, identity, statement, drop_order) AS (
  SELECT 'pg_catalog.pg_policy'::regclass, pol.oid, 'policy',
         format('%%I ON %%I.%%I', pol.polname, n.nspname, c.relname),
         format('DROP POLICY %%I ON %%I.%%I', pol.polname, n.nspname, c.relname), 1
    FROM pg_catalog.pg_policy AS pol
    JOIN pg_catalog.pg_class AS c ON c.oid = pol.polrelid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
   WHERE n.oid IN (SELECT oid FROM schemas)
  UNION ALL
  SELECT 'pg_catalog.pg_trigger'::regclass, t.oid, 'trigger',
         format('%%I ON %%I.%%I', t.tgname, n.nspname, c.relname),
         format('DROP TRIGGER %%I ON %%I.%%I', t.tgname, n.nspname, c.relname), 2
    FROM pg_catalog.pg_trigger AS t
    JOIN pg_catalog.pg_class AS c ON c.oid = t.tgrelid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
   WHERE n.oid IN (SELECT oid FROM schemas) AND NOT t.tgisinternal AND t.tgparentid = 0
  UNION ALL
  SELECT 'pg_catalog.pg_class'::regclass, c.oid, 'view',
         format('%%I.%%I', n.nspname, c.relname),
         format('DROP %%s IF EXISTS %%I.%%I CASCADE',
                CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, n.nspname, c.relname), 3
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
   WHERE n.oid IN (SELECT oid FROM schemas) AND c.relkind IN ('v', 'm')
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS e
                      WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
  UNION ALL
  SELECT 'pg_catalog.pg_proc'::regclass, p.oid, 'routine',
         format('%%I.%%I(%%s)', n.nspname, p.proname, pg_catalog.oidvectortypes(p.proargtypes)),
         format('DROP ROUTINE IF EXISTS %%I.%%I(%%s) CASCADE', n.nspname, p.proname,
                pg_catalog.oidvectortypes(p.proargtypes)), 4
    FROM pg_catalog.pg_proc AS p
    JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
   WHERE n.oid IN (SELECT oid FROM schemas)
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS e
                      WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
),
part (classid, objid, owner_classid, owner_objid) AS (
  SELECT classid, objid, classid, objid FROM candidate
  UNION
  SELECT d.classid, d.objid, part.owner_classid, part.owner_objid
    FROM pg_catalog.pg_depend AS d
    JOIN part ON d.refclassid = part.classid AND d.refobjid = part.objid
   WHERE d.deptype IN ('i', 'P')
),
dependent (classid, objid, dependent_classid, dependent_objid) AS (
  SELECT DISTINCT target.owner_classid, target.owner_objid, source.owner_classid, source.owner_objid
    FROM pg_catalog.pg_depend AS d
    JOIN part AS target ON d.refclassid = target.classid AND d.refobjid = target.objid
    LEFT JOIN part AS source ON d.classid = source.classid AND d.objid = source.objid
   WHERE d.deptype IN ('n', 'a')
     AND (source.owner_objid IS NULL
          OR (source.owner_classid, source.owner_objid) <> (target.owner_classid, target.owner_objid))
),
kept (classid, objid) AS (
  SELECT classid, objid FROM dependent WHERE dependent_objid IS NULL
  UNION
  SELECT dependent.classid, dependent.objid
    FROM dependent JOIN kept ON (kept.classid, kept.objid) = (dependent.dependent_classid, dependent.dependent_objid)
)
SELECT kind, identity, statement
  FROM candidate
 WHERE (classid, objid) NOT IN (SELECT classid, objid FROM kept)
 ORDER BY drop_order, identity
"""


@dataclass(frozen=True)
class LayerObject:
    kind: str  # routine, view, trigger or policy
    identity: str  # app.entity_timeline(text, text), _100_audit ON app.users, ...
    statement: str  # the DROP that removes it


def files(db: Path) -> list[Path]:
    """The repeatable files in the order they run: functions, then policies, then reference data."""
    return [path for folder in FOLDERS for path in sorted((db / folder).rglob("*.sql"))]


def layer(conn: psycopg.Connection) -> list[LayerObject]:
    """What the repeatables own in this database now."""
    return [LayerObject(*row) for row in conn.execute(LAYER_QUERY, {"schemas": list(SCHEMAS)})]


def drop_layer(conn: psycopg.Connection) -> list[LayerObject]:
    """Drop the layer (in the caller's transaction); returns what was dropped."""
    objects = layer(conn)
    if objects:
        try:
            conn.execute(";\n".join(item.statement for item in objects))
        except psycopg.Error as error:
            raise PulseError(f"cannot drop the repeatable layer: ERROR {error.diag.sqlstate}: "
                             f"{error.diag.message_primary}") from error
    return objects


def apply(conn: psycopg.Connection, db: Path, root: Path) -> list[LayerObject]:
    """Rebuild the layer from the files in one transaction; returns the objects the source no longer defines.

    PostgREST reloads its schema cache when the transaction commits.
    """
    paths = files(db)
    with console.step(f"apply {len(paths)} repeatable files (functions, policies, reference data)"):
        with conn.transaction():
            dropped = drop_layer(conn)
            for path in paths:
                run_script(conn, path, root)
            defined = {item.identity for item in layer(conn)}
            conn.execute("NOTIFY pgrst, 'reload schema'")
    removed = [item for item in dropped if item.identity not in defined]
    for item in removed:
        console.info(f"removed (no longer in the source): {item.kind} {item.identity}")
    return removed
