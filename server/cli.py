"""The `rise` command line: serve, the background worker, database migrations, accounts,
purging, sweeping report files, schema export.

Settings are read once here and passed down. Expected failures end in one line on standard
error (``rise: error: ...``) and exit status 1; usage mistakes exit with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import psycopg
from alembic.util import CommandError
from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy.exc import DBAPIError, OperationalError

from domain.accounts import check_password, clean_name, normalize_email
from domain.bank import BankError, load_bank
from domain.errors import DomainError, NotFound
from domain.model import Role, User
from domain.services.accounts import PasswordSet, create_user, set_password
from domain.services.erasure import Erased, erase_client, erase_user, purge_deleted_assessments
from domain.services.reports import Swept, sweep_report_files
from persistence import schema as migrations
from persistence.connections import Database
from persistence.database import (
    DatabaseLocation,
    DatabaseUrlError,
    describe,
    provide_database,
)
from persistence.embedded import EmbeddedDatabaseError
from persistence.key_registry import KeyMismatch
from persistence.sealing import UnreadableValue
from persistence.unit_of_work import SqlUnitOfWork
from server.auth import Argon2PasswordHasher
from server.backup_commands import add_backup_commands
from server.clock import SystemClock
from server.failure import Failure
from server.key_commands import add_key_commands
from server.logs import configure_logging
from server.migrate import prepare_database, require_migrated
from server.settings import Settings, SettingsError, load_settings
from server.storage import StorageError, report_store
from server.version import service_version

log = logging.getLogger("rise")

PASSWORD_PROMPT_ATTEMPTS = 3
MAX_WORKERS = 64


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.handler is None:
        parser.print_help()
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        handler: Callable[[Settings, argparse.Namespace], int] = args.handler
        return handler(settings, args)
    except KeyboardInterrupt:
        print("rise: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Terminated:
        print("rise: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except (
        Failure,
        SettingsError,
        DatabaseUrlError,
        EmbeddedDatabaseError,
        BankError,
        KeyMismatch,
        UnreadableValue,
    ) as exc:
        return _fail(str(exc))
    except CommandError as exc:  # alembic: an unknown or unreachable revision
        return _fail(str(exc))
    except (StorageError, BotoCoreError, ClientError) as exc:  # the report store
        return _fail(f"report files: {_first_line(str(exc))}")
    except DomainError as exc:
        return _fail(exc.message)
    except DBAPIError as exc:
        return _fail(_database_error(exc))
    except psycopg.Error as exc:
        return _fail(f"cannot use the database: {_first_line(str(exc))}")
    except OSError as exc:  # an unusable data directory, a full disk, ...
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(f"{exc.strerror or exc}{where}")


class Terminated(BaseException):
    """SIGTERM arrived; unwinding every `with` block leaves the embedded database cleanly."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _fail(message: str) -> int:
    print(f"rise: error: {message}", file=sys.stderr)
    return 1


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "no details"


def _database_error(exc: DBAPIError) -> str:
    first_line = _first_line(str(exc.orig if exc.orig else exc))
    if isinstance(exc, OperationalError):
        return f"cannot use the database: {first_line}"
    return f"database error: {first_line}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rise", description="Financial RISE assessment service.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {service_version()}")
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate the database, then serve the API")
    serve.add_argument("--host", help="interface to listen on (default: RISE_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="port to listen on (default: RISE_PORT or 8000)")
    serve.add_argument(
        "--workers",
        type=_workers,
        help="worker processes sharing the port (default: RISE_WORKERS or one per core)",
    )
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser(
        "worker", help="run the background jobs (mail, purges, sweeps) without serving"
    )
    worker.set_defaults(handler=_worker)

    db = commands.add_parser("db", help="database migrations")
    db.set_defaults(handler=None)
    db_commands = db.add_subparsers(title="db commands", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="upgrade to the latest revision (or REV)")
    upgrade.add_argument("revision", nargs="?", default="head", metavar="REV")
    upgrade.set_defaults(handler=_db_upgrade)
    downgrade = db_commands.add_parser("downgrade", help="downgrade to REV (base: remove all)")
    downgrade.add_argument("revision", metavar="REV")
    downgrade.set_defaults(handler=_db_downgrade)
    current = db_commands.add_parser("current", help="show the database's revision")
    current.set_defaults(handler=_db_current)
    add_backup_commands(db_commands)

    users = commands.add_parser("users", help="manage accounts")
    users.set_defaults(handler=None)
    user_commands = users.add_subparsers(title="users commands", metavar="ACTION", required=True)
    create = user_commands.add_parser(
        "create", help="create an account (password from RISE_PASSWORD or a prompt)"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--first-name", required=True)
    create.add_argument("--last-name", required=True)
    create.set_defaults(handler=_users_create)

    delete = user_commands.add_parser(
        "delete",
        help="delete an account for good, with its assessments and report files",
    )
    delete.add_argument("--email", required=True)
    delete.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    delete.set_defaults(handler=_users_delete)

    listing = user_commands.add_parser(
        "list", help="list the accounts by email: role, state and last login"
    )
    listing.add_argument("--role", choices=[role.value for role in Role], help="only this role")
    listing.set_defaults(handler=_users_list)

    set_password = user_commands.add_parser(
        "set-password",
        help="set an account's password (from RISE_PASSWORD or a prompt), end its sessions "
        "and clear its lockout",
    )
    set_password.add_argument("--email", required=True)
    set_password.set_defaults(handler=_users_set_password)

    assessments = commands.add_parser("assessments", help="manage assessments")
    assessments.set_defaults(handler=None)
    assessment_commands = assessments.add_subparsers(
        title="assessments commands", metavar="ACTION", required=True
    )
    purge = assessment_commands.add_parser(
        "purge",
        help="remove assessments deleted more than DAYS ago for good, with their report files",
    )
    purge.add_argument(
        "--older-than-days", type=_days, default=30, metavar="DAYS", help="default: 30"
    )
    purge.set_defaults(handler=_assessments_purge)

    clients = commands.add_parser("clients", help="answer a client's data requests")
    clients.set_defaults(handler=None)
    client_commands = clients.add_subparsers(
        title="clients commands", metavar="ACTION", required=True
    )
    erase = client_commands.add_parser(
        "erase",
        help="erase a client for good: their assessments, reports, messages and audit details",
    )
    erase.add_argument("--email", required=True, help="the client's email address")
    erase.add_argument(
        "--consultant", metavar="EMAIL", help="only this consultant's assessments (default: all)"
    )
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    erase.set_defaults(handler=_clients_erase)

    reports = commands.add_parser("reports", help="manage report files")
    reports.set_defaults(handler=None)
    report_commands = reports.add_subparsers(
        title="reports commands", metavar="ACTION", required=True
    )
    sweep = report_commands.add_parser(
        "sweep", help="remove the report files that no report names (left by a crash)"
    )
    sweep.set_defaults(handler=_reports_sweep)

    add_key_commands(commands)

    demo = commands.add_parser(
        "demo", help="load an admin, a consultant and sample assessments (development only)"
    )
    demo.set_defaults(handler=_demo)

    export = commands.add_parser("export-schema", help="write the GraphQL schema in SDL")
    export.add_argument("--output", type=Path, default=Path("schema.graphql"))
    export.set_defaults(handler=_export_schema)
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes") from None
    if not 1 <= workers <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{workers} is not from 1 to {MAX_WORKERS}")
    return workers


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"{days} is not a number of days (0 or more)")
    return days


def _announce(location: DatabaseLocation) -> None:
    log.info("database: %s", location.describe())


# -- serve -----------------------------------------------------------------------------------


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    # The web stack is imported here, not at the top: the other commands start faster.
    from server.serving import serve

    host = args.host if args.host is not None else settings.host
    port = args.port if args.port is not None else settings.port
    workers = args.workers if args.workers is not None else settings.workers
    serve(settings, host, port, workers)
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from server.jobs import work_alone
    from server.serving import announce_mail

    announce_mail(settings)
    with provide_database(settings.database_url, settings.data_dir) as location:
        _announce(location)
        require_migrated(location.url)
        asyncio.run(work_alone(settings, location.url))
    return 0


# -- db --------------------------------------------------------------------------------------


def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    with provide_database(settings.database_url, settings.data_dir) as location:
        _announce(location)
        prepare_database(location.url, args.revision, keys=settings.keyring())
    return 0


def _db_downgrade(settings: Settings, args: argparse.Namespace) -> int:
    revision: str = args.revision
    if revision != "base" and not revision.startswith("-"):
        _require_known_revision(revision)
    with provide_database(settings.database_url, settings.data_dir) as location:
        _announce(location)
        migrations.downgrade(location.url, revision)
        now = migrations.current_revision(location.url)
        log.info("database schema is now at %s", now or "base (no tables)")
    return 0


def _require_known_revision(revision: str) -> None:
    known = migrations.known_revisions()
    if revision not in known:
        raise Failure(f"unknown revision {revision!r} (known: {', '.join(sorted(known))}, base)")


def _db_current(settings: Settings, args: argparse.Namespace) -> int:
    with provide_database(settings.database_url, settings.data_dir) as location:
        current = migrations.current_revision(location.url)
        head = migrations.head_revision()
        if current is None:
            state = "empty (run `rise db upgrade`)"
        elif current == head:
            state = "up to date"
        else:
            state = f"behind head {head} (run `rise db upgrade`)"
        print(f"{current or 'base'} ({state}) on {describe(location.url)}")
    return 0


# -- users -----------------------------------------------------------------------------------


def _users_create(settings: Settings, args: argparse.Namespace) -> int:
    # Check what needs no database first, so a typo never waits for PostgreSQL to start.
    email = normalize_email(args.email)
    clean_name(args.first_name, field="first_name")
    clean_name(args.last_name, field="last_name")
    password = _password()
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        user = asyncio.run(_create_user(settings, location.url, args, email, password))
    print(f"created {user.role.value} {user.email} (id {user.id})")
    return 0


def _password() -> str:
    from_env = os.environ.get("RISE_PASSWORD")
    if from_env is not None:
        return check_password(from_env)
    if not sys.stdin.isatty():
        raise Failure("no password: set RISE_PASSWORD or run the command in a terminal")
    try:
        return _prompt_password()
    except EOFError:  # Ctrl-D at the prompt
        raise Failure("no password given") from None


def _prompt_password() -> str:
    for attempt in range(1, PASSWORD_PROMPT_ATTEMPTS + 1):
        password = getpass.getpass("Password: ")
        try:
            check_password(password)
        except DomainError as exc:
            if attempt == PASSWORD_PROMPT_ATTEMPTS:
                raise
            print(exc.message, file=sys.stderr)
            continue
        if getpass.getpass("Repeat password: ") == password:
            return password
        print("the passwords do not match", file=sys.stderr)
    raise Failure("no password confirmed")


async def _create_user(
    settings: Settings, url: str, args: argparse.Namespace, email: str, password: str
) -> User:
    async with _unit_of_work(settings, url) as uow:
        return await create_user(
            uow=uow,
            hasher=Argon2PasswordHasher(),
            email=email,
            password=password,
            role=Role(args.role),
            first_name=args.first_name,
            last_name=args.last_name,
            source="cli",
        )


def _users_delete(settings: Settings, args: argparse.Namespace) -> int:
    email = normalize_email(args.email)
    if not args.yes:
        raise Failure(
            f"this deletes {email} for good, with all their assessments and reports;"
            " repeat with --yes to go ahead"
        )
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        erased = asyncio.run(_erase_user(settings, location.url, email))
    print(
        f"deleted {email} with {erased.assessments} assessment(s), {erased.files} report"
        f" file(s) and the details of {erased.audit_rows} audit row(s)"
    )
    return 0


def _users_list(settings: Settings, args: argparse.Namespace) -> int:
    role = Role(args.role) if args.role else None
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        users = asyncio.run(_list_users(settings, location.url, role))
    if not users:
        print(f"no {role.value} accounts" if role else "no accounts")
        return 0
    now = SystemClock().now()
    table = [("EMAIL", "ROLE", "STATE", "LAST LOGIN")]
    table += [(u.email, u.role.value, _state(u, now), _when(u.last_login_at)) for u in users]
    widths = [max(len(row[column]) for row in table) for column in range(3)]
    for row in table:
        cells = [text.ljust(width) for text, width in zip(row[:3], widths, strict=True)]
        print("  ".join([*cells, row[3]]))
    return 0


def _state(user: User, now: datetime) -> str:
    state = "active" if user.is_active else "inactive"
    until = user.lock_end(now)
    return f"{state}, locked until {_when(until)}" if until else state


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


async def _list_users(settings: Settings, url: str, role: Role | None) -> list[User]:
    async with _unit_of_work(settings, url) as uow, uow:
        return await uow.users.every(role=role)


def _users_set_password(settings: Settings, args: argparse.Namespace) -> int:
    email = normalize_email(args.email)
    password = _password()
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        done = asyncio.run(_set_password(settings, location.url, email, password))
    unlocked = "; its lock is cleared" if done.was_locked else ""
    print(
        f"set the password of {done.user.email}; ended {done.sessions_ended} session(s){unlocked}"
    )
    return 0


async def _set_password(settings: Settings, url: str, email: str, password: str) -> PasswordSet:
    async with _unit_of_work(settings, url) as uow:
        return await set_password(
            uow=uow,
            hasher=Argon2PasswordHasher(),
            clock=SystemClock(),
            email=email,
            password=password,
            source="cli",
        )


async def _erase_user(settings: Settings, url: str, email: str) -> Erased:
    async with _unit_of_work(settings, url) as uow:
        return await erase_user(uow=uow, store=report_store(settings), email=email)


# -- clients ---------------------------------------------------------------------------------


def _clients_erase(settings: Settings, args: argparse.Namespace) -> int:
    email = normalize_email(args.email)
    consultant = normalize_email(args.consultant, field="consultant") if args.consultant else None
    whose = f"{consultant}'s" if consultant else "every consultant's"
    if not args.yes:
        raise Failure(
            f"this erases {email} from {whose} assessments for good, with their reports,"
            " messages and audit details; repeat with --yes to go ahead"
        )
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        erased = asyncio.run(_erase_client(settings, location.url, email, consultant))
    print(
        f"erased {email} from {whose} assessments: {erased.assessments} assessment(s),"
        f" {erased.files} report file(s), the details of {erased.audit_rows} audit row(s)"
    )
    return 0


async def _erase_client(settings: Settings, url: str, email: str, consultant: str | None) -> Erased:
    async with _unit_of_work(settings, url) as uow:
        consultant_id = None
        if consultant is not None:
            async with uow:
                found = await uow.users.get_by_email(consultant)
            if found is None:
                raise NotFound(f"no account {consultant}")
            consultant_id = found.id
        return await erase_client(
            uow=uow,
            store=report_store(settings),
            email=email,
            actor=None,
            consultant_id=consultant_id,
        )


@contextlib.asynccontextmanager
async def _unit_of_work(settings: Settings, url: str) -> AsyncIterator[SqlUnitOfWork]:
    """A unit of work on a pool of its own, closed afterwards."""
    async with Database(url, statement_timeout_ms=settings.db_statement_timeout_ms) as database:
        yield SqlUnitOfWork(database.scope(), settings.keyring())


# -- assessments -----------------------------------------------------------------------------


def _assessments_purge(settings: Settings, args: argparse.Namespace) -> int:
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        erased = asyncio.run(_purge(settings, location.url, args.older_than_days))
    print(
        f"removed {erased.assessments} assessment(s) deleted more than"
        f" {args.older_than_days} day(s) ago, and {erased.files} report file(s)"
    )
    return 0


async def _purge(settings: Settings, url: str, days: int) -> Erased:
    async with _unit_of_work(settings, url) as uow:
        return await purge_deleted_assessments(
            uow=uow,
            store=report_store(settings),
            now=SystemClock().now(),
            older_than=timedelta(days=days),
        )


# -- reports --------------------------------------------------------------------------------


def _reports_sweep(settings: Settings, args: argparse.Namespace) -> int:
    with provide_database(settings.database_url, settings.data_dir) as location:
        require_migrated(location.url)
        swept = asyncio.run(_sweep(settings, location.url))
    print(f"removed {swept.removed} orphan report file(s) of {swept.checked} checked")
    return 0


async def _sweep(settings: Settings, url: str) -> Swept:
    def progress(so_far: Swept) -> None:
        print(
            f"rise: checked {so_far.checked} file(s), {so_far.removed} orphan(s) removed",
            file=sys.stderr,
            flush=True,
        )

    async with _unit_of_work(settings, url) as uow:
        return await sweep_report_files(uow=uow, store=report_store(settings), progress=progress)


# -- demo ------------------------------------------------------------------------------------


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    if settings.is_production:
        raise Failure("rise demo loads known passwords; it refuses to run with RISE_ENV=production")

    with provide_database(settings.database_url, settings.data_dir) as location:
        _announce(location)
        prepare_database(location.url, keys=settings.keyring())
        print(asyncio.run(_run_demo(settings, location.url)))
    return 0


async def _run_demo(settings: Settings, url: str) -> str:
    from server.demo import load_demo

    bank = load_bank()
    async with Database(url, statement_timeout_ms=settings.db_statement_timeout_ms) as database:
        keys = settings.keyring()
        return await load_demo(lambda: SqlUnitOfWork(database.scope(), keys, bank), bank)


# -- export-schema ---------------------------------------------------------------------------


def _export_schema(settings: Settings, args: argparse.Namespace) -> int:
    from server.graphql.schema import export_sdl

    output: Path = args.output
    output.write_text(export_sdl())
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
