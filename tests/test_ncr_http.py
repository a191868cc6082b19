"""NCRs, concessions and complaints over HTTP (issue #16, phase 6): a technician reports an NCR over REST and its lot is
held; releasing the lot around the NCR is refused with its reason; the MRB steps run over REST; a use-as-is disposition
without the customer's concession is refused over GraphQL, then made under a granted concession; closing releases the
lot. A customer's portal user files a complaint over REST and reads it, another customer's portal user sees nothing;
QA opens its 8D. Two connections disposing under one concession at once: the second waits for the first's lock,
then gets 409 concession.exhausted."""

from __future__ import annotations

import psycopg
import pytest

from helpers import World, graphql, rest

pytestmark = pytest.mark.stack

DISPOSITION = """mutation ($ncr: UUID!, $quantity: BigFloat!, $concession: UUID) {
  addNcrDisposition(input: {ncrId: $ncr, disposition: use_as_is, quantity: $quantity, concessionId: $concession}) {
    result { disposition quantity concessionId } } }"""
CONCESSIONS = """query { concessions { nodes { concessionNumber status currentStatus usedQuantity } } }"""


def test_ncr_mrb_concession_and_complaint_over_rest_and_graphql(live: dict[str, str]) -> None:
    world = World(live)
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    customer = str(world.sql("select tests.create_partner(%s)", tenant))
    other_customer = str(world.sql("select tests.create_partner(%s)", tenant))
    part = str(world.sql("select tests.create_part(%s, 'pcs', %s)", tenant, customer))
    world.sql("update app.parts set customer_concession_required = true where id = %s returning id", part)
    lot = str(world.sql("select tests.create_lot(%s, %s, %s, 20)", tenant, part, plant))
    technician = world.sign_in(world.member(tenant, "technician", site=plant))
    quality = world.sign_in(world.member(tenant, "qa"))
    engineer = world.sign_in(world.member(tenant, "engineering"))
    portal = world.sign_in(world.member(tenant, "customer_portal", partner=customer))
    other_portal = world.sign_in(world.member(tenant, "customer_portal", partner=other_customer))

    opened = rest(live, "POST", "/rpc/create_ncr", technician,
                  json={"part_id": part, "site_id": plant, "title": "Burr", "description": "Edge burr", "lot_ids": [lot]})
    assert opened.status_code == 200, opened.text
    ncr = opened.json()["id"]
    assert opened.json()["ncr_number"].startswith("NCR-") and opened.json()["nonconforming_quantity"] == 20
    assert rest(live, "GET", f"/lots?id=eq.{lot}&select=quality_status", quality).json() == [{"quality_status": "on_hold"}]
    released = rest(live, "POST", "/rpc/set_lot_quality_status", quality,
                    json={"lot_id": lot, "quality_status": "released", "reason": "ok"})
    assert (released.status_code, released.json()["details"]) == (409, "lot.held_by_ncr"), released.text

    for step, note in (("containment", None), ("disposition", "20 pcs segregated")):
        moved = rest(live, "POST", "/rpc/advance_ncr", quality, json={"ncr_id": ncr, "to_status": step, "note": note})
        assert moved.status_code == 200 and moved.json()["status"] == step, moved.text

    refused = graphql(live, DISPOSITION, engineer, {"ncr": ncr, "quantity": "20"}).json()
    assert refused["errors"][0]["extensions"]["details"] == "ncr_disposition.concession_required", refused
    concession = rest(live, "POST", "/rpc/request_concession", quality,
                      json={"customer_id": customer, "part_id": part, "description": "Burr up to 0.3 mm", "quantity_limit": 20,
                            "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2099-01-01T00:00:00Z"}).json()["id"]
    granted = rest(live, "POST", "/rpc/decide_concession", quality,
                   json={"concession_id": concession, "granted": True, "customer_reference": "DEV-9"})
    assert granted.status_code == 200 and granted.json()["status"] == "granted", granted.text
    made = graphql(live, DISPOSITION, engineer, {"ncr": ncr, "quantity": "20", "concession": concession}).json()
    assert "errors" not in made, made
    assert made["data"]["addNcrDisposition"]["result"]["concessionId"] == concession
    listed = graphql(live, CONCESSIONS, quality).json()
    assert "errors" not in listed, listed
    assert [(n["currentStatus"], n["usedQuantity"]) for n in listed["data"]["concessions"]["nodes"]] == [("granted", "20")], listed

    assert rest(live, "POST", "/rpc/advance_ncr", quality, json={"ncr_id": ncr, "to_status": "verification"}).status_code == 200
    verified = rest(live, "POST", "/rpc/record_ncr_verification", quality,
                    json={"ncr_id": ncr, "result": "accepted", "note": "Delivered under DEV-9"})
    assert verified.status_code == 200, verified.text
    closed = rest(live, "POST", "/rpc/advance_ncr", quality, json={"ncr_id": ncr, "to_status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
    assert rest(live, "GET", f"/lots?id=eq.{lot}&select=quality_status", quality).json() == [{"quality_status": "released"}]

    filed = rest(live, "POST", "/rpc/file_complaint", portal,
                 json={"part_id": part, "title": "Cracks", "description": "Two housings cracked", "severity": "critical"})
    assert filed.status_code == 200 and filed.json()["customer_id"] == customer, filed.text
    complaint = filed.json()["id"]
    assert [c["id"] for c in rest(live, "GET", "/customer_complaints?select=id", portal).json()] == [complaint]
    assert rest(live, "GET", "/customer_complaints?select=id", other_portal).json() == []
    assert rest(live, "GET", "/ncrs?select=id", portal).json() == []
    eight_d = rest(live, "POST", "/rpc/open_complaint_8d", quality, json={"complaint_id": complaint})
    assert eight_d.status_code == 200 and eight_d.json()["status"] == "investigating", eight_d.text
    assert rest(live, "GET", f"/customer_complaints?id=eq.{complaint}&select=status", portal).json() == [{"status": "investigating"}]


def test_two_connections_cannot_overdraw_a_concession(live: dict[str, str]) -> None:
    """The first disposition under a concession holds the concession's row lock until it commits: a second one cannot
    take the same units meanwhile (lock_timeout shows the wait without sleeping), and afterwards is refused with 409
    concession.exhausted; the dispositions under it never exceed its limit."""
    world = World(live)
    tenant = world.tenant()
    plant = str(world.sql("select tests.create_site(%s)", tenant))
    customer = str(world.sql("select tests.create_partner(%s)", tenant))
    part = str(world.sql("select tests.create_part(%s, 'pcs', %s)", tenant, customer))
    engineer = world.member(tenant, "engineering")
    concession = str(world.sql(
        "insert into app.concessions (organization_id, id, concession_number, customer_id, part_id, description, quantity_limit, unit,"
        " valid_from, valid_until, status, customer_reference, decided_at) values (%s, uuid_generate_v7(), 'CON-2026-000001', %s, %s,"
        " 'Burr', 50, 'pcs', now() - interval '1 day', now() + interval '1 day', 'granted', 'DEV-1', now()) returning id",
        tenant, customer, part))
    ncrs = [str(world.sql(
        "insert into app.ncrs (organization_id, id, ncr_number, title, description, site_id, part_id, customer_id,"
        " nonconforming_quantity, unit, status) values (%s, uuid_generate_v7(), %s, 'Burr', 'Burr', %s, %s, %s, 30, 'pcs',"
        " 'disposition') returning id", tenant, f"NCR-2026-00000{n}", plant, part, customer)) for n in (1, 2)]
    take = "select quantity from app.add_ncr_disposition(%s, 'use_as_is', 30, concession_id => %s)"
    with psycopg.connect(live["url"]) as first, psycopg.connect(live["url"]) as second:
        for conn in (first, second):
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [engineer.id, tenant])
        assert first.execute(take, [ncrs[0], concession]).fetchone() == (30,)
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(take, [ncrs[1], concession])
        second.rollback()
        first.commit()
        second.execute("select tests.act_as(%s::uuid, %s::uuid)", [engineer.id, tenant])
        with pytest.raises(psycopg.Error) as refused:
            second.execute(take, [ncrs[1], concession])
        assert refused.value.diag.sqlstate == "PT409" and refused.value.diag.message_detail == "concession.exhausted"
    assert world.sql("select sum(quantity) from app.ncr_dispositions where concession_id = %s", concession) == 30
