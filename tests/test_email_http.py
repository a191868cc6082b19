"""E-mail notifications over HTTP, end to end (db/functions/50_platform/22_email.sql, config/worker/tasks/email_send.mjs):
members choose their channels over REST and GraphQL, a notification wanted by e-mail is sent by the stack's worker with
nodemailer to a real SMTP server on this machine (aiosmtpd), whose received message is checked (envelope, From, To,
Subject, text, Message-ID and the one-click unsubscribe headers); the delivery log shows the server's answer, a 5xx
refusal included; the unsubscribe link works anonymously; no other person or tenant reads anyone's deliveries.
"""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import psycopg
import pytest

from helpers import World, graphql, rest
from pulse.contracts import free_port

pytestmark = pytest.mark.stack


@dataclass
class Inbox:
    """What the local SMTP server received: (envelope recipients, parsed message), in order."""

    port: int
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, address: str, subject_part: str, seconds: float = 30) -> EmailMessage:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                for recipients, message in self.received:
                    if address in recipients and subject_part in str(message["Subject"]):
                        return message
            time.sleep(0.1)
        raise AssertionError(f"no mail to {address} about {subject_part!r} within {seconds} s")

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [message for recipients, message in self.received if address in recipients]


class Handler:
    """Accepts every message, except for addresses starting with refuse-, which get a permanent 550."""

    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse-"):
            return "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.inbox.lock:
            self.inbox.received.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 2.0.0 Ok: queued as PULSETEST"


@pytest.fixture(scope="module")
def inbox(live: dict[str, Any]) -> Iterator[Inbox]:
    """A local SMTP server (aiosmtpd), and the stack's database pointed at it (what `pulse db migrate` does from PULSE_SMTP_*)."""
    from aiosmtpd.controller import Controller

    box = Inbox(port=free_port())
    controller = Controller(Handler(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    World(live).sql(
        "update app_private.email_settings set smtp_host = '127.0.0.1', smtp_port = %s, smtp_security = 'none',"
        " from_address = 'Pulse Test <pulse@mail.test>', app_url = 'https://pulse.mail.test',"
        " unsubscribe_url = %s", box.port, live["rest"] + "/rpc/unsubscribe_email?token={token}")
    yield box
    World(live).sql("update app_private.email_settings set smtp_host = null")
    controller.stop()


def deliveries(live: dict[str, Any], bearer: str, seconds: float = 30) -> list[dict[str, Any]]:
    """The caller's delivery log once nothing in it is queued or sending (or the time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        rows: list[dict[str, Any]] = rest(live, "GET", "/email_deliveries?order=created_at", bearer).json()
        if all(row["status"] not in ("queued", "sending") for row in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_a_notification_wanted_by_email_is_sent_over_smtp_and_unsubscribed_in_one_click(live: dict[str, Any], world: World,
                                                                                        inbox: Inbox) -> None:
    tenant = world.tenant("Mail Works")
    qa = world.member(tenant, "qa")
    colleague = world.member(tenant, "qa")
    other = world.member(world.tenant(), "qa")
    bearer = world.sign_in(qa)

    chosen = rest(live, "POST", "/rpc/set_notification_preference", bearer, json={"kind": "system", "channel": "both"})
    assert chosen.status_code == 200, chosen.text
    assert (chosen.json()["kind"], chosen.json()["channel"]) == ("system", "both")
    over_graphql = graphql(live, """mutation { setNotificationPreference(input: {kind: approval, channel: email}) {
                                      result { kind channel } } }""", bearer).json()
    assert "errors" not in over_graphql, over_graphql
    assert over_graphql["data"]["setNotificationPreference"]["result"] == {"kind": "approval", "channel": "email"}
    bad = rest(live, "POST", "/rpc/set_notification_preference", bearer, json={"kind": "system", "channel": "pigeon"})
    assert bad.status_code == 400, bad.text

    world.sql("select app_private.notify(%s, array[%s, %s]::uuid[], 'system', 'Line 3 stopped', 'Check the press.',"
              " p_entity_type => 'ncrs', p_entity_id => '00000000-0000-7000-8000-000000000001')", tenant, qa.id, colleague.id)
    message = inbox.wait_for(qa.email, "Line 3 stopped")
    assert message["To"] == qa.email
    assert message["From"] == "Pulse Test <pulse@mail.test>"
    assert message["Subject"] == "[Mail Works] Line 3 stopped"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Pulse-Notification-Kind"] == "system"
    assert message["Message-ID"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert link.startswith(live["rest"] + "/rpc/unsubscribe_email?token=v1.")
    text = message.get_content().replace("\r\n", "\n")
    assert text.startswith("Line 3 stopped\n\nCheck the press.\n\nOpen it: https://pulse.mail.test/ncrs/00000000-0000-7000-8000-000000000001\n")
    assert f"Unsubscribe with one click: {link}" in text
    assert inbox.to(colleague.email) == [], "a colleague without the preference gets no mail"

    # The delivery log: the recipient's own, with the server's answer.
    log = deliveries(live, bearer)
    assert [(row["kind"], row["status"], row["attempts"], row["recipient"]) for row in log] == [("system", "sent", 1, qa.email)]
    assert log[0]["server_response"].startswith("250 2.0.0 Ok: queued as PULSETEST")
    assert log[0]["message_id"] == message["Message-ID"]
    assert len(rest(live, "GET", "/notifications?title=eq.Line 3 stopped", bearer).json()) == 1, "both: in the app too"
    assert rest(live, "GET", "/email_deliveries", world.sign_in(colleague)).json() == []
    assert rest(live, "GET", "/email_deliveries", world.sign_in(other)).json() == []
    assert rest(live, "GET", "/notification_preferences", world.sign_in(other)).json() == []

    # One click, no session: the token from the header unsubscribes from this kind only.
    token = link.split("token=", 1)[1]
    forged = rest(live, "POST", "/rpc/unsubscribe_email", json={"token": token[:-4] + "0000"})
    assert (forged.status_code, forged.json()["details"]) == (404, "unsubscribe.token_invalid"), forged.text
    unsubscribed = rest(live, "POST", "/rpc/unsubscribe_email", json={"token": token})
    assert unsubscribed.status_code == 200, unsubscribed.text
    assert (unsubscribed.json()["kind"], unsubscribed.json()["channel"]) == ("system", "in_app")
    anonymous = graphql(live, """mutation($token: String!) { unsubscribeEmail(input: {token: $token}) {
                                   result { channel } } }""", None, {"token": token}).json()
    assert "errors" not in anonymous, anonymous
    assert anonymous["data"]["unsubscribeEmail"]["result"] == {"channel": "in_app"}, "twice is fine"

    world.sql("select app_private.notify(%s, array[%s]::uuid[], 'system', 'After unsubscribing', '')", tenant, qa.id)
    world.sql("select app_private.notify(%s, array[%s]::uuid[], 'approval', 'Approve ECO-7', 'Waiting for you.')", tenant, qa.id)
    inbox.wait_for(qa.email, "Approve ECO-7")
    assert [m["Subject"] for m in inbox.to(qa.email)] == ["[Mail Works] Line 3 stopped", "[Mail Works] Approve ECO-7"], \
        "no mail of the kind unsubscribed from; the other kind still comes"
    assert len(rest(live, "GET", "/notifications?title=eq.After unsubscribing", bearer).json()) == 1, "it is in the app"
    assert rest(live, "GET", "/notifications?title=eq.Approve ECO-7", bearer).json() == [], "email only: not in the app"


def test_a_refused_recipient_is_logged_with_the_servers_answer(live: dict[str, Any], world: World, inbox: Inbox) -> None:
    tenant = world.tenant()
    person = world.member(tenant, "qa")
    world.sql("update app.users set email = 'refuse-' || email where id = %s", person.id)
    world.sql("insert into app.notification_preferences (organization_id, user_id, kind, channel) values (%s, %s, 'system', 'email')",
              tenant, person.id)
    world.sql("select app_private.notify(%s, array[%s]::uuid[], 'system', 'Bounce me', '')", tenant, person.id)
    deadline = time.monotonic() + 30
    while True:
        row = world.rows("select status::text, error_code, server_response, attempts from app.email_deliveries where user_id = %s",
                         person.id)
        if (row and row[0][0] not in ("queued", "sending")) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    status, error_code, response, attempts = row[0]
    assert (status, error_code, attempts) == ("failed", "email.smtp_refused", 1), row
    assert response.startswith("550 5.1.1") and "User unknown" in response, response


def run_through_pg_cron(live: dict[str, Any], job: str, seconds: float = 90) -> None:
    """Schedules the job every minute in the stack's database from pg_cron's own database (cron.database_name, `pulse`,
    in the same cluster) and waits for a run of it that succeeded: the job is seen to run under pg_cron."""
    info = psycopg.conninfo.conninfo_to_dict(live["url"])
    database = str(info["dbname"])
    name = f"test-{job}-{database}"
    with psycopg.connect(psycopg.conninfo.make_conninfo(live["url"], dbname="pulse"), autocommit=True) as conn:
        conn.execute("create extension if not exists pg_cron")
        conn.execute("select cron.schedule_in_database(%s, '* * * * *', %s, %s)",
                     [name, f"SELECT app_private.run_job('{job}')", database])
        try:
            deadline = time.monotonic() + seconds
            while True:
                run = conn.execute("""select d.status, d.return_message from cron.job_run_details d join cron.job j using (jobid)
                                       where j.jobname = %s and d.status in ('succeeded', 'failed')""", [name]).fetchone()
                if run or time.monotonic() > deadline:
                    break
                time.sleep(1)
        finally:
            conn.execute("select cron.unschedule(%s)", [name])
    assert run is not None, f"pg_cron ran {job} within {seconds} s"
    assert run[0] == "succeeded", run


def test_the_daily_digest_is_queued_by_pg_cron_and_sent_over_smtp(live: dict[str, Any], world: World, inbox: Inbox) -> None:
    tenant = world.tenant("Digest Works")
    person = world.member(tenant, "qa")
    bearer = world.sign_in(person)

    every = rest(live, "POST", "/rpc/set_notification_channel", bearer, json={"channel": "digest"})
    assert every.status_code == 200, every.text
    assert {row["channel"] for row in every.json()} == {"digest"} and len(every.json()) >= 8
    one = graphql(live, """mutation { setNotificationPreference(input: {kind: comment, channel: none}) {
                             result { kind channel } } }""", bearer).json()
    assert one["data"]["setNotificationPreference"]["result"] == {"kind": "comment", "channel": "none"}, one
    # A time zone where it is now between 08:00 and 20:00: the person's day has reached the digest's hour (07:00).
    zone = world.sql("select name from pg_timezone_names where (now() at time zone name)::time between '08:00' and '20:00'"
                     " and name like '%%/%%' order by name limit 1")
    world.sql("update app.users set preferences = jsonb_build_object('timezone', %s::text) where id = %s", zone, person.id)

    world.sql("select app_private.notify(%s, array[%s]::uuid[], 'system', 'Line 3 stopped', 'Check the press.',"
              " p_entity_type => 'ncrs', p_entity_id => '00000000-0000-7000-8000-000000000001')", tenant, person.id)
    world.sql("select app_private.notify(%s, array[%s]::uuid[], 'approval', 'Approve ECO-7', 'Waiting for you.')", tenant, person.id)
    world.sql("select app_private.notify(%s, array[%s]::uuid[], 'comment', 'Not wanted', '')", tenant, person.id)
    assert len(rest(live, "GET", "/notifications", bearer).json()) == 2, "digest kinds stay in the app"
    assert deliveries(live, bearer) == [], "and send nothing at once"

    run_through_pg_cron(live, "send-email-digests")
    message = inbox.wait_for(person.email, "Daily digest")
    assert message["Subject"] == "[Digest Works] Daily digest: 2 unread notifications"
    assert message["X-Pulse-Mail-Category"] == "digest"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_content().replace("\r\n", "\n")
    assert text.startswith("Your unread notifications since ")
    assert f"({zone}):\n\nApproval (1)\n- " in text
    assert "  Approve ECO-7\n  Waiting for you.\n\nSystem (1)\n- " in text
    assert "  Line 3 stopped\n  Check the press.\n  https://pulse.mail.test/ncrs/00000000-0000-7000-8000-000000000001\n" in text
    assert "Not wanted" not in text

    # Once a day: the job again (as a second scheduler run would) queues nothing more.
    assert world.sql("select app_private.run_job('send-email-digests')") == "0"
    log = deliveries(live, bearer)
    assert [(row["category"], row["kind"], row["status"]) for row in log] == [("digest", None, "sent")]
    assert log[0]["digest_on"] == world.sql("select (now() at time zone %s)::date::text", zone)
    assert len(inbox.to(person.email)) == 1

    # Its one-click link stops the digest; the notifications stay in the app.
    token = str(message["List-Unsubscribe"]).strip().strip("<>").split("token=", 1)[1]
    assert ".digest." in token
    stopped = rest(live, "POST", "/rpc/unsubscribe_email", json={"token": token})
    assert stopped.status_code == 200, stopped.text
    channels = {row["channel"] for row in rest(live, "GET", "/notification_preferences", bearer).json()}
    assert channels == {"in_app", "none"}


def test_an_invitation_is_sent_over_smtp_and_its_link_accepts_it(live: dict[str, Any], world: World, inbox: Inbox) -> None:
    tenant = world.tenant("Invite Works")
    admin = world.member(tenant, "admin")
    bearer = world.sign_in(admin)
    address = f"invitee-{tenant[:8]}@mail.test"

    invited = rest(live, "POST", "/rpc/add_member", bearer, json={"email": address, "display_name": "Ivy Invitee"})
    assert invited.status_code == 200, invited.text
    message = inbox.wait_for(address, "You are invited to Invite Works")
    assert message["X-Pulse-Mail-Category"] == "invitation"
    assert message["List-Unsubscribe"] is None, "an invitation is no subscription"
    text = message.get_content().replace("\r\n", "\n")
    link = next(line for line in text.splitlines() if line.startswith("Or accept it here: "))
    assert link.startswith("Or accept it here: https://pulse.mail.test/accept-invitation?token=")
    token = link.split("token=", 1)[1]
    assert token in text.split("Or accept it here:")[0], "the token is in the text too"

    # The inviting admin sees how it went, never the token; another member sees nothing of it.
    deadline = time.monotonic() + 30
    while True:
        log = rest(live, "GET", "/email_deliveries?category=eq.invitation", bearer).json()
        if (log and log[0]["status"] == "sent") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert [(row["recipient"], row["status"], row["attempts"]) for row in log] == [(address, "sent", 1)], log
    assert log[0]["server_response"].startswith("250 ")
    assert token not in log[0]["body"]
    over_graphql = graphql(live, "query { emailDeliveries { nodes { category recipient status } } }", bearer).json()
    assert "errors" not in over_graphql, over_graphql
    assert over_graphql["data"]["emailDeliveries"]["nodes"] == [{"category": "invitation", "recipient": address, "status": "sent"}], \
        over_graphql
    assert rest(live, "GET", "/email_deliveries", world.sign_in(world.member(tenant, "qa"))).json() == []
    assert world.sql("select sent_at is not null from app_private.outbox where recipient = %s", address), \
        "sent: no longer pending for `pulse outbox`"

    accepted = rest(live, "POST", "/rpc/accept_invitation", json={"token": token, "password": "a-long-enough-password"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active"
