"""Contract snapshots: committed files match the migrated database, and generation is stable."""

from __future__ import annotations

import json

import psycopg

from pulse.contracts import generate

from helpers import pulse, pulse_env


def test_committed_contracts_match_the_database(database_url):
    result = pulse("contracts", "check", env=pulse_env(database_url))
    assert result.returncode == 0, result.stdout + result.stderr


def test_generation_is_byte_stable_and_normalized(database_url, settings):
    config = settings.with_values(DATABASE_URL=database_url)
    first, second = generate(config), generate(config)
    assert first == second
    document = json.loads(first.openapi)
    assert "host" not in document
    assert first.openapi == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "type Query" in first.graphql


def test_check_reports_drift_with_a_diff(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("comment on table app.organizations is 'Changed for the drift test.'")
    result = pulse("contracts", "check", env=pulse_env(database_url))
    assert result.returncode == 1
    assert "Changed for the drift test." in result.stdout
    assert "contracts drifted" in result.stderr
