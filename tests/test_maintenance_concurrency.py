"""Maintenance rules that must hold when two writers arrive at the same moment: the asset hierarchy (a level change
and a new part of the same asset), the readings of one meter (serialized on the meter row), and two work orders
completed at once for the last spare part (the stock ledger's row lock)."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg

from helpers import World


def test_a_level_change_and_a_new_part_at_once_cannot_break_the_hierarchy(database_url: str) -> None:
    world = World.on(database_url)
    tenant = world.tenant()
    planner = world.member(tenant, "maintenance_planner").id
    cls = world.sql("select tests.create_equipment_class(%s, 'pump', false, null)", tenant)
    line = world.sql("select tests.create_equipment(%s, %s, null, null, 'Line')", tenant, cls)
    pump = world.sql("select tests.create_equipment(%s, %s, null, null, 'Pump')", tenant, cls)
    world.sql("insert into app.assets (organization_id, equipment_id, level) values (%s, %s, 'line'), (%s, %s, 'machine')",
              tenant, line, tenant, pump)
    barrier = threading.Barrier(2)

    def write(statement: str) -> str:
        with psycopg.connect(database_url) as conn:
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [planner, tenant])
            barrier.wait()
            try:
                conn.execute(statement, [line, pump])
                conn.commit()
                return "done"
            except psycopg.Error as error:
                return f"{error.diag.sqlstate} {error.diag.message_detail}"

    # Each alone is fine: the line becomes a machine, or the pump becomes a part of the line; both would put a
    # machine under a machine.
    statements = ["update app.assets set level = 'machine' where equipment_id = %s and %s::uuid is not null",
                  "update app.equipment set parent_id = %s where id = %s"]
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(write, statements))
    assert outcomes == ["PT422 asset.level_order", "done"], outcomes


def test_readings_of_one_meter_at_once_are_serialized(database_url: str) -> None:
    world = World.on(database_url)
    tenant = world.tenant()
    technician = world.member(tenant, "technician").id
    cls = world.sql("select tests.create_equipment_class(%s, 'press', false, null)", tenant)
    press = world.sql("select tests.create_equipment(%s, %s, null, null, 'Press')", tenant, cls)
    meter = world.sql("insert into app.meters (organization_id, equipment_id, name, unit) values (%s, %s, 'Strokes', '1') returning id",
                      tenant, press)
    world.sql("insert into app.meter_readings (organization_id, meter_id, value) values (%s, %s, 100)", tenant, meter)
    writers = 6
    barrier = threading.Barrier(writers)

    def read(value: int) -> str:
        with psycopg.connect(database_url) as conn:
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [technician, tenant])
            barrier.wait()
            try:
                conn.execute("insert into app.meter_readings (meter_id, read_at, value) values (%s, clock_timestamp(), %s)",
                             [meter, value])
                conn.commit()
                return "recorded"
            except psycopg.Error as error:
                return f"{error.diag.sqlstate} {error.diag.message_detail}"

    with ThreadPoolExecutor(writers) as pool:
        outcomes = list(pool.map(read, range(110, 110 + 10 * writers, 10)))
    assert set(outcomes) <= {"recorded", "PT409 meter_reading.decreasing", "PT409 meter_reading.out_of_order"}, outcomes
    # In the order they were serialized (the running total only grows), each counted from the one before.
    readings = world.rows("select value, usage, usage_total from app.meter_readings where meter_id = %s order by usage_total, value",
                          meter)
    assert len(readings) == 1 + outcomes.count("recorded"), (readings, outcomes)
    for before, after in itertools.pairwise(readings):
        assert after[0] >= before[0] and after[1] == after[0] - before[0] and after[2] == before[2] + after[1], readings
    values = [value for value, _, _ in readings]
    last, total = world.rows("select last_value, usage_total from app.meters where id = %s", meter)[0]
    assert (last, total) == (values[-1], values[-1] - 100), "every reading counted its usage from the one before it"


def one(conn: psycopg.Connection, query: str, *params: object) -> object:
    """The first column of the statement's one row."""
    row = conn.execute(query, params).fetchone()
    assert row is not None, query
    return row[0]


def test_two_completions_for_the_last_part_issue_it_once(database_url: str) -> None:
    world = World.on(database_url)
    tenant = world.tenant()
    site = world.sql("select tests.create_site(%s)", tenant)
    planner = world.member(tenant, "maintenance_planner").id
    technician = world.member(tenant, "technician", site=str(site)).id
    # A second technician signs the other completion: one person's signatures queue on their sign-in lock.
    colleague = world.member(tenant, "technician", site=str(site)).id
    keeper = world.member(tenant, "storekeeper").id
    cls = world.sql("select tests.create_equipment_class(%s, 'pump', false, null)", tenant)
    pump = world.sql("select tests.create_equipment(%s, %s, %s, null, 'Pump')", tenant, cls, site)
    seal = world.sql("select tests.create_part(%s)", tenant)
    orders = []
    with psycopg.connect(database_url) as conn:
        conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [keeper, tenant])
        room = one(conn, "insert into app.storerooms (site_id, code, name) values (%s, 'S1', 'Store') returning id", site)
        place = one(conn, "insert into app.storeroom_bins (storeroom_id, code) values (%s, 'A-01') returning id", room)
        # Two work orders planning one seal each, scheduled while none is in stock (nothing reserved), then one arrives.
        conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [planner, tenant])
        for _ in range(2):
            order = one(conn, "select (app.create_work_order(%s, 'preventive', 'Seal')).id", pump)
            conn.execute("select app.set_work_order_part(%s, %s, 1)", [order, seal])
            conn.execute("select app.schedule_work_order(%s, %s, now(), now() + interval '1 hour')", [order, technician])
            orders.append(order)
        conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [keeper, tenant])
        conn.execute("select app.receive_stock(%s, %s, 1)", [seal, place])
        conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [technician, tenant])
        for order in orders:
            conn.execute("select app.transition_work_order(%s, 'in_progress')", [order])
        conn.commit()
    barrier = threading.Barrier(2)

    def complete(order: str, signer: str) -> str:
        with psycopg.connect(database_url) as conn:
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [signer, tenant])
            barrier.wait()
            try:
                conn.execute("select app.complete_work_order(%s, tests.password(), 'done')", [order])
                conn.commit()
                return "completed"
            except psycopg.Error as error:
                return f"{error.diag.sqlstate} {error.diag.message_detail}"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(complete, orders, [technician, colleague]))
    assert outcomes == ["PT409 work_order.parts_missing", "completed"], outcomes
    assert world.rows("select on_hand, reserved from app.part_stock where part_id = %s", seal) == [(0, 0)]
    assert world.sql("select count(*) from app.stock_movements where part_id = %s and kind = 'issue'", seal) == 1
