"""Signed uploads over HTTP, end to end (seed 002 §3, §7: "get signed URL; upload; confirm"): a member creates
a document through PostgREST, PUTs the bytes to the presigned URL of a local S3-compatible server (moto), confirms,
and the verify worker's report makes the version current, or rejects it with its reason."""

from __future__ import annotations

import hashlib
import subprocess
import time

import httpx
import psycopg
import pytest

from helpers import PULSE, World, graphql, pulse_env, rest
from object_store import ObjectStore, upload, verify_sweep
from workflow_world import Shop

pytestmark = pytest.mark.stack


@pytest.fixture
def shop(world, live, object_store: ObjectStore) -> Shop:
    object_store.configure(live["url"])
    return Shop(world)


def create(live: dict, bearer: str, project: str, content: bytes, **overrides) -> dict:
    body = {"project_id": project, "title": "Bracket drawing", "category": "design_spec", "file_extension": "pdf",
            "checksum": hashlib.sha256(content).hexdigest(), "size_bytes": len(content), "mime_type": "application/pdf",
            **overrides}
    response = rest(live, "POST", "/rpc/create_document", bearer, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def refusal(response: httpx.Response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body.get("code"), body.get("details")


def test_upload_confirm_verify_download(live, shop, object_store: ObjectStore) -> None:
    engineering, auditor = shop.token("engineering"), shop.token("auditor")
    project = shop.project()
    content = b"%PDF-1.7 bracket drawing, revision A\n" * 100
    version = create(live, engineering, project, content)
    assert (version["upload_state"], version["is_current"]) == ("pending", False)

    stored = upload(live, object_store, engineering, version, content)
    assert (stored["upload_state"], stored["is_current"], stored["upload_rejection"]) == ("stored", True, None)
    document = rest(live, "GET", f"/documents?id=eq.{version['document_id']}", engineering).json()[0]
    assert (document["version"], document["checksum"]) == (1, hashlib.sha256(content).hexdigest())
    key = f"tenants/{shop.id}/documents/{version['document_id']}/v1/{version['file_name']}"
    assert object_store.client().head_object(Bucket=object_store.bucket, Key=key)["ContentLength"] == len(content)

    signed = rest(live, "POST", "/rpc/document_download_url", auditor, json={"version_id": version["id"]})
    assert signed.status_code == 200 and signed.json()["method"] == "GET", signed.text
    assert httpx.get(signed.json()["url"]).content == content
    log = rest(live, "GET", f"/document_access_log?document_id=eq.{version['document_id']}", auditor).json()
    assert [entry["action"] for entry in log] == ["download"]


def test_wrong_bytes_are_rejected_and_never_current(live, shop, object_store: ObjectStore) -> None:
    engineering = shop.token("engineering")
    project = shop.project()
    declared = b"the drawing as declared"
    same_size = create(live, engineering, project, declared)
    rejected = upload(live, object_store, engineering, same_size, b"the drawing as uploaded")
    assert (rejected["upload_state"], rejected["upload_rejection"], rejected["is_current"]) == \
        ("rejected", "upload.checksum_mismatch", False)
    longer = create(live, engineering, project, declared, title="Longer")
    assert upload(live, object_store, engineering, longer, declared + b"!")["upload_rejection"] == "upload.size_mismatch"
    documents = rest(live, "GET", f"/documents?project_id=eq.{project}&select=version", engineering).json()
    assert documents == [{"version": 0}, {"version": 0}]

    missing = create(live, engineering, project, declared, title="Never uploaded")
    confirmed = rest(live, "POST", "/rpc/confirm_document_upload", engineering, json={"version_id": missing["id"]})
    assert confirmed.status_code == 200
    verify_sweep(live["url"])
    row = rest(live, "GET", f"/document_versions?id=eq.{missing['id']}", engineering).json()[0]
    assert (row["upload_state"], row["upload_rejection"]) == ("rejected", "upload.missing_object")
    unread = rest(live, "GET", "/notifications?read_at=is.null&type=eq.document&select=title", engineering).json()
    assert {"title": "Never uploaded v1 was rejected"} in unread

    again = rest(live, "POST", "/rpc/confirm_document_upload", engineering, json={"version_id": missing["id"]})
    assert refusal(again) == (409, "PT409", "document_upload.not_pending"), again.text
    download = rest(live, "POST", "/rpc/document_download_url", engineering, json={"version_id": missing["id"]})
    assert refusal(download) == (409, "PT409", "document_upload.not_stored"), download.text


def test_another_tenant_gets_no_url(live, shop, world, object_store: ObjectStore) -> None:
    engineering = shop.token("engineering")
    content = b"tenant A's drawing"
    version = create(live, engineering, shop.project(), content)
    upload(live, object_store, engineering, version, content)
    pending = create(live, engineering, shop.project(), content)
    other = world.sign_in(world.member(world.tenant(), "admin"))
    for function, target in (("document_upload_url", pending), ("confirm_document_upload", pending),
                             ("document_download_url", version)):
        answer = rest(live, "POST", f"/rpc/{function}", other, json={"version_id": target["id"]})
        assert refusal(answer) == (404, "PT404", "document.not_found"), (function, answer.text)
        assert rest(live, "POST", f"/rpc/{function}", None, json={"version_id": target["id"]}).status_code == 401
    # No API takes a key: a client naming one finds no such function, in its own tenant too.
    crafted = rest(live, "POST", "/rpc/document_upload_url", engineering,
                   json={"version_id": pending["id"], "key": f"tenants/{world.tenant()}/x.pdf"})
    assert crafted.status_code == 404 and crafted.json()["code"] == "PGRST202", crafted.text


def test_graphql_asks_for_urls_too(live, shop, object_store: ObjectStore) -> None:
    engineering = shop.token("engineering")
    version = create(live, engineering, shop.project(), b"over graphql")
    answer = graphql(live, """mutation($id: UUID!) { confirmDocumentUpload(input: {versionId: $id}) {
                                result { uploadState } } }""", engineering, {"id": version["id"]})
    assert answer.json().get("data", {}).get("confirmDocumentUpload") == {"result": {"uploadState": "verifying"}}, \
        answer.text
    fresh = create(live, engineering, shop.project(), b"over graphql, again")
    asked = graphql(live, "query($id: UUID!) { documentUploadUrl(versionId: $id) { method url expiresAt } }",
                    engineering, {"id": fresh["id"]})
    signed = asked.json()["data"]["documentUploadUrl"]
    assert signed["method"] == "PUT" and f"/{object_store.bucket}/tenants/{shop.id}/" in signed["url"], asked.text
    stored = upload(live, object_store, engineering, fresh, b"over graphql, again")
    download = graphql(live, """mutation($id: UUID!) { documentDownloadUrl(input: {versionId: $id}) {
                                  result { method url } } }""", engineering, {"id": stored["id"]})
    result = download.json()["data"]["documentDownloadUrl"]["result"]
    assert result["method"] == "GET" and httpx.get(result["url"]).content == b"over graphql, again", download.text


def wait_until_decided(live: dict, bearer: str, version_id: str, seconds: float = 5) -> dict:
    """The version once it is no longer verifying (as a client polls), or as it is after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        row = rest(live, "GET", f"/document_versions?id=eq.{version_id}", bearer).json()[0]
        if row["upload_state"] != "verifying" or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def test_pulse_up_runs_a_local_store_and_the_worker(live, shop) -> None:
    """The stack of `pulse up` alone, with no test fixture: its own object store (moto, a bucket made for it)
    and its verify worker, which answers a confirmation within seconds (it LISTENs)."""
    line = next(line for line in live["output"].splitlines() if line.strip().startswith("S3 "))
    assert "(local, moto)" in line and "pulse storage verify --watch" in line, line
    endpoint, bucket = line.split()[1].rstrip(";").rsplit("/", 1)
    ObjectStore(endpoint, bucket=bucket, access_key_id="pulse-local", secret_access_key="pulse-local").configure(live["url"])
    engineering = shop.token("engineering")
    content = b"checked while the client waits"
    version = create(live, engineering, shop.project(), content)
    signed = rest(live, "POST", "/rpc/document_upload_url", engineering, json={"version_id": version["id"]}).json()
    assert signed["url"].startswith(f"{endpoint}/{bucket}/tenants/{shop.id}/")
    assert httpx.put(signed["url"], content=content).status_code == 200
    began = time.monotonic()
    assert rest(live, "POST", "/rpc/confirm_document_upload", engineering,
                json={"version_id": version["id"]}).status_code == 200
    decided = wait_until_decided(live, engineering, version["id"])
    assert (decided["upload_state"], decided["is_current"]) == ("stored", True)
    assert time.monotonic() - began < 5
    download = rest(live, "POST", "/rpc/document_download_url", engineering, json={"version_id": version["id"]}).json()
    assert httpx.get(download["url"]).content == content


def test_the_cli_sweep_reports_each_decision(database_url: str, object_store: ObjectStore) -> None:
    """`pulse storage verify` (one sweep, for a scheduler) on a database no worker watches."""
    object_store.configure(database_url)
    world = World.on(database_url)
    tenant = world.workflow_tenant()
    project = world.project(tenant)
    with psycopg.connect(database_url) as conn:
        conn.execute("select tests.act_as_role(%s, 'engineering')", [tenant])
        version = conn.execute("""select (app.create_document(%s, 'Never uploaded', 'rfq', 'pdf', repeat('a', 64), 1,
                                                            'application/pdf')).id""", [project]).fetchone()[0]
        conn.execute("select app.confirm_document_upload(%s)", [version])
    env = pulse_env(database_url)
    result = subprocess.run([str(PULSE), "storage", "verify"], check=False, env=env, capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert f"{version}: rejected (upload.missing_object)" in result.stdout
    empty = subprocess.run([str(PULSE), "storage", "verify"], check=False, env=env, capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
    assert "no confirmed uploads waiting" in empty.stdout


def test_a_misconfigured_store_decides_nothing(database_url: str, object_store: ObjectStore) -> None:
    """A bucket that does not exist is the worker's problem, not the upload's: `pulse storage verify` fails in
    one line and the version stays verifying (a missing object is told apart by the store's NoSuchKey)."""
    ObjectStore(object_store.endpoint, bucket="no-such-bucket").configure(database_url)
    world = World.on(database_url)
    tenant = world.workflow_tenant()
    project = world.project(tenant)
    with psycopg.connect(database_url) as conn:
        conn.execute("select tests.act_as_role(%s, 'engineering')", [tenant])
        version = conn.execute("""select (app.create_document(%s, 'Kept waiting', 'rfq', 'pdf', repeat('a', 64), 1,
                                                            'application/pdf')).id""", [project]).fetchone()[0]
        conn.execute("select app.confirm_document_upload(%s)", [version])
    result = subprocess.run([str(PULSE), "storage", "verify"], check=False, env=pulse_env(database_url),
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode != 0 and "NoSuchBucket" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert world.sql("select upload_state::text from app.document_versions where id = %s", version) == "verifying"
