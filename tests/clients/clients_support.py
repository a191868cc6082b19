"""What the client suites share: a tenant of their own (built with the factories) and running the Node client scripts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import ROOT, TEST_PASSWORD, World, rest

NODE = ROOT / "node_modules" / ".bin" / "node"
SCRIPTS = Path(__file__).resolve().parent / "js"
# Titles with an "a" (the clients' filters ask for one), in no sorted order.
TITLES = ("Valve plate", "Bracket casting", "Shaft assembly", "Gear housing", "Pump manifold")
# Failed sign-ins are throttled per email: they use an address no test signs in with.
UNKNOWN = "nobody@clients.test"


def run_js(script: str, *args: str, config: dict, timeout: float = 60) -> dict:
    """Run tests/clients/js/<script> with the project's Node and return the JSON it prints."""
    done = subprocess.run([str(NODE), str(SCRIPTS / script), *args, json.dumps(config)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def shop(live: dict) -> dict:
    """A workflow tenant of its own whose seller the clients sign in as (email, password, token): five projects of
    its customer, the first two driven into technical review (status reviewing), the others new (inquiry); three
    partners; and a project and a stage for a refused stage override (sales lacks project.override_stage)."""
    world = World(live)
    tenant = world.workflow_tenant()
    seller = world.person(tenant, "sales")
    customer = str(world.sql("select tests.portal_customer(%s)", tenant))
    for kind in ("supplier", "customer_and_supplier"):
        world.sql("select tests.create_partner(%s, %s)", tenant, kind)
    for index, title in enumerate(TITLES):
        world.project(tenant, until="technical-review" if index < 2 else None, created_by=seller.id,
                      customer_id=customer, title=title)
    token = world.sign_in(seller)
    step = rest(live, "GET", "/project_workflow?select=project_id,workflow_stage_id&limit=1", token).json()[0]
    return {"rest": live["rest"], "graphql": live["graphql"], "email": seller.email, "password": TEST_PASSWORD,
            "token": token, "project": step["project_id"], "stage": step["workflow_stage_id"], "tenant": tenant}


def new_partner(live: dict, token: str, code: str) -> dict:
    """A partner of the seller's tenant that only this test touches."""
    response = rest(live, "POST", "/partners", token, headers={"Prefer": "return=representation"},
                    json={"name": f"Client test {code}", "kind": "customer", "code": code})
    assert response.status_code == 201, response.text
    return response.json()[0]


def visible_projects(live: dict, token: str) -> int:
    response = rest(live, "GET", "/projects?select=id&limit=1", token, headers={"Prefer": "count=exact"})
    return int(response.headers["Content-Range"].split("/")[1])
