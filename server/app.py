"""The Starlette application: health probes, the GraphQL endpoint and the report files."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from domain.bank import load_bank
from persistence.database import create_engine
from server.auth import Argon2PasswordHasher
from server.clock import SystemClock
from server.graphql.context import Context
from server.graphql.http import RiseGraphQL
from server.graphql.schema import build_schema
from server.limits import BodyLimit
from server.mail import ConsoleMailer
from server.rate_limits import RateLimiter, rules_for
from server.reports_http import PdfRenderer, ReportServices, report_routes
from server.services import Services
from server.settings import Settings
from server.storage import report_store

log = logging.getLogger(__name__)

READINESS_TIMEOUT_SECONDS = 2.0


def create_app(
    settings: Settings, database_url: str, *, limiter: RateLimiter | None = None
) -> Starlette:
    """Builds the app; the engine is created on start-up and disposed on shutdown."""
    reports = ReportServices(store=report_store(settings), renderer=PdfRenderer())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(
            database_url,
            statement_timeout_ms=settings.db_statement_timeout_ms,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        app.state.engine = engine
        app.state.services = Services(
            engine=engine,
            secret=settings.secret(),
            bank=load_bank(),
            clock=SystemClock(),
            hasher=Argon2PasswordHasher(),
            mailer=ConsoleMailer(),
            public_url=settings.public_url.rstrip("/"),
            limiter=limiter or RateLimiter(rules=rules_for(settings.reports_per_minute)),
            reports=reports,
        )
        # What start-up built lives as long as the process: out of the collector's sight, a
        # full collection no longer walks it (110 ms of pause, measured, for every one).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await asyncio.to_thread(reports.renderer.close)
            await engine.dispose()

    def context(request: Request) -> Context:
        return Context.build(request, request.app.state.services)

    schema = build_schema(
        production=settings.is_production, introspection=settings.introspection_enabled
    )
    graphql = RiseGraphQL(schema, graphiql=settings.graphiql_enabled, context=context)
    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *report_routes(),
        ],
        lifespan=lifespan,
        middleware=[Middleware(BodyLimit)],
    )


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers a query within two seconds."""
    engine: AsyncEngine = request.app.state.engine
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness check failed: %s", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok"})
