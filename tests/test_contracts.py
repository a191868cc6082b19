"""Contract snapshots (OpenAPI, GraphQL, database schema): committed files match the migrated database."""

from __future__ import annotations

import json

import psycopg

from helpers import pulse, pulse_env
from pulse.contract_diff import database_changes
from pulse.contracts import database_snapshot, generate


def test_committed_contracts_match_the_database_and_generation_is_byte_stable(database_url, settings):
    result = pulse("contracts", "check", env=pulse_env(database_url))
    assert result.returncode == 0, result.stdout + result.stderr
    again = generate(settings.with_values(DATABASE_URL=database_url))
    assert again.openapi == (settings.root / "contracts" / "openapi.json").read_text()
    assert again.graphql == (settings.root / "contracts" / "schema.graphql").read_text()
    document = json.loads(again.openapi)
    assert "host" not in document
    assert again.openapi == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "type Query" in again.graphql


def test_check_reports_drift_with_a_diff_and_classifies_a_tightened_check(database_url, settings):
    config = settings.with_values(DATABASE_URL=database_url)
    before = database_snapshot(config)
    objects = json.loads(before)["objects"]
    assert "relation app.partners" in objects and "column app.partners.name" in objects
    # pgTAP, its helpers and other extensions' objects belong to the test template, not to the product
    assert not [key for key in objects if key.split(" ", 1)[1].startswith(("tests.", "sqitch."))]
    assert "function public.uuid_generate_v7()" in objects and "function public.plan(integer)" not in objects
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("alter table app.partners add constraint partners_name_short check (length(name) <= 20) not valid")
        conn.execute("alter table app.partners alter column code set not null")
        conn.execute("revoke update on app.partners from app_user")
        conn.execute("comment on table app.organizations is 'Changed for the drift test.'")
    after = database_snapshot(config)
    result = pulse("contracts", "check", env=pulse_env(database_url))
    assert result.returncode == 1 and "partners_name_short" in result.stdout
    assert "Changed for the drift test." in result.stdout and "contracts drifted" in result.stderr
    found = {(c.severity, c.description) for c in database_changes(before, after)}
    assert ("dangerous", "constraint app.partners.partners_name_short was added: "
                         "CHECK ((length(name) <= 20)) NOT VALID (may refuse rows accepted before).") in found
    assert ("breaking", "column app.partners.code: became NOT NULL.") in found
    assert ("breaking", "column app.partners.name: app_user loses update.") in found  # a column grant
