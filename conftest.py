"""Shared fixtures: a migrated template database, fresh copies of it, and a live stack.

Every suite runs against databases created from `pulse_test_template`, which
is migrated and seeded once per run, so tests are fast and isolated. The
server is the project-local cluster (started if needed) or DATABASE_URL.

`make test` spreads the test files over worker processes (pytest-xdist,
`--dist loadfile`: a file's tests and module fixtures stay on one worker).
The controlling process then starts the cluster and builds the template once,
before the workers start; each worker has its own databases and stacks, and
sends back what it counted (SQL function calls, figures) when it ends.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import psycopg
import pytest
from pytest_pgtap.pgtap import Runner

from helpers import World, pulse, pulse_env
from pulse.cluster import Cluster
from pulse.config import Settings
from pulse.contracts import free_port
from pulse.database import create_database, drop_database
from pulse.lifecycle import build_test_template, ensure_database
from sql_coverage import SqlCoverage

ROOT = Path(__file__).resolve().parent
# Separate names let several checkouts share one server without dropping each other's template.
TEMPLATE = os.environ.get("PULSE_TEST_TEMPLATE", "pulse_test_template")
# Which of Pulse's SQL functions this run's tests called (tests/sql_coverage.py), written here
# and summed up at the end of the run.
SQL_COVERAGE = SqlCoverage()
SQL_COVERAGE_FILE = ROOT / ".pulse" / "reports" / "sql-function-coverage.txt"
SQL_COVERAGE_SHOWN = 40  # uncalled functions named at the end of the run; the file lists them all
# `make test`'s second phase adds its calls to the first phase's (PULSE_SQL_COVERAGE_ADD=1).
SQL_COVERAGE_ADDS = os.environ.get("PULSE_SQL_COVERAGE_ADD") == "1"
CLUSTER_STARTED = pytest.StashKey[bool]()  # the controlling process started the local cluster


# The authenticator role belongs to the whole server, and every `pulse` run sets
# its password from its checkout's secret: tests that run `pulse` on a copy of the
# project (another checkout, another generated secret) would lock out the
# servers other tests started. One password for every run of this session.
os.environ.setdefault("PULSE_AUTHENTICATOR_PASSWORD", Settings.load(ROOT).secret("PULSE_AUTHENTICATOR_PASSWORD"))


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.load(ROOT)


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def distributes(config: pytest.Config) -> bool:
    """The controlling process of a run spread over workers (it runs no test itself)."""
    return bool(getattr(config.option, "numprocesses", None)) and not is_worker(config)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Spread over workers: start the server and build the template once, before any worker starts."""
    if distributes(session.config):
        settings = Settings.load(ROOT)
        session.config.stash[CLUSTER_STARTED] = ensure_database(settings)
        build_test_template(settings, TEMPLATE)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """(xdist) Tell each worker the template is built."""
    node.workerinput["pulse_template_built"] = TEMPLATE


@pytest.fixture(scope="session")
def postgres_server(settings: Settings, pytestconfig: pytest.Config):
    """The PostgreSQL server; a local cluster this session started is stopped again at the end
    (by the controlling process, once every worker is done, when the run is spread over workers)."""
    if is_worker(pytestconfig):
        yield
        return
    started = ensure_database(settings)
    yield
    if started:
        Cluster(settings).stop()


@pytest.fixture(scope="session")
def template_database(settings: Settings, postgres_server, pytestconfig: pytest.Config) -> str:
    """Migrate the template every test database is copied from: reference data and the test factories, no demo data.
    Nobody connects to it while tests run: a copy is refused while another session is in the template."""
    if getattr(pytestconfig, "workerinput", {}).get("pulse_template_built") != TEMPLATE:
        build_test_template(settings, TEMPLATE)
    return TEMPLATE


class Databases:
    """Creates databases copied from the template and drops them at the end."""

    def __init__(self, settings: Settings, template: str, *, sums_up_coverage: bool):
        self.settings = settings
        self.template = template
        self.sums_up_coverage = sums_up_coverage  # a worker sends its counts to the controlling process instead
        self.created: list[str] = []

    def create(self, prefix: str = "pulse_test", template: str | None = "default") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        create_database(self.settings.url_for_database("postgres"),
                        name, self.template if template == "default" else template)
        self.created.append(name)
        if template is not None:  # a database migrated by its test counts the migration's calls, not a test's
            SQL_COVERAGE.track(self.settings.url_for_database("postgres"), name)
        return self.settings.url_for_database(name)

    def drop_all(self) -> None:
        for name in self.created:
            SQL_COVERAGE.gather(self.settings.url_for_database(name), name)
            drop_database(self.settings.url_for_database("postgres"), name)
        if self.sums_up_coverage:
            SQL_COVERAGE.finish(self.settings.url_for_database(self.template), SQL_COVERAGE_FILE,
                                adding_to_last_run=SQL_COVERAGE_ADDS)


@pytest.fixture(scope="session")
def databases(settings: Settings, template_database: str, pytestconfig: pytest.Config):
    factory = Databases(settings, template_database, sums_up_coverage=not is_worker(pytestconfig))
    yield factory
    factory.drop_all()


@pytest.fixture
def database_url(databases: Databases) -> str:
    """A fresh copy of the template for one test: migrated, reference data and factories, no demo data."""
    return databases.create()


@pytest.fixture(scope="session")
def pgtap_database(databases: Databases) -> str:
    """Every db/tests/<domain>/test_*.sql file runs in this copy of the template; each file rolls itself back."""
    return databases.create("pulse_test_pgtap")


@pytest.fixture
def _pgtap_runner(pgtap_database: str):
    """A fresh session per pgTAP file, so no setting or cached plan leaks from one file to the next."""
    with psycopg.connect(pgtap_database) as conn:
        yield Runner(conn)


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    """Environment for running the `pulse` executable against this checkout."""
    return {**os.environ, "PULSE_ROOT": str(ROOT)}


def start_stack(databases: Databases, prefix: str, *, demo: bool = False, **settings: str) -> dict:
    """PostgREST and PostGraphile started by `pulse up --detach` on a fresh copy of the template (with the
    demo data of `make up` only when asked: tests build their own world); `settings` are PULSE_* variables
    of its own (the worker's PULSE_DNS_RESOLVER)."""
    url = databases.create(prefix)
    rest_port, graphql_port = free_port(), free_port()
    env = pulse_env(url, PULSE_REST_PORT=str(rest_port), PULSE_GRAPHQL_PORT=str(graphql_port), **settings)
    up = pulse("up", "--detach", *(["--demo"] if demo else []), env=env, timeout=180)
    assert up.returncode == 0, up.stdout + up.stderr
    SQL_COVERAGE.restart(url, url.rsplit("/", 1)[1])  # what `pulse up` ran (migrate, the demo) is no test's call
    return {
        "rest": f"http://127.0.0.1:{rest_port}", "graphql": f"http://127.0.0.1:{graphql_port}/graphql",
        "env": env, "output": up.stdout, "url": url,
    }


def stop_stack(stack: dict) -> None:
    pulse("down", env=stack["env"])


@pytest.fixture(scope="session")
def live(databases: Databases):
    """The stack most HTTP tests share, for the whole session."""
    stack = start_stack(databases, "pulse_test_stack")
    yield stack
    stop_stack(stack)


@pytest.fixture(scope="module")
def demo_live(databases: Databases):
    """A stack with the demo data of `make up`, only for tests whose subject is the demo itself
    (tests/test_stack.py: the tokens `pulse up` prints, each demo tenant served its own rows)."""
    stack = start_stack(databases, "pulse_test_demo", demo=True)
    yield stack
    stop_stack(stack)


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """A local S3-compatible server (moto) with an empty bucket, for the whole session (tests/object_store.py)."""
    from object_store import start_moto

    process, store = start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    yield store
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def world(live) -> World:
    """Factories for the tenants and people a test needs, on the shared stack."""
    return World(live)


# Figures for `make security-report`: tests add to them, and every test's
# outcome is counted per file; written as JSON when PULSE_SECURITY_REPORT
# names a file.
FIGURES: dict[str, int] = {}


@pytest.fixture(scope="session")
def figures() -> dict[str, int]:
    return FIGURES


def pytest_runtest_logreport(report):
    """Each test's outcome, counted once: by the controlling process when the run is spread over workers."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        key = f"{report.nodeid.split('::')[0]}:{report.outcome}"
        FIGURES[key] = FIGURES.get(key, 0) + 1


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """(xdist) Add what a worker counted: its figures and its databases' SQL function calls."""
    output = getattr(node, "workeroutput", {})
    for key, value in output.get("pulse_figures", {}).items():
        FIGURES[key] = FIGURES.get(key, 0) + value
    SQL_COVERAGE.merge(output.get("pulse_sql_coverage"))


def pytest_sessionfinish(session):
    if is_worker(session.config):
        session.config.workeroutput["pulse_figures"] = FIGURES
        session.config.workeroutput["pulse_sql_coverage"] = SQL_COVERAGE.counted()
        return
    if distributes(session.config):
        settings = Settings.load(ROOT)
        SQL_COVERAGE.finish(settings.url_for_database(TEMPLATE), SQL_COVERAGE_FILE, adding_to_last_run=SQL_COVERAGE_ADDS)
        if session.config.stash.get(CLUSTER_STARTED, False):
            Cluster(settings).stop()
    if target := os.environ.get("PULSE_SECURITY_REPORT"):
        Path(target).write_text(json.dumps(FIGURES, indent=2, sort_keys=True))


def pytest_terminal_summary(terminalreporter):
    """The SQL half of the coverage figure (the CLI's is pytest-cov's table, under `make test`)."""
    if SQL_COVERAGE.report:
        terminalreporter.write_sep("-", "SQL function coverage")
        terminalreporter.write_line(SQL_COVERAGE.report.summary())
        for name in SQL_COVERAGE.report.uncalled[:SQL_COVERAGE_SHOWN]:
            terminalreporter.write_line(f"  never called: {name}")
        if len(SQL_COVERAGE.report.uncalled) > SQL_COVERAGE_SHOWN:
            terminalreporter.write_line(f"  ... and {len(SQL_COVERAGE.report.uncalled) - SQL_COVERAGE_SHOWN} more")
        terminalreporter.write_line(f"(list: {SQL_COVERAGE_FILE.relative_to(ROOT)})")
    elif SQL_COVERAGE.problem:
        terminalreporter.write_line(f"SQL function coverage: not measured ({SQL_COVERAGE.problem})")
