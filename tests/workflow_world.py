"""A staffed tenant with its project workflow, for the HTTP tests of the workflow.

A thin layer on helpers.World (World.workflow_tenant, person, project): one tenant
staffed by tests.create_workflow_tenant (db/tests/fixtures/workflow.sql), so every
approval has its approver before the first project exists, with what the tests
name by slug (stages, sub-stages), its customer and default definition, and its
people's tokens, each signed in once.

    shop = Shop(world)
    project = shop.project(until="quoted")          # tests.create_project, tests.drive_project
    rest(live, "GET", f"/projects?id=eq.{project}", shop.token("sales"))
"""

from __future__ import annotations

from helpers import Person, World


class Shop:
    """One staffed tenant of a World and what workflow tests need of it."""

    def __init__(self, world: World):
        self.world = world
        self.id = world.workflow_tenant()
        self.customer = str(world.sql("select tests.portal_customer(%s)", self.id))
        self.stages = dict(world.rows("select slug, id::text from app.workflow_stages where organization_id = %s", self.id))
        self.sub_stages = dict(world.rows("select slug, id::text from app.workflow_sub_stages where organization_id = %s",
                                          self.id))
        self.definition = str(world.sql("select id from app.workflow_definitions where organization_id = %s and is_default",
                                        self.id))
        self._staffed = set(world.sql("select tests.workflow_roles()"))
        self._people: dict[str, Person] = {}
        self._tokens: dict[str, str] = {}

    def person(self, role: str) -> Person:
        """The tenant's member holding the role; for a role the tenant was not staffed with, a member made the
        first time it is asked for."""
        if role not in self._people:
            self._people[role] = (self.world.person(self.id, role) if role in self._staffed
                                  else self.world.member(self.id, role))
        return self._people[role]

    def token(self, role: str) -> str:
        """An access token of person(role), from a real sign-in."""
        if role not in self._tokens:
            self._tokens[role] = self.world.sign_in(self.person(role))
        return self._tokens[role]

    def project(self, until: str | None = None, **columns) -> str:
        """A project the tenant's sales member makes, driven into the stage with slug `until` when given
        (World.project)."""
        return self.world.project(self.id, until, **columns)
