"""API contract snapshots: PostgREST's OpenAPI and PostGraphile's SDL, normalized.

Both are generated from the database itself, so `contracts check` needs no
running stack: it starts a private PostgREST on a free port for the OpenAPI
document and prints the GraphQL schema with config/print-schema.mjs.
"""

from __future__ import annotations

import difflib
import json
import os
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx

from pulse import stack
from pulse.config import Settings
from pulse.errors import PulseError

OPENAPI = Path("contracts/openapi.json")
GRAPHQL = Path("contracts/schema.graphql")
REST_TYPES = Path("contracts/clients/rest.ts")
GRAPHQL_TYPES = Path("contracts/clients/graphql.ts")


@dataclass(frozen=True)
class Contracts:
    openapi: str
    graphql: str
    rest_types: str
    graphql_types: str

    def files(self) -> dict[Path, str]:
        return {OPENAPI: self.openapi, GRAPHQL: self.graphql,
                REST_TYPES: self.rest_types, GRAPHQL_TYPES: self.graphql_types}


def normalize_openapi(document: dict) -> str:
    """Sorted keys, fixed indentation, and no address of the server that produced it."""
    document.pop("host", None)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def generate(settings: Settings) -> Contracts:
    port = free_port()
    # The contract is the whole API, whatever an anonymous caller may see of it.
    private = settings.with_values(PULSE_REST_PORT=str(port), PULSE_SERVER_HOST="127.0.0.1",
                                   PULSE_OPENAPI_MODE="ignore-privileges")
    environment = {**os.environ, **private.server_environment()}
    server = next(s for s in stack.servers(private) if s.name == "postgrest")
    log = stack.log_folder(private) / "postgrest.log"
    with log.open("w") as output:
        process = subprocess.Popen(server.command, env=environment, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        stack.wait_until_ready(server, process, log)
        response = httpx.get(f"http://127.0.0.1:{port}/", headers={"Accept": "application/openapi+json"})
        response.raise_for_status()
        openapi = normalize_openapi(response.json())
    finally:
        stack.stop_pids({"postgrest": process.pid})
    printed = subprocess.run(
        [str(settings.root / "node_modules" / ".bin" / "node"), str(settings.root / "config" / "print-schema.mjs")],
        env=environment, capture_output=True, text=True, cwd=settings.root,
    )
    if printed.returncode != 0:
        lines = printed.stderr.strip().splitlines()
        raise PulseError(f"printing the GraphQL schema failed: {lines[-1] if lines else printed.returncode}")
    types = client_types(settings, openapi, printed.stdout)
    return Contracts(openapi=openapi, graphql=printed.stdout, rest_types=types["rest"], graphql_types=types["graphql"])


def client_types(settings: Settings, openapi: str, graphql: str) -> dict[str, str]:
    """TypeScript types for REST and GraphQL clients, generated from the two snapshots (config/client-types.mjs)."""
    generated = subprocess.run(
        [str(settings.root / "node_modules" / ".bin" / "node"), str(settings.root / "config" / "client-types.mjs")],
        input=json.dumps({"openapi": openapi, "graphql": graphql}), capture_output=True, text=True, cwd=settings.root,
    )
    if generated.returncode != 0:
        lines = generated.stderr.strip().splitlines()
        raise PulseError(f"generating the client types failed: {lines[-1] if lines else generated.returncode}")
    return json.loads(generated.stdout)


def snapshot(settings: Settings) -> list[Path]:
    written = []
    for relative, text in generate(settings).files().items():
        path = settings.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(relative)
    return written


def drift(settings: Settings) -> str:
    """A unified diff of committed snapshots against freshly generated ones; empty when equal."""
    chunks = []
    for relative, fresh in generate(settings).files().items():
        path = settings.root / relative
        committed = path.read_text() if path.exists() else ""
        chunks.extend(difflib.unified_diff(
            committed.splitlines(keepends=True), fresh.splitlines(keepends=True),
            fromfile=f"{relative} (committed)", tofile=f"{relative} (database)",
        ))
    return "".join(chunks)
