"""The generated client types (contracts/clients/) are usable, and a frontend's type check breaks when the API changes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from helpers import ROOT

TSC = ROOT / "node_modules" / ".bin" / "tsc"
CLIENT = Path("tests/clients/ts")


def type_check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "node_modules" / ".bin" / "node"), str(TSC), "-p", str(root / CLIENT)],
                          capture_output=True, text=True, timeout=180, cwd=root, stdin=subprocess.DEVNULL)


def test_a_client_type_checks_against_the_generated_types():
    checked = type_check(ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_removed_column_breaks_the_client_type_check(tmp_path):
    """A copy of the client and the types, with projects.title gone from the REST types, as after an API change."""
    shutil.copytree(ROOT / CLIENT, tmp_path / CLIENT)
    shutil.copytree(ROOT / "contracts" / "clients", tmp_path / "contracts" / "clients")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    rest = tmp_path / "contracts" / "clients" / "rest.ts"
    text = rest.read_text()
    projects = text.index("export interface Projects {")
    end = text.index("\n}\n", projects)
    without_title = re.sub(r"\n  /\*\*(?:(?!\*/).)*?\*/\n  title: string;", "", text[projects:end], count=1, flags=re.S)
    assert without_title != text[projects:end]
    rest.write_text(text[:projects] + without_title + text[end:])

    checked = type_check(tmp_path)
    assert checked.returncode != 0
    assert re.search(r"typed-client\.ts\(\d+,\d+\): error TS\d+: .*\"title\"", checked.stdout), checked.stdout

