"""Maintenance work over both servers: an anonymous caller reads a QR code's asset name and submits a work request
over REST (and is rate-limited with HTTP 429), a planner converts it into a work order and schedules it, a technician
starts and completes it and logs labour, a supervisor verifies it; the costs and the contractor's view over GraphQL."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import TEST_PASSWORD, World, graphql, rest

pytestmark = pytest.mark.stack


def test_a_qr_request_becomes_a_work_order_that_is_done_costed_and_seen_by_its_contractor(live: dict[str, Any], world: World) -> None:
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    equipment_class = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    pump = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump 9')", tenant, equipment_class, plant))
    contractor = str(world.sql("select tests.create_partner(%s, 'supplier')", tenant))
    world.sql("insert into app.partner_roles (organization_id, partner_id, role) values (%s, %s, 'contractor') returning partner_id",
              tenant, contractor)
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    technician_person = world.member(tenant, "technician", site=plant)
    technician_id, technician = technician_person.id, world.sign_in(technician_person)
    supervisor = world.sign_in(world.member(tenant, "maintenance_supervisor"))
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=contractor))

    token = rest(live, "POST", "/rpc/issue_work_request_token", planner, json={"equipment_id": pump})
    assert token.status_code == 200, token.text
    qr = token.json()

    # Anonymous: the asset's name, a request, then the rate limit.
    name = rest(live, "POST", "/rpc/work_request_asset", None, json={"token": qr})
    assert (name.status_code, name.json()) == (200, "Pump 9"), name.text
    unknown = rest(live, "POST", "/rpc/work_request_asset", None, json={"token": "nope"})
    assert (unknown.status_code, unknown.json()["details"]) == (404, "work_request.token_unknown")
    submitted = rest(live, "POST", "/rpc/submit_work_request", None,
                     json={"token": qr, "title": "Bearing noise", "description": "loud", "contact": "ext. 7"})
    assert submitted.status_code == 200 and submitted.json().startswith("WR-"), submitted.text
    for n in range(4):
        rest(live, "POST", "/rpc/submit_work_request", None, json={"token": qr, "title": f"again {n}"})
    limited = rest(live, "POST", "/rpc/submit_work_request", None, json={"token": qr, "title": "sixth"})
    assert (limited.status_code, limited.json()["details"]) == (429, "work_request.rate_limited"), limited.text
    assert rest(live, "GET", "/work_requests", None).status_code == 401

    # The planner converts and schedules; the technician works; the supervisor verifies.
    request = rest(live, "GET", "/work_requests?title=eq.Bearing noise", planner).json()[0]
    assert request["contact"] == "ext. 7"
    order = rest(live, "POST", "/rpc/convert_work_request", planner, json={"work_request_id": request["id"], "is_breakdown": True}).json()
    assert (order["status"], order["work_order_number"][:3], order["site_id"]) == ("planned", "WO-", plant), order
    scheduled = rest(live, "POST", "/rpc/schedule_work_order", planner,
                     json={"work_order_id": order["id"], "assignee_id": technician_id, "starts_at": "2026-01-01T08:00:00Z",
                           "ends_at": "2026-01-01T10:00:00Z"})
    assert (scheduled.status_code, scheduled.json()["status"]) == (200, "scheduled"), scheduled.text
    rest(live, "POST", "/rpc/set_labour_rate", planner, json={"hourly_rate": 70, "currency": "EUR", "user_id": technician_id})
    rest(live, "POST", "/rpc/assign_work_order_contractor", planner, json={"work_order_id": order["id"], "contractor_id": contractor})
    charge = rest(live, "POST", "/rpc/add_contractor_charge", planner,
                  json={"work_order_id": order["id"], "partner_id": contractor, "amount": 300, "currency": "EUR"})
    assert charge.status_code == 200, charge.text
    early = rest(live, "POST", "/rpc/transition_work_order", technician, json={"work_order_id": order["id"], "to_state": "completed"})
    assert (early.status_code, early.json()["details"]) == (409, "work_order.transition_invalid")
    started = rest(live, "POST", "/rpc/transition_work_order", technician, json={"work_order_id": order["id"], "to_state": "in_progress"})
    assert started.status_code == 200, started.text
    # Completion is signed: the plain move is refused, a wrong password applies nothing (403), the right one completes.
    unsigned = rest(live, "POST", "/rpc/transition_work_order", technician, json={"work_order_id": order["id"], "to_state": "completed"})
    assert (unsigned.status_code, unsigned.json()["details"]) == (409, "work_order.signature_required"), unsigned.text
    wrong = rest(live, "POST", "/rpc/complete_work_order", technician,
                 json={"work_order_id": order["id"], "signature_password": "not my password", "reason": "done"})
    assert (wrong.status_code, wrong.headers.get("Pulse-Refusal")) == (403, "signature.wrong_password"), wrong.text
    # Over GraphQL the same refusal is an error, not a null result that reads as a success.
    wrong_gql = graphql(live, """mutation($id: UUID!) { completeWorkOrder(input: {workOrderId: $id, signaturePassword: "not my password",
                                   reason: "done"}) { result { status } } }""", technician, {"id": order["id"]}).json()
    assert wrong_gql["errors"][0]["extensions"] == {
        "code": "PT403", "details": "signature.wrong_password", "hint": None}, wrong_gql
    assert world.sql("select status from app.work_orders where id = %s", order["id"]) == "in_progress"
    completed = rest(live, "POST", "/rpc/complete_work_order", technician,
                     json={"work_order_id": order["id"], "signature_password": TEST_PASSWORD, "reason": "Bearing replaced"})
    assert (completed.status_code, completed.json()["status"]) == (200, "completed"), completed.text
    labour = rest(live, "POST", "/rpc/log_labour", technician,
                  json={"work_order_id": order["id"], "started_at": "2026-01-01T08:00:00Z", "ended_at": "2026-01-01T09:30:00Z"})
    assert (labour.status_code, labour.json()["cost"]) == (200, 105), labour.text
    verified = rest(live, "POST", "/rpc/verify_work_order", supervisor,
                    json={"work_order_id": order["id"], "signature_password": TEST_PASSWORD, "reason": "Checked on site"})
    assert (verified.status_code, verified.json()["status"]) == (200, "verified"), verified.text
    signatures = rest(live, "GET", f"/work_order_signatures?work_order_id=eq.{order['id']}&select=meaning,reason&order=to_status",
                      supervisor)
    assert signatures.json() == [{"meaning": "performed", "reason": "Bearing replaced"},
                                 {"meaning": "verified", "reason": "Checked on site"}]

    # Costs over GraphQL; the contractor's portal user sees the work order and its charge, nothing else.
    costs = graphql(live, "{ workOrderCosts { nodes { workOrderNumber labourCost contractorCost totalCost currency } } }",
                    planner).json()
    assert "errors" not in costs, costs
    [cost] = costs["data"]["workOrderCosts"]["nodes"]
    assert (cost["workOrderNumber"], cost["currency"]) == (order["work_order_number"], "EUR")
    assert [float(cost[key]) for key in ("labourCost", "contractorCost", "totalCost")] == [105, 300, 405]

    # Labour rates and costs are the planner's and each person's own (#17 review): the supervisor reads the labour, not its rate.
    hidden = rest(live, "GET", f"/labour_entries?work_order_id=eq.{order['id']}&select=hourly_rate", supervisor)
    assert (hidden.status_code, hidden.json()["code"]) == (403, "42501"), hidden.text
    hours = rest(live, "GET", f"/labour_entries?work_order_id=eq.{order['id']}&select=user_id,hours", supervisor).json()
    assert hours == [{"user_id": technician_id, "hours": 1.5}], hours
    assert rest(live, "GET", "/labour_entry_costs", supervisor).json() == []
    own = rest(live, "GET", "/labour_entry_costs?select=hourly_rate,cost", technician).json()
    assert own == [{"hourly_rate": 70, "cost": 105}], own
    assert graphql(live, "{ labourEntryCosts { nodes { cost } } }", supervisor).json() == {"data": {"labourEntryCosts": {"nodes": []}}}
    assert "errors" in graphql(live, "{ labourEntries { nodes { hourlyRate } } }", supervisor).json()
    # Labour on a verified work order is refused as such; the technician no longer reverses, the planner does (GraphQL).
    late = rest(live, "POST", "/rpc/log_labour", technician,
                json={"work_order_id": order["id"], "started_at": "2026-01-01T10:00:00Z", "hours": 1})
    assert (late.status_code, late.json()["details"]) == (409, "labour.work_order_closed"), late.text
    entry = rest(live, "GET", f"/labour_entries?work_order_id=eq.{order['id']}&select=id", planner).json()[0]["id"]
    refused = rest(live, "POST", "/rpc/reverse_labour", technician, json={"entry_id": entry, "reason": "wrong job"})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing"), refused.text
    reversed_ = graphql(live, """mutation($id: UUID!) { reverseLabour(input: {entryId: $id, reason: "wrong job"}) {
                                     result { hours reversesId } } }""", planner, {"id": entry}).json()
    assert reversed_ == {"data": {"reverseLabour": {"result": {"hours": "-1.50", "reversesId": entry}}}}, reversed_
    again = rest(live, "POST", "/rpc/reverse_labour", planner, json={"entry_id": entry, "reason": "again"})
    assert (again.status_code, again.json()["details"]) == (409, "labour.already_reversed"), again.text
    netted = rest(live, "GET", f"/work_order_costs?work_order_id=eq.{order['id']}&select=labour_cost", planner).json()
    assert netted == [{"labour_cost": 0}], netted
    seen = graphql(live, """{ workOrders { nodes { workOrderNumber status contractorCharges { totalCount } } } }""", portal).json()
    assert "errors" not in seen, seen
    assert seen["data"]["workOrders"]["nodes"] == [
        {"workOrderNumber": order["work_order_number"], "status": "verified", "contractorCharges": {"totalCount": 1}}]
    assert rest(live, "GET", "/work_requests", portal).json() == []


def test_resuming_a_hold_re_runs_the_lockout_guard_of_in_progress(live: dict[str, Any], world: World) -> None:
    """A work order held in progress returns there only through the start's guards: lockout removed while on hold,
    resume is refused with work_order.lockout_unsigned over REST and GraphQL; applied again, it resumes."""
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    press_class = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    world.sql("update app.equipment_classes set requires_lockout = true where id = %s", press_class)
    press = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Press 4')", tenant, press_class, plant))
    manager = world.sign_in(world.member(tenant, "management"))
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    technician_person = world.member(tenant, "technician", site=plant)
    technician = world.sign_in(technician_person)

    assert rest(live, "POST", "/rpc/define_checklist_template", manager, json={
        "entity_type": "work_order", "key": "maintenance-lockout", "name": "Lockout/tagout",
        "items": [{"label": "Energy sources isolated"}]}).status_code == 200
    order = rest(live, "POST", "/rpc/create_work_order", planner,
                 json={"equipment_id": press, "work_type": "corrective", "title": "Ram stuck"}).json()
    assert rest(live, "POST", "/rpc/schedule_work_order", planner, json={
        "work_order_id": order["id"], "assignee_id": technician_person.id,
        "starts_at": "2026-01-01T08:00:00Z", "ends_at": "2026-01-01T10:00:00Z"}).status_code == 200
    checklist = rest(live, "POST", "/rpc/start_checklist", technician,
                     json={"template_key": "maintenance-lockout", "entity_type": "work_order", "entity_id": order["id"]}).json()
    item = rest(live, "GET", f"/checklist_items?checklist_id=eq.{checklist['id']}", technician).json()[0]
    assert rest(live, "POST", "/rpc/check_checklist_item", technician, json={"item_id": item["id"]}).status_code == 200

    def sign(action: str, reason: str) -> None:
        signed = rest(live, "POST", "/rpc/sign_work_order_lockout", technician, json={
            "work_order_id": order["id"], "action": action, "signature_password": TEST_PASSWORD, "reason": reason})
        assert signed.status_code == 200, signed.text

    def move(to_state: str, reason: str | None = None) -> Any:
        return rest(live, "POST", "/rpc/transition_work_order", technician,
                    json={"work_order_id": order["id"], "to_state": to_state, "reason": reason})

    sign("applied", "Isolated at MCC-4")
    assert move("in_progress").json()["status"] == "in_progress"
    held = move("on_hold", "waiting for the seal kit")
    assert (held.status_code, held.json()["status"], held.json()["held_from"]) == (200, "on_hold", "in_progress"), held.text
    sign("removed", "Line needed while waiting")

    refused = move("resume")
    assert (refused.status_code, refused.json()["details"]) == (409, "work_order.lockout_unsigned"), refused.text
    by_graphql = graphql(live, """mutation($id: UUID!) {
        transitionWorkOrder(input: {workOrderId: $id, toState: "resume"}) { result { status } } }""",
                         technician, {"id": order["id"]}).json()
    assert by_graphql["errors"][0]["extensions"]["details"] == "work_order.lockout_unsigned", by_graphql
    assert rest(live, "GET", f"/work_orders?id=eq.{order['id']}&select=status", planner).json() == [{"status": "on_hold"}]

    sign("applied", "Isolated again at MCC-4")
    resumed = move("resume")
    assert (resumed.status_code, resumed.json()["status"], resumed.json()["held_from"]) == (200, "in_progress", None), resumed.text
