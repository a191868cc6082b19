"""Contract snapshots: PostgREST's OpenAPI, PostGraphile's SDL and the database schema, normalized.

All three are generated from the database itself, so `contracts check` needs
no running stack: it starts a private PostgREST on a free port for the OpenAPI
document, prints the GraphQL schema with config/print-schema.mjs, and reads
the catalog for contracts/database.json.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pulse import stack
from pulse.cluster import free_port
from pulse.config import Settings
from pulse.database import connection
from pulse.errors import PulseError

OPENAPI = Path("contracts/openapi.json")
GRAPHQL = Path("contracts/schema.graphql")
DATABASE = Path("contracts/database.json")
REST_TYPES = Path("contracts/clients/rest.ts")
GRAPHQL_TYPES = Path("contracts/clients/graphql.ts")


@dataclass(frozen=True)
class Contracts:
    openapi: str
    graphql: str
    database: str
    rest_types: str
    graphql_types: str

    def files(self) -> dict[Path, str]:
        return {OPENAPI: self.openapi, GRAPHQL: self.graphql, DATABASE: self.database,
                REST_TYPES: self.rest_types, GRAPHQL_TYPES: self.graphql_types}


def _grants(acl: str, owner: str) -> str:
    """SQL for {role: [privileges]} from an aclitem[] expression, leaving out the owner's own rights."""
    return ("(select coalesce(jsonb_object_agg(g.grantee, g.privileges), '{}') from ("
            "select case x.grantee when 0 then 'public' else x.grantee::regrole::text end as grantee, "
            "jsonb_agg(lower(x.privilege_type) || case when x.is_grantable then ' with grant option' else '' end "
            "order by x.privilege_type) as privileges "
            f"from aclexplode({acl}) x where x.grantee <> {owner} group by 1) g)")


# Every schema object outside the catalog, Sqitch's registry, the pgTAP helpers
# and extensions: one row (kind, qualified name, normalized definition) each.
# Function bodies are left out (db/functions is their source); signatures,
# volatility, security and grants are the contract. Partitions are left out
# too: pg_partman makes them by date (their parent and its triggers are the
# contract), and so are the clones of a foreign key into a partitioned table.
CATALOG_QUERY = r"""
with schemas as (
  select n.oid, n.nspname from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'sqitch', 'tests')
     and n.nspname not like 'pg\_%'
     and not exists (select from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')
),
members as (
  select objid, classid from pg_depend where deptype = 'e'
),
partitions as (
  select oid from pg_class where relispartition
),
objects(kind, name, definition) as (
  select 'schema', s.nspname::text, jsonb_build_object('grants', {acl_schema})
    from schemas s join pg_namespace n on n.oid = s.oid
  union all
  select 'relation', format('%s.%s', s.nspname, c.relname), jsonb_strip_nulls(jsonb_build_object(
           'kind', case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view'
                                  when 'm' then 'materialized view' when 'f' then 'foreign table'
                                  when 'S' then 'sequence' end,
           'row_security', case when c.relkind in ('r', 'p') then c.relrowsecurity end,
           'force_row_security', case when c.relkind in ('r', 'p') then c.relforcerowsecurity end,
           'options', to_jsonb(c.reloptions),
           'definition', case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end,
           'grants', {acl_relation}))
    from pg_class c join schemas s on s.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and c.oid not in (select oid from partitions)
     and not exists (select from members m where m.classid = 'pg_class'::regclass and m.objid = c.oid)
  union all
  select 'column', format('%s.%s.%s', s.nspname, c.relname, a.attname), jsonb_strip_nulls(jsonb_build_object(
           'type', format_type(a.atttypid, a.atttypmod),
           'not_null', a.attnotnull,
           'default', pg_get_expr(ad.adbin, ad.adrelid),
           'generated', nullif(a.attgenerated, ''),
           'identity', nullif(a.attidentity, ''),
           'grants', nullif({acl_column}, '{{}}')))
    from pg_attribute a join pg_class c on c.oid = a.attrelid join schemas s on s.oid = c.relnamespace
    left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
   where c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
     and c.oid not in (select oid from partitions)
     and not exists (select from members m where m.classid = 'pg_class'::regclass and m.objid = c.oid)
  union all
  select 'constraint', format('%s.%s.%s', s.nspname, coalesce(c.relname, t.typname), k.conname), jsonb_build_object(
           'type', case k.contype when 'c' then 'check' when 'f' then 'foreign key' when 'p' then 'primary key'
                                  when 'u' then 'unique' when 'x' then 'exclusion' when 't' then 'trigger' end,
           'definition', pg_get_constraintdef(k.oid))
    from pg_constraint k join schemas s on s.oid = k.connamespace
    left join pg_class c on c.oid = k.conrelid left join pg_type t on t.oid = k.contypid
   where k.conrelid not in (select oid from partitions)
     -- a foreign key into a partitioned table: PostgreSQL clones it once per
     -- partition (conparentid names the key it stands for)
     and k.conparentid = 0
     and not exists (select from members m where m.classid = 'pg_class'::regclass and m.objid = k.conrelid)
  union all
  select 'index', format('%s.%s', s.nspname, i.relname), jsonb_build_object('definition', pg_get_indexdef(i.oid))
    from pg_index x join pg_class i on i.oid = x.indexrelid join schemas s on s.oid = i.relnamespace
   where not exists (select from members m where m.classid = 'pg_class'::regclass and m.objid = x.indrelid)
     and x.indrelid not in (select oid from partitions)
  union all
  select 'policy', format('%s.%s.%s', s.nspname, c.relname, p.polname), jsonb_strip_nulls(jsonb_build_object(
           'command', case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                                    when 'd' then 'delete' else 'all' end,
           'permissive', p.polpermissive,
           'roles', (select jsonb_agg(role order by role) from (
               select case r when 0 then 'public' else r::regrole::text end as role from unnest(p.polroles) r) roles),
           'using', pg_get_expr(p.polqual, p.polrelid),
           'check', pg_get_expr(p.polwithcheck, p.polrelid)))
    from pg_policy p join pg_class c on c.oid = p.polrelid join schemas s on s.oid = c.relnamespace
   where c.oid not in (select oid from partitions)
  union all
  select 'trigger', format('%s.%s.%s', s.nspname, c.relname, g.tgname), jsonb_strip_nulls(jsonb_build_object(
           'definition', pg_get_triggerdef(g.oid),
           'fires', case g.tgenabled when 'D' then 'never (disabled)' when 'R' then 'on replica only'
                                     when 'A' then 'always' end))
    from pg_trigger g join pg_class c on c.oid = g.tgrelid join schemas s on s.oid = c.relnamespace
   where not g.tgisinternal and c.oid not in (select oid from partitions)
  union all
  select 'function', p.oid::regprocedure::text, jsonb_strip_nulls(jsonb_build_object(
           'kind', case p.prokind when 'f' then 'function' when 'p' then 'procedure' when 'a' then 'aggregate' when 'w' then 'window' end,
           'arguments', pg_get_function_arguments(p.oid),
           'returns', pg_get_function_result(p.oid),
           'volatility', case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end,
           'strict', p.proisstrict,
           'security_definer', p.prosecdef,
           'config', to_jsonb(p.proconfig),
           'grants', {acl_function}))
    from pg_proc p join schemas s on s.oid = p.pronamespace
   where not exists (select from members m where m.classid = 'pg_proc'::regclass and m.objid = p.oid)
  union all
  select 'type', format('%s.%s', s.nspname, t.typname), jsonb_strip_nulls(jsonb_build_object(
           'enum', (select jsonb_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
           'domain', case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end,
           'not_null', case when t.typtype = 'd' then t.typnotnull end,
           'default', t.typdefault,
           'attributes', case when t.typtype = 'c' then (
               select jsonb_agg(jsonb_build_array(a.attname, format_type(a.atttypid, a.atttypmod)) order by a.attnum)
                 from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) end))
    from pg_type t join schemas s on s.oid = t.typnamespace
   where (t.typtype in ('e', 'd') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
     and not exists (select from members m where m.classid = 'pg_type'::regclass and m.objid = t.oid)
)
select kind, name, definition from objects order by kind, name
""".format(
    acl_schema=_grants("coalesce(n.nspacl, acldefault('n', n.nspowner))", "n.nspowner"),
    acl_relation=_grants("""coalesce(c.relacl, acldefault(case c.relkind when 'S' then 's' else 'r' end::"char", c.relowner))""",
                         "c.relowner"),
    acl_column=_grants("a.attacl", "c.relowner"),
    acl_function=_grants("coalesce(p.proacl, acldefault('f', p.proowner))", "p.proowner"),
)


def database_snapshot(settings: Settings) -> str:
    """The schema as JSON: {"exposed": [schemas served as the API], "objects": {"kind name": definition}}."""
    with connection(settings.database_url) as conn:
        conn.execute("set search_path = ''")  # every name in definitions comes out schema-qualified
        rows = conn.execute(CATALOG_QUERY).fetchall()
    document = {"exposed": [settings.schema], "objects": {f"{kind} {name}": definition for kind, name, definition in rows}}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def normalize_openapi(document: dict[str, Any]) -> str:
    """Sorted keys, fixed indentation, and no address of the server that produced it."""
    document.pop("host", None)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate(settings: Settings) -> Contracts:
    port = free_port()
    # The contract is the whole API, whatever an anonymous caller may see of it.
    private = settings.with_values(PULSE_REST_PORT=str(port), PULSE_SERVER_HOST="127.0.0.1",
                                   PULSE_OPENAPI_MODE="ignore-privileges")
    environment = {**os.environ, **private.server_environment()}
    server = next(s for s in stack.servers(private) if s.name == "postgrest")
    log = stack.log_folder(private) / "postgrest.log"
    with log.open("w") as output:
        process = subprocess.Popen(server.command, env=environment, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        stack.wait_until_ready(server, process, log)
        response = httpx.get(f"http://127.0.0.1:{port}/", headers={"Accept": "application/openapi+json"})
        response.raise_for_status()
        openapi = normalize_openapi(response.json())
    finally:
        stack.stop_pids({"postgrest": process.pid})
    printed = subprocess.run(
        [str(settings.root / "node_modules" / ".bin" / "node"), str(settings.root / "config" / "print-schema.mjs")],
        env=environment, capture_output=True, text=True, cwd=settings.root,
    )
    if printed.returncode != 0:
        lines = printed.stderr.strip().splitlines()
        raise PulseError(f"printing the GraphQL schema failed: {lines[-1] if lines else printed.returncode}")
    # PostGraphile drops one of two fields that want the same name and only logs it: a field would vanish.
    if conflict := next((line for line in printed.stderr.splitlines() if "naming conflict" in line), None):
        raise PulseError(f"the GraphQL schema has a naming conflict (name one side in config/postgraphile.tags.json5): "
                         f"{conflict.strip(' >…')}")
    types = client_types(settings, openapi, printed.stdout)
    return Contracts(openapi=openapi, graphql=printed.stdout, database=database_snapshot(settings),
                     rest_types=types["rest"], graphql_types=types["graphql"])


def client_types(settings: Settings, openapi: str, graphql: str) -> dict[str, str]:
    """TypeScript types for REST and GraphQL clients, generated from the two snapshots (config/client-types.mjs)."""
    generated = subprocess.run(
        [str(settings.root / "node_modules" / ".bin" / "node"), str(settings.root / "config" / "client-types.mjs")],
        input=json.dumps({"openapi": openapi, "graphql": graphql}), capture_output=True, text=True, cwd=settings.root,
    )
    if generated.returncode != 0:
        lines = generated.stderr.strip().splitlines()
        raise PulseError(f"generating the client types failed: {lines[-1] if lines else generated.returncode}")
    types: dict[str, str] = json.loads(generated.stdout)
    return types


def snapshot(settings: Settings) -> list[Path]:
    written = []
    for relative, text in generate(settings).files().items():
        path = settings.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(relative)
    return written


def drift(settings: Settings) -> str:
    """A unified diff of committed snapshots against freshly generated ones; empty when equal."""
    chunks: list[str] = []
    for relative, fresh in generate(settings).files().items():
        path = settings.root / relative
        committed = path.read_text() if path.exists() else ""
        chunks.extend(difflib.unified_diff(
            committed.splitlines(keepends=True), fresh.splitlines(keepends=True),
            fromfile=f"{relative} (committed)", tofile=f"{relative} (database)",
        ))
    return "".join(chunks)
