"""A staffed tenant with its project workflow, for the HTTP tests of the workflow.

Built on helpers.World and the workflow factories of db/tests/fixtures/workflow.sql:
tests.create_workflow_tenant provisions a tenant (default workflow, approval chains),
one customer with a contact, and one member per role of tests.workflow_roles() (the
customer_portal member bound to that customer), so every approval has its approver
before the first project exists.

    shop = Shop(world)
    project = shop.project(until_stage="quoted")      # tests.create_project, tests.drive_project
    rest(live, "GET", f"/projects?id=eq.{project}", shop.token("sales"))
"""

from __future__ import annotations

import psycopg

from helpers import Person, World


def rows(url: str, query: str, *params) -> list[tuple]:
    """Every row, run as the owner (superuser) of the database."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


class Shop:
    """One staffed tenant of a World (tests.create_workflow_tenant) and what workflow tests need of it."""

    def __init__(self, world: World, name: str | None = None):
        self.world = world
        self.id = str(world.sql("select tests.create_workflow_tenant(%s)", name))
        self.customer = str(world.sql("select tests.portal_customer(%s)", self.id))
        self.stages = self._by_slug("select slug, id::text from app.workflow_stages where organization_id = %s")
        self.sub_stages = self._by_slug("select slug, id::text from app.workflow_sub_stages where organization_id = %s")
        self.definition = str(world.sql("select id from app.workflow_definitions where organization_id = %s and is_default",
                                        self.id))
        self._staffed = set(world.sql("select tests.workflow_roles()"))
        self._people: dict[str, Person] = {}
        self._tokens: dict[str, str] = {}

    def _by_slug(self, query: str) -> dict[str, str]:
        return dict(rows(self.world.live["url"], query, self.id))

    def person(self, role: str) -> Person:
        """The tenant's member holding the role (tenant-wide); for a role the tenant was not staffed with, a member
        made the first time it is asked for."""
        if role not in self._people:
            if role in self._staffed:
                user = self.world.sql("select tests.member_with_role(%s, %s)", self.id, role)
                email = self.world.sql("select email::text from app.users where id = %s", user)
                self._people[role] = Person(str(user), email, self.id)
            else:
                self._people[role] = self.world.member(self.id, role)
        return self._people[role]

    def token(self, role: str) -> str:
        """An access token of person(role), from a real sign-in."""
        if role not in self._tokens:
            self._tokens[role] = self.world.sign_in(self.person(role))
        return self._tokens[role]

    def project(self, until_stage: str | None = None, created_by: str = "sales", **columns) -> str:
        """A project the member holding created_by makes (tests.create_project; other columns by their factory
        parameter name without p_), driven through the workflow to the stage with slug until_stage when asked
        (tests.drive_project, by management)."""
        names = ["p_organization_id", "p_created_by", *(f"p_{name}" for name in columns)]
        arguments = ", ".join(f"{name} => %s" for name in names)
        project = str(self.world.sql(f"select tests.create_project({arguments})",
                                     self.id, self.person(created_by).id, *columns.values()))
        if until_stage:
            self.world.sql("select tests.drive_project(%s, %s)", project, until_stage)
        return project
