"""A local S3-compatible server for the tests: moto's server on a free port, with one bucket.

moto stores what is PUT and answers GET, HEAD and 404s as S3 does; it checks neither the signature nor the
expiry of a presigned URL (its IAM mode reads only an Authorization header), so the signatures themselves
are proven against botocore's presigner (tests/test_object_storage.py).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx
import psycopg
from botocore.config import Config

from helpers import rest
from pulse.contracts import free_port
from pulse.storage import Outcome, verify_due

MOTO_SERVER = Path(sys.executable).parent / "moto_server"


@dataclass(frozen=True)
class ObjectStore:
    endpoint: str
    bucket: str = "pulse-test"
    region: str = "us-east-1"
    access_key_id: str = "pulse-test-key"
    secret_access_key: str = "pulse-test-secret"

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=self.access_key_id, aws_secret_access_key=self.secret_access_key,
                            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))

    def configure(self, database_url: str) -> None:
        """Point a database's app_private.object_storage at this server (what `pulse db migrate` does from PULSE_S3_*)."""
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(
                "insert into app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)"
                " values (%s, %s, %s, %s, %s) on conflict (singleton) do update set endpoint = excluded.endpoint,"
                " region = excluded.region, bucket = excluded.bucket, access_key_id = excluded.access_key_id,"
                " secret_access_key = excluded.secret_access_key",
                [self.endpoint, self.region, self.bucket, self.access_key_id, self.secret_access_key])

    def environment(self) -> dict[str, str]:
        """The PULSE_S3_* settings for this server."""
        return {"PULSE_S3_ENDPOINT": self.endpoint, "PULSE_S3_REGION": self.region, "PULSE_S3_BUCKET": self.bucket,
                "PULSE_S3_ACCESS_KEY_ID": self.access_key_id, "PULSE_S3_SECRET_ACCESS_KEY": self.secret_access_key}


def start_moto(log: Path) -> tuple[subprocess.Popen[bytes], ObjectStore]:
    """moto_server on a free port, answering, with the bucket created."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen([str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    store = ObjectStore(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}: {log.read_text()[-500:]}")
        try:
            httpx.get(store.endpoint, timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"moto_server did not answer within 30 s: {log.read_text()[-500:]}") from None
            time.sleep(0.1)
    store.client().create_bucket(Bucket=store.bucket)
    return process, store


def verify_sweep(database_url: str) -> list[Outcome]:
    """One sweep of the verify worker (pulse.storage) on a database."""
    with psycopg.connect(database_url, autocommit=True) as conn, httpx.Client(timeout=30) as client:
        return verify_due(conn, client)


def upload(live: dict, store: ObjectStore, bearer: str, version: dict, content: bytes) -> dict:
    """A client's upload over HTTP (a signed PUT URL from the API, the bytes PUT to the store, the confirmation),
    then one sweep of the verify worker. Returns the version as the client then reads it."""
    store.configure(live["url"])
    signed = rest(live, "POST", "/rpc/document_upload_url", bearer, json={"version_id": version["id"]})
    assert signed.status_code == 200, signed.text
    assert signed.json()["method"] == "PUT"
    put = httpx.put(signed.json()["url"], content=content)
    assert put.status_code == 200, put.text
    confirmed = rest(live, "POST", "/rpc/confirm_document_upload", bearer, json={"version_id": version["id"]})
    assert confirmed.status_code == 200 and confirmed.json()["upload_state"] == "verifying", confirmed.text
    verify_sweep(live["url"])
    return rest(live, "GET", f"/document_versions?id=eq.{version['id']}", bearer).json()[0]
