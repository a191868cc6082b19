"""Personal data over HTTP (issue #13, item 9): a person exports their own data over REST and GraphQL; an
administrator erases a person over GraphQL and the profile answers with the pseudonym; a colleague may do neither."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_export_and_erasure_over_both_servers(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    person, admin, colleague = world.person(tenant, "engineering"), world.person(tenant, "admin"), world.person(tenant, "sales")
    person_token, admin_token, colleague_token = world.sign_in(person), world.sign_in(admin), world.sign_in(colleague)

    exported = rest(live, "POST", "/rpc/export_personal_data", person_token, json={})
    assert exported.status_code == 200, exported.text
    assert exported.json()["subject"]["id"] == person.id
    assert "app.memberships" in exported.json()["records"]

    over_graphql = graphql(live, "mutation { exportPersonalData(input: {}) { result } }", person_token).json()
    assert "errors" not in over_graphql, over_graphql
    assert over_graphql["data"]["exportPersonalData"]["result"]["subject"]["id"] == person.id

    refused = rest(live, "POST", "/rpc/export_personal_data", colleague_token, json={"user_id": person.id})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing")

    erase = """mutation($id: UUID!) { erasePersonalData(input: {userId: $id, reason: "Request by email"}) {
                 result { pseudonym rowsPseudonymised restricted } } }"""
    erased = graphql(live, erase, admin_token, {"id": person.id}).json()
    assert "errors" not in erased, erased
    pseudonym = erased["data"]["erasePersonalData"]["result"]["pseudonym"]
    assert pseudonym.startswith("Erased person ")
    assert {"table": "audit.activity_log"}.items() <= erased["data"]["erasePersonalData"]["result"]["restricted"][0].items()

    # The person left the tenant: their profile is read as the owner.
    [(name, email, status)] = world.rows("select display_name, email::text, status::text from app.users where id = %s", person.id)
    assert (name, status) == (pseudonym, "disabled") and email.endswith("@erased.invalid")
    assert rest(live, "GET", "/projects?limit=1", person_token).status_code in (401, 403)


def test_a_technicians_maintenance_data_exported_and_erased_through_the_register(live) -> None:
    """Maintenance data made through the real paths (a QR request naming them, their own request, availability, a
    calendar feed) is in the person's export over REST and GraphQL; an administrator's erasure deletes the feed and
    availability, clears both reporter contacts and keeps labour under the pseudonym; another tenant is refused."""
    world = World(live)
    tenant, other = world.tenant(), world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    pumps = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    pump = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump 1')", tenant, pumps, plant))
    person, admin = world.member(tenant, "technician", site=plant), world.member(tenant, "admin")
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    person_token, admin_token = world.sign_in(person), world.sign_in(admin)
    stranger = world.sign_in(world.member(other, "admin"))

    qr = rest(live, "POST", "/rpc/issue_work_request_token", planner, json={"equipment_id": pump}).json()
    anonymous = rest(live, "POST", "/rpc/submit_work_request", None,
                     json={"token": qr, "title": "Oil on the floor", "contact": f"call me: {person.email}"})
    assert anonymous.status_code == 200, anonymous.text
    own = rest(live, "POST", "/rpc/request_work", person_token, json={"equipment_id": pump, "title": "Noisy bearing"})
    assert own.status_code == 200, own.text
    world.sql("update app.work_requests set contact = 'ext. 4711' where id = %s returning id", own.json()["id"])
    start = datetime.now(UTC) + timedelta(days=3)
    absence = rest(live, "POST", "/rpc/set_availability", person_token,
                   json={"user_id": person.id, "starts_at": start.isoformat(), "ends_at": (start + timedelta(days=1)).isoformat(),
                         "kind": "absent", "reason": "Doctor"})
    assert absence.status_code == 200, absence.text
    feed = rest(live, "POST", "/rpc/issue_calendar_feed", person_token, json={}).json()
    assert rest(live, "GET", feed["path"], None).status_code == 200
    order = str(world.sql("select tests.fill_maintenance_work(%s)", tenant))
    world.sql("insert into app.labour_entries (organization_id, work_order_id, user_id, started_at, hours, hourly_rate, currency) "
              "values (%s, %s, %s, now() - interval '2 hours', 2, 55, 'EUR') returning id", tenant, order, person.id)

    exported = rest(live, "POST", "/rpc/export_personal_data", person_token, json={})
    assert exported.status_code == 200, exported.text
    records = exported.json()["records"]
    assert {"app.work_requests", "app.technician_availability", "app_private.calendar_feeds", "app.labour_entries"} <= set(records)
    assert sorted(row["title"] for row in records["app.work_requests"]) == ["Noisy bearing", "Oil on the floor"]
    handling = graphql(live, "mutation { exportPersonalData(input: {}) { result } }", person_token).json()
    entries = handling["data"]["exportPersonalData"]["result"]["erasure_handling"]
    assert [h["action"] for h in entries if h["table"] == "app.technician_availability"] == ["delete"], entries

    refused = rest(live, "POST", "/rpc/erase_personal_data", stranger, json={"user_id": person.id, "reason": "x"})
    assert (refused.status_code, refused.json()["details"]) == (404, "personal_data.person_not_found"), refused.text
    refused = rest(live, "POST", "/rpc/erase_personal_data", person_token, json={"user_id": person.id, "reason": "x"})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing"), refused.text

    erased = rest(live, "POST", "/rpc/erase_personal_data", admin_token, json={"user_id": person.id, "reason": "Request by email"})
    assert erased.status_code == 200, erased.text
    actions = {(a["table"], a["action"]) for a in erased.json()["register_actions"]}
    assert {("app_private.calendar_feeds", "delete"), ("app.technician_availability", "delete"), ("app.work_requests", "clear")} <= actions

    # Nothing of them is readable any more: the feed is gone, the planner sees no absence and no contact.
    gone = rest(live, "GET", feed["path"], None)
    assert (gone.status_code, gone.json()["details"]) == (404, "calendar_feed.token_unknown"), gone.text
    assert rest(live, "GET", f"/technician_availability?user_id=eq.{person.id}", planner).json() == []
    contacts = rest(live, "GET", f"/work_requests?equipment_id=eq.{pump}&select=title,contact&order=title", planner).json()
    assert contacts == [{"title": "Noisy bearing", "contact": None}, {"title": "Oil on the floor", "contact": None}], contacts
    # Their labour stays for the cost records (the fixture's hour at 60 and the two hours at 55), under the pseudonym.
    labour = rest(live, "GET", f"/labour_entry_costs?user_id=eq.{person.id}&select=cost&order=cost", planner).json()
    assert labour == [{"cost": 60.00}, {"cost": 110.00}], labour
    [(name,)] = world.rows("select display_name from app.users where id = %s", person.id)
    assert name == erased.json()["pseudonym"]
