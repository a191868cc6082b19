"""The project workflow over HTTP: every endpoint of the specification's API
outline (§7) through PostgREST, with its example payloads, and the same
operations through GraphQL. docs/api-map.md lists these exact requests."""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from helpers import graphql, rest, sign_in

pytestmark = pytest.mark.stack

PASSWORD = "pulse-demo-password"


@pytest.fixture(scope="module")
def acme(live):
    """Tokens of Acme's people, and the ids the payloads need."""
    people = {}
    for role in ("sales", "management", "engineering", "qa", "auditor"):
        login = rest(live, "POST", "/rpc/login", json={"email": f"{role}@acme.test", "password": PASSWORD})
        people[role] = login.json()["access_token"]
    with psycopg.connect(live["url"]) as conn:
        ids = conn.execute("""
            select (select id from app.partners where code = 'C-1001')::text,
                   (select d.id from app.workflow_definitions d join app.organizations o on o.id = d.organization_id
                     where o.slug = 'acme-manufacturing' and d.is_default)::text""").fetchone()
        stages = dict(conn.execute("""
            select s.slug, s.id::text from app.workflow_stages s join app.organizations o on o.id = s.organization_id
             where o.slug = 'acme-manufacturing'"""))
        sub_stages = dict(conn.execute("""
            select s.slug, s.id::text from app.workflow_sub_stages s join app.organizations o on o.id = s.organization_id
             where o.slug = 'acme-manufacturing'"""))
    return {**people, "customer": ids[0], "definition": ids[1], "stages": stages, "sub_stages": sub_stages}


def ok(response, status: int = 200):
    assert response.status_code == status, f"{response.status_code} {response.text[:400]}"
    return response.json() if response.content else None


def test_specification_payloads_walk_a_project_through_review(live, acme):
    # POST /projects — the specification's "Create Project" payload.
    created = ok(rest(live, "POST", "/projects", acme["sales"], headers={"Prefer": "return=representation"}, json={
        "project_number": "PRJ-000123",
        "title": "Widget A Rev2",
        "customer_organization_id": acme["customer"],
        "workflow_definition_id": acme["definition"],
        "requested_due_date": "2025-10-30",
    }), 201)[0]
    assert created["project_number"] == "PRJ-000123" and created["status"] == "inquiry"
    project = created["id"]

    # GET /projects/:id/workflow
    workflow = ok(rest(live, "GET", f"/project_workflow?project_id=eq.{project}&order=stage_order,sub_stage_order", acme["sales"]))
    assert [row["status"] for row in workflow[:3]] == ["in_progress", "pending", "pending"]
    assert {row["stage_slug"] for row in workflow} >= {"inquiry", "completed"} and all(row["due_at"] for row in workflow[:3])

    # PATCH /projects/:id — assigned_to; then a stage change, which is management's override with a reason.
    ok(rest(live, "PATCH", f"/projects?id=eq.{project}", acme["sales"], json={"promised_due_date": "2025-11-15"}), 204)
    refused = rest(live, "POST", "/rpc/override_project_stage", acme["sales"],
                   json={"project_id": project, "stage_id": acme["stages"]["technical-review"], "reason": "skip ahead"})
    assert refused.status_code == 403 and refused.json()["code"] == "PT403"
    moved = ok(rest(live, "POST", "/rpc/override_project_stage", acme["management"],
                    json={"project_id": project, "stage_id": acme["stages"]["technical-review"], "reason": "RFQ handled by phone"}))
    assert moved["status"] == "reviewing" and moved["current_stage_id"] == acme["stages"]["technical-review"]

    # POST /documents, then a second version: the attachment of the next payload.
    first = ok(rest(live, "POST", "/rpc/create_document", acme["engineering"], json={
        "project_id": project, "title": "Review report", "category": "qa_report", "file_extension": "pdf",
        "checksum": hashlib.sha256(b"report v1").hexdigest(), "size_bytes": 20480, "mime_type": "application/pdf"}))
    second = ok(rest(live, "POST", "/rpc/add_document_version", acme["engineering"], json={
        "document_id": first["document_id"], "checksum": hashlib.sha256(b"report v2").hexdigest(), "size_bytes": 20990,
        "mime_type": "application/pdf", "change_summary": "Added tolerance table"}))
    assert second["version_number"] == 2 and second["file_path"].endswith("-v02.pdf")
    documents = ok(rest(live, "GET", f"/documents?project_id=eq.{project}&category=eq.qa_report", acme["engineering"]))
    assert [d["version"] for d in documents] == [2]

    # PATCH /projects/:id/progress/:sub_stage_id — "Complete a Sub-Stage (Approval-Gated)".
    progress = ok(rest(live, "POST", "/rpc/update_progress", acme["engineering"], json={
        "project_id": project, "sub_stage_id": acme["sub_stages"]["engineering-review"],
        "action": "complete",
        "comment": "All tests passed; attaching report",
        "attachments": [{"document_id": first["document_id"], "version_number": 2}],
    }))
    assert progress["status"] == "in_review"
    again = rest(live, "POST", "/rpc/update_progress", acme["engineering"], json={
        "project_id": project, "sub_stage_id": acme["sub_stages"]["engineering-review"], "action": "complete"})
    assert again.status_code == 409 and "it is in_review, and complete needs it to be in_progress" in again.json()["message"]

    # GET /approvals?status=pending&mine=true, as the approver it was routed to (engineering is the
    # requester, so management decides).
    mine = ok(rest(live, "GET", f"/rpc/my_approvals?project_id=eq.{project}", acme["management"]))
    assert len(mine) == 1 and mine[0]["status"] == "pending"
    approval = mine[0]["id"]
    attachments = ok(rest(live, "GET", f"/approval_attachments?approval_id=eq.{approval}", acme["management"]))
    assert attachments[0]["file_url"] == second["file_path"]

    # POST /approvals/:id/decision
    decided = ok(rest(live, "POST", "/rpc/decide_approval", acme["management"],
                      json={"approval_id": approval, "decision": "approve", "comment": "Manufacturable as drawn"}))
    assert decided["status"] == "approved"
    twice = rest(live, "POST", "/rpc/decide_approval", acme["management"], json={"approval_id": approval, "decision": "reject",
                                                                                  "comment": "late"})
    assert twice.status_code == 409 and twice.json()["code"] == "PT409"
    history = ok(rest(live, "GET", f"/approval_history?approval_id=eq.{approval}&order=action_at", acme["management"]))
    assert [h["action_type"] for h in history] == ["request", "assign", "approve"]

    # GET /notifications?unread=true, PATCH /notifications/:id {read_at: now}
    unread = ok(rest(live, "GET", "/notifications?read_at=is.null&order=created_at.desc", acme["engineering"]))
    assert any(n["entity_id"] == approval for n in unread)
    read = ok(rest(live, "PATCH", f"/notifications?id=eq.{unread[0]['id']}", acme["engineering"],
                   headers={"Prefer": "return=representation"}, json={"read_at": "now"}))
    assert read[0]["read_at"] is not None

    # GET /audit/logs?entity=project_sub_stage_progress&entityId=:id
    progress_id = progress["id"]
    log = ok(rest(live, "GET", f"/activity_log?entity_type=eq.project_sub_stage_progress&entity_id=eq.{progress_id}&order=occurred_at",
                  acme["auditor"]))
    assert [entry["new_values"].get("status") for entry in log if entry["action"] == "update"][-1] == "completed"
    export = rest(live, "GET", f"/approval_records?approval_id=eq.{approval}", acme["auditor"], headers={"Accept": "text/csv"})
    assert export.status_code == 200 and export.text.startswith("organization_id,approval_id,project_number")
    assert "PRJ-000123" in export.text, "a compliance export as CSV"
    timeline = ok(rest(live, "GET", f"/rpc/project_timeline?project_id={project}", acme["auditor"]))
    assert {"projects", "project_sub_stage_progress", "approvals", "documents"} <= {entry["entity_type"] for entry in timeline}


def test_workflow_templates_over_rest(live, acme):
    # GET /workflow/definitions; POST /workflow/definitions (vN+1 from vN); GET /:id/stages and /:id/sub-stages.
    active = ok(rest(live, "GET", "/workflow_definitions?is_active=is.true&order=version", acme["management"]))
    assert active and all(d["is_active"] for d in active)
    clone = ok(rest(live, "POST", "/rpc/clone_workflow_definition", acme["management"],
                    json={"workflow_definition_id": acme["definition"], "description": "Skip customer clarification"}))
    assert clone["version"] == max(d["version"] for d in active if d["name"] == clone["name"]) + 1
    stages = ok(rest(live, "GET", f"/workflow_definition_stage_settings?workflow_definition_id=eq.{clone['id']}&order=stage_order",
                     acme["management"]))
    assert [s["slug"] for s in stages][:2] == ["inquiry", "technical-review"] and len(stages) == 8
    sub_stages = ok(rest(live, "GET", f"/workflow_definition_sub_stage_settings?workflow_definition_id=eq.{clone['id']}",
                         acme["management"]))
    assert len(sub_stages) == 27
    row = ok(rest(live, "GET", f"/workflow_definition_sub_stages?workflow_definition_id=eq.{clone['id']}"
                               f"&workflow_sub_stage_id=eq.{acme['sub_stages']['customer-clarification']}", acme["management"]))[0]
    ok(rest(live, "PATCH", f"/workflow_definition_sub_stages?id=eq.{row['id']}", acme["management"], json={"is_included": False}), 204)
    locked = rest(live, "PATCH", f"/workflow_definition_sub_stages?workflow_definition_id=eq.{acme['definition']}",
                  acme["management"], json={"is_included": False})
    assert locked.status_code == 409 and "clone" in locked.json()["hint"]


def test_the_same_operations_over_graphql(live, acme):
    created = graphql(live, """
        mutation ($customer: UUID!) {
          createProject(input: {project: {title: "GraphQL widget", customerOrganizationId: $customer}}) {
            project { rowId projectNumber status }
          }
        }""", acme["sales"], {"customer": acme["customer"]}).json()
    assert "errors" not in created, created
    project = created["data"]["createProject"]["project"]
    assert project["projectNumber"].startswith("PRJ-") and project["status"] == "inquiry"

    workflow = graphql(live, """
        query ($project: UUID!) {
          projectWorkflows(condition: {projectId: $project}, orderBy: [STAGE_ORDER_ASC, SUB_STAGE_ORDER_ASC], first: 3) {
            nodes { subStageSlug status dueAt }
          }
        }""", acme["sales"], {"project": project["rowId"]}).json()
    assert [n["status"] for n in workflow["data"]["projectWorkflows"]["nodes"]] == ["in_progress", "pending", "pending"]

    progress = graphql(live, """
        mutation ($project: UUID!, $subStage: UUID!) {
          updateProgress(input: {projectId: $project, subStageId: $subStage, action: complete, comment: "Reviewed"}) {
            result { status completedAt }
          }
        }""", acme["sales"], {"project": project["rowId"], "subStage": acme["sub_stages"]["rfq-review"]}).json()
    assert progress["data"]["updateProgress"]["result"]["status"] == "completed"

    refused = graphql(live, """
        mutation ($project: UUID!, $subStage: UUID!) {
          updateProgress(input: {projectId: $project, subStageId: $subStage, action: skip}) { result { status } }
        }""", acme["sales"], {"project": project["rowId"], "subStage": acme["sub_stages"]["rfq-review"]}).json()
    assert refused["errors"][0]["extensions"]["code"] == "PT409"

    mine = graphql(live, "{ myApprovals { nodes { rowId status approvalType } } }", acme["management"]).json()
    assert all(node["status"] in ("pending", "in_review") for node in mine["data"]["myApprovals"]["nodes"])
    unread = graphql(live, "{ notifications(filter: {readAt: {isNull: true}}, first: 5) { totalCount nodes { rowId title } } }",
                     acme["engineering"]).json()
    assert unread["data"]["notifications"]["totalCount"] >= 1
    portfolio = graphql(live, "{ projectPortfolios { nodes { stageName status projectCount } } }", acme["management"]).json()
    assert sum(n["projectCount"] for n in portfolio["data"]["projectPortfolios"]["nodes"]) >= 10


def test_endpoints_enforce_rls(live, acme):
    """§10 APIs: the workflow endpoints answer only the caller's tenant (the full matrix is test_http_isolation_matrix)."""
    grace = ok(rest(live, "POST", "/rpc/login", json={"email": "grace@northwind.test", "password": PASSWORD}))["access_token"]
    with psycopg.connect(live["url"]) as conn:
        project = str(conn.execute("select p.id from app.projects p join app.organizations o on o.id = p.organization_id "
                                   "where o.slug = 'acme-manufacturing' limit 1").fetchone()[0])
    assert ok(rest(live, "GET", f"/project_workflow?project_id=eq.{project}", acme["sales"]))
    for path in (f"/projects?id=eq.{project}", f"/project_workflow?project_id=eq.{project}",
                 f"/approvals?project_id=eq.{project}", f"/documents?project_id=eq.{project}"):
        assert ok(rest(live, "GET", path, grace)) == [], path
        assert rest(live, "GET", path).status_code == 401, path


def test_a_project_keeps_its_stage_and_moves_only_through_the_override(live, acme):
    """#9 findings 9 and 10 replayed: no path leaves a project without a stage; a stage moves only through
    override_project_stage (permission first, then input), never by PATCH, whatever the caller holds."""
    project = ok(rest(live, "POST", "/projects", acme["sales"], headers={"Prefer": "return=representation"},
                      json={"title": "Stage keeper"}), 201)[0]["id"]
    inquiry, review = acme["stages"]["inquiry"], acme["stages"]["technical-review"]

    for body in ({"current_stage_id": None}, {"current_stage_id": review}, {"current_stage_id": review, "stage_change_reason": "r"}):
        refused = rest(live, "PATCH", f"/projects?id=eq.{project}", acme["management"], json=body)
        assert refused.status_code == 403 and refused.json()["code"] == "42501", (body, refused.text)

    def override(bearer, **args):
        return rest(live, "POST", "/rpc/override_project_stage", bearer, json={"project_id": project, **args})

    # Permission before input: sales gets 403 whatever it sends.
    for args in ({"stage_id": None, "reason": "r"}, {"reason": None}, {"stage_id": inquiry, "reason": "r"}):
        refused = override(acme["sales"], **{"stage_id": None, **args})
        assert refused.status_code == 403 and refused.json()["code"] == "PT403", (args, refused.text)
    for args, status, reason in (({"stage_id": None, "reason": "r"}, 422, "stage.required"),
                                 ({"stage_id": review, "reason": " "}, 422, "stage.reason_required"),
                                 ({"stage_id": inquiry, "reason": "again"}, 409, "stage.already_current")):
        refused = override(acme["management"], **args)
        assert refused.status_code == status and refused.json()["details"] == reason, (args, refused.text)
        assert "stage_change_reason" not in refused.text

    graphql_refused = graphql(live, """
        mutation ($project: UUID!) {
          overrideProjectStage(input: {projectId: $project, reason: "no stage"}) { result { currentStageId } }
        }""", acme["management"], {"project": project}).json()
    # GraphQL declares the stage required (stageId: UUID!): the document is
    # refused before it runs, naming the argument; REST gets the function's
    # own PT422 stage.required above.
    assert "stageId" in graphql_refused["errors"][0]["message"] and "data" not in graphql_refused, graphql_refused

    moved = ok(override(acme["management"], stage_id=review, reason="RFQ handled by phone"))
    assert moved["current_stage_id"] == review and moved["status"] == "reviewing"
    transitions = ok(rest(live, "GET", f"/project_stage_transitions?project_id=eq.{project}&order=changed_at,id", acme["management"]))
    assert [(t["kind"], t["to_stage_id"], t["reason"]) for t in transitions] == [
        ("initial", inquiry, None), ("manual", review, "RFQ handled by phone")]
    current = ok(rest(live, "GET", f"/projects?id=eq.{project}&select=current_stage_id", acme["management"]))
    assert current == [{"current_stage_id": review}]


def test_before_triggers_refuse_another_tenant_first(live, acme, figures):
    """#19 finding 3 replayed: a Northwind portal user posting rows for Acme gets the same 403 whatever
    Acme holds (known member, role, locked definition) as for ids that exist nowhere."""
    portal = sign_in(live, "customer_portal@northwind.test")
    with psycopg.connect(live["url"]) as conn:
        acme_org, member, colleague = (str(v) for v in conn.execute("""
            select o.id, (select m.user_id from app.memberships m join app.users u on u.id = m.user_id
                           where m.organization_id = o.id and u.email = 'sales@acme.test'),
                         (select m.user_id from app.memberships m join app.users u on u.id = m.user_id
                           where m.organization_id = o.id and u.email = 'qa@acme.test')
              from app.organizations o where o.slug = 'acme-manufacturing'""").fetchone())
        figures["before_triggers_checked"] = conn.execute("""
            select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'app' and not t.tgisinternal and t.tgtype & 1 <> 0 and t.tgtype & 2 <> 0 and t.tgtype & (4 | 16) <> 0
               and exists (select from pg_attribute a where a.attrelid = t.tgrelid and a.attname = 'organization_id'
                                                        and not a.attisdropped)""").fetchone()[0]
    unknown = "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000"
    chain = {"organization_id": acme_org, "chain_name": "probe", "approval_type": "final_signoff"}
    probes = {
        "/approval_chains (step user)": ("/approval_chains", {**chain, "steps": [{"user_id": member}]},
                                         {**chain, "steps": [{"user_id": unknown}]}),
        "/approval_chains (step role)": ("/approval_chains", {**chain, "steps": [{"role": "sales"}]},
                                         {**chain, "steps": [{"role": "no-such-role"}]}),
        "/workflow_definition_stages": ("/workflow_definition_stages",
                                        {"organization_id": acme_org, "workflow_definition_id": acme["definition"],
                                         "workflow_stage_id": acme["stages"]["inquiry"]},
                                        {"organization_id": acme_org, "workflow_definition_id": unknown, "workflow_stage_id": unknown}),
        "/approver_backups": ("/approver_backups", {"organization_id": acme_org, "user_id": member, "backup_user_id": colleague},
                              {"organization_id": acme_org, "user_id": unknown, "backup_user_id": unknown}),
    }
    for name, (path, known, stranger) in probes.items():
        answers = [rest(live, "POST", path, portal, json=body) for body in (known, stranger)]
        assert [a.status_code for a in answers] == [403, 403], (name, [a.text for a in answers])
        assert answers[0].json() == answers[1].json(), name
        # Tables whose inserts need a permission the portal user lacks say so first
        # (once per statement, about the caller alone); the others refuse the tenant.
        assert answers[0].json()["code"] == ("42501" if path == "/approver_backups" else "PT403"), name


def user_ids(live, *emails: str) -> dict[str, str]:
    with psycopg.connect(live["url"]) as conn:
        return dict(conn.execute("select email::text, id::text from app.users where email = any(%s)", [list(emails)]).fetchall())


def refusal(response) -> tuple[int, str | None]:
    return response.status_code, response.json().get("details")


def test_a_requester_never_decides_their_own_approval(live, acme, figures):
    """Issue #19, finding 2, replayed: every path that could make the requester (or someone without the
    step's role, or a portal user) the decider of an approval is refused."""
    ids = user_ids(live, "management@acme.test", "qa@acme.test", "engineering@acme.test", "customer_portal@acme.test")
    management, qa = acme["management"], acme["qa"]
    project = ok(rest(live, "POST", "/projects", management, headers={"Prefer": "return=representation"},
                      json={"title": "Requester approves own drawing"}), 201)[0]["id"]
    version = ok(rest(live, "POST", "/rpc/create_document", management, json={
        "project_id": project, "title": "Bracket", "category": "drawing", "file_extension": "pdf",
        "checksum": hashlib.sha256(b"bracket").hexdigest(), "size_bytes": 2048, "mime_type": "application/pdf"}))
    approval = ok(rest(live, "GET", f"/approvals?entity_id=eq.{version['id']}", management))[0]
    assert approval["current_approver_id"] == ids["qa@acme.test"], "routed to qa, never to the requester"

    def tried(response, expected: tuple[int, str | None]):
        figures["approval_paths_tried"] = figures.get("approval_paths_tried", 0) + 1
        assert refusal(response) == expected, response.text

    reassign = "/rpc/reassign_approval"
    tried(rest(live, "POST", reassign, management, json={"approval_id": approval["id"], "approver_id": ids["management@acme.test"]}),
          (403, "approval.requester_cannot_decide"))
    tried(rest(live, "POST", reassign, management, json={"approval_id": approval["id"], "approver_id": ids["engineering@acme.test"]}),
          (403, "approval.approver_lacks_role"))
    tried(rest(live, "POST", reassign, management, json={"approval_id": approval["id"], "approver_id": ids["customer_portal@acme.test"]}),
          (403, "approval.portal_user_cannot_decide"))
    # Management may name themselves qa's backup, but delegation and escalation pass them over.
    ok(rest(live, "POST", "/approver_backups", management, json={"user_id": ids["qa@acme.test"],
                                                                 "backup_user_id": ids["management@acme.test"]}), 201)
    tried(rest(live, "POST", "/rpc/delegate_approval", qa, json={"approval_id": approval["id"]}),
          (403, "approval.requester_cannot_decide"))
    with psycopg.connect(live["url"]) as conn:
        conn.execute("update app.approvals set sla_due_at = now() - interval '1 hour' where id = %s", [approval["id"]])
    figures["approval_paths_tried"] += 1
    assert ok(rest(live, "POST", "/rpc/escalate_overdue_approvals", management, json={})) >= 1
    assert ok(rest(live, "GET", f"/approvals?id=eq.{approval['id']}", management))[0]["current_approver_id"] == ids["qa@acme.test"]
    decide = {"approval_id": approval["id"], "decision": "approve", "comment": "mine",
              "signature_reason": "self-approval", "signature_password": PASSWORD}
    figures["approval_paths_tried"] += 1
    assert refusal(rest(live, "POST", "/rpc/decide_approval", management, json=decide)) == (403, "approval.not_current_approver")

    # The step's role decides; the version is never approved by its uploader.
    decided = ok(rest(live, "POST", "/rpc/decide_approval", qa, json={**decide, "comment": "Checked", "signature_reason": "reviewed"}))
    assert decided["status"] == "approved" and decided["decided_by"] == ids["qa@acme.test"]
    approved = ok(rest(live, "GET", f"/document_versions?id=eq.{version['id']}", management))[0]
    assert approved["approved_by"] != approved["uploaded_by"]


def test_portal_users_get_no_staff_message(live, acme):
    """Issue #19, finding 4, replayed: a portal user is refused as team member or recipient, and never
    receives a notification of a staff message."""
    portal_id = user_ids(live, "customer_portal@acme.test")["customer_portal@acme.test"]
    portal, sales = sign_in(live, "customer_portal@acme.test"), acme["sales"]
    project = ok(rest(live, "POST", "/projects", sales, headers={"Prefer": "return=representation"},
                      json={"title": "Portal team", "customer_organization_id": acme["customer"]}), 201)[0]["id"]
    joined = rest(live, "PATCH", f"/projects?id=eq.{project}", sales, json={"team_member_ids": [portal_id]})
    assert joined.status_code == 422, joined.text
    direct = rest(live, "POST", "/messages", sales, json={"project_id": project, "recipient_id": portal_id,
                                                          "content": "INTERNAL: our margin is 4%"})
    assert direct.status_code == 422, direct.text
    ok(rest(live, "POST", "/messages", sales, json={"project_id": project, "subject": "Margin",
                                                    "content": "INTERNAL: our margin is 4%"}), 201)
    assert ok(rest(live, "GET", "/notifications?type=eq.message", portal)) == []
    assert ok(rest(live, "GET", f"/messages?project_id=eq.{project}", portal)) == []


def test_portal_users_see_their_projects_status_and_nothing_internal(live, acme):
    """Issue #9, finding 8: project records, routing, SLAs, chains, backups, progress logs and dashboards
    are staff-only; the portal reads app.customer_projects and app.customer_project_progress."""
    portal, sales = sign_in(live, "customer_portal@acme.test"), acme["sales"]
    project = ok(rest(live, "POST", "/projects", sales, headers={"Prefer": "return=representation"},
                      json={"title": "Portal status", "customer_organization_id": acme["customer"]}), 201)[0]["id"]
    ok(rest(live, "POST", "/rpc/update_progress", sales, json={
        "project_id": project, "sub_stage_id": acme["sub_stages"]["rfq-review"], "action": "block",
        "comment": "INTERNAL: waiting for our margin decision"}))
    for path in ("/approval_chains", "/approval_policies", "/approver_backups", "/workflow_stages", "/workflow_definitions",
                 f"/project_sub_stage_progress?project_id=eq.{project}", f"/project_stage_transitions?project_id=eq.{project}",
                 f"/project_workflow?project_id=eq.{project}", "/project_overview", "/approval_history", "/blocked_reasons"):
        assert ok(rest(live, "GET", path, sales)), f"staff read {path}"
        assert ok(rest(live, "GET", path, portal)) == [], path
    assert ok(rest(live, "GET", f"/projects?id=eq.{project}", portal)) == [], "the project record is internal"
    summary = ok(rest(live, "GET", f"/customer_projects?project_id=eq.{project}", portal))
    assert [(p["project_id"], p["status"]) for p in summary] == [(project, "inquiry")] and "quote_value" not in summary[0]
    status = ok(rest(live, "GET", f"/customer_project_progress?project_id=eq.{project}&sub_stage_id=eq.{acme['sub_stages']['rfq-review']}",
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


def test_revoking_a_role_needs_the_right_to_grant_it(live, acme):
    """Issue #9, finding 5, replayed: a role holding only role.assign cannot revoke management."""
    ada = sign_in(live, "ada@acme.test")
    with psycopg.connect(live["url"]) as conn:
        memberships = dict(conn.execute("""
            select u.email::text, m.id::text from app.memberships m join app.users u on u.id = m.user_id
              join app.organizations o on o.id = m.organization_id
             where o.slug = 'acme-manufacturing' and u.email in ('management@acme.test', 'auditor@acme.test')""").fetchall())
    ok(rest(live, "POST", "/rpc/create_role", ada, json={"key": "assigner", "name": "Assigner", "permissions": ["role.assign"]}))
    ok(rest(live, "POST", "/rpc/grant_role", ada, json={"membership_id": memberships["auditor@acme.test"], "role_key": "assigner"}))
    refused = rest(live, "POST", "/rpc/revoke_role", acme["auditor"],
                   json={"membership_id": memberships["management@acme.test"], "role_key": "management"})
    assert refusal(refused) == (403, "role.permission_not_held")
    granted = rest(live, "POST", "/rpc/grant_role", acme["auditor"],
                   json={"membership_id": memberships["management@acme.test"], "role_key": "management"})
    assert granted.status_code == 403, "granting is refused the same way"
