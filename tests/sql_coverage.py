"""Which of Pulse's SQL functions the tests call: the SQL half of `make test`'s coverage figure.

Every database the session copies from the test template tracks function calls
(`ALTER DATABASE ... SET track_functions = 'all'`); the live stacks' databases
reset their counters once `pulse up` has migrated them, so what the start-up
runs is not counted. Before a database is dropped, its `pg_stat_user_functions`
is read; the union over all of them is compared with the template's catalog:
every function and procedure in Pulse's schemas, not those of extensions, of
graphile-worker's queue (schema `graphile_worker`, the npm package's) nor
the test factories (schema `tests`). Databases a test migrates itself (made
without the template) are not counted: their calls are the migration's.

PostgreSQL counts a call when the function runs through the function manager
and returns: PL/pgSQL functions, trigger functions when they fire, and SQL
functions that are not inlined. Two kinds leave no count, so those that show
no call are listed apart, as "not measurable", not as uncalled: a SQL function
the planner may inline into the calling query (LANGUAGE sql, neither SECURITY
DEFINER nor SET), and a PL/pgSQL function that always raises (no RETURN, and
its body ends with RAISE EXCEPTION, as app_private.raise_invalid), since a call
that ends in an error is not counted.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

CATALOG = r"""
select p.oid::regprocedure::text,
       case when l.lanname = 'sql' and not p.prosecdef and p.proconfig is null then 'inlinable'
            when l.lanname = 'plpgsql' and p.prosrc !~* '\mRETURN\M'
                 and p.prosrc ~* 'RAISE\s+EXCEPTION[^;]*;\s*END\s*;?\s*$' then 'always raises'
            else 'counted' end
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  join pg_language l on l.oid = p.prolang
 where n.nspname not in ('information_schema', 'tests', 'graphile_worker') and n.nspname !~ '^pg_'
   and p.prokind in ('f', 'p')
   and not exists (select from pg_depend d
                    where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
"""
CALLS = "select funcid::regprocedure::text, calls from pg_stat_user_functions"
OTHER_SESSIONS = ("select count(*) from pg_stat_activity where datname = current_database()"
                  " and backend_type = 'client backend' and pid <> pg_backend_pid()")


@dataclass
class Report:
    total: int
    called: int
    uncalled: list[str]
    not_measurable: list[str]

    @property
    def measurable(self) -> int:
        return self.total - len(self.not_measurable)

    def summary(self) -> str:
        percent = 100 * self.called / self.measurable if self.measurable else 100.0
        return (f"{self.called} of {self.measurable} measurable SQL functions called by the tests ({percent:.1f} %); "
                f"{len(self.uncalled)} never called; {len(self.not_measurable)} of {self.total} in all "
                "showed no call but cannot show one (not measurable)")

    def text(self) -> str:
        lines = [self.summary(), "", f"Never called ({len(self.uncalled)}):"]
        lines += [f"  {name}" for name in self.uncalled] or ["  (none)"]
        lines += ["", f"Not measurable, with no counted call ({len(self.not_measurable)}): inlinable SQL functions "
                      "(an inlined call is not counted) and functions that always raise (a call that errors is not counted):"]
        lines += [f"  {name}" for name in self.not_measurable] or ["  (none)"]
        return "\n".join(lines) + "\n"


@dataclass
class SqlCoverage:
    calls: Counter[str] = field(default_factory=Counter)
    tracked: set[str] = field(default_factory=set)
    problem: str | None = None
    report: Report | None = None

    def track(self, admin_url: str, name: str) -> None:
        """Count function calls in a new database (before anyone connects to it)."""
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("alter database {} set track_functions = 'all'").format(sql.Identifier(name)))
        except psycopg.Error as error:  # not a superuser on an external server: no SQL figure
            self.problem = f"cannot track function calls: {error.diag.message_primary or error}"
            return
        self.tracked.add(name)

    def restart(self, url: str, name: str) -> None:
        """Forget what was counted so far in a tracked database (what starting a stack ran)."""
        if name in self.tracked:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("select pg_stat_reset()")

    def gather(self, url: str, name: str) -> None:
        """Add a tracked database's counts, once the sessions that called the functions have ended."""
        if name not in self.tracked:
            return
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("set search_path = ''")  # every name comes out schema-qualified
                deadline = time.monotonic() + 5
                while conn.execute(OTHER_SESSIONS).fetchone() != (0,) and time.monotonic() < deadline:
                    time.sleep(0.1)
                for function, calls in conn.execute(CALLS):
                    self.calls[function] += calls
        except psycopg.OperationalError:  # a test dropped it
            pass

    def counted(self) -> dict:
        """What this process counted, for the process that sums up (pytest-xdist's worker output)."""
        return {"calls": dict(self.calls), "tracked": sorted(self.tracked), "problem": self.problem}

    def merge(self, counted: dict | None) -> None:
        """Add what another process counted."""
        if counted:
            self.calls.update(counted["calls"])
            self.tracked.update(counted["tracked"])
            self.problem = self.problem or counted["problem"]

    def finish(self, template_url: str, target: Path, *, adding_to_last_run: bool = False) -> None:
        """Write the report; with adding_to_last_run, what the previous run counted (the first phase of
        `make test`) is added first. The counts are kept beside the report for the next run."""
        counts = target.with_suffix(".json")
        if adding_to_last_run and counts.exists():
            self.merge(json.loads(counts.read_text()))
        if not self.tracked:
            return
        with psycopg.connect(template_url, autocommit=True) as conn:
            conn.execute("set search_path = ''")
            catalog = conn.execute(CATALOG).fetchall()
        uncalled = sorted(name for name, kind in catalog if kind == "counted" and not self.calls[name])
        not_measurable = sorted(f"{name} ({kind})" for name, kind in catalog if kind != "counted" and not self.calls[name])
        self.report = Report(total=len(catalog), called=sum(1 for name, _ in catalog if self.calls[name]),
                             uncalled=uncalled, not_measurable=not_measurable)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.report.text())
        counts.write_text(json.dumps(self.counted()))
