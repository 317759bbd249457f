"""The Starlette application: health probes, the GraphQL endpoint (and GraphiQL's files when
it is enabled), the report files, the logos and the password-reset page, behind the security
headers (every response), CORS (listed origins) and the body limit."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable

import psycopg
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from domain.bank import load_bank
from persistence.connections import Connection, Database
from server.auth import Argon2PasswordHasher
from server.clock import SystemClock
from server.cors import cors_middleware
from server.exports_http import export_routes
from server.graphql.context import Context
from server.graphql.explorer_assets import asset_routes, graphiql_assets
from server.graphql.http import RiseGraphQL
from server.graphql.schema import build_schema
from server.images import PillowLogoImages
from server.jobs import Jobs, job_services, worker_running
from server.limits import BodyLimit
from server.logos_http import logo_routes
from server.mail import MAIL_OFF
from server.outages import outage_response
from server.rate_limits import RateLimiter, rules_for, swept, windows_for
from server.render_pool import PdfRenderer
from server.reports_http import ReportServices, report_routes
from server.reset_page import reset_page_routes
from server.security_headers import SecurityHeaders
from server.services import Services
from server.settings import Settings, available_cores
from server.share_tokens import SignedShareTokens
from server.storage import StorageUnavailable, report_store

log = logging.getLogger(__name__)

READINESS_TIMEOUT_SECONDS = 2.0


class App(Starlette):
    """Starlette with the security headers on every response, its own 500s included."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(
    settings: Settings,
    database_url: str,
    *,
    processes: int = 1,
    rate_rules: dict[str, tuple[str, str]] | None = None,
    on_connect: Callable[[Connection], None] | None = None,
) -> Starlette:
    """Builds the app; its database pool is opened on start-up and closed on shutdown.
    `processes` is how many processes serve it (`rise serve --workers`), which share the
    cores between their render workers. `rate_rules` replaces the rate limits' allowances,
    `on_connect` sees every new database connection (tests use both)."""
    renderer = PdfRenderer(workers=math.ceil(available_cores() / processes))
    reports = ReportServices(store=report_store(settings), renderer=renderer)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        database = Database(
            database_url,
            statement_timeout_ms=settings.db_statement_timeout_ms,
            size=settings.db_pool_size,
            checkout_timeout=settings.db_pool_timeout_seconds,
            on_connect=on_connect,
        )
        await database.open()
        reports.renderer.start()
        windows = windows_for(settings.redis, database)
        jobs = Jobs(database_url, statement_timeout_ms=settings.db_statement_timeout_ms)
        clock = SystemClock()
        app.state.services = Services(
            database=database,
            secret=settings.secret(),
            bank=load_bank(),
            keys=settings.keyring(),
            clock=clock,
            hasher=Argon2PasswordHasher(),
            mail=jobs,
            exports=jobs,
            public_url=settings.public_url.rstrip("/"),
            reset_link=settings.reset_link_pattern(),
            mail_off=settings.mail_is_off,
            limiter=RateLimiter(windows, rate_rules or rules_for(settings.reports_per_minute)),
            reports=reports,
            images=PillowLogoImages(),
            share_tokens=SignedShareTokens(settings.secret()),
        )
        # What start-up built lives as long as the process: out of the collector's sight, a
        # full collection no longer walks it (110 ms of pause, measured, for every one).
        gc.collect()
        gc.freeze()
        try:
            async with swept(windows), jobs.opened(), _worker(settings, jobs, database, reports):
                yield
        finally:
            await asyncio.to_thread(reports.renderer.close)
            await database.close()

    def context(request: Request) -> Context:
        return Context.build(request, request.app.state.services)

    schema = build_schema(
        production=settings.is_production, introspection=settings.introspection_enabled
    )
    graphql = RiseGraphQL(schema, graphiql=settings.graphiql_enabled, context=context)
    explorer = asset_routes(graphiql_assets()) if settings.graphiql_enabled else []
    return App(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql),  # it answers other methods itself: 405
            *explorer,
            *report_routes(),
            *export_routes(),
            *logo_routes(),
            *reset_page_routes(),
        ],
        lifespan=lifespan,
        middleware=[*cors_middleware(settings.cors_origins), Middleware(BodyLimit)],
        # the report files' routes (GraphQL reports outages in its own errors)
        exception_handlers={
            psycopg.OperationalError: outage_response,
            StorageUnavailable: outage_response,
        },
    )


def _worker(
    settings: Settings, jobs: Jobs, database: Database, reports: ReportServices
) -> contextlib.AbstractAsyncContextManager[None]:
    """The in-process worker, unless RISE_RUN_JOBS=false leaves the jobs to `rise worker`."""
    if not settings.run_jobs:
        return contextlib.nullcontext()
    return worker_running(jobs, job_services(settings, database, reports.store))


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers a query, the report storage takes files, and the
    rate limits' windows can be counted (in Redis, when it keeps them), each within two
    seconds."""
    services: Services = request.app.state.services
    database, storage, rate_limits = await asyncio.gather(
        _ready("database", _database_answers(services)),
        _ready("storage", services.reports.store.check_writable()),
        _ready("rate limits", services.limiter.windows.check()),
    )
    ready = database and storage and rate_limits
    return JSONResponse(
        {
            "status": "ready" if ready else "unavailable",
            "database": "ok" if database else "unreachable",
            "storage": "ok" if storage else "unavailable",
            "rateLimits": "ok" if rate_limits else "unavailable",
            # Mail being off does not make the service unready: it serves without it.
            "mail": MAIL_OFF if services.mail_off else "ok",
        },
        status_code=200 if ready else 503,
    )


async def _database_answers(services: Services) -> None:
    scope = services.database.scope()
    try:
        async with scope.reading() as connection:
            await connection.execute("SELECT 1")
    finally:
        await scope.close()


async def _ready(part: str, check: Awaitable[None]) -> bool:
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            await check
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness check failed: %s: %s", part, exc or type(exc).__name__)
        return False
    return True
