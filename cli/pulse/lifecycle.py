"""Bringing a database to life: the server, the schema, and its share of the configuration."""

from __future__ import annotations

import psycopg
from psycopg import sql

from pulse import console
from pulse.cluster import Cluster
from pulse.config import Mail, ObjectStorage, Settings
from pulse.database import TEST_EXTENSIONS, connection, create_database, database_exists, drop_database, require_extensions, scalar
from pulse.errors import PulseError
from pulse.migrate import Migrator
from pulse.seed import seed


def ensure_database(config: Settings) -> bool:
    """Start the local cluster and create the database when needed; True if the cluster was started."""
    started = False
    if not config.external:
        with console.step(f"PostgreSQL on {config.get('PULSE_DB_HOST')}:{config.db_port}"):
            started = Cluster(config).start()
        if not database_exists(config.url_for_database("postgres"), config.database_name):
            create_database(config.url_for_database("postgres"), config.database_name)
    return started


def configure_database(config: Settings, url: str | None = None) -> None:
    """Hand the database its share of the one configuration: the JWT secret the
    sign-in functions sign with, the object storage it signs URLs for (when
    configured), and the password the servers log in with."""
    with connection(url or config.database_url, autocommit=True) as conn:
        if scalar(conn, "select to_regclass('app_private.token_settings') is not null"):
            conn.execute(
                "insert into app_private.token_settings (jwt_secret) values (%s)"
                " on conflict (singleton) do update set jwt_secret = excluded.jwt_secret", [config.jwt_secret])
        storage = config.object_storage
        migrated = conn.execute("select to_regclass('app_private.object_storage') is not null").fetchone()
        if storage and migrated and migrated[0]:
            configure_object_storage(conn, storage)
        mail = config.mail
        if mail and scalar(conn, "select to_regclass('app_private.email_settings') is not null"):
            configure_mail(conn, mail)
        if config.values.get("PULSE_AUTHENTICATOR_URL"):
            return
        if authenticator_logs_in(config):
            return  # a role belongs to the whole server: rewriting it would race other checkouts' runs for nothing
        password = config.secret("PULSE_AUTHENTICATOR_PASSWORD")
        try:
            conn.execute(sql.SQL("alter role authenticator with login password {}").format(sql.Literal(password)))
        except psycopg.Error as error:
            raise PulseError(f"cannot set the authenticator password: {error.diag.message_primary}; "
                             "set PULSE_AUTHENTICATOR_URL to a login that can SET ROLE to the API roles") from None


def authenticator_logs_in(config: Settings) -> bool:
    """The servers' login already works with this checkout's password."""
    try:
        psycopg.connect(config.direct_authenticator_url, connect_timeout=5).close()
    except psycopg.OperationalError:
        return False
    return True


def configure_object_storage(conn: psycopg.Connection, storage: ObjectStorage) -> None:
    """Write the bucket's settings into app_private.object_storage (a refused value is one line)."""
    try:
        conn.execute(
            "insert into app_private.object_storage"
            " (endpoint, public_endpoint, region, bucket, access_key_id, secret_access_key) values (%s, %s, %s, %s, %s, %s)"
            " on conflict (singleton) do update set endpoint = excluded.endpoint, public_endpoint = excluded.public_endpoint,"
            " region = excluded.region, bucket = excluded.bucket, access_key_id = excluded.access_key_id,"
            " secret_access_key = excluded.secret_access_key, updated_at = now()",
            [storage.endpoint, storage.public_endpoint, storage.region, storage.bucket, storage.access_key_id,
             storage.secret_access_key])
    except psycopg.errors.CheckViolation as error:
        raise PulseError(f"object storage settings refused ({error.diag.constraint_name}): check PULSE_S3_*") from None


def configure_mail(conn: psycopg.Connection, mail: Mail) -> None:
    """Write the SMTP server and sender into app_private.email_settings (the unsubscribe key stays; a refused value is one line)."""
    try:
        conn.execute(
            "insert into app_private.email_settings (smtp_host, smtp_port, smtp_security, smtp_username, smtp_password, from_address,"
            " unsubscribe_url, app_url) values (%s, %s, %s, %s, %s, %s, %s, %s)"
            " on conflict (singleton) do update set smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port,"
            " smtp_security = excluded.smtp_security, smtp_username = excluded.smtp_username, smtp_password = excluded.smtp_password,"
            " from_address = excluded.from_address, unsubscribe_url = excluded.unsubscribe_url, app_url = excluded.app_url,"
            " updated_at = now()",
            [mail.host, mail.port, mail.security, mail.username, mail.password, mail.from_address, mail.unsubscribe_url, mail.app_url])
    except psycopg.errors.CheckViolation as error:
        raise PulseError(f"e-mail settings refused ({error.diag.constraint_name}): check PULSE_SMTP_* and PULSE_APP_URL") from None


def migrate_database(config: Settings, to: str | None = None) -> list[str]:
    deployed = Migrator(config).deploy(to=to)
    configure_database(config)
    return deployed


def require_migrated(config: Settings) -> None:
    """Refuse at once, in one line, when the database is unreachable or behind the plan,
    instead of starting servers against it."""
    pending = Migrator(config).status().pending
    if pending:
        raise PulseError(f"database {config.database_name} is not fully migrated ({len(pending)} change(s) pending, "
                         f"from {pending[0].name}): run `pulse db migrate`")


def build_test_template(config: Settings, name: str) -> str:
    """(Re)create the database every test database is copied from: migrated, reference data,
    the test extensions and every db/tests/fixtures/*.sql, no demo data. Returns its URL."""
    admin = config.url_for_database("postgres")
    drop_database(admin, name)
    create_database(admin, name)
    url = config.url_for_database(name)
    with connection(url, autocommit=True) as conn:
        require_extensions(conn, TEST_EXTENSIONS)
        for extension in TEST_EXTENSIONS:
            conn.execute(f"create extension if not exists {extension}")
    Migrator(config, url=url).deploy()
    seed(config, demo=False, url=url)
    with connection(url, autocommit=True) as conn:
        for fixture in sorted((config.root / "db" / "tests" / "fixtures").glob("*.sql")):
            conn.execute(fixture.read_text())
    configure_database(config, url)
    return url
