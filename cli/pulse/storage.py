"""The storage worker: the database cannot make HTTP calls, so this fetches confirmed uploads and reports what it
found (the database decides), and deletes the objects of deleted attachments.

Every kind of upload (a document's version, an attachment: `KINDS`) has a list of what is due, with a signed GET
URL each, and a function that records the worker's finding (db/functions/50_platform/62_uploads.sql). The worker
measures each object (size, sha256) and reports it. A confirmation NOTIFYs the kind's channel, so a watching worker
answers within about a second; a sweep every `interval` seconds catches anything confirmed while no worker
listened. Objects of deleted attachments are listed with a signed DELETE URL each
(app_private.object_purges_due); the purge deletes them and takes them off the list.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import psycopg

from pulse.config import Settings
from pulse.database import connection
from pulse.errors import PulseError

BATCH = 20


@dataclass(frozen=True)
class Kind:
    """One kind of upload: its wake-up channel, what is due (id, declared size, declared sha256, GET URL) and how a
    finding is recorded (returning the upload state and rejection)."""

    name: str
    channel: str
    due: str
    record: str


KINDS = (
    Kind("document version", "pulse_document_uploads",
         "select version_id, size_bytes, checksum, url from app_private.upload_checks_due(%s)",
         "select upload_state::text, upload_rejection from app_private.record_upload_check(%s, %s, %s)"),
    Kind("attachment", "pulse_attachment_uploads",
         "select attachment_id, size_bytes, sha256, url from app_private.attachment_checks_due(%s)",
         "select upload_state::text, upload_rejection from app_private.record_attachment_check(%s, %s, %s)"),
)
CHANNELS = tuple(kind.channel for kind in KINDS)
# Kept for callers that named the first channel.
CHANNEL = CHANNELS[0]


@dataclass(frozen=True)
class Outcome:
    id: str
    state: str
    rejection: str | None
    kind: str = "document version"

    @property
    def version_id(self) -> str:
        """The id of what was checked (named for the first kind, document versions)."""
        return self.id


def measure(client: httpx.Client, url: str, declared_size: int) -> tuple[int | None, str | None]:
    """(size, sha256 hex) of the object at a presigned GET URL; (None, None) when the store says there is no
    such key. A Content-Length other than the declared size answers at once, without reading the body. Any
    other refusal (no such bucket, a bad signature, an unreachable store) raises: it says nothing of the
    upload, so it stays verifying until a sweep can check it."""
    with client.stream("GET", url) as response:
        if response.status_code != 200:
            body = response.read()
            if response.status_code == 404 and b"<Code>NoSuchKey</Code>" in body:
                return None, None
            raise PulseError(f"the object store answered {response.status_code} to a signed GET: "
                             f"{body[:300].decode(errors='replace')!r} (check PULSE_S3_* and the bucket)")
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) != declared_size:
            return int(length), None
        digest = hashlib.sha256()
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            digest.update(chunk)
        return size, digest.hexdigest()


def verify_due(conn: psycopg.Connection, client: httpx.Client) -> list[Outcome]:
    """Check every confirmed upload of every kind the database lists, report each, and return what it decided.
    The connection is in autocommit: each report is its own transaction."""
    outcomes: list[Outcome] = []
    for kind in KINDS:
        while True:
            due = conn.execute(kind.due, [BATCH]).fetchall()
            if not due:
                break
            for upload_id, declared_size, _checksum, url in due:
                size, checksum = measure(client, url, declared_size)
                row = conn.execute(kind.record, [upload_id, size, checksum]).fetchone()
                assert row is not None
                outcomes.append(Outcome(str(upload_id), row[0], row[1], kind.name))
    return outcomes


def purge_due(conn: psycopg.Connection, client: httpx.Client) -> list[str]:
    """Delete from the store every object the database lists as left by a deleted attachment (a key already
    gone counts as deleted: S3 answers 204 either way) and take it off the list. Returns the keys."""
    purged: list[str] = []
    while True:
        due = conn.execute("select object_key, url from app_private.object_purges_due(%s)", [BATCH]).fetchall()
        if not due:
            return purged
        for key, url in due:
            response = client.delete(url)
            if response.status_code not in (200, 204, 404):
                raise PulseError(f"the object store answered {response.status_code} to a signed DELETE: "
                                 f"{response.text[:300]!r} (check PULSE_S3_* and the bucket)")
            conn.execute("select app_private.record_object_purged(%s)", [key])
            purged.append(str(key))


def verify_once(settings: Settings) -> list[Outcome]:
    """One sweep: what `pulse storage verify` does without --watch."""
    with connection(settings.database_url, autocommit=True) as conn, httpx.Client(timeout=60) as client:
        return verify_due(conn, client)


def purge_once(settings: Settings) -> list[str]:
    """One purge: what `pulse storage purge` does."""
    with connection(settings.database_url, autocommit=True) as conn, httpx.Client(timeout=60) as client:
        return purge_due(conn, client)


def watch(settings: Settings, interval: float, report: Callable[[Outcome], None],
          trouble: Callable[[str], None]) -> None:
    """Verify as uploads are confirmed (LISTEN on every kind's channel), and sweep every `interval` seconds; runs
    until interrupted. A store that cannot be reached is reported and tried again at the next sweep."""
    with connection(settings.database_url, autocommit=True) as conn, httpx.Client(timeout=60) as client:
        for channel in CHANNELS:
            conn.execute(f"listen {channel}")
        while True:
            began = time.monotonic()
            try:
                for outcome in verify_due(conn, client):
                    report(outcome)
            except (httpx.HTTPError, PulseError, psycopg.Error) as error:
                trouble(str(error).splitlines()[0] if str(error) else type(error).__name__)
            for _ in conn.notifies(timeout=max(0.0, interval - (time.monotonic() - began)), stop_after=1):
                pass
