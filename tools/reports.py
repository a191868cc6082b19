"""The reports Pulse keeps in docs/: `make bench` (docs/benchmarks.md) and `make security-report`
(docs/security-report.md), each rewritten by its run with the date, the commit and the machine.

The layout never changes from one run to the next (the same headings, the same
lines in the same order), so `git diff docs/` shows what the figures did.

usage: reports.py benchmarks FOLDER NAME...   (FOLDER/NAME.txt holds what bench NAME printed)
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECURITY = ROOT / "docs" / "security-report.md"


def _proc(path: str, key: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.split(":", 1)[0].strip() == key), None)


def postgres_version() -> str:
    """The configured server's version, else the local binaries' (a bench may have stopped the cluster)."""
    sys.path.insert(0, str(ROOT / "cli"))
    try:
        import psycopg

        from pulse.config import Settings

        settings = Settings.load(ROOT)
        with psycopg.connect(settings.url_for_database("postgres"), connect_timeout=3) as conn:
            row = conn.execute("select current_setting('server_version')").fetchone()
            return f"PostgreSQL {row[0] if row else 'unknown'} (the configured server)"
    except Exception:  # noqa: BLE001 -- unreachable or unconfigured: say what the binaries are instead
        pass
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (bindir / "postgres").exists():
            printed = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True)
            return f"{printed.stdout.strip()} (local binaries; no server was reachable)"
    return "unknown"


def machine() -> list[str]:
    memory_kb = _proc("/proc/meminfo", "MemTotal") or "0 kB"
    memory = int(memory_kb.split()[0]) / 1024 / 1024
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit.stdout.strip() or 'unknown'}",
        f"- machine: {os.cpu_count()} cores ({_proc('/proc/cpuinfo', 'model name') or platform.processor() or 'unknown CPU'}), "
        f"{memory:.1f} GiB memory, {platform.system()} {platform.release()}",
        f"- database: {postgres_version()}",
        f"- load average when written: {' '.join(load)}",
    ]


def write(path: Path, title: str, intro: str, body: list[str]) -> None:
    path.write_text("\n".join([f"# {title}", "", intro, "", *machine(), "", *body]).rstrip("\n") + "\n")
    print(f"wrote {path.relative_to(ROOT)} (commit it when it changes)")


def benchmarks(folder: Path, names: list[str]) -> None:
    body = []
    for name in names:
        body += [f"## bench/{name}", "", "```", (folder / f"{name}.txt").read_text().rstrip("\n"), "```", ""]
    write(BENCHMARKS, "Benchmarks",
          "The latest `make bench` (bench/run.sh), rewritten by every run that completes; commit it when it "
          "changes. What each benchmark measures and its bars: bench/README.md. Figures depend on the machine "
          "and its load: compare runs on the same machine.", body)


def security(rows: list[tuple[str, str]], not_run: list[str], returncode: int) -> None:
    body = ["| check | figure |", "|---|---|", *(f"| {check} | {figure} |" for check, figure in rows), "",
            f"- suites not run: {', '.join(not_run) or 'none'}",
            f"- pytest exit status: {returncode}", ""]
    write(SECURITY, "Security and reliability report",
          "The latest `make security-report` (tools/security_report.py), rewritten by every run; commit it "
          "when it changes. What each suite covers: README.md (Tests) and docs/security.md.", body)


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "benchmarks":
        sys.exit(__doc__)
    benchmarks(Path(sys.argv[2]), sys.argv[3:])
