"""Two-person control over HTTP: an approval request that no eligible person could decide is refused
with the status, reason code, message and hint clients rely on, and nothing is opened."""

from __future__ import annotations

import pytest

from helpers import World, rest
from workflow_world import Shop

pytestmark = pytest.mark.stack


def test_request_without_an_eligible_approver_is_refused(live: dict, world: World) -> None:
    shop = Shop(world)
    project = shop.project(until="technical-review")
    # The tenant's only engineering member asks for the engineering review, and the tenant keeps no
    # fallback role: nobody but the requester could decide step 1, and the tenant refuses (the default).
    world.sql("delete from app.approval_fallbacks where organization_id = %s", shop.id)
    request = {"project_id": project, "sub_stage_id": shop.sub_stages["engineering-review"], "action": "complete"}

    response = rest(live, "POST", "/rpc/update_progress", shop.token("engineering"), json=request)

    assert response.status_code == 409, response.text
    body = response.json()
    assert (body["code"], body["details"]) == ("PT409", "approval.no_approver")
    # The hint names the step and its role, and the ways out.
    assert "Step 1" in body["hint"] and "role engineering" in body["hint"] and "/approval_settings" in body["hint"]
    assert world.sql("select count(*) from app.approvals where project_id = %s", project) == 0
    progress = world.sql("""select pr.status::text from app.project_sub_stage_progress pr
                             where pr.project_id = %s and pr.sub_stage_id = %s""",
                         project, shop.sub_stages["engineering-review"])
    assert progress == "in_progress"

    # Naming an eligible backup approver (workflow.manage, through the API) lets the same request through.
    backup = shop.person("auditor")
    settings = rest(live, "PATCH", f"/approval_settings?organization_id=eq.{shop.id}", shop.token("admin"),
                    json={"when_no_approver": "backup", "backup_approver_id": backup.id},
                    headers={"Prefer": "return=representation"})
    assert settings.status_code == 200 and len(settings.json()) == 1, settings.text
    response = rest(live, "POST", "/rpc/update_progress", shop.token("engineering"), json=request)
    assert response.status_code == 200, response.text
    assert world.sql("select current_approver_id::text from app.approvals where project_id = %s", project) == backup.id
