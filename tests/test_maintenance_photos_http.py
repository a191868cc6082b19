"""Photo checklist items, lockout/tagout e-signatures and the failure-code Pareto over HTTP (docs/maintenance.md,
db/functions/50_platform/15_checklists.sql, 90_maintenance/76_lockout.sql, 30_failure_codes.sql): a technician at the
plant photographs the lockout tag through the REST upload flow (declare, presigned PUT to the object store, confirm, the
storage worker verifies it), answers the photo item, signs "lockout applied" (a wrong password: 403, nothing signed),
starts, signs "lockout removed" and completes; a planner signs nothing; the Pareto by failure problem per class over
REST and GraphQL, as the caller."""
from __future__ import annotations

import hashlib
import time
from typing import Any

import httpx
import pytest

from helpers import TEST_PASSWORD, World, graphql, rest
from object_store import ObjectStore, verify_sweep

pytestmark = pytest.mark.stack


def refusal(response: httpx.Response) -> tuple[int, str | None]:
    return response.status_code, response.json().get("details")


def stored(live: dict[str, Any], bearer: str, attachment_id: str, seconds: float = 5) -> dict[str, Any]:
    """The attachment once it is no longer verifying (as a client polls), or as it is after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        row: dict[str, Any] = rest(live, "GET", f"/attachments?id=eq.{attachment_id}", bearer).json()[0]
        if row["upload_state"] != "verifying" or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def test_a_lockout_photographed_and_signed_applied_then_removed(live: dict[str, Any], world: World,
                                                                  object_store: ObjectStore) -> None:
    object_store.configure(live["url"])
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    press_class = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    world.sql("update app.equipment_classes set requires_lockout = true where id = %s", press_class)
    press = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Press 2')", tenant, press_class, plant))
    manager = world.sign_in(world.member(tenant, "management"))
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    technician_person = world.member(tenant, "technician", site=plant)
    technician = world.sign_in(technician_person)

    template = rest(live, "POST", "/rpc/define_checklist_template", manager, json={
        "entity_type": "work_order", "key": "maintenance-lockout", "name": "Lockout/tagout",
        "items": [{"label": "Energy sources isolated"}, {"label": "Photo of padlock and tag", "kind": "photo"}]})
    assert template.status_code == 200, template.text
    order = rest(live, "POST", "/rpc/create_work_order", planner,
                 json={"equipment_id": press, "work_type": "corrective", "title": "Ram stuck"}).json()
    scheduled = rest(live, "POST", "/rpc/schedule_work_order", planner,
                     json={"work_order_id": order["id"], "assignee_id": technician_person.id,
                           "starts_at": "2026-01-01T08:00:00Z", "ends_at": "2026-01-01T10:00:00Z"})
    assert scheduled.status_code == 200, scheduled.text
    started = rest(live, "POST", "/rpc/start_checklist", technician,
                   json={"template_key": "maintenance-lockout", "entity_type": "work_order", "entity_id": order["id"]})
    assert started.status_code == 200, started.text
    items = rest(live, "GET", f"/checklist_items?checklist_id=eq.{started.json()['id']}&order=position", technician).json()
    assert [(i["kind"], i["photo_required"]) for i in items] == [("check", False), ("photo", True)]
    assert rest(live, "POST", "/rpc/check_checklist_item", technician, json={"item_id": items[0]["id"]}).status_code == 200
    unanswered = rest(live, "POST", "/rpc/answer_checklist_item", technician, json={"item_id": items[1]["id"], "checked": True})
    assert refusal(unanswered) == (409, "checklist_item.photo_missing"), unanswered.text

    # The photo: declared, PUT to the presigned URL, confirmed, verified by the storage worker.
    content = b"\xff\xd8\xff\xe0 JPEG padlock and tag on the main isolator\n" * 40
    declared = rest(live, "POST", "/rpc/attach_checklist_photo", technician, json={
        "item_id": items[1]["id"], "file_name": "tag.jpg", "mime_type": "image/jpeg", "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest()})
    assert declared.status_code == 200, declared.text
    photo = declared.json()
    assert (photo["upload_state"], photo["checklist_item_id"], photo["entity_id"]) == ("pending", items[1]["id"], order["id"])
    not_image = rest(live, "POST", "/rpc/attach_checklist_photo", technician, json={
        "item_id": items[1]["id"], "file_name": "tag.pdf", "mime_type": "application/pdf", "size_bytes": 3, "sha256": "a" * 64})
    assert refusal(not_image) == (422, "attachment.photo_not_image"), not_image.text
    signed = rest(live, "POST", "/rpc/attachment_upload_url", technician, json={"attachment_id": photo["id"]})
    assert signed.status_code == 200, signed.text
    assert httpx.put(signed.json()["url"], content=content).status_code == 200
    confirmed = rest(live, "POST", "/rpc/confirm_attachment_upload", technician, json={"attachment_id": photo["id"]})
    assert confirmed.json()["upload_state"] == "verifying", confirmed.text
    verify_sweep(live["url"])
    assert stored(live, technician, photo["id"])["upload_state"] == "stored"
    answered = rest(live, "POST", "/rpc/answer_checklist_item", technician, json={"item_id": items[1]["id"], "checked": True})
    assert answered.status_code == 200 and answered.json()["checked_at"], answered.text

    # Lockout applied: signed by the technician (a planner may not; a wrong password signs nothing), then the work starts.
    early = rest(live, "POST", "/rpc/transition_work_order", technician, json={"work_order_id": order["id"], "to_state": "in_progress"})
    assert refusal(early) == (409, "work_order.lockout_unsigned"), early.text
    by_planner = rest(live, "POST", "/rpc/sign_work_order_lockout", planner, json={
        "work_order_id": order["id"], "action": "applied", "signature_password": TEST_PASSWORD, "reason": "isolated"})
    assert refusal(by_planner) == (403, "permission.missing"), by_planner.text
    wrong = rest(live, "POST", "/rpc/sign_work_order_lockout", technician, json={
        "work_order_id": order["id"], "action": "applied", "signature_password": "not mine", "reason": "isolated"})
    assert (wrong.status_code, wrong.headers.get("Pulse-Refusal")) == (403, "signature.wrong_password"), wrong.text
    applied = rest(live, "POST", "/rpc/sign_work_order_lockout", technician, json={
        "work_order_id": order["id"], "action": "applied", "signature_password": TEST_PASSWORD, "reason": "Isolated at MCC-4, tag 17"})
    assert (applied.status_code, applied.json()["meaning"]) == (200, "lockout_applied"), applied.text
    photos = [item["photos"] for item in applied.json()["payload"]["checklist"] if item["kind"] == "photo"]
    assert photos == [[hashlib.sha256(content).hexdigest()]]
    assert rest(live, "POST", "/rpc/transition_work_order", technician,
                json={"work_order_id": order["id"], "to_state": "in_progress"}).status_code == 200

    # Lockout removed before completion.
    blocked = rest(live, "POST", "/rpc/complete_work_order", technician,
                   json={"work_order_id": order["id"], "signature_password": TEST_PASSWORD, "reason": "Ram freed"})
    assert refusal(blocked) == (409, "work_order.lockout_not_removed"), blocked.text
    removed = graphql(live, """mutation($id: UUID!, $pw: String!) {
        signWorkOrderLockout(input: {workOrderId: $id, action: "removed", signaturePassword: $pw, reason: "Energy restored, guards back"}) {
          result { meaning toStatus } } }""", technician, {"id": order["id"], "pw": TEST_PASSWORD}).json()
    assert removed["data"]["signWorkOrderLockout"]["result"] == {"meaning": "lockout_removed", "toStatus": "completed"}, removed
    completed = rest(live, "POST", "/rpc/complete_work_order", technician,
                     json={"work_order_id": order["id"], "signature_password": TEST_PASSWORD, "reason": "Ram freed"})
    assert (completed.status_code, completed.json()["status"]) == (200, "completed"), completed.text
    trail = rest(live, "GET", f"/work_order_signatures?work_order_id=eq.{order['id']}&select=meaning&order=signed_at,id", planner).json()
    assert [row["meaning"] for row in trail] == ["lockout_applied", "lockout_removed", "performed"]


def test_the_failure_pareto_over_rest_and_graphql(live: dict[str, Any], world: World) -> None:
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    pumps = str(world.sql("select tests.create_equipment_class(%s, 'pump', false, null)", tenant))
    pump = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump 1')", tenant, pumps, plant))
    reason = str(world.sql("select tests.create_downtime_reason(%s, 'jam', false, true)", tenant))
    world.sql("""insert into app.failure_codes (organization_id, kind, code, name) values
                 (%s, 'problem', 'LEAK', 'Leak'), (%s, 'cause', 'SEAL-WORN', 'Seal worn'), (%s, 'remedy', 'REPLACE', 'Replace')""",
              tenant, tenant, tenant)
    world.sql("""insert into app.failure_code_combinations (organization_id, class_id, problem_id, cause_id, remedy_id)
                 select %s, %s, p.id, c.id, r.id from app.failure_codes p, app.failure_codes c, app.failure_codes r
                  where p.organization_id = %s and p.code = 'LEAK' and c.organization_id = p.organization_id
                    and c.code = 'SEAL-WORN' and r.organization_id = p.organization_id and r.code = 'REPLACE'""", tenant, pumps, tenant)
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    supervisor = world.sign_in(world.member(tenant, "maintenance_supervisor"))
    order = rest(live, "POST", "/rpc/create_work_order", planner,
                 json={"equipment_id": pump, "work_type": "corrective", "title": "Leak", "is_breakdown": True}).json()
    coded = rest(live, "POST", "/rpc/set_work_order_failure_codes", supervisor,
                 json={"work_order_id": order["id"], "problem_code": "LEAK", "cause_code": "SEAL-WORN", "remedy_code": "REPLACE"})
    assert coded.status_code == 200, coded.text
    world.sql("""insert into app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, work_order_id)
                 values (%s, %s, '2026-03-01 08:00Z', '2026-03-01 14:00Z', %s, %s),
                        (%s, %s, '2026-03-02 08:00Z', '2026-03-02 10:00Z', %s, null)""",
              tenant, pump, reason, order["id"], tenant, pump, reason)

    pareto = rest(live, "GET", "/rpc/failure_pareto?from_at=2026-03-01T00:00:00Z&to_at=2026-04-01T00:00:00Z&dimension=problem",
                  supervisor)
    assert pareto.status_code == 200, pareto.text
    assert [(r["failure_code"], r["breakdowns"], r["downtime_hours"], r["cumulative_percent"]) for r in pareto.json()] == [
        ("LEAK", 1, 6.00, 75.0), (None, 1, 2.00, 100.0)]
    bad = rest(live, "GET", "/rpc/failure_pareto?from_at=2026-03-01T00:00:00Z&to_at=2026-04-01T00:00:00Z&dimension=remedy", supervisor)
    assert refusal(bad) == (422, "pareto.dimension_invalid"), bad.text
    over_graphql = graphql(live, """query {
      failurePareto(fromAt: "2026-03-01T00:00:00Z", toAt: "2026-04-01T00:00:00Z", dimension: "cause") {
        nodes { failureCode downtimeHours sharePercent cumulativePercent } } }""", supervisor).json()
    assert over_graphql["data"]["failurePareto"]["nodes"] == [
        {"failureCode": "SEAL-WORN", "downtimeHours": "6.00", "sharePercent": "75.0", "cumulativePercent": "75.0"},
        {"failureCode": None, "downtimeHours": "2.00", "sharePercent": "25.0", "cumulativePercent": "100.0"}], over_graphql
    outsider = world.sign_in(world.member(world.tenant(), "maintenance_supervisor"))
    assert rest(live, "GET", "/rpc/failure_pareto?from_at=2026-03-01T00:00:00Z&to_at=2026-04-01T00:00:00Z", outsider).json() == []
