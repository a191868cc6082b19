"""What the client suites share: the demo tenant's facts and running the Node client scripts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import DEMO_PASSWORD, ROOT, rest, sign_in

NODE = ROOT / "node_modules" / ".bin" / "node"
SCRIPTS = Path(__file__).resolve().parent / "js"
SELLER = "sales@acme.test"
# Failed sign-ins are throttled per email: they use an address no test signs in with.
UNKNOWN = "nobody@clients.test"


def run_js(script: str, *args: str, config: dict, timeout: float = 60) -> dict:
    """Run tests/clients/js/<script> with the project's Node and return the JSON it prints."""
    done = subprocess.run([str(NODE), str(SCRIPTS / script), *args, json.dumps(config)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def acme(live: dict) -> dict:
    """The seller's token, and a project and a stage for a refused stage override (sales lacks the permission)."""
    token = sign_in(live, SELLER)
    step = rest(live, "GET", "/project_workflow?select=project_id,workflow_stage_id&limit=1", token).json()[0]
    return {"rest": live["rest"], "graphql": live["graphql"], "email": SELLER, "password": DEMO_PASSWORD,
            "token": token, "project": step["project_id"], "stage": step["workflow_stage_id"]}


def new_partner(live: dict, token: str, code: str) -> dict:
    """A partner of the seller's tenant that only this test touches."""
    response = rest(live, "POST", "/partners", token, headers={"Prefer": "return=representation"},
                    json={"name": f"Client test {code}", "kind": "customer", "code": code})
    assert response.status_code == 201, response.text
    return response.json()[0]


def visible_projects(live: dict, token: str) -> int:
    response = rest(live, "GET", "/projects?select=id&limit=1", token, headers={"Prefer": "count=exact"})
    return int(response.headers["Content-Range"].split("/")[1])
