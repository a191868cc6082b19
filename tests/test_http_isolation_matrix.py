"""Cross-tenant matrix over HTTP, generated from the catalog and the GraphQL schema.

For every table and view in the exposed schema, through PostgREST and
through PostGraphile: tenant A's rows are never visible or writable to a
member of tenant B or to an anonymous caller, and neither can insert a row
into A, while a platform operator does see them (so the denials are about
A's rows, not empty tables).
Every function must have a case below: a new exposed object without one
fails the suite.
"""

from __future__ import annotations

import psycopg
import pytest
from graphql import build_schema, get_named_type

from helpers import ROOT, graphql, rest

pytestmark = pytest.mark.stack

PASSWORD = "pulse-demo-password"

# Tables and views without organization_id, and how A's rows are picked out in them.
GLOBAL_RELATIONS = {
    "organizations": "id",
    "users": "id",
    "sessions": "user_id",
    "permissions": None,  # the catalog: the same for everybody, read-only
}

# Functions: who may call them is their case; each is exercised by the suites named.
FUNCTION_CASES = {
    "health": "anonymous on purpose (test_stack)",
    "login": "anonymous on purpose (test_auth_http)",
    "refresh": "anonymous on purpose (test_auth_http)",
    "accept_invitation": "anonymous on purpose: only the holder of the emailed token (test_membership_rules.sql, test_auth_http)",
    "logout": "own session only (test_identity.sql)",
    "switch_organization": "membership required (test_identity.sql, test_auth_http)",
    "change_password": "own password only (test_identity.sql)",
    "set_user_password": "operators only (catalog grants)",
    "current_user_profile": "own row only",
    "accept_membership": "own invitation only (test_membership_rules.sql)",
    "add_member": "caller's tenant only; same answer for new and existing emails (test_membership_rules.sql, test_auth_http)",
    "set_direct_manager": "caller's tenant only (test_membership_rules.sql)",
    "create_role": "caller's tenant only (test_rbac.sql)",
    "set_role_permissions": "caller's tenant only (test_rbac.sql)",
    "delete_role": "caller's tenant only (test_rbac.sql)",
    "grant_role": "caller's tenant only: B's admin gets PT404 on A's memberships (test_rbac.sql)",
    "revoke_role": "caller's tenant only (test_rbac.sql)",
    "delete_organization": "operators only (test_tenant_lifecycle.sql)",
    "restore_organization": "operators only (test_tenant_lifecycle.sql)",
    "purge_organization": "operators only (test_tenant_lifecycle.sql)",
    "entity_timeline": "same visibility as activity_log (test_audit.sql)",
    "project_timeline": "same visibility as activity_log (test_workflow_acceptance.sql)",
    "my_approvals": "the caller's own open approvals in the caller's tenant",
    "mark_all_notifications_read": "the caller's own notifications only (test_approvals_documents.sql)",
    "escalate_overdue_approvals": "the caller's tenant only (test_workflow_acceptance.sql)",
}

# Functions that take the id of a tenant's row: called by B with A's ids over
# HTTP (test_functions_refuse_tenant_a_rows); {name} placeholders are A's ids.
ROW_FUNCTIONS = {
    "clone_workflow_definition": {"workflow_definition_id": "{definition}"},
    "override_project_stage": {"project_id": "{project}", "stage_id": "{stage}", "reason": "x"},
    "update_progress": {"project_id": "{project}", "sub_stage_id": "{sub_stage}", "action": "complete"},
    "decide_approval": {"approval_id": "{approval}", "decision": "approve"},
    "reassign_approval": {"approval_id": "{approval}", "approver_id": "{user}"},
    "delegate_approval": {"approval_id": "{approval}"},
    "cancel_approval": {"approval_id": "{approval}", "reason": "x"},
    "comment_on_approval": {"approval_id": "{approval}", "comment": "x"},
    "add_approval_attachment": {"approval_id": "{approval}", "document_id": "{document}", "version_number": 1},
    "create_document": {"project_id": "{project}", "title": "x", "category": "other", "file_extension": "txt",
                        "checksum": "0" * 64, "size_bytes": 1, "mime_type": "text/plain"},
    "add_document_version": {"document_id": "{document}", "checksum": "1" * 64, "size_bytes": 1, "mime_type": "text/plain"},
    "log_document_access": {"document_id": "{document}"},
    "mark_notification_read": {"notification_id": "{notification}"},
}
A_ROWS = """
  select (select d.id from app.workflow_definitions d where d.organization_id = o.id and d.is_default)::text,
         (select p.id from app.projects p where p.organization_id = o.id and p.title = 'Hydraulic manifold block')::text,
         (select s.id from app.workflow_stages s where s.organization_id = o.id and s.slug = 'quoted')::text,
         (select s.id from app.workflow_sub_stages s where s.organization_id = o.id and s.slug = 'engineering-review')::text,
         (select a.id from app.approvals a where a.organization_id = o.id and a.status = 'pending' limit 1)::text,
         (select d.id from app.documents d where d.organization_id = o.id limit 1)::text,
         (select n.id from app.notifications n where n.organization_id = o.id and n.read_at is null limit 1)::text,
         (select u.id from app.users u where u.email = 'qa@acme.test')::text
    from app.organizations o where o.slug = 'acme-manufacturing'
"""


def exposed(url: str) -> tuple[dict[str, bool], set[str]]:
    """Relations of app (name -> has organization_id) and function names."""
    with psycopg.connect(url) as conn:
        relations = dict(conn.execute("""
            select c.relname, exists (select from pg_attribute a where a.attrelid = c.oid
                                       and a.attname = 'organization_id' and not a.attisdropped)
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'app' and c.relkind in ('r', 'p', 'v', 'm')""").fetchall())
        functions = {row[0] for row in conn.execute("""
            select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'app'""")}
    return relations, functions


ONLY_IN_A = """
  select u.id from app.users u
   where exists (select from app.memberships m join app.organizations o on o.id = m.organization_id
                  where m.user_id = u.id and o.slug = 'acme-manufacturing')
     and not exists (select from app.memberships m join app.organizations o on o.id = m.organization_id
                      where m.user_id = u.id and o.slug = 'northwind-labs')
"""
A_KEYS = {
    "organization_id": "select id::text from app.organizations where slug = 'acme-manufacturing'",
    "organizations": "select id::text from app.organizations where slug = 'acme-manufacturing'",
    "users": f"select id::text from ({ONLY_IN_A}) as a",
    "sessions": f"select distinct user_id::text from app.sessions where user_id in ({ONLY_IN_A})",
}


def a_keys(url: str, relation: str, column: str) -> list[str]:
    """Values of `column` that pick out tenant A's rows (acme-manufacturing), read as the owner."""
    with psycopg.connect(url) as conn:
        query = A_KEYS["organization_id"] if column == "organization_id" else A_KEYS[relation]
        return [row[0] for row in conn.execute(query)]


@pytest.fixture(scope="module")
def actors(live):
    """Tokens from real sign-ins (Ada's also gives tenant A a row in sessions)."""
    tokens = {"anon": None}
    for name, email in (("a", "ada@acme.test"), ("b", "grace@northwind.test"), ("operator", "operator@pulse.test")):
        tokens[name] = rest(live, "POST", "/rpc/login", json={"email": email, "password": PASSWORD}).json()["access_token"]
    return tokens


def test_every_exposed_object_has_a_case(live):
    relations, functions = exposed(live["url"])
    uncovered = {r for r, tenant in relations.items() if not tenant and r not in GLOBAL_RELATIONS}
    uncovered |= functions - FUNCTION_CASES.keys() - ROW_FUNCTIONS.keys()
    assert not uncovered, f"exposed objects without a case in the matrix: {sorted(uncovered)}"


def relations_kind(url: str, relation: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("select relkind::text from pg_class where oid = to_regclass('app.' || %s)", [relation]).fetchone()[0]


def a_row_count(url: str, relation: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"select count(*) from app.{relation} where organization_id = ({A_KEYS['organization_id']})::uuid"
                            ).fetchone()[0]


def rest_cases(live):
    relations, _ = exposed(live["url"])
    for relation, tenant in sorted(relations.items()):
        column = "organization_id" if tenant else GLOBAL_RELATIONS.get(relation)
        if column:
            yield relation, column


def test_rest_matrix(live, actors, figures):
    checked = 0
    for relation, column in rest_cases(live):
        keys = a_keys(live["url"], relation, column)
        assert keys, f"{relation}: tenant A has no rows to protect"
        in_filter = f"{column}=in.({','.join(keys)})"
        seen_by_operator = rest(live, "GET", f"/{relation}?{in_filter}", actors["operator"])
        if relation != "sessions":
            assert seen_by_operator.status_code == 200 and seen_by_operator.json(), f"{relation}: operator sees A's rows"
        for actor in ("b", "anon"):
            bearer = actors[actor]
            read = rest(live, "GET", f"/{relation}?{in_filter}", bearer)
            assert read.status_code in (200, 401, 403) and (read.status_code != 200 or read.json() == []), \
                f"{relation}: {actor} read A's rows: {read.status_code} {read.text[:200]}"
            for method in ("PATCH", "DELETE"):
                kwargs = {"json": {column: keys[0]}} if method == "PATCH" else {}
                write = rest(live, method, f"/{relation}?{in_filter}", bearer,
                             headers={"Prefer": "return=representation"}, **kwargs)
                assert write.status_code >= 400 or write.json() == [], \
                    f"{relation}: {actor} {method} reached A's rows: {write.status_code} {write.text[:200]}"
            checked += 3
        if column == "organization_id" and relations_kind(live["url"], relation) == "r":
            rows_before = a_row_count(live["url"], relation)
            for actor in ("b", "anon"):
                created = rest(live, "POST", f"/{relation}", actors[actor], json={"organization_id": keys[0]})
                assert created.status_code >= 400, f"{relation}: {actor} inserted into A: {created.status_code} {created.text[:200]}"
                checked += 1
            assert a_row_count(live["url"], relation) == rows_before, f"{relation}: a row appeared in A"
    print(f"\nPostgREST matrix: {checked} cases")
    figures["matrix_relations"] = sum(1 for _ in rest_cases(live))
    figures["matrix_cases"] = figures.get("matrix_cases", 0) + checked
    assert checked > 0


def test_graphql_matrix(live, actors, figures):
    schema = build_schema((ROOT / "contracts" / "schema.graphql").read_text())
    with psycopg.connect(live["url"]) as conn:
        acme = str(conn.execute("select id from app.organizations where slug = 'acme-manufacturing'").fetchone()[0])
    checked = 0
    for name, field in sorted(schema.query_type.fields.items()):
        condition = field.args.get("condition")
        connection = get_named_type(field.type)
        if condition is None or "totalCount" not in getattr(connection, "fields", {}):
            continue
        if "organizationId" not in get_named_type(condition.type).fields:
            continue
        query = f'{{ {name}(condition: {{organizationId: "{acme}"}}) {{ totalCount }} }}'
        operator = graphql(live, query, actors["operator"]).json()
        assert operator["data"][name]["totalCount"] > 0, f"{name}: operator sees A's rows"
        for actor in ("b", "anon"):
            answer = graphql(live, query, actors[actor]).json()
            count = (answer.get("data") or {}).get(name)
            assert count is None or count["totalCount"] == 0, f"{name}: {actor} sees A's rows: {answer}"
            checked += 1
    print(f"\nGraphQL matrix: {checked} cases")
    figures["matrix_connections"] = checked // 2
    figures["matrix_cases"] = figures.get("matrix_cases", 0) + checked
    assert checked >= 7


def test_functions_refuse_tenant_a_rows(live, actors, figures):
    """B's admin and anonymous callers, given A's ids, change nothing and learn nothing."""
    names = ("definition", "project", "stage", "sub_stage", "approval", "document", "notification", "user")
    with psycopg.connect(live["url"]) as conn:
        ids = dict(zip(names, conn.execute(A_ROWS).fetchone()))
        before = conn.execute("select count(*) from audit.activity_log").fetchone()[0]
    assert all(ids.values()), ids
    for function, arguments in ROW_FUNCTIONS.items():
        body = {key: value.format(**ids) if isinstance(value, str) else value for key, value in arguments.items()}
        for actor in ("b", "anon"):
            answer = rest(live, "POST", f"/rpc/{function}", actors[actor], json=body)
            assert answer.status_code in (401, 403, 404), f"{function} as {actor}: {answer.status_code} {answer.text[:200]}"
    with psycopg.connect(live["url"]) as conn:
        assert conn.execute("select count(*) from audit.activity_log").fetchone()[0] == before, "nothing was written"
    print(f"\nfunction matrix: {len(ROW_FUNCTIONS) * 2} cases")
    figures["matrix_functions"] = len(ROW_FUNCTIONS) + len(FUNCTION_CASES)
    figures["matrix_cases"] = figures.get("matrix_cases", 0) + len(ROW_FUNCTIONS) * 2
