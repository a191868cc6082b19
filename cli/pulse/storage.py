"""The upload verify worker: the database cannot make HTTP calls, so this fetches confirmed uploads and
reports what it found; the database decides (app_private.record_upload_check).

The database lists what is due with a signed GET URL each (app_private.upload_checks_due); the worker
measures the object (size, sha256) and reports it. `app.confirm_document_upload` NOTIFYs
`pulse_document_uploads`, so a watching worker answers within about a second; a sweep every
`interval` seconds catches anything confirmed while no worker listened.
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

CHANNEL = "pulse_document_uploads"
BATCH = 20


@dataclass(frozen=True)
class Outcome:
    version_id: str
    state: str
    rejection: str | None


def measure(client: httpx.Client, url: str, declared_size: int) -> tuple[int | None, str | None]:
    """(size, sha256 hex) of the object at a presigned GET URL; (None, None) when the store says there is no
    such key. A Content-Length other than the declared size answers at once, without reading the body. Any
    other refusal (no such bucket, a bad signature, an unreachable store) raises: it says nothing of the
    upload, so the version stays verifying until a sweep can check it."""
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
    """Check every confirmed upload the database lists, report each, and return what it decided.
    The connection is in autocommit: each report is its own transaction."""
    outcomes: list[Outcome] = []
    while True:
        due = conn.execute("select version_id, size_bytes, checksum, url from app_private.upload_checks_due(%s)",
                           [BATCH]).fetchall()
        if not due:
            return outcomes
        for version_id, declared_size, _checksum, url in due:
            size, checksum = measure(client, url, declared_size)
            row = conn.execute("select upload_state::text, upload_rejection from app_private.record_upload_check(%s, %s, %s)",
                               [version_id, size, checksum]).fetchone()
            assert row is not None
            outcomes.append(Outcome(str(version_id), row[0], row[1]))


def verify_once(settings: Settings) -> list[Outcome]:
    """One sweep: what `pulse storage verify` does without --watch."""
    with connection(settings.database_url, autocommit=True) as conn, httpx.Client(timeout=60) as client:
        return verify_due(conn, client)


def watch(settings: Settings, interval: float, report: Callable[[Outcome], None],
          trouble: Callable[[str], None]) -> None:
    """Verify as uploads are confirmed (LISTEN), and sweep every `interval` seconds; runs until interrupted.
    A store that cannot be reached is reported and tried again at the next sweep."""
    with connection(settings.database_url, autocommit=True) as conn, httpx.Client(timeout=60) as client:
        conn.execute(f"listen {CHANNEL}")
        while True:
            began = time.monotonic()
            try:
                for outcome in verify_due(conn, client):
                    report(outcome)
            except (httpx.HTTPError, PulseError, psycopg.Error) as error:
                trouble(str(error).splitlines()[0] if str(error) else type(error).__name__)
            for _ in conn.notifies(timeout=max(0.0, interval - (time.monotonic() - began)), stop_after=1):
                pass
