"""schemathesis against contracts/openapi.json on a live PostgREST, as a tenant's admin: no 5xx.

Bounded for CI: two examples per operation that writes or runs a function (POST, PATCH, DELETE),
after schemathesis's coverage phase has sent its positive boundary cases (every property,
the required-only and the full object: what reaches the tables' triggers and the functions'
checks). Its negative coverage cases (a wrong type for each column, filter and argument, about
five times as many requests, answered by PostgREST's own parsing) run in `make security-report`
(PULSE_FUZZ_COVERAGE=all); the two random examples per operation are of both kinds either way.
`make security-report` sends ten to every operation, reads (GET) included (PULSE_FUZZ_READS=1): a
read runs PostgREST's own query parsing over the same policies, and an RPC's GET the function its
POST already fuzzes. PostgREST's Swagger quirks are
handled here, never by loosening the check: its filters are strings such as
`eq.1`, so generated values mostly earn 400s (which is the point: bad input
must be a 4xx), and its RPCs declare no response schema, so only the status
is judged.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from helpers import ROOT, World

# Schemathesis names every operation's item alike, so pytest-xdist cannot spread them one by one; make test's
# --dist=loadfile gives the whole file to one process, next to the other files.
pytestmark = [pytest.mark.stack]

coverage_mode = os.environ.get("PULSE_FUZZ_COVERAGE", "positive")
schema = schemathesis.openapi.from_path(
    ROOT / "contracts" / "openapi.json",
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"generation": {"mode": coverage_mode}}}}))
if os.environ.get("PULSE_FUZZ_READS") != "1":
    schema = schema.exclude(method="GET")


@schema.hook
def filter_headers(ctx, headers):
    """PostgREST 12.0.2 itself answers 500 to a Range or Prefer header with non-ASCII bytes (obsolete obs-text,
    which clients do not send and a proxy should refuse; docs/security.md). Such headers are not generated."""
    return not headers or all(str(value).isascii() for value in headers.values())


@pytest.fixture(scope="module")
def fuzz_target(live):
    """The shared stack, as the admin of a workflow tenant of its own with a project under way: whatever the
    fuzzed writes manage to change stays in that tenant."""
    world = World(live)
    tenant = world.workflow_tenant()
    world.project(tenant, until="technical-review", created_by=world.person(tenant, "sales").id)
    return {**live, "token": world.sign_in(world.person(tenant, "admin"))}


@schema.parametrize()
@settings(max_examples=int(os.environ.get("PULSE_FUZZ_EXAMPLES", "2")), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, fuzz_target, figures):
    response = case.call(base_url=fuzz_target["rest"], headers={"Authorization": f"Bearer {fuzz_target['token']}"},
                         timeout=10)
    figures["fuzz_rest_requests"] = figures.get("fuzz_rest_requests", 0) + 1
    figures["fuzz_5xx"] = figures.get("fuzz_5xx", 0) + (response.status_code >= 500)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
