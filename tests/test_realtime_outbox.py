"""Real-time events through the outbox reach a LISTENing connection (db/functions/50_platform/42_relay_outbox.sql).

On one node the relay trigger NOTIFYs each event as it is queued (delivered at commit, as a direct NOTIFY was).
Under Citus the trigger is dropped (`pulse db distribute --emit`) and the events wait until
app_private.relay_queued_messages() runs on the node the servers listen on: then they arrive, once, on the
tenant's channel.
"""

from __future__ import annotations

import json

import psycopg

from helpers import World


def publish(database_url: str, organization_id: str, n: int) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute("select app_private.publish_realtime('progress', %s, %s::jsonb)",
                     [organization_id, json.dumps({"organization_id": organization_id, "n": n})])


def test_the_outbox_reaches_listeners_at_commit_or_when_relayed(database_url):
    tenant = World.on(database_url).tenant()
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute(f'LISTEN "pulse:progress:{tenant}"')

        publish(database_url, tenant, 1)
        received = [json.loads(n.payload) for n in listener.notifies(timeout=0.5)]
        assert received == [{"organization_id": tenant, "n": 1}], "one node: delivered at commit"

        with psycopg.connect(database_url) as conn:  # many at once: NOTIFYed without the outbox's INSERT
            conn.execute("select app_private.publish_realtime_many('progress', %s, %s::jsonb[])",
                         [tenant, [json.dumps({"organization_id": tenant, "n": n}) for n in ("a", "b", "c")]])
            assert list(listener.notifies(timeout=0.2)) == [], "not before commit"
        received = [json.loads(n.payload) for n in listener.notifies(timeout=0.5)]
        assert received == [{"organization_id": tenant, "n": n} for n in ("a", "b", "c")], \
            "one node: publish_realtime_many's events delivered at commit, in their order"

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("drop trigger _900_relay on app_private.relay_outbox")  # as under Citus
            publish(database_url, tenant, 2)
            publish(database_url, tenant, 3)
            assert list(listener.notifies(timeout=0.3)) == [], "nothing is sent until the relay runs"
            assert conn.execute("select app_private.relay_queued_messages()").fetchone()[0] == 2
            received = [json.loads(n.payload) for n in listener.notifies(timeout=0.5)]
            assert conn.execute("select count(*) from app_private.relay_outbox").fetchone()[0] == 0
            assert conn.execute("select app_private.relay_queued_messages()").fetchone()[0] == 0
        assert received == [{"organization_id": tenant, "n": 2}, {"organization_id": tenant, "n": 3}], \
            "relayed once each, in the order they were published"
