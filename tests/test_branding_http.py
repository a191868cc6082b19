"""Tenant branding and settings over HTTP (issue #16, phases 9-10): anyone, signed in or not, gets the theme of a
custom domain from `GET /rpc/theme` and the GraphQL `theme` query, cacheable and nothing but theme data; an unknown
domain is a 404 with its reason; an administrator changes the branding (colours normalized), a member without
branding.manage is refused on both servers, a domain another tenant holds is a 409; settings are read with their
defaults and set by an administrator, a value outside the schema refused with the validator's path. A custom domain is
verified by the worker against a local DNS server (dnslib): pending, failed while the TXT record is missing, verified
once it holds the token, then served and no other tenant's to claim."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSServer

from conftest import start_stack, stop_stack
from helpers import World, graphql, rest
from pulse.contracts import free_port

pytestmark = pytest.mark.stack

THEME_FIELDS = {"name", "primary_color", "secondary_color", "accent_color", "heading_font", "heading_font_stack", "body_font",
                "body_font_stack", "logo_url", "logo_url_expires_at"}


def test_anyone_gets_a_custom_domains_theme_and_only_admins_change_the_branding(live: dict[str, str]) -> None:
    world = World(live)
    tenant, other = world.tenant("Theme Works"), world.tenant()
    admin, qa = world.sign_in(world.member(tenant, "admin")), world.sign_in(world.member(tenant, "qa"))
    outsider = world.sign_in(world.member(other, "admin"))
    domain = f"t{uuid.uuid4().hex[:12]}.pulse.localhost"

    changed = rest(live, "PATCH", "/tenant_branding", admin, headers={"Prefer": "return=representation"},
                   json={"primary_color": "#D7263D", "accent_color": "#0aF", "heading_font": "IBM Plex Sans",
                         "custom_domain": domain.upper()})
    assert changed.status_code == 200, changed.text
    row = changed.json()[0]
    assert (row["primary_color"], row["accent_color"], row["custom_domain"]) == ("#d7263d", "#00aaff", domain)
    assert row["domain_status"] == "pending", row
    # What the domain_verify task reports once the token is published (test_domain_verification_with_a_dns_server).
    world.sql("select app_private.record_domain_check(%s, %s, array[%s], null)", tenant, domain, row["domain_token"])

    refused = rest(live, "PATCH", "/tenant_branding", qa, json={"primary_color": "#000000"})
    assert (refused.status_code, refused.json()["details"]) == (403, "permission.missing"), refused.text
    assert rest(live, "GET", "/tenant_branding?select=primary_color", qa).json() == [{"primary_color": "#d7263d"}]
    mutation = """mutation($id: UUID!) { updateTenantBranding(input: {rowId: $id, patch: {primaryColor: "#000000"}}) {
                    tenantBranding { primaryColor } } }"""
    branding_id = world.sql("select id::text from app.tenant_branding where organization_id = %s", tenant)
    denied = graphql(live, mutation, qa, {"id": branding_id})
    assert denied.json()["errors"][0]["extensions"]["details"] == "permission.missing", denied.text
    bad = rest(live, "PATCH", "/tenant_branding", admin, json={"secondary_color": "blue"})
    assert (bad.status_code, bad.json()["details"]) == (422, "branding.color_invalid"), bad.text
    taken = rest(live, "PATCH", "/tenant_branding", outsider, json={"custom_domain": domain})
    assert (taken.status_code, taken.json()["details"]) == (409, "branding.domain_taken"), taken.text
    invalid = rest(live, "PATCH", "/tenant_branding", outsider, json={"custom_domain": f"https://{domain}/login"})
    assert (invalid.status_code, invalid.json()["details"]) == (422, "branding.domain_invalid"), invalid.text

    # The theme, anonymously, over both servers.
    theme = rest(live, "GET", f"/rpc/theme?domain={domain}", headers={"Accept": "application/vnd.pgrst.object+json"})
    assert theme.status_code == 200, theme.text
    assert theme.headers["cache-control"] == "public, max-age=300"
    body = theme.json()
    assert set(body) == THEME_FIELDS
    assert (body["name"], body["primary_color"], body["heading_font_stack"]) == (
        "Theme Works", "#d7263d", '"IBM Plex Sans", system-ui, sans-serif')
    answer = graphql(live, "query($domain: String!) { theme(domain: $domain) { name primaryColor accentColor bodyFont } }",
                     None, {"domain": domain})
    assert answer.json().get("data") == {"theme": {"name": "Theme Works", "primaryColor": "#d7263d", "accentColor": "#00aaff",
                                                   "bodyFont": "Inter"}}, answer.text
    by_slug = rest(live, "GET", f"/rpc/theme?slug={world.slug(tenant)}", headers={"Accept": "application/vnd.pgrst.object+json"})
    assert by_slug.json() == body, by_slug.text
    unknown = rest(live, "GET", "/rpc/theme?domain=nobody.pulse.localhost")
    assert (unknown.status_code, unknown.json()["details"]) == (404, "theme.not_found"), unknown.text
    missing = graphql(live, "{ theme { name } }")
    assert missing.json()["errors"][0]["extensions"]["details"] == "theme.lookup_invalid", missing.text
    assert rest(live, "GET", "/tenant_branding").status_code == 401, "anonymous callers read no branding row"


def test_settings_have_defaults_and_admins_set_values_their_schema_accepts(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    admin, qa = world.sign_in(world.member(tenant, "admin")), world.sign_in(world.member(tenant, "qa"))

    path = "/settings?setting_key=eq.supplier_on_time_tolerance_days&select=value,is_set,may_change"
    assert rest(live, "GET", path, qa).json() == [{"value": 0, "is_set": False, "may_change": False}]
    denied = rest(live, "POST", "/tenant_settings", qa, json={"setting_key": "supplier_on_time_tolerance_days", "value": 2})
    assert (denied.status_code, denied.json()["details"]) == (403, "permission.missing"), denied.text
    wrong = rest(live, "POST", "/tenant_settings", admin,
                 json={"setting_key": "shipment_label_format", "value": {"symbology": "gs1-128", "width_mm": 5, "height_mm": 152}})
    assert (wrong.status_code, wrong.json()["details"]) == (422, "setting.value_invalid"), wrong.text
    assert "$.width_mm" in wrong.json()["message"], wrong.text
    for value in (2, 0):  # an upsert: the second one updates
        upserted = rest(live, "POST", "/tenant_settings", admin, json={"setting_key": "supplier_on_time_tolerance_days", "value": value},
                        headers={"Prefer": "resolution=merge-duplicates"})
        assert upserted.status_code in (200, 201), upserted.text
    assert rest(live, "GET", path, qa).json() == [{"value": 0, "is_set": True, "may_change": False}]
    create = """mutation($value: JSON!) { createTenantSetting(input: {tenantSetting: {settingKey: "spc_rules", value: $value}}) {
                  tenantSetting { settingKey value } } }"""
    created = graphql(live, create, admin, {"value": [1, 2, 5]})
    assert created.json().get("data") == {"createTenantSetting": {"tenantSetting": {"settingKey": "spc_rules", "value": [1, 2, 5]}}}, \
        created.text
    refused = graphql(live, create, admin, {"value": []})
    assert refused.json()["errors"][0]["extensions"]["details"] == "setting.value_invalid", refused.text
    answer = graphql(live, '{ settings(condition: {settingKey: "spc_rules"}) { nodes { value isSet } } }', qa)
    assert answer.json()["data"]["settings"]["nodes"] == [{"value": [1, 2, 5], "isSet": True}], answer.text


class TxtRecords(BaseResolver):
    """A DNS server's zone for the test: TXT records by name; any other name is NXDOMAIN."""

    def __init__(self) -> None:
        self.txt: dict[str, list[list[str]]] = {}

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        if name not in self.txt:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for strings in self.txt[name]:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(strings), ttl=0))
        return reply


@pytest.fixture(scope="module")
def dns() -> Iterator[tuple[TxtRecords, int]]:
    records, port = TxtRecords(), free_port()
    server = DNSServer(records, port=port, address="127.0.0.1")
    server.start_thread()
    yield records, port
    server.stop()


@pytest.fixture(scope="module")
def dns_stack(databases, dns) -> Iterator[dict]:
    """A stack of its own whose worker asks the test's DNS server (PULSE_DNS_RESOLVER)."""
    stack = start_stack(databases, "pulse_test_dns", PULSE_DNS_RESOLVER=f"127.0.0.1:{dns[1]}")
    yield stack
    stop_stack(stack)


def checked(stack: dict, token: str, after: str | None) -> dict:
    """The branding once the worker recorded a check newer than `after`."""
    deadline = time.monotonic() + 30
    while True:
        row = rest(stack, "GET", "/tenant_branding?select=domain_status,domain_checked_at,domain_check_error", token).json()[0]
        if row["domain_checked_at"] and row["domain_checked_at"] != after:
            return row
        assert time.monotonic() < deadline, f"no check recorded: {row}"
        time.sleep(0.3)


def test_domain_verification_with_a_dns_server(dns_stack: dict, dns: tuple[TxtRecords, int]) -> None:
    records, _ = dns
    world = World(dns_stack)
    tenant, other = world.tenant("Verified Works"), world.tenant()
    admin = world.sign_in(world.member(tenant, "admin"))
    outsider = world.sign_in(world.member(other, "admin"))
    domain = f"v{uuid.uuid4().hex[:12]}.pulse.example"

    claimed = rest(dns_stack, "PATCH", "/tenant_branding", admin, headers={"Prefer": "return=representation"},
                   json={"custom_domain": domain}).json()[0]
    assert claimed["domain_status"] == "pending" and claimed["domain_token"].startswith("pulse-verification="), claimed
    unserved = rest(dns_stack, "GET", f"/rpc/theme?domain={domain}")
    assert (unserved.status_code, unserved.json()["details"]) == (404, "theme.not_found"), unserved.text

    # No record yet: the worker's lookup fails, and the tenant reads why.
    asked = rest(dns_stack, "POST", "/rpc/check_custom_domain", admin, json={})
    assert asked.status_code == 200, asked.text
    failed = checked(dns_stack, admin, None)
    assert failed["domain_status"] == "failed" and "ENOTFOUND" in failed["domain_check_error"], failed

    # The token published (a TXT record may split its value into strings), beside another record: verified.
    records.txt[f"_pulse-verification.{domain}"] = [["v=spf1 -all"], [claimed["domain_token"][:20], claimed["domain_token"][20:]]]
    asked = graphql(dns_stack, "mutation { checkCustomDomain(input: {}) { result { domainStatus } } }", admin).json()
    assert "errors" not in asked, asked
    verified = checked(dns_stack, admin, failed["domain_checked_at"])
    assert (verified["domain_status"], verified["domain_check_error"]) == ("verified", None), verified
    theme = rest(dns_stack, "GET", f"/rpc/theme?domain={domain}", headers={"Accept": "application/vnd.pgrst.object+json"})
    assert theme.status_code == 200 and theme.json()["name"] == "Verified Works", theme.text
    taken = rest(dns_stack, "PATCH", "/tenant_branding", outsider, json={"custom_domain": domain})
    assert (taken.status_code, taken.json()["details"]) == (409, "branding.domain_taken"), taken.text
