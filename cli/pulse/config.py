"""One configuration source for the CLI, PostgREST and PostGraphile.

Precedence, highest first: environment variables, the project's `.env`,
the project's `pulse.toml`, then defaults. Secrets that are not given are
generated once per checkout and kept in `.pulse/` (gitignored).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from pulse.errors import PulseError

DEFAULTS = {
    "PULSE_DB_HOST": "127.0.0.1",
    "PULSE_DB_PORT": "54320",
    "PULSE_DB_NAME": "pulse",
    "PULSE_DB_SCHEMA": "app",
    "PULSE_DB_ANON_ROLE": "anon",
    "PULSE_SERVER_HOST": "127.0.0.1",
    "PULSE_REST_PORT": "3000",
    "PULSE_GRAPHQL_PORT": "5678",
    # Cost limits (docs/security.md, "Limits"). PostgREST reads the first two;
    # the GraphQL server the rest (config/graphile/limits.mjs). Statement timeouts of
    # REST requests are settings of the API roles (migration
    # api_statement_timeouts); the GraphQL server applies its own per request.
    "PULSE_DB_MAX_ROWS": "1000",
    "PULSE_OPENAPI_MODE": "follow-privileges",
    "PULSE_GRAPHQL_STATEMENT_TIMEOUT": "5s",
    "PULSE_GRAPHQL_MAX_DEPTH": "10",
    "PULSE_GRAPHQL_MAX_ALIASES": "20",
    "PULSE_GRAPHQL_MAX_COST": "50000",
    "PULSE_GRAPHQL_MAX_PAGE_SIZE": "100",
    "PULSE_GRAPHQL_DEFAULT_PAGE_SIZE": "100",
    # Object storage (S3-compatible) for document files: set PULSE_S3_ENDPOINT and the rest to use it.
    "PULSE_S3_REGION": "us-east-1",
    "PULSE_S3_BUCKET": "pulse",
    # Connection pooling (docs/scaling.md, "Pooling"): `pulse up --pool` or PULSE_POOL=true puts PgBouncer
    # (transaction mode) on PULSE_POOL_PORT between the servers and the database, PULSE_POOL_SIZE server
    # connections per database.
    # Slow statements in the local cluster's log (`pulse db start`, docs/operations.md): durations, -1 for never.
    "PULSE_DB_LOG_SLOWER_THAN": "500ms",
    "PULSE_DB_LOG_PLANS_SLOWER_THAN": "2s",
    "PULSE_POOL": "false",
    "PULSE_POOL_PORT": "6432",
    "PULSE_POOL_SIZE": "10",
    # DNS servers the worker asks for custom domain verification records (config/worker/tasks/domain_verify.mjs),
    # comma-separated host[:port]; empty: the system's resolvers.
    "PULSE_DNS_RESOLVER": "",
}

LIMIT_SETTINGS = (
    "PULSE_DB_MAX_ROWS", "PULSE_OPENAPI_MODE", "PULSE_GRAPHQL_STATEMENT_TIMEOUT", "PULSE_GRAPHQL_MAX_DEPTH",
    "PULSE_GRAPHQL_MAX_ALIASES", "PULSE_GRAPHQL_MAX_COST", "PULSE_GRAPHQL_MAX_PAGE_SIZE",
    "PULSE_GRAPHQL_DEFAULT_PAGE_SIZE",
)

GENERATED_SECRETS = {
    "PULSE_JWT_SECRET": "jwt-secret",
    "PULSE_AUTHENTICATOR_PASSWORD": "authenticator-password",
    "PULSE_SUPERUSER_PASSWORD": "superuser-password",
}


def find_root() -> Path:
    """The checkout: PULSE_ROOT, else the nearest folder up from here holding the plan."""
    if explicit := os.environ.get("PULSE_ROOT"):
        return Path(explicit).resolve()
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "db" / "migrations" / "sqitch.plan").is_file():
            return folder
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / "db" / "migrations" / "sqitch.plan").is_file():
        return package_root
    raise PulseError("not inside a Pulse checkout (no db/migrations/sqitch.plan found); set PULSE_ROOT")


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines, comments and an `export ` prefix are allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            raise PulseError(f"{path}:{number}: expected KEY=VALUE")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def read_toml(path: Path) -> dict[str, str]:
    """`pulse.toml` keys are the variable names without `PULSE_`, lower case: `rest_port = 3000`."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise PulseError(f"{path}: {error}") from None
    values = {}
    for key, value in data.items():
        name = key.upper()
        values[name if name == "DATABASE_URL" else f"PULSE_{name}"] = str(value)
    return values


@dataclass(frozen=True)
class ObjectStorage:
    """The S3-compatible bucket the database signs URLs for (app_private.object_storage)."""

    endpoint: str
    public_endpoint: str | None
    region: str
    bucket: str
    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True)
class Mail:
    """The SMTP server notification e-mail goes out through (app_private.email_settings)."""

    host: str
    port: int
    security: str
    username: str | None
    password: str | None
    from_address: str
    unsubscribe_url: str
    app_url: str | None


@dataclass(frozen=True)
class Settings:
    root: Path
    values: dict[str, str]

    @classmethod
    def load(cls, root: Path | None = None) -> Settings:
        root = root or find_root()
        values = {**DEFAULTS, **read_toml(root / "pulse.toml"), **read_dotenv(root / ".env")}
        values.update({k: v for k, v in os.environ.items() if k.startswith("PULSE_") or k == "DATABASE_URL"})
        return cls(root=root, values=values)

    def with_values(self, **overrides: str) -> Settings:
        """The same configuration with some values replaced (another database, other ports)."""
        return Settings(root=self.root, values={**self.values, **overrides})

    def get(self, name: str) -> str:
        return self.values[name]

    def port(self, name: str) -> int:
        raw = self.values[name]
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise PulseError(f"{name} must be a TCP port number, got {raw!r}")
        return int(raw)

    @property
    def home(self) -> Path:
        return self.root / ".pulse"

    @property
    def external(self) -> bool:
        """True when DATABASE_URL points every command at an existing server."""
        return bool(self.values.get("DATABASE_URL"))

    def secret(self, name: str) -> str:
        """A secret from the configuration, else the one generated for this checkout."""
        if value := self.values.get(name):
            return value
        path = self.home / GENERATED_SECRETS[name]
        if not path.exists():
            self.home.mkdir(mode=0o755, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()

    @cached_property
    def jwt_secret(self) -> str:
        secret = self.secret("PULSE_JWT_SECRET")
        if len(secret) < 32:
            raise PulseError("PULSE_JWT_SECRET must be at least 32 characters (PostgREST requires it)")
        return secret

    @property
    def object_storage(self) -> ObjectStorage | None:
        """PULSE_S3_ENDPOINT (where the workers reach the store), PULSE_S3_PUBLIC_ENDPOINT (where clients do,
        when different), PULSE_S3_REGION, PULSE_S3_BUCKET, PULSE_S3_ACCESS_KEY_ID, PULSE_S3_SECRET_ACCESS_KEY;
        None when no endpoint is configured."""
        endpoint = self.values.get("PULSE_S3_ENDPOINT", "").rstrip("/")
        if not endpoint:
            return None
        missing = [name for name in ("PULSE_S3_ACCESS_KEY_ID", "PULSE_S3_SECRET_ACCESS_KEY") if not self.values.get(name)]
        if missing:
            raise PulseError(f"PULSE_S3_ENDPOINT is set but {' and '.join(missing)} is not")
        return ObjectStorage(
            endpoint=endpoint, public_endpoint=self.values.get("PULSE_S3_PUBLIC_ENDPOINT", "").rstrip("/") or None,
            region=self.get("PULSE_S3_REGION"), bucket=self.get("PULSE_S3_BUCKET"),
            access_key_id=self.get("PULSE_S3_ACCESS_KEY_ID"), secret_access_key=self.get("PULSE_S3_SECRET_ACCESS_KEY"))

    @property
    def mail(self) -> Mail | None:
        """PULSE_SMTP_HOST, PULSE_SMTP_PORT (587), PULSE_SMTP_SECURITY (starttls, tls or none), PULSE_SMTP_USERNAME,
        PULSE_SMTP_PASSWORD, PULSE_SMTP_FROM, PULSE_SMTP_UNSUBSCRIBE_URL (with {token}; by default the REST API's
        unsubscribe_email call) and PULSE_APP_URL (where notification links point); None when no host is configured."""
        host = self.values.get("PULSE_SMTP_HOST", "").strip()
        if not host:
            return None
        raw_port = self.values.get("PULSE_SMTP_PORT", "587")
        if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
            raise PulseError(f"PULSE_SMTP_PORT must be a TCP port number, got {raw_port!r}")
        security = self.values.get("PULSE_SMTP_SECURITY", "starttls").strip().lower()
        if security not in ("starttls", "tls", "none"):
            raise PulseError(f"PULSE_SMTP_SECURITY must be starttls, tls or none, got {security!r}")
        unsubscribe = self.values.get("PULSE_SMTP_UNSUBSCRIBE_URL") or f"{self.rest_url}/rpc/unsubscribe_email?token={{token}}"
        if "{token}" not in unsubscribe:
            raise PulseError("PULSE_SMTP_UNSUBSCRIBE_URL must hold {token}")
        return Mail(host=host, port=int(raw_port), security=security, username=self.values.get("PULSE_SMTP_USERNAME") or None,
                    password=self.values.get("PULSE_SMTP_PASSWORD") or None,
                    from_address=self.values.get("PULSE_SMTP_FROM") or "Pulse <notifications@pulse.local>",
                    unsubscribe_url=unsubscribe, app_url=self.values.get("PULSE_APP_URL") or None)

    @property
    def db_port(self) -> int:
        return self.port("PULSE_DB_PORT")

    @property
    def rest_port(self) -> int:
        return self.port("PULSE_REST_PORT")

    @property
    def graphql_port(self) -> int:
        return self.port("PULSE_GRAPHQL_PORT")

    @property
    def server_host(self) -> str:
        return self.get("PULSE_SERVER_HOST")

    @property
    def schema(self) -> str:
        return self.get("PULSE_DB_SCHEMA")

    @property
    def database_url(self) -> str:
        """The owner's connection: DATABASE_URL, else the project-local cluster's superuser."""
        if self.external:
            return self.values["DATABASE_URL"]
        password = quote(self.secret("PULSE_SUPERUSER_PASSWORD"), safe="")
        host, port, name = self.get("PULSE_DB_HOST"), self.db_port, self.get("PULSE_DB_NAME")
        return f"postgresql://postgres:{password}@{host}:{port}/{name}"

    def url_for_database(self, name: str) -> str:
        """The owner's connection string pointed at another database on the same server."""
        parts = urlsplit(self.database_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    @property
    def database_name(self) -> str:
        return urlsplit(self.database_url).path.lstrip("/") or "postgres"

    @property
    def direct_authenticator_url(self) -> str:
        """The authenticator role on the owner's server itself (PULSE_AUTHENTICATOR_URL when given)."""
        if explicit := self.values.get("PULSE_AUTHENTICATOR_URL"):
            return explicit
        parts = urlsplit(self.database_url)
        password = quote(self.secret("PULSE_AUTHENTICATOR_PASSWORD"), safe="")
        netloc = f"authenticator:{password}@{parts.hostname}:{parts.port or 5432}"
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def pooled(self) -> bool:
        """PULSE_POOL: request traffic goes through PgBouncer (docs/scaling.md, "Pooling")."""
        raw = self.values.get("PULSE_POOL", "false").strip().lower()
        if raw not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
            raise PulseError(f"PULSE_POOL must be true or false, got {raw!r}")
        return raw in ("true", "1", "yes", "on")

    @property
    def pool_port(self) -> int:
        return self.port("PULSE_POOL_PORT")

    @property
    def pool_size(self) -> int:
        raw = self.values.get("PULSE_POOL_SIZE", "10")
        if not raw.isdigit() or not 0 < int(raw) <= 1000:
            raise PulseError(f"PULSE_POOL_SIZE must be a number of connections from 1 to 1000, got {raw!r}")
        return int(raw)

    @property
    def authenticator_url(self) -> str:
        """What PostgREST and PostGraphile run requests on: the authenticator role, through the pool when
        PULSE_POOL is on, else on the owner's server directly."""
        direct = self.direct_authenticator_url
        if not self.pooled:
            return direct
        parts = urlsplit(direct)
        userinfo = parts.netloc.rpartition("@")[0]
        return urlunsplit(parts._replace(netloc=f"{userinfo}@{self.server_host}:{self.pool_port}"))

    def server_environment(self) -> dict[str, str]:
        """The variables config/postgrest.conf and config/graphile/ (settings.mjs, limits.mjs) read."""
        return {
            "PULSE_AUTHENTICATOR_URL": self.authenticator_url,
            # What needs a session (PostGraphile's LISTEN for subscriptions) connects directly, pool or not.
            "PULSE_LISTEN_URL": self.direct_authenticator_url,
            # Behind a transaction pool PostgREST prepares no statements and listens on no channel.
            "PULSE_REST_PREPARED_STATEMENTS": str(not self.pooled).lower(),
            "PULSE_REST_CHANNEL_ENABLED": str(not self.pooled).lower(),
            # ... and PostGraphile (@dataplan/pg) none either: 0 turns its named-statement cache off.
            "DATAPLAN_PG_PREPARED_STATEMENT_CACHE_SIZE": "0" if self.pooled else "100",
            "PULSE_JWT_SECRET": self.jwt_secret,
            "PULSE_DB_SCHEMA": self.schema,
            "PULSE_DB_ANON_ROLE": self.get("PULSE_DB_ANON_ROLE"),
            "PULSE_SERVER_HOST": self.server_host,
            "PULSE_REST_PORT": str(self.rest_port),
            "PULSE_GRAPHQL_PORT": str(self.graphql_port),
            "GRAPHILE_ENV": self.values.get("GRAPHILE_ENV", "development"),
            **{name: self.get(name) for name in LIMIT_SETTINGS},
        }

    @property
    def rest_url(self) -> str:
        return f"http://{self.server_host}:{self.rest_port}"

    @property
    def graphql_url(self) -> str:
        return f"http://{self.server_host}:{self.graphql_port}/graphql"

    @property
    def graphiql_url(self) -> str:
        return f"http://{self.server_host}:{self.graphql_port}/graphiql"
