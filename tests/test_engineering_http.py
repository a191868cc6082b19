"""Engineering over HTTP (issue #16): an engineer writes a drawing and a revision linked to a stored document version over
REST and submits it; a second engineer and QA release it (the routed RDA; the submitter may not) and production reads the
released revision; an ECO with two effectivities is refused; an ECO goes submitted -> approved over GraphQL (quality,
engineering, production) -> implemented over REST, releasing the part revision it names; the project BOM explodes over
GraphQL with extended quantities and a cycle is refused with its reason; milestone slippage is read over REST; another
tenant's admin finds nothing. Two connections closing a BOM cycle at once: the second waits for the first's lock and is refused."""

from __future__ import annotations

import psycopg
import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

APPROVE = """mutation ($id: UUID!) { approveChangeOrder(input: {changeOrderId: $id, comment: "Go"}) { result { status ecoNumber } } }"""
EXPLODE = """query ($project: UUID!) {
  explodeProjectBom(projectId: $project, quantity: "5") { nodes { depth path extendedQuantity unit } } }"""


def test_drawings_change_orders_bom_and_milestones_over_rest_and_graphql(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    manager = world.member(tenant, "management")
    engineer_person = world.member(tenant, "engineering")
    project = world.project(tenant, created_by=manager.id)
    with psycopg.connect(live["url"]) as conn:
        conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [engineer_person.id, tenant])
        stored = conn.execute("select (tests.upload_document(%s, 'Pump drawing', 'drawing', 'pdf', repeat('c', 64), 10, "
                              "'application/pdf')).id", [project]).fetchone()
        assert stored is not None
        version = str(stored[0])
    engineer = world.sign_in(engineer_person)
    designer = world.sign_in(world.member(tenant, "engineering"))
    quality = world.sign_in(world.member(tenant, "qa"))
    production = world.sign_in(world.member(tenant, "production"))
    boss = world.sign_in(manager)
    outsider = world.sign_in(world.member(world.tenant(), "admin"))
    made = {"Prefer": "return=representation"}

    drawing = rest(live, "POST", "/drawings", engineer, json={"drawing_number": "DWG-900", "title": "Pump"}, headers=made)
    assert drawing.status_code == 201, drawing.text
    drawing_id = drawing.json()[0]["id"]
    revision = rest(live, "POST", "/drawing_revisions", engineer, headers=made,
                    json={"drawing_id": drawing_id, "revision": "A", "document_version_id": version})
    assert revision.status_code == 201, revision.text
    revision_id = revision.json()[0]["id"]
    assert rest(live, "POST", "/rpc/submit_drawing_revision", engineer, json={"revision_id": revision_id}).json()["status"] == "in_review"
    own = rest(live, "POST", "/rpc/approve_drawing_revision", engineer, json={"revision_id": revision_id})
    assert (own.status_code, own.json()["details"]) == (403, "drawing_revision.own_submission"), own.text
    # The RDA routing: design (another engineer), then quality.
    design = rest(live, "POST", "/rpc/approve_drawing_revision", designer, json={"revision_id": revision_id, "comment": "Design OK"})
    assert design.status_code == 200 and design.json()["status"] == "in_review", design.text
    released = rest(live, "POST", "/rpc/approve_drawing_revision", quality, json={"revision_id": revision_id, "comment": "OK"})
    assert released.status_code == 200 and released.json()["status"] == "released", released.text
    used = rest(live, "GET", "/released_drawings?select=drawing_number,revision,file_path", production).json()
    assert [(row["drawing_number"], row["revision"]) for row in used] == [("DWG-900", "A")] and used[0]["file_path"], used

    # A change order: one effectivity, approved over GraphQL, implemented over REST.
    two = rest(live, "POST", "/change_orders", engineer, json={"title": "X", "reason": "other", "effectivity": "date",
                                                                "effective_date": "2027-01-01", "effective_serial_number": "SN-1"})
    assert two.status_code == 400, two.text
    part = rest(live, "POST", "/parts", engineer, headers=made, json={"part_number": "PMP-1", "name": "Pump", "unit": "pcs"}).json()[0]
    draft = rest(live, "POST", "/part_revisions", engineer, headers=made, json={"part_id": part["id"], "revision": "A"}).json()[0]
    eco = rest(live, "POST", "/change_orders", engineer, headers=made,
               json={"title": "First release", "reason": "design_improvement", "effectivity": "lot", "effective_lot_number": "L-100"})
    assert eco.status_code == 201 and eco.json()[0]["eco_number"].startswith("ECO-"), eco.text
    eco_id = eco.json()[0]["id"]
    item = rest(live, "POST", "/change_order_items", engineer, json={"change_order_id": eco_id, "kind": "part_revision",
                                                                     "part_revision_id": draft["id"]})
    assert item.status_code == 201, item.text
    early = rest(live, "POST", "/rpc/implement_change_order", engineer, json={"change_order_id": eco_id})
    assert (early.status_code, early.json()["details"]) == (409, "change_order.not_approved"), early.text
    assert rest(live, "POST", "/rpc/submit_change_order", engineer, json={"change_order_id": eco_id}).status_code == 200
    # The ECO routing: quality, engineering, production, each over GraphQL.
    steps = [graphql(live, APPROVE, who, {"id": eco_id}).json() for who in (quality, designer, production)]
    assert [step["data"]["approveChangeOrder"]["result"]["status"] for step in steps] == ["submitted", "submitted", "approved"], steps
    done = rest(live, "POST", "/rpc/implement_change_order", engineer, json={"change_order_id": eco_id})
    assert done.status_code == 200 and done.json()["status"] == "implemented", done.text
    status = rest(live, "GET", f"/part_revisions?id=eq.{draft['id']}&select=status", engineer).json()
    assert status == [{"status": "released"}]

    # The project BOM: two levels, a unit conversion, a cycle refused.
    sheet = rest(live, "POST", "/parts", engineer, headers=made, json={"part_number": "STL-9", "name": "Sheet", "unit": "kg"})
    housing = rest(live, "POST", "/parts", engineer, headers=made, json={"part_number": "HSG-9", "name": "Housing", "unit": "pcs"})
    sheet, housing = sheet.json()[0], housing.json()[0]
    for parent, component, quantity, unit in ((part, housing, 2, "pcs"), (housing, sheet, 300, "g")):
        line = rest(live, "POST", "/project_bom_lines", engineer,
                    json={"project_id": project, "parent_part_id": parent["id"], "component_part_id": component["id"],
                          "quantity": quantity, "unit": unit})
        assert line.status_code == 201, line.text
    cycle = rest(live, "POST", "/project_bom_lines", engineer, json={"project_id": project, "parent_part_id": sheet["id"],
                                                                     "component_part_id": part["id"], "quantity": 1, "unit": "pcs"})
    assert (cycle.status_code, cycle.json()["details"]) == (422, "project_bom.cycle"), cycle.text
    tree = graphql(live, EXPLODE, engineer, {"project": project}).json()
    assert "errors" not in tree, tree
    assert [(n["depth"], n["path"], float(n["extendedQuantity"]), n["unit"]) for n in tree["data"]["explodeProjectBom"]["nodes"]] == [
        (0, "PMP-1", 5.0, "pcs"), (1, "PMP-1 > HSG-9", 10.0, "pcs"), (2, "PMP-1 > HSG-9 > STL-9", 3.0, "kg")]

    # Milestones: slippage over REST.
    late = rest(live, "POST", "/project_milestones", boss, json={"project_id": project, "name": "FAI", "planned_date": "2020-01-01",
                                                                  "actual_date": "2020-01-11"})
    assert late.status_code == 201, late.text
    slip = rest(live, "GET", f"/project_milestone_slippage?project_id=eq.{project}&select=name,status,slippage_days,is_slipped", engineer)
    assert slip.json() == [{"name": "FAI", "status": "done", "slippage_days": 10, "is_slipped": True}], slip.text

    # Another tenant.
    for path in ("/drawings", "/change_orders", "/project_bom_lines", "/project_milestones"):
        assert rest(live, "GET", f"{path}?select=id", outsider).json() == [], path
    foreign = rest(live, "POST", "/rpc/implement_change_order", outsider, json={"change_order_id": eco_id})
    assert foreign.status_code == 404, foreign.text


def test_two_lines_closing_a_cycle_at_once_one_is_refused(live: dict[str, str]) -> None:
    """Two engineers add A -> B and B -> A to one project's BOM at the same moment: the second waits for the first's
    transaction lock, then sees its line and is refused with project_bom.cycle; without the lock both would commit."""
    world = World(live)
    tenant = world.tenant()
    manager = world.member(tenant, "management")
    engineer = world.member(tenant, "engineering")
    project = world.project(tenant, created_by=manager.id)
    a = str(world.sql("select tests.create_part(%s)", tenant))
    b = str(world.sql("select tests.create_part(%s)", tenant))
    insert = ("insert into app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit) "
              "values (%s, %s, %s, 1, 'pcs')")
    with psycopg.connect(live["url"]) as first, psycopg.connect(live["url"]) as second:
        for conn in (first, second):
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [engineer.id, tenant])
        first.execute(insert, [project, a, b])
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(insert, [project, b, a])  # waits for the first's lock on the project's BOM
        second.rollback()
        first.commit()
        second.execute("select tests.act_as(%s::uuid, %s::uuid)", [engineer.id, tenant])
        with pytest.raises(psycopg.Error) as refused:
            second.execute(insert, [project, b, a])
        assert (refused.value.diag.sqlstate, refused.value.diag.message_detail) == ("PT422", "project_bom.cycle")
