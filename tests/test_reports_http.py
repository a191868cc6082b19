"""Reports over HTTP (db/functions/95_reporting/): a manager shares a report definition over REST (a definition
outside the source's whitelist answers 422 with its reason), a plant-scoped technician runs it over REST, the
stack's worker (config/worker/tasks/report_export.mjs) runs it with the technician's rights and stores RFC 4180
CSV in the local S3 stand-in (moto), which the technician downloads by signed URL: their plant's rows only. A
tenant-wide technician runs the same report over GraphQL as JSON lines and gets every row; a dashboard is saved
over GraphQL.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import httpx
import pytest

from helpers import World, graphql, rest
from object_store import ObjectStore

pytestmark = pytest.mark.stack


def finished(live: dict[str, Any], bearer: str, execution_id: str, seconds: float = 20) -> dict[str, Any]:
    """The execution once the worker is done with it (or the time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        rows = rest(live, "GET", f"/report_executions?id=eq.{execution_id}", bearer).json()
        if rows[0]["status"] not in ("queued", "running") or time.monotonic() > deadline:
            row: dict[str, Any] = rows[0]
            return row
        time.sleep(0.1)


def test_a_report_is_defined_run_by_the_worker_as_its_requester_and_downloaded(live: dict[str, Any], world: World,
                                                                              object_store: ObjectStore) -> None:
    object_store.configure(live["url"])
    tenant = world.tenant()
    plant_1, plant_2 = (str(world.sql("select tests.create_site(%s)", tenant)) for _ in range(2))
    gauge = world.sql("select tests.create_equipment_class(%s, 'gauge', false, null)", tenant)
    for site, name in ((plant_1, 'Gauge, "big"'), (plant_2, "Gauge 2")):
        world.sql("select tests.create_equipment(%s, %s, %s, null, %s)", tenant, gauge, site, name)

    manager = world.sign_in(world.member(tenant, "management"))
    refused = rest(live, "POST", "/report_definitions", manager,
                   json={"name": "Sneaky", "source_key": "equipment_calibration_status", "columns": ["name", "password_hash"]})
    assert (refused.status_code, refused.json()["details"]) == (422, "report.column_unknown"), refused.text
    defined = rest(live, "POST", "/report_definitions", manager, headers={"Prefer": "return=representation"},
                   json={"name": "Equipment", "source_key": "equipment_calibration_status", "columns": ["equipment_number", "name"],
                         "sort": [{"column": "equipment_number"}], "visibility": "shared",
                         "filters": [{"column": "name", "op": "like", "param": "name_like"}],
                         "parameters": [{"name": "name_like", "type": "text", "default": "Gauge%"}]})
    assert defined.status_code == 201, defined.text
    definition = defined.json()[0]

    # A technician of plant 1 runs it over REST: the file holds plant 1's rows only.
    technician = world.sign_in(world.member(tenant, "technician", site=plant_1))
    queued = rest(live, "POST", "/rpc/run_report", technician, json={"definition_id": definition["id"]})
    assert queued.status_code == 200, queued.text
    assert queued.json()["status"] == "queued"
    execution = finished(live, technician, queued.json()["id"])
    assert (execution["status"], execution["row_count"], execution["mime_type"]) == ("succeeded", 1, "text/csv"), execution
    assert execution["duration_ms"] >= 0 and execution["object_key"] == f"reports/{execution['id']}.csv"
    url = rest(live, "POST", "/rpc/report_execution_url", technician, json={"execution_id": execution["id"]})
    assert url.status_code == 200, url.text
    body = httpx.get(url.json()["url"]).content
    assert (hashlib.sha256(body).hexdigest(), len(body)) == (execution["sha256"], execution["size_bytes"])
    assert body.decode() == 'equipment_number,name\r\nEQ-000001,"Gauge, ""big"""\r\n'
    assert rest(live, "POST", "/rpc/report_execution_url", manager, json={"execution_id": execution["id"]}).status_code == 404

    # A tenant-wide technician runs it over GraphQL as JSON lines: every row.
    everywhere = world.sign_in(world.member(tenant, "technician"))
    ran = graphql(live, """mutation($id: UUID!) { runReport(input: {definitionId: $id, format: "jsonl", parameters: {}}) {
                             result { rowId status format } } }""", everywhere, {"id": definition["id"]}).json()
    assert "errors" not in ran, ran
    result = ran["data"]["runReport"]["result"]
    assert (result["status"], result["format"]) == ("queued", "jsonl")
    done = finished(live, everywhere, result["rowId"])
    assert (done["status"], done["row_count"], done["mime_type"]) == ("succeeded", 2, "application/x-ndjson"), done
    url = graphql(live, """mutation($id: UUID!) { reportExecutionUrl(input: {executionId: $id}) { result { url } } }""",
                  everywhere, {"id": result["rowId"]}).json()
    assert "errors" not in url, url
    lines = httpx.get(url["data"]["reportExecutionUrl"]["result"]["url"]).text.splitlines()
    assert [json.loads(line) for line in lines] == [{"equipment_number": "EQ-000001", "name": 'Gauge, "big"'},
                                                      {"equipment_number": "EQ-000002", "name": "Gauge 2"}]

    bad = graphql(live, """mutation($id: UUID!) { runReport(input: {definitionId: $id, parameters: {nameLike: 1}}) {
                             result { rowId } } }""", everywhere, {"id": definition["id"]}).json()
    assert bad["errors"][0]["extensions"]["details"] == "report.parameter_unknown", bad

    # A dashboard over GraphQL.
    saved = graphql(live, """mutation($layout: JSON!) { createDashboard(input: {dashboard: {name: "Gauges", layout: $layout}}) {
                               dashboard { name visibility } } }""", everywhere,
                    {"layout": {"widgets": [{"key": "gauges", "report_definition_id": definition["id"], "chart": "table",
                                             "x": 0, "y": 0, "w": 12, "h": 6}]}}).json()
    assert "errors" not in saved, saved
    assert saved["data"]["createDashboard"]["dashboard"] == {"name": "Gauges", "visibility": "private"}


def test_a_report_is_exported_as_a_pdf_with_a_paged_table(live: dict[str, Any], world: World, object_store: ObjectStore) -> None:
    """format pdf: the worker draws the report's name, parameters and run time, a table paged with the header repeated
    and the row count (pdfkit); it is stored as an object pointer like CSV and downloaded by signed URL."""
    from pypdf import PdfReader

    object_store.configure(live["url"])
    tenant = world.tenant()
    gauge = world.sql("select tests.create_equipment_class(%s, 'gauge', false, null)", tenant)
    for number in range(70):
        world.sql("select tests.create_equipment(%s, %s, null, null, %s)", tenant, gauge, f"Gauge {number:02d}")
    manager = world.sign_in(world.member(tenant, "management"))
    defined = rest(live, "POST", "/report_definitions", manager, headers={"Prefer": "return=representation"},
                   json={"name": "Gauge register", "source_key": "equipment_calibration_status", "columns": ["equipment_number", "name"],
                         "sort": [{"column": "equipment_number"}], "filters": [{"column": "name", "op": "like", "param": "name_like"}],
                         "parameters": [{"name": "name_like", "type": "text", "default": "Gauge%"}]})
    assert defined.status_code == 201, defined.text

    refused = rest(live, "POST", "/rpc/run_report", manager, json={"definition_id": defined.json()[0]["id"], "format": "docx"})
    assert (refused.status_code, refused.json()["details"]) == (422, "report.format_invalid"), refused.text

    queued = rest(live, "POST", "/rpc/run_report", manager,
                  json={"definition_id": defined.json()[0]["id"], "format": "pdf", "parameters": {"name_like": "Gauge%"}})
    assert queued.status_code == 200, queued.text
    execution = finished(live, manager, queued.json()["id"], seconds=30)
    assert (execution["status"], execution["row_count"], execution["mime_type"]) == ("succeeded", 70, "application/pdf"), execution
    assert execution["object_key"] == f"reports/{execution['id']}.pdf"
    url = rest(live, "POST", "/rpc/report_execution_url", manager, json={"execution_id": execution["id"]})
    assert url.status_code == 200, url.text
    body = httpx.get(url.json()["url"]).content
    assert body.startswith(b"%PDF-")
    assert (hashlib.sha256(body).hexdigest(), len(body)) == (execution["sha256"], execution["size_bytes"])

    import io

    pdf = PdfReader(io.BytesIO(body))
    assert pdf.metadata is not None and pdf.metadata.title == "Gauge register"
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) == 3, "70 rows at about 30 a page"
    first = pages[0].splitlines()
    assert first[0] == "Gauge register"
    assert "Parameters: name_like = Gauge%" in first
    assert any(line.startswith("Requested ") and ", run " in line for line in first)
    for number, text in enumerate(pages, start=1):
        lines = text.splitlines()
        assert "equipment_number name" in lines, f"page {number} repeats the header"
        assert lines[-1] == f"Page {number} of 3"
    everything = "\n".join(pages)
    assert all(f"EQ-{n:06d} Gauge {n - 1:02d}" in everything for n in range(1, 71))
    assert "70 rows" in pages[-1].splitlines()
