"""The deployment's SMTP settings: `pulse db migrate` writes PULSE_SMTP_* and PULSE_APP_URL into app_private.email_settings
(cli/pulse/lifecycle.py, configure_mail), keeps the unsubscribe key, and refuses a bad value in one line."""

from __future__ import annotations

import psycopg

from helpers import ROOT, pulse, pulse_env
from pulse.config import Settings


def test_migrate_writes_the_mail_settings_from_the_environment(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        key = conn.execute("select unsubscribe_key from app_private.email_settings").fetchone()
    env = pulse_env(database_url, PULSE_SMTP_HOST="smtp.example.test", PULSE_SMTP_PORT="465", PULSE_SMTP_SECURITY="tls",
                    PULSE_SMTP_USERNAME="pulse", PULSE_SMTP_PASSWORD="s3cr3t", PULSE_SMTP_FROM="Pulse <pulse@example.test>",
                    PULSE_SMTP_UNSUBSCRIBE_URL="https://app.example.test/unsubscribe?token={token}",
                    PULSE_APP_URL="https://app.example.test")
    result = pulse("db", "migrate", env=env)
    assert result.returncode == 0, result.stderr
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select smtp_host, smtp_port, smtp_security, smtp_username, smtp_password, from_address, unsubscribe_url,"
                           " app_url, unsubscribe_key from app_private.email_settings").fetchone()
    assert row == ("smtp.example.test", 465, "tls", "pulse", "s3cr3t", "Pulse <pulse@example.test>",
                   "https://app.example.test/unsubscribe?token={token}", "https://app.example.test", key[0] if key else None)


def test_migrate_refuses_a_bad_mail_setting(database_url: str) -> None:
    bad_port = pulse("db", "migrate", env=pulse_env(database_url, PULSE_SMTP_HOST="smtp.example.test", PULSE_SMTP_PORT="smtp"))
    assert bad_port.returncode != 0 and "PULSE_SMTP_PORT must be a TCP port number" in bad_port.stderr, bad_port.stderr
    bad_security = pulse("db", "migrate", env=pulse_env(database_url, PULSE_SMTP_HOST="smtp.example.test", PULSE_SMTP_SECURITY="ssl3"))
    assert bad_security.returncode != 0 and "PULSE_SMTP_SECURITY must be starttls, tls or none" in bad_security.stderr
    no_token = pulse("db", "migrate", env=pulse_env(database_url, PULSE_SMTP_HOST="smtp.example.test",
                                                    PULSE_SMTP_UNSUBSCRIBE_URL="https://app.example.test/unsubscribe"))
    assert no_token.returncode != 0 and "must hold {token}" in no_token.stderr
    bad_host = pulse("db", "migrate", env=pulse_env(database_url, PULSE_SMTP_HOST="smtp example"))
    assert bad_host.returncode != 0 and "email_settings_host_format" in bad_host.stderr, bad_host.stderr


def test_without_a_host_there_is_no_mail_and_the_defaults_fill_the_rest(monkeypatch) -> None:
    for name in ("PULSE_SMTP_HOST", "PULSE_SMTP_PORT", "PULSE_SMTP_SECURITY", "PULSE_SMTP_FROM", "PULSE_SMTP_UNSUBSCRIBE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.load(ROOT)
    assert settings.with_values(PULSE_SMTP_HOST="").mail is None
    mail = settings.with_values(PULSE_SMTP_HOST="smtp.example.test").mail
    assert mail is not None
    defaults = (587, "starttls", "Pulse <notifications@pulse.local>", None, None)
    assert (mail.port, mail.security, mail.from_address, mail.username, mail.app_url) == defaults
    assert mail.unsubscribe_url == f"{settings.rest_url}/rpc/unsubscribe_email?token={{token}}"
