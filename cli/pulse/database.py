"""Connections, with failures turned into one readable line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, LiteralString
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from pulse.errors import PulseError

REQUIRED_EXTENSIONS = ("pgcrypto", "btree_gist", "citext", "pg_trgm", "postgis")
TEST_EXTENSIONS = ("pgtap", "plpgsql_check")


def describe(url: str) -> str:
    """host:port/database without the password, for messages."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"


def connect(url: str, autocommit: bool = False) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=5, application_name="pulse")
    except psycopg.OperationalError as error:
        raise PulseError(f"cannot connect to PostgreSQL at {describe(url)}: {connection_failure(error)}") from None


def connection_failure(error: psycopg.OperationalError) -> str:
    """The cause of a failed connection ("Connection refused", "password authentication failed ..."),
    not libpq's framing around it."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        return "connection failed"
    cause = re.sub(r"^connection failed:\s*", "", lines[0])
    if match := re.search(r"\bfailed:\s*(.+)$", cause):
        cause = re.sub(r"^(FATAL|ERROR):\s*", "", match.group(1))
    hint = next((line for line in lines[1:] if line.endswith("?")), "")
    return f"{cause}; {hint[0].lower()}{hint[1:]}" if hint else cause


def error_line(error: psycopg.Error) -> str:
    """A server error as one line: the message, then PostgreSQL's DETAIL and HINT when it gave them."""
    diag = error.diag
    text = str(error).strip()
    parts = [diag.message_primary or (text.splitlines()[0] if text else type(error).__name__)]
    if diag.message_detail:
        parts.append(f"DETAIL: {diag.message_detail}")
    if diag.message_hint:
        parts.append(f"HINT: {diag.message_hint}")
    return " ".join(" ".join(part.split()) for part in parts)


@contextmanager
def connection(url: str, autocommit: bool = False) -> Iterator[psycopg.Connection]:
    conn = connect(url, autocommit=autocommit)
    try:
        yield conn
    finally:
        conn.close()


def scalar(conn: psycopg.Connection, query: LiteralString, params: list[Any] | None = None) -> Any:
    """The first column of the row a query that always returns one (`select <expression>`) returns."""
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise PulseError(f"the database returned no row for: {query}")
    return row[0]


def database_exists(admin_url: str, name: str) -> bool:
    with connection(admin_url, autocommit=True) as conn:
        return conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone() is not None


def create_database(admin_url: str, name: str, template: str | None = None) -> None:
    statement = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" template {}").format(sql.Identifier(template))
    with connection(admin_url, autocommit=True) as conn:
        conn.execute(statement)


def drop_database(admin_url: str, name: str) -> None:
    with connection(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def require_extensions(conn: psycopg.Connection, names: tuple[str, ...]) -> None:
    """Name every extension the server lacks, before anything changes."""
    available = {row[0] for row in conn.execute("select name from pg_available_extensions")}
    missing = [name for name in names if name not in available]
    if missing:
        raise PulseError(
            f"PostgreSQL at {conn.info.host}:{conn.info.port}/{conn.info.dbname} lacks required extension(s): {', '.join(missing)} "
            "(on Debian: apt-get install postgresql-15 postgresql-15-pgtap; contrib ships the rest)"
        )
