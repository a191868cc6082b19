"""Running the real `pulse` and `sqitch` executables from tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import jwt
import psycopg

ROOT = Path(__file__).resolve().parents[1]
PULSE = Path(sys.executable).parent / "pulse"


def planned_changes() -> list[str]:
    from pulse.sqitch.plan import load_plan

    return [change.name for change in load_plan(ROOT / "db" / "migrations" / "sqitch.plan").changes]


def pulse(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PULSE), *args], env=env or {**os.environ, "PULSE_ROOT": str(ROOT)},
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def pulse_env(database_url: str, root: Path = ROOT, **extra: str) -> dict[str, str]:
    """Point the CLI at one test database (as an external server) and a checkout."""
    return {**os.environ, "PULSE_ROOT": str(root), "DATABASE_URL": database_url, **extra}


def sqitch(*args: str, database_url: str, top_dir: Path = ROOT / "db" / "migrations") -> subprocess.CompletedProcess[str]:
    parts = urlsplit(database_url)
    target = f"db:pg://{parts.username}@{parts.hostname}:{parts.port}{parts.path}"
    env = {**os.environ, "PGPASSWORD": parts.password or "", "SQITCH_FULLNAME": "Pulse Test",
           "SQITCH_EMAIL": "test@pulse.test"}
    return subprocess.run(["sqitch", *args, target], cwd=top_dir, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def copy_project(destination: Path) -> Path:
    """A throw-away checkout (db/ and config/) whose plan a test may edit."""
    for folder in ("db", "config"):
        shutil.copytree(ROOT / folder, destination / folder)
    (destination / "node_modules").symlink_to(ROOT / "node_modules")
    return destination


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Assert the CLI failed the way users are promised: non-zero, one line, no traceback."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("✓")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def token(settings, live: dict, email: str, org: str, **overrides) -> str:
    """A token minted by `pulse jwt mint`, with claims overridden where a test needs a bad one."""
    minted = pulse("jwt", "mint", "--email", email, "--org", org, env=live["env"])
    claims = {**jwt.decode(minted.stdout.strip(), settings.jwt_secret, algorithms=["HS256"]), **overrides}
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


DEMO_PASSWORD = "pulse-demo-password"
TEST_PASSWORD = "pulse-test-password"  # tests.password(), db/tests/fixtures/world.sql


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    tenant: str | None


class World:
    """Tenants and people one test makes for itself on a stack's database, with the factories of
    db/tests/fixtures/world.sql (the test template holds them; it holds no demo data).

        world = World(live)
        tenant = world.tenant()
        qa = world.member(tenant, "qa")
        response = rest(live, "GET", "/projects", world.sign_in(qa))
    """

    def __init__(self, live: dict):
        self.live = live

    @classmethod
    def on(cls, database_url: str) -> World:
        """A World on a database without servers (sql, tenant, member; no sign_in)."""
        return cls({"url": database_url})

    def sql(self, query: str, *params):
        """The first column of the first row (None for a statement that returns none), run as the owner
        (superuser) of the stack's database."""
        rows = self.rows(query, *params)
        return rows[0][0] if rows else None

    def rows(self, query: str, *params) -> list[tuple]:
        """Every row, run as the owner; nothing for a statement that returns none."""
        with psycopg.connect(self.live["url"], autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def tenant(self, name: str | None = None) -> str:
        return str(self.sql("select tests.create_tenant(%s)", name))

    def slug(self, tenant: str) -> str:
        return self.sql("select slug from app.organizations where id = %s", tenant)

    def user(self) -> Person:
        """A user who belongs to no tenant."""
        user = self.sql("select tests.create_user()")
        return Person(str(user), self.sql("select email from app.users where id = %s", user), None)

    def member(self, tenant: str, role: str | None = None, *, site: str | None = None,
               partner: str | None = None) -> Person:
        user = self.sql("select tests.create_member(%s, %s, %s, %s)", tenant, role, site, partner)
        return Person(str(user), self.sql("select email from app.users where id = %s", user), tenant)

    def workflow_tenant(self) -> str:
        """A tenant staffed for the workflow: a customer and one member per role (db/tests/fixtures/workflow.sql)."""
        return str(self.sql("select tests.create_workflow_tenant()"))

    def person(self, tenant: str, role: str) -> Person:
        """The one member of a workflow tenant who holds the role."""
        user = str(self.sql("select tests.member_with_role(%s, %s)", tenant, role))
        return Person(user, self.sql("select email from app.users where id = %s", user), tenant)

    def project(self, tenant: str, until: str | None = None, **columns) -> str:
        """A project made by a member (tests.create_project, arguments without their p_), driven through the
        real RPCs into the stage named by `until` (tests.drive_project) when given."""
        names = "".join(f", p_{name} => %s" for name in columns)
        project = str(self.sql(f"select tests.create_project(%s{names})", tenant, *columns.values()))
        if until:
            self.sql("select tests.drive_project(%s, %s)", project, until)
        return project

    def pending_approval(self, tenant: str) -> str:
        """An open technical review of a new project of a workflow tenant, waiting for its engineering member:
        the project is driven into technical-review, where management completes the engineering review."""
        project = self.project(tenant, until="technical-review", created_by=self.person(tenant, "sales").id)
        with psycopg.connect(self.live["url"]) as conn:
            conn.execute("select tests.act_as_role(%s, 'management')", [tenant])
            conn.execute("""select app.update_progress(%s, pr.sub_stage_id, 'complete', 'Done.')
                              from app.project_sub_stage_progress pr
                              join app.workflow_sub_stages ss on ss.organization_id = pr.organization_id and ss.id = pr.sub_stage_id
                             where pr.project_id = %s and ss.slug = 'engineering-review'""", [project, project])
        return str(self.sql("select id from app.approvals where project_id = %s and status = 'pending'", project))

    def operator(self) -> Person:
        user = self.sql("select tests.create_operator()")
        return Person(str(user), self.sql("select email from app.users where id = %s", user), None)

    def login(self, person: Person, password: str = TEST_PASSWORD, **kwargs) -> httpx.Response:
        """`POST /rpc/login` as the person, in their tenant (the answer, whatever it is)."""
        body = {"email": person.email, "password": password}
        if person.tenant:
            body["organization_id"] = person.tenant
        return rest(self.live, "POST", "/rpc/login", json=body, **kwargs)

    def sign_in(self, person: Person) -> str:
        """An access token from a real `POST /rpc/login`, acting in the person's tenant."""
        response = self.login(person)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def mint(self, settings, person: Person, tenant: str | None = None, **overrides) -> str:
        """A token minted by `pulse jwt mint` (no session), with claims overridden where a test needs a bad one."""
        return token(settings, self.live, person.email, self.slug(tenant or person.tenant), **overrides)


def sign_in(live: dict, email: str, password: str = DEMO_PASSWORD) -> str:
    """An access token from a real `POST /rpc/login` (a session, unlike a minted token)."""
    response = rest(live, "POST", "/rpc/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def graphql(live: dict, query: str, bearer: str | None = None, variables: dict | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return httpx.post(live["graphql"], json={"query": query, "variables": variables or {}}, headers=headers)


def rest(live: dict, method: str, path: str, bearer: str | None = None, **kwargs) -> httpx.Response:
    headers = {**kwargs.pop("headers", {}), **({"Authorization": f"Bearer {bearer}"} if bearer else {})}
    return httpx.request(method, f"{live['rest']}{path}", headers=headers, **kwargs)


def wait_for_listen(live: dict, topic: str, organization_id: str, seconds: float = 5) -> None:
    """Wait (briefly) until the GraphQL server LISTENs on a tenant's channel: subscribing is acknowledged by
    nothing in graphql-transport-ws, and the server issues LISTEN just after the subscription starts."""
    channel = f'LISTEN "pulse:{topic}:{organization_id}"'
    deadline = time.monotonic() + seconds
    with psycopg.connect(live["url"], autocommit=True) as conn:
        while time.monotonic() < deadline:
            if conn.execute("select exists (select from pg_stat_activity where datname = current_database() "
                            "and query = %s)", [channel]).fetchone()[0]:
                return
            time.sleep(0.05)
