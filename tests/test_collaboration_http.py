"""Tags, comments and attachments over HTTP, through PostgREST and PostGraphile (the collaboration blocks,
db/functions/50_platform/32_tags.sql, 33_comments.sql, 34_attachments.sql): a low-code tool's filters by tag, a
comment thread with a mention, a real attachment upload through the local S3 (moto) verified by the storage
worker, its download by a reader and its purge; another tenant, a lesser role and a portal customer reach none of
it."""

from __future__ import annotations

import hashlib
import time

import botocore.exceptions
import httpx
import psycopg
import pytest

from helpers import graphql, rest
from object_store import ObjectStore, verify_sweep
from pulse.storage import purge_due
from workflow_world import Shop

pytestmark = pytest.mark.stack

REPRESENTATION = {"Prefer": "return=representation"}


@pytest.fixture
def shop(world, live, object_store: ObjectStore) -> Shop:
    object_store.configure(live["url"])
    return Shop(world)


def created(response: httpx.Response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()[0]


def decided(live: dict, bearer: str, attachment_id: str, seconds: float = 5) -> dict:
    """The attachment once it is no longer verifying (as a client polls), or as it is after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        row = rest(live, "GET", f"/attachments?id=eq.{attachment_id}", bearer).json()[0]
        if row["upload_state"] != "verifying" or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def refusal(response: httpx.Response) -> tuple[int, str | None]:
    return response.status_code, response.json().get("details")


def test_tags_filter_entities_over_rest_and_graphql(live, shop, world) -> None:
    management, sales, auditor = shop.token("management"), shop.token("sales"), shop.token("auditor")
    tagged, untagged = shop.project(), shop.project()
    urgent = created(rest(live, "POST", "/tags", management, headers=REPRESENTATION,
                          json={"name": "Urgent", "color": "#DC2626"}))
    assert urgent["color"] == "#dc2626"
    assert refusal(rest(live, "POST", "/tags", management, json={"name": "urgent"})) == (409, "tag.name_taken")
    assert refusal(rest(live, "POST", "/tags", sales, json={"name": "Mine"})) == (403, "permission.missing")
    created(rest(live, "POST", "/entity_tags", sales, headers=REPRESENTATION,
                 json={"entity_type": "project", "entity_id": tagged, "tag_id": urgent["id"]}))
    assert refusal(rest(live, "POST", "/entity_tags", auditor,
                        json={"entity_type": "project", "entity_id": untagged, "tag_id": urgent["id"]})) \
        == (403, "permission.missing")

    rows = rest(live, "GET", f"/entity_tags?tag_id=eq.{urgent['id']}&entity_type=eq.project&select=entity_id", auditor)
    assert rows.json() == [{"entity_id": tagged}], rows.text
    found = rest(live, "GET", f"/rpc/tagged_entities?tag_ids={{{urgent['id']}}}&entity_type=project", auditor)
    number = world.sql("select project_number from app.projects where id = %s", tagged)
    assert [(row["entity_id"], row["title"].split()[0]) for row in found.json()] == [(tagged, number)], found.text
    projects = rest(live, "GET", "/projects?select=id,projects_tags!inner(name)&projects_tags.name=eq.Urgent", auditor)
    assert projects.json() == [{"id": tagged, "projects_tags": [{"name": "Urgent"}]}], projects.text

    answer = graphql(live, """query($tag: UUID!, $project: UUID!) {
        entityTags(filter: {tagId: {equalTo: $tag}, entityType: {equalTo: "project"}}) { nodes { entityId } }
        taggedEntities(tagIds: [$tag], entityType: "project") { nodes { entityId title } }
        projects(condition: {rowId: $project}) { nodes { tags { nodes { name color } } } } }""",
                     auditor, {"tag": urgent["id"], "project": tagged}).json()
    assert "errors" not in answer, answer
    assert answer["data"]["entityTags"]["nodes"] == [{"entityId": tagged}]
    assert answer["data"]["taggedEntities"]["nodes"][0]["entityId"] == tagged
    assert answer["data"]["projects"]["nodes"] == [{"tags": {"nodes": [{"name": "Urgent", "color": "#dc2626"}]}}]

    other = world.sign_in(world.member(world.tenant(), "admin"))
    assert rest(live, "GET", f"/entity_tags?entity_id=eq.{tagged}", other).json() == []
    assert refusal(rest(live, "POST", "/entity_tags", other,
                        json={"entity_type": "project", "entity_id": tagged, "tag_id": urgent["id"]}))[0] in (403, 404)
    assert rest(live, "GET", "/entity_tags", None).status_code == 401


def test_a_comment_thread_with_a_mention(live, shop, world) -> None:
    sales, qa, portal = shop.token("sales"), shop.token("qa"), shop.token("customer_portal")
    project = shop.project(customer_id=shop.customer)
    qa_id = shop.person("qa").id
    first = created(rest(live, "POST", "/comments", sales, headers=REPRESENTATION, json={
        "entity_type": "project", "entity_id": project, "body": "Customer asks for two more weeks.", "mention_ids": [qa_id]}))
    assert first["author_id"] == shop.person("sales").id and first["edited_at"] is None
    notes = rest(live, "GET", "/notifications?type=eq.comment&select=title,message", qa).json()
    assert len(notes) == 1 and notes[0]["message"] == "Customer asks for two more weeks.", notes
    portal_id = shop.person("customer_portal").id
    mention = rest(live, "POST", "/comments", sales, json={
        "entity_type": "project", "entity_id": project, "body": "FYI", "mention_ids": [portal_id]})
    assert refusal(mention) == (422, "comment.mention_cannot_see"), mention.text

    reply = graphql(live, """mutation($project: UUID!, $parent: UUID!) {
        createComment(input: {comment: {entityType: "project", entityId: $project, parentId: $parent, body: "Fine by QA."}}) {
          comment { rowId parentId authorId } } }""", qa, {"project": project, "parent": first["id"]}).json()
    assert "errors" not in reply, reply
    assert reply["data"]["createComment"]["comment"]["parentId"] == first["id"]

    # Only the author edits; a colleague's PATCH reaches nothing.
    assert rest(live, "PATCH", f"/comments?id=eq.{first['id']}", qa, headers=REPRESENTATION, json={"body": "x"}).json() == []
    edited = rest(live, "PATCH", f"/comments?id=eq.{first['id']}", sales, headers=REPRESENTATION,
                  json={"body": "Customer asks for three more weeks."}).json()
    assert edited[0]["edited_at"] is not None
    thread = rest(live, "GET", f"/comments?entity_type=eq.project&entity_id=eq.{project}&order=created_at&select=body,parent_id",
                  shop.token("auditor")).json()
    assert thread == [{"body": "Customer asks for three more weeks.", "parent_id": None},
                      {"body": "Fine by QA.", "parent_id": first["id"]}], thread

    assert rest(live, "GET", "/comments", portal).json() == []
    assert refusal(rest(live, "POST", "/comments", portal, json={"entity_type": "project", "entity_id": project,
                                                                 "body": "Hello"})) == (403, "permission.missing")
    other = world.sign_in(world.member(world.tenant(), "admin"))
    assert rest(live, "GET", f"/comments?entity_id=eq.{project}", other).json() == []
    assert refusal(rest(live, "POST", "/comments", other, json={"entity_type": "project", "entity_id": project,
                                                                "body": "Hello"})) == (404, "entity.not_found")
    assert rest(live, "DELETE", f"/comments?id=eq.{first['id']}", other, headers=REPRESENTATION).json() == []


def test_an_attachment_uploaded_verified_downloaded_and_purged(live, shop, world, object_store: ObjectStore) -> None:
    sales, auditor = shop.token("sales"), shop.token("auditor")
    project = shop.project()
    comment = created(rest(live, "POST", "/comments", sales, headers=REPRESENTATION,
                           json={"entity_type": "project", "entity_id": project, "body": "Photo of the bracket attached."}))
    content = b"\x89PNG the bracket, seen from above\n" * 50
    attachment = created(rest(live, "POST", "/attachments", sales, headers=REPRESENTATION, json={
        "entity_type": "project", "entity_id": project, "comment_id": comment["id"], "file_name": "bracket top.png",
        "mime_type": "image/png", "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}))
    assert attachment["upload_state"] == "pending"

    signed = rest(live, "POST", "/rpc/attachment_upload_url", sales, json={"attachment_id": attachment["id"]})
    assert signed.status_code == 200 and signed.json()["method"] == "PUT", signed.text
    assert refusal(rest(live, "POST", "/rpc/attachment_upload_url", shop.token("qa"),
                        json={"attachment_id": attachment["id"]})) == (404, "attachment.not_found")
    assert httpx.put(signed.json()["url"], content=content).status_code == 200
    confirmed = rest(live, "POST", "/rpc/confirm_attachment_upload", sales, json={"attachment_id": attachment["id"]})
    assert confirmed.json()["upload_state"] == "verifying", confirmed.text
    # One sweep here (the stack's own watching worker may have decided first).
    verify_sweep(live["url"])
    assert decided(live, sales, attachment["id"])["upload_state"] == "stored"
    key = f"tenants/{shop.id}/attachments/{attachment['id']}/bracket top.png"
    assert object_store.client().head_object(Bucket=object_store.bucket, Key=key)["ContentLength"] == len(content)

    download = rest(live, "POST", "/rpc/attachment_download_url", auditor, json={"attachment_id": attachment["id"]})
    assert download.status_code == 200, download.text
    assert httpx.get(download.json()["url"]).content == content
    over_graphql = graphql(live, """mutation($id: UUID!) { attachmentDownloadUrl(input: {attachmentId: $id}) {
                                      result { method url } } }""", auditor, {"id": attachment["id"]}).json()
    assert httpx.get(over_graphql["data"]["attachmentDownloadUrl"]["result"]["url"]).content == content, over_graphql
    logged = rest(live, "GET", f"/attachment_downloads?attachment_id=eq.{attachment['id']}", auditor).json()
    assert len(logged) == 2

    other = world.sign_in(world.member(world.tenant(), "admin"))
    portal = shop.token("customer_portal")
    for outsider in (other, portal):
        assert rest(live, "GET", f"/attachments?id=eq.{attachment['id']}", outsider).json() == []
        answer = rest(live, "POST", "/rpc/attachment_download_url", outsider, json={"attachment_id": attachment["id"]})
        assert refusal(answer) == (404, "attachment.not_found"), answer.text
    assert rest(live, "POST", "/rpc/attachment_download_url", None, json={"attachment_id": attachment["id"]}).status_code == 401

    # Deleting the comment deletes its attachment; the purge deletes the object.
    assert rest(live, "DELETE", f"/comments?id=eq.{comment['id']}", sales, headers=REPRESENTATION).json() != []
    assert rest(live, "GET", f"/attachments?id=eq.{attachment['id']}", auditor).json() == []
    with psycopg.connect(live["url"], autocommit=True) as conn, httpx.Client(timeout=30) as client:
        assert key in purge_due(conn, client)
        assert purge_due(conn, client) == []
    with pytest.raises(botocore.exceptions.ClientError):
        object_store.client().head_object(Bucket=object_store.bucket, Key=key)


def test_a_wrong_upload_is_rejected(live, shop, object_store: ObjectStore) -> None:
    sales = shop.token("sales")
    declared = b"the declared file"
    attachment = created(rest(live, "POST", "/attachments", sales, headers=REPRESENTATION, json={
        "entity_type": "project", "entity_id": shop.project(), "file_name": "notes.txt", "mime_type": "text/plain",
        "size_bytes": len(declared), "sha256": hashlib.sha256(declared).hexdigest()}))
    signed = rest(live, "POST", "/rpc/attachment_upload_url", sales, json={"attachment_id": attachment["id"]}).json()
    assert httpx.put(signed["url"], content=b"the uploaded file").status_code == 200
    rest(live, "POST", "/rpc/confirm_attachment_upload", sales, json={"attachment_id": attachment["id"]})
    verify_sweep(live["url"])
    row = decided(live, sales, attachment["id"])
    assert (row["upload_state"], row["upload_rejection"]) == ("rejected", "upload.checksum_mismatch")
    answer = rest(live, "POST", "/rpc/attachment_download_url", sales, json={"attachment_id": attachment["id"]})
    assert refusal(answer) == (409, "attachment_upload.not_stored")
