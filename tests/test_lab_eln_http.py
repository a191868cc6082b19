"""The lab's notebook over HTTP (issue #15, ELN): templates, entries and their versions through PostgREST (422 naming
the JSON path, the wrong-password 403 with its Pulse-Refusal header, amendments), the diff and the signatures
through PostGraphile; the events published match their contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

EVENTS = Path(__file__).resolve().parents[1] / "contracts" / "events" / "lab"
REPRESENTATION = {"Prefer": "return=representation"}
SECTIONS = [
    {"key": "aim", "title": "Aim", "required": True,
     "schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}}},
    {"key": "results", "title": "Results",
     "schema": {"type": "object", "properties": {"ph": {"type": "number", "minimum": 0, "maximum": 14}}}},
]
SIGN = """mutation ($entry: UUID!, $version: Int!, $password: String!) {
  signElnEntry(input: {entryId: $entry, version: $version, meaning: witnessed, password: $password, reason: "Witnessed"}) {
    result { meaning version signature }
  }
}"""
ENTRY = """query ($entry: UUID!) {
  elnEntry(rowId: $entry) { entryNumber status currentVersion
    elnEntryVersionsByEntryId(orderBy: VERSION_ASC) { nodes { version amendsVersion amendmentReason } } }
  elnEntryDiff(entryId: $entry, fromVersion: 1, toVersion: 2) { nodes { section key change oldValue newValue } }
}"""


def notebook(world: World) -> tuple[str, str, dict[str, str]]:
    """A tenant with a site, its lab manager, technician and reviewer signed in; returns (tenant, site, tokens)."""
    tenant = world.tenant()
    site = str(world.sql("select tests.create_site(%s)", tenant))
    people = {role: world.member(tenant, role) for role in ("lab_manager", "lab_tech", "lab_reviewer")}
    return tenant, site, {role: world.sign_in(person) for role, person in people.items()}


def test_templates_entries_versions_and_signatures_over_rest(live) -> None:
    world = World(live)
    tenant, site, tokens = notebook(world)
    manager, tech, reviewer = tokens["lab_manager"], tokens["lab_tech"], tokens["lab_reviewer"]

    template = rest(live, "POST", "/eln_templates", manager, headers=REPRESENTATION,
                    json={"code": "ph-check", "name": "pH check", "sections": SECTIONS})
    assert template.status_code == 201, template.text
    template_id = template.json()[0]["id"]
    assert rest(live, "PATCH", f"/eln_templates?id=eq.{template_id}", manager, json={"status": "published"}).status_code == 204

    entry = rest(live, "POST", "/eln_entries", tech, headers=REPRESENTATION,
                 json={"title": "pH of tap water", "template_id": template_id, "site_id": site})
    assert entry.status_code == 201, entry.text
    entry_id = entry.json()[0]["id"]
    assert entry.json()[0]["entry_number"] == "ELN-000001"

    bad = rest(live, "POST", "/eln_entry_versions", tech,
               json={"entry_id": entry_id, "content": {"aim": {"text": "x"}, "results": {"ph": 15}}})
    assert (bad.status_code, bad.json()["details"]) == (422, "json_schema.invalid")
    assert "$.results.ph" in bad.json()["message"]
    for ph in (7.0, 7.2):
        written = rest(live, "POST", "/eln_entry_versions", tech,
                       json={"entry_id": entry_id, "content": {"aim": {"text": "tap"}, "results": {"ph": ph}}})
        assert written.status_code == 201, written.text
    assert rest(live, "PATCH", f"/eln_entry_versions?entry_id=eq.{entry_id}", tech, json={"content": {}}).status_code in (401, 403)

    sign = {"entry_id": entry_id, "version": 2, "meaning": "authored", "reason": "I did this work"}
    wrong = rest(live, "POST", "/rpc/sign_eln_entry", tech, json={**sign, "password": "not my password"})
    assert (wrong.status_code, wrong.headers.get("Pulse-Refusal")) == (403, "signature.wrong_password"), wrong.text
    signed = rest(live, "POST", "/rpc/sign_eln_entry", tech, json={**sign, "password": "pulse-test-password"})
    assert signed.status_code == 200, signed.text
    assert signed.json()["signature"]["payload"]["version"] == 2

    unreasoned = rest(live, "POST", "/eln_entry_versions", tech, json={"entry_id": entry_id, "content": {"aim": {"text": "tap"}}})
    assert (unreasoned.status_code, unreasoned.json()["details"]) == (422, "eln_version.amendment_reason_required")
    by_reviewer = rest(live, "POST", "/rpc/sign_eln_entry", reviewer,
                       json={**sign, "meaning": "witnessed", "password": "pulse-test-password"})
    assert by_reviewer.status_code == 200, by_reviewer.text
    amended = rest(live, "POST", "/eln_entry_versions", tech, headers=REPRESENTATION,
                   json={"entry_id": entry_id, "content": {"aim": {"text": "tap"}, "results": {"ph": 7.3}}, "amendment_reason": "Misread"})
    assert amended.status_code == 201 and amended.json()[0]["amends_version"] == 2, amended.text

    diff = rest(live, "GET", f"/rpc/eln_entry_diff?entry_id={entry_id}&from_version=2&to_version=3", reviewer)
    assert diff.json() == [{"section": "results", "key": "ph", "change": "changed", "old_value": 7.2, "new_value": 7.3}], diff.text
    found = rest(live, "GET", "/rpc/search?query=tap&entity_types=%7Beln_entry%7D&select=human_id", reviewer)
    assert found.json() == [{"human_id": "ELN-000001"}], found.text

    payloads = world.rows("select event_type, payload from app_private.events "
                          "where organization_id = %s and entity_type = 'eln_entry'", tenant)
    assert sorted(event for event, _ in payloads) == ["eln_entry.amended", "eln_entry.signed", "eln_entry.signed"]
    for event, payload in payloads:
        schema = json.loads((EVENTS / f"{event}.schema.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(payload)


def test_witnessing_and_the_diff_over_graphql(live) -> None:
    world = World(live)
    tenant, site, tokens = notebook(world)
    tech = world.sql("select user_id from app.role_assignments ra join app.roles r on r.id = ra.role_id "
                     "join app.memberships m on m.id = ra.membership_id where r.key = 'lab_tech' and ra.organization_id = %s", tenant)
    template = world.sql("select tests.create_eln_template(%s)", tenant)
    entry = str(world.sql("select tests.create_eln_entry(%s, %s, %s, %s)", tenant, tech, template, site))
    for ph in (7.0, 7.4):
        world.sql("insert into app.eln_entry_versions (organization_id, entry_id, content) values (%s, %s, %s)",
                  tenant, entry, json.dumps({"aim": {"text": "river"}, "results": {"ph": ph}}))
    early = graphql(live, SIGN, tokens["lab_reviewer"], {"entry": entry, "version": 2, "password": "pulse-test-password"}).json()
    assert early["errors"][0]["extensions"].get("details") == "eln_entry.not_signed", early
    signed = rest(live, "POST", "/rpc/sign_eln_entry", tokens["lab_tech"],
                  json={"entry_id": entry, "version": 2, "meaning": "authored", "reason": "Mine", "password": "pulse-test-password"})
    assert signed.status_code == 200, signed.text

    witnessed = graphql(live, SIGN, tokens["lab_reviewer"], {"entry": entry, "version": 2, "password": "pulse-test-password"}).json()
    assert witnessed["data"]["signElnEntry"]["result"]["meaning"] == "witnessed", witnessed
    read = graphql(live, ENTRY, tokens["lab_reviewer"], {"entry": entry}).json()
    assert read["data"]["elnEntry"]["status"] == "witnessed", read
    assert [v["version"] for v in read["data"]["elnEntry"]["elnEntryVersionsByEntryId"]["nodes"]] == [1, 2]
    assert read["data"]["elnEntryDiff"]["nodes"] == [
        {"section": "results", "key": "ph", "change": "changed", "oldValue": 7.0, "newValue": 7.4}]
