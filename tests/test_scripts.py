"""How `pulse db migrate` cuts a deploy script into statements (pulse.scripts): only on top-level
semicolons, never inside quotes, comments or dollar-quoted bodies, each statement with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.scripts import Statement, is_transaction_control, runs_in_psql, split_statements


def texts(source: str) -> list[str]:
    return [statement.text for statement in split_statements(source)]


@pytest.mark.parametrize(("source", "expected"), [
    ("select 1 /* a; /* nested; */ still a comment; */; select 2;",
     ["select 1 /* a; /* nested; */ still a comment; */;", "select 2;"]),
    ("select E'it\\'s; one'; select 2;", ["select E'it\\'s; one';", "select 2;"]),
    ("select 'it''s; one', \"odd;name\"; select 2;", ["select 'it''s; one', \"odd;name\";", "select 2;"]),
    ("do $body$ begin perform 1; end $body$; select 3;", ["do $body$ begin perform 1; end $body$;", "select 3;"]),
    ("select a$b; select $$x;y$$;", ["select a$b;", "select $$x;y$$;"]),
    ("select 1; -- a comment; with semicolons\n-- only comments here;\n", ["select 1;"]),
    ("select 'never closed; ", ["select 'never closed;"]),
])
def test_statements_end_only_at_top_level_semicolons(source, expected):
    assert texts(source) == expected


def test_each_statement_knows_the_line_it_starts_on():
    assert split_statements("\n\nselect 1;\n\n  select\n    2;\n") == [
        Statement("select 1;", 3), Statement("select\n    2;", 5)]


@pytest.mark.parametrize("text", ["BEGIN;", "begin work", "START TRANSACTION;", "COMMIT;", "end transaction;"])
def test_transaction_control_is_recognised(text):
    assert is_transaction_control(Statement(text, 1))


def test_a_statement_that_only_starts_like_transaction_control_is_not():
    assert not is_transaction_control(Statement("BEGIN ATOMIC SELECT 1; END;", 1))
    assert not is_transaction_control(Statement("ENDPOINT;", 1))


def test_the_no_transaction_marker_sends_a_script_to_psql(tmp_path: Path):
    marked, plain = tmp_path / "marked.sql", tmp_path / "plain.sql"
    marked.write_text("-- a change\n--  pulse: no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n")
    plain.write_text("CREATE TABLE t (c int); -- pulse: no-transaction is only a marker on a line of its own\n")
    assert runs_in_psql(marked) and not runs_in_psql(plain)
