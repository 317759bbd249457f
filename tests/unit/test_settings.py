"""Settings: defaults, production's refusal without secrets or a public URL, development's
kept secret, the Redis URL, the trusted proxies and mail."""

from __future__ import annotations

import json
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings

STRONG_SECRET = "s" * 48
PUBLIC_URL = "https://rise.example.com"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DATABASE_URL", "RISE_ENV", "RISE_SECRET_KEY", "RISE_PORT", "RISE_GRAPHIQL",
        "RISE_PUBLIC_URL", "RISE_WORKERS", "RISE_REDIS_URL", "RISE_TRUSTED_PROXIES",
        "RISE_CORS_ORIGINS", "RISE_SMTP_URL", "RISE_MAIL_FROM", "RISE_PASSWORD_RESET_URL",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RISE_DATA_DIR", str(tmp_path / "data"))


def test_development_defaults(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.env == "development"
    assert settings.database_url is None
    assert settings.data_dir == tmp_path / "data"
    assert settings.port == 8000
    assert settings.graphiql_enabled


def test_development_generates_a_secret_once_and_keeps_it_private(tmp_path: Path) -> None:
    first = load_settings().secret()
    second = load_settings().secret()
    assert first == second
    assert len(first) >= 32
    stored = tmp_path / "data" / "secrets.json"
    assert json.loads(stored.read_text()) == {"secret_key": first}
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_production_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISE_ENV", "production")
    with pytest.raises(SettingsError, match="RISE_SECRET_KEY must be set"):
        load_settings()


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISE_ENV", "production")
    monkeypatch.setenv("RISE_SECRET_KEY", "too-short")
    with pytest.raises(SettingsError, match="at least 32 characters"):
        load_settings()


def test_production_with_a_secret_turns_graphiql_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RISE_ENV", "production")
    monkeypatch.setenv("RISE_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("RISE_PUBLIC_URL", PUBLIC_URL)
    settings = load_settings()
    assert settings.secret() == STRONG_SECRET
    assert not settings.graphiql_enabled
    assert not (tmp_path / "data" / "secrets.json").exists()


def test_graphiql_can_be_enabled_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISE_ENV", "production")
    monkeypatch.setenv("RISE_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("RISE_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setenv("RISE_GRAPHIQL", "true")
    assert load_settings().graphiql_enabled


def test_database_url_is_read_without_prefix_and_blank_means_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/rise")
    assert load_settings().database_url == "postgres://u@db/rise"
    monkeypatch.setenv("DATABASE_URL", "")
    assert load_settings().database_url is None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RISE_ENV", "staging", "RISE_ENV"),
        ("RISE_PORT", "eighty", "RISE_PORT"),
        ("RISE_PORT", "70000", "RISE_PORT"),
    ],
)
def test_bad_values_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_corrupt_secrets_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secrets.json").write_text("{not json")
    with pytest.raises(SettingsError, match="not valid JSON"):
        load_settings()


def test_concurrent_first_starts_agree_on_one_secret(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        secrets = set(pool.map(lambda _: load_settings().secret(), range(8)))
    assert len(secrets) == 1
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["secrets.json"]


def test_a_stored_secret_that_is_too_short_is_reported(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secrets.json").write_text('{"secret_key": "short"}')
    with pytest.raises(SettingsError, match="no usable secret_key"):
        load_settings()


def test_blank_data_dir_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISE_DATA_DIR", "")
    monkeypatch.setenv("RISE_SECRET_KEY", STRONG_SECRET)
    assert load_settings().data_dir == Path(".rise").absolute()


@pytest.mark.parametrize("public_url", [None, "http://127.0.0.1:8000", "http://127.0.0.1:8000/"])
def test_production_refuses_the_development_public_url(
    monkeypatch: pytest.MonkeyPatch, public_url: str | None
) -> None:
    monkeypatch.setenv("RISE_ENV", "production")
    monkeypatch.setenv("RISE_SECRET_KEY", STRONG_SECRET)
    if public_url is not None:
        monkeypatch.setenv("RISE_PUBLIC_URL", public_url)
    with pytest.raises(SettingsError, match=r"^RISE_PUBLIC_URL must be set when RISE_ENV=prod"):
        load_settings()


def test_development_keeps_the_local_public_url() -> None:
    assert load_settings().public_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 2), (12, 12), (96, 64)])
def test_a_worker_per_core_by_default(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)))
    assert load_settings().workers == workers
    monkeypatch.setenv("RISE_WORKERS", "3")
    assert load_settings().workers == 3


def test_trusted_proxies_are_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().trusted_proxies == ()
    monkeypatch.setenv("RISE_TRUSTED_PROXIES", " 10.0.0.5, 10.1.0.0/16,,::1 ")
    assert load_settings().trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16", "::1/128")
    monkeypatch.setenv("RISE_TRUSTED_PROXIES", "10.0.0.5, proxy.internal")
    with pytest.raises(SettingsError, match=r"RISE_TRUSTED_PROXIES: .*'proxy\.internal'"):
        load_settings()


def test_the_redis_url_is_a_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().redis is None
    monkeypatch.setenv("RISE_REDIS_URL", "")
    assert load_settings().redis is None
    monkeypatch.setenv("RISE_REDIS_URL", "redis://:pw@cache:6379/2")
    settings = load_settings()
    assert settings.redis == "redis://:pw@cache:6379/2"
    assert "pw" not in repr(settings)
    monkeypatch.setenv("RISE_REDIS_URL", "http://cache:6379")
    with pytest.raises(SettingsError, match=r"RISE_REDIS_URL: .*redis://"):
        load_settings()


def test_no_cors_origin_by_default() -> None:
    assert load_settings().cors_origins == ()


def test_cors_origins_are_a_comma_separated_list_written_as_browsers_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "RISE_CORS_ORIGINS",
        " https://App.Example.com , http://localhost:5173,https://x.example:443,",
    )
    assert load_settings().cors_origins == (
        "https://app.example.com",
        "http://localhost:5173",
        "https://x.example",
    )


@pytest.mark.parametrize(
    "value",
    [
        "https://app.example.com/",
        "app.example.com",
        "*",
        "https://app.example.com/path",
        "ftp://files.example.com",
        "https://user@app.example.com",
        "https://app.example.com:99999",
    ],
)
def test_a_cors_origin_that_is_no_origin_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RISE_CORS_ORIGINS", f"http://localhost:5173,{value}")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == (
        f"RISE_CORS_ORIGINS: {value!r} is not an origin: write scheme://host[:port],"
        " as https://app.example.com"
    )


def test_mail_is_off_only_in_production_without_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert (settings.smtp, settings.mail_is_off) == (None, False)  # development logs it
    assert settings.reset_link_pattern() == "http://127.0.0.1:8000/reset-password?token={token}"
    monkeypatch.setenv("RISE_ENV", "production")
    monkeypatch.setenv("RISE_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("RISE_PUBLIC_URL", PUBLIC_URL)
    assert load_settings().mail_is_off
    monkeypatch.setenv("RISE_SMTP_URL", "smtps://u:p@mail.example.com:465")
    settings = load_settings()
    assert not settings.mail_is_off
    assert settings.smtp == "smtps://u:p@mail.example.com:465"
    assert "u:p" not in repr(settings)  # the password is a secret


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RISE_SMTP_URL", "mail.example.com:587", "RISE_SMTP_URL: must start with smtp://"),
        ("RISE_MAIL_FROM", "no address here", "RISE_MAIL_FROM: 'no address here' is not an"),
        ("RISE_PASSWORD_RESET_URL", "https://app.example.com/reset", "RISE_PASSWORD_RESET_URL"),
        ("RISE_PASSWORD_RESET_URL", "javascript:{token}", "must be an http(s) URL with {token}"),
    ],
)
def test_mail_settings_are_checked(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_settings()


def test_a_front_end_page_takes_the_reset_link(monkeypatch: pytest.MonkeyPatch) -> None:
    page = "https://app.example.com/reset?lang=en&token={token}"
    monkeypatch.setenv("RISE_PASSWORD_RESET_URL", page)
    monkeypatch.setenv("RISE_MAIL_FROM", "RISE Team <team@rise.example>")
    settings = load_settings()
    assert settings.reset_link_pattern() == page
    assert settings.mail_from == "RISE Team <team@rise.example>"


def test_development_generates_an_encryption_key_once_and_keeps_it_private(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("RISE_ENCRYPTION_KEYS", raising=False)
    first, second = load_settings().keyring(), load_settings().keyring()
    assert first.ids == second.ids == ("dev1",)
    sealed = first.seal("kept across restarts", b"place")
    assert second.open(sealed, b"place") == "kept across restarts"
    stored = tmp_path / "data" / "encryption-keys.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_a_damaged_development_key_file_is_not_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A new key could not open what the old one sealed: the start stops instead."""
    monkeypatch.delenv("RISE_ENCRYPTION_KEYS", raising=False)
    stored = tmp_path / "data" / "encryption-keys.json"
    stored.parent.mkdir(parents=True)
    stored.write_text('{"encryption_keys": "dev1:short"}')
    with pytest.raises(SettingsError, match=r"holds no usable encryption_keys .*restore it"):
        load_settings()
    assert stored.read_text() == '{"encryption_keys": "dev1:short"}'


def test_production_refuses_to_start_without_encryption_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RISE_ENCRYPTION_KEYS", raising=False)
    monkeypatch.setenv("RISE_ENV", "production")
    monkeypatch.setenv("RISE_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("RISE_PUBLIC_URL", PUBLIC_URL)
    with pytest.raises(SettingsError, match="RISE_ENCRYPTION_KEYS must be set"):
        load_settings()


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("", "no key is given"),
        ("nocolon", "entry 1 is not `id:key`"),
        ("bad id!:" + "A" * 43 + "=", "entry 1 is not `id:key`"),
        ("k1:not base64 at all", "key 'k1' is not base64"),
        ("k1:" + "A" * 24, "key 'k1' is 18 bytes; AES-256 needs 32"),
        ("k1:" + "A" * 43 + "=" + ", k1:" + "B" * 43 + "=", "key id 'k1' is given twice"),
    ],
)
def test_unreadable_encryption_keys_are_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, given: str, reason: str
) -> None:
    monkeypatch.setenv("RISE_ENCRYPTION_KEYS", given)
    with pytest.raises(SettingsError, match=re.escape(f"RISE_ENCRYPTION_KEYS: {reason}")):
        load_settings()
