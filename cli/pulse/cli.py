"""The `pulse` command: local cluster, migrations, seeding, tokens, the stack, contracts."""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Annotated

import httpx
import psycopg
import typer
from rich.markup import escape

from pulse import console, stack
from pulse.cluster import Cluster
from pulse.config import ObjectStorage, Settings
from pulse.database import connection, create_database, drop_database, error_line
from pulse.errors import PulseError
from pulse.lifecycle import configure_object_storage, ensure_database, migrate_database, require_migrated
from pulse.migrate import Migrator, rework_change_scripts, write_new_change
from pulse.release import MANIFEST, check_released, tag_release
from pulse.seed import seed as run_seed
from pulse.tokens import claims_for, decode, mint, parse_ttl

# Plain help (rich_markup_mode=None): Typer's rich panels print a type such as <bool> after every plain flag.
app = typer.Typer(help="Pulse: a database-first operations platform.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False, rich_markup_mode=None)
db_app = typer.Typer(help="The database: local cluster and Sqitch-compatible migrations.", no_args_is_help=True,
                     rich_markup_mode=None)
jwt_app = typer.Typer(help="Tokens under the claims contract (sub, role, org_id, exp, iat).", no_args_is_help=True,
                      rich_markup_mode=None)
contracts_app = typer.Typer(help="Contract snapshots: OpenAPI, GraphQL SDL, the database schema and client types.",
                             no_args_is_help=True, rich_markup_mode=None)
jobs_app = typer.Typer(help="Scheduled jobs: run by pg_cron where it is installed, or by any scheduler through here.",
                       no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")
app.add_typer(jwt_app, name="jwt")
app.add_typer(contracts_app, name="contracts")
app.add_typer(jobs_app, name="jobs")
storage_app = typer.Typer(help="Object storage: the worker that checks uploaded files and purges deleted attachments.",
                          no_args_is_help=True,
                          rich_markup_mode=None)
app.add_typer(storage_app, name="storage")

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Demo = Annotated[bool, typer.Option("--demo", help="Also load the demo data set.")]


def settings() -> Settings:
    return Settings.load()


def confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise PulseError(f"{question} needs confirmation: pass --yes")
    if not typer.confirm(question):
        raise PulseError("cancelled")


# -- pulse db -------------------------------------------------------------------


@db_app.command("start")
def db_start() -> None:
    """Start the project-local PostgreSQL cluster under .pulse/ (initialising it on first use)."""
    config = settings()
    Cluster(config)  # refuses when DATABASE_URL points elsewhere
    ensure_database(config)
    console.out.print(f"PostgreSQL is running: {config.database_url.split('@')[-1]}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the project-local PostgreSQL cluster."""
    stopped = Cluster(settings()).stop()
    console.out.print("PostgreSQL stopped" if stopped else "PostgreSQL was not running")


@db_app.command("status")
def db_status() -> None:
    """Server state, deployed changes and pending changes."""
    config = settings()
    if not config.external and not Cluster(config).running():
        raise PulseError("the local PostgreSQL cluster is not running: `pulse db start`")
    migrator = Migrator(config)
    state = migrator.status()
    console.out.print(f"database: {config.database_url.split('@')[-1]}")
    if state.deployed:
        last = state.deployed[-1]
        console.out.print(f"deployed: {len(state.deployed)} changes, last {last.name} at {last.committed_at:%Y-%m-%d %H:%M:%S%z}")
    else:
        console.out.print("deployed: nothing")
    if state.pending:
        console.out.print(f"pending:  {len(state.pending)}: {', '.join(change.name for change in state.pending)}")
    else:
        console.out.print("pending:  none, up to date")
    for change in state.edited:
        console.out.print(f"edited:   {change.name}: "
                          f"{change.deploy_file(migrator.top_dir).relative_to(config.root)} differs from the "
                          "deployed script (Script signatures diverge); restore it, fix in a new change or a rework")


@db_app.command("migrate")
def db_migrate(
    to: Annotated[str | None, typer.Option(help="Deploy up to and including this change.")] = None,
) -> None:
    """Deploy pending changes, each in its own transaction, then re-apply db/functions and db/policies."""
    config = settings()
    ensure_database(config)
    deployed = migrate_database(config, to)
    pending = Migrator(config).status().pending if to else []
    done = f"deployed {len(deployed)} change(s)" if deployed else "nothing to deploy"
    if pending:
        console.out.print(f"{done}; {len(pending)} change(s) after {to} still pending")
    else:
        console.out.print(done if deployed else "no pending changes; repeatables re-applied")


@db_app.command("revert")
def db_revert(
    to: Annotated[str | None, typer.Option(help="Keep this change and those before it.")] = None,
    yes: Yes = False,
) -> None:
    """Revert deployed changes, newest first (all of them unless --to)."""
    config = settings()
    migrator = Migrator(config)
    confirm(f"Revert {'changes after ' + to if to else 'every change'} on {config.database_url.split('@')[-1]}?", yes)
    reverted = migrator.revert(to=to)
    console.out.print(f"reverted {len(reverted)} change(s)")


@db_app.command("verify")
def db_verify() -> None:
    """Run the verify script of every deployed change."""
    results = Migrator(settings()).verify()
    failures = [(name, error) for name, error in results if error]
    for name, error in results:
        console.out.print(f"  {name} .. {'ok' if not error else 'NOT OK'}")
    if failures:
        raise PulseError(f"verify failed: {failures[0][1]}" + (f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""))
    console.out.print(f"verified {len(results)} change(s)")


@db_app.command("reset")
def db_reset(demo: Demo = False, yes: Yes = False) -> None:
    """Drop and recreate the database, migrate and seed."""
    config = settings()
    started = time.monotonic()
    if config.external:
        confirm(f"Drop and recreate {config.database_name} on {config.database_url.split('@')[-1]}?", yes)
    ensure_database(config)
    with console.step(f"recreate database {config.database_name}"):
        drop_database(config.url_for_database("postgres"), config.database_name)
        create_database(config.url_for_database("postgres"), config.database_name)
    migrate_database(config)
    run_seed(config, demo)
    console.out.print(f"database {config.database_name} reset in {time.monotonic() - started:.1f} s")


@db_app.command("new")
def db_new(
    name: str,
    requires: Annotated[list[str] | None, typer.Option("--requires", "-r", help="A change this one needs.")] = None,
    note: Annotated[str, typer.Option("--note", "-n", help="What the change does.")] = "",
) -> None:
    """Add a change to sqitch.plan and write its deploy, revert and verify templates."""
    config = settings()
    for path in write_new_change(config, name, requires or [], note):
        console.out.print(f"created {path.relative_to(config.root)}")


@db_app.command("rework")
def db_rework(
    name: str,
    requires: Annotated[list[str] | None, typer.Option("--requires", "-r", help="A change this one needs.")] = None,
    note: Annotated[str, typer.Option("--note", "-n", help="What the rework changes.")] = "",
) -> None:
    """Plan a released change again (as `sqitch rework`): its scripts are kept as NAME@TAG.sql, edit NAME.sql."""
    config = settings()
    paths = rework_change_scripts(config, name, requires or [], note)
    console.out.print(f"reworked {name}; edit " + ", ".join(str(path.relative_to(config.root)) for path in paths))


@db_app.command("tag")
def db_tag(
    name: str,
    note: Annotated[str, typer.Option("--note", "-n", help="What the release holds.")] = "",
) -> None:
    """Tag the last change of the plan (as `sqitch tag`) and record its released deploy scripts."""
    top_dir = settings().root / "db" / "migrations"
    tag = tag_release(top_dir, name, note)
    console.out.print(f"tagged {tag.change.name} with {tag.format_name}; released scripts in "
                      f"db/migrations/{MANIFEST}")


@db_app.command("check")
def db_check() -> None:
    """Fail when the deploy script of a released (tagged) change was edited."""
    problems = check_released(settings().root / "db" / "migrations")
    for problem in problems[1:]:
        console.err.print(problem)
    if problems:
        raise PulseError(problems[0])
    console.out.print("released deploy scripts unchanged")


@db_app.command("distribute")
def db_distribute(
    emit: Annotated[bool, typer.Option("--emit", help="Print the DDL (to run with psql on the Citus coordinator).")] = False,
) -> None:
    """The DDL that distributes this database on Citus (reference, local and tenant tables), generated from the catalog."""
    from pulse.citus import distribution_ddl

    if not emit:
        raise PulseError("pulse db distribute only prints the DDL: pass --emit and run it with psql on the Citus "
                         "coordinator (docs/scaling.md)")
    for line in distribution_ddl(settings()):
        console.out.print(line, markup=False, highlight=False, soft_wrap=True)


# -- pulse seed, jwt -----------------------------------------------------------------


@app.command("seed")
def seed(demo: Demo = False) -> None:
    """Load reference data (and the demo data set). Safe to run again."""
    config = settings()
    count = run_seed(config, demo)
    console.out.print(f"seeded {count} file(s)")


@jwt_app.command("mint")
def jwt_mint(
    email: Annotated[str, typer.Option(help="The user's email.", metavar="EMAIL")],
    org: Annotated[str, typer.Option(help="Slug of the organization to act in.", metavar="SLUG")],
    ttl: Annotated[str, typer.Option(help="Lifetime: 90s, 30m, 1h, 7d; at most 30d.", metavar="TTL")] = "1h",
) -> None:
    """Mint a signed token for a member of an organization."""
    config = settings()
    seconds = parse_ttl(ttl)
    console.out.print(mint(config, claims_for(config, email, org), seconds), soft_wrap=True)


@jwt_app.command("decode")
def jwt_decode(token: str) -> None:
    """Verify a token with this checkout's secret and print its claims."""
    import json

    console.out.print_json(json.dumps(decode(settings(), token)))


@contracts_app.command("diff")
def contracts_diff(
    base: Annotated[str | None, typer.Option(help="Git ref to compare with (default: the last release).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    allow_breaking: Annotated[bool, typer.Option("--allow-breaking", help="Exit 0 even when a change is breaking.")] = False,
) -> None:
    """Classify the changes to contracts/ since a git ref as breaking, dangerous or safe."""
    from pulse import contract_diff

    config = settings()
    ref, named = contract_diff.resolve_base(config.root, base)
    changes = contract_diff.diff(config.root, ref)
    render = contract_diff.as_json if as_json else contract_diff.as_text
    console.out.print(render(changes, named), end="", markup=False, highlight=False, soft_wrap=True)
    breaking = sum(change.severity == "breaking" for change in changes)
    if breaking and not allow_breaking:
        raise PulseError(f"{breaking} breaking API change(s) since {named}; pass --allow-breaking if they are intended")


@contracts_app.command("changelog")
def contracts_changelog(
    base: Annotated[str | None, typer.Option(help="Git ref to compare with (default: the last release).")] = None,
) -> None:
    """Rewrite the Unreleased section of docs/api-changelog.md with the changes since the last release."""
    from pulse import contract_diff

    config = settings()
    ref, named = contract_diff.resolve_base(config.root, base)
    changes = contract_diff.diff(config.root, ref)
    path = config.root / contract_diff.CHANGELOG
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text() if path.exists() else ""
    path.write_text(contract_diff.changelog_text(existing, changes, named))
    missing = contract_diff.unjustified(changes, path.read_text())
    console.out.print(f"wrote {len(changes)} change(s) since {named} to {contract_diff.CHANGELOG}"
                      + (f"; {len(missing)} breaking change(s) need a Reason: line" if missing else ""))


@contracts_app.command("gate")
def contracts_gate(
    base: Annotated[str | None, typer.Option(help="Git ref to compare with (default: the last release).")] = None,
) -> None:
    """Fail when a breaking change since the last release is not named with a reason in the changelog (CI runs this)."""
    from pulse import contract_diff

    config = settings()
    ref, named = contract_diff.resolve_base(config.root, base)
    changes = contract_diff.diff(config.root, ref)
    console.out.print(contract_diff.as_text(changes, named), end="", markup=False, highlight=False, soft_wrap=True)
    path = config.root / contract_diff.CHANGELOG
    missing = contract_diff.unjustified(changes, path.read_text() if path.exists() else "")
    for change, problem in missing:
        console.out.print(f"  {problem}: [{change.contract}] {change.description}", markup=False, highlight=False,
                          soft_wrap=True)
    if missing:
        raise PulseError(f"{len(missing)} breaking change(s) since {named} lack a reason in {contract_diff.CHANGELOG}'s "
                         "Unreleased section: run `pulse contracts changelog` and write a Reason: line under each")
    breaking = sum(change.severity == "breaking" for change in changes)
    console.out.print(f"contracts gate passed: {breaking} breaking change(s) since {named}, each named with a reason")


# -- pulse jobs ---------------------------------------------------------------------


@jobs_app.command("list")
def jobs_list() -> None:
    """The scheduled jobs, their cron schedules, and whether pg_cron runs them in this database."""
    from pulse.jobs import list_jobs

    for name, schedule, description, scheduled in list_jobs(settings()):
        runner = "pg_cron" if scheduled else "pulse jobs run / your scheduler"
        console.out.print(f"{name:32} {schedule:14} {runner:32} {description}")


@jobs_app.command("run")
def jobs_run(name: str) -> None:
    """Run one job now (what a scheduler without pg_cron calls)."""
    from pulse.jobs import run_job

    console.out.print(f"{name}: {run_job(settings(), name)}")


# -- pulse storage ------------------------------------------------------------------


@storage_app.command("verify")
def storage_verify(
    watch: Annotated[bool, typer.Option("--watch", help="Keep running: check uploads as they are confirmed.")] = False,
    interval: Annotated[float, typer.Option(help="With --watch, seconds between sweeps for missed confirmations.")] = 30.0,
) -> None:
    """Check confirmed uploads: fetch each object, report its size and sha256; the database decides."""
    from pulse import storage

    def report(outcome: storage.Outcome) -> None:
        reason = f" ({outcome.rejection})" if outcome.rejection else ""
        console.out.print(f"{outcome.id}: {outcome.state}{reason}")

    config = settings()
    if watch:
        console.out.print(f"checking uploads as they are confirmed (LISTEN {', '.join(storage.CHANNELS)}); Ctrl-C stops")
        try:
            storage.watch(config, interval, report, lambda trouble: console.err.print(f"[red]{escape(trouble)}[/red]"))
        except KeyboardInterrupt:
            return
    outcomes = storage.verify_once(config)
    for outcome in outcomes:
        report(outcome)
    if not outcomes:
        console.out.print("no confirmed uploads waiting")


@storage_app.command("purge")
def storage_purge() -> None:
    """Delete the objects of deleted attachments from the store (app_private.object_purges); for a scheduler."""
    from pulse import storage

    keys = storage.purge_once(settings())
    for key in keys:
        console.out.print(f"deleted {key}")
    if not keys:
        console.out.print("no objects waiting to be deleted")


# -- pulse outbox -------------------------------------------------------------------


@app.command("outbox")
def outbox(
    mark_sent: Annotated[bool, typer.Option("--mark-sent", help="Mark the listed messages as delivered.")] = False,
) -> None:
    """The messages waiting to be sent (invitation tokens, ...): the local stack has no mail server."""
    from pulse.outbox import pending_messages

    messages = pending_messages(settings(), mark_sent)
    for created_at, recipient, subject, body in messages:
        console.out.print(f"[bold]{escape(created_at)} UTC  to {escape(recipient)}: {escape(subject)}[/bold]")
        console.out.print(escape(body), end="\n\n")
    if not messages:
        console.out.print("no messages waiting")


# -- pulse contracts ----------------------------------------------------------------


@contracts_app.command("snapshot")
def contracts_snapshot() -> None:
    """Write contracts/openapi.json, schema.graphql, database.json and the TypeScript client types (contracts/clients/)."""
    from pulse import contracts

    config = settings()
    require_migrated(config)
    with console.step("generate OpenAPI (PostgREST), GraphQL SDL (PostGraphile), the database schema and client types"):
        written = contracts.snapshot(config)
    for path in written:
        console.out.print(f"wrote {path}")


@contracts_app.command("check")
def contracts_check() -> None:
    """Regenerate the contracts and fail, showing the diff, when they differ from the committed ones."""
    from pulse import contracts

    config = settings()
    require_migrated(config)
    with console.step("generate OpenAPI (PostgREST), GraphQL SDL (PostGraphile), the database schema and client types"):
        diff = contracts.drift(config)
    if diff:
        console.out.print(diff, markup=False, highlight=False, soft_wrap=True)
        raise PulseError("contracts drifted from the database: run `pulse contracts snapshot` and commit the result")
    console.out.print("contracts match the database")


# -- pulse up / down -----------------------------------------------------------------


@app.command("up")
def up(
    demo: Demo = False,
    detach: Annotated[bool, typer.Option("--detach", "-d", help="Return once the servers answer.")] = False,
    pool: Annotated[bool, typer.Option("--pool", help="Put PgBouncer (transaction mode) between the servers and the "
                                                      "database, as PULSE_POOL=true does.")] = False,
) -> None:
    """Start the database, migrate, seed, start PostgREST, PostGraphile and the job worker (and an object store and the upload
    verify worker), and print how to call them."""
    config = stack.with_object_store_port(settings().with_values(PULSE_POOL="true") if pool else settings())
    began = time.monotonic()
    stack.preflight(config)
    started_database = ensure_database(config)
    migrate_database(config)
    run_seed(config, demo)
    local = stack.local_object_store(config)
    with console.step(("the local object store (moto) with bucket " + local.bucket + ", " if local else "start ")
                      + "PostgREST, PostGraphile, the job worker"
                      + (" and the upload verify worker" if config.object_storage or local else "")):
        # The store and its settings come before the worker, which renders what the demo queued at once.
        stack.start(config, started_database, store_ready=(lambda: prepare_local_object_store(config, local)) if local else None)
    print_endpoints(config, time.monotonic() - began, demo)
    if detach:
        console.out.print("\nrunning in the background; `pulse down` stops it")
        return
    console.out.print("\npress Ctrl-C to stop")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while stack.running_pids(config):
            time.sleep(0.5)
        raise PulseError(f"a server stopped unexpectedly; logs are in {stack.log_folder(config)}")
    except KeyboardInterrupt:
        pass
    finally:
        shut_down(config)


@app.command("down")
def down() -> None:
    """Stop every process `pulse up` started."""
    shut_down(settings())


def shut_down(config: Settings) -> None:
    stop_database = stack.started_database(config)
    stopped = stack.stop(config)
    if stop_database and not config.external:
        Cluster(config).stop()
        stopped.append("postgresql")
    console.out.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


MEMBERS_QUERY = """
select u.email, o.slug, coalesce(string_agg(r.key || coalesce('@' || s.code, ''), ', ' order by r.key), 'no role')
  from app.memberships m
  join app.users u on u.id = m.user_id
  join app.organizations o on o.id = m.organization_id and o.deleted_at is null
  left join app.role_assignments ra on ra.organization_id = m.organization_id and ra.membership_id = m.id
  left join app.roles r on r.organization_id = ra.organization_id and r.id = ra.role_id
  left join app.sites s on s.organization_id = ra.organization_id and s.id = ra.site_id
 where m.status = 'active' and u.status in ('active', 'invited')
 group by u.email, o.slug
union all
select u.email, (select slug from app.organizations where deleted_at is null order by created_at limit 1),
       'platform operator'
  from app.users u where u.is_platform_operator and u.status = 'active'
 order by 2, 1
"""


def prepare_local_object_store(config: Settings, local: ObjectStorage) -> None:
    """The bucket in the store `pulse up` runs (moto creates it on an unsigned PUT), and its settings in the
    database, as `pulse db migrate` writes PULSE_S3_*."""
    created = httpx.put(f"{local.endpoint}/{local.bucket}")
    if created.status_code not in (200, 409):
        raise PulseError(f"the local object store refused to create bucket {local.bucket}: {created.status_code}")
    with connection(config.database_url, autocommit=True) as conn:
        configure_object_storage(conn, local)


def print_endpoints(config: Settings, seconds: float, demo: bool) -> None:
    out = console.out
    out.print(f"\n[bold]Pulse is up[/bold] ({seconds:.1f} s)")
    out.print(f"  REST      {config.rest_url}/")
    out.print(f"  OpenAPI   {config.rest_url}/  (Accept: application/openapi+json)")
    out.print(f"  GraphQL   {config.graphql_url}")
    out.print(f"  GraphiQL  {config.graphiql_url}")
    if config.pooled:
        out.print(f"  Pool      PgBouncer (transaction mode) on {config.server_host}:{config.pool_port}, "
                  f"{config.pool_size} server connections; subscriptions and the job worker connect directly")
    storage = stack.local_object_store(config) or config.object_storage
    if storage:
        local = " (local, moto)" if stack.local_object_store(config) else ""
        out.print(f"  S3        {storage.public_endpoint or storage.endpoint}/{storage.bucket}{local}; "
                  "uploads checked by `pulse storage verify --watch` (docs/documents.md)")
    else:
        out.print("  S3        none: set PULSE_S3_* (docs/configuration.md) for document uploads")
    with connection(config.database_url) as conn:
        members = conn.execute(MEMBERS_QUERY).fetchall()
    if not members:
        out.print("\nno users yet: `pulse seed --demo` loads the demo data set")
        return
    password = " (password: pulse-demo-password)" if demo else ""
    out.print(f"\n[bold]Users[/bold]{password}; each line a ready token, valid 12 h")
    for email, slug, roles in members:
        token = mint(config, claims_for(config, email, slug), 12 * 3600)
        out.print(f"\n  {email}  {slug}  [dim]{roles}[/dim]")
        out.print(f'  curl -H "Authorization: Bearer {token}" {config.rest_url}/partners', soft_wrap=True)
    out.print("\n[bold]More[/bold]")
    out.print(f"  curl -X POST {config.rest_url}/rpc/login -H 'Content-Type: application/json' "
              "-d '{\"email\": \"ada@acme.test\", \"password\": \"pulse-demo-password\"}'", soft_wrap=True)
    out.print("  TOKEN=...                               # any token above")
    out.print(f"  curl {config.graphql_url} -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
              "-d '{\"query\": \"{ partners { nodes { name kind } } }\"}'", soft_wrap=True)
    out.print("  pulse jwt mint --email E --org SLUG    another token")
    if demo:
        out.print("\n[bold]Maintenance demo[/bold] (as maintenance_planner@acme.test; docs/maintenance.md \"Demo data\")")
        out.print(f"  {config.rest_url}/maintenance_kpi_asset_month?order=month.desc   KPIs per asset and month "
                  "(MTBF, MTTR, PM compliance, planned work); also _plant_month, _asset_costs, _backlog, _stock", soft_wrap=True)
        out.print(f"  {config.rest_url}/archived_work_orders   work orders closed in 2018, moved by the archive job during the seed",
                  soft_wrap=True)
        out.print(f"  {config.rest_url}/rpc/pm_forecast?p_from=…&p_to=…   PM days ahead; the press's stroke check estimated from its meter",
                  soft_wrap=True)
        out.print("\n[bold]Plant scope[/bold] (Acme's two plants; docs/maintenance.md \"Plant scoping in the demo\")")
        out.print(f"  {config.rest_url}/work_orders   as technician@acme.test: PLANT-1's only; as technician.plant2@acme.test: "
                  "PLANT-2's only; as maintenance_planner@acme.test: both", soft_wrap=True)
        out.print(f"  {config.rest_url}/lots   as inspector.plant2@acme.test: PLANT-2's lots only (also /inspections, /ncrs)",
                  soft_wrap=True)


def main() -> None:
    try:
        app()
    except PulseError as error:
        message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
        console.err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
        sys.exit(error.exit_code)
    except psycopg.Error as error:
        console.err.print(f"[red]database error:[/red] {escape(error_line(error))}", soft_wrap=True)
        sys.exit(1)
    except httpx.HTTPError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        console.err.print(f"[red]error:[/red] HTTP request failed: {escape(reason)}", soft_wrap=True)
        sys.exit(1)
    except OSError as error:
        console.err.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        if os.environ.get("PULSE_DEBUG"):
            raise
        reason = " ".join(str(error).split())
        console.err.print(f"[red]error:[/red] unexpected {type(error).__name__}: {escape(reason)} "
                          "(PULSE_DEBUG=1 shows the traceback)", soft_wrap=True)
        sys.exit(1)
