"""Mixed load: simulated users of several tenants reading and writing through both APIs at once.

Users are asyncio tasks, each with its own token, thinking between actions (a random pause around
MIXED_LOAD_THINK_MS), so the load models people rather than a flood. Each action goes through
PostgREST or PostGraphile at random:

  list       the tenant's latest projects                     GET /projects | projects(first: 20)
  detail     a project's workflow                             GET /project_workflow | projectWorkflows
  create     a new project (sales, management)                POST /projects | createProject
  rename     one of the user's own projects                   PATCH /projects | updateProject
  progress   complete the current sub-stage of a project      /rpc/update_progress | updateProgress
             when the user is responsible for it (or management); an approval-gated one opens an
             approval (the request), routed by the database
  decide     approve the first pending approval routed to     /rpc/my_approvals + /rpc/decide_approval |
             the user                                         myApprovals + decideApproval

A few users of each tenant also hold a GraphQL subscription (graphql-transport-ws) to the progress and
approval events for the whole run.

After the run (and a short drain for events in flight), the database is read as its owner:
  - no 5xx: no PostgREST answer >= 500, no GraphQL error without a SQLSTATE or with an infrastructure one;
  - no lost acknowledged write: every project the API created is there with the last title acknowledged,
    every acknowledged progress action is in its row's log with the comment sent, every acknowledged
    decision is in approval_history with the comment sent;
  - audit complete: every acknowledged write has its audit.activity_log row (looked up by entity type and
    id and matched on the values written, whatever the log's key or partitioning);
  - tenant isolation: reads returned only the user's tenant, and every event a subscriber received was of
    its own tenant (and it received them: delivered / expected is reported).

Used by bench/mixed_load.sh (60 s, 100 users, 5 tenants) and by tests/test_mixed_load_http.py (a short run
that asserts the checks, never a time). Environment (bench): MIXED_LOAD_REST, MIXED_LOAD_GRAPHQL (base
URLs: point them at a pooled stack as well), DATABASE_URL (owner), MIXED_LOAD_SECONDS, MIXED_LOAD_USERS,
MIXED_LOAD_TENANTS, MIXED_LOAD_THINK_MS, MIXED_LOAD_SUBSCRIBERS (per tenant), MIXED_LOAD_PROJECTS (seeded
per tenant), MIXED_LOAD_SEED.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import resource
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
SETUP = Path(__file__).with_name("mixed_load_setup.sql")
# SQLSTATE classes of broken infrastructure (config/graphile/errors.mjs masks these), plus deadlocks and
# serialization failures, which no request of a correct server should see.
SERVER_FAULT = re.compile(r"^(08|40|53|57(?!014)|58|F0|XX)")
WEIGHTS = {"list": 30, "detail": 25, "create": 8, "rename": 7, "progress": 20, "decide": 10}
CREATORS = {"sales", "management"}

GQL_LIST = "{ projects(first: 20, orderBy: CREATED_AT_DESC) { nodes { rowId organizationId projectNumber title status } } }"
GQL_DETAIL = """query ($id: UUID!) {
  projectWorkflows(condition: {projectId: $id}, orderBy: [STAGE_ORDER_ASC, SUB_STAGE_ORDER_ASC]) {
    nodes { organizationId projectId subStageId progressId status isCurrentStage responsibleRoles }
  }
}"""
GQL_CREATE = """mutation ($title: String!) {
  createProject(input: {project: {title: $title}}) { project { rowId organizationId projectNumber title } }
}"""
GQL_RENAME = """mutation ($id: UUID!, $title: String!) {
  updateProject(input: {rowId: $id, patch: {title: $title}}) { project { rowId title } }
}"""
GQL_PROGRESS = """mutation ($project: UUID!, $subStage: UUID!, $comment: String!) {
  updateProgress(input: {projectId: $project, subStageId: $subStage, action: complete, comment: $comment}) {
    result { rowId status }
  }
}"""
GQL_MINE = "{ myApprovals(first: 5) { nodes { rowId organizationId status } } }"
GQL_DECIDE = """mutation ($id: UUID!, $comment: String!) {
  decideApproval(input: {approvalId: $id, decision: approve, comment: $comment}) { result { rowId status } }
}"""
SUBSCRIPTIONS = {
    "progress": "subscription { projectProgressChanged { organizationId projectId progressId status } }",
    "approvals": "subscription { approvalChanged { organizationId projectId approvalId status } }",
}


@dataclass
class Settings:
    rest: str
    graphql: str
    database_url: str
    jwt_secret: str
    users: int = 100
    tenants: int = 5
    seconds: float = 60
    think_ms: float = 1000
    subscribers: int = 2
    projects: int = 10
    seed: int | None = None
    drain: float = 5
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @classmethod
    def from_environment(cls, rest: str, graphql: str, database_url: str, jwt_secret: str) -> Settings:
        env = os.environ.get
        seed = env("MIXED_LOAD_SEED")
        return cls(rest=env("MIXED_LOAD_REST", rest), graphql=env("MIXED_LOAD_GRAPHQL", graphql),
                   database_url=database_url, jwt_secret=jwt_secret,
                   users=int(env("MIXED_LOAD_USERS", "100")), tenants=int(env("MIXED_LOAD_TENANTS", "5")),
                   seconds=float(env("MIXED_LOAD_SECONDS", "60")), think_ms=float(env("MIXED_LOAD_THINK_MS", "1000")),
                   subscribers=int(env("MIXED_LOAD_SUBSCRIBERS", "2")), projects=int(env("MIXED_LOAD_PROJECTS", "10")),
                   seed=int(seed) if seed else None)


@dataclass
class User:
    tenant: str
    user_id: str
    email: str
    role: str
    token: str
    own: dict[str, str] = field(default_factory=dict)  # project id -> last title acknowledged


@dataclass
class Write:
    kind: str  # project, rename, progress, decision
    tenant: str
    entity: str  # the row's id
    value: str  # title or comment sent
    status: str | None = None  # returned status (progress, decision)
    sent: float = 0.0


@dataclass
class Event:
    topic: str
    subscriber: str  # the subscriber's email
    subscriber_tenant: str
    organization: str
    project: str | None
    entity: str  # progressId or approvalId
    status: str
    at: float


class Outcome:
    """Per operation: latencies of answered requests, and counts by class."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.faults: list[str] = []  # the first few 5xx and transport failures, for the report
        self.foreign_rows = 0  # rows of another tenant in a read
        self.refusals: dict[str, int] = defaultdict(int)  # 4xx by SQLSTATE and reason

    def record(self, operation: str, seconds: float, verdict: str, detail: str = "") -> None:
        self.latency[operation].append(seconds * 1000)
        self.counts[operation][verdict] += 1
        if verdict in ("5xx", "transport") and len(self.faults) < 10:
            self.faults.append(f"{operation}: {detail[:300]}")
        if verdict == "4xx":
            self.refusals[refusal_reason(detail)] += 1


class Tenant:
    def __init__(self, tenant_id: str, projects: list[str]):
        self.id = tenant_id
        self.projects = projects


class Load:
    def __init__(self, settings: Settings):
        self.s = settings
        self.random = random.Random(settings.seed)
        self.outcome = Outcome()
        self.writes: list[Write] = []
        self.events: list[Event] = []
        self.subscriber_tenants: dict[str, str] = {}  # email -> tenant
        self.subscribed = 0
        self.channels: set[str] = set()  # channels the GraphQL server listens to
        self.subscription_errors: list[str] = []
        self.tenants: dict[str, Tenant] = {}
        self.users: list[User] = []
        self.approval_requests = 0
        self.setup_seconds = 0.0
        self.elapsed = 0.0
        self.driver_cpu = 0.0  # CPU seconds this process used during the run

    # -- setup ---------------------------------------------------------------------------------
    def setup(self) -> None:
        """The tenants, users and seed projects in one transaction (bench/mixed_load_setup.sql); tokens minted
        from auth.token_claims_for, as `pulse jwt mint` does."""
        began = time.monotonic()
        with psycopg.connect(self.s.database_url) as conn:
            for key, value in (("tenants", self.s.tenants), ("users", self.s.users), ("projects", self.s.projects),
                               ("run", self.s.run)):
                conn.execute("select set_config(%s, %s, true)", [f"mixed_load.{key}", str(value)])
            cursor = conn.execute(SETUP.read_text())  # a script of its own statements, no parameters
            while cursor.nextset():
                pass
            people = cursor.fetchall()
            claims: dict[str, dict[str, Any]] = dict(conn.execute(
                "select u.email, auth.token_claims_for(u.email, u.slug) from unnest(%s::text[], %s::text[]) as u (email, slug)",
                [[p[3] for p in people], [p[1] for p in people]]).fetchall())
            projects: dict[str, list[str]] = defaultdict(list)
            for tenant, project in conn.execute("select organization_id::text, id::text from app.projects where organization_id = any(%s)",
                                                [list({p[0] for p in people})]):
                projects[tenant].append(project)
        now = int(time.time())
        ttl = int(self.s.seconds + self.s.drain + 600)
        for tenant_id, _slug, user_id, email, role in people:
            token = jwt.encode({**claims[email], "iat": now, "exp": now + ttl}, self.s.jwt_secret, algorithm="HS256")
            self.users.append(User(str(tenant_id), str(user_id), email, role, token))
        for tenant in {u.tenant for u in self.users}:
            self.tenants[tenant] = Tenant(tenant, projects[tenant])
        self.setup_seconds = time.monotonic() - began

    # -- requests ------------------------------------------------------------------------------
    async def rest(self, client: httpx.AsyncClient, operation: str, user: User, method: str, path: str,
                   **kwargs: Any) -> Any:
        """The JSON body of a 2xx answer, or None (the outcome is recorded either way)."""
        headers = {"Authorization": f"Bearer {user.token}", **kwargs.pop("headers", {})}
        began = time.monotonic()
        try:
            response = await client.request(method, f"{self.s.rest}{path}", headers=headers, **kwargs)
        except httpx.HTTPError as error:
            self.outcome.record(f"rest {operation}", time.monotonic() - began, "transport", repr(error))
            return None
        verdict = "ok" if response.status_code < 400 else "4xx" if response.status_code < 500 else "5xx"
        self.outcome.record(f"rest {operation}", time.monotonic() - began, verdict,
                            f"{response.status_code} {response.text}")
        if verdict != "ok":
            return None
        return response.json() if response.content else {}

    async def graphql(self, client: httpx.AsyncClient, operation: str, user: User, query: str,
                      **variables: Any) -> Any:
        """The data of an answer without errors, or None."""
        began = time.monotonic()
        try:
            response = await client.post(self.s.graphql, json={"query": query, "variables": variables},
                                         headers={"Authorization": f"Bearer {user.token}"})
        except httpx.HTTPError as error:
            self.outcome.record(f"graphql {operation}", time.monotonic() - began, "transport", repr(error))
            return None
        seconds = time.monotonic() - began
        if response.status_code >= 500:
            self.outcome.record(f"graphql {operation}", seconds, "5xx", f"{response.status_code} {response.text}")
            return None
        body = response.json()
        errors = body.get("errors") or []
        if response.status_code >= 400 and not errors:
            self.outcome.record(f"graphql {operation}", seconds, "4xx", response.text)
            return None
        if errors:
            # A refusal carries its SQLSTATE (or a request error's code); a document that does not validate
            # has neither code nor path; a masked failure of the server has a path and no code.
            fault = any(SERVER_FAULT.match(str((e.get("extensions") or {}).get("code") or ""))
                        or (not (e.get("extensions") or {}).get("code") and e.get("path")) for e in errors)
            self.outcome.record(f"graphql {operation}", seconds, "5xx" if fault else "4xx", json.dumps(errors))
            return None
        self.outcome.record(f"graphql {operation}", seconds, "ok")
        return body.get("data")

    def check_rows(self, user: User, organizations: list[str]) -> None:
        self.outcome.foreign_rows += sum(1 for organization in organizations if organization != user.tenant)

    # -- actions -------------------------------------------------------------------------------
    async def list_projects(self, client: httpx.AsyncClient, user: User, api: str) -> None:
        if api == "rest":
            rows = await self.rest(client, "list", user, "GET",
                                   "/projects?select=id,organization_id,project_number,title,status&order=created_at.desc&limit=20")
            self.check_rows(user, [r["organization_id"] for r in rows or []])
        else:
            data = await self.graphql(client, "list", user, GQL_LIST)
            self.check_rows(user, [n["organizationId"] for n in (data or {}).get("projects", {}).get("nodes", [])])

    async def detail(self, client: httpx.AsyncClient, user: User, api: str, project: str) -> list[dict[str, Any]]:
        """The project's workflow rows, as snake_case dicts."""
        if api == "rest":
            rows = await self.rest(client, "detail", user, "GET",
                                   f"/project_workflow?project_id=eq.{project}&order=stage_order,sub_stage_order"
                                   "&select=organization_id,project_id,sub_stage_id,progress_id,status,is_current_stage,responsible_roles")
            rows = rows or []
        else:
            data = await self.graphql(client, "detail", user, GQL_DETAIL, id=project)
            rows = [{"organization_id": n["organizationId"], "project_id": n["projectId"], "sub_stage_id": n["subStageId"],
                     "progress_id": n["progressId"], "status": n["status"], "is_current_stage": n["isCurrentStage"],
                     "responsible_roles": n["responsibleRoles"]}
                    for n in (data or {}).get("projectWorkflows", {}).get("nodes", [])]
        self.check_rows(user, [r["organization_id"] for r in rows])
        return list(rows)

    async def create(self, client: httpx.AsyncClient, user: User, api: str) -> None:
        title = f"Load {self.s.run} {uuid.uuid4().hex[:12]}"
        sent = time.monotonic()
        if api == "rest":
            rows = await self.rest(client, "create", user, "POST", "/projects", json={"title": title},
                                   headers={"Prefer": "return=representation"})
            project = rows[0]["id"] if rows else None
        else:
            data = await self.graphql(client, "create", user, GQL_CREATE, title=title)
            project = data["createProject"]["project"]["rowId"] if data else None
        if project:
            self.writes.append(Write("project", user.tenant, project, title, sent=sent))
            user.own[project] = title
            self.tenants[user.tenant].projects.append(project)

    async def rename(self, client: httpx.AsyncClient, user: User, api: str) -> None:
        project = self.random.choice(sorted(user.own))
        title = f"Load {self.s.run} {uuid.uuid4().hex[:12]} renamed"
        sent = time.monotonic()
        if api == "rest":
            rows = await self.rest(client, "rename", user, "PATCH", f"/projects?id=eq.{project}", json={"title": title},
                                   headers={"Prefer": "return=representation"})
            done = bool(rows)
        else:
            data = await self.graphql(client, "rename", user, GQL_RENAME, id=project, title=title)
            done = bool(data and data["updateProject"]["project"])
        if done:
            self.writes.append(Write("rename", user.tenant, project, title, sent=sent))
            user.own[project] = title

    async def progress(self, client: httpx.AsyncClient, user: User, api: str) -> None:
        project = self.random.choice(self.tenants[user.tenant].projects)
        rows = await self.detail(client, user, api, project)
        current = [r for r in rows if r["is_current_stage"] and r["status"] == "in_progress"
                   and (user.role in r["responsible_roles"] or user.role == "management")]
        if not current:
            return
        step = current[0]
        comment = f"load {self.s.run} {uuid.uuid4().hex}"
        sent = time.monotonic()
        if api == "rest":
            row = await self.rest(client, "progress", user, "POST", "/rpc/update_progress",
                                  json={"project_id": project, "sub_stage_id": step["sub_stage_id"], "action": "complete",
                                        "comment": comment})
            result = (row["id"], row["status"]) if row else None
        else:
            data = await self.graphql(client, "progress", user, GQL_PROGRESS, project=project,
                                      subStage=step["sub_stage_id"], comment=comment)
            result = ((data["updateProgress"]["result"]["rowId"], data["updateProgress"]["result"]["status"])
                      if data else None)
        if result:
            self.writes.append(Write("progress", user.tenant, result[0], comment, result[1], sent=sent))
            self.approval_requests += result[1] == "in_review"

    async def decide(self, client: httpx.AsyncClient, user: User, api: str) -> None:
        if api == "rest":
            rows = await self.rest(client, "my approvals", user, "GET",
                                   "/rpc/my_approvals?status=eq.pending&select=id,organization_id,status&limit=5")
            pending = [(r["id"], r["organization_id"]) for r in rows or []]
        else:
            data = await self.graphql(client, "my approvals", user, GQL_MINE)
            pending = [(n["rowId"], n["organizationId"]) for n in (data or {}).get("myApprovals", {}).get("nodes", [])
                       if str(n["status"]).lower() == "pending"]
        self.check_rows(user, [organization for _, organization in pending])
        if not pending:
            return
        approval = pending[0][0]
        comment = f"load {self.s.run} {uuid.uuid4().hex}"
        sent = time.monotonic()
        if api == "rest":
            row = await self.rest(client, "decide", user, "POST", "/rpc/decide_approval",
                                  json={"approval_id": approval, "decision": "approve", "comment": comment})
            status = row["status"] if row else None
        else:
            data = await self.graphql(client, "decide", user, GQL_DECIDE, id=approval, comment=comment)
            status = data["decideApproval"]["result"]["status"] if data and data["decideApproval"]["result"] else None
        if status:
            self.writes.append(Write("decision", user.tenant, approval, comment, status, sent=sent))

    async def act(self, client: httpx.AsyncClient, user: User) -> None:
        api = self.random.choice(("rest", "graphql"))
        kinds = list(WEIGHTS)
        kind = self.random.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        if kind == "rename" and not user.own:
            kind = "create"
        if kind == "create" and user.role not in CREATORS:
            kind = "list"
        if kind == "list":
            await self.list_projects(client, user, api)
        elif kind == "detail":
            await self.detail(client, user, api, self.random.choice(self.tenants[user.tenant].projects))
        elif kind == "create":
            await self.create(client, user, api)
        elif kind == "rename":
            await self.rename(client, user, api)
        elif kind == "progress":
            await self.progress(client, user, api)
        else:
            await self.decide(client, user, api)

    async def user_loop(self, client: httpx.AsyncClient, user: User, deadline: float) -> None:
        await asyncio.sleep(self.random.uniform(0, self.s.think_ms / 1000))  # users do not all start at once
        while time.monotonic() < deadline:
            await self.act(client, user)
            pause = self.s.think_ms / 1000 * self.random.uniform(0.5, 1.5)
            await asyncio.sleep(max(0.0, min(pause, deadline - time.monotonic())))

    # -- subscriptions -------------------------------------------------------------------------
    async def subscriber(self, user: User, ready: asyncio.Event, stop: asyncio.Event) -> None:
        url = re.sub(r"^http", "ws", self.s.graphql)
        try:
            async with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
                await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {user.token}"}}))
                ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if ack.get("type") != "connection_ack":
                    raise RuntimeError(f"no connection_ack: {ack}")
                for topic, query in SUBSCRIPTIONS.items():
                    await ws.send(json.dumps({"id": topic, "type": "subscribe", "payload": {"query": query}}))
                    await self.listening(topic, user.tenant)
                self.subscribed += 1
                ready.set()
                while not stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), 0.5)
                    except TimeoutError:
                        continue
                    message = json.loads(raw)
                    if message.get("type") == "ping":
                        await ws.send(json.dumps({"type": "pong"}))
                        continue
                    if message.get("type") != "next" or message["payload"].get("errors"):
                        self.subscription_errors.append(json.dumps(message)[:300])
                        continue
                    data = message["payload"]["data"]
                    event = data.get("projectProgressChanged") or data.get("approvalChanged")
                    self.events.append(Event(message["id"], user.email, user.tenant, event["organizationId"], event.get("projectId"),
                                             event.get("progressId") or event.get("approvalId"), event["status"],
                                             time.monotonic()))
        except Exception as error:  # noqa: BLE001 - reported, and fails the isolation check
            self.subscription_errors.append(f"{user.email}: {error!r}"[:300])
            ready.set()

    async def listening(self, topic: str, tenant: str, seconds: float = 5) -> None:
        """Until the GraphQL server LISTENs on the tenant's channel of the topic (subscribing is acknowledged by
        nothing in graphql-transport-ws). Its listening connection shows its latest statement only, so the
        subscribers start one after the other; a channel already listened to is not listened to again."""
        channel = f"pulse:{topic}:{tenant}"
        if channel in self.channels:
            return
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with psycopg.connect(self.s.database_url, autocommit=True) as conn:
                if conn.execute("select exists (select from pg_stat_activity where datname = current_database() "
                                "and query = %s)", [f'LISTEN "{channel}"']).fetchone()[0]:  # type: ignore[index]
                    break
            await asyncio.sleep(0.05)
        self.channels.add(channel)

    # -- the run -------------------------------------------------------------------------------
    async def run(self) -> None:
        if not self.users:
            self.setup()
        stop = asyncio.Event()
        by_tenant: dict[str, list[User]] = defaultdict(list)
        for user in self.users:
            by_tenant[user.tenant].append(user)
        watchers = [user for users in by_tenant.values() for user in users[:self.s.subscribers]]
        self.subscriber_tenants = {user.email: user.tenant for user in watchers}
        readies = [asyncio.Event() for _ in watchers]
        subscribers = []
        for user, ready in zip(watchers, readies, strict=True):
            subscribers.append(asyncio.create_task(self.subscriber(user, ready, stop)))
            await asyncio.wait_for(ready.wait(), 15)
        limits = httpx.Limits(max_connections=max(10, len(self.users)), max_keepalive_connections=max(10, len(self.users)))
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            began = time.monotonic()
            cpu = resource.getrusage(resource.RUSAGE_SELF)
            deadline = began + self.s.seconds
            await asyncio.gather(*(self.user_loop(client, user, deadline) for user in self.users))
            self.elapsed = time.monotonic() - began
            after = resource.getrusage(resource.RUSAGE_SELF)
            self.driver_cpu = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
        drained = time.monotonic() + self.s.drain  # events still in flight
        while time.monotonic() < drained and (delivery := self.delivery())[0] != delivery[1]:
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.gather(*subscribers)

    def delivery(self) -> tuple[int, int, list[float]]:
        """Every acknowledged progress action and decision, heard (as a progress or approval event with the
        status acknowledged) by every subscriber of its tenant: expected, delivered, and the delivery times (ms
        from sending the request)."""
        topics = {"progress": "progress", "decision": "approvals"}
        heard: dict[str, dict[tuple[str, str, str], float]] = defaultdict(dict)
        for e in self.events:
            heard[e.subscriber].setdefault((e.topic, e.entity, str(e.status).lower()), e.at)
        expected = delivered = 0
        latencies = []
        for w in self.writes:
            if w.kind not in topics:
                continue
            for subscriber, tenant in self.subscriber_tenants.items():
                if tenant != w.tenant:
                    continue
                expected += 1
                at = heard[subscriber].get((topics[w.kind], w.entity, str(w.status).lower()))
                if at is not None:
                    delivered += 1
                    latencies.append((at - w.sent) * 1000)
        return expected, delivered, latencies

    # -- checks --------------------------------------------------------------------------------
    def verify(self) -> dict[str, Any]:
        """What the database holds of the acknowledged writes, and what the subscribers received."""
        final_titles: dict[str, Write] = {}
        for write in self.writes:
            if write.kind in ("project", "rename"):
                final_titles[write.entity] = write
        with psycopg.connect(self.s.database_url, autocommit=True) as conn:
            def missing(query: str, items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
                if not items:
                    return []
                columns = list(zip(*items, strict=True))
                return conn.execute(query, [list(c) for c in columns]).fetchall()

            lost = []
            lost += missing("""select w.id from unnest(%s::uuid[], %s::uuid[], %s::text[]) as w (id, tenant, title)
                                where not exists (select from app.projects as p
                                                   where p.organization_id = w.tenant and p.id = w.id and p.title = w.title)""",
                            [(w.entity, w.tenant, w.value) for w in final_titles.values()])
            lost += missing("""select w.id from unnest(%s::uuid[], %s::uuid[], %s::text[]) as w (id, tenant, comment)
                                where not exists (select from app.project_sub_stage_progress as pr
                                                   where pr.organization_id = w.tenant and pr.id = w.id
                                                     and pr.metadata -> 'log' @> jsonb_build_array(
                                                           jsonb_build_object('action', 'complete', 'comment', w.comment)))""",
                            [(w.entity, w.tenant, w.value) for w in self.writes if w.kind == "progress"])
            lost += missing("""select w.id from unnest(%s::uuid[], %s::uuid[], %s::text[]) as w (id, tenant, comment)
                                where not exists (select from app.approval_history as h
                                                   where h.organization_id = w.tenant and h.approval_id = w.id
                                                     and h.action_type = 'approve' and h.comments = w.comment)""",
                            [(w.entity, w.tenant, w.value) for w in self.writes if w.kind == "decision"])
            # The audit trail, by entity (type and id) and the values written.
            unaudited = []
            unaudited += missing("""select w.id from unnest(%s::text[], %s::text[], %s::uuid[]) as w (id, title, tenant)
                                    where not exists (select from audit.activity_log as a
                                                       where a.entity_type = 'projects' and a.entity_id = w.id
                                                         and a.organization_id = w.tenant and a.action = 'insert'
                                                         and a.new_values ->> 'title' = w.title)""",
                                 [(w.entity, w.value, w.tenant) for w in self.writes if w.kind == "project"])
            unaudited += missing("""select w.id from unnest(%s::text[], %s::text[], %s::uuid[]) as w (id, title, tenant)
                                    where not exists (select from audit.activity_log as a
                                                       where a.entity_type = 'projects' and a.entity_id = w.id
                                                         and a.organization_id = w.tenant and a.action = 'update'
                                                         and a.new_values ->> 'title' = w.title)""",
                                 [(w.entity, w.value, w.tenant) for w in self.writes if w.kind == "rename"])
            unaudited += missing("""select w.id from unnest(%s::text[], %s::text[], %s::uuid[], %s::text[])
                                           as w (id, comment, tenant, status)
                                    where not exists (select from audit.activity_log as a
                                                       where a.entity_type = 'project_sub_stage_progress' and a.entity_id = w.id
                                                         and a.organization_id = w.tenant and a.action = 'update'
                                                         and a.new_values ->> 'status' = w.status
                                                         and a.new_values -> 'metadata' -> 'log' @> jsonb_build_array(
                                                               jsonb_build_object('comment', w.comment)))""",
                                 [(w.entity, w.value, w.tenant, w.status) for w in self.writes if w.kind == "progress"])
            # A decision updates its approval: the final one records its comment, a step's moves the approval on.
            unaudited += missing("""select w.id from unnest(%s::text[], %s::text[], %s::uuid[], %s::text[])
                                           as w (id, comment, tenant, status)
                                    where not exists (select from audit.activity_log as a
                                                       where a.entity_type = 'approvals' and a.entity_id = w.id
                                                         and a.organization_id = w.tenant and a.action = 'update'
                                                         and (a.new_values ->> 'decision_comment' = w.comment
                                                              or (w.status = 'pending' and exists (
                                                                    select from app.approval_history as h
                                                                     where h.organization_id = w.tenant and h.approval_id = w.id::uuid
                                                                       and h.comments = w.comment
                                                                       and abs(extract(epoch from a.occurred_at - h.action_at)) < 1))))""",
                                 [(w.entity, w.value, w.tenant, w.status) for w in self.writes if w.kind == "decision"])
            projects_of: dict[str, list[str]] = dict(conn.execute("""select organization_id::text, array_agg(id::text) from app.projects
                                                 where organization_id = any(%s::uuid[]) group by 1""",
                                            [list(self.tenants)]).fetchall())
        foreign_events = [e for e in self.events if e.organization != e.subscriber_tenant
                          or (e.project is not None and e.project not in set(projects_of.get(e.subscriber_tenant, [])))]
        expected, delivered, latencies = self.delivery()
        per_socket_events = len(self.events)
        return {"lost": lost, "unaudited": unaudited, "foreign_events": foreign_events, "expected_events": expected,
                "delivered_events": delivered, "event_latency": latencies, "events": per_socket_events}

    # -- report --------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        checks = self.verify()
        server_errors = sum(c["5xx"] + c["transport"] for c in self.outcome.counts.values())
        requests = sum(sum(c.values()) for c in self.outcome.counts.values())
        writes: dict[str, int] = defaultdict(int)
        for write in self.writes:
            writes[write.kind] += 1
        return {"checks": checks, "server_errors": server_errors, "requests": requests, "writes": dict(writes),
                "foreign_rows": self.outcome.foreign_rows, "subscribed": self.subscribed,
                "subscribers": len(self.subscriber_tenants), "subscription_errors": self.subscription_errors}

    def report(self, summary: dict[str, Any]) -> str:
        s, checks = self.s, summary["checks"]
        lines = [f"Mixed load: {len(self.users)} users in {len(self.tenants)} tenants, {self.elapsed:.1f} s, think "
                 f"{s.think_ms:.0f} ms +-50 %; {summary['subscribed']}/{summary['subscribers']} subscribers "
                 f"({s.subscribers} per tenant); setup {self.setup_seconds:.1f} s",
                 f"REST {s.rest}  GraphQL {s.graphql}",
                 f"{os.cpu_count()} cores; load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}; "
                 f"the driver itself used {self.driver_cpu:.1f} CPU s in the {self.elapsed:.0f} s", "",
                 f"{'operation':<24} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'4xx':>5} {'5xx':>5}"]
        for operation in sorted(self.outcome.latency):
            values = sorted(self.outcome.latency[operation])
            counts = self.outcome.counts[operation]
            lines.append(f"{operation:<24} {len(values):>6} {percentile(values, 0.5):>8.1f} {percentile(values, 0.99):>8.1f}"
                         f" {values[-1]:>8.1f} {counts['4xx']:>5} {counts['5xx'] + counts['transport']:>5}")
        seconds = max(self.elapsed, 0.001)
        writes = summary["writes"]
        lines += ["",
                  f"throughput: {summary['requests']} requests, {summary['requests'] / seconds:.1f} requests/s; "
                  f"{sum(writes.values())} acknowledged writes, {sum(writes.values()) / seconds:.1f} writes/s "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(writes.items()))}); {self.approval_requests} approvals requested",
                  f"events: {checks['events']} received by the subscribers; acknowledged progress actions and decisions heard "
                  f"{checks['delivered_events']}/{checks['expected_events']}"
                  + (f", p50 {percentile(sorted(checks['event_latency']), 0.5):.0f} ms p99 "
                     f"{percentile(sorted(checks['event_latency']), 0.99):.0f} ms from the request"
                     if checks["event_latency"] else ""),
                  "",
                  "refusals (4xx): " + (", ".join(f"{reason} x{count}" for reason, count in
                                                  sorted(self.outcome.refusals.items(), key=lambda item: -item[1])) or "none"),
                  "",
                  f"5xx and transport failures:            {summary['server_errors']}",
                  f"lost acknowledged writes:              {len(checks['lost'])} of {sum(writes.values())}",
                  f"acknowledged writes without audit:     {len(checks['unaudited'])}",
                  f"rows of another tenant in reads:       {summary['foreign_rows']}",
                  f"events of another tenant received:     {len(checks['foreign_events'])}",
                  f"subscription errors:                   {len(summary['subscription_errors'])}"]
        for fault in self.outcome.faults + summary["subscription_errors"][:5]:
            lines.append(f"  {fault}")
        return "\n".join(lines)


def refusal_reason(detail: str) -> str:
    """`code details` of a refusal: PostgREST's error body after the status, or GraphQL's errors."""
    try:
        body = json.loads(detail.split(" ", 1)[1] if detail[:3].isdigit() else detail)
    except (ValueError, IndexError):
        return "unparsed"
    error = body[0].get("extensions") or {} if isinstance(body, list) and body else body if isinstance(body, dict) else {}
    return f"{error.get('code')} {error.get('details')}"


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def passed(summary: dict[str, Any]) -> bool:
    checks = summary["checks"]
    return not (summary["server_errors"] or checks["lost"] or checks["unaudited"] or summary["foreign_rows"]
                or checks["foreign_events"] or summary["subscription_errors"])


def main() -> int:
    sys.path.insert(0, str(ROOT / "cli"))
    from pulse.config import Settings as PulseSettings  # type: ignore[import-untyped]

    pulse = PulseSettings.load(ROOT)
    settings = Settings.from_environment(pulse.rest_url, pulse.graphql_url, pulse.database_url, pulse.jwt_secret)
    load = Load(settings)
    load.setup()
    asyncio.run(load.run())
    summary = load.summary()
    print(load.report(summary))
    return 0 if passed(summary) else 1


if __name__ == "__main__":
    sys.exit(main())
