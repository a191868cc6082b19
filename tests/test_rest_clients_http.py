"""REST as third-party clients use it (issue #10): a valid Swagger 2.0 document a
generator reads, upsert by primary key, errors in the body, refusals that name
the missing permission."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from bravado.client import SwaggerClient

from helpers import ROOT, TEST_PASSWORD, graphql, rest
from workflow_world import Shop

pytestmark = pytest.mark.stack

CLIENT = {"use_models": False, "validate_responses": False}
UPSERT = {"Prefer": "resolution=merge-duplicates,return=representation"}


def validate(document: dict | Path, tmp_path: Path) -> str:
    """openapi-spec-validator's own command, in its own process: once it has run,
    jsonschema's global registry sends bravado's resolver to the network."""
    path = document if isinstance(document, Path) else tmp_path / "openapi.json"
    if path != document:
        path.write_text(json.dumps(document))
    validator = str(Path(sys.executable).parent / "openapi-spec-validator")
    result = subprocess.run([validator, "--schema", "2.0", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def catalog(live: dict, sql: str, *params) -> list[tuple]:
    with psycopg.connect(live["url"]) as conn:
        return conn.execute(sql, params).fetchall()


# 1. The OpenAPI document validates as Swagger 2.0 and a client is generated from it.

def test_the_whole_openapi_document_validates_and_generates_a_client(tmp_path):
    # The committed contract is the whole API as generated (tests/test_contracts.py proves it matches the database).
    committed = ROOT / "contracts" / "openapi.json"
    validate(committed, tmp_path)
    client = SwaggerClient.from_spec(json.loads(committed.read_text()), origin_url="http://127.0.0.1/",
                                     config=CLIENT)
    assert {"partners", "projects", "rpc_login", "rpc_decide_approval"} <= set(dir(client))


def test_the_served_documents_validate_and_drive_a_generated_client(live, world, tmp_path):
    sales = world.member(world.tenant(), "sales")
    # The client is built first: see validate().
    client = SwaggerClient.from_url(f"{live['rest']}/", config=CLIENT)
    client.swagger_spec.api_url = live["rest"]
    answer = client.rpc_login.post_rpc_login(args={"email": sales.email, "password": TEST_PASSWORD})
    assert answer.response().incoming_response.json()["access_token"].startswith("ey")
    for bearer in (None, world.sign_in(sales)):
        served = rest(live, "GET", "/", bearer, headers={"Accept": "application/openapi+json"})
        assert served.status_code == 200
        validate(served.json(), tmp_path)


def test_uuid_keys_are_still_generated_by_the_server(live, world):
    tenant = world.tenant()
    bearer = world.sign_in(world.member(tenant, "sales"))
    created = rest(live, "POST", "/partners", bearer, json={"name": "Keys Ltd", "kind": "customer"},
                   headers={"Prefer": "return=representation"})
    assert created.status_code == 201, created.text
    row = created.json()[0]
    assert uuid.UUID(row["id"]).version == 7
    assert row["organization_id"] == tenant
    assert rest(live, "DELETE", f"/partners?id=eq.{row['id']}", bearer).status_code == 204


# 3. Upsert by primary key, for every table a role may insert into and update.

def upsert_tables(live: dict) -> list[tuple[str, list[str], list[str]]]:
    """Tables app_user may insert into and update: (table, primary key, columns it may insert and update)."""
    return catalog(live, """
        select c.relname::text,
               array(select a.attname::text from pg_index i join pg_attribute a
                       on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                      where i.indrelid = c.oid and i.indisprimary),
               array(select a.attname::text from pg_attribute a
                      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                        and has_column_privilege('app_user', c.oid, a.attnum, 'INSERT')
                        and has_column_privilege('app_user', c.oid, a.attnum, 'UPDATE') order by a.attnum)
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'app' and c.relkind in ('r', 'p') and not c.relispartition
           and has_any_column_privilege('app_user', c.oid, 'INSERT')
           and has_any_column_privilege('app_user', c.oid, 'UPDATE')
         order by 1""")


def with_partner(world) -> str:
    """A sales member's token, in a new tenant with one partner."""
    tenant = world.tenant()
    world.sql("select tests.create_partner(%s)", tenant)
    return world.sign_in(world.member(tenant, "sales"))


def test_upsert_by_primary_key_as_sales_on_partners(live, world):
    bearer = with_partner(world)
    partner = rest(live, "GET", "/partners?select=id,organization_id,kind&limit=1", bearer).json()[0]
    by_pk = rest(live, "POST", "/partners", bearer, headers=UPSERT,
                 json={"id": partner["id"], "kind": partner["kind"], "name": "Upserted by id"})
    assert by_pk.status_code in (200, 201), by_pk.text
    assert by_pk.json()[0]["name"] == "Upserted by id"
    named = rest(live, "POST", "/partners?on_conflict=organization_id,id", bearer, headers=UPSERT,
                 json=[{**partner, "name": "Upserted on organization_id,id"}])
    assert named.status_code in (200, 201), named.text
    assert rest(live, "GET", f"/partners?id=eq.{partner['id']}&select=name", bearer).json() == [
        {"name": "Upserted on organization_id,id"}]


def stocked(world) -> Shop:
    """A tenant with a row in every table its people may write: what provisioning makes (roles, the
    workflow catalog, approval chains and policies), the customer and its contact of Shop, and a site, a
    project with a message, an approver's backup, a feature flag and a string of its own, a row in each
    operations register, the parts master and traceability, suppliers, engineering (drawings, change
    orders, project BOM, milestones), maintenance assets, meters and failure codes, maintenance stores
    (storerooms, bins, stock, reorder settings, spare-parts lists, vendors and their parts), an ideal cycle time
    and a production run, a CAPA with an action, a custom field with a type
    list, a rule, a webhook endpoint, a tag, a comment and an attachment, and a shared report definition and
    dashboard."""
    shop = Shop(world)
    world.sql("select tests.create_site(%s)", shop.id)
    project = shop.project()
    sent = rest(world.live, "POST", "/messages", shop.token("sales"), json={"project_id": project, "content": "Hello team"})
    assert sent.status_code == 201, sent.text
    world.sql("insert into app.approver_backups (organization_id, user_id, backup_user_id) values (%s, %s, %s)",
              shop.id, shop.person("qa").id, shop.person("management").id)
    world.sql("insert into app.tenant_feature_flags (organization_id, flag_key, value) values (%s, 'glp_training_checks', 'true')",
              shop.id)
    world.sql("insert into app.i18n_strings (organization_id, namespace, key, locale, text) values (%s, 'ui', 'greeting', 'en', 'Hi')",
              shop.id)
    world.sql("select tests.fill_registers(%s)", shop.id)  # equipment, calibration, competence, downtime
    world.sql("select tests.fill_lab(%s)", shop.id)  # the lab (db/tests/fixtures/lab.sql), instrument scheduling included
    world.sql("select tests.fill_traceability(%s)", shop.id)  # parts, lots, serials, genealogy (db/tests/fixtures/traceability.sql)
    world.sql("select tests.fill_suppliers(%s)", shop.id)  # approved supplier, receipt, SCAR (db/tests/fixtures/suppliers.sql)
    world.sql("select tests.fill_engineering(%s)", shop.id)  # drawings, change orders and their items, project BOM, milestones
    world.sql("select tests.fill_reporting(%s)", shop.id)  # a shared report definition and dashboard, an execution
    world.sql("select tests.fill_maintenance_assets(%s)", shop.id)  # an asset, a meter and a reading, failure codes
    world.sql("select tests.fill_maintenance_parts(%s)", shop.id)  # stores, stock, a critical spare, a vendor part
    world.sql("select tests.fill_production(%s)", shop.id)  # an ideal cycle time and a production run
    capa = rest(world.live, "POST", "/rpc/open_capa", shop.token("qa"),
                json={"title": "Cracked housings", "problem_statement": "x", "source_entity_type": "project",
                      "source_entity_id": project})
    assert capa.status_code == 200, capa.text
    action = rest(world.live, "POST", "/capa_actions", shop.token("qa"), json={
        "capa_id": capa.json()["id"], "discipline": "containment", "description": "Sort the stock",
        "owner_id": shop.person("qa").id, "due_date": "2099-01-01"})
    assert action.status_code == 201, action.text
    world.sql("""with list as (insert into app.type_lists (organization_id, code, label) values (%s, 'grades', 'Grades') returning *)
                 insert into app.type_list_values (organization_id, type_list_id, code, label)
                 select organization_id, id, 'a', 'A' from list""",
              shop.id)
    world.sql("insert into app.custom_field_definitions (organization_id, entity_type, code, label, field_type) "
              "values (%s, 'project', 'customer_reference', 'Customer reference', 'text')", shop.id)
    world.sql("insert into app.tenant_settings (organization_id, setting_key, value) values (%s, 'supplier_on_time_tolerance_days', '2')",
              shop.id)
    world.sql("""select tests.create_rule(%s, 'stocked', 'project.*', '[{"kind": "webhook"}]')""", shop.id)
    world.sql("select tests.create_webhook_endpoint(%s, 'https://hooks.example.test/stocked')", shop.id)
    with psycopg.connect(world.live["url"]) as conn:  # a tag, a comment, an attachment (tests.fill_collaboration)
        conn.execute("select tests.act_as_role(%s, 'admin')", [shop.id])
        conn.execute("select tests.fill_collaboration(%s)", [project])
    return shop


def test_upsert_works_for_every_table_a_role_may_insert_into_and_update(live, world, figures):
    bearer = stocked(world).token("admin")
    tables = upsert_tables(live)
    figures["upsert_tables_checked"] = len(tables)
    assert "partners" in [table for table, _, _ in tables]
    for table, key, writable in tables:
        rows = rest(live, "GET", f"/{table}?select=*&limit=1&order={','.join(key)}", bearer).json()
        assert rows, f"{table}: no row to upsert"
        payload = {column: rows[0][column] for column in writable + key}
        answer = rest(live, "POST", f"/{table}", bearer, headers=UPSERT, json=payload)
        if answer.status_code == 409 and answer.json()["details"] == "workflow_definition.locked":
            continue  # the workflow rule: a definition in use is cloned, not changed; the privileges held
        assert answer.status_code in (200, 201), f"{table}: {answer.text}"
        assert {k: answer.json()[0][k] for k in key} == {k: rows[0][k] for k in key}


def test_an_upsert_or_update_cannot_move_a_row_to_another_key_or_tenant(live, world):
    bearer = with_partner(world)
    partner = rest(live, "GET", "/partners?select=id,organization_id,kind,name&limit=1", bearer).json()[0]
    moved = rest(live, "PATCH", f"/partners?id=eq.{partner['id']}", bearer, json={"id": str(uuid.uuid4())})
    assert moved.status_code == 409 and moved.json()["details"] == "row.fixed_column"
    other = world.tenant()
    stolen = rest(live, "PATCH", f"/partners?id=eq.{partner['id']}", bearer, json={"organization_id": other})
    assert (stolen.status_code, stolen.json()["details"]) == (409, "row.fixed_column"), stolen.text
    foreign = rest(live, "POST", "/partners", bearer, headers=UPSERT, json={**partner, "organization_id": other})
    # The upsert meets the row it names: row-level security's own refusal, which carries no reason.
    assert (foreign.status_code, foreign.json()["code"]) == (403, "42501"), foreign.text
    assert rest(live, "GET", f"/partners?id=eq.{partner['id']}&select=id,organization_id", bearer).json() == [
        {"id": partner["id"], "organization_id": partner["organization_id"]}]


# 5. Every failure carries a code and a message in the body, sign-in included.

LOGIN = """mutation ($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { result { accessToken } }
}"""


def test_a_failed_login_has_a_code_and_message_in_the_body_on_both_servers(live, world):
    email = world.member(world.tenant(), "sales").email
    answer = rest(live, "POST", "/rpc/login", json={"email": email, "password": "wrong"},
                  headers={"X-Forwarded-For": "203.0.113.71"})
    assert answer.status_code == 401
    body = answer.json()
    assert body["code"] == "PT401" and body["details"] == "sign_in.invalid_credentials"
    assert body["message"] and body["hint"]
    assert body["access_token"] is None
    gql = graphql(live, LOGIN, variables={"email": email, "password": "wrong"}).json()
    assert gql["data"]["login"] is None
    assert gql["errors"][0]["message"] == body["message"], "the same message on both servers"
    assert gql["errors"][0]["extensions"]["code"] == "PT401"
    assert gql["errors"][0]["extensions"]["details"] == "sign_in.invalid_credentials"


def test_a_reused_refresh_token_has_a_code_and_message_in_the_body(live, world):
    credentials = {"email": world.member(world.tenant(), "qa").email, "password": TEST_PASSWORD}
    tokens = rest(live, "POST", "/rpc/login", json=credentials).json()
    assert rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 200
    reused = rest(live, "POST", "/rpc/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["code"] == "PT401" and reused.json()["details"] == "session.refresh_token_reused"
    assert reused.json()["message"]
    tokens = rest(live, "POST", "/rpc/login", json=credentials).json()
    refresh = "mutation ($token: String!) { refresh(input: {refreshToken: $token}) { result { accessToken } } }"
    assert "errors" not in graphql(live, refresh, variables={"token": tokens["refresh_token"]}).json()
    again = graphql(live, refresh, variables={"token": tokens["refresh_token"]}).json()
    assert again["data"]["refresh"] is None
    assert again["errors"][0]["extensions"]["details"] == "session.refresh_token_reused"


def test_failed_logins_still_count_towards_the_lockout(live, world):
    email, client = world.member(world.tenant()).email, {"X-Forwarded-For": "203.0.113.72"}
    answers = [rest(live, "POST", "/rpc/login", json={"email": email, "password": "wrong"}, headers=client)
               for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    assert answers[5].status_code == 429 and answers[5].json()["code"] == "PT429"
    assert answers[5].json()["details"] == "sign_in.locked"


# 6. An insert refused for lack of a permission names it.

def checked_permissions(live: dict) -> list[tuple[str, str]]:
    """(table, permission) for every app_user policy whose WITH CHECK refuses by name: a permission asked
    tenant-wide (auth.check_permission) or on the row's entity (auth.check_entity_permission)."""
    return catalog(live, """
        select distinct tablename::text, substring(with_check from 'check_(?:entity_)?permission\\(''([a-z_.]+)''')
          from pg_policies
         where schemaname = 'app' and 'app_user' = any (roles) and with_check ~ 'check_(entity_)?permission\\('
           and has_any_column_privilege('app_user', (quote_ident(schemaname) || '.' || quote_ident(tablename))::regclass, 'INSERT')
         order by 1""")


def lacking(shop: Shop, permission: str) -> str:
    """A staff member of the tenant holding a system role without the permission (the role with the most
    permissions short of it)."""
    role = catalog(shop.world.live, """
        select r.key from app.roles r
         where r.organization_id = %s and r.key <> 'customer_portal'
           and not exists (select from app.role_permissions rp
                            where rp.organization_id = r.organization_id and rp.role_id = r.id and rp.permission = %s)
         order by (select count(*) from app.role_permissions rp
                    where rp.organization_id = r.organization_id and rp.role_id = r.id) desc, r.key
         limit 1""", shop.id, permission)[0][0]
    return shop.token(role)


def test_a_technician_creating_a_partner_is_told_which_permission_is_missing(live, world):
    technician = world.sign_in(world.member(world.tenant(), "technician"))
    answer = rest(live, "POST", "/partners", technician, json={"name": "X", "kind": "customer"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "PT403" and answer.json()["details"] == "permission.missing"
    assert "partner.manage" in answer.json()["hint"]


def test_every_insert_refused_for_a_permission_names_it(live, world, figures):
    """Before any row trigger looks at the rows: the payload is a real row of the tenant."""
    shop = stocked(world)
    owner = shop.token("admin")
    checks = checked_permissions(live)
    figures["named_permission_refusals_checked"] = len(checks)
    # The guards that name their permission (one argument); a guard whose permission depends on the row
    # (app.tenant_settings: each setting names its own) is tested with its table (test_settings.sql).
    statement_checks = catalog(live, """
        select tgrelid::regclass::text, convert_from(substring(tgargs from 1 for length(tgargs) - 1), 'UTF8')
          from pg_trigger where tgname = '_000_require_permission' and tgnargs = 1 order by 1""")
    assert [(f"app.{table}", permission) for table, permission in checks] == statement_checks
    assert {"partners", "projects", "sites", "workflow_stages"} <= {table for table, _ in checks}
    for table, permission in checks:
        rows = rest(live, "GET", f"/{table}?select=*&limit=1", owner).json()
        insertable = [c for (c,) in catalog(live, """
            select a.attname::text from pg_attribute a
             where a.attrelid = ('app.' || %s)::regclass and a.attnum > 0 and not a.attisdropped
               and has_column_privilege('app_user', a.attrelid, a.attnum, 'INSERT')""", table)]
        assert rows, f"{table}: no row to send"
        payload = {c: rows[0][c] for c in insertable if c != "id"}
        answer = rest(live, "POST", f"/{table}", lacking(shop, permission), json=payload)
        assert answer.status_code == 403, f"{table} without {permission}: {answer.text}"
        assert answer.json()["details"] == "permission.missing" and permission in answer.json()["hint"], table


# 4. Verbs: grants match what some API role can do; what PostgREST 12 cannot describe is documented.

def test_tables_no_one_may_change_grant_no_change(live, world):
    """Append-only and immutable tables (a BEFORE trigger refuses every UPDATE and DELETE) grant neither,
    so the refusal is the grant's, for members and operators alike."""
    frozen = [table for (table,) in catalog(live, """
        select distinct c.relname::text from pg_trigger t join pg_class c on c.oid = t.tgrelid
          join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'app' and not c.relispartition and t.tgname in ('_100_append_only', '_100_immutable') order by 1""")]
    assert {"approval_history", "document_versions"} <= set(frozen)
    for person in (world.member(world.tenant(), "admin"), world.operator()):
        bearer = world.sign_in(person)
        for table in frozen:
            for method in ("PATCH", "DELETE"):
                answer = rest(live, method, f"/{table}?id=eq.{uuid.uuid4()}", bearer,
                              **({"json": {"organization_id": None}} if method == "PATCH" else {}))
                assert answer.status_code == 403 and answer.json()["code"] == "42501", (person, table, method, answer.text)


def test_functions_that_change_something_answer_post_and_refuse_get(live, world):
    assert rest(live, "GET", "/rpc/login?email=a@b.c&password=x").status_code == 405
    bearer = world.sign_in(world.member(world.tenant(), "management"))
    assert rest(live, "GET", "/rpc/my_approvals", bearer).status_code == 200
    clients = (ROOT / "docs" / "clients.md").read_text()
    assert "/rpc/login" in clients and "405" in clients


# 7. Clients whose default schema is `public`: documented setup.

def test_public_schema_clients_get_pgrst106_and_the_documented_setup_works(live, world):
    credentials = {"email": world.member(world.tenant(), "sales").email, "password": TEST_PASSWORD}
    public = rest(live, "POST", "/rpc/login", headers={"Content-Profile": "public"}, json=credentials)
    assert public.status_code == 406 and public.json()["code"] == "PGRST106"
    app = rest(live, "POST", "/rpc/login", headers={"Content-Profile": "app"}, json=credentials)
    assert app.status_code == 200
    clients = (ROOT / "docs" / "clients.md").read_text()
    for setup in ('schema: "app"', 'schema="app"', "db: { schema: \"app\" }", "connectionParams", "Retool", "Appsmith"):
        assert setup in clients, setup
    assert "docs/clients.md" in (ROOT / "README.md").read_text()
