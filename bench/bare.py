"""The bare baseline: a Starlette app that answers two operations the way the service must,
with nothing else in the way, as the floor for the service's request path.

It runs under uvicorn with the options `rise serve` uses (server/serving.py: the same
listening socket, `log_config=None`, `lifespan="on"`, `server_header=False`) and answers
POST /graphql with the service's JSON shape, for exactly these two documents:

    { me { id email } }
    query($id: ID!) { assessment(id: $id) { id status progressPercentage } }

choosing by whether the query text contains `assessment(`. It parses no GraphQL. For each
request it verifies the bearer token as the service does (`server.tokens.bearer_claims`,
same secret), then on one pooled psycopg 3 connection in autocommit mode, as the service's
are, runs the viewer check that `persistence.queries.signed_in_user` makes (the user by id,
not deleted, active, the token's login still unrevoked, in one statement) and, for
`assessment`, reads the assessment by id (not deleted; the viewer's own or the viewer an
admin). The SQL is below, in one place, as the service's own statements are.

    BENCH_CONNINFO=... RISE_SECRET_KEY=... uv run python -m bench.bare --port 8001
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import uvicorn
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.graphql.ids import BadId, from_global_id, to_global_id
from server.serving import listen, run_until_signalled
from server.tokens import Claims, bearer_claims

# -- The SQL: the statements the service's SQLAlchemy code emits --------------------------------

# persistence.queries.signed_in_user: the account the token names, live and active, and (for
# a token of a login) that login still has an unrevoked session; one statement.
SIGNED_IN = """
SELECT users.id, users.email, users.role, users.first_name, users.last_name, users.is_active,
       users.created_at, users.last_login_at
FROM users
WHERE users.id = %(user_id)s::UUID AND users.deleted_at IS NULL AND users.is_active IS true
  AND (EXISTS (SELECT * FROM sessions AS sessions_1, sessions
               WHERE sessions_1.id = %(session_id)s::UUID AND sessions_1.user_id = users.id
                 AND sessions.family_id = sessions_1.family_id
                 AND sessions.revoked_at IS NULL))
"""
# The same without a login (a token minted with no session).
SIGNED_IN_WITHOUT_LOGIN = """
SELECT users.id, users.email, users.role, users.first_name, users.last_name, users.is_active,
       users.created_at, users.last_login_at
FROM users
WHERE users.id = %(user_id)s::UUID AND users.deleted_at IS NULL AND users.is_active IS true
"""

# persistence.queries.assessments_by_id (the assessments DataLoader), for one id.
ASSESSMENT_BY_ID = """
SELECT assessments.id, assessments.consultant_id, assessments.client_name,
       assessments.client_business_name, assessments.client_email, assessments.status,
       assessments.progress_percentage, assessments.created_at, assessments.updated_at,
       assessments.entity_type, assessments.is_s_corp_on_payroll, assessments.confidence_before,
       assessments.confidence_after, assessments.started_at, assessments.completed_at,
       assessments.archived_at
FROM assessments
WHERE assessments.id IN (%(assessment_id)s::UUID) AND assessments.deleted_at IS NULL
"""

# The service's default pool: RISE_DB_POOL_SIZE 5 kept open, RISE_DB_MAX_OVERFLOW 15 more.
POOL_MIN, POOL_MAX = 5, 20
STATEMENT_TIMEOUT_MS = 15000  # RISE_DB_STATEMENT_TIMEOUT_MS

Connection = AsyncConnection[DictRow]


class Failure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


async def viewer(conn: Connection, claims: Claims | None) -> DictRow | None:
    if claims is None:
        return None
    params = {"user_id": claims.user_id, "session_id": claims.session_id}
    statement = SIGNED_IN if claims.session_id is not None else SIGNED_IN_WITHOUT_LOGIN
    return await (await conn.execute(statement, params)).fetchone()


async def assessment(conn: Connection, user: DictRow | None, raw_id: str) -> dict[str, Any]:
    if user is None:
        raise Failure("UNAUTHENTICATED", "sign in first")
    try:
        kind, key = from_global_id(raw_id)
    except BadId:
        raise Failure("NOT_FOUND", "no such assessment") from None
    row = None
    if kind == "Assessment":
        cursor = await conn.execute(ASSESSMENT_BY_ID, {"assessment_id": key})
        row = await cursor.fetchone()
    if row is None or (user["role"] != "admin" and row["consultant_id"] != user["id"]):
        raise Failure("NOT_FOUND", "no such assessment")
    return {
        "id": to_global_id("Assessment", row["id"]),
        "status": row["status"].upper(),
        "progressPercentage": float(row["progress_percentage"]),
    }


def _id(user: DictRow) -> str:
    raw: UUID = user["id"]
    return str(to_global_id("User", raw))


async def graphql(request: Request) -> Response:
    body = await request.json()
    query: str = body.get("query", "")
    variables: dict[str, Any] = body.get("variables") or {}
    header = request.headers.get("authorization", "")
    claims = bearer_claims(header, secret=request.app.state.secret, now=datetime.now(UTC))
    pool: AsyncConnectionPool[Connection] = request.app.state.pool
    result: dict[str, Any]
    async with pool.connection() as conn:
        user = await viewer(conn, claims)
        if "assessment(" in query:
            try:
                found = await assessment(conn, user, str(variables.get("id", "")))
                result = {"data": {"assessment": found}}
            except Failure as failure:
                error = {"message": str(failure), "extensions": {"code": failure.code}}
                result = {"data": {"assessment": None}, "errors": [error]}
        else:
            me = {"id": _id(user), "email": user["email"]} if user else None
            result = {"data": {"me": me}}
    return Response(json.dumps(result), media_type="application/json")


async def readyz(request: Request) -> JSONResponse:
    pool: AsyncConnectionPool[Connection] = request.app.state.pool
    async with pool.connection() as conn:
        await conn.execute("SELECT 1")
    return JSONResponse({"status": "ready"})


def create_app(conninfo: str, secret: str) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = AsyncConnectionPool(
            conninfo,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            kwargs={
                "autocommit": True,
                "row_factory": dict_row,
                "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            },
            connection_class=AsyncConnection[DictRow],
            open=False,
        )
        await pool.open(wait=True)
        app.state.pool, app.state.secret = pool, secret
        try:
            yield
        finally:
            await pool.close()

    routes = [Route("/graphql", graphql, methods=["POST"]), Route("/readyz", readyz)]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    app = create_app(os.environ["BENCH_CONNINFO"], os.environ["RISE_SECRET_KEY"])
    listener = listen(args.host, args.port)
    config = uvicorn.Config(
        app, host=args.host, port=args.port, log_config=None, lifespan="on", server_header=False
    )
    try:
        run_until_signalled(uvicorn.Server(config), listener)
    finally:
        listener.close()


if __name__ == "__main__":
    main()
