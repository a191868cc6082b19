"""`make mutation`: drop every RLS policy and guard trigger in turn and show that a pgTAP test fails.

A mutant is one object read from the catalog of the schemas app, app_private,
auth and audit:

- every row-level security policy (pg_policy);
- every guard trigger (pg_trigger): a BEFORE trigger, which runs to refuse a
  change or to shape the row (fill keys, keep fixed columns, stamp times), and
  an AFTER trigger whose function can refuse (its source raises, or calls a
  `require_*`, `refuse_*`, `check_*` or `raise_*` helper, which raise by
  convention). Other AFTER triggers are effects (audit, publishing,
  provisioning) and are left out.

Policies and triggers are repeatables (db/policies, db/functions), so
dropping one inside a transaction is safe. First every pgTAP file
(db/tests/<domain>/test_*.sql) runs unmutated: only files that pass are used,
the others are listed. Then, per mutant, a candidate file runs with the
mutant dropped right after its own BEGIN (its own ROLLBACK restores it); a
`not ok`, a wrong plan count or an error kills the mutant. Candidates are the
files that can notice it: those whose unmutated run reached it (ran a
guard's trigger function, read or wrote a policy's table: each baseline run
reports what its transaction touched, from pg_stat_xact_user_tables and
pg_stat_xact_user_functions) or that name the table, the policy or the
function. The file that killed the same mutant in the last full run
(db/tests/mutation-killers.tsv, rewritten by every full run) goes first,
then those that killed a mutant of the same table in this run, then the rest
fastest first, stopping at the first kill. Catalog lints (test_catalog*.sql)
run after the tests of behaviour: a mutant only a lint kills (its grant is
left without a policy) is marked "(lint)" and counted apart, since no test exercises its rule. A
mutant no file kills survives. Each worker has its own copy of the test
template, built exactly as pytest builds it; each file runs in a fresh
session, as under pytest.

Exit status 1 when a mutant survives (unless --allow-survivors), 2 when no
pgTAP file passes unmutated.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pulse.cluster import Cluster
from pulse.config import Settings
from pulse.database import create_database, drop_database, error_line
from pulse.errors import PulseError
from pulse.lifecycle import build_test_template, ensure_database

ROOT = Path(__file__).resolve().parents[1]
# The file that killed each mutant in the last full run, tried first next time (a stale line only
# costs one run of that file). `make mutation` rewrites it; commit it with the tests.
KILLERS = ROOT / "db" / "tests" / "mutation-killers.tsv"
KILLERS_HEADER = ("# Written by tools/mutation.py after a full run: mutant (table/policy or trigger), the pgTAP file\n"
                  "# that killed it. The next run tries that file first.\n")
SCHEMAS = ["app", "app_private", "auth", "audit"]

# What can refuse, in a trigger function's source (PostgreSQL regex, case-insensitive).
REFUSES = r"raise\s+exception|\m(require|refuse|check|raise)_\w*\s*\("

MUTANTS = """
select 'policy', p.polname, c.oid::regclass::text, c.relname, null
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = any(%(schemas)s)
union all
select 'guard', t.tgname, c.oid::regclass::text, c.relname, f.pronamespace::regnamespace || '.' || f.proname
  from pg_catalog.pg_trigger t
  join pg_catalog.pg_class c on c.oid = t.tgrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_proc f on f.oid = t.tgfoid
 where not t.tgisinternal and n.nspname = any(%(schemas)s)
   and (t.tgtype & 2 = 2 or f.prosrc ~* %(refuses)s)
   -- A partition's triggers are its parent's (cloned, or made with each new
   -- partition): the parent's stand for them, and the catalog tests hold
   -- every partition to having them.
   and not c.relispartition
 order by 3, 1, 2
"""

# What a file reached: read in its own transaction, before it rolls back. A file that never ran a
# trigger's function cannot notice the trigger gone; one that never touched a table, its policies.
REACHED = """
SELECT '# reached table ' || s.schemaname || '.' || s.relname
  FROM pg_catalog.pg_stat_xact_user_tables s
 WHERE s.seq_scan + coalesce(s.idx_scan, 0) + s.n_tup_ins + s.n_tup_upd + s.n_tup_del > 0
UNION ALL
SELECT '# reached function ' || f.schemaname || '.' || f.funcname FROM pg_catalog.pg_stat_xact_user_functions f;
"""
REACHED_LINE = re.compile(r"^# reached (table|function) (\S+)$", re.MULTILINE)

DEFAULT_TESTS = ROOT / "db" / "tests"

# A mutant that makes a test loop forever is killed by the timeout.
TIMEOUT = "120s"

BEGIN = re.compile(r"^\s*BEGIN\s*;\s*$", re.IGNORECASE | re.MULTILINE)
ROLLBACK = re.compile(r"^\s*ROLLBACK\s*;\s*$", re.IGNORECASE | re.MULTILINE)
PLAN = re.compile(r"^1\.\.(\d+)", re.MULTILINE)
RESULT = re.compile(r"^(not )?ok\b.*$", re.MULTILINE)


@dataclass(frozen=True)
class Mutant:
    kind: str  # policy | guard
    name: str
    table: str  # as regclass prints it: app.projects
    relname: str
    function: str | None  # a guard's trigger function, schema-qualified

    @property
    def drop(self) -> str:
        what = "POLICY" if self.kind == "policy" else "TRIGGER"
        return f'DROP {what} "{self.name.replace(chr(34), chr(34) * 2)}" ON {self.table};'

    @property
    def key(self) -> str:
        return f"{self.table}/{self.name}"

    @property
    def reach(self) -> str:
        """What a file must have reached, unmutated, to notice this mutant gone."""
        return f"function {self.function}" if self.kind == "guard" else f"table {self.table}"

    @property
    def words(self) -> re.Pattern:
        """What a test file that covers this mutant is likely to name."""
        names = [self.relname, self.name] + ([self.function.split(".")[-1]] if self.function else [])
        return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


@dataclass
class TestFile:
    path: Path
    text: str
    seconds: float = 0.0
    failure: str | None = None  # why it fails unmutated
    reached: set[str] = field(default_factory=set)  # "table app.x" and "function app_private.f" it ran unmutated

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ROOT)) if self.path.is_relative_to(ROOT) else str(self.path)

    @property
    def is_lint(self) -> bool:
        """A catalog lint (test_catalog*.sql) kills a mutant by its absence (a grant left without its
        policy), not by its behaviour: lints run after the tests of behaviour."""
        return self.path.name.startswith("test_catalog")


@dataclass
class Outcome:
    mutant: Mutant
    killed_by: str | None = None
    by_lint: bool = False  # killed only by a catalog lint
    how: str = ""
    files_run: int = 0
    seconds: float = 0.0


@dataclass
class Run:
    files: list[TestFile]
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    lints_first: bool = False


def failure_of(url: str, text: str) -> str | None:
    """Run one pgTAP file (it opens and rolls back its own transaction) in a fresh session, as
    pytest does; None when it passes, else the first failure: a `not ok` line, a wrong plan or an error."""
    return run_file(url, text)[0]


def run_file(url: str, text: str) -> tuple[str | None, str]:
    """The file's first failure (None when it passes) and its TAP output."""
    lines: list[str] = []
    options = f"-c statement_timeout={TIMEOUT} -c track_functions=pl"
    with psycopg.connect(url, autocommit=True, options=options) as conn:
        try:
            cur = conn.execute(text)
            while True:
                if cur.description:
                    lines.extend(str(row[0]) for row in cur.fetchall())
                if not cur.nextset():
                    break
        except psycopg.Error as error:
            if conn.broken:  # the server went away: no test result, stop the run
                raise
            return f"error: {error_line(error)}", "\n".join(lines)
    tap = "\n".join(lines)
    results = RESULT.findall(tap)
    for line in RESULT.finditer(tap):
        if line.group(1):
            return line.group(0), tap
    plan = PLAN.search(tap)
    if plan is None:
        return "no TAP plan", tap
    if int(plan.group(1)) != len(results):
        return f"planned {plan.group(1)} tests, ran {len(results)}", tap
    return None, tap


def with_reach(text: str) -> str:
    """The file, telling before its ROLLBACK which tables it read or wrote and which PL/pgSQL functions
    (trigger functions among them) ran, as TAP diagnostics."""
    *_, last = ROLLBACK.finditer(text)
    return text[:last.start()] + REACHED + text[last.start():]


def reach_of(tap: str) -> set[str]:
    return {f"{kind} {name}" for kind, name in REACHED_LINE.findall(tap)}


def mutated(test: TestFile, mutant: Mutant) -> str:
    """The file with the mutant dropped right after its BEGIN."""
    return BEGIN.sub(lambda m: f"{m.group(0)}\n{mutant.drop}", test.text, count=1)


def load_tests(folder: Path) -> list[TestFile]:
    files = []
    for path in sorted(folder.glob("**/test_*.sql")):
        text = path.read_text()
        test = TestFile(path, text)
        if not (BEGIN.search(text) and ROLLBACK.search(text)):
            test.failure = "not wrapped in BEGIN; ... ROLLBACK;"
        files.append(test)
    return files


def read_mutants(url: str, only: str | None) -> list[Mutant]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(MUTANTS, {"schemas": SCHEMAS, "refuses": REFUSES}).fetchall()
        mutants = [Mutant(*row) for row in rows]
        if only:
            pattern = re.compile(only)
            mutants = [m for m in mutants if pattern.search(f"{m.table}/{m.name}")]
        # A DROP that fails would read as a failing test: each one is tried once, and must work.
        for mutant in mutants:
            with conn.transaction(force_rollback=True):
                conn.execute(mutant.drop)
    return mutants


def in_parallel(urls: list[str], jobs: list, work, advance) -> None:
    """Each worker takes jobs from one queue, on its own copy of the template."""
    pending: queue.Queue = queue.Queue()
    for job in jobs:
        pending.put(job)
    errors: list[BaseException] = []

    def worker(url: str) -> None:
        try:
            while True:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                work(url, job)
                advance()
        except BaseException as error:  # noqa: BLE001 -- any failure, even an interrupt, is surfaced in the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def run(urls: list[str], mutants: list[Mutant], files: list[TestFile], lints_first: bool, console: Console,
        recorded: dict[str, str]) -> Run:
    started = time.monotonic()
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True)

    def baseline(url: str, test: TestFile) -> None:
        began = time.monotonic()
        test.failure, tap = run_file(url, with_reach(test.text))
        test.reached = reach_of(tap)
        test.seconds = time.monotonic() - began

    killers = Killers(recorded)

    def mutate(url: str, outcome: Outcome) -> None:
        began = time.monotonic()
        for test in killers.first(outcome.mutant, candidates(outcome.mutant, passing, lints_first)):
            outcome.files_run += 1
            if failure := failure_of(url, mutated(test, outcome.mutant)):
                outcome.killed_by, outcome.how = test.name, failure
                outcome.by_lint = test.is_lint and not lints_first
                killers.add(outcome.mutant, test)
                break
        outcome.seconds = time.monotonic() - began

    def advance_mutants(task) -> None:
        progress.advance(task)
        done = int(progress.tasks[task].completed)
        if not console.is_terminal and done % 25 == 0:  # a CI log gets a line now and then
            console.print(f"mutants: {done} of {len(mutants)} in {time.monotonic() - started:.0f} s")

    with progress:
        usable = [test for test in files if test.failure is None]
        task = progress.add_task("baseline: pgTAP files unmutated", total=len(usable))
        in_parallel(urls, usable, baseline, lambda: progress.advance(task))
        passing = sorted((test for test in usable if test.failure is None), key=lambda test: test.seconds)
        outcomes = [Outcome(mutant) for mutant in mutants]
        if passing:
            task = progress.add_task("mutants", total=len(outcomes))
            in_parallel(urls, outcomes, mutate, lambda: advance_mutants(task))
    return Run(files, outcomes, time.monotonic() - started, lints_first)


class Killers:
    """Which file to try first: the one that killed this mutant in the last full run (KILLERS, read
    when it exists), then those that killed a mutant of the same table in this run (a table's
    policies and guards are mostly tested by the same file, and mutants come in table order)."""

    def __init__(self, recorded: dict[str, str]) -> None:
        self.recorded = recorded  # Mutant.key -> file name
        self.by_table: dict[str, list[TestFile]] = {}
        self.lock = threading.Lock()

    def add(self, mutant: Mutant, test: TestFile) -> None:
        if test.is_lint:  # a lint kills by the catalog, not by the table's behaviour
            return
        with self.lock:
            known = self.by_table.setdefault(mutant.table, [])
            if test in known:
                known.remove(test)
            known.insert(0, test)

    def first(self, mutant: Mutant, candidates: list[TestFile]) -> list[TestFile]:
        """The candidates: the mutant's last killer, then the lints (when they run first), then this
        table's killers in this run, then the rest in their order."""
        with self.lock:
            known = [test for test in self.by_table.get(mutant.table, []) if test in candidates]
        head = [test for test in candidates if test.is_lint] if candidates and candidates[0].is_lint else []
        last_time = [test for test in candidates if test.name == self.recorded.get(mutant.key)]
        ordered = last_time + head + known + candidates
        return [test for index, test in enumerate(ordered) if test not in ordered[:index]]


def read_killers() -> dict[str, str]:
    if not KILLERS.exists():
        return {}
    lines = KILLERS.read_text().splitlines()
    return dict(line.split("\t", 1) for line in lines if line and not line.startswith("#"))


def write_killers(outcomes: list[Outcome]) -> None:
    lines = sorted(f"{o.mutant.key}\t{o.killed_by}" for o in outcomes if o.killed_by)
    KILLERS.write_text(KILLERS_HEADER + "".join(line + "\n" for line in lines))


def candidates(mutant: Mutant, passing: list[TestFile], lints_first: bool) -> list[TestFile]:
    """The passing files that can notice the mutant: those whose unmutated run reached it (ran the
    guard's function, touched the policy's table) or that name the table, policy or function (a test
    of the catalog). A file that never reached the mutant behaves the same without it. Those that
    also touched the guard's table come first (a generic guard function runs for many tables), the
    catalog lints last (or first, for policies); each group fastest first (`passing` is sorted by time)."""
    def group(test: TestFile) -> int:
        if test.is_lint:  # they catch a grant left without its policy, hardly ever a missing guard
            return 0 if lints_first and mutant.kind == "policy" else 3
        return 1 if f"table {mutant.table}" in test.reached else 2

    able = [test for test in passing
            if test.is_lint or mutant.reach in test.reached or mutant.words.search(test.text)]
    return sorted(able, key=group)  # stable: fastest first within each group


def report(result: Run, console: Console) -> int:
    table = Table(title="Mutants: each policy and guard trigger dropped in turn")
    for column in ("kind", "name", "table", "killed by", "first failure"):
        table.add_column(column, overflow="fold")
    for outcome in result.outcomes:
        m = outcome.mutant
        if outcome.killed_by:
            lint = " (lint)" if outcome.by_lint else ""
            table.add_row(m.kind, m.name, m.table, outcome.killed_by + lint, outcome.how[:100])
        else:
            table.add_row(m.kind, m.name, m.table, "[bold red]SURVIVED[/bold red]",
                          f"{outcome.files_run} file{'' if outcome.files_run == 1 else 's'} ran, none failed")
    console.print(table)
    unused = [test for test in result.files if test.failure is not None]
    if unused:
        skipped = Table(title="pgTAP files not used: they fail unmutated")
        skipped.add_column("file")
        skipped.add_column("failure", overflow="fold")
        for test in unused:
            skipped.add_row(test.name, test.failure[:160])
        console.print(skipped)
    killed = sum(1 for outcome in result.outcomes if outcome.killed_by)
    by_lint = sum(1 for outcome in result.outcomes if outcome.by_lint)
    on_survivors = sum(outcome.seconds for outcome in result.outcomes if not outcome.killed_by)
    on_killed = sum(outcome.seconds for outcome in result.outcomes if outcome.killed_by)
    used = len(result.files) - len(unused)
    console.print(f"{killed} killed / {len(result.outcomes)} mutants "
                  f"({len(result.outcomes) - killed} survived; "
                  + ("catalog lints ran first" if result.lints_first else
                     f"{by_lint} killed only by a catalog lint, no test of behaviour noticed them")
                  + f"), {used} of {len(result.files)} pgTAP files used, "
                  f"{result.seconds:.0f} s ({on_survivors:.0f} s of worker time on survivors, "
                  f"{on_killed:.0f} s on the others)")
    return len(result.outcomes) - killed


def mutate(settings: Settings, args: argparse.Namespace, progress_console: Console):
    """Copies of the test template (built unless one is named), one per worker, and the run on them."""
    admin = settings.url_for_database("postgres")
    template = args.template
    if template is None:
        template = f"pulse_mutation_{uuid.uuid4().hex[:8]}"
        build_test_template(settings, template)
    workers = [f"pulse_mutant_{uuid.uuid4().hex[:8]}" for _ in range(max(1, args.workers))]
    try:
        for name in workers:
            create_database(admin, name, template)
        mutants = read_mutants(settings.url_for_database(workers[0]), args.only)
        result = run([settings.url_for_database(name) for name in workers], mutants,
                     load_tests(args.tests), args.lints_first, progress_console, read_killers())
        if args.only is None and args.tests == DEFAULT_TESTS:
            write_killers(result.outcomes)
        return result
    finally:
        for name in workers + ([] if args.template else [template]):
            drop_database(admin, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="REGEX", help="only mutants whose schema.table/name matches")
    parser.add_argument("--workers", type=int, default=2, help="parallel connections (default 2)")
    parser.add_argument("--tests", type=Path, default=DEFAULT_TESTS, help="folder of test_*.sql files")
    parser.add_argument("--template", help="copy this existing database instead of building the test template")
    parser.add_argument("--lints-first", action="store_true",
                        help="run the catalog lints first for policies: faster, but a mutant only a lint kills is not marked")
    parser.add_argument("--allow-survivors", action="store_true", help="exit 0 even when a mutant survives")
    args = parser.parse_args(argv)

    # Names stay whole in a CI log (a terminal keeps its own width).
    # Piped output (CI logs) is 200 columns wide unless COLUMNS says otherwise.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "200")))
    progress_console = Console(stderr=True, highlight=False)
    settings = Settings.load(ROOT)
    try:
        # As the test session does: the local cluster is started when needed and stopped again after.
        started = ensure_database(settings)
        try:
            result = mutate(settings, args, progress_console)
        finally:
            if started:
                Cluster(settings).stop()
    except PulseError as error:
        console.print(f"[red]error:[/red] {error}")
        return 2
    survivors = report(result, console)
    if not any(test.failure is None for test in result.files):
        console.print("[red]error:[/red] no pgTAP file passes unmutated, so no mutant can be killed")
        return 2
    return 1 if survivors and not args.allow_survivors else 0


if __name__ == "__main__":
    sys.exit(main())
