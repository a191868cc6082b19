"""docker-compose.yml cannot run here (no Docker engine), so it is checked against the local configuration."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from helpers import ROOT
from pulse.cluster import SERVER_SETTINGS
from pulse.config import DEFAULTS, Settings


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_images():
    services = compose()["services"]
    assert set(services) == {"db", "node-modules", "migrate", "postgrest", "postgraphile", "worker", "minio", "minio-bucket",
                             "verify-worker", "pgbouncer"}
    assert services["postgrest"]["image"] == "postgrest/postgrest:v12.0.2"
    assert services["postgraphile"]["image"].startswith("node:22")
    assert services["db"]["image"].startswith("postgres:15")
    assert "pulse db migrate" in services["migrate"]["command"]
    assert "shared_preload_libraries=pg_cron,pg_stat_statements" in services["db"]["command"]


def test_ports_match_the_local_defaults():
    services = compose()["services"]
    assert services["postgrest"]["ports"] == [f"{DEFAULTS['PULSE_REST_PORT']}:3000"]
    assert services["postgraphile"]["ports"] == [f"{DEFAULTS['PULSE_GRAPHQL_PORT']}:5678"]
    assert services["db"]["ports"] == [f"{DEFAULTS['PULSE_DB_PORT']}:5432"]


def test_servers_get_the_same_variables_as_the_local_stack():
    local = set(Settings.load(ROOT).server_environment())
    services = compose()["services"]
    for name in ("postgrest", "postgraphile"):
        assert local <= set(services[name]["environment"]) | {"GRAPHILE_ENV"}, name
    assert services["postgraphile"]["environment"]["GRAPHILE_ENV"]
    config = (ROOT / "config" / "postgrest.conf").read_text()
    for variable in ("PULSE_AUTHENTICATOR_URL", "PULSE_DB_SCHEMA", "PULSE_JWT_SECRET", "PULSE_REST_PORT"):
        assert f"$({variable})" in config


def test_the_servers_request_through_pgbouncer_and_listen_directly():
    """As `pulse up --pool` runs them (docs/scaling.md, "Pooling"): requests through PgBouncer in transaction
    mode with no prepared statements and no PostgREST channel; subscriptions and the job worker on db itself."""
    services = compose()["services"]
    pooled = Settings.load(ROOT).with_values(PULSE_POOL="true").server_environment()
    environment = services["postgrest"]["environment"]
    assert "@pgbouncer:6432/" in environment["PULSE_AUTHENTICATOR_URL"]
    assert "@db:5432/" in environment["PULSE_LISTEN_URL"]
    for name in ("PULSE_REST_PREPARED_STATEMENTS", "PULSE_REST_CHANNEL_ENABLED", "DATAPLAN_PG_PREPARED_STATEMENT_CACHE_SIZE"):
        assert environment[name] == pooled[name], name
    assert "@db:5432/" in services["worker"]["environment"]["PULSE_WORKER_DATABASE_URL"]
    script = services["pgbouncer"]["command"][-1]
    assert "pool_mode = transaction" in script and "* = host=db port=5432" in script
    assert "runuser -u postgres -- pgbouncer" in script


def test_pg_cron_runs_jobs_in_the_pulse_database_as_the_local_cluster_does():
    """Both servers run the scheduled jobs the same way: in the Pulse database, each in a background
    worker of the server (no connection to make, so no host or password to configure)."""
    db = compose()["services"]["db"]
    given = dict(re.findall(r"-c ([a-z_.]+)=(\S+?)\"?(?=\s|$)", db["command"]))
    local = dict(re.findall(r"^([a-z_.]+) = '?([^'\n]*)'?$", SERVER_SETTINGS, re.MULTILINE))
    assert given["cron.database_name"] == db["environment"]["POSTGRES_DB"] == "pulse"
    assert given["cron.use_background_workers"] == local["cron.use_background_workers"] == "on"
    for setting in ("shared_preload_libraries", "cron.max_running_jobs", "max_worker_processes"):
        assert given[setting] == local[setting], setting
    assert int(given["max_worker_processes"]) > int(given["cron.max_running_jobs"]) + 8, \
        "room for every running job beside the parallel query workers"


def test_the_object_store_and_its_worker():
    """MinIO holds the files; migrate writes the same PULSE_S3_* into the database that the worker reads, and
    every PULSE_S3_* the configuration knows is set; the bucket exists before the worker starts."""
    services = compose()["services"]
    assert services["minio"]["image"].startswith("minio/minio:RELEASE.")
    assert services["minio"]["ports"][0] == "9000:9000"
    migrate, worker = services["migrate"]["environment"], services["verify-worker"]["environment"]
    known = {"PULSE_S3_ENDPOINT", "PULSE_S3_PUBLIC_ENDPOINT", "PULSE_S3_REGION", "PULSE_S3_BUCKET",
             "PULSE_S3_ACCESS_KEY_ID", "PULSE_S3_SECRET_ACCESS_KEY"}
    assert {k: v for k, v in migrate.items() if k.startswith("PULSE_S3_")} == \
        {k: v for k, v in worker.items() if k.startswith("PULSE_S3_")}
    assert {k for k in worker if k.startswith("PULSE_S3_")} == known
    assert worker["PULSE_S3_ENDPOINT"] == "http://minio:9000" and worker["DATABASE_URL"] == migrate["DATABASE_URL"]
    assert services["minio"]["environment"]["MINIO_ROOT_USER"] == worker["PULSE_S3_ACCESS_KEY_ID"]
    assert "pulse storage verify --watch" in services["verify-worker"]["command"]
    assert services["verify-worker"]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"},
                                                       "minio-bucket": {"condition": "service_completed_successfully"}}
    assert "mc mb --ignore-existing" in services["minio-bucket"]["entrypoint"]


def test_the_job_worker_runs_as_pulse_up_runs_it():
    """The worker service runs the command `pulse up` runs, with the variables it gives it; the npm packages
    (graphile-worker among them) are installed before `pulse db migrate` installs the job queue with them."""
    from pulse import worker

    services = compose()["services"]
    command = worker.command(ROOT)
    assert services["worker"]["command"] == ["node", str(Path(command[1]).relative_to(ROOT))]
    assert set(services["worker"]["environment"]) == set(worker.environment("postgresql://x", {}))
    assert services["worker"]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["migrate"]["depends_on"]["node-modules"] == {"condition": "service_completed_successfully"}
    assert "npm" in services["node-modules"]["command"] and "ci" in services["node-modules"]["command"]
