"""Deploy, revert, verify and report the Sqitch plan; then re-apply the repeatables.

Each change deploys in its own transaction together with its registry rows,
so a failing change leaves the database exactly as it was before it. The
registry is Sqitch's own (schema `sqitch`), so the real `sqitch` and
`pulse db` can take turns on the same database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from pulse import console, repeatables
from pulse.config import Settings
from pulse.database import REQUIRED_EXTENSIONS, connection, require_extensions
from pulse.errors import PulseError
from pulse.scripts import ScriptError, run_script
from pulse.sqitch import registry
from pulse.sqitch.plan import (Change, Plan, PlanError, append_change, check_scripts, default_identity, load_plan,
                               write_script_templates)


@dataclass(frozen=True)
class State:
    deployed: list[registry.DeployedChange]
    pending: list[Change]


class Migrator:
    def __init__(self, settings: Settings, url: str | None = None):
        self.settings = settings
        self.url = url or settings.database_url
        self.db = settings.root / "db"
        self.top_dir = self.db / "migrations"
        try:
            self.plan: Plan = load_plan(self.top_dir / "sqitch.plan")
            check_scripts(self.plan, self.top_dir)
        except PlanError as error:
            raise PulseError(str(error)) from None
        self.identity = default_identity()

    # -- reading ------------------------------------------------------------

    def state(self, conn: psycopg.Connection) -> State:
        deployed = registry.deployed_changes(conn, self.plan.project)
        for position, row in enumerate(deployed):
            planned = self.plan.changes[position] if position < len(self.plan.changes) else None
            if planned is None or planned.id != row.change_id:
                raise PulseError(
                    f"the database has change {row.name!r} ({row.change_id[:10]}) where the plan has "
                    f"{planned.name if planned else 'nothing'}; the plan was edited after deploying — revert first"
                )
        return State(deployed, self.plan.changes[len(deployed):])

    def change_named(self, name: str) -> Change:
        try:
            return self.plan.find(name)
        except PlanError as error:
            raise PulseError(str(error)) from None

    # -- deploying ----------------------------------------------------------

    def deploy(self, to: str | None = None, repeatables: bool = True) -> list[str]:
        """Deploy pending changes (up to and including `to`), then the repeatables. Returns names deployed."""
        target = self.change_named(to) if to else None
        with connection(self.url, autocommit=True) as conn:
            require_extensions(conn, REQUIRED_EXTENSIONS)
            require_row_security_bypass(conn)
            registry.lock_destination(conn)
            with conn.transaction():
                registry.ensure_registry(conn, self.plan, *self.identity)
            pending = self.state(conn).pending
            if target is not None:
                if target not in pending and target not in self.plan.changes:
                    raise PulseError(f"unknown change: {to}")
                pending = pending[: pending.index(target) + 1] if target in pending else []
            for change in pending:
                with console.step(f"deploy {change.name}"):
                    self._deploy_one(conn, change)
            # The repeatables describe the head of the plan; they wait until it is reached.
            if repeatables and not self.state(conn).pending:
                self.apply_repeatables(conn)
            elif repeatables:
                console.info("repeatables not applied: the plan is not fully deployed")
        return [change.name for change in pending]

    def _deploy_one(self, conn: psycopg.Connection, change: Change) -> None:
        script = change.deploy_file(self.top_dir)
        try:
            with conn.transaction():
                run_script(conn, script, self.settings.root)
                registry.record_deploy(conn, self.plan, change, change.script_hash(self.top_dir), *self.identity)
        except ScriptError:
            with conn.transaction():
                registry.record_fail(conn, self.plan, change, *self.identity)
            raise

    def apply_repeatables(self, conn: psycopg.Connection) -> list[repeatables.LayerObject]:
        """Rebuild db/functions, db/policies and the reference data in one transaction (pulse.repeatables)."""
        return repeatables.apply(conn, self.db, self.settings.root)

    # -- reverting and verifying ----------------------------------------------

    def revert(self, to: str | None = None) -> list[str]:
        """Revert deployed changes after `to` (all of them without it), newest first."""
        keep = self.change_named(to) if to else None
        with connection(self.url, autocommit=True) as conn:
            deployed_names = [row.name for row in self.state(conn).deployed]
            if keep is not None and keep.name not in deployed_names:
                raise PulseError(f"change {to} is not deployed")
            count = deployed_names.index(keep.name) + 1 if keep else 0
            reverted = []
            for change in reversed(self.plan.changes[count: len(deployed_names)]):
                with console.step(f"revert {change.name}"):
                    with conn.transaction():
                        run_script(conn, change.revert_file(self.top_dir), self.settings.root)
                        registry.record_revert(conn, self.plan, change, *self.identity)
                reverted.append(change.name)
        return reverted

    def verify(self) -> list[tuple[str, str | None]]:
        """Run every deployed change's verify script; (name, error or None) for each."""
        results = []
        with connection(self.url, autocommit=True) as conn:
            for row in self.state(conn).deployed:
                change = self.change_named(row.name)
                try:
                    with conn.transaction(force_rollback=True):
                        run_script(conn, change.verify_file(self.top_dir), self.settings.root)
                    results.append((change.name, None))
                except ScriptError as error:
                    results.append((change.name, str(error)))
        return results

    def status(self) -> State:
        with connection(self.url, autocommit=True) as conn:
            return self.state(conn)


def require_row_security_bypass(conn: psycopg.Connection) -> None:
    """Definer functions run as the owner on tables whose RLS is forced: the owner must bypass it."""
    if not conn.execute("select rolsuper or rolbypassrls from pg_roles where rolname = current_user").fetchone()[0]:
        raise PulseError(f"role {conn.info.user} owns the schema but lacks BYPASSRLS: "
                         f"ALTER ROLE {conn.info.user} BYPASSRLS (or migrate as a superuser)")


def write_new_change(settings: Settings, name: str, requires: list[str], note: str) -> list[Path]:
    """`pulse db new`: append to the plan as `sqitch add` does and write deploy/revert/verify templates."""
    top_dir = settings.root / "db" / "migrations"
    try:
        change = append_change(top_dir / "sqitch.plan", name, requires, (), note)
    except PlanError as error:
        raise PulseError(str(error).splitlines()[0]) from None
    return write_script_templates(top_dir, change.project, name, requires)
