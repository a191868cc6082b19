"""Plan parsing, ids, hashes and `sqitch add` output checked against the real `sqitch`.

The comparison tests build throw-away Sqitch projects with the real CLI and need no
database; they skip only when the `sqitch` executable is absent.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pulse.sqitch.plan import (
    PlanError,
    append_change,
    append_tag,
    canonical_uri,
    check_scripts,
    default_identity,
    load_plan,
    parse_plan,
    rework_change,
    write_script_templates,
)

needs_sqitch = pytest.mark.skipif(shutil.which("sqitch") is None, reason="sqitch is not installed")

PLANNER = ("Ann Planner", "ann@example.com")
HEADER = "%syntax-version=1.0.0\n%project=flipr\n\n"

# Prints, for each planned change, Sqitch's own id, script hash and script paths.
PERL_DUMP = r"""
use strict; use warnings;
use App::Sqitch; use App::Sqitch::Target;
my $target = App::Sqitch::Target->new(sqitch => App::Sqitch->new);
binmode STDOUT, ':encoding(UTF-8)';
for my $change ($target->plan->changes) {
    print join("\t", $change->id, $change->script_hash // '', $change->deploy_file,
               $change->revert_file, $change->verify_file), "\n";
}
"""

HAND_WRITTEN = (
    "# a comment line, then a blank one\n"
    "\n"
    "  spaced   [things]   2024-01-02T03:04:05Z   Zo\u00eb Q. \u00dcnicode   <z@example.org>"
    "   #   spaced note  \n"
    "nonote [spaced !widgets] 2024-01-02T03:04:06Z Bob <bob@example.com>\r\n"
    "dir/nested [nonote] 2024-01-02T03:04:07Z Bob <bob@example.com> # tab\there\n"
)


def sqitch_env(root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir(exist_ok=True)
    return {
        **os.environ,
        "HOME": str(home),
        "SQITCH_FULLNAME": PLANNER[0],
        "SQITCH_EMAIL": PLANNER[1],
        "SQITCH_USER_CONFIG": str(home / "none.conf"),
        "SQITCH_SYSTEM_CONFIG": str(home / "none.conf"),
        "EDITOR": "false",
        "LC_ALL": "C.UTF-8",
    }


def sqitch(project: Path, *args: str) -> str:
    result = subprocess.run(
        ["sqitch", *args],
        cwd=project,
        env=sqitch_env(project.parent),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, (
        f"sqitch {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    )
    return result.stdout


def init_project(root: Path, name: str = "proj") -> Path:
    project = root / name
    project.mkdir()
    sqitch(project, "init", "flipr", "--uri", "HTTPS://Example.COM:443/flipr/", "--engine", "pg")
    return project


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with deps, conflicts, other projects, tags, a rework and odd notes."""
    project = init_project(tmp_path_factory.mktemp("sample"))
    plan_file = project / "sqitch.plan"
    plan_file.write_text(
        plan_file.read_text().replace("https://example.com/", "HTTPS://Example.COM:443/")
    )
    steps = [
        ["add", "appschema", "-n", 'Schema \u2603 for "flipr" # objects.'],
        ["add", "users", "-r", "appschema", "-n", "Users.\\nSecond line \\\\ slash C:\\temp"],
        ["add", "widgets", *["-r", "users", "-r", "appschema", "-x", "other:bad", "-r", "other:thing"]]
        + ["-n", "  padded  ", "-n", "second para"],
        ["tag", "v1.0", "-n", "First release."],
        ["tag", "v1.1", "-n", "Same change, second tag."],
        ["add", "gadgets", "-r", "widgets@v1.0", "-r", "@v1.1", "-n", "gadgets"],
        ["rework", "users", "-n", "Rework users"],
        ["tag", "v2.0", "-n", "Second release."],
        ["add", "things", "-r", "users", "-r", "flipr:gadgets", "-n", "things"],
    ]
    for step in steps:
        sqitch(project, *step)
    with plan_file.open("a", encoding="utf-8", newline="") as plan:
        plan.write(HAND_WRITTEN)
    for name in ("spaced", "nonote", "dir/nested"):
        write_script_templates(project, "flipr", name)
    return project


@needs_sqitch
def test_change_ids_match_sqitch_plan(sample: Path) -> None:
    plan = load_plan(sample / "sqitch.plan")
    listed = sqitch(sample, "plan", "--no-headers", "--format", "format:%H %n%t").splitlines()
    ours = [
        f"{c.id} {c.name}{' ' if c.tags else ''}{', '.join(t.format_name for t in c.tags)}"
        for c in plan.changes
    ]
    assert ours == listed
    assert [c.name for c in plan.changes] == [
        "appschema",
        "users",
        "widgets",
        "gadgets",
        "users",
        "things",
        "spaced",
        "nonote",
        "dir/nested",
    ]


@needs_sqitch
def test_change_and_tag_info_match_sqitch_show(sample: Path) -> None:
    plan = load_plan(sample / "sqitch.plan")
    for change in plan.changes:
        assert sqitch(sample, "show", "change", change.tag_qualified_name) == change.info + "\n"
    assert [t.format_name for t in plan.tags] == ["@v1.0", "@v1.1", "@v2.0"]
    for tag in plan.tags:
        info = sqitch(sample, "show", "tag", tag.name)[:-1]
        assert info == tag.info
        data = info.encode()
        assert tag.id == hashlib.sha1(b"tag %d\0" % len(data) + data).hexdigest()


@needs_sqitch
def test_ids_hashes_and_paths_match_sqitch_internals(sample: Path) -> None:
    plan = load_plan(sample / "sqitch.plan")
    result = subprocess.run(
        ["perl", "-e", PERL_DUMP],
        cwd=sample,
        env=sqitch_env(sample.parent),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    expected = [line.split("\t") for line in result.stdout.splitlines()]
    ours = [
        [
            c.id,
            c.script_hash(sample) or "",
            *(
                str(f(sample).relative_to(sample))
                for f in (c.deploy_file, c.revert_file, c.verify_file)
            ),
        ]
        for c in plan.changes
    ]
    assert ours == expected
    assert ours[1][2] == "deploy/users@v1.0.sql"


@needs_sqitch
def test_parsed_fields(sample: Path) -> None:
    plan = load_plan(sample / "sqitch.plan")
    assert (plan.project, plan.uri, plan.syntax_version) == (
        "flipr",
        "HTTPS://Example.COM:443/flipr/",
        "1.0.0",
    )
    users, widgets, gadgets, reworked, things = (plan.changes[i] for i in (1, 2, 3, 4, 5))
    assert users.note == "Users.\nSecond line \\ slash C:\\temp"
    assert widgets.note == "padded  \n\nsecond para"
    assert [d.as_plan_string() for d in widgets.dependencies] == [
        "users",
        "appschema",
        "other:thing",
        "!other:bad",
    ]
    assert [d.is_external for d in widgets.requires] == [False, False, True]
    assert [t.name for t in widgets.tags] == ["v1.0", "v1.1"]
    assert [d.key_name for d in gadgets.requires] == ["widgets@v1.0", "@v1.1"]
    assert [d.as_string() for d in things.requires] == ["users", "gadgets"]
    assert users.is_reworked and not reworked.is_reworked
    assert reworked.parent is gadgets and reworked.since_tag is plan.tags[1]
    assert plan.find("users") is users
    assert plan.find("users@v2.0") is reworked and plan.find("users@HEAD") is reworked
    assert plan.find("@v1.0") is widgets and plan.find(things.id) is things
    assert plan.find("things^") is reworked and plan.find("@ROOT") is plan.changes[0]
    spaced, nonote, nested = plan.changes[6:]
    assert (spaced.planner_name, spaced.planner_email, spaced.note) == (
        "Zo\u00eb Q. \u00dcnicode  ",
        "z@example.org",
        "spaced note",
    )
    assert nonote.note == "" and nested.note == "tab\there"
    assert nested.deploy_file(sample) == sample / "deploy" / "dir" / "nested.sql"


def test_canonical_uri() -> None:
    assert canonical_uri("HTTPS://Example.COM:443") == "https://example.com/"
    assert canonical_uri("http://Example.COM:80/a%7eb%2fc") == "http://example.com/a~b%2Fc"
    assert canonical_uri("https://example.com:8443") == "https://example.com:8443/"
    assert canonical_uri("git@github.com:Org/x.git") == "git@github.com:Org/x.git"
    assert canonical_uri("https://example.com/\u00fc") == "https://example.com/%C3%BC"


# --- writing: byte-identical to `sqitch add` --------------------------------


@needs_sqitch
@pytest.mark.parametrize(("tagged", "name"), [(False, "next"), (True, "next"), (True, "lab/next")],
                         ids=["after-change", "after-tag", "domain-named"])
def test_append_change_matches_sqitch_add(tmp_path: Path, tagged: bool, name: str) -> None:
    theirs = init_project(tmp_path, "theirs")
    sqitch(theirs, "add", "base", "-n", "base")
    sqitch(theirs, "add", "base2", "-n", "base2")
    if tagged:
        sqitch(theirs, "tag", "v1", "-n", "tag")
    ours = tmp_path / "ours"
    shutil.copytree(theirs, ours)

    requires, conflicts = ["base", "flipr:base2", "other:x"], ["other:bad", "flipr:gone"]
    note = "  Note: tab\t\u2603 \\n escaped \\\\ C:\\temp # hash  "
    sqitch(
        theirs,
        "add",
        name,
        *(f"-r{r}" for r in requires),
        *(f"-x{c}" for c in conflicts),
        "-n",
        note,
    )
    last_line = (theirs / "sqitch.plan").read_text(encoding="utf-8").splitlines()[-1]
    timestamp = re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", last_line).group()

    change = append_change(
        ours / "sqitch.plan", name, requires, conflicts, note, *PLANNER, timestamp
    )
    created = write_script_templates(ours, "flipr", name, requires, conflicts)

    assert last_line.startswith(f"{name} [base base2 other:x !other:bad !gone] ")
    assert (ours / "sqitch.plan").read_bytes() == (theirs / "sqitch.plan").read_bytes()
    assert created == [ours / kind / f"{name}.sql" for kind in ("deploy", "revert", "verify")]
    for kind in ("deploy", "revert", "verify"):
        assert (ours / kind / f"{name}.sql").read_bytes() == (theirs / kind / f"{name}.sql").read_bytes()
    listed = sqitch(theirs, "plan", "--no-headers", "--format", "format:%H").split()
    assert change.id == listed[-1]
    assert change.note == "Note: tab\t\u2603 \n escaped \\ C:\\temp # hash"


@needs_sqitch
@pytest.mark.parametrize("users", ["users", "identity/users"])
def test_append_tag_and_rework_match_sqitch(tmp_path: Path, users: str) -> None:
    theirs = init_project(tmp_path, "theirs")
    sqitch(theirs, "add", "base", "-n", "base")
    sqitch(theirs, "add", users, "-r", "base", "-n", "users")
    (theirs / "revert" / f"{users}.sql").write_text("-- the released revert\n")
    ours = tmp_path / "ours"
    shutil.copytree(theirs, ours)
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

    sqitch(theirs, "tag", "v1.0", "-n", "  First \\n release  ")
    tag_stamp = stamp.findall((theirs / "sqitch.plan").read_text())[-1]
    tag = append_tag(ours / "sqitch.plan", "v1.0", "  First \\n release  ", *PLANNER, tag_stamp)
    assert (ours / "sqitch.plan").read_bytes() == (theirs / "sqitch.plan").read_bytes()
    with pytest.raises(PlanError, match=r'Tag "@v1\.0" already exists'):
        append_tag(ours / "sqitch.plan", "v1.0", "", *PLANNER, tag_stamp)

    sqitch(theirs, "rework", users, "-r", "base", "-n", "Users again")
    rework_stamp = stamp.findall((theirs / "sqitch.plan").read_text())[-1]
    change = rework_change(ours / "sqitch.plan", users, ["base"], "Users again", *PLANNER, rework_stamp)
    assert (ours / "sqitch.plan").read_bytes() == (theirs / "sqitch.plan").read_bytes()
    for path in sorted(theirs.rglob("*.sql")):
        assert (ours / path.relative_to(theirs)).read_bytes() == path.read_bytes(), path
    assert (ours / "revert" / f"{users}@v1.0.sql").read_text() == "-- the released revert\n"
    listed = sqitch(theirs, "plan", "--no-headers", "--format", "format:%H").split()
    assert [change.id, tag.id] == [listed[-1], load_plan(ours / "sqitch.plan").tags[-1].id]
    with pytest.raises(PlanError, match="without an intervening tag"):
        rework_change(ours / "sqitch.plan", users, [], "", *PLANNER, rework_stamp)


@needs_sqitch
def test_append_change_refuses_what_sqitch_could_not_read_back(tmp_path: Path) -> None:
    """`sqitch add -r x@HEAD` writes a plan Sqitch then rejects; we refuse to write it."""
    theirs = init_project(tmp_path, "theirs")
    sqitch(theirs, "add", "base", "-n", "base")
    ours = tmp_path / "ours"
    shutil.copytree(theirs, ours)
    sqitch(theirs, "add", "next", "-r", "base@HEAD", "-n", "n")
    broken = subprocess.run(
        ["sqitch", "plan"],
        cwd=theirs,
        env=sqitch_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode != 0 and 'Unknown change "base@HEAD"' in broken.stderr
    before = (ours / "sqitch.plan").read_bytes()
    with pytest.raises(PlanError, match='Unknown change "base@HEAD"'):
        append_change(ours / "sqitch.plan", "next", ["base@HEAD"], [], "n", *PLANNER)
    assert (ours / "sqitch.plan").read_bytes() == before


def test_append_change_refuses_invalid_changes(tmp_path: Path) -> None:
    path = tmp_path / "sqitch.plan"
    path.write_text(HEADER + "a 2024-01-01T00:00:00Z P <p@x>\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(PlanError, match='requires unknown change "nope"'):
        append_change(path, "b", ["nope"], [], "n", *PLANNER)
    with pytest.raises(PlanError, match="already exists"):
        append_change(path, "a", [], [], "n", *PLANNER)
    with pytest.raises(PlanError, match="reserved name"):
        append_change(path, "HEAD", [], [], "n", *PLANNER)
    with pytest.raises(PlanError, match="invalid"):
        append_change(path, "bad name", [], [], "n", *PLANNER)
    assert path.read_bytes() == before
    change = append_change(path, "b", ["a"], [], "", *PLANNER, "2024-01-02T00:00:00Z")
    assert path.read_text().endswith("\nb [a] 2024-01-02T00:00:00Z Ann Planner <ann@example.com>\n")
    assert change.parent is not None and change.parent.name == "a"


# --- validation ----------------------------------------------------------------


def plan_text(*lines: str) -> str:
    return HEADER + "".join(f"{line}\n" for line in lines)


def entry(name: str, deps: str = "") -> str:
    return f"{name} {deps + ' ' if deps else ''}2024-01-01T00:00:00Z P <p@x>"


INVALID_PLANS = {
    "unknown-dependency": (
        plan_text(entry("a"), entry("b", "[nope]")),
        r'Unknown change "nope" required by change "b"',
    ),
    "forward-dependency": (
        plan_text(entry("a", "[c]"), entry("b"), entry("c")),
        r'Change "a" planned 2 changes before required change "c"',
    ),
    "cycle": (
        plan_text(entry("a", "[b]"), entry("b", "[a]")),
        r"Dependency cycle detected: a -> b -> a",
    ),
    "long-cycle": (
        plan_text(entry("x"), entry("a", "[c x]"), entry("b", "[a]"), entry("c", "[b]")),
        r"Dependency cycle detected: a -> c -> b -> a",
    ),
    "self": (plan_text(entry("a", "[a]")), r'Change "a" cannot require itself'),
    "duplicate-change": (
        plan_text(entry("a"), entry("b"), entry("a")),
        r'line 6: Change "a" duplicates earlier declaration on line 4',
    ),
    "missing-planner": (
        plan_text(entry("a"), "b 2024-01-01T00:00:00Z"),
        r"line 5: Missing planner name and email",
    ),
    "bad-name": (plan_text(entry("a"), entry("b!")), r"line 5: Invalid name"),
    "tag-first": (
        plan_text("@v1 2024-01-01T00:00:00Z P <p@x>"),
        r'line 4: Tag "v1" declared without a preceding change',
    ),
    "duplicate-dependency": (
        plan_text(entry("a"), entry("b", "[a a]")),
        r'line 5: Duplicate dependency "a"',
    ),
    "no-blank-after-pragmas": (
        "%project=flipr\n" + entry("a") + "\n",
        r"line 2: Invalid pragma; a blank line must come between",
    ),
}


@pytest.mark.parametrize("text, message", INVALID_PLANS.values(), ids=INVALID_PLANS.keys())
def test_invalid_plans_raise(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sqitch.plan"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match=message) as raised:
        load_plan(path)
    if "line" in message:
        assert str(raised.value).startswith(f"Syntax error in {path} at line ")


@needs_sqitch
@pytest.mark.parametrize("text", [t for t, _ in INVALID_PLANS.values()], ids=INVALID_PLANS.keys())
def test_sqitch_also_rejects_invalid_plans(tmp_path: Path, text: str) -> None:
    (tmp_path / "sqitch.plan").write_text(text, encoding="utf-8")
    (tmp_path / "sqitch.conf").write_text("[core]\n\tengine = pg\n", encoding="utf-8")
    result = subprocess.run(
        ["sqitch", "plan"],
        cwd=tmp_path,
        env=sqitch_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


def test_valid_reworks_and_tag_dependencies() -> None:
    plan = parse_plan(
        plan_text(
            entry("a"),
            "@v1 2024-01-01T00:00:00Z P <p@x>",
            entry("b", "[a@v1 @v1 other:z 0123456789abcdef0123456789abcdef01234567]"),
            entry("a", "[a@v1]"),
            "@v2 2024-01-01T00:00:00Z P <p@x>",
            entry("c", "[a]"),
        )
    )
    first, b, second, c = plan.changes
    assert first.rework_tags == [plan.tags[0]] and first.tag_qualified_name == "a@v1"
    assert second.tag_qualified_name == "a@v2"
    assert plan.resolve_dependency(c.requires[0]) is first
    assert b.requires[3].is_external
    with pytest.raises(PlanError, match="ambiguous"):
        plan.index_of("a")


def test_unknown_change() -> None:
    plan = parse_plan(plan_text(entry("a")))
    with pytest.raises(PlanError, match=r"^unknown change: nope$"):
        plan.find("nope")


def test_check_scripts(tmp_path: Path) -> None:
    (tmp_path / "sqitch.plan").write_text(plan_text(entry("a"), entry("b")), encoding="utf-8")
    write_script_templates(tmp_path, "flipr", "a")
    write_script_templates(tmp_path, "flipr", "b")
    plan = load_plan(tmp_path / "sqitch.plan")
    check_scripts(plan, tmp_path)
    (tmp_path / "verify" / "b.sql").unlink()
    (tmp_path / "deploy" / "a.sql").unlink()
    with pytest.raises(PlanError) as raised:
        check_scripts(plan, tmp_path)
    assert "deploy/a.sql (deploy script of a@HEAD)" in str(raised.value)
    assert "verify/b.sql (verify script of b@HEAD)" in str(raised.value)
    with pytest.raises(PlanError, match=r"deploy/a\.sql") as raised:
        check_scripts(plan, tmp_path, verify=False)
    assert "verify/b.sql" not in str(raised.value)


def test_default_identity_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQITCH_FULLNAME", "Env Name")
    monkeypatch.setenv("SQITCH_EMAIL", "env@example.com")
    assert default_identity() == ("Env Name", "env@example.com")
