"""@urql/core and graphql-ws against the live PostGraphile, through the project's Node (js/*.mjs)."""

from __future__ import annotations

import json
import subprocess

import pytest
from clients_support import NODE, SCRIPTS, UNKNOWN, run_js, shop

from helpers import ROOT, rest, wait_for_listen

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def facts(live) -> dict:
    return shop(live)


def test_query_with_filter_order_and_cursor_pagination(facts):
    pages = run_js("urql.mjs", "query", config=facts)
    first, second = pages["first"], pages["second"]
    assert first["errors"] == [] and second["errors"] == [], pages
    nodes = first["data"]["projects"]["nodes"] + second["data"]["projects"]["nodes"]
    assert first["data"]["projects"]["totalCount"] >= len(nodes) == 4
    assert all(node["status"] in ("reviewing", "production", "inquiry") for node in nodes)
    assert [node["title"] for node in nodes] == sorted(node["title"] for node in nodes)
    assert len({node["rowId"] for node in nodes}) == 4


def test_errors_expose_code_and_message(facts):
    refused = run_js("urql.mjs", "errors", config=facts)
    assert refused["data"] == {"overrideProjectStage": None}
    assert [(error["code"], error["details"]) for error in refused["errors"]] == [("PT403", "permission.missing")]
    assert "project.override_stage" in refused["errors"][0]["hint"], "the hint names the permission"


def test_update_by_row_id_alone(live, facts):
    project = rest(live, "POST", "/projects", facts["token"], headers={"Prefer": "return=representation"},
                   json={"title": "Client suite rename"}).json()[0]
    renamed = run_js("urql.mjs", "update_project", config={**facts, "project": project["id"], "title": "Renamed by urql"})
    assert renamed == {"data": {"updateProject": {"project": {"rowId": project["id"], "title": "Renamed by urql"}}},
                       "errors": []}


def test_login_mutation(facts):
    signed_in = run_js("urql.mjs", "login", config=facts)
    assert signed_in["errors"] == [] and signed_in["data"]["login"]["result"]["accessToken"]


def test_a_failed_login_has_a_code_and_message(facts):
    failed = run_js("urql.mjs", "login", config={**facts, "email": UNKNOWN, "password": "wrong password"})
    assert failed["errors"] and failed["errors"][0]["code"] and failed["errors"][0]["message"]


def test_urql_defaults_send_queries_as_get(facts):
    result = run_js("urql.mjs", "default_get", config=facts)
    assert result["errors"] == [] and result["data"]["projects"]["nodes"]


def test_graphql_ws_receives_progress_changes_after_a_mutation(live, facts):
    project = rest(live, "POST", "/projects", facts["token"], headers={"Prefer": "return=representation"},
                   json={"title": "Client suite subscription"}).json()[0]
    step = rest(live, "GET", f"/project_workflow?project_id=eq.{project['id']}&status=eq.in_progress",
                facts["token"]).json()[0]
    config = {**facts, "project": project["id"], "subStage": step["sub_stage_id"]}
    with subprocess.Popen([str(NODE), str(SCRIPTS / "subscription.mjs"), json.dumps(config)], cwd=ROOT, text=True,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as script:
        try:
            assert json.loads(script.stdout.readline() or "null") == {"ready": True}, script.stderr.read()
            wait_for_listen(live, "progress", project["organization_id"])
            script.stdin.write("go\n")
            script.stdin.flush()
            result = json.loads(script.stdout.readline() or "null")
            assert script.wait(timeout=15) == 0, script.stderr.read()
        finally:
            if script.poll() is None:
                script.kill()
    assert result["mutation"] == {"data": {"updateProgress": {"result": {"status": "completed"}}}, "error": None}
    assert {"event": "progress.updated", "subStageId": step["sub_stage_id"], "status": "completed",
            "previousStatus": "in_progress"} in result["events"], result
