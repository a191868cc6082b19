"""The webhook event contracts (contracts/events/<domain>/<type>.schema.json, those with `x-webhook`) and which
one an event type follows.

A contract's `x-webhook.event_type` is an event type (`ncr.opened`) or a pattern with one `{placeholder}` for a
part the code fills in (`{entity_type}.state_changed`, `work_order.{transition}`); its file is named after it
without the braces. The events a state machine transition's "event" effect publishes (e.g. `document.released`)
carry the state-change payload.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "contracts" / "events"
STATE_CHANGE = "{entity_type}.state_changed"


def webhook_contracts() -> dict[str, dict]:
    """event type or pattern -> schema."""
    contracts = {}
    for path in sorted(EVENTS.rglob("*.schema.json")):
        schema = json.loads(path.read_text())
        if "x-webhook" in schema:
            contracts[schema["x-webhook"]["event_type"]] = schema | {"x-path": str(path.relative_to(ROOT))}
    return contracts


def pattern(event_type: str) -> re.Pattern[str]:
    return re.compile("".join(r"[a-z_]+" if part.startswith("{") else re.escape(part)
                              for part in re.split(r"(\{[a-z_]+\})", event_type)))


def contract_for(event_type: str, contracts: dict[str, dict], effect_types: set[str] = frozenset()) -> dict | None:
    """The contract an event type follows: its own, else the pattern it matches, else the state change's for a
    transition effect's event."""
    if event_type in contracts:
        return contracts[event_type]
    for name, schema in contracts.items():
        if "{" in name and pattern(name).fullmatch(event_type):
            return schema
    return contracts.get(STATE_CHANGE) if event_type in effect_types else None


# The event types the SQL names in a publish_event call: whole ('ncr.opened'), a prefix the code completes
# ('work_order.' || to_state) or a suffix ('.state_changed').
PUBLISH = re.compile(r"publish_event\((?P<call>.{0,160})", re.S)  # the event type is the second argument
LITERAL = re.compile(r"'(?P<type>\.?[a-z_]+(?:\.[a-z_]+)*\.?)'")


def published_in_sources() -> set[str]:
    found = set()
    for path in (ROOT / "db" / "functions").rglob("*.sql"):
        for call in PUBLISH.finditer(path.read_text()):
            found |= {literal["type"] for literal in LITERAL.finditer(call["call"]) if "." in literal["type"]}
    return found


def has_contract(published: str, contracts: dict[str, dict]) -> bool:
    """A whole event type has its contract; for a prefix or a suffix the code completes, some contract's
    event type (or pattern) starts or ends with it (which completions occur is checked on the demo's events)."""
    if published.endswith("."):
        return any(name.startswith(published) for name in contracts)
    if published.startswith("."):
        return any(name.endswith(published) for name in contracts)
    return contract_for(published, contracts) is not None
