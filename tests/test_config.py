"""One configuration source: environment over .env over pulse.toml over defaults."""

from __future__ import annotations

import os

import pytest

from pulse.config import Settings


@pytest.fixture(autouse=True)
def no_pulse_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("PULSE_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)


def test_precedence_environment_dotenv_toml_defaults(tmp_path, monkeypatch):
    (tmp_path / "db" / "migrations").mkdir(parents=True)
    (tmp_path / "db" / "migrations" / "sqitch.plan").write_text("%project=pulse\n")
    (tmp_path / "pulse.toml").write_text('rest_port = 3100\ngraphql_port = 5700\ndb_name = "from_toml"\n')
    (tmp_path / ".env").write_text("# local choices\nexport PULSE_GRAPHQL_PORT=5800\nPULSE_DB_NAME='from_dotenv'\n")
    monkeypatch.setenv("PULSE_DB_NAME", "from_environment")

    settings = Settings.load(tmp_path)
    assert settings.get("PULSE_DB_NAME") == "from_environment"
    assert settings.graphql_port == 5800
    assert settings.rest_port == 3100
    assert settings.db_port == 54320


def test_secrets_are_generated_once_per_checkout(tmp_path):
    settings = Settings(root=tmp_path, values={})
    secret = settings.secret("PULSE_JWT_SECRET")
    assert len(secret) >= 32
    assert Settings(root=tmp_path, values={}).secret("PULSE_JWT_SECRET") == secret
    assert (tmp_path / ".pulse" / "jwt-secret").stat().st_mode & 0o077 == 0
