"""Deploy, revert, verify and report the Sqitch plan; then re-apply the repeatables.

Each change deploys in its own transaction together with its registry rows,
so a failing change leaves the database exactly as it was before it. The
registry is Sqitch's own (schema `sqitch`), so the real `sqitch` and
`pulse db` can take turns on the same database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from pulse import console, repeatables, worker
from pulse.config import Settings
from pulse.database import REQUIRED_EXTENSIONS, connection, require_extensions, scalar
from pulse.errors import PulseError
from pulse.scripts import ScriptError, run_psql, run_script, runs_in_psql
from pulse.sqitch import registry
from pulse.sqitch.plan import (
    Change,
    Plan,
    PlanError,
    append_change,
    check_scripts,
    default_identity,
    load_plan,
    rework_change,
    write_script_templates,
)


@dataclass(frozen=True)
class State:
    deployed: list[registry.DeployedChange]
    pending: list[Change]
    edited: list[Change] = field(default_factory=list)  # deployed, but the deploy script changed since


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
        # As `sqitch check`: a hash equal to the change id comes from a registry older than script hashes.
        edited = [change for change, row in zip(self.plan.changes, deployed, strict=False)
                  if row.script_hash not in (None, row.change_id)
                  and change.script_hash(self.top_dir) != row.script_hash]
        return State(deployed, self.plan.changes[len(deployed):], edited)

    def resolve(self, key: str, deployed: int | None = None) -> int:
        """Index of the change `key` names, as Sqitch resolves it: `name`, `name@tag`, `@tag`,
        `@HEAD`/`@ROOT`, a change id, each with `^`/`~` offsets. With `deployed`, among the
        first `deployed` changes only (Sqitch looks those up in the registry). A name planned
        twice (reworked) is ambiguous without a tag."""
        plan = self.plan if deployed is None else self.plan.first(deployed)
        try:
            index = plan.index_of(key)
        except PlanError as error:
            raise PulseError(str(error)) from None
        if index is None:
            if deployed is not None and self.plan.index_of(key) is not None:
                raise PulseError(f'Change not deployed: "{key}"')
            raise PulseError(f'Unknown change: "{key}"')
        return index

    def refuse_edited(self, state: State) -> None:
        if state.edited:
            change = state.edited[0]
            more = f" (+{len(state.edited) - 1} more)" if len(state.edited) > 1 else ""
            raise PulseError(
                f"{change.deploy_file(self.top_dir).relative_to(self.settings.root)} changed after "
                f"{change.name} was deployed{more}: restore it and put the fix in a new change "
                "(`pulse db new`) or a rework (`pulse db rework`)")

    # -- deploying ----------------------------------------------------------

    def deploy(self, to: str | None = None, repeatables: bool = True) -> list[str]:
        """Deploy pending changes (up to and including `to`), then the repeatables. Returns names deployed."""
        target = self.resolve(to) if to else None
        with connection(self.url, autocommit=True) as conn:
            require_extensions(conn, REQUIRED_EXTENSIONS)
            require_row_security_bypass(conn)
            registry.lock_destination(conn)
            with conn.transaction():
                registry.ensure_registry(conn, self.plan, *self.identity)
            state = self.state(conn)
            self.refuse_edited(state)
            if state.deployed:
                # Tags planned after the last deployed change are recorded now, as `sqitch deploy` does.
                with conn.transaction():
                    registry.record_new_tags(conn, self.plan, self.plan.changes[len(state.deployed) - 1],
                                             *self.identity)
            pending = state.pending
            if target is not None:
                pending = pending[: max(0, target + 1 - len(state.deployed))]
            for change in pending:
                with console.step(f"deploy {change.name}"):
                    self._deploy_one(conn, change)
            # The repeatables describe the head of the plan; they wait until it is reached.
            if repeatables and not self.state(conn).pending:
                with console.step("job queue (graphile_worker)"):
                    worker.install_queue(self.settings.root, self.url)
                self.apply_repeatables(conn)
            elif repeatables:
                console.info("repeatables not applied: the plan is not fully deployed")
        return [change.name for change in pending]

    def _deploy_one(self, conn: psycopg.Connection, change: Change) -> None:
        script = change.deploy_file(self.top_dir)
        if runs_in_psql(script):
            return self._deploy_in_psql(conn, change, script)
        try:
            with conn.transaction():
                run_script(conn, script, self.settings.root)
                registry.record_deploy(conn, self.plan, change, change.script_hash(self.top_dir), *self.identity)
        except ScriptError:
            with conn.transaction():
                registry.record_fail(conn, self.plan, change, *self.identity)
            raise

    def _deploy_in_psql(self, conn: psycopg.Connection, change: Change, script: Path) -> None:
        """A `-- pulse: no-transaction` change: psql runs the script as under `sqitch deploy`,
        then the registry rows are written; on failure what the script committed stays."""
        with conn.transaction():
            registry.check_dependencies(conn, self.plan, change)
        try:
            run_psql(conn, script, self.settings.root)
        except ScriptError:
            with conn.transaction():
                registry.record_fail(conn, self.plan, change, *self.identity)
            raise
        with conn.transaction():
            registry.record_deploy(conn, self.plan, change, change.script_hash(self.top_dir), *self.identity)

    def apply_repeatables(self, conn: psycopg.Connection) -> list[repeatables.LayerObject]:
        """Rebuild db/functions, db/policies and the reference data in one transaction (pulse.repeatables)."""
        return repeatables.apply(conn, self.db, self.settings.root)

    # -- reverting and verifying ----------------------------------------------

    def revert(self, to: str | None = None) -> list[str]:
        """Revert deployed changes after `to` (all of them without it), newest first."""
        with connection(self.url, autocommit=True) as conn:
            deployed = len(self.state(conn).deployed)
            count = self.resolve(to, deployed) + 1 if to else 0
            reverted = []
            for change in reversed(self.plan.changes[count:deployed]):
                script = change.revert_file(self.top_dir)
                with console.step(f"revert {change.name}"):
                    if runs_in_psql(script):
                        run_psql(conn, script, self.settings.root)
                        with conn.transaction():
                            registry.record_revert(conn, self.plan, change, *self.identity)
                    else:
                        with conn.transaction():
                            run_script(conn, script, self.settings.root)
                            registry.record_revert(conn, self.plan, change, *self.identity)
                reverted.append(change.name)
        return reverted

    def verify(self) -> list[tuple[str, str | None]]:
        """Run every deployed change's verify script; (name, error or None) for each.
        A change whose deploy script was edited after it was deployed fails too."""
        results: list[tuple[str, str | None]] = []
        with connection(self.url, autocommit=True) as conn:
            state = self.state(conn)
            for change in self.plan.changes[: len(state.deployed)]:
                script = change.verify_file(self.top_dir)
                try:
                    if runs_in_psql(script):
                        run_psql(conn, script, self.settings.root)
                    else:
                        with conn.transaction(force_rollback=True):
                            run_script(conn, script, self.settings.root)
                except ScriptError as error:
                    results.append((change.name, str(error)))
                    continue
                problem = None
                if change in state.edited:
                    script = change.deploy_file(self.top_dir).relative_to(self.settings.root)
                    problem = f"{script} changed after it was deployed"
                results.append((change.name, problem))
        return results

    def status(self) -> State:
        with connection(self.url, autocommit=True) as conn:
            return self.state(conn)


def require_row_security_bypass(conn: psycopg.Connection) -> None:
    """Definer functions run as the owner on tables whose RLS is forced: the owner must bypass it."""
    if not scalar(conn, "select rolsuper or rolbypassrls from pg_roles where rolname = current_user"):
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


def rework_change_scripts(settings: Settings, name: str, requires: list[str], note: str) -> list[Path]:
    """`pulse db rework`: plan a released change again as `sqitch rework` does; returns the scripts to edit."""
    top_dir = settings.root / "db" / "migrations"
    try:
        change = rework_change(top_dir / "sqitch.plan", name, requires, note)
    except PlanError as error:
        raise PulseError(str(error).splitlines()[0]) from None
    return [change.script_file(top_dir, kind) for kind in ("deploy", "revert", "verify")]
