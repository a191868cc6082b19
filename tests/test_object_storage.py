"""Object storage signed in the database: the SQL signer against botocore's reference presigner, and the
settings `pulse db migrate` writes from PULSE_S3_*."""

from __future__ import annotations

import datetime
from unittest import mock

import boto3
import psycopg
import pytest
from botocore.config import Config

from helpers import pulse, pulse_env

CLIENT_METHODS = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object", "DELETE": "delete_object"}
KEYS = [
    "tenants/0193a5c2-0000-7000-8000-000000000001/org/acme/projects/PRJ-000123/qa_report/v3/AM-PRJ-000123-qa_report-20250907-v03.pdf",
    "tenants/x/with space/ünïcode ©/+plus%percent&amp=eq?q#hash",
    "tenants/x/safe-_.~chars/UPPER/lower/0123456789",
]
ENDPOINTS = [("http://127.0.0.1:9000", "us-east-1"), ("https://s3.eu-central-1.amazonaws.com", "eu-central-1"),
             ("http://minio:9000", "us-east-1")]


def botocore_url(method: str, endpoint: str, region: str, bucket: str, key: str, expires: int,
                 at: datetime.datetime) -> str:
    client = boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id="AKIDEXAMPLE",
                          aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                          config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    naive_utc = at.astimezone(datetime.UTC).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=naive_utc):
        return client.generate_presigned_url(CLIENT_METHODS[method], Params={"Bucket": bucket, "Key": key},
                                             ExpiresIn=expires)


@pytest.mark.parametrize("method", sorted(CLIENT_METHODS))
@pytest.mark.parametrize("endpoint,region", ENDPOINTS)
def test_sql_signatures_equal_botocores(database_url: str, method: str, endpoint: str, region: str) -> None:
    cases = [(key, expires, at) for key in KEYS for expires, at in [
        (1, datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)),
        (900, datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))),
        (604800, datetime.datetime(2024, 2, 29, 12, 0, 0, tzinfo=datetime.UTC)),
    ]]
    with psycopg.connect(database_url) as conn:
        for key, expires, at in cases:
            signed = conn.execute(
                "select app_private.aws_presign(%s, %s, %s, 'pulse-bucket', %s, 'AKIDEXAMPLE',"
                " 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', %s, %s)",
                [method, endpoint, region, key, expires, at]).fetchone()[0]
            assert signed == botocore_url(method, endpoint, region, "pulse-bucket", key, expires, at), (key, expires, at)


def test_a_changed_input_changes_the_signature(database_url: str) -> None:
    """The comparison above is not vacuous: every input is part of what is signed."""
    base = ["GET", "http://127.0.0.1:9000", "us-east-1", "b-1", "k", "AKID", "secret", 60, "2026-01-01T00:00:00Z"]
    variants = [dict(enumerate(base)) | {index: value} for index, value in
                [(0, "PUT"), (1, "http://127.0.0.1:9001"), (2, "eu-west-1"), (3, "b-2"), (4, "k2"), (5, "AKID2"),
                 (6, "secret2"), (7, 61), (8, "2026-01-01T00:00:01Z")]]
    with psycopg.connect(database_url) as conn:
        def signature(args: dict[int, object]) -> str:
            url = conn.execute("select app_private.aws_presign(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                               [args[i] for i in range(9)]).fetchone()[0]
            return url.rsplit("X-Amz-Signature=", 1)[1]
        signatures = {signature(dict(enumerate(base)))} | {signature(variant) for variant in variants}
    assert len(signatures) == 10


def test_migrate_writes_the_storage_settings_from_the_environment(database_url: str) -> None:
    env = pulse_env(database_url, PULSE_S3_ENDPOINT="http://127.0.0.1:9000/", PULSE_S3_PUBLIC_ENDPOINT="https://files.example.test",
                    PULSE_S3_BUCKET="pulse-files", PULSE_S3_REGION="eu-central-1", PULSE_S3_ACCESS_KEY_ID="AKID",
                    PULSE_S3_SECRET_ACCESS_KEY="s3cr3t")
    result = pulse("db", "migrate", env=env)
    assert result.returncode == 0, result.stderr
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select endpoint, public_endpoint, region, bucket, access_key_id, secret_access_key"
                           " from app_private.object_storage").fetchone()
    assert row == ("http://127.0.0.1:9000", "https://files.example.test", "eu-central-1", "pulse-files", "AKID", "s3cr3t")


def test_migrate_refuses_half_a_storage_configuration(database_url: str) -> None:
    result = pulse("db", "migrate", env=pulse_env(database_url, PULSE_S3_ENDPOINT="http://127.0.0.1:9000"))
    assert result.returncode != 0
    assert "PULSE_S3_ACCESS_KEY_ID and PULSE_S3_SECRET_ACCESS_KEY" in result.stderr
    bad = pulse("db", "migrate", env=pulse_env(database_url, PULSE_S3_ENDPOINT="ftp://x", PULSE_S3_ACCESS_KEY_ID="a",
                                               PULSE_S3_SECRET_ACCESS_KEY="b"))
    assert bad.returncode != 0 and "object_storage_endpoint_format" in bad.stderr, bad.stderr
