"""The maintenance calendar over PostgREST: a planner builds a team and schedules a work order for it, a technician's
absence shows, and the technician's ICS feed (text/calendar through the media type handler, read without a JWT by a
feed token) parses with a real iCalendar parser; a revoked or unknown token gets a clear 404; the calendar over
GraphQL."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_a_team_work_order_and_an_absence_reach_the_technicians_ics_feed(live: dict[str, Any], world: World) -> None:
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    other_plant = str(world.sql("select tests.create_site(%s)", tenant))
    equipment_class = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    pump = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump, \"north\"; 7')", tenant, equipment_class, plant))
    mill = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Mill 3')", tenant, equipment_class, other_plant))
    planner = world.sign_in(world.member(tenant, "maintenance_planner"))
    person = world.member(tenant, "technician", site=plant)
    technician = world.sign_in(person)

    team = rest(live, "POST", "/rpc/define_maintenance_team", planner, json={"name": "Mechanics", "site_id": plant})
    assert team.status_code == 200, team.text
    member = rest(live, "POST", "/rpc/add_team_member", planner, json={"team_id": team.json()["id"], "user_id": person.id})
    assert member.status_code == 200, member.text
    title = ("Replace seal; check alignment, " + "long text " * 12).strip()
    order = rest(live, "POST", "/rpc/create_work_order", planner,
                 json={"equipment_id": pump, "work_type": "preventive", "title": title[:200]}).json()
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    scheduled = rest(live, "POST", "/rpc/schedule_work_order_for_team", planner,
                     json={"work_order_id": order["id"], "team_id": team.json()["id"], "starts_at": start.isoformat(),
                           "ends_at": (start + timedelta(hours=3)).isoformat()})
    assert (scheduled.status_code, scheduled.json()["team_id"]) == (200, team.json()["id"]), scheduled.text
    elsewhere = rest(live, "POST", "/rpc/create_work_order", planner,
                     json={"equipment_id": mill, "work_type": "emergency", "title": "Mill"}).json()
    assert elsewhere["status"] == "planned"
    absence = rest(live, "POST", "/rpc/set_availability", technician,
                   json={"user_id": person.id, "starts_at": (start + timedelta(days=3)).isoformat(),
                         "ends_at": (start + timedelta(days=5)).isoformat(), "kind": "absent", "reason": "Training"})
    assert absence.status_code == 200, absence.text
    refused = rest(live, "POST", "/rpc/schedule_work_order", planner,
                   json={"work_order_id": elsewhere["id"], "assignee_id": person.id, "starts_at": (start + timedelta(days=4)).isoformat(),
                         "ends_at": (start + timedelta(days=4, hours=1)).isoformat()})
    assert (refused.status_code, refused.json()["details"]) == (409, "work_order.assignee_absent"), refused.text

    mine = rest(live, "GET", "/rpc/my_work_orders?select=id", technician)
    assert mine.json() == [{"id": order["id"]}], mine.text

    issued = rest(live, "POST", "/rpc/issue_calendar_feed", technician, json={})
    assert issued.status_code == 200, issued.text
    feed = issued.json()
    assert feed["path"] == f"/rpc/calendar_ics?token={feed['token']}"
    for path, headers in ((feed["path"], {"Accept": "*/*"}), (feed["path"], {}), (feed["path"], {"Accept": "text/calendar"}),
                          (f"/rpc/calendar_feed?token={feed['token']}", {"Accept": "text/calendar"})):
        ics = rest(live, "GET", path, None, headers=headers)
        assert ics.status_code == 200, ics.text
        assert ics.headers["content-type"].startswith("text/calendar"), (path, headers, ics.headers)
    body = ics.content
    assert all(len(line) <= 75 for line in body.split(b"\r\n")) and b"\n" not in body.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(body)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//Pulse//Maintenance calendar//EN")
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"work-order-{order['id']}@pulse", f"availability-{absence.json()['id']}@pulse"}
    event = events[f"work-order-{order['id']}@pulse"]
    assert str(event["SUMMARY"]) == f"{order['work_order_number']} {title[:200]}"
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (start, start + timedelta(hours=3))
    assert event.decoded("DTSTART").tzinfo is not None and "DTSTAMP" in event

    # The asset's feed: its work only; a revoked or unknown token gets nothing, with a clear error.
    asset_feed = rest(live, "POST", "/rpc/issue_calendar_feed", planner, json={"scope": "asset", "equipment_id": pump}).json()
    asset_ics = rest(live, "GET", asset_feed["path"], None).content
    asset_calendar = icalendar.Calendar.from_ical(asset_ics)
    assert [str(e["UID"]) for e in asset_calendar.walk("VEVENT")] == [f"work-order-{order['id']}@pulse"]
    assert b'\r\nX-WR-CALNAME:Pump\\, "north"\\; 7\r\n' in asset_ics  # the asset's name, escaped
    revoked = rest(live, "POST", "/rpc/revoke_calendar_feed", technician, json={"feed_id": feed["feed_id"]})
    assert (revoked.status_code, revoked.json()) == (200, True), revoked.text
    for path in (feed["path"], "/rpc/calendar_feed?token=nope", "/rpc/calendar_ics?token=nope"):
        gone = rest(live, "GET", path, None)
        assert (gone.status_code, gone.json()["details"]) == (404, "calendar_feed.token_unknown"), gone.text

    # The calendar over GraphQL, as the planner.
    query = """query($from: Datetime!, $to: Datetime!) { maintenanceCalendar(fromAt: $from, toAt: $to) { nodes { kind uid } } }"""
    seen = graphql(live, query, planner, {"from": datetime.now(UTC).isoformat(),
                                          "to": (start + timedelta(days=30)).isoformat()}).json()
    assert "errors" not in seen, seen
    assert [node["kind"] for node in seen["data"]["maintenanceCalendar"]["nodes"]] == ["work_order", "absent"]
