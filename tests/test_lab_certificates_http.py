"""Certificates of analysis over HTTP (db/functions/70_lab/90_certificates.sql): a reviewer issues one with
their password over REST (a wrong password answers 403 with Pulse-Refusal), the stack's worker renders the PDF
(config/worker/tasks/coa_render.mjs, pdfkit) into the local S3 stand-in (moto), the customer's portal user
downloads it by signed URL over GraphQL and another customer cannot; the coa.issued event reaches a webhook
endpoint; the lab's events reach the GraphQL subscribers who may see them (labEventPublished).

The PDF is checked structurally, without a PDF library (none is in the venv): header, trailer, a cross-reference
table whose offsets point at the objects, a catalog with pages, and the certificate's text in the (deflated)
content stream.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zlib
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from helpers import TEST_PASSWORD, Person, World, graphql, rest
from object_store import ObjectStore
from test_realtime import DELIVERY, QUIET, subscribe
from webhook_receiver import Receiver

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[1]
LAB_EVENTS = """subscription { labEventPublished {
  event organizationId eventId entityType entityId sampleId actorId occurredAt
  sample { sampleNumber status }
} }"""


def certificate_world(world: World) -> dict[str, str]:
    ids = world.sql("select tests.create_certificate_world()")
    return {key: str(value) for key, value in ids.items()}


def person(world: World, ids: dict[str, str], key: str) -> Person:
    return Person(ids[key], world.sql("select email from app.users where id = %s", ids[key]), ids["tenant"])


def rendered(live: dict, bearer: str, version_id: str, seconds: float = 20) -> dict:
    """The revision once the worker has rendered its PDF (or given up)."""
    deadline = time.monotonic() + seconds
    while True:
        rows = rest(live, "GET", f"/certificate_versions?id=eq.{version_id}", bearer).json()
        if rows[0]["render_status"] != "pending" or time.monotonic() > deadline:
            return rows[0]
        time.sleep(0.1)


def pdf_text(pdf: bytes) -> str:
    """Checks the file's structure and returns the text its content streams show (pdfkit writes each string as
    hex, <...>, in a TJ array)."""
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)[1])
    assert pdf[startxref:startxref + 4] == b"xref"
    table = re.match(rb"xref\s+0 (\d+)\s+((?:\d{10} \d{5} [fn]\s*)+)", pdf[startxref:])
    entries = re.findall(rb"(\d{10}) \d{5} n", table[2])
    assert len(entries) == int(table[1]) - 1
    for number, offset in enumerate(entries, start=1):
        assert re.match(rb"%d 0 obj" % number, pdf[int(offset):]), f"object {number} is not where the xref says"
    assert b"/Type /Catalog" in pdf and re.search(rb"/Type /Pages\s*/Count [1-9]", pdf)
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for array in re.findall(rb"\[(.*?)\] TJ", content, re.S):
            shown.append("".join(bytes.fromhex(part.decode()).decode("latin-1") for part in re.findall(rb"<([0-9a-fA-F]*)>", array)))
    return "\n".join(shown)


def test_a_certificate_is_issued_rendered_by_the_worker_and_downloaded(live, world, object_store: ObjectStore):
    object_store.configure(live["url"])
    ids = certificate_world(world)
    admin = world.sign_in(world.member(ids["tenant"], "admin"))
    receiver = Receiver().start()
    try:
        hook = rest(live, "POST", "/webhook_endpoints", admin, headers={"Prefer": "return=representation"},
                    json={"url": receiver.url("/ok"), "event_types": ["coa.*"], "description": "certificates"})
        assert hook.status_code == 201, hook.text
        reviewer = world.sign_in(person(world, ids, "reviewer"))

        refused = rest(live, "POST", "/rpc/issue_certificate", reviewer,
                       json={"sample_id": ids["sample"], "signature_password": "not my password"})
        assert (refused.status_code, refused.headers.get("Pulse-Refusal")) == (403, "signature.wrong_password"), refused.text
        issued = rest(live, "POST", "/rpc/issue_certificate", reviewer,
                      json={"sample_id": ids["sample"], "signature_password": TEST_PASSWORD})
        assert issued.status_code == 200, issued.text
        version = issued.json()
        assert (version["revision"], version["render_status"], version["signature"]["meaning"]) == (1, "pending", "certified")

        stored = rendered(live, reviewer, version["id"])
        assert stored["render_status"] == "rendered", stored
        assert stored["pdf_key"].startswith(f"certificates/{version['certificate_id']}/rev-1-")

        portal = world.sign_in(person(world, ids, "portal"))
        mine = graphql(live, """query { certificates(first: 10) { nodes { certificateNumber status
                                  certificateVersions(first: 10) { nodes { rowId revision renderStatus pdfSha256 pdfSize } } } } }""",
                       portal).json()
        assert "errors" not in mine, mine
        [certificate] = mine["data"]["certificates"]["nodes"]
        [revision] = certificate["certificateVersions"]["nodes"]
        assert (certificate["status"], revision["revision"], revision["renderStatus"]) == ("issued", 1, "rendered")

        url = graphql(live, """mutation($id: UUID!) { certificatePdfUrl(input: {versionId: $id}) { result { url expiresAt } } }""",
                      portal, {"id": revision["rowId"]}).json()
        assert "errors" not in url, url
        pdf = httpx.get(url["data"]["certificatePdfUrl"]["result"]["url"]).content
        assert (hashlib.sha256(pdf).hexdigest(), len(pdf)) == (revision["pdfSha256"], int(revision["pdfSize"]))
        text = pdf_text(pdf)
        assert certificate["certificateNumber"] in text and "Revision 1" in text, text
        assert "Result: 7.2" in text and "Limits: 6.5 - 8.5 pH" in text and "Within specification" in text, text

        other = world.sign_in(person(world, ids, "other_portal"))
        assert rest(live, "GET", "/certificates", other).json() == []
        denied = rest(live, "POST", "/rpc/certificate_pdf_url", other, json={"version_id": revision["rowId"]})
        assert denied.status_code == 404 and denied.json()["details"] == "certificate.not_found", denied.text

        deadline = time.monotonic() + 20
        while not receiver.at("/ok") and time.monotonic() < deadline:
            time.sleep(0.1)
        [delivery] = [json.loads(r.body) for r in receiver.at("/ok")]
        assert delivery["type"] == "coa.issued" and delivery["data"]["version_id"] == version["id"], delivery
        schema = json.loads((ROOT / "contracts" / "events" / "lab" / "coa.issued.schema.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(delivery["data"])
    finally:
        receiver.stop()


def test_lab_events_reach_the_subscribers_who_may_see_them(live, world):
    ids = certificate_world(world)
    reviewer = world.sign_in(person(world, ids, "reviewer"))
    with subscribe(live, world, person(world, ids, "other_portal"), LAB_EVENTS, "lab") as other, \
            subscribe(live, world, person(world, ids, "portal"), LAB_EVENTS, "lab") as portal:
        issued = graphql(live, """mutation($sample: UUID!, $password: String!) {
                                    issueCertificate(input: {sampleId: $sample, signaturePassword: $password}) {
                                      result { certificateId revision } } }""",
                         reviewer, {"sample": ids["sample"], "password": TEST_PASSWORD}).json()
        assert "errors" not in issued, issued
        certificate = issued["data"]["issueCertificate"]["result"]["certificateId"]
        event = portal.first(lambda e: e and e["labEventPublished"]["event"] == "coa.issued", DELIVERY)["labEventPublished"]
        assert (event["entityType"], event["entityId"], event["sampleId"], event["organizationId"]) == \
            ("certificate", certificate, ids["sample"], ids["tenant"])
        assert event["sample"]["status"] == "released"
        # Another customer's portal user hears nothing of it.
        assert other.events(QUIET) == []
