"""`make security-report`: run the security and reliability harness and print one table.

Runs the cross-tenant matrices, the fuzzers (PULSE_FUZZ_EXAMPLES examples
per operation, 10 unless set), the bad-input suite, the concurrency and
fault scenarios, then prints what they covered from the figures the tests
record (conftest.py writes them to PULSE_SECURITY_REPORT).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SUITES = {
    "matrix": ["db/tests/20_tenancy/test_isolation_matrix.sql", "tests/test_http_isolation_matrix.py"],
    "fuzz": ["tests/test_fuzz_rest.py", "tests/test_fuzz_graphql.py"],
    "bad input": ["tests/test_bad_input.py"],
    "concurrency": ["tests/test_core_concurrency.py", "tests/test_workflow_concurrency.py"],
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
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        env = {**os.environ, "PULSE_SECURITY_REPORT": report.name,
               "PULSE_FUZZ_EXAMPLES": os.environ.get("PULSE_FUZZ_EXAMPLES", "10")}
        tests = [path for files in SUITES.values() for path in files]
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env)
        figures = json.loads(Path(report.name).read_text() or "{}")

    table = Table(title="Pulse security and reliability report")
    table.add_column("check")
    table.add_column("figure", justify="right")
    table.add_row("exposed tables and views in the HTTP matrix", str(figures.get("matrix_relations", 0)))
    table.add_row("GraphQL connections in the matrix", str(figures.get("matrix_connections", 0)))
    table.add_row("functions in the matrix", str(figures.get("matrix_functions", 0)))
    table.add_row("matrix cases over HTTP (tenant B, anonymous)", str(figures.get("matrix_cases", 0)))
    table.add_row("matrix cases in pgTAP (every tenant table x 5)",
                  str(outcomes(figures, SUITES["matrix"][:1], "passed")))
    requests = figures.get("fuzz_rest_requests", 0) + figures.get("fuzz_graphql_requests", 0)
    table.add_row("requests fuzzed (PostgREST + PostGraphile)",
                  f"{requests} ({figures.get('fuzz_rest_requests', 0)} + {figures.get('fuzz_graphql_requests', 0)})")
    table.add_row("5xx responses found", str(figures.get("fuzz_5xx", 0)))
    table.add_row("bad inputs tried", str(figures.get("bad_inputs", 0)))
    table.add_row("GraphQL limits tried (depth, aliases, cost, page size)",
                  f"{figures.get('graphql_limits_tried', 0)} (slowest refusal {figures.get('graphql_refusal_ms_max', 0)} ms)")
    table.add_row("hostile requests while the pool answered health checks", str(figures.get("hostile_requests", 0)))
    table.add_row("audit visibility cases", str(figures.get("audit_visibility_cases", 0)))
    table.add_row("invitation flow cases", str(figures.get("invitation_cases", 0)))
    table.add_row("lockout abuse cases", str(figures.get("lockout_cases", 0)))
    table.add_row("approval decision paths tried", str(figures.get("approval_paths_tried", 0)))
    table.add_row("BEFORE triggers checked for a tenant guard", str(figures.get("before_triggers_checked", 0)))
    table.add_row("profile privacy cases", str(figures.get("profile_privacy_cases", 0)))
    for suite in ("concurrency", "faults", "attacks"):
        passed = outcomes(figures, SUITES[suite], "passed")
        total = passed + outcomes(figures, SUITES[suite], "failed") + outcomes(figures, SUITES[suite], "skipped")
        table.add_row(f"{suite} scenarios passed", f"{passed} / {total}")
    failed = sum(count for key, count in figures.items() if key.endswith(":failed"))
    table.add_row("tests failed", str(failed))
    Console().print(table)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
