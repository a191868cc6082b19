"""Rules that must hold when two requests arrive at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg.rows import namedtuple_row


def act_as(conn: psycopg.Connection, email: str, slug: str) -> None:
    conn.execute("select tests.act_as(%s, %s)", [email, slug])


def test_two_admins_removing_each_other_leave_one(database_url):
    with psycopg.connect(database_url) as conn:
        memberships = dict(conn.execute(
            "select u.email, m.id from app.memberships m join app.users u on u.id = m.user_id "
            "where u.email in ('ada@acme.test', 'admin@acme.test')").fetchall())
    barrier = threading.Barrier(2)

    def revoke(actor: str, target: str) -> str:
        with psycopg.connect(database_url) as conn:
            act_as(conn, actor, "acme-manufacturing")
            barrier.wait()
            try:
                conn.execute("select app.revoke_role(%s, 'admin')", [memberships[target]])
                conn.commit()
                return "revoked"
            except psycopg.Error as error:
                return error.diag.sqlstate

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(revoke, ["ada@acme.test", "admin@acme.test"],
                                   ["admin@acme.test", "ada@acme.test"]))
    assert outcomes == ["PT409", "revoked"]
    with psycopg.connect(database_url) as conn:
        admins = conn.execute(
            "select count(*) from app.role_assignments ra join app.roles r on r.organization_id = ra.organization_id "
            "and r.id = ra.role_id join app.organizations o on o.id = r.organization_id "
            "where o.slug = 'acme-manufacturing' and r.key = 'admin'").fetchone()[0]
    assert admins == 1


def test_parallel_guesses_cannot_outrun_the_lockout(database_url):
    attempts = 12
    barrier = threading.Barrier(attempts)

    def guess(number: int) -> str:
        with psycopg.connect(database_url, autocommit=True, row_factory=namedtuple_row) as conn:
            barrier.wait()
            try:
                row = conn.execute("select * from app.login('lab_tech@northwind.test', %s)",
                                   [f"guess-{number}"]).fetchone()
                # A refusal that must keep its count returns a row with the error code instead of a token.
                return "refused" if row.access_token is None else "signed in"
            except psycopg.Error as error:
                return error.diag.sqlstate

    with ThreadPoolExecutor(attempts) as pool:
        outcomes = list(pool.map(guess, range(attempts)))
    assert outcomes.count("refused") == 5, outcomes
    assert outcomes.count("PT429") == attempts - 5
