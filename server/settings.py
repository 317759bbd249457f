"""Configuration, read from the environment once by the entry point and passed down.

Every setting has a documented default (README "Configuration"). In development the secret
key and the encryption key are generated on first start and kept in ``<data dir>/secrets.json``
and ``<data dir>/encryption-keys.json``; in production both must be given, and the service
refuses to start without them, or with the development public URL.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from persistence.database import DEFAULT_DATA_DIR
from persistence.sealing import Keyring, KeyringError, new_key_entry

SECRET_MIN_LENGTH = 32
SECRETS_FILE = "secrets.json"
KEYS_FILE = "encryption-keys.json"
DEVELOPMENT_KEY_ID = "dev1"
KEYS_HINT = "restore it: a new key cannot open the answers the old one encrypted"
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:8000"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
SMTP_SCHEMES = ("smtp://", "smtps://")
DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_ORIGIN = re.compile(
    rf"(?P<scheme>https?)://(?P<host>{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])(?::(?P<port>\d{{1,5}}))?"
)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at most 64."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(64, cores))


class SettingsError(Exception):
    """The configuration cannot be used; each line of the message names a variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RISE_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = "development"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "database_url")
    )
    data_dir: Path = DEFAULT_DATA_DIR
    secret_key: SecretStr | None = None
    encryption_keys: SecretStr | None = None  # `id:key, ...`, persistence/sealing.py
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # One process per core: what the processes must share (the rate-limit windows too)
    # goes through the database or Redis.
    workers: int = Field(default_factory=available_cores, ge=1, le=64)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    db_statement_timeout_ms: int = Field(default=15_000, ge=100)
    # Connections are opened as requests need them and then kept, up to the pool size: a
    # connection opened for a burst and closed after it costs more than the request did.
    db_pool_size: int = Field(default=20, ge=1)
    # How long a request waits for a free connection before it answers SERVICE_UNAVAILABLE.
    db_pool_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    graphiql: bool | None = None
    # Where people reach the service (links in mail); production must say.
    public_url: str = DEVELOPMENT_PUBLIC_URL
    # Mail: smtp://user:pass@host:587 (STARTTLS), smtps://user:pass@host:465 (TLS from the
    # start) or smtp://host:25 (a local relay, plain). None: development prints each message
    # to the log, production sends nothing and says so.
    smtp_url: SecretStr | None = None
    smtp_ca_file: Path | None = None  # a CA bundle for a relay with a private certificate
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    mail_from: str = "Financial RISE <no-reply@localhost>"
    # A front-end page for the reset link, with {token} where the token goes; None: this
    # service's own /reset-password page.
    password_reset_url: str | None = None
    # The pause before the second try of a failed delivery; it doubles before the third.
    mail_retry_seconds: float = Field(default=60.0, ge=0, le=86_400)
    # Background jobs (mail, purges, sweeps) run inside `rise serve` unless this is false;
    # then `rise worker` runs them.
    run_jobs: bool = True
    # Deleted assessments are purged for good, with their files, this many days after.
    purge_after_days: int = Field(default=30, ge=1, le=3650)
    # generateReports calls a minute per account (three times as many per client address)
    reports_per_minute: int = Field(default=20, ge=1)
    # Report files go to an S3-compatible bucket when one is named, else under data_dir.
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # e.g. http://127.0.0.1:9000 for MinIO; None for AWS
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None  # both keys, or neither (boto3's own chain)
    s3_prefix: str = ""
    # The rate-limit windows go to Redis when one is named, else to the database.
    redis_url: SecretStr | None = None
    # Peers whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or networks.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("redis_url", mode="before")
    @classmethod
    def _a_redis_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if isinstance(value, str) and not value.startswith(REDIS_SCHEMES):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("smtp_url", mode="before")
    @classmethod
    def _an_smtp_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if isinstance(value, str) and not value.startswith(SMTP_SCHEMES):
            raise ValueError("must start with smtp:// or smtps://")
        return value

    @field_validator("smtp_ca_file", "password_reset_url", mode="before")
    @classmethod
    def _blank_is_unset_too(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("password_reset_url")
    @classmethod
    def _a_page_with_the_token(cls, value: str | None) -> str | None:
        if value is not None and (
            "{token}" not in value or not value.startswith(("https://", "http://"))
        ):
            raise ValueError(
                "must be an http(s) URL with {token} where the token goes, as "
                "https://app.example.com/reset?token={token}"
            )
        return value

    @field_validator("mail_from")
    @classmethod
    def _an_address(cls, value: str) -> str:
        name, address = parseaddr(value)
        if "@" not in address or any(c in value for c in "\r\n"):
            raise ValueError(f"{value!r} is not an email address (write Name <a@b.example>)")
        return formataddr((name, address)) if name else address

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _addresses_or_networks(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        proxies = []
        for entry in (part.strip() for part in value.split(",")):
            if not entry:
                continue
            try:
                proxies.append(str(ipaddress.ip_network(entry, strict=False)))
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network") from None
        return tuple(proxies)

    # Origins (scheme://host[:port]) whose pages may call the API from a browser (CORS).
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(origin(text) for text in value)

    @field_validator("s3_bucket", "s3_endpoint_url", "s3_region", "s3_access_key_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _both_s3_keys_or_neither(self) -> Settings:
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            raise ValueError(
                "RISE_S3_ACCESS_KEY_ID and RISE_S3_SECRET_ACCESS_KEY go together:"
                " set both or neither"
            )
        return self

    @field_validator("data_dir", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        return DEFAULT_DATA_DIR if value == "" else value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.is_production

    @property
    def introspection_enabled(self) -> bool:
        """GraphiQL needs introspection; production has both off unless enabled."""
        return self.graphiql_enabled

    @property
    def smtp(self) -> str | None:
        return self.smtp_url.get_secret_value() if self.smtp_url is not None else None

    @property
    def mail_is_off(self) -> bool:
        """Production without a mail server: messages are not sent."""
        return self.is_production and self.smtp_url is None

    def reset_link_pattern(self) -> str:
        """The password-reset link, with {token} where the token goes."""
        if self.password_reset_url is not None:
            return self.password_reset_url
        return self.public_url.rstrip("/") + "/reset-password?token={token}"

    @property
    def redis(self) -> str | None:
        return self.redis_url.get_secret_value() if self.redis_url is not None else None

    def secret(self) -> str:
        """The signing secret; `load_settings` guarantees it is set."""
        if self.secret_key is None:
            raise SettingsError("RISE_SECRET_KEY is not set")
        return self.secret_key.get_secret_value()

    def keyring(self) -> Keyring:
        """The encryption keys; `load_settings` guarantees they are set and readable."""
        if self.encryption_keys is None:
            raise SettingsError("RISE_ENCRYPTION_KEYS is not set")
        try:
            return Keyring.parse(self.encryption_keys.get_secret_value())
        except KeyringError as exc:
            raise SettingsError(f"RISE_ENCRYPTION_KEYS: {exc}") from None


def origin(text: str) -> str:
    """`text` as browsers write an origin in their Origin header (lower case, no default
    port), or ValueError when it is not scheme://host[:port] with http or https."""
    found = _ORIGIN.fullmatch(text.lower())
    port = int(found["port"]) if found and found["port"] else None
    if found is None or (port is not None and not 0 < port < 65536):
        raise ValueError(
            f"{text!r} is not an origin: write scheme://host[:port], as https://app.example.com"
        )
    scheme, host = found["scheme"], found["host"]
    return f"{scheme}://{host}" + ("" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}")


def load_settings() -> Settings:
    """Reads the environment, checks it and fills in development secrets."""
    try:
        settings = Settings()
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    settings = _with_keys(_with_secret(settings))
    if settings.is_production and settings.public_url.rstrip("/") == DEVELOPMENT_PUBLIC_URL:
        raise SettingsError(
            "RISE_PUBLIC_URL must be set when RISE_ENV=production: the address people reach "
            "the service at, used in password-reset links (e.g. https://rise.example.com)"
        )
    return settings


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"])
        if not name:  # a rule over several variables names them in its message
            lines.append(error["msg"].removeprefix("Value error, "))
            continue
        variable = "DATABASE_URL" if name == "database_url" else f"RISE_{name.upper()}"
        lines.append(f"{variable}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)


def _with_secret(settings: Settings) -> Settings:
    if settings.secret_key is not None:
        if len(settings.secret_key.get_secret_value()) < SECRET_MIN_LENGTH:
            raise SettingsError(f"RISE_SECRET_KEY must be at least {SECRET_MIN_LENGTH} characters")
        return settings
    if settings.is_production:
        raise SettingsError(
            "RISE_SECRET_KEY must be set when RISE_ENV=production "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    secret = _kept(
        settings.data_dir / SECRETS_FILE,
        "secret_key",
        lambda: secrets.token_urlsafe(48),
        lambda value: len(value) >= SECRET_MIN_LENGTH,
    )
    return settings.model_copy(update={"secret_key": SecretStr(secret)})


def _with_keys(settings: Settings) -> Settings:
    if settings.encryption_keys is not None:
        settings.keyring()  # readable, or a SettingsError that says why
        return settings
    if settings.is_production:
        raise SettingsError(
            "RISE_ENCRYPTION_KEYS must be set when RISE_ENV=production "
            "(generate a key with: rise keys new --id <id>)"
        )
    path, hint = settings.data_dir / KEYS_FILE, KEYS_HINT
    keys = _kept(path, "encryption_keys", lambda: new_key_entry(DEVELOPMENT_KEY_ID), hint=hint)
    try:
        Keyring.parse(keys)
    except KeyringError as exc:
        raise SettingsError(f"{path} holds no usable encryption_keys ({exc}); {hint}") from None
    return settings.model_copy(update={"encryption_keys": SecretStr(keys)})


def _kept(
    path: Path,
    field: str,
    make: Callable[[], str],
    usable: Callable[[str], bool] = bool,
    hint: str = "delete it to generate a new one",
) -> str:
    """A development secret, generated once and kept beside the embedded database, so that
    tokens and encrypted answers survive restarts.

    Several processes may start at once on a new data directory: each writes its candidate
    to a private scratch file and links it into place, which only the first one manages; the
    others read the winner's. A reader therefore never sees a half-written file.
    """
    existing = _read_kept(path, field, usable, hint)
    if existing is not None:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, scratch = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)  # 0600
    try:
        with os.fdopen(descriptor, "w") as handle:
            json.dump({field: make()}, handle)
        with contextlib.suppress(FileExistsError):
            os.link(scratch, path)
    finally:
        os.unlink(scratch)
    winner = _read_kept(path, field, usable, hint)
    if winner is None:
        raise SettingsError(f"{path} holds no usable {field}; {hint}")
    return winner


def _read_kept(path: Path, field: str, usable: Callable[[str], bool], hint: str) -> str | None:
    try:
        stored = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except json.JSONDecodeError:
        raise SettingsError(f"{path} is not valid JSON; {hint}") from None
    value = stored.get(field) if isinstance(stored, dict) else None
    if isinstance(value, str) and usable(value):
        return value
    raise SettingsError(f"{path} holds no usable {field}; {hint}")
