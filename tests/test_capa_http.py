"""CAPA / 8D over HTTP (issue #13, item 9): QA opens a CAPA from a project over REST, fills the disciplines with
PATCH, assigns an action that its owner records done, and moves it through its steps; a step that is not complete
answers 422 with the reason code; the same CAPA reads and moves over GraphQL; another tenant finds nothing."""

from __future__ import annotations

import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack


def test_a_capa_moves_through_its_disciplines_over_rest_and_graphql(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    project = world.project(tenant)
    qa_person, production_person = world.person(tenant, "qa"), world.person(tenant, "production")
    qa, production = world.sign_in(qa_person), world.sign_in(production_person)
    outsider = world.sign_in(world.person(world.workflow_tenant(), "qa"))

    opened = rest(live, "POST", "/rpc/open_capa", qa, json={
        "title": "Cracked housings", "problem_statement": "Three housings cracked at final test",
        "source": "nonconformance", "source_entity_type": "project", "source_entity_id": project})
    assert opened.status_code == 200, opened.text
    capa = opened.json()
    assert capa["capa_number"].startswith("CAPA-") and capa["status"] == "open"

    early = rest(live, "POST", "/rpc/advance_capa", qa, json={"capa_id": capa["id"], "to_status": "containment"})
    assert (early.status_code, early.json()["details"]) == (422, "capa.step_incomplete"), early.text
    assert "D1" in early.json()["message"]

    patched = rest(live, "PATCH", f"/capas?id=eq.{capa['id']}", qa, json={
        "owner_id": qa_person.id, "containment_summary": "Lot 42 quarantined"})
    assert patched.status_code in (200, 204), patched.text
    moved = rest(live, "POST", "/rpc/advance_capa", qa, json={"capa_id": capa["id"], "to_status": "containment"})
    assert (moved.status_code, moved.json()["status"]) == (200, "containment"), moved.text

    action = rest(live, "POST", "/capa_actions", qa, headers={"Prefer": "return=representation"}, json={
        "capa_id": capa["id"], "discipline": "containment", "description": "Sort customer stock",
        "owner_id": production_person.id, "due_date": "2099-01-01"})
    assert action.status_code == 201, action.text
    action_id = action.json()[0]["id"]
    status_forged = rest(live, "PATCH", f"/capas?id=eq.{capa['id']}", qa, json={"status": "closed"})
    assert status_forged.status_code in (401, 403), status_forged.text  # the step moves only through advance_capa

    done = rest(live, "POST", "/rpc/complete_capa_action", production, json={"action_id": action_id, "note": "Sorted"})
    assert (done.status_code, done.json()["status"]) == (200, "done"), done.text

    hidden = rest(live, "POST", "/rpc/advance_capa", outsider, json={"capa_id": capa["id"], "to_status": "root_cause"})
    assert (hidden.status_code, hidden.json()["details"]) == (404, "capa.not_found")
    assert rest(live, "GET", f"/capas?id=eq.{capa['id']}", outsider).json() == []

    query = f"""query {{ capas(condition: {{capaNumber: "{capa['capa_number']}"}}, first: 1) {{ nodes {{ id status
                capaLinks(first: 10) {{ nodes {{ entityType relation }} }}
                capaActions(first: 10) {{ nodes {{ description status }} }} }} }} }}"""
    read = graphql(live, query, qa).json()
    assert "errors" not in read, read
    node = read["data"]["capas"]["nodes"][0]
    assert node["status"] == "containment"
    assert node["capaLinks"]["nodes"] == [{"entityType": "project", "relation": "source"}]
    assert node["capaActions"]["nodes"] == [{"description": "Sort customer stock", "status": "done"}]

    mutation = """mutation($id: UUID!) { advanceCapa(input: {capaId: $id, toStatus: root_cause}) { result { status } } }"""
    advanced = graphql(live, mutation, qa, {"id": capa["id"]}).json()
    assert "errors" not in advanced, advanced
    assert advanced["data"]["advanceCapa"]["result"]["status"] == "root_cause"

    outsider_read = graphql(live, query, outsider).json()
    assert outsider_read["data"]["capas"]["nodes"] == []
