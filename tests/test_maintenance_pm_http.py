"""Preventive schedules over both servers: a planner defines a calendar (every N weeks), an RRULE and a meter schedule
(with the postgrest-py client and over GraphQL); a bad RRULE is refused with its reason and 422 on both; the
planner generates the due work orders (a second call makes none); the forecast lists the calendar days and the
meter schedule's estimated day; the compliance views count the generated occurrences; a technician at the plant
reads but neither defines nor generates; another tenant sees nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from postgrest import SyncPostgrestClient
from postgrest.exceptions import APIError

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def client(live: dict[str, Any], token: str) -> SyncPostgrestClient:
    return SyncPostgrestClient(live["rest"], schema="app", headers={"Authorization": f"Bearer {token}"})


def test_pm_schedules_generation_forecast_and_compliance_over_both_servers(live: dict[str, Any], world: World) -> None:
    tenant, other = world.tenant(), world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    pumps = str(world.sql("select tests.create_equipment_class(%s, p_requires_calibration => false)", tenant))
    pump = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump 1')", tenant, pumps, plant))
    press = str(world.sql("select tests.create_equipment(%s, %s, %s, null, 'Press 2')", tenant, pumps, plant))
    # The press counts strokes: 1,000 a day over the last 20 days (known readings, so the estimate is exact).
    meter = str(world.sql("insert into app.meters (organization_id, id, equipment_id, name, unit) "
                          "values (%s, public.uuid_generate_v7(), %s, 'Strokes', '1') returning id", tenant, press))
    world.sql("insert into app.meter_readings (organization_id, meter_id, read_at, value) values "
              "(%s, %s, now() - interval '30 days', 0), (%s, %s, now() - interval '10 days', 20000) returning 1",
              tenant, meter, tenant, meter)
    planner_person = world.member(tenant, "maintenance_planner")
    planner, technician = world.sign_in(planner_person), world.sign_in(world.member(tenant, "technician", site=plant))
    stranger = world.sign_in(world.member(other, "maintenance_planner"))
    as_planner, as_technician, as_stranger = client(live, planner), client(live, technician), client(live, stranger)

    template = as_planner.rpc("define_work_order_template", {"code": "service", "name": "Service", "work_type": "preventive",
                                                             "task_text": "Grease, check, sign"}).execute().data
    # Calendar: every 2 weeks from today; RRULE: the 1st of each month, 40 days ahead; meter: every 30,000 strokes.
    weekly = as_planner.rpc("define_pm_schedule", {"equipment_id": pump, "template_id": template["id"], "name": "Look",
                                                   "every": 2, "unit": "week"}).execute().data
    assert (weekly["rule_freq"], weekly["rule_interval"], weekly["mode"]) == ("WEEKLY", 2, "fixed"), weekly
    monthly = as_planner.rpc("define_pm_schedule", {"equipment_id": pump, "template_id": template["id"], "name": "Lube",
                                                    "rrule": "FREQ=MONTHLY;BYMONTHDAY=1", "lead_days": 40}).execute().data
    assert monthly["next_due_date"] is not None and monthly["next_due_date"].endswith("-01"), monthly
    strokes = graphql(live, """mutation($press: UUID!, $tpl: UUID!, $meter: UUID!) {
                                 definePmSchedule(input: {equipmentId: $press, templateId: $tpl, name: "Die check", meterId: $meter,
                                                          meterInterval: "30000", meterLead: "5000"}) {
                                   result { id nextDueUsage rrule } } }""",
                      planner, {"press": press, "tpl": template["id"], "meter": meter}).json()
    assert "errors" not in strokes, strokes
    by_meter = strokes["data"]["definePmSchedule"]["result"]
    assert (by_meter["nextDueUsage"], by_meter["rrule"]) == ("50000", None), by_meter

    # A bad RRULE: 422 with its reason, on both servers, and nothing written.
    for rule, reason in (("FREQ=HOURLY", "pm_schedule.rrule_freq_unsupported"), ("FREQ=DAILY;INTERVAL=0", "pm_schedule.rrule_invalid"),
                         ("FREQ=MONTHLY;BYSETPOS=1", "pm_schedule.rrule_part_unsupported")):
        with pytest.raises(APIError) as refused:
            as_planner.rpc("define_pm_schedule", {"equipment_id": pump, "template_id": template["id"], "name": "Bad",
                                                  "rrule": rule}).execute()
        assert (refused.value.code, refused.value.details) == ("PT422", reason), refused.value
        raw = rest(live, "POST", "/rpc/define_pm_schedule", planner,
                   json={"equipment_id": pump, "template_id": template["id"], "name": "Bad", "rrule": rule})
        assert (raw.status_code, raw.json()["details"]) == (422, reason), raw.text
    bad = graphql(live, """mutation($pump: UUID!, $tpl: UUID!) {
                             definePmSchedule(input: {equipmentId: $pump, templateId: $tpl, name: "Bad", rrule: "FREQ=HOURLY"}) {
                               result { id } } }""",
                  planner, {"pump": pump, "tpl": template["id"]}).json()
    assert [(e["extensions"]["code"], e["extensions"]["details"]) for e in bad["errors"]] == [
        ("PT422", "pm_schedule.rrule_freq_unsupported")]
    names = [row["name"] for row in as_planner.from_("pm_schedules").select("name").order("name").execute().data]
    assert names == ["Die check", "Look", "Lube"]

    # A technician at the plant reads the schedules; defining and generating are the planner's.
    assert len(as_technician.from_("pm_schedules").select("id").execute().data) == 3
    with pytest.raises(APIError) as refused:
        as_technician.rpc("define_pm_schedule", {"equipment_id": pump, "template_id": template["id"], "name": "Mine",
                                                 "every": 1, "unit": "day"}).execute()
    assert (refused.value.code, refused.value.details) == ("PT403", "permission.missing")
    generate = rest(live, "POST", "/rpc/generate_pm_work_orders", technician, json={})
    assert (generate.status_code, generate.json()["details"]) == (403, "permission.missing"), generate.text

    # Generation: the fortnightly look (due today) and the monthly lube (within 40 days); the meter is not due yet.
    assert as_planner.rpc("generate_pm_work_orders", {}).execute().data == 2
    again = graphql(live, "mutation { generatePmWorkOrders(input: {}) { result } }", planner).json()
    assert again["data"]["generatePmWorkOrders"]["result"] == 0, again
    orders = (as_technician.from_("work_orders").select("title,work_type,status,pm_schedule_id,pm_due_date")
              .not_.is_("pm_schedule_id", "null").order("title").execute().data)
    assert [(o["title"], o["work_type"], o["status"], o["pm_schedule_id"]) for o in orders] == [
        ("Look", "preventive", "planned", weekly["id"]), ("Lube", "preventive", "planned", monthly["id"])]

    # The forecast: calendar days not generated yet, and the press's estimated day (1,000 strokes a day, 50,000 reached
    # 30 days after the latest reading, i.e. in 20 days; generated at 45,000, in 15).
    today = datetime.now(UTC).date()
    window = {"p_from": str(today), "p_to": str(today + timedelta(days=60))}
    forecast = as_planner.rpc("pm_forecast", window).execute().data
    estimated = [(row["name"], row["estimated"]) for row in forecast if row["estimated"]]
    assert estimated and {name for name, _ in estimated} == {"Die check"}, forecast
    die = next(row for row in forecast if row["name"] == "Die check")
    # The plant's day may differ from UTC's by one around midnight.
    assert abs((datetime.fromisoformat(die["due_date"]).date() - today).days - 20) <= 1, die
    assert {row["name"] for row in forecast if not row["estimated"]} >= {"Look", "Lube"}
    over_graphql = graphql(live, """query($from: Date!, $to: Date!) {
                                      pmForecast(pFrom: $from, pTo: $to, filter: {estimated: {equalTo: true}}) {
                                        nodes { name dueDate generateOn estimated } } }""",
                           technician, {"from": window["p_from"], "to": window["p_to"]}).json()
    assert "errors" not in over_graphql, over_graphql
    # 50,000 then 80,000 strokes: in 20 and 50 days.
    assert [node["name"] for node in over_graphql["data"]["pmForecast"]["nodes"]] == ["Die check", "Die check"]
    assert as_stranger.rpc("pm_forecast", window).execute().data == []

    # Compliance: the look is due today and not done yet (0 of 1); the plant's month counts it.
    look = (as_planner.from_("pm_schedule_compliance").select("due,completed,completed_on_time")
            .eq("pm_schedule_id", weekly["id"]).execute().data)
    assert look == [{"due": 1, "completed": 0, "completed_on_time": 0}], look
    plant_rows = as_technician.from_("pm_plant_compliance").select("site_id,due").eq("site_id", plant).execute().data
    assert sum(row["due"] for row in plant_rows) == sum(row["due"] for row in
                                                         as_planner.from_("pm_schedule_compliance").select("due").execute().data)
    compliance = graphql(live, "query { pmScheduleCompliances { nodes { pmScheduleId due completed } } }", planner).json()
    assert "errors" not in compliance, compliance
    assert {node["pmScheduleId"] for node in compliance["data"]["pmScheduleCompliances"]["nodes"]} <= {weekly["id"], monthly["id"]}
    assert as_stranger.from_("pm_schedule_compliance").select("*").execute().data == []
    assert as_stranger.from_("pm_schedules").select("id").execute().data == []
    with pytest.raises(APIError) as refused:
        as_stranger.rpc("define_pm_schedule", {"equipment_id": pump, "template_id": template["id"], "name": "Theirs",
                                               "every": 1, "unit": "day"}).execute()
    assert refused.value.code in ("PT403", "PT404"), refused.value
