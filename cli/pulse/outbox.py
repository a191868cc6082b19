"""The outbox: messages the database decided to send (invitations, ...); no mail server is part of the stack."""

from __future__ import annotations

from pulse.config import Settings
from pulse.database import connection


def pending_messages(settings: Settings, mark_sent: bool = False) -> list[tuple[str, str, str, str]]:
    """(created_at, recipient, subject, body) of every unsent message, oldest first; optionally marks them sent."""
    with connection(settings.database_url, autocommit=True) as conn:
        rows = conn.execute(
            "select id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), recipient::text, subject, body"
            "  from app_private.outbox where sent_at is null order by created_at, id").fetchall()
        if mark_sent and rows:
            conn.execute("update app_private.outbox set sent_at = now() where id = any(%s)", [[row[0] for row in rows]])
        return [row[1:] for row in rows]
