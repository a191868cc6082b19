"""Lints of db/functions against docs/conventions.md; no database needed.

(a) every refusal names a reason: each RAISE EXCEPTION carries DETAIL, and
    each call of app_private.raise_invalid is the three-argument form whose
    first argument is a literal reason code;
(b) the reason codes raised in db/functions and the ones listed in
    docs/conventions.md are the same set, each listed with the SQLSTATE it is
    raised with;
(c) every function declares its volatility (IMMUTABLE, STABLE or VOLATILE).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "db" / "functions"
CONVENTIONS = ROOT / "docs" / "conventions.md"

REASON = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

# RAISE EXCEPTION without DETAIL, by the function it sits in, and why.
NO_DETAIL_ALLOWED: dict[str, str] = {}


def _mask_comments(text: str) -> str:
    """The text with every -- comment blanked out (same length), string literals kept."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            escapes = i > 0 and text[i - 1] in "eE" and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == "_"))
            i += 1
            while i < n:
                if escapes and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            for k in range(i, end):
                out[k] = " "
            i = end
        else:
            i += 1
    return "".join(out)


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal starting at text[i] == "'"."""
    n = len(text)
    escapes = i > 0 and text[i - 1] in "eE"
    i += 1
    while i < n:
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text[i] == "'":
            if i + 1 < n and text[i + 1] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _statement(text: str, start: int) -> str:
    """From start to the next ; outside string literals."""
    i = start
    while i < len(text):
        if text[i] == "'":
            i = _string_end(text, i)
        elif text[i] == ";":
            return text[start:i]
        else:
            i += 1
    return text[start:]


def _arguments(text: str, open_paren: int) -> list[str]:
    """The top-level arguments of the call whose ( is at open_paren."""
    args, depth, i, begin = [], 0, open_paren, open_paren + 1
    while i < len(text):
        c = text[i]
        if c == "'":
            i = _string_end(text, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(text[begin:i].strip())
                return args
        elif c == "," and depth == 1:
            args.append(text[begin:i].strip())
            begin = i + 1
        i += 1
    raise AssertionError(f"unbalanced call at {text[open_paren:open_paren + 80]!r}")


def _literal(argument: str) -> str | None:
    match = re.fullmatch(r"'((?:[^']|'')*)'", argument.strip())
    return match.group(1).replace("''", "'") if match else None


FUNCTION_HEADER = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+([\w.]+\s*\((?:[^()]|\([^()]*\))*\))", re.IGNORECASE)


class Source:
    def __init__(self, path: Path):
        self.path = path
        self.name = path.relative_to(ROOT).as_posix()
        self.text = _mask_comments(path.read_text())
        self.functions = [(m.start(), re.sub(r"\s+", " ", m.group(1))) for m in FUNCTION_HEADER.finditer(self.text)]

    def function_at(self, position: int) -> str:
        enclosing = [name for start, name in self.functions if start < position]
        return enclosing[-1] if enclosing else "(top level)"

    def raises(self):
        """(function, statement) of every RAISE EXCEPTION."""
        for match in re.finditer(r"\bRAISE\s+EXCEPTION\b", self.text, re.IGNORECASE):
            yield self.function_at(match.start()), _statement(self.text, match.start())

    def calls(self, function: str):
        """(function it sits in, arguments) of every call of function (not its definition)."""
        for match in re.finditer(re.escape(function) + r"\s*\(", self.text):
            before = self.text[max(0, match.start() - 40):match.start()]
            # CREATE, COMMENT ON, DROP [IF EXISTS], GRANT ... ON FUNCTION name(...): not a call.
            if re.search(r"FUNCTION(\s+IF\s+EXISTS)?\s+$", before, re.IGNORECASE):
                continue
            yield self.function_at(match.start()), _arguments(self.text, match.end() - 1)

    def definitions(self):
        """(function, header and trailer) of every CREATE FUNCTION: the text around its body."""
        for match in FUNCTION_HEADER.finditer(self.text):
            body = re.compile(r"\bAS\s+(\$\w*\$)", re.IGNORECASE).search(self.text, match.end())
            assert body, f"{self.name}: no body for {match.group(1)}"
            tag = body.group(1)
            close = self.text.find(tag, body.end())
            trailer = _statement(self.text, close + len(tag)) if close >= 0 else ""
            yield re.sub(r"\s+", " ", match.group(1)), self.text[match.end():body.start()] + " " + trailer


SOURCES = [Source(path) for path in sorted(FUNCTIONS.rglob("*.sql"))]


def raised_codes() -> dict[str, set[str]]:
    """Reason code -> the SQLSTATEs it is raised with, across db/functions."""
    codes: dict[str, set[str]] = {}
    for source in SOURCES:
        for _, statement in source.raises():
            detail = re.search(r"\bDETAIL\s*=\s*'([^']*)'", statement, re.IGNORECASE)
            if detail:
                state = re.search(r"\bERRCODE\s*=\s*'([^']*)'", statement, re.IGNORECASE)
                codes.setdefault(detail.group(1), set()).add(state.group(1) if state else "P0001")
        for _, args in source.calls("app_private.raise_invalid"):
            if len(args) == 3 and _literal(args[0]):
                codes.setdefault(_literal(args[0]), set()).add("PT422")
        # A refusal rule (app_private.decide_refusal) returns the reason its callers raise with PT403.
        for match in re.finditer(r"FUNCTION app_private\.\w+_refusal\(.*?\$\$(.*?)\$\$", source.text, re.S):
            for code in re.findall(r"(?:THEN|ELSE) '([a-z_]+\.[a-z_]+)'", match.group(1)):
                codes.setdefault(code, set()).add("PT403")
        # A value checker (app_private.custom_field_problem, auth.custom_field_check) returns the
        # reason in its `reason` column; the trigger that calls it raises it with PT422.
        for match in re.finditer(r"FUNCTION (?:app_private|auth)\.custom_field_\w+\(.*?\$\$(.*?)\$\$", source.text, re.S):
            for code in re.findall(r"\breason := '([a-z_]+\.[a-z_]+)'", match.group(1)):
                codes.setdefault(code, set()).add("PT422")
        # A transition guard (app_private.transition_guard_*) returns the reason and SQLSTATE app.transition raises.
        for match in re.finditer(r"FUNCTION app_private\.transition_guard_\w+\(.*?\$\$(.*?)\$\$", source.text, re.S):
            for code, state in re.findall(r"'reason', '([a-z_]+\.[a-z_]+)', 'sqlstate', '(\w+)'", match.group(1)):
                codes.setdefault(code, set()).add(state)
        # A refused grant returns its error as a row (PT401) instead of raising.
        for _, args in source.calls("app_private.refuse_grant"):
            if len(args) == 3 and _literal(args[1]):
                codes.setdefault(_literal(args[1]), set()).add("PT401")
    return codes


def listed_codes() -> dict[str, str]:
    """Reason code -> SQLSTATE, from the tables of docs/conventions.md's reason code section."""
    text = CONVENTIONS.read_text()
    section = text[text.index("## Errors and reason codes"):]
    section = section[:section.index("\n## ", 5)] if "\n## " in section[5:] else section
    listed: dict[str, str] = {}
    for code, state in re.findall(r"^\|\s*`([^`]+)`\s*\|\s*([0-9A-Z]{5})\s*\|", section, re.MULTILINE):
        assert code not in listed, f"{code} is listed twice in docs/conventions.md"
        listed[code] = state
    return listed


def test_every_raise_exception_names_a_reason():
    missing = [f"{source.name}: {function}: {' '.join(statement.split())[:100]}"
               for source in SOURCES for function, statement in source.raises()
               if not re.search(r"\bDETAIL\s*=", statement, re.IGNORECASE) and function not in NO_DETAIL_ALLOWED]
    assert missing == [], "RAISE EXCEPTION without DETAIL = '<reason.code>':\n" + "\n".join(missing)


def test_every_raise_invalid_names_a_reason():
    wrong = [f"{source.name}: {function}: raise_invalid({', '.join(a[:40] for a in args)})"
             for source in SOURCES for function, args in source.calls("app_private.raise_invalid")
             if len(args) != 3 or not REASON.match(_literal(args[0]) or "")]
    assert wrong == [], "raise_invalid takes (reason, message, hint), the reason a literal code:\n" + "\n".join(wrong)


def test_reason_codes_are_well_formed():
    assert sorted(c for c in raised_codes() if not REASON.match(c)) == []


def test_every_raised_code_is_listed_with_its_sqlstate():
    listed = listed_codes()
    problems = []
    for code, states in sorted(raised_codes().items()):
        if code not in listed:
            problems.append(f"{code} ({', '.join(sorted(states))}) is not listed")
        elif states != {listed[code]}:
            problems.append(f"{code} is raised with {', '.join(sorted(states))} but listed as {listed[code]}")
    assert problems == [], "docs/conventions.md, Errors and reason codes:\n" + "\n".join(problems)


def test_every_listed_code_is_raised():
    assert sorted(set(listed_codes()) - set(raised_codes())) == [], "listed in docs/conventions.md but never raised"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_every_function_declares_its_volatility(source: Source):
    undeclared = [name for name, around in source.definitions()
                  if not re.search(r"\b(IMMUTABLE|STABLE|VOLATILE)\b", around, re.IGNORECASE)]
    assert undeclared == [], f"{source.name}: declare IMMUTABLE, STABLE or VOLATILE: {undeclared}"
