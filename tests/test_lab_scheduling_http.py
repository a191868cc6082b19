"""Instrument scheduling over HTTP (issue #15, phase 5): booking answers 409 naming the taken window and not what a
colleague booked it for, free slots for calendar components, on PostgREST and PostGraphile; another tenant gets 404;
16 clients racing for the same slots: exactly one wins each, no overlap."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

BOOK = """mutation ($input: BookInstrumentInput!) {
  bookInstrument(input: $input) { result { rowId status purpose } }
}"""
SLOTS = """query ($ids: [UUID]!, $from: Datetime!, $to: Datetime!) {
  instrumentAvailability(instrumentIds: $ids, from: $from, to: $to) { nodes { instrumentId slotStart slotEnd } }
}"""


def monday_next_week() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def at(day: datetime, hour: float) -> str:
    return (day + timedelta(hours=hour)).isoformat().replace("+00:00", "Z")


def lab(world: World) -> tuple[str, str, str]:
    """A tenant with a site and an HPLC there whose operators need hplc-operator: (tenant, site, instrument)."""
    tenant = world.tenant()
    site = str(world.sql("select tests.create_site(%s)", tenant))
    klass = world.sql("select tests.create_instrument_class(%s)", tenant)
    world.sql("select tests.require_qualification(%s, 'hplc-operator')", klass)
    instrument = str(world.sql("select tests.create_instrument(%s, %s, %s)", tenant, klass, site))
    return tenant, site, instrument


def test_booking_and_free_slots_over_rest(live) -> None:
    world = World(live)
    tenant, site, hplc = lab(world)
    tech, colleague = world.member(tenant, "lab_tech", site=site), world.member(tenant, "lab_tech", site=site)
    for person in (tech, colleague):
        world.sql("select tests.qualify(%s, %s, 'hplc-operator')", tenant, person.id)
    novice = world.sign_in(world.member(tenant, "lab_tech", site=site))
    stranger = world.sign_in(world.member(world.tenant(), "admin"))
    tech_token, colleague_token = world.sign_in(tech), world.sign_in(colleague)
    monday = monday_next_week()

    booked = rest(live, "POST", "/rpc/book_instrument", tech_token,
                  json={"equipment_id": hplc, "starts_at": at(monday, 9), "ends_at": at(monday, 11), "purpose": "Confidential assay"})
    assert booked.status_code == 200, booked.text
    assert (booked.json()["status"], booked.json()["user_id"]) == ("active", tech.id)

    clash = rest(live, "POST", "/rpc/book_instrument", colleague_token,
                 json={"equipment_id": hplc, "starts_at": at(monday, 10), "ends_at": at(monday, 12), "purpose": "Mine"})
    assert (clash.status_code, clash.json()["code"], clash.json()["details"]) == (409, "PT409", "reservation.conflict"), clash.text
    window = f"[{at(monday, 9)}, {at(monday, 11)})"
    assert window in clash.json()["hint"] and "Confidential" not in clash.text, clash.text
    direct = rest(live, "POST", "/instrument_reservations", colleague_token,
                  json={"equipment_id": hplc, "purpose": "Direct", "during": f"[{at(monday, 8)},{at(monday, 10)})"})
    assert (direct.status_code, direct.json()["details"]) == (409, "reservation.conflict"), direct.text
    unqualified = rest(live, "POST", "/rpc/book_instrument", novice,
                       json={"equipment_id": hplc, "starts_at": at(monday, 13), "ends_at": at(monday, 14), "purpose": "x"})
    assert (unqualified.status_code, unqualified.json()["details"]) == (403, "reservation.not_qualified"), unqualified.text
    foreign = rest(live, "POST", "/rpc/book_instrument", stranger,
                   json={"equipment_id": hplc, "starts_at": at(monday, 13), "ends_at": at(monday, 14), "purpose": "x"})
    assert (foreign.status_code, foreign.json()["details"]) == (404, "equipment.not_found"), foreign.text

    slots = rest(live, "POST", "/rpc/instrument_availability", colleague_token,
                 json={"instrument_ids": [hplc], "from": at(monday, 0), "to": at(monday, 24), "min_duration": "PT1H"})
    assert slots.status_code == 200, slots.text
    assert [(row["slot_start"], row["slot_end"]) for row in slots.json()] == [
        (at(monday, 0).replace("Z", "+00:00"), at(monday, 9).replace("Z", "+00:00")),
        (at(monday, 11).replace("Z", "+00:00"), at(monday, 24).replace("Z", "+00:00"))], slots.text
    assert rest(live, "POST", "/rpc/instrument_availability", stranger,
                json={"instrument_ids": [hplc], "from": at(monday, 0), "to": at(monday, 24)}).json() == []
    assert rest(live, "GET", "/instrument_reservations", colleague_token).json() == [], "a colleague reads no row of it"
    calendar = rest(live, "POST", "/rpc/instrument_calendar", colleague_token,
                    json={"instrument_ids": [hplc], "from": at(monday, 0), "to": at(monday, 24)}).json()
    assert [(row["entry_kind"], row["title"], row["starts_at"]) for row in calendar] == [
        ("reservation", None, at(monday, 9).replace("Z", "+00:00"))], calendar

    cancelled = rest(live, "POST", "/rpc/cancel_instrument_reservation", tech_token,
                     json={"reservation_id": booked.json()["id"], "reason": "Postponed"})
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled"), cancelled.text


def test_booking_and_free_slots_over_graphql(live) -> None:
    world = World(live)
    tenant, site, hplc = lab(world)
    tech, colleague = world.member(tenant, "lab_tech", site=site), world.member(tenant, "lab_tech", site=site)
    for person in (tech, colleague):
        world.sql("select tests.qualify(%s, %s, 'hplc-operator')", tenant, person.id)
    monday = monday_next_week()
    booking = {"equipmentId": hplc, "startsAt": at(monday, 9), "endsAt": at(monday, 11), "purpose": "Stability run"}
    booked = graphql(live, BOOK, world.sign_in(tech), {"input": booking}).json()
    assert "data" in booked, booked
    assert booked["data"]["bookInstrument"]["result"]["status"] == "active", booked
    clash = graphql(live, BOOK, world.sign_in(colleague), {"input": {**booking, "startsAt": at(monday, 10)}}).json()
    assert clash["errors"][0]["extensions"]["details"] == "reservation.conflict", clash
    assert "Stability" not in str(clash), clash
    slots = graphql(live, SLOTS, world.sign_in(colleague), {"ids": [hplc], "from": at(monday, 8), "to": at(monday, 12)}).json()
    assert [(node["slotStart"][:16], node["slotEnd"][:16]) for node in slots["data"]["instrumentAvailability"]["nodes"]] == [
        (at(monday, 8)[:16], at(monday, 9)[:16]), (at(monday, 11)[:16], at(monday, 12)[:16])], slots


def test_sixteen_clients_racing_for_the_same_slots(live) -> None:
    """Each slot is attempted by 16 connections at once: exactly one booking wins it, the others get PT409
    reservation.conflict, and no two active bookings overlap."""
    world = World(live)
    tenant, site, hplc = lab(world)
    tech = world.member(tenant, "lab_tech", site=site)
    world.sql("select tests.qualify(%s, %s, 'hplc-operator')", tenant, tech.id)
    monday, slots, clients = monday_next_week(), 4, 16
    barrier = threading.Barrier(clients)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def client() -> None:
        with psycopg.connect(live["url"]) as conn:
            for slot in range(slots):
                conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [tech.id, tenant])
                barrier.wait(timeout=30)
                try:
                    conn.execute("select app.book_instrument(%s, %s, %s, 'Race')",
                                 [hplc, at(monday, 9 + slot), at(monday, 10 + slot)])
                    conn.commit()
                    outcome = "won"
                except psycopg.Error as error:
                    conn.rollback()
                    outcome = f"{error.sqlstate} {error.diag.message_detail}"
                with lock:
                    outcomes.append((slot, outcome))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == slots * clients
    for slot in range(slots):
        answers = sorted(outcome for s, outcome in outcomes if s == slot)
        assert answers == ["PT409 reservation.conflict"] * (clients - 1) + ["won"], (slot, answers)
    overlaps = world.sql("""select count(*) from app.instrument_reservations a join app.instrument_reservations b
                              on a.equipment_id = b.equipment_id and a.id < b.id and a.during && b.during
                             where a.equipment_id = %s and a.status = 'active' and b.status = 'active'""", hplc)
    assert overlaps == 0
