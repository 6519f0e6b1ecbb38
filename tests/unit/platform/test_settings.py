"""Settings: every variable of the contract parsed, every bad value reported at once."""

import ipaddress

import pytest

from taskhub.platform.settings import RateLimit, Settings, SettingsError, load_settings


def test_defaults_are_the_contracts() -> None:
    settings = load_settings({})
    assert settings == Settings()
    assert settings.database_url == "sqlite:///./taskhub.db"
    assert settings.broker_url == "memory://"
    assert settings.redis_url is None
    assert (settings.access_token_ttl, settings.refresh_token_ttl) == (900, 1_209_600)
    assert settings.bcrypt_rounds == 12
    assert settings.rate_limit_auth == RateLimit(10, 60)
    assert settings.rate_limit_api == RateLimit(1200, 60)
    assert settings.webhook_allow_private is False
    assert settings.webhook_retry_schedule == (5, 300, 1800, 7200, 18000, 36000, 36000)
    assert settings.max_body_bytes == 1_048_576
    assert settings.cors_origins == ()
    assert settings.trusted_proxies == ()


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            "TASKHUB_DATABASE_URL": "postgresql://u:p@db/taskhub",
            "TASKHUB_BROKER_URL": "amqp://guest:guest@mq:5672//",
            "TASKHUB_REDIS_URL": "redis://cache:6379/0",
            "TASKHUB_SECRET_KEY": "s" * 32,
            "TASKHUB_ACCESS_TOKEN_TTL": "60",
            "TASKHUB_REFRESH_TOKEN_TTL": "3600",
            "TASKHUB_BCRYPT_ROUNDS": "4",
            "TASKHUB_RATE_LIMIT_AUTH": "5/second",
            "TASKHUB_RATE_LIMIT_API": "100 / hour",
            "TASKHUB_WEBHOOK_ALLOW_PRIVATE": "true",
            "TASKHUB_WEBHOOK_RETRY_SCHEDULE": "1, 2,3",
            "TASKHUB_MAX_BODY_BYTES": "2048",
            "TASKHUB_CORS_ORIGINS": "https://a.example.com, http://localhost:3000/",
            "TASKHUB_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u:p@db/taskhub"
    assert not settings.is_sqlite
    assert settings.rate_limit_auth == RateLimit(5, 1)
    assert settings.rate_limit_api == RateLimit(100, 3600)
    assert settings.webhook_retry_schedule == (1, 2, 3)
    assert settings.cors_origins == ("https://a.example.com", "http://localhost:3000")
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.0.0.1/32"),
        ipaddress.ip_network("192.168.0.0/16"),
    )


def test_every_bad_value_is_reported_once_each() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "TASKHUB_DATABASE_URL": "mysql://x",
                "TASKHUB_SECRET_KEY": "short",
                "TASKHUB_BCRYPT_ROUNDS": "3",
                "TASKHUB_ACCESS_TOKEN_TTL": "soon",
                "TASKHUB_RATE_LIMIT_AUTH": "10 per minute",
                "TASKHUB_WEBHOOK_ALLOW_PRIVATE": "maybe",
                "TASKHUB_WEBHOOK_RETRY_SCHEDULE": "5,,x",
                "TASKHUB_CORS_ORIGINS": "not an origin",
                "TASKHUB_TRUSTED_PROXIES": "10.0.0.300",
                "TASKHUB_BROKER_URL": "kafka://x",
            }
        )
    problems = caught.value.problems
    assert len(problems) == 10
    for variable in (
        "TASKHUB_DATABASE_URL",
        "TASKHUB_SECRET_KEY",
        "TASKHUB_BCRYPT_ROUNDS",
        "TASKHUB_ACCESS_TOKEN_TTL",
        "TASKHUB_RATE_LIMIT_AUTH",
        "TASKHUB_WEBHOOK_ALLOW_PRIVATE",
        "TASKHUB_WEBHOOK_RETRY_SCHEDULE",
        "TASKHUB_CORS_ORIGINS",
        "TASKHUB_TRUSTED_PROXIES",
        "TASKHUB_BROKER_URL",
    ):
        assert sum(p.startswith(variable) for p in problems) == 1, variable


def test_the_secret_key_is_never_echoed_in_a_problem() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"TASKHUB_SECRET_KEY": "hunter2"})
    assert "hunter2" not in str(caught.value.problems)


def test_sqlite_paths() -> None:
    assert str(load_settings({}).sqlite_path) == "taskhub.db"
    assert load_settings({"TASKHUB_DATABASE_URL": "sqlite://"}).sqlite_path is None
    assert (
        str(load_settings({"TASKHUB_DATABASE_URL": "sqlite:////var/lib/taskhub/t.db"}).sqlite_path)
        == "/var/lib/taskhub/t.db"
    )


def test_the_broker_namespace_is_validated() -> None:
    assert load_settings({"TASKHUB_BROKER_NAMESPACE": "acme-prod"}).broker_namespace == "acme-prod"
    assert load_settings({}).broker_namespace is None
    for bad in ("", "Acme", "-x", "a.b", "x" * 64, "a b"):
        with pytest.raises(SettingsError, match="TASKHUB_BROKER_NAMESPACE"):
            load_settings({"TASKHUB_BROKER_NAMESPACE": bad})


def test_storage_settings() -> None:
    defaults = Settings()
    assert (defaults.max_upload_bytes, defaults.org_storage_quota_bytes) == (
        26_214_400,
        10_737_418_240,
    )
    assert defaults.storage_location.endswith("/taskhub.db.files")
    assert Settings(database_url="sqlite:////srv/t.db").storage_location == "file:///srv/t.db.files"
    s3 = "s3://files-bucket?endpoint_url=http://127.0.0.1:9000&region=eu-west-1"
    loaded = load_settings(
        {
            "TASKHUB_STORAGE_URL": s3,
            "TASKHUB_MAX_UPLOAD_BYTES": "100",
            "TASKHUB_ORG_STORAGE_QUOTA_BYTES": "1000",
        }
    )
    assert (loaded.storage_location, loaded.max_upload_bytes) == (s3, 100)
    assert loaded.org_storage_quota_bytes == 1000
    assert load_settings({"TASKHUB_STORAGE_URL": "file:///var/files"}).storage_url == (
        "file:///var/files"
    )


@pytest.mark.parametrize(
    "url",
    [
        "ftp://host/x",
        "file://host/x",
        "s3://",
        "s3://Bad_Bucket",
        "s3://bucket?endpoint_url=ftp://x",
        "s3://bucket?colour=blue",
        "s3://bucket/some/prefix",
    ],
)
def test_bad_storage_urls_are_reported(url: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"TASKHUB_STORAGE_URL": url, "TASKHUB_MAX_UPLOAD_BYTES": "0"})
    assert len(raised.value.problems) == 2
    assert raised.value.problems[0].startswith("TASKHUB_STORAGE_URL")
