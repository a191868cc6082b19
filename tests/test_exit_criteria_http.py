"""Exit criteria over HTTP (issue #14, item 6): completing a stage whose checked criterion is unmet answers
409 with the reason code in `details` and the criterion in `message` and `hint`; the progress screen reads the
criteria with met or unmet; management waives one and the stage completes."""

from __future__ import annotations

import pytest

from helpers import World, rest

pytestmark = pytest.mark.stack


def test_an_unmet_exit_criterion_refuses_the_stage_and_a_waiver_lets_it_go(live) -> None:
    world = World(live)
    tenant = world.workflow_tenant()
    procurement, management = world.person(tenant, "procurement"), world.person(tenant, "management")
    project = world.project(tenant, until="supplier-rfq")
    buyer, manager = world.sign_in(procurement), world.sign_in(management)
    sub_stages = dict(world.rows("""select s.slug, s.id::text from app.workflow_sub_stages s
                                     where s.organization_id = %s and s.slug in
                                           ('supplier-identification', 'rfq-preparation', 'response-collection')""", tenant))

    def act(slug: str, action: str = "complete"):
        return rest(live, "POST", "/rpc/update_progress", buyer,
                    json={"project_id": project, "sub_stage_id": sub_stages[slug], "action": action})

    for slug in ("supplier-identification", "rfq-preparation"):
        assert act(slug).status_code == 200

    refused = act("response-collection")
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "PT409"
    assert body["details"] == "exit_criterion.documents_missing"
    assert "2 qualified supplier quotes" in body["message"]
    assert "qualified-quotes" in body["hint"] and "waive_exit_criterion" in body["hint"]

    screen = rest(live, "GET", f"/project_exit_criteria?project_id=eq.{project}&order=position", buyer)
    assert screen.status_code == 200, screen.text
    quotes = next(row for row in screen.json() if row["key"] == "qualified-quotes")
    assert (quotes["is_met"], quotes["document_count"], quotes["min_count"]) == (False, 0, 2)
    assert all(row["is_met"] is None for row in screen.json() if row["kind"] == "text")

    denied = rest(live, "POST", "/rpc/waive_exit_criterion", buyer,
                  json={"project_id": project, "criterion_id": quotes["criterion_id"], "reason": "Sole source"})
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing")
    waived = rest(live, "POST", "/rpc/waive_exit_criterion", manager,
                  json={"project_id": project, "criterion_id": quotes["criterion_id"], "reason": "Sole source"})
    assert waived.status_code == 200, waived.text
    assert waived.json()["reason"] == "Sole source"

    completed = act("response-collection")
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "in_review"
