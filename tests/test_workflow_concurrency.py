"""The project workflow when requests arrive at the same moment: human ids,
decisions, progress actions, and the audit trail of what committed. Each test
has a database of its own and in it a tenant staffed by
tests.create_workflow_tenant (db/tests/fixtures/workflow.sql, through
helpers.World): one member per role."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg

from helpers import World


def staffed_tenant(database_url: str) -> str:
    return World.on(database_url).workflow_tenant()


def act_as(conn: psycopg.Connection, tenant: str, role: str) -> None:
    """Act, until the transaction ends, as the tenant's member holding the role."""
    conn.execute("select tests.act_as_role(%s, %s)", [tenant, role])


def attempt(conn: psycopg.Connection, sql: str, params: list) -> str:
    """Run one statement and commit; the outcome is 'ok' or the refusal, 'SQLSTATE reason' (as tests.refusal)."""
    try:
        conn.execute(sql, params)
        conn.commit()
        return "ok"
    except psycopg.Error as error:
        conn.rollback()
        return f"{error.diag.sqlstate} {error.diag.message_detail}"


def in_parallel(count: int, work) -> list:
    """Run work(index, barrier) in `count` threads that start together."""
    barrier = threading.Barrier(count)
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda index: work(index, barrier), range(count)))


def sub_stage(conn: psycopg.Connection, tenant: str, slug: str) -> str:
    return str(conn.execute("select id from app.workflow_sub_stages where organization_id = %s and slug = %s",
                            [tenant, slug]).fetchone()[0])


def new_project(database_url: str, tenant: str, title: str) -> str:
    """A project the tenant's sales member makes (tests.create_project)."""
    return World.on(database_url).project(tenant, title=title)


def audit_rows(conn: psycopg.Connection, entity_type: str, entity_id: str, action: str) -> int:
    return conn.execute("select count(*) from audit.activity_log where entity_type = %s and entity_id = %s and action = %s",
                        [entity_type, entity_id, action]).fetchone()[0]


def test_fifty_concurrent_creators_get_fifty_consecutive_human_ids(database_url):
    tenant = staffed_tenant(database_url)

    def create(index: int, barrier: threading.Barrier) -> str:
        with psycopg.connect(database_url) as conn:
            act_as(conn, tenant, "sales")
            barrier.wait()
            row = conn.execute("insert into app.projects (title) values (%s) returning project_number", [f"Rush {index}"]).fetchone()
            conn.commit()
            return row[0]

    ids = in_parallel(50, create)
    numbers = sorted(int(human_id.removeprefix("PRJ-")) for human_id in ids)
    assert len(set(ids)) == 50 and numbers == list(range(numbers[0], numbers[0] + 50)), ids
    with psycopg.connect(database_url) as conn:
        audited = conn.execute("select count(*) from audit.activity_log a join app.projects p on p.id::text = a.entity_id "
                               "where a.entity_type = 'projects' and a.action = 'insert' and p.title like 'Rush %'").fetchone()[0]
    assert audited == 50, "every committed project has its audit row"


def test_two_decisions_at_the_same_moment_count_once(database_url):
    tenant = staffed_tenant(database_url)
    project = new_project(database_url, tenant, "Contested review")
    with psycopg.connect(database_url) as conn:
        act_as(conn, tenant, "management")
        conn.execute("select app.update_progress(%s, %s, 'complete')", [project, sub_stage(conn, tenant, "rfq-review")])
        conn.execute("select app.override_project_stage(%s, (select id from app.workflow_stages where slug = 'technical-review'), "
                     "'test')", [project])
        conn.execute("select app.update_progress(%s, %s, 'complete')", [project, sub_stage(conn, tenant, "engineering-review")])
        conn.commit()
        approval, approver = (str(v) for v in conn.execute(
            "select id, current_approver_id from app.approvals where project_id = %s and status = 'pending'", [project]).fetchone())

    def decide(index: int, barrier: threading.Barrier) -> str:
        with psycopg.connect(database_url) as conn:
            conn.execute("select tests.act_as(%s::uuid, %s::uuid)", [approver, tenant])
            barrier.wait()
            decision = "approve" if index == 0 else "reject"
            return attempt(conn, "select app.decide_approval(%s, %s, 'at the same moment')", [approval, decision])

    outcomes = sorted(in_parallel(2, decide))
    assert outcomes == ["PT409 approval.closed", "ok"], outcomes
    with psycopg.connect(database_url) as conn:
        decisions = conn.execute("select count(*) from app.approval_history where approval_id = %s "
                                 "and action_type in ('approve', 'reject')", [approval]).fetchone()[0]
        status = conn.execute("select status from app.approvals where id = %s", [approval]).fetchone()[0]
        assert decisions == 1 and status in ("approved", "rejected")
        assert audit_rows(conn, "approvals", approval, "update") == 1, "the one decision that committed is audited once"


def test_the_same_action_twice_at_once_applies_once(database_url):
    tenant = staffed_tenant(database_url)
    project = new_project(database_url, tenant, "Double click")
    with psycopg.connect(database_url) as conn:
        rfq = sub_stage(conn, tenant, "rfq-review")
        progress = str(conn.execute("select id from app.project_sub_stage_progress where project_id = %s and sub_stage_id = %s",
                                    [project, rfq]).fetchone()[0])

    def complete(index: int, barrier: threading.Barrier) -> str:
        with psycopg.connect(database_url) as conn:
            act_as(conn, tenant, "sales")
            barrier.wait()
            return attempt(conn, "select app.update_progress(%s, %s, 'complete', %s)", [project, rfq, f"click {index}"])

    assert sorted(in_parallel(2, complete)) == ["PT409 progress.invalid_transition", "ok"]
    with psycopg.connect(database_url) as conn:
        log = conn.execute("select metadata -> 'log' from app.project_sub_stage_progress where id = %s", [progress]).fetchone()[0]
        assert [entry["action"] for entry in log] == ["complete"]
        assert audit_rows(conn, "project_sub_stage_progress", progress, "update") == 1


def test_concurrent_actions_on_one_project_lose_no_update(database_url):
    tenant = staffed_tenant(database_url)
    projects = [new_project(database_url, tenant, f"Parallel {n}") for n in range(4)]
    with psycopg.connect(database_url) as conn:
        conn.execute("update app.workflow_settings set enforce_mandatory_documents = false where organization_id = %s", [tenant])
        conn.commit()
        slugs = {slug: sub_stage(conn, tenant, slug) for slug in ("rfq-review", "feasibility-check", "customer-clarification")}
    steps = [("sales", "rfq-review", "complete"), ("management", "customer-clarification", "skip"),
             ("management", "feasibility-check", "start")]

    def act(index: int, barrier: threading.Barrier) -> str:
        project = projects[index // len(steps)]
        role, slug, action = steps[index % len(steps)]
        with psycopg.connect(database_url) as conn:
            act_as(conn, tenant, role)
            barrier.wait()
            return attempt(conn, "select app.update_progress(%s, %s, %s)", [project, slugs[slug], action])

    # feasibility-check auto-advances: its start may find it already started by rfq-review's completion.
    outcomes = in_parallel(len(projects) * len(steps), act)
    assert all(outcome in ("ok", "PT409 progress.invalid_transition") for outcome in outcomes), outcomes
    assert outcomes[0::3] == ["ok"] * 4 and outcomes[1::3] == ["ok"] * 4, outcomes

    def finish(index: int, barrier: threading.Barrier) -> str:
        with psycopg.connect(database_url) as conn:
            act_as(conn, tenant, "engineering")
            barrier.wait()
            return attempt(conn, "select app.update_progress(%s, %s, 'complete')", [projects[index], slugs["feasibility-check"]])

    assert in_parallel(len(projects), finish) == ["ok"] * 4
    with psycopg.connect(database_url) as conn:
        for project in projects:
            states = dict(conn.execute("select s.slug, p.status from app.project_sub_stage_progress p "
                                       "join app.workflow_sub_stages s on s.id = p.sub_stage_id where p.project_id = %s "
                                       "and s.slug = any(%s)", [project, list(slugs)]).fetchall())
            assert states == {"rfq-review": "completed", "customer-clarification": "skipped", "feasibility-check": "completed"}
            moves = conn.execute("select count(*) from app.project_stage_transitions where project_id = %s and kind = 'automatic'",
                                 [project]).fetchone()[0]
            assert moves == 1, "the stage advanced exactly once"
            committed = conn.execute("select count(*) from app.project_sub_stage_progress where project_id = %s "
                                     "and updated_at > created_at", [project]).fetchone()[0]
            audited = conn.execute("select count(distinct entity_id) from audit.activity_log where project_id = %s "
                                   "and entity_type = 'project_sub_stage_progress' and action = 'update'", [project]).fetchone()[0]
            assert audited == committed, "every changed progress row has its audit rows"
