"""A change's dependencies on another Sqitch project resolve against the registry as Sqitch's
`change_id_for` does: a bare name is its earliest deploy, `@HEAD`/`@ROOT` the last/first
change, `change@tag` the change as of the tag, `@tag` the tagged change."""

from __future__ import annotations

import psycopg
import pytest

from pulse.sqitch import registry
from pulse.sqitch.plan import Change, Plan, parse_plan

WHO = ("Pulse Test", "test@pulse.test")


def plan(project: str, *entries: str) -> Plan:
    return parse_plan(f"%syntax-version=1.0.0\n%project={project}\n\n" + "".join(f"{line}\n" for line in entries))


OTHER = plan("other",
             "base 2024-01-01T00:00:00Z P <p@x> # first",
             "@v1 2024-01-01T00:00:01Z P <p@x> # released",
             "next [base] 2024-01-01T00:00:02Z P <p@x> # second")


@pytest.fixture
def conn(database_url):
    """A database where the project `other` deployed both its changes."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        registry.ensure_registry(conn, OTHER, *WHO)
        for change in OTHER.changes:
            registry.record_deploy(conn, OTHER, change, None, *WHO)
        yield conn


def needing(*deps: str) -> tuple[Plan, Change]:
    mine = plan("mine", f"uses [{' '.join(deps)}] 2024-02-01T00:00:00Z P <p@x> # needs other")
    return mine, mine.changes[0]


def test_each_kind_of_spec_names_the_change_sqitch_names(conn):
    base, next_ = (change.id for change in OTHER.changes)
    specs = {"other:base": base, "other:base@v1": base, "other:next@HEAD": next_, "other:@v1": base,
             "other:@HEAD": next_, "other:@ROOT": base, f"other:{next_}": next_}
    mine, change = needing(*specs)
    assert registry.check_dependencies(conn, mine, change) == specs


def test_what_is_missing_or_conflicts_is_named_in_sqitchs_words(conn):
    mine, change = needing("other:nope", "other:@v9", "other:base@ROOT", "!other:next")
    with pytest.raises(registry.RegistryError) as refused:
        registry.check_dependencies(conn, mine, change)
    assert str(refused.value).splitlines() == [
        "Conflicts with previously deployed change: other:next",
        "Missing required changes: other:nope other:@v9 other:base@ROOT",
    ]
