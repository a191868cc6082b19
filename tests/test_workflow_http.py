"""The project workflow over HTTP: every endpoint of the specification's API
outline (§7) through PostgREST, with its example payloads, and the same
operations through GraphQL. docs/api-map.md lists these exact requests."""

from __future__ import annotations

import hashlib
import json

import psycopg
import pytest

from helpers import TEST_PASSWORD, graphql, rest
from object_store import upload
from workflow_world import Shop

pytestmark = pytest.mark.stack


@pytest.fixture
def shop(world) -> Shop:
    """A tenant of this test's own, staffed for the workflow (one member per role), with a customer."""
    return Shop(world)


def ok(response, status: int = 200):
    assert response.status_code == status, f"{response.status_code} {response.text[:400]}"
    return response.json() if response.content else None


def refusal(response) -> tuple[int, str, str | None]:
    """HTTP status, SQLSTATE and reason code (details) of a refused request."""
    body = response.json()
    return response.status_code, body.get("code"), body.get("details")


def test_specification_payloads_walk_a_project_through_review(live, shop, object_store):
    sales, management, engineering, auditor = (shop.token(role) for role in ("sales", "management", "engineering", "auditor"))
    # POST /projects — the specification's "Create Project" payload.
    created = ok(rest(live, "POST", "/projects", sales, headers={"Prefer": "return=representation"}, json={
        "project_number": "PRJ-000123",
        "title": "Widget A Rev2",
        "customer_organization_id": shop.customer,
        "workflow_definition_id": shop.definition,
        "requested_due_date": "2025-10-30",
    }), 201)[0]
    assert created["project_number"] == "PRJ-000123" and created["status"] == "inquiry"
    project = created["id"]

    # GET /projects/:id/workflow
    workflow = ok(rest(live, "GET", f"/project_workflow?project_id=eq.{project}&order=stage_order,sub_stage_order", sales))
    assert [row["status"] for row in workflow[:3]] == ["in_progress", "pending", "pending"]
    assert {row["stage_slug"] for row in workflow} >= {"inquiry", "completed"} and all(row["due_at"] for row in workflow[:3])

    # PATCH /projects/:id — assigned_to; then a stage change, which is management's override with a reason.
    ok(rest(live, "PATCH", f"/projects?id=eq.{project}", sales, json={"promised_due_date": "2025-11-15"}), 204)
    refused = rest(live, "POST", "/rpc/override_project_stage", sales,
                   json={"project_id": project, "stage_id": shop.stages["technical-review"], "reason": "skip ahead"})
    assert refusal(refused) == (403, "PT403", "permission.missing"), refused.text
    moved = ok(rest(live, "POST", "/rpc/override_project_stage", management,
                    json={"project_id": project, "stage_id": shop.stages["technical-review"], "reason": "RFQ handled by phone"}))
    assert moved["status"] == "reviewing" and moved["current_stage_id"] == shop.stages["technical-review"]

    # POST /documents: metadata create; get signed URL; upload; confirm. Then a second version: the attachment
    # of the next payload.
    first = ok(rest(live, "POST", "/rpc/create_document", engineering, json={
        "project_id": project, "title": "Review report", "category": "qa_report", "file_extension": "pdf",
        "checksum": hashlib.sha256(b"report v1").hexdigest(), "size_bytes": 9, "mime_type": "application/pdf"}))
    assert upload(live, object_store, engineering, first, b"report v1")["upload_state"] == "stored"
    second = ok(rest(live, "POST", "/rpc/add_document_version", engineering, json={
        "document_id": first["document_id"], "checksum": hashlib.sha256(b"report v2").hexdigest(), "size_bytes": 9,
        "mime_type": "application/pdf", "change_summary": "Added tolerance table"}))
    assert second["version_number"] == 2 and second["file_path"].endswith("-v02.pdf")
    assert upload(live, object_store, engineering, second, b"report v2")["is_current"]
    documents = ok(rest(live, "GET", f"/documents?project_id=eq.{project}&category=eq.qa_report", engineering))
    assert [d["version"] for d in documents] == [2]

    # PATCH /projects/:id/progress/:sub_stage_id — "Complete a Sub-Stage (Approval-Gated)".
    progress = ok(rest(live, "POST", "/rpc/update_progress", engineering, json={
        "project_id": project, "sub_stage_id": shop.sub_stages["engineering-review"],
        "action": "complete",
        "comment": "All tests passed; attaching report",
        "attachments": [{"document_id": first["document_id"], "version_number": 2}],
    }))
    assert progress["status"] == "in_review"
    again = rest(live, "POST", "/rpc/update_progress", engineering, json={
        "project_id": project, "sub_stage_id": shop.sub_stages["engineering-review"], "action": "complete"})
    assert refusal(again) == (409, "PT409", "progress.invalid_transition"), again.text

    # GET /approvals?status=pending&mine=true, as the approver it was routed to (engineering is the
    # requester, so management decides).
    mine = ok(rest(live, "GET", f"/rpc/my_approvals?project_id=eq.{project}", management))
    assert len(mine) == 1 and mine[0]["status"] == "pending"
    approval = mine[0]["id"]
    attachments = ok(rest(live, "GET", f"/approval_attachments?approval_id=eq.{approval}", management))
    assert attachments[0]["file_url"] == second["file_path"]

    # POST /approvals/:id/decision
    decided = ok(rest(live, "POST", "/rpc/decide_approval", management,
                      json={"approval_id": approval, "decision": "approve", "comment": "Manufacturable as drawn"}))
    assert decided["status"] == "approved"
    twice = rest(live, "POST", "/rpc/decide_approval", management, json={"approval_id": approval, "decision": "reject",
                                                                         "comment": "late"})
    assert refusal(twice) == (409, "PT409", "approval.closed"), twice.text
    history = ok(rest(live, "GET", f"/approval_history?approval_id=eq.{approval}&order=action_at", management))
    assert [h["action_type"] for h in history] == ["request", "assign", "approve"]

    # GET /notifications?unread=true, PATCH /notifications/:id {read_at: now}
    unread = ok(rest(live, "GET", "/notifications?read_at=is.null&order=created_at.desc", engineering))
    assert any(n["entity_id"] == approval for n in unread)
    read = ok(rest(live, "PATCH", f"/notifications?id=eq.{unread[0]['id']}", engineering,
                   headers={"Prefer": "return=representation"}, json={"read_at": "now"}))
    assert read[0]["read_at"] is not None

    # GET /audit/logs?entity=project_sub_stage_progress&entityId=:id
    progress_id = progress["id"]
    log = ok(rest(live, "GET", f"/activity_log?entity_type=eq.project_sub_stage_progress&entity_id=eq.{progress_id}&order=occurred_at",
                  auditor))
    assert [entry["new_values"].get("status") for entry in log if entry["action"] == "update"][-1] == "completed"
    export = rest(live, "GET", f"/approval_records?approval_id=eq.{approval}", auditor, headers={"Accept": "text/csv"})
    assert export.status_code == 200 and export.text.startswith("organization_id,approval_id,project_number")
    assert "PRJ-000123" in export.text, "a compliance export as CSV"
    timeline = ok(rest(live, "GET", f"/rpc/project_timeline?project_id={project}", auditor))
    assert {"projects", "project_sub_stage_progress", "approvals", "documents"} <= {entry["entity_type"] for entry in timeline}


def test_workflow_templates_over_rest(live, shop):
    management = shop.token("management")
    shop.project()  # pins (locks) the default definition
    # GET /workflow/definitions; POST /workflow/definitions (vN+1 from vN); GET /:id/stages and /:id/sub-stages.
    active = ok(rest(live, "GET", "/workflow_definitions?is_active=is.true&order=version", management))
    assert [d["id"] for d in active] == [shop.definition], "a new tenant's one active definition"
    clone = ok(rest(live, "POST", "/rpc/clone_workflow_definition", management,
                    json={"workflow_definition_id": shop.definition, "description": "Skip customer clarification"}))
    assert clone["version"] == active[0]["version"] + 1 and clone["name"] == active[0]["name"]
    stages = ok(rest(live, "GET", f"/workflow_definition_stage_settings?workflow_definition_id=eq.{clone['id']}&order=stage_order",
                     management))
    assert [s["slug"] for s in stages][:2] == ["inquiry", "technical-review"] and len(stages) == 8
    sub_stages = ok(rest(live, "GET", f"/workflow_definition_sub_stage_settings?workflow_definition_id=eq.{clone['id']}",
                         management))
    assert len(sub_stages) == 27
    row = ok(rest(live, "GET", f"/workflow_definition_sub_stages?workflow_definition_id=eq.{clone['id']}"
                               f"&workflow_sub_stage_id=eq.{shop.sub_stages['customer-clarification']}", management))[0]
    ok(rest(live, "PATCH", f"/workflow_definition_sub_stages?id=eq.{row['id']}", management, json={"is_included": False}), 204)
    locked = rest(live, "PATCH", f"/workflow_definition_sub_stages?workflow_definition_id=eq.{shop.definition}",
                  management, json={"is_included": False})
    assert refusal(locked) == (409, "PT409", "workflow_definition.locked"), locked.text


def test_the_same_operations_over_graphql(live, shop):
    sales, management = shop.token("sales"), shop.token("management")
    created = graphql(live, """
        mutation ($customer: UUID!) {
          createProject(input: {project: {title: "GraphQL widget", customerOrganizationId: $customer}}) {
            project { rowId projectNumber status }
          }
        }""", sales, {"customer": shop.customer}).json()
    assert "errors" not in created, created
    project = created["data"]["createProject"]["project"]
    assert project["projectNumber"].startswith("PRJ-") and project["status"] == "inquiry"

    workflow = graphql(live, """
        query ($project: UUID!) {
          projectWorkflows(condition: {projectId: $project}, orderBy: [STAGE_ORDER_ASC, SUB_STAGE_ORDER_ASC], first: 3) {
            nodes { subStageSlug status dueAt }
          }
        }""", sales, {"project": project["rowId"]}).json()
    assert [n["status"] for n in workflow["data"]["projectWorkflows"]["nodes"]] == ["in_progress", "pending", "pending"]

    progress = graphql(live, """
        mutation ($project: UUID!, $subStage: UUID!) {
          updateProgress(input: {projectId: $project, subStageId: $subStage, action: complete, comment: "Reviewed"}) {
            result { status completedAt }
          }
        }""", sales, {"project": project["rowId"], "subStage": shop.sub_stages["rfq-review"]}).json()
    assert progress["data"]["updateProgress"]["result"]["status"] == "completed"

    refused = graphql(live, """
        mutation ($project: UUID!, $subStage: UUID!) {
          updateProgress(input: {projectId: $project, subStageId: $subStage, action: skip}) { result { status } }
        }""", sales, {"project": project["rowId"], "subStage": shop.sub_stages["rfq-review"]}).json()
    assert {key: refused["errors"][0]["extensions"].get(key) for key in ("code", "details")} == {
        "code": "PT409", "details": "progress.invalid_transition"}, refused

    # A second project in technical review, whose engineering review engineering asks management to approve.
    reviewed = shop.project(until="technical-review")
    ok(rest(live, "POST", "/rpc/update_progress", shop.token("engineering"), json={
        "project_id": reviewed, "sub_stage_id": shop.sub_stages["engineering-review"], "action": "complete"}))
    waiting = ok(rest(live, "GET", f"/approvals?project_id=eq.{reviewed}&status=eq.pending&select=id", management))
    mine = graphql(live, "{ myApprovals { nodes { rowId status approvalType } } }", management).json()
    assert [(node["rowId"], node["status"]) for node in mine["data"]["myApprovals"]["nodes"]] == [(waiting[0]["id"], "pending")]
    unread = graphql(live, "{ notifications(filter: {readAt: {isNull: true}}, first: 5) { totalCount nodes { rowId title } } }",
                     management).json()
    assert unread["data"]["notifications"]["totalCount"] >= 1, "the approval assigned to management"
    portfolio = graphql(live, "{ projectPortfolios { nodes { stageName status projectCount } } }", management).json()
    counts = sorted((n["status"], n["projectCount"]) for n in portfolio["data"]["projectPortfolios"]["nodes"])
    assert counts == [("inquiry", 1), ("reviewing", 1)], counts


def test_endpoints_enforce_rls(live, shop, world):
    """§10 APIs: the workflow endpoints answer only the caller's tenant (the full matrix is test_http_isolation_matrix)."""
    project = shop.project(until="supplier-rfq")  # with documents and approvals
    stranger = world.sign_in(world.member(world.tenant(), "admin"))
    for path in (f"/projects?id=eq.{project}", f"/project_workflow?project_id=eq.{project}",
                 f"/approvals?project_id=eq.{project}", f"/documents?project_id=eq.{project}"):
        assert ok(rest(live, "GET", path, shop.token("management"))), f"the tenant's staff read {path}"
        assert ok(rest(live, "GET", path, stranger)) == [], path
        assert rest(live, "GET", path).status_code == 401, path


def test_a_project_keeps_its_stage_and_moves_only_through_the_override(live, shop):
    """#9 findings 9 and 10 replayed: no path leaves a project without a stage; a stage moves only through
    override_project_stage (permission first, then input), never by PATCH, whatever the caller holds."""
    sales, management = shop.token("sales"), shop.token("management")
    project = ok(rest(live, "POST", "/projects", sales, headers={"Prefer": "return=representation"},
                      json={"title": "Stage keeper"}), 201)[0]["id"]
    inquiry, review = shop.stages["inquiry"], shop.stages["technical-review"]

    for body in ({"current_stage_id": None}, {"current_stage_id": review}, {"current_stage_id": review, "stage_change_reason": "r"}):
        refused = rest(live, "PATCH", f"/projects?id=eq.{project}", management, json=body)
        assert refused.status_code == 403 and refused.json()["code"] == "42501", (body, refused.text)

    def override(bearer, **args):
        return rest(live, "POST", "/rpc/override_project_stage", bearer, json={"project_id": project, **args})

    # Permission before input: sales gets 403 whatever it sends.
    for args in ({"stage_id": None, "reason": "r"}, {"reason": None}, {"stage_id": inquiry, "reason": "r"}):
        refused = override(sales, **{"stage_id": None, **args})
        assert refusal(refused) == (403, "PT403", "permission.missing"), (args, refused.text)
    for args, expected in (({"stage_id": None, "reason": "r"}, (422, "PT422", "stage.required")),
                           ({"stage_id": review, "reason": " "}, (422, "PT422", "stage.reason_required")),
                           ({"stage_id": inquiry, "reason": "again"}, (409, "PT409", "stage.already_current"))):
        refused = override(management, **args)
        assert refusal(refused) == expected, (args, refused.text)
        assert "stage_change_reason" not in refused.text

    graphql_refused = graphql(live, """
        mutation ($project: UUID!) {
          overrideProjectStage(input: {projectId: $project, reason: "no stage"}) { result { currentStageId } }
        }""", management, {"project": project}).json()
    # GraphQL declares the stage required (stageId: UUID!): the document is
    # refused before it runs, naming the argument; REST gets the function's
    # own PT422 stage.required above.
    assert "stageId" in graphql_refused["errors"][0]["message"] and "data" not in graphql_refused, graphql_refused

    moved = ok(override(management, stage_id=review, reason="RFQ handled by phone"))
    assert moved["current_stage_id"] == review and moved["status"] == "reviewing"
    transitions = ok(rest(live, "GET", f"/project_stage_transitions?project_id=eq.{project}&order=changed_at,id", management))
    assert [(t["kind"], t["to_stage_id"], t["reason"]) for t in transitions] == [
        ("initial", inquiry, None), ("manual", review, "RFQ handled by phone")]
    current = ok(rest(live, "GET", f"/projects?id=eq.{project}&select=current_stage_id", management))
    assert current == [{"current_stage_id": review}]


def test_before_triggers_refuse_another_tenant_first(live, shop, world, figures):
    """#19 finding 3 replayed: another tenant's portal user posting rows for this tenant gets the same 403
    whatever this tenant holds (known member, role, locked definition) as for ids that exist nowhere."""
    elsewhere = world.tenant()
    portal = world.sign_in(world.member(elsewhere, "customer_portal",
                                        partner=str(world.sql("select tests.create_partner(%s)", elsewhere))))
    shop.project()  # locks the default definition
    member, colleague = shop.person("sales").id, shop.person("qa").id
    with psycopg.connect(live["url"]) as conn:
        figures["before_triggers_checked"] = conn.execute("""
            select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'app' and not t.tgisinternal and t.tgtype & 1 <> 0 and t.tgtype & 2 <> 0 and t.tgtype & (4 | 16) <> 0
               and exists (select from pg_attribute a where a.attrelid = t.tgrelid and a.attname = 'organization_id'
                                                        and not a.attisdropped)""").fetchone()[0]
    unknown = "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000"
    chain = {"organization_id": shop.id, "chain_name": "probe", "approval_type": "final_signoff"}
    probes = {
        "/approval_chains (step user)": ("/approval_chains", {**chain, "steps": [{"user_id": member}]},
                                         {**chain, "steps": [{"user_id": unknown}]}),
        "/approval_chains (step role)": ("/approval_chains", {**chain, "steps": [{"role": "sales"}]},
                                         {**chain, "steps": [{"role": "no-such-role"}]}),
        "/workflow_definition_stages": ("/workflow_definition_stages",
                                        {"organization_id": shop.id, "workflow_definition_id": shop.definition,
                                         "workflow_stage_id": shop.stages["inquiry"]},
                                        {"organization_id": shop.id, "workflow_definition_id": unknown, "workflow_stage_id": unknown}),
        "/approver_backups": ("/approver_backups", {"organization_id": shop.id, "user_id": member, "backup_user_id": colleague},
                              {"organization_id": shop.id, "user_id": unknown, "backup_user_id": unknown}),
    }
    for name, (path, known, stranger) in probes.items():
        answers = [rest(live, "POST", path, portal, json=body) for body in (known, stranger)]
        assert [a.status_code for a in answers] == [403, 403], (name, [a.text for a in answers])
        assert answers[0].json() == answers[1].json(), name
        # Tables whose inserts need a permission the portal user lacks say so first
        # (once per statement, about the caller alone); the others refuse the tenant.
        expected = ("42501", "tenant.foreign_row") if path == "/approver_backups" else ("PT403", "permission.missing")
        assert refusal(answers[0])[1:] == expected, (name, answers[0].text)


def test_a_requester_never_decides_their_own_approval(live, shop, figures, object_store):
    """Issue #19, finding 2, replayed: every path that could make the requester (or someone without the
    step's role, or a portal user) the decider of an approval is refused."""
    ids = {role: shop.person(role).id for role in ("management", "qa", "engineering", "customer_portal")}
    management, qa = shop.token("management"), shop.token("qa")
    project = ok(rest(live, "POST", "/projects", management, headers={"Prefer": "return=representation"},
                      json={"title": "Requester approves own drawing"}), 201)[0]["id"]
    version = ok(rest(live, "POST", "/rpc/create_document", management, json={
        "project_id": project, "title": "Bracket", "category": "drawing", "file_extension": "pdf",
        "checksum": hashlib.sha256(b"bracket").hexdigest(), "size_bytes": 7, "mime_type": "application/pdf"}))
    upload(live, object_store, management, version, b"bracket")
    approval = ok(rest(live, "GET", f"/approvals?entity_id=eq.{version['id']}", management))[0]
    assert approval["current_approver_id"] == ids["qa"], "routed to qa, never to the requester"

    def tried(response, reason: str):
        figures["approval_paths_tried"] = figures.get("approval_paths_tried", 0) + 1
        assert refusal(response) == (403, "PT403", reason), response.text

    reassign = "/rpc/reassign_approval"
    tried(rest(live, "POST", reassign, management, json={"approval_id": approval["id"], "approver_id": ids["management"]}),
          "approval.requester_cannot_decide")
    tried(rest(live, "POST", reassign, management, json={"approval_id": approval["id"], "approver_id": ids["engineering"]}),
          "approval.approver_lacks_role")
    tried(rest(live, "POST", reassign, management, json={"approval_id": approval["id"], "approver_id": ids["customer_portal"]}),
          "approval.portal_user_cannot_decide")
    # Management may name themselves qa's backup, but delegation and escalation pass them over.
    ok(rest(live, "POST", "/approver_backups", management, json={"user_id": ids["qa"], "backup_user_id": ids["management"]}), 201)
    tried(rest(live, "POST", "/rpc/delegate_approval", qa, json={"approval_id": approval["id"]}),
          "approval.requester_cannot_decide")
    with psycopg.connect(live["url"]) as conn:
        conn.execute("update app.approvals set sla_due_at = now() - interval '1 hour' where id = %s", [approval["id"]])
    figures["approval_paths_tried"] += 1
    assert ok(rest(live, "POST", "/rpc/escalate_overdue_approvals", management, json={})) >= 1
    assert ok(rest(live, "GET", f"/approvals?id=eq.{approval['id']}", management))[0]["current_approver_id"] == ids["qa"]
    decide = {"approval_id": approval["id"], "decision": "approve", "comment": "mine",
              "signature_reason": "self-approval", "signature_password": TEST_PASSWORD}
    figures["approval_paths_tried"] += 1
    tried(rest(live, "POST", "/rpc/decide_approval", management, json=decide), "approval.not_current_approver")

    # The step's role decides; the version is never approved by its uploader.
    decided = ok(rest(live, "POST", "/rpc/decide_approval", qa, json={**decide, "comment": "Checked", "signature_reason": "reviewed"}))
    assert decided["status"] == "approved" and decided["decided_by"] == ids["qa"]
    approved = ok(rest(live, "GET", f"/document_versions?id=eq.{version['id']}", management))[0]
    assert approved["approved_by"] != approved["uploaded_by"]


def test_portal_users_get_no_staff_message(live, shop):
    """Issue #19, finding 4, replayed: a portal user is refused as team member or recipient, and never
    receives a notification of a staff message."""
    portal_id, portal, sales = shop.person("customer_portal").id, shop.token("customer_portal"), shop.token("sales")
    project = ok(rest(live, "POST", "/projects", sales, headers={"Prefer": "return=representation"},
                      json={"title": "Portal team", "customer_organization_id": shop.customer}), 201)[0]["id"]
    joined = rest(live, "PATCH", f"/projects?id=eq.{project}", sales, json={"team_member_ids": [portal_id]})
    assert refusal(joined) == (422, "PT422", "project.member_not_staff"), joined.text
    direct = rest(live, "POST", "/messages", sales, json={"project_id": project, "recipient_id": portal_id,
                                                          "content": "INTERNAL: our margin is 4%"})
    assert refusal(direct) == (422, "PT422", "message.recipient_not_staff"), direct.text
    ok(rest(live, "POST", "/messages", sales, json={"project_id": project, "subject": "Margin",
                                                    "content": "INTERNAL: our margin is 4%"}), 201)
    assert ok(rest(live, "GET", "/notifications?type=eq.message", portal)) == []
    assert ok(rest(live, "GET", f"/messages?project_id=eq.{project}", portal)) == []


def test_portal_users_see_their_projects_status_and_nothing_internal(live, shop):
    """Issue #9, finding 8: project records, routing, SLAs, chains, backups, progress logs and dashboards
    are staff-only; the portal reads app.customer_projects and app.customer_project_progress."""
    portal, sales = shop.token("customer_portal"), shop.token("sales")
    project = ok(rest(live, "POST", "/projects", sales, headers={"Prefer": "return=representation"},
                      json={"title": "Portal status", "customer_organization_id": shop.customer}), 201)[0]["id"]
    ok(rest(live, "POST", "/rpc/update_progress", sales, json={
        "project_id": project, "sub_stage_id": shop.sub_stages["rfq-review"], "action": "block",
        "comment": "INTERNAL: waiting for our margin decision"}))
    # What else staff keep: an approver's backup, and the approval history of a project reviewed for the same customer.
    ok(rest(live, "POST", "/approver_backups", sales, json={"user_id": shop.person("sales").id,
                                                            "backup_user_id": shop.person("management").id}), 201)
    shop.project(until="supplier-rfq", customer_id=shop.customer)
    for path in ("/approval_chains", "/approval_policies", "/approver_backups", "/workflow_stages", "/workflow_definitions",
                 f"/project_sub_stage_progress?project_id=eq.{project}", f"/project_stage_transitions?project_id=eq.{project}",
                 f"/project_workflow?project_id=eq.{project}", "/project_overview", "/approval_history", "/blocked_reasons"):
        assert ok(rest(live, "GET", path, sales)), f"staff read {path}"
        assert ok(rest(live, "GET", path, portal)) == [], path
    assert ok(rest(live, "GET", f"/projects?id=eq.{project}", portal)) == [], "the project record is internal"
    summary = ok(rest(live, "GET", f"/customer_projects?project_id=eq.{project}", portal))
    assert [(p["project_id"], p["status"]) for p in summary] == [(project, "inquiry")] and "quote_value" not in summary[0]
    status = ok(rest(live, "GET", f"/customer_project_progress?project_id=eq.{project}&sub_stage_id=eq.{shop.sub_stages['rfq-review']}",
                     portal))
    assert [s["status"] for s in status] == ["blocked"]
    assert "INTERNAL" not in str(ok(rest(live, "GET", f"/customer_project_progress?project_id=eq.{project}", portal)))
    # The same through GraphQL.
    query = """query ($id: UUID!) {
      customerProjects(condition: {projectId: $id}) { nodes { status stageName } }
      customerProjectProgresses(condition: {projectId: $id}) { nodes { status subStageName } }
      projects { totalCount }
      approvalChains { nodes { id } }
    }"""
    answer = graphql(live, query, portal, {"id": project}).json()
    assert "errors" not in answer, answer
    data = answer["data"]
    assert [n["status"] for n in data["customerProjects"]["nodes"]] == ["inquiry"]
    assert "blocked" in [n["status"] for n in data["customerProjectProgresses"]["nodes"]]
    assert data["projects"]["totalCount"] == 0 and data["approvalChains"]["nodes"] == []


def test_revoking_a_role_needs_the_right_to_grant_it(live, shop):
    """Issue #9, finding 5, replayed: a role holding only role.assign cannot revoke management."""
    admin, auditor = shop.token("admin"), shop.token("auditor")
    with psycopg.connect(live["url"]) as conn:
        memberships = dict(conn.execute("select user_id::text, id::text from app.memberships where organization_id = %s",
                                        [shop.id]).fetchall())
    management, auditing = memberships[shop.person("management").id], memberships[shop.person("auditor").id]
    ok(rest(live, "POST", "/rpc/create_role", admin, json={"key": "assigner", "name": "Assigner", "permissions": ["role.assign"]}))
    ok(rest(live, "POST", "/rpc/grant_role", admin, json={"membership_id": auditing, "role_key": "assigner"}))
    refused = rest(live, "POST", "/rpc/revoke_role", auditor, json={"membership_id": management, "role_key": "management"})
    assert refusal(refused) == (403, "PT403", "role.permission_not_held"), refused.text
    granted = rest(live, "POST", "/rpc/grant_role", auditor, json={"membership_id": management, "role_key": "management"})
    assert refusal(granted) == (403, "PT403", "role.permission_not_held"), "granting is refused the same way"


def test_who_approves_answers_over_get_and_post_and_graphql(live, shop):
    """app.approval_route as api-map.md shows it: facts in the query string (PostgREST sends a GET's jsonb
    argument as a string), in a POST body and as a GraphQL argument all give the same route."""
    sales = shop.token("sales")
    facts = {"quote_value": 250000}
    by_get = rest(live, "GET", "/rpc/approval_route", sales,
                  params={"approval_type": "quote_approval", "facts": json.dumps(facts)})
    by_post = rest(live, "POST", "/rpc/approval_route", sales, json={"approval_type": "quote_approval", "facts": facts})
    assert by_get.status_code == 200 and by_post.status_code == 200, (by_get.text, by_post.text)
    assert by_get.json() == by_post.json()
    assert [step["role"] for step in by_get.json()] == [step["role"] for step in by_post.json()] != []
    gql = graphql(live, "query($facts: JSON) { approvalRoute(approvalType: quote_approval, facts: $facts) "
                        "{ nodes { role } } }", sales, {"facts": facts}).json()
    assert [node["role"] for node in gql["data"]["approvalRoute"]["nodes"]] == [step["role"] for step in by_get.json()], gql
    not_an_object = rest(live, "GET", "/rpc/approval_route", sales, params={"approval_type": "quote_approval", "facts": "[1]"})
    assert (not_an_object.status_code, not_an_object.json()["details"]) == (422, "approval.facts_not_object")
