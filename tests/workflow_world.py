"""A tenant with its project workflow, for the HTTP and concurrency tests of the workflow.

Built on helpers.World (db/tests/fixtures/world.sql) and the workflow factories of
db/tests/fixtures/workflow.sql. A new tenant is provisioned with the default workflow
(eight stages, their sub-stages, approval chains); people are made on demand, one per
role, and signed in once.

    shop = Shop(world)
    project = shop.project()                       # tests.create_project
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
    """One tenant of a World and what workflow tests need of it."""

    def __init__(self, world: World, name: str | None = None):
        self.world = world
        self.id = world.tenant(name)
        self._people: dict[str, Person] = {}
        self._tokens: dict[str, str] = {}
        self.stages = self._by_slug("select slug, id::text from app.workflow_stages where organization_id = %s")
        self.sub_stages = self._by_slug("select slug, id::text from app.workflow_sub_stages where organization_id = %s")
        self.definition = str(world.sql("select id from app.workflow_definitions where organization_id = %s and is_default",
                                         self.id))

    def _by_slug(self, query: str) -> dict[str, str]:
        return dict(rows(self.world.live["url"], query, self.id))

    def person(self, role: str) -> Person:
        """The member holding the role (tenant-wide), made the first time it is asked for."""
        if role not in self._people:
            self._people[role] = self.world.member(self.id, role)
        return self._people[role]

    def token(self, role: str) -> str:
        """An access token of person(role), from a real sign-in."""
        if role not in self._tokens:
            self._tokens[role] = self.world.sign_in(self.person(role))
        return self._tokens[role]

    def customer(self) -> str:
        return str(self.world.sql("select tests.create_partner(%s, 'customer')", self.id))

    def portal_user(self, partner: str) -> Person:
        """A customer's person, bound to the partner, with the customer_portal role."""
        return self.world.member(self.id, "customer_portal", partner=partner)

    def project(self, until_stage: str | None = None, **columns) -> str:
        """A project made by tests.create_project (columns by name), driven to a stage when asked."""
        names = list(columns)
        arguments = ", ".join(["%s", *(f"p_{name} => %s" for name in names)])
        project = str(self.world.sql(f"select tests.create_project({arguments})", self.id, *columns.values()))
        if until_stage:
            self.world.sql("select tests.drive_project(%s, %s)", project, until_stage)
        return project
