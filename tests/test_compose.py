"""docker-compose.yml cannot run here (no Docker engine), so it is checked against the local configuration."""

from __future__ import annotations

import yaml

from helpers import ROOT
from pulse.config import DEFAULTS, Settings


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_images():
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "postgrest", "postgraphile"}
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
