"""GraphQL subscriptions over websockets (graphql-transport-ws): tenant-scoped and read through RLS.

The database NOTIFYs pulse:<topic>:<organization id> (db/functions/60_workflow/60_events.sql);
the GraphQL server listens to the subscriber's own tenant only and delivers an
event only when auth.realtime_event, run as the subscriber, returns it (when
they can read its row). Every test builds its tenants with the factories.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import ExitStack

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from helpers import Person, World, rest, wait_for_listen

pytestmark = pytest.mark.stack

PROGRESS = """subscription ($projectId: UUID) {
  projectProgressChanged(projectId: $projectId) {
    event organizationId projectId progressId subStageId status previousStatus occurredAt
    progress { rowId projectId status project { projectNumber title } }
  }
}"""
APPROVALS = """subscription ($projectId: UUID) {
  approvalChanged(projectId: $projectId) {
    event organizationId approvalId projectId approvalType status previousStatus currentApproverId occurredAt
    approval { rowId status entityType projectId }
  }
}"""
QUIET = 1.5  # how long "nothing arrives" is watched for
DELIVERY = 3.0  # how long an expected event may take


class GraphQLSocket:
    """A minimal graphql-transport-ws client: one socket, one subscription at a time."""

    def __init__(self, live: dict, bearer: str | None = None, header: str | None = None):
        """`bearer` goes in connection_init's payload, `header` in the upgrade request's Authorization header."""
        self.stack = ExitStack()
        self.ws = self.stack.enter_context(connect(
            live["graphql"].replace("http://", "ws://", 1), subprotocols=["graphql-transport-ws"], open_timeout=DELIVERY,
            additional_headers={"Authorization": f"Bearer {header}"} if header else None))
        self.ws.send(json.dumps({"type": "connection_init",
                                 "payload": {"authorization": f"Bearer {bearer}"} if bearer else {}}))
        assert self.receive(DELIVERY) == {"type": "connection_ack"}
        self.id = None

    def receive(self, timeout: float) -> dict | None:
        try:
            return json.loads(self.ws.recv(timeout=timeout))
        except TimeoutError:
            return None

    def subscribe(self, query: str, **variables) -> GraphQLSocket:
        self.id = uuid.uuid4().hex
        self.ws.send(json.dumps({"id": self.id, "type": "subscribe",
                                 "payload": {"query": query, "variables": variables}}))
        return self

    def messages(self, seconds: float, until=None) -> list[dict]:
        """Every message of the subscription within `seconds` (or up to the first that satisfies `until`)."""
        deadline, received = time.monotonic() + seconds, []
        while (left := deadline - time.monotonic()) > 0:
            message = self.receive(left)
            if message is None:
                break
            if message.get("type") == "ping":
                self.ws.send(json.dumps({"type": "pong"}))
                continue
            assert message.get("id") == self.id, message
            received.append(message)
            if message["type"] in ("error", "complete") or (until and until(message)):
                break
        return received

    def events(self, seconds: float, until=None) -> list[dict]:
        """The event payloads delivered within `seconds`; a refusal or an error fails the test."""
        received = self.messages(seconds, until)
        for message in received:
            assert message["type"] == "next" and "errors" not in message["payload"], message
        return [message["payload"]["data"] for message in received]

    def first(self, predicate, seconds: float = DELIVERY) -> dict:
        """The first event that satisfies `predicate`."""
        events = self.events(seconds, until=lambda m: m["type"] == "next" and predicate(m["payload"].get("data")))
        matching = [event for event in events if predicate(event)]
        assert matching, f"no matching event within {seconds} s; got {events}"
        return matching[0]

    def close(self) -> None:
        try:
            if self.id:
                self.ws.send(json.dumps({"id": self.id, "type": "complete"}))
        except ConnectionClosed:
            pass
        self.stack.close()

    def __enter__(self) -> GraphQLSocket:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def subscribe(live: dict, world: World, person: Person, query: str, topic: str = "progress",
              **variables) -> GraphQLSocket:
    socket = GraphQLSocket(live, world.sign_in(person)).subscribe(query, **variables)
    wait_for_listen(live, topic, person.tenant, DELIVERY)
    return socket


def create_project(live: dict, bearer: str, title: str, **fields) -> dict:
    response = rest(live, "POST", "/projects", bearer, headers={"Prefer": "return=representation"},
                    json={"title": title, **fields})
    assert response.status_code == 201, response.text
    return response.json()[0]


def in_progress(live: dict, bearer: str, project_id: str) -> dict:
    rows = rest(live, "GET", f"/project_workflow?project_id=eq.{project_id}&status=eq.in_progress"
                             "&is_current_stage=is.true", bearer).json()
    assert len(rows) == 1, rows
    return rows[0]


def act(live: dict, bearer: str, project_id: str, sub_stage_id: str, action: str) -> dict:
    response = rest(live, "POST", "/rpc/update_progress", bearer,
                    json={"project_id": project_id, "sub_stage_id": sub_stage_id, "action": action})
    assert response.status_code == 200, response.text
    return response.json()


def complete_first_sub_stage(live: dict, bearer: str, title: str, **fields) -> tuple[dict, dict]:
    """Create a project (its first sub-stage is rfq-review, a sales task) and complete that sub-stage."""
    project = create_project(live, bearer, title, **fields)
    step = in_progress(live, bearer, project["id"])
    assert step["sub_stage_slug"] == "rfq-review" and "sales" in step["responsible_roles"], step
    act(live, bearer, project["id"], step["sub_stage_id"], "complete")
    return project, step


def about(project: dict):
    return lambda event: event and event["projectProgressChanged"]["projectId"] == project["id"]


def test_real_time_subscriptions_notify_clients_of_progress_changes_never_another_tenants(live, world):
    tenants = [world.workflow_tenant(), world.workflow_tenant()]
    sockets = [subscribe(live, world, world.person(tenant, "qa"), PROGRESS) for tenant in tenants]
    with sockets[0], sockets[1]:
        for index, tenant in enumerate(tenants):
            own, other = sockets[index], sockets[1 - index]
            seller = world.sign_in(world.person(tenant, "sales"))
            title = f"Realtime isolation {index}"
            project, step = complete_first_sub_stage(live, seller, title)

            done = own.first(lambda e, project=project: about(project)(e) and e["projectProgressChanged"]["status"] == "completed")
            event = done["projectProgressChanged"]
            assert event["event"] == "progress.updated" and event["previousStatus"] == "in_progress"
            assert event["organizationId"] == tenant and event["subStageId"] == step["sub_stage_id"]
            assert event["progressId"] == step["progress_id"]
            assert event["progress"] == {"rowId": step["progress_id"], "projectId": project["id"], "status": "completed",
                                         "project": {"projectNumber": project["project_number"], "title": title}}
            # The other tenant's subscriber hears nothing of it (nor anything else: nobody acts there now).
            assert other.events(QUIET) == []
            own.events(0.3)  # drain the rest of this project's events (seeding, the next sub-stage starting)


def test_events_of_one_project_only(live, world):
    tenant = world.workflow_tenant()
    seller = world.sign_in(world.person(tenant, "sales"))
    first = create_project(live, seller, "Realtime filter, watched")
    with subscribe(live, world, world.person(tenant, "engineering"), PROGRESS, projectId=first["id"]) as socket:
        complete_first_sub_stage(live, seller, "Realtime filter, not watched")
        step = in_progress(live, seller, first["id"])
        act(live, seller, first["id"], step["sub_stage_id"], "complete")
        events = socket.events(QUIET)
    assert events and all(e["projectProgressChanged"]["projectId"] == first["id"] for e in events), events


def test_real_time_subscriptions_notify_clients_of_approval_changes(live, world):
    tenant = world.workflow_tenant()
    bearer = world.sign_in(world.person(tenant, "management"))
    project = create_project(live, bearer, "Realtime approvals")
    stages = rest(live, "GET", "/workflow_stages?slug=eq.technical-review&select=id", bearer).json()
    assert len(stages) == 1, stages
    moved = rest(live, "POST", "/rpc/override_project_stage", bearer,
                 json={"project_id": project["id"], "stage_id": stages[0]["id"], "reason": "realtime test"})
    assert moved.status_code == 200, moved.text
    step = in_progress(live, bearer, project["id"])
    assert step["sub_stage_slug"] == "engineering-review" and step["requires_approval"], step

    # The portal user subscribes first, so that the channel's LISTEN shows their subscription has started.
    with subscribe(live, world, world.person(tenant, "customer_portal"), APPROVALS, "approvals") as portal_socket, \
            subscribe(live, world, world.person(tenant, "finance"), APPROVALS, "approvals",
                      projectId=project["id"]) as socket:
        act(live, bearer, project["id"], step["sub_stage_id"], "complete")
        requested = socket.first(lambda e: e and e["approvalChanged"]["event"] == "approval.requested")
        event = requested["approvalChanged"]
        assert event["projectId"] == project["id"] and event["organizationId"] == tenant
        assert (event["status"], event["previousStatus"], event["approvalType"]) == ("pending", None, "technical_review")
        assert event["approval"] == {"rowId": event["approvalId"], "status": "pending",
                                     "entityType": "project_sub_stage", "projectId": project["id"]}

        cancelled = rest(live, "POST", "/rpc/cancel_approval", bearer,
                         json={"approval_id": event["approvalId"], "reason": "realtime test"})
        assert cancelled.status_code == 200, cancelled.text
        updated = socket.first(lambda e: e and e["approvalChanged"]["status"] == "cancelled")["approvalChanged"]
        assert (updated["event"], updated["previousStatus"]) == ("approval.updated", "pending")
        assert updated["approval"]["status"] == "cancelled"
        # Approvals are for the tenant's staff: a portal user is never told about them.
        assert portal_socket.events(QUIET) == []


def refusal(socket: GraphQLSocket, query: str) -> tuple[str, str | None]:
    """Subscribing is refused with one `error` message (never `next`): its code and reason."""
    received = socket.subscribe(query).messages(DELIVERY)
    assert [m["type"] for m in received] == ["error"], received
    extensions = received[0]["payload"][0]["extensions"]
    return extensions["code"], extensions.get("details")


def test_anonymous_and_tenantless_subscriptions_are_refused(settings, live, world):
    qa = world.person(world.workflow_tenant(), "qa")
    with GraphQLSocket(live) as socket:
        assert refusal(socket, PROGRESS)[0] == "PT401"
    tenantless = world.mint(settings, qa, org_id=None)
    with GraphQLSocket(live, tenantless) as socket:
        assert refusal(socket, APPROVALS) == ("PT403", "realtime.no_tenant")
    # The upgrade request's Authorization header is verified the same way.
    with GraphQLSocket(live, header=tenantless) as socket:
        assert refusal(socket, PROGRESS) == ("PT403", "realtime.no_tenant")
    for bad in ({"bearer": "not.a.token"}, {"header": "not.a.token"},
                {"bearer": world.mint(settings, qa, exp=1_000_000_000)}):
        with GraphQLSocket(live, **bad) as socket:
            assert refusal(socket, PROGRESS)[0] == "PGRST301"


def test_a_portal_user_hears_nothing_of_progress_rows(live, world):
    tenant = world.workflow_tenant()
    portal, sales = world.person(tenant, "customer_portal"), world.person(tenant, "sales")
    bearer = world.sign_in(sales)
    customer = str(world.sql("select tests.portal_customer(%s)", tenant))
    with subscribe(live, world, portal, PROGRESS) as socket, subscribe(live, world, sales, PROGRESS) as staff_socket:
        own_project, _ = complete_first_sub_stage(live, bearer, "Realtime portal", customer_organization_id=customer)
        # The staff subscriber hears the completion, so the events were sent while the portal user listened.
        staff_socket.first(lambda event: about(own_project)(event)
                           and event["projectProgressChanged"]["status"] == "completed")
        events = socket.events(QUIET)
    # Progress rows are staff records (their metadata log and blocked_reason hold staff comments): a
    # portal user reads none, so none of their events reaches them, not even of their customer's project.
    # The customer follows progress through app.customer_project_progress (docs/security.md).
    assert events == [], events
    status = rest(live, "GET", f"/customer_project_progress?project_id=eq.{own_project['id']}&status=eq.completed",
                  world.sign_in(portal)).json()
    assert len(status) == 1, status


def test_a_subscription_ends_when_its_session_does(live, world):
    tenant = world.workflow_tenant()
    watcher = world.person(tenant, "logistics")
    token = world.sign_in(watcher)
    socket = GraphQLSocket(live, token).subscribe(PROGRESS)
    wait_for_listen(live, "progress", tenant, DELIVERY)
    with socket:
        assert rest(live, "POST", "/rpc/logout", token, json={}).json() is True
        create_project(live, world.sign_in(world.person(tenant, "sales")), "Realtime after logout")
        received = socket.messages(DELIVERY)
    # auth.check_request() runs with every event (auth.realtime_event): the ended session's next event ends it.
    assert [m["type"] for m in received] == ["error"], received
    assert received[0]["payload"][0]["extensions"]["code"] == "PT401"
