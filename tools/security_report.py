"""`make security-report`: run the security and reliability harness and print one table.

Runs the cross-tenant matrices, the fuzzers (PULSE_FUZZ_EXAMPLES examples
per operation, 10 unless set, reads included: `make test` fuzzes only the
REST operations that write or call a function, and only the positive cases of
schemathesis's coverage phase), the bad-input suite, the concurrency and
fault scenarios, then prints what they covered from the figures the tests
record (conftest.py writes them to PULSE_SECURITY_REPORT).

The table is also written to docs/security-report.md with the date, the
commit and the machine (tools/reports.py); commit it when it changes.
`--without SUITE` leaves a suite out (e.g. `--without faults` on a server
others use: the fault scenarios stop and restart PostgreSQL); the report
names the suites left out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

import reports

ROOT = Path(__file__).resolve().parents[1]
SUITES = {
    "matrix": ["db/tests/20_tenancy/test_isolation_matrix.sql", "tests/test_http_isolation_matrix.py"],
    "fuzz": ["tests/test_fuzz_rest.py", "tests/test_fuzz_graphql.py"],
    "bad input": ["tests/test_bad_input.py"],
    "concurrency": ["tests/test_core_concurrency.py", "tests/test_workflow_concurrency.py", "tests/test_request_grants_races.py"],
    "faults": ["tests/test_faults.py", "tests/test_migrations.py::test_failed_migration_leaves_no_trace"],
    # The outside attacks (issues #9 and #19) replayed, and the rules that close them.
    "attacks": ["tests/test_auth_http.py", "tests/test_workflow_http.py", "tests/test_limits_http.py",
                "tests/test_audit_visibility_http.py", "tests/test_profile_privacy_http.py",
                "db/tests/60_workflow/test_approval_deciders.sql", "db/tests/60_workflow/test_portal_visibility.sql",
                "db/tests/40_audit/test_audit_visibility.sql", "db/tests/30_identity/test_profile_privacy.sql",
                "db/tests/10_core/test_catalog.sql", "db/tests/40_audit/test_catalog_audit.sql", "db/tests/10_core/test_api_limits.sql"],
}


def outcomes(figures: dict[str, int], files: list[str], outcome: str) -> int:
    return sum(count for key, count in figures.items()
               if key.endswith(f":{outcome}") and any(key.startswith(f.split("::")[0]) for f in files))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", action="append", default=[], choices=sorted(SUITES), metavar="SUITE",
                        help=f"leave a suite out (one of: {', '.join(sorted(SUITES))})")
    not_run = sorted(set(parser.parse_args().without))
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        env = {**os.environ, "PULSE_SECURITY_REPORT": report.name,
               "PULSE_FUZZ_EXAMPLES": os.environ.get("PULSE_FUZZ_EXAMPLES", "10"), "PULSE_FUZZ_READS": "1",
               "PULSE_FUZZ_COVERAGE": "all"}
        tests = [path for suite, files in SUITES.items() if suite not in not_run for path in files]
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env)
        figures = json.loads(Path(report.name).read_text() or "{}")

    rows = figure_rows(figures, not_run)
    table = Table(title="Pulse security and reliability report")
    table.add_column("check")
    table.add_column("figure", justify="right")
    for check, figure in rows:
        table.add_row(check, figure)
    Console().print(table)
    reports.security(rows, not_run, run.returncode)
    return run.returncode


def figure_rows(figures: dict[str, int], not_run: list[str]) -> list[tuple[str, str]]:
    table: list[tuple[str, str]] = []
    table.append(("exposed tables and views in the HTTP matrix", str(figures.get("matrix_relations", 0))))
    table.append(("GraphQL connections in the matrix", str(figures.get("matrix_connections", 0))))
    table.append(("functions in the matrix", str(figures.get("matrix_functions", 0))))
    table.append(("matrix cases over HTTP (tenant B, anonymous)", str(figures.get("matrix_cases", 0))))
    table.append(("matrix cases in pgTAP (every tenant table x 5)",
                  str(outcomes(figures, SUITES["matrix"][:1], "passed"))))
    requests = figures.get("fuzz_rest_requests", 0) + figures.get("fuzz_graphql_requests", 0)
    table.append(("requests fuzzed (PostgREST + PostGraphile)",
                  f"{requests} ({figures.get('fuzz_rest_requests', 0)} + {figures.get('fuzz_graphql_requests', 0)})"))
    table.append(("5xx responses found", str(figures.get("fuzz_5xx", 0))))
    table.append(("bad inputs tried", str(figures.get("bad_inputs", 0))))
    table.append(("GraphQL limits tried (depth, aliases, cost, page size)",
                  f"{figures.get('graphql_limits_tried', 0)} (slowest refusal {figures.get('graphql_refusal_ms_max', 0)} ms)"))
    table.append(("hostile requests while the pool answered health checks", str(figures.get("hostile_requests", 0))))
    table.append(("audit visibility cases", str(figures.get("audit_visibility_cases", 0))))
    table.append(("invitation flow cases", str(figures.get("invitation_cases", 0))))
    table.append(("lockout abuse cases", str(figures.get("lockout_cases", 0))))
    table.append(("approval decision paths tried", str(figures.get("approval_paths_tried", 0))))
    table.append(("BEFORE triggers checked for a tenant guard", str(figures.get("before_triggers_checked", 0))))
    table.append(("profile privacy cases", str(figures.get("profile_privacy_cases", 0))))
    for suite in ("concurrency", "faults", "attacks"):
        if suite in not_run:
            table.append((f"{suite} scenarios passed", "not run"))
            continue
        passed = outcomes(figures, SUITES[suite], "passed")
        total = passed + outcomes(figures, SUITES[suite], "failed") + outcomes(figures, SUITES[suite], "skipped")
        table.append((f"{suite} scenarios passed", f"{passed} / {total}"))
    failed = sum(count for key, count in figures.items() if key.endswith(":failed"))
    table.append(("tests failed", str(failed)))
    return table


if __name__ == "__main__":
    sys.exit(main())
