"""PgBouncer in transaction mode in front of the database, for `pulse up --pool` (PULSE_POOL).

Request traffic (PostgREST, PostGraphile's queries) goes through the pool: each request is one
transaction, and both servers set the role and the claims with SET LOCAL / set_config(..., true),
so nothing outlives the transaction that set it. What needs a session keeps a direct connection:
PostGraphile's LISTEN for subscriptions (PULSE_LISTEN_URL), the job worker (LISTEN and session
advisory locks), the CLI's migrations. See docs/scaling.md, "Pooling".

The configuration is written on every start under `.pulse/pgbouncer/<rest port>/`: pgbouncer.ini and
an auth_file holding the authenticator's SCRAM secret as the server stores it (read from pg_authid
with the owner's connection), so no password is written anywhere new: PgBouncer checks clients with
it and, the client having proven the password with SCRAM, logs in to the server with the same keys.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pulse.config import Settings
from pulse.database import connection, scalar
from pulse.errors import PulseError

PGBOUNCER = "pgbouncer"

INI = """;; Written by `pulse up --pool` on every start (edits are overwritten).
[databases]
;; any database name: the same database on the server the CLI migrates
* = host={host} port={port}

[pgbouncer]
listen_addr = {listen_host}
listen_port = {listen_port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {auth_file}
;; a server connection belongs to a client for one transaction only
pool_mode = transaction
default_pool_size = {pool_size}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 500
;; what drivers send that PgBouncer would otherwise refuse
ignore_startup_parameters = extra_float_digits
server_check_query = select 1
log_connections = 0
log_disconnections = 0
"""


def binary() -> str:
    found = shutil.which(PGBOUNCER) or next((p for p in ("/usr/sbin/pgbouncer",) if Path(p).exists()), None)
    if not found:
        raise PulseError("PULSE_POOL is on but pgbouncer is not installed: apt-get install -y pgbouncer")
    return found


def folder(settings: Settings) -> Path:
    return settings.home / "pgbouncer" / str(settings.rest_port)


def write_config(settings: Settings) -> Path:
    """pgbouncer.ini and its auth_file for this stack; the path of the ini."""
    direct = urlsplit(settings.direct_authenticator_url)
    user = unquote(direct.username or "authenticator")
    with connection(settings.database_url, autocommit=True) as conn:
        secret = scalar(conn, "select (select rolpassword from pg_authid where rolname = %s)", [user])
    if not secret or not str(secret).startswith("SCRAM-SHA-256$"):
        raise PulseError(f"the pool needs role {user} to have a SCRAM password on the server (password_encryption = "
                         "scram-sha-256); run `pulse db migrate` first")
    target = folder(settings)
    target.mkdir(parents=True, exist_ok=True)
    auth_file = target / "userlist.txt"
    ini = target / "pgbouncer.ini"
    auth_file.write_text(f'"{user}" "{secret}"\n')
    ini.write_text(INI.format(host=direct.hostname or "127.0.0.1", port=direct.port or 5432,
                              listen_host=settings.server_host, listen_port=settings.pool_port,
                              auth_file=auth_file, pool_size=settings.pool_size))
    for path in (target, auth_file, ini):
        path.chmod(0o700 if path.is_dir() else 0o600)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
    return ini


def command(settings: Settings) -> list[str]:
    """PgBouncer in the foreground (logging to its stdout). It refuses to run as root: as root, as the postgres user."""
    ini = folder(settings) / "pgbouncer.ini"
    if os.geteuid() == 0:
        pwd.getpwnam("postgres")
        return ["runuser", "-u", "postgres", "--", binary(), str(ini)]
    return [binary(), str(ini)]
