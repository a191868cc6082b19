"""A revocation racing a reinstatement never leaves a grant the source tables refuse.

app_private.request_grants (who may act now, kept by triggers) is what auth.check_request() reads for an
ordinary token. Two connections change the sources of one user's grant at once: the first holds its change
open, the second starts and must wait for it, the first commits, then the second finishes. Under READ
COMMITTED the second sees what the first committed; under REPEATABLE READ it fails with a serialization
error. Either way the table ends equal to what the source tables decide, and the member is refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
from psycopg.types.json import Jsonb

from helpers import World

SUSPEND = "update app.users set status = 'suspended' where id = %(user)s"
REINSTATE = "update app.memberships set status = 'active' where user_id = %(user)s and organization_id = %(tenant)s"
DEACTIVATE = "update app.organizations set is_active = false where id = %(tenant)s"

# The user's rows against what the source tables decide (both ways, with duplicates).
MATCHES_SOURCES = """
select not exists (select user_id, organization_id, session_id, is_platform_operator
                     from app_private.request_grants where user_id = %s
                   except all select * from app_private.request_grants_due(%s))
   and not exists (select * from app_private.request_grants_due(%s)
                   except all select user_id, organization_id, session_id, is_platform_operator
                     from app_private.request_grants where user_id = %s)
"""


def check(url: str, user: str, tenant: str) -> str:
    """What auth.check_request() says to the member's token in the tenant, as app_user."""
    claims = Jsonb({"sub": user, "role": "app_user", "org_id": tenant})
    with psycopg.connect(url) as conn:
        try:
            conn.execute("select tests.act_as_claims('app_user', %s)", [claims])
            return "admitted"
        except psycopg.Error as error:
            return f"{error.diag.sqlstate} {error.diag.message_detail}"


def race(url: str, first_sql: str, second_sql: str, isolation: psycopg.IsolationLevel, params: dict[str, str]) -> str:
    """Run first_sql and leave it uncommitted; start second_sql, wait until it waits for a lock, commit the
    first; returns how the second ended: 'committed' or its SQLSTATE."""
    outcome: dict[str, str] = {}
    with psycopg.connect(url) as first, psycopg.connect(url) as second, \
            psycopg.connect(url, autocommit=True) as watcher:
        second.isolation_level = isolation
        first.execute(first_sql, params)
        second.execute("set local lock_timeout = '20s'")

        def run() -> None:
            try:
                second.execute(second_sql, params)
                second.commit()
                outcome["second"] = "committed"
            except psycopg.Error as error:
                second.rollback()
                outcome["second"] = error.diag.sqlstate or "?"

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 15
        while not waiting(watcher, second.info.backend_pid):
            assert time.monotonic() < deadline, "the second change never waited for the first"
            time.sleep(0.02)
        first.commit()
        thread.join(30)
        assert not thread.is_alive()
    return outcome["second"]


def waiting(watcher: psycopg.Connection, pid: int) -> bool:
    row = watcher.execute("select wait_event_type = 'Lock' from pg_stat_activity where pid = %s", [pid]).fetchone()
    return bool(row and row[0])


def races(first: str, second: str) -> Iterator[tuple[str, str, psycopg.IsolationLevel]]:
    """Both orders, the second under READ COMMITTED and REPEATABLE READ."""
    for isolation in (psycopg.IsolationLevel.READ_COMMITTED, psycopg.IsolationLevel.REPEATABLE_READ):
        yield first, second, isolation
        yield second, first, isolation


def test_suspension_racing_a_reinstated_membership_leaves_no_grant(database_url: str) -> None:
    world = World.on(database_url)
    tenant = world.tenant()
    for first, second, isolation in races(SUSPEND, REINSTATE):
        user = world.member(tenant, "qa").id
        world.sql("update app.memberships set status = 'revoked' where user_id = %s and organization_id = %s", user, tenant)
        params = {"user": user, "tenant": tenant}
        outcome = race(database_url, first, second, isolation, params)
        case = f"{'suspend' if first == SUSPEND else 'reinstate'} first, second {isolation.name}"
        expected = "committed" if isolation == psycopg.IsolationLevel.READ_COMMITTED else "40001"
        assert outcome == expected, case
        assert world.sql(MATCHES_SOURCES, user, user, user, user), case
        suspended = first == SUSPEND or outcome == "committed"
        assert check(database_url, user, tenant) == ("PT403 user.inactive" if suspended else "admitted"), case


def test_deactivated_tenant_racing_a_reinstated_membership_leaves_no_grant(database_url: str) -> None:
    world = World.on(database_url)
    for first, second, isolation in races(DEACTIVATE, REINSTATE):
        tenant = world.tenant()
        user = world.member(tenant, "qa").id
        world.sql("update app.memberships set status = 'revoked' where user_id = %s and organization_id = %s", user, tenant)
        params = {"user": user, "tenant": tenant}
        outcome = race(database_url, first, second, isolation, params)
        case = f"{'deactivate' if first == DEACTIVATE else 'reinstate'} first, second {isolation.name}"
        expected = "committed" if isolation == psycopg.IsolationLevel.READ_COMMITTED else "40001"
        assert outcome == expected, case
        assert world.sql(MATCHES_SOURCES, user, user, user, user), case
        deactivated = first == DEACTIVATE or outcome == "committed"
        assert check(database_url, user, tenant) == ("PT403 membership.not_active" if deactivated else "admitted"), case
