"""State machines over both APIs and under concurrency: the document control lifecycle
(db/tests/fixtures/state_machines.sql) driven through PostgREST and PostGraphile by the tenant's
real members, refused to another tenant and to a lesser role, and two transitions of one document
at the same moment, of which exactly one wins."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from helpers import TEST_PASSWORD, World, graphql, rest


def controlled_document(world: World) -> tuple[str, str]:
    """A workflow tenant with the document control machine published and one document on it (draft)."""
    tenant = world.workflow_tenant()
    world.sql("select tests.define_document_control(%s)", tenant)
    return tenant, str(world.sql("select tests.controlled_document(%s)", tenant))


def attempt(conn: psycopg.Connection, sql: str, params: list) -> str:
    try:
        conn.execute(sql, params)
        conn.commit()
        return "ok"
    except psycopg.Error as error:
        conn.rollback()
        return f"{error.diag.sqlstate} {error.diag.message_detail}"


def test_two_transitions_at_once_one_wins_the_other_gets_409(database_url):
    world = World.on(database_url)
    tenant, document = controlled_document(world)
    submit = "select app.transition('document', %s, 'in_review', %s)"
    outcomes: dict[str, str] = {}
    with psycopg.connect(database_url) as first, psycopg.connect(database_url) as second:
        first.execute("select tests.act_as_role(%s, 'engineering')", [tenant])
        second.execute("select tests.act_as_role(%s, 'management')", [tenant])
        first.execute(submit, [document, "first"])  # holds the entity's state row until it commits

        def contender() -> None:
            outcomes["second"] = attempt(second, submit, [document, "second"])

        waiting = threading.Thread(target=contender)
        waiting.start()
        time.sleep(0.5)
        assert waiting.is_alive(), "the second transition waits for the first"
        first.commit()
        waiting.join(10)
    assert outcomes["second"] == "PT409 state_machine.conflict"
    history = world.rows("select reason from app.entity_state_history where entity_id = %s and to_state = 'in_review'", document)
    assert history == [("first",)], "only the winner is recorded"


def test_document_control_over_rest(live):
    world = World(live)
    tenant, document = controlled_document(world)
    engineer = world.sign_in(world.person(tenant, "engineering"))
    qa = world.sign_in(world.person(tenant, "qa"))
    body = {"entity_type": "document", "entity_id": document}

    options = rest(live, "POST", "/rpc/available_transitions", engineer, json=body)
    assert options.status_code == 200, options.text
    assert [(o["to_state"], o["allowed"]) for o in options.json()] == [("in_review", True)]
    moved = rest(live, "POST", "/rpc/transition", engineer, json={**body, "to_state": "in_review", "reason": "Ready"})
    assert moved.status_code == 200 and moved.json()["state"] == "in_review", moved.text

    # A lesser role: engineering may not release.
    refused = rest(live, "POST", "/rpc/transition", engineer, json={**body, "to_state": "released", "reason": "x"})
    assert refused.status_code == 403 and refused.json()["details"] == "permission.missing", refused.text
    # qa, before the checklist and the approval.
    closed = rest(live, "POST", "/rpc/transition", qa, json={**body, "to_state": "released", "reason": "x"})
    assert closed.status_code == 422 and closed.json()["details"] == "checklist.incomplete", closed.text

    world.sql("select tests.check_all_items(%s, %s)", tenant, document)
    world.sql("select tests.approve(tests.document_approval(%s))", document)
    wrong = rest(
        live,
        "POST",
        "/rpc/transition",
        qa,
        json={**body, "to_state": "released", "reason": "x", "signature": {"password": "wrong", "reason": "Release"}},
    )
    assert wrong.status_code == 403 and wrong.headers.get("Pulse-Refusal") == "signature.wrong_password", wrong.text
    assert world.sql("select state from app.entity_states where entity_id = %s", document) == "in_review"
    released = rest(
        live,
        "POST",
        "/rpc/transition",
        qa,
        json={**body, "to_state": "released", "reason": "Approved drawing", "signature": {"password": TEST_PASSWORD, "reason": "Release"}},
    )
    assert released.status_code == 200 and released.json()["state"] == "released", released.text

    history = rest(live, "GET", f"/entity_state_history?entity_id=eq.{document}&order=transitioned_at", qa)
    assert [(h["from_state"], h["to_state"]) for h in history.json()] == [
        (None, "draft"),
        ("draft", "in_review"),
        ("in_review", "released"),
    ]
    assert history.json()[-1]["signature"]["meaning"] == "released"

    # Another tenant's admin learns nothing and changes nothing.
    other = world.sign_in(world.person(world.workflow_tenant(), "admin"))
    for path, extra in (("/rpc/transition", {"to_state": "obsolete"}), ("/rpc/available_transitions", {})):
        answer = rest(live, "POST", path, other, json={**body, **extra})
        assert answer.status_code == 404 and answer.json()["details"] == "entity.not_found", answer.text
    assert rest(live, "GET", f"/entity_states?entity_id=eq.{document}", other).json() == []


@pytest.mark.parametrize("locale", ["de"])
def test_document_control_over_graphql(live, locale):
    world = World(live)
    tenant, document = controlled_document(world)
    engineer = world.person(tenant, "engineering")
    world.sql("update app.users set preferences = preferences || jsonb_build_object('locale', %s::text) where id = %s", locale, engineer.id)
    token = world.sign_in(engineer)
    options = graphql(
        live,
        """query($id: UUID!) { availableTransitions(entityType: "document", entityId: $id) {
                                 nodes { toState label toLabel allowed needsSignature reasons } } }""",
        token,
        {"id": document},
    ).json()
    assert "errors" not in options, options
    assert options["data"]["availableTransitions"]["nodes"] == [
        {"toState": "in_review", "label": "Zur Prüfung", "toLabel": "In Prüfung", "allowed": True, "needsSignature": False, "reasons": []}
    ], options
    moved = graphql(
        live,
        """mutation($id: UUID!) { transition(input: {entityType: "document", entityId: $id, toState: "in_review",
                               reason: "Ready"}) { result { state revision } } }""",
        token,
        {"id": document},
    ).json()
    assert "errors" not in moved, moved
    assert moved["data"]["transition"]["result"] == {"state": "in_review", "revision": 2}, moved
    world.sql("select tests.check_all_items(%s, %s)", tenant, document)
    world.sql("select tests.approve(tests.document_approval(%s))", document)
    qa = world.sign_in(world.person(tenant, "qa"))
    wrong = graphql(
        live,
        """mutation($id: UUID!) { transition(input: {entityType: "document", entityId: $id, toState: "released",
                               reason: "x", signature: {password: "wrong", reason: "Release"}}) { result { state } } }""",
        qa,
        {"id": document},
    ).json()
    assert wrong["errors"][0]["extensions"]["details"] == "signature.wrong_password", wrong
    refused = graphql(
        live,
        """mutation($id: UUID!) { transition(input: {entityType: "document", entityId: $id, toState: "released",
                                 reason: "x"}) { result { state } } }""",
        token,
        {"id": document},
    ).json()
    assert refused["errors"][0]["extensions"]["details"] == "permission.missing", refused
