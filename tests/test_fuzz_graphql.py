"""Random queries and mutations from contracts/schema.graphql against a live PostGraphile: no internal errors.

A refused or invalid operation is fine (GraphQL errors with a code); what
must never appear is an HTTP 5xx or an error PostGraphile had to mask
("An error occurred (logged with hash ...)"), which means something broke.
"""

from __future__ import annotations

import datetime
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from helpers import ROOT, World

# Schemathesis names every operation's item alike, so pytest-xdist cannot spread them one by one; make test's
# --dist=loadfile gives the whole file to one process, next to the other files.
pytestmark = [pytest.mark.stack]

# PostGraphile's JSON scalar takes any JSON literal: strings, numbers and
# (empty) objects cover what the columns accept and what they refuse.
schemathesis.graphql.scalar("JSON", st.one_of(st.text(max_size=30).map(nodes.String), st.integers().map(nodes.Int),
                                              st.just(nodes.Object([]))))
# BigFloat (numeric arguments: app.convert_unit) is a decimal written as a string.
schemathesis.graphql.scalar("BigFloat", st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
                                                  st.text(max_size=12)).map(nodes.String))
# Datetime (timestamptz arguments and required columns): ISO 8601 times, and text that is none.
schemathesis.graphql.scalar("Datetime", st.one_of(st.datetimes(timezones=st.just(datetime.UTC)).map(lambda d: d.isoformat()),
                                                  st.text(max_size=12)).map(nodes.String))
schema = schemathesis.graphql.from_path(ROOT / "contracts" / "schema.graphql")


@pytest.fixture(scope="module")
def fuzz_target(live):
    """The shared stack, as the admin of a workflow tenant of its own with a project under way: whatever the
    fuzzed writes manage to change stays in that tenant."""
    world = World(live)
    tenant = world.workflow_tenant()
    world.project(tenant, until="technical-review", created_by=world.person(tenant, "sales").id)
    return {**live, "token": world.sign_in(world.person(tenant, "admin"))}


@schema.parametrize()
@settings(max_examples=int(os.environ.get("PULSE_FUZZ_EXAMPLES", "2")), deadline=None, derandomize=True,
          database=None, suppress_health_check=list(HealthCheck))
def test_no_internal_errors(case, fuzz_target, figures):
    response = case.call(base_url=fuzz_target["graphql"],
                         headers={"Authorization": f"Bearer {fuzz_target['token']}"}, timeout=10)
    figures["fuzz_graphql_requests"] = figures.get("fuzz_graphql_requests", 0) + 1
    figures["fuzz_5xx"] = figures.get("fuzz_5xx", 0) + (response.status_code >= 500)
    assert response.status_code < 500, response.text[:300]
    errors = response.json().get("errors") or []
    masked = [error["message"] for error in errors if "logged with hash" in error.get("message", "")]
    assert not masked, f"{case.body}: {masked}"
