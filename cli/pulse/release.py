"""Released changes stay as released: `pulse db tag` records the SHA-1 of every deploy
script the new tag covers in db/migrations/released.sha1, and `pulse db check` (run by CI)
fails when one of those scripts differs. A released change is fixed by a new change or a
rework, never by editing its script (a database that deployed it would never see the edit).

Each line is `<sha1>  <change>@<tag>`: the change as of the tag that released it, so the
entry still names the released instance (its script then `deploy/<change>@<tag>.sql`) after
a rework. The SHA-1 is Sqitch's script_hash: that of the deploy script's bytes.
"""

from __future__ import annotations

from pathlib import Path

from pulse.errors import PulseError
from pulse.sqitch.plan import Plan, PlanError, Tag, append_tag, load_plan

MANIFEST = "released.sha1"
HEADER = ("# SHA-1 of the deploy script of every released change (`<sha1>  <change>@<tag>`), as Sqitch hashes it.\n"
          "# Written by `pulse db tag`; `pulse db check` (run by CI) fails when a released script is edited.\n")


def read_manifest(top_dir: Path) -> dict[str, str]:
    """{`change@tag`: sha1} from the manifest; {} when nothing was released yet."""
    path = top_dir / MANIFEST
    if not path.exists():
        return {}
    entries = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 40:
            raise PulseError(f"{path}:{number}: expected `<sha1>  <change>@<tag>`")
        entries[parts[1]] = parts[0]
    return entries


def tag_release(top_dir: Path, name: str, note: str) -> Tag:
    """`pulse db tag`: tag the last change as `sqitch tag` does and record the scripts it releases."""
    problems = check_released(top_dir)
    if problems:
        raise PulseError(f"cannot tag: {problems[0]}")
    try:
        tag = append_tag(top_dir / "sqitch.plan", name, note)
        plan = load_plan(top_dir / "sqitch.plan")
    except PlanError as error:
        raise PulseError(str(error).splitlines()[0]) from None
    released = _released_ids(plan, read_manifest(top_dir))
    lines = [f"{change.script_hash(top_dir)}  {change.name}{tag.format_name}\n"
             for change in plan.changes if change.id not in released]
    path = top_dir / MANIFEST
    existing = path.read_text() if path.exists() else HEADER
    path.write_text(existing + "".join(lines))
    return tag


def check_released(top_dir: Path) -> list[str]:
    """One line per released deploy script that was edited, and per tagged change not in the manifest."""
    try:
        plan = load_plan(top_dir / "sqitch.plan")
    except PlanError as error:
        raise PulseError(str(error).splitlines()[0]) from None
    entries = read_manifest(top_dir)
    problems = []
    for key, sha1 in entries.items():
        try:
            index = plan.index_of(key)
        except PlanError:
            index = None
        if index is None:
            problems.append(f"{MANIFEST} names {key}, which the plan no longer has: released changes stay planned")
            continue
        change = plan.changes[index]
        if change.script_hash(top_dir) != sha1:
            script = change.deploy_file(top_dir).relative_to(top_dir.parent.parent)
            problems.append(f"{script} was released in {key} and has been edited since: restore it and put "
                            "the fix in a new change (`pulse db new`) or a rework (`pulse db rework`)")
    last_tagged = max((index for index, change in enumerate(plan.changes) if change.tags), default=-1)
    released = _released_ids(plan, entries)
    for change in plan.changes[: last_tagged + 1]:
        if change.id not in released:
            problems.append(f"{change.tag_qualified_name} is tagged but not in {MANIFEST}: "
                            "tag releases with `pulse db tag`")
    return problems


def _released_ids(plan: Plan, entries: dict[str, str]) -> set[str]:
    ids = set()
    for key in entries:
        try:
            index = plan.index_of(key)
        except PlanError:
            index = None
        if index is not None:
            ids.add(plan.changes[index].id)
    return ids
