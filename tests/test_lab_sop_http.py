"""Service requests, SOP tasks and work queues over HTTP (issue #15, the sop part): a customer's portal user submits
a request and reads only their own, refusals answer with their status and reason, the lab accepts it through
PostGraphile; a manager hands out an SOP task, the assignee performs its gated steps over both servers, and the work
queue and SLA views show it; another tenant sees nothing."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

ACCEPT = """mutation ($id: UUID!) {
  acceptServiceRequest(input: {serviceRequestId: $id}) { result { requestNumber status acceptedAt } }
}"""
START = """mutation ($id: UUID!) {
  startSopStep(input: {taskStepId: $id}) { result { title status startedAt } }
}"""
QUEUE = """{ labWorkQueues(orderBy: DUE_AT_ASC) { nodes { kind reference slaState isMine } } }"""


def lab(world: World) -> tuple[str, str, str]:
    """A lab tenant (tests.create_lab_tenant): its id, its site and its customer."""
    tenant = str(world.sql("select tests.create_lab_tenant()"))
    site, customer = (
        world.sql("select id from app.sites where organization_id = %s order by created_at desc limit 1", tenant),
        world.sql("select id from app.partners where organization_id = %s order by created_at limit 1", tenant))
    return tenant, str(site), str(customer)


def test_service_requests_over_both_servers(live) -> None:
    world = World(live)
    tenant, site, customer = lab(world)
    other_customer = str(world.sql("select tests.create_partner(%s)", tenant))
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=customer))
    manager = world.sign_in(world.member(tenant, "lab_manager"))
    stranger = world.sign_in(world.member(world.tenant(), "admin"))

    submitted = rest(live, "POST", "/rpc/submit_service_request", portal,
                     json={"title": "Quarterly well water", "requested_tests": ["ph"], "site_id": site})
    assert submitted.status_code == 200, submitted.text
    request = submitted.json()
    assert (request["request_number"], request["partner_id"], request["status"]) == ("SR-000001", customer, "submitted")

    foreign = rest(live, "POST", "/rpc/submit_service_request", portal,
                   json={"title": "Theirs", "requested_tests": ["ph"], "partner_id": other_customer})
    assert (foreign.status_code, foreign.json()["details"]) == (403, "service_request.foreign_partner")
    unknown = rest(live, "POST", "/rpc/submit_service_request", portal, json={"title": "Odd", "requested_tests": ["nope"]})
    assert (unknown.status_code, unknown.json()["details"]) == (422, "service_request.unknown_test")
    assert [row["id"] for row in rest(live, "GET", "/service_requests?select=id", portal).json()] == [request["id"]]

    accepted = graphql(live, ACCEPT, manager, {"id": request["id"]}).json()
    assert "data" in accepted, accepted
    assert accepted["data"]["acceptServiceRequest"]["result"]["status"] == "accepted", accepted
    again = graphql(live, ACCEPT, manager, {"id": request["id"]}).json()
    assert again["errors"][0]["extensions"]["details"] == "service_request.status_transition", again
    hidden = rest(live, "POST", "/rpc/accept_service_request", stranger, json={"service_request_id": request["id"]})
    assert (hidden.status_code, hidden.json()["details"]) == (404, "service_request.not_found")
    assert rest(live, "GET", "/service_requests", stranger).json() == []


def test_sop_task_steps_and_work_queue_over_both_servers(live) -> None:
    world = World(live)
    tenant, site, _customer = lab(world)
    manager_person = world.member(tenant, "lab_manager")
    tech_person = world.member(tenant, "lab_tech", site=site)
    untrained = world.member(tenant, "lab_tech", site=site)
    qualification = world.sql("select tests.create_qualification(%s, 'ph-meter')", tenant)
    world.sql("insert into app.person_qualifications (organization_id, user_id, qualification_id, evidence) values (%s, %s, %s, 'x')",
              tenant, tech_person.id, qualification)
    template = str(world.sql("select tests.create_sop_template(%s, 'SOP-PH', p_qualification_id => %s)", tenant, qualification))
    sample = str(world.sql("select tests.create_sample(%s, (select id from app.sample_types where organization_id = %s), %s)",
                           tenant, tenant, site))
    manager, tech = world.sign_in(manager_person), world.sign_in(tech_person)

    task = {"template_id": template, "entity_type": "sample", "entity_id": sample, "due_at": "2020-01-01T00:00:00Z"}
    unqualified = rest(live, "POST", "/sop_tasks", manager, json={**task, "assigned_to": untrained.id})
    assert (unqualified.status_code, unqualified.json()["details"]) == (422, "sop_task.assignee_unqualified")
    assert "ph-meter" in unqualified.json()["message"]
    created = rest(live, "POST", "/sop_tasks", manager, headers={"Prefer": "return=representation"},
                   json={**task, "assigned_to": tech_person.id})
    assert created.status_code == 201, created.text
    task_id = created.json()[0]["id"]
    steps = rest(live, "GET", f"/sop_task_steps?task_id=eq.{task_id}&select=id,position,title,status&order=position", tech).json()
    assert [(step["title"], step["status"]) for step in steps] == [("Prepare", "pending"), ("Measure", "pending")]

    blocked = rest(live, "POST", "/rpc/start_sop_step", tech, json={"task_step_id": steps[1]["id"]})
    assert (blocked.status_code, blocked.json()["details"]) == (409, "sop_step.blocked")
    assert "1. Prepare (pending)" in blocked.json()["message"]
    started = graphql(live, START, tech, {"id": steps[0]["id"]}).json()
    assert started["data"]["startSopStep"]["result"]["status"] == "in_progress", started
    done = rest(live, "POST", "/rpc/complete_sop_step", tech,
                json={"task_step_id": steps[0]["id"], "check_values": {"clean": True, "temp": 20.1}})
    assert done.status_code == 200 and done.json()["status"] == "passed", done.text

    queue = graphql(live, QUEUE, tech).json()
    assert queue["data"]["labWorkQueues"]["nodes"] == [
        {"kind": "sop_task", "reference": created.json()[0]["task_number"], "slaState": "overdue", "isMine": True}], queue
    sla = rest(live, "GET", f"/lab_sla_by_assignee?assigned_to=eq.{tech_person.id}&select=open_items,overdue", manager).json()
    assert sla == [{"open_items": 1, "overdue": 1}]
    written = rest(live, "POST", "/lab_work_queue", manager, json={"kind": "x"})
    assert written.status_code in (403, 405), written.text
