"""Rules that must hold when two requests arrive at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg.rows import namedtuple_row

from helpers import World


def test_two_admins_removing_each_other_leave_one(database_url):
    world = World.on(database_url)
    tenant = world.tenant()
    first, second = world.member(tenant, "admin").id, world.member(tenant, "admin").id
    memberships = dict(world.rows("select user_id::text, id from app.memberships where organization_id = %s", tenant))
    barrier = threading.Barrier(2)

    def revoke(actor: str, target: str) -> str:
        with psycopg.connect(database_url) as conn:
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [actor, tenant])
            barrier.wait()
            try:
                conn.execute("select app.revoke_role(%s, 'admin')", [memberships[target]])
                conn.commit()
                return "revoked"
            except psycopg.Error as error:
                return f"{error.diag.sqlstate} {error.diag.message_detail}"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(revoke, [first, second], [second, first]))
    assert outcomes == ["PT409 role.last_admin", "revoked"]
    admins = world.sql("select count(*) from app.role_assignments ra join app.roles r on r.organization_id = ra.organization_id "
                       "and r.id = ra.role_id where r.organization_id = %s and r.key = 'admin'", tenant)
    assert admins == 1


def test_parallel_guesses_cannot_outrun_the_lockout(database_url):
    email = World.on(database_url).user().email
    attempts = 12
    barrier = threading.Barrier(attempts)

    def guess(number: int) -> str:
        with psycopg.connect(database_url, autocommit=True, row_factory=namedtuple_row) as conn:
            barrier.wait()
            try:
                row = conn.execute("select * from app.login(%s, %s)", [email, f"guess-{number}"]).fetchone()
                # A refusal that must keep its count returns a row with the error code instead of a token.
                return "refused" if row.access_token is None else "signed in"
            except psycopg.Error as error:
                return error.diag.sqlstate

    with ThreadPoolExecutor(attempts) as pool:
        outcomes = list(pool.map(guess, range(attempts)))
    assert outcomes.count("refused") == 5, outcomes
    assert outcomes.count("PT429") == attempts - 5
