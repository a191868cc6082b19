"""JWT minting and decoding under the claims contract: sub, role, org_id, exp, iat."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt
import psycopg

from pulse.config import Settings
from pulse.database import connection, scalar
from pulse.errors import PulseError

TTL_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_TTL_DAYS = 30


def parse_ttl(text: str) -> int:
    match = re.fullmatch(r"(\d+)([smhd]?)", text.strip())
    if not match or int(match.group(1)) == 0:
        raise PulseError(f"--ttl must look like 90s, 30m, 1h or 7d, got {text!r}")
    seconds = int(match.group(1)) * TTL_UNITS[match.group(2) or "s"]
    if seconds > MAX_TTL_DAYS * TTL_UNITS["d"]:
        raise PulseError(f"--ttl {text} is longer than the {MAX_TTL_DAYS}d a minted token may live")
    return seconds


def claims_for(settings: Settings, email: str, organization_slug: str) -> dict[str, Any]:
    """The database decides who the user is and whether they belong to the tenant."""
    with connection(settings.database_url) as conn:
        try:
            claims: dict[str, Any] = scalar(conn, "select auth.token_claims_for(%s, %s)", [email, organization_slug])
        except psycopg.Error as error:
            raise PulseError(error.diag.message_primary or str(error)) from None
    return claims


def mint(settings: Settings, claims: dict[str, Any], ttl_seconds: int) -> str:
    now = int(time.time())
    return jwt.encode({**claims, "iat": now, "exp": now + ttl_seconds}, settings.jwt_secret, algorithm="HS256")


def decode(settings: Settings, token: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, settings.jwt_secret, algorithms=["HS256"])
    except jwt.PyJWTError as error:
        raise PulseError(f"invalid token: {error}") from None
