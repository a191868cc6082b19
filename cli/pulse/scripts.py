"""Run SQL script files statement by statement, so a failure names its line.

Deploy scripts are written as Sqitch writes them, wrapped in `BEGIN;` and
`COMMIT;`, which keeps them atomic under the real `sqitch deploy` too.
Pulse runs their statements inside its own transaction instead, together
with the registry rows, so those two wrapper statements are left out.

A script whose leading comments hold the line `-- pulse: no-transaction`
is handed to `psql` exactly as `sqitch deploy` hands it (ON_ERROR_STOP,
no psqlrc): each statement commits on its own unless the script opens a
transaction itself, and psql meta-commands such as `\\set` work.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pulse.database import error_line
from pulse.errors import PulseError

DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")
NO_TRANSACTION_MARKER = re.compile(r"(?im)^--\s*pulse:\s*no-transaction\s*$")
PSQL_ERROR = re.compile(r"(?m)^psql:.*?:(?P<line>\d+): (?:ERROR|FATAL|error):\s+(?:(?P<code>[0-9A-Z]{5}): )?(?P<message>.*)$")
TRANSACTION_CONTROL = re.compile(r"(?is)^(begin|start\s+transaction|commit|end)(\s+(work|transaction))?\s*;?$")


@dataclass(frozen=True)
class Statement:
    text: str
    line: int  # where the statement starts in its file, 1-based


def split_statements(source: str) -> list[Statement]:
    """Split on top-level semicolons, skipping quotes, comments and dollar-quoted bodies."""
    statements: list[Statement] = []
    start, i, n = 0, 0, len(source)
    while i < n:
        char = source[i]
        if source.startswith("--", i):
            i = _end_of(source, "\n", i)
        elif source.startswith("/*", i):
            i = _end_of_block_comment(source, i)
        elif char in "'\"":
            i = _end_of_quoted(source, i, char)
        elif char == "$" and (match := DOLLAR_TAG.match(source, i)) and not _in_word(source, i):
            i = _end_of(source, match.group(0), match.end())
        elif char == ";":
            _add(statements, source, start, i + 1)
            start = i = i + 1
        else:
            i += 1
    _add(statements, source, start, n)
    return statements


def _add(statements: list[Statement], source: str, start: int, end: int) -> None:
    chunk = source[start:end]
    code = _strip_comments(chunk).strip()
    if code and code != ";":
        offset = start + len(chunk) - len(chunk.lstrip())
        statements.append(Statement(chunk.strip(), source.count("\n", 0, offset) + 1))


def _strip_comments(chunk: str) -> str:
    return "\n".join(line for line in chunk.splitlines() if not line.strip().startswith("--"))


def _in_word(source: str, i: int) -> bool:
    return i > 0 and (source[i - 1].isalnum() or source[i - 1] == "_")


def _end_of(source: str, token: str, i: int) -> int:
    found = source.find(token, i)
    return len(source) if found < 0 else found + len(token)


def _end_of_block_comment(source: str, i: int) -> int:
    depth, i = 1, i + 2
    while i < len(source) and depth:
        if source.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif source.startswith("*/", i):
            depth, i = depth - 1, i + 2
        else:
            i += 1
    return i


def _end_of_quoted(source: str, i: int, quote: str) -> int:
    escapes = quote == "'" and i > 0 and source[i - 1] in "eE" and not _in_word(source, i - 1)
    i += 1
    while i < len(source):
        if escapes and source[i] == "\\":
            i += 2
        elif source[i] == quote:
            if source.startswith(quote * 2, i):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return i


def is_transaction_control(statement: Statement) -> bool:
    return bool(TRANSACTION_CONTROL.match(_strip_comments(statement.text).strip()))


def runs_in_psql(path: Path) -> bool:
    """Whether the script's leading comments mark it `-- pulse: no-transaction`."""
    header = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("--"):
            break
        header.append(line.strip())
    return bool(NO_TRANSACTION_MARKER.search("\n".join(header)))


def run_script(conn: psycopg.Connection, path: Path, root: Path) -> None:
    """Run a script's statements in the caller's transaction; a failure raises one readable line."""
    for statement in split_statements(path.read_text()):
        if is_transaction_control(statement):
            continue
        code = _strip_comments(statement.text).lstrip()
        if code.startswith("\\"):
            raise ScriptError(f"{_shown(path, root)}:{statement.line}: psql meta-command "
                              f"{code.split()[0]} runs only in a script marked `-- pulse: no-transaction`")
        try:
            conn.execute(statement.text)
        except psycopg.Error as error:
            raise ScriptError(describe_failure(error, _shown(path, root), statement)) from error


def run_psql(conn: psycopg.Connection, path: Path, root: Path) -> None:
    """Run a script through psql as `sqitch deploy` does; a failure raises `file:line: ERROR code: message`."""
    info = conn.info
    params: dict[str, str | int] = {"host": info.host, "port": info.port, "user": info.user, "dbname": info.dbname}
    env = {**os.environ, "PGPASSWORD": conn.info.password or ""}
    command = ["psql", "--quiet", "--no-psqlrc", "--no-align", "--tuples-only",
               "--set", "ON_ERROR_STOP=1", "--set", "registry=sqitch", "--set", "VERBOSITY=verbose",
               "--dbname", psycopg.conninfo.make_conninfo("", **params), "--file", str(path)]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise ScriptError(f"{_shown(path, root)}: psql is not installed; it runs changes marked "
                          "`-- pulse: no-transaction`") from None
    if result.returncode == 0:
        return
    found = PSQL_ERROR.search(result.stderr)
    if found is None:
        lines = result.stderr.strip().splitlines() or [f"psql exited with status {result.returncode}"]
        raise ScriptError(f"{_shown(path, root)}: {lines[0]}")
    code = f" {found['code']}" if found["code"] else ""
    raise ScriptError(f"{_shown(path, root)}:{found['line']}: ERROR{code}: {found['message'].strip()}")


def _shown(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


class ScriptError(PulseError):
    """A script statement failed; the message names the file, line and PostgreSQL error."""


def describe_failure(error: psycopg.Error, path: Path, statement: Statement) -> str:
    diag = error.diag
    line = statement.line
    if diag.statement_position:
        line += statement.text.count("\n", 0, int(diag.statement_position) - 1)
    message = error_line(error)
    where = ""
    if diag.context and "line" in diag.context:
        where = f" ({diag.context.strip().splitlines()[0]})"
    return f"{path}:{line}: ERROR {diag.sqlstate}: {message}{where}"
