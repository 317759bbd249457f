"""GraphQL over HTTP (API.md, the graphql-http audit): media-type negotiation and status codes.

A client that accepts ``application/graphql-response+json`` gets that media type, and for a
request error (unparseable document, invalid document, bad variables) a 400 with no `data`
entry. Other clients get ``application/json`` with 200, as before that specification. An
operation that could not start because the database is down (its viewer unread) is a 503
for either. Every error leaves here with `extensions.code`.

A file upload is a multipart/form-data POST (the GraphQL multipart request spec, read by
Starlette's form parser and checked by `server.graphql.requests`); authentication is by the
Authorization header alone, never a cookie, so a form another site makes a browser send
carries no one's identity.

A request that is no GraphQL request (`server.graphql.requests` says what one must be), a
method other than GET and POST, and a mutation over GET are refused with their 4xx and a
GraphQL error response in the negotiated media type, never a 500 or plain text.

Each operation gets a context of its own (the operations of a batch run side by side, each
with its own viewer and connection), and gives its connection back when it ends. Responses
are encoded with orjson.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import orjson
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from server.graphql.context import Context
from server.graphql.errors import RequestError, format_error, is_request_error
from server.graphql.explorer import explorer_html, explorer_policy
from server.graphql.requests import (
    Operations,
    get_operation,
    is_multipart,
    multipart_operations,
    post_operations,
)
from server.outages import RETRY_AFTER_SECONDS, outage_message
from server.security_headers import CSP

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
METHODS = ("GET", "POST")
ALLOW = {"Allow": ", ".join(METHODS)}
ALLOWED_OPERATIONS = {
    "GET": OperationType.from_http("GET"),
    "POST": OperationType.from_http("POST"),
}


def accepts_graphql_response_json(accept: str) -> bool:
    """True when the Accept header names application/graphql-response+json (q > 0)."""
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if media.lower() != GRAPHQL_RESPONSE_JSON:
            continue
        quality = next((p.split("=", 1)[1] for p in params if p.startswith("q=")), "1")
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


def request_error_response(error: RequestError, accept: str) -> Response:
    """The refusal as a GraphQL response without data, in the media type `accept` asks for."""
    media_type = GRAPHQL_RESPONSE_JSON if accepts_graphql_response_json(accept) else JSON
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    return Response(
        orjson.dumps(body), status_code=error.status, media_type=media_type, headers=error.headers
    )


ContextFactory = Callable[[Request], Context]


class RiseGraphQL(GraphQL[Any, None]):
    """Strawberry's ASGI view with the HTTP side of its own: `answer` serves every HTTP
    request (strawberry's `run` also weighs websockets, streaming and incremental delivery,
    which this endpoint never offers, and its runtime protocol checks alone took some 4 % of
    a small query's Python time outside psycopg in the profile); strawberry executes the
    operations."""

    def __init__(
        self, schema: BaseSchema, *, graphiql: bool, context: ContextFactory | None = None
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None)
        self._context = context
        self._explorer = explorer_html() if graphiql else ""
        self._explorer_policy = explorer_policy(self._explorer) if graphiql else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.answer(request)
        except RequestError as error:
            response = request_error_response(error, request.headers.get("accept", ""))
        finally:
            await request.close()  # an upload's files, spooled to disk past 1 MiB
        await response(scope, receive, send)

    async def answer(self, request: Request) -> Response:
        """The response to one HTTP request: GraphiQL's page, or the operation or batch it
        carries, executed."""
        if request.method not in METHODS:
            raise RequestError(
                "the GraphQL endpoint answers GET and POST only", status=405, headers=ALLOW
            )
        if self.wants_explorer(request):
            return HTMLResponse(self._explorer, headers={CSP: self._explorer_policy})
        operations = await self.operations(request)
        sub_response = self.sub_response(request)
        if isinstance(operations, list):
            contexts = [await self.get_context(request, sub_response) for _ in operations]
            results = await asyncio.gather(
                *(
                    self._execute(request, data, context)
                    for data, context in zip(operations, contexts, strict=True)
                )
            )
            body: Any = [self.response_data(sub_response, result) for result in results]
        else:
            context = await self.get_context(request, sub_response)
            result = await self._execute(request, operations, context)
            body = self.response_data(sub_response, result)
        return self.create_response(body, sub_response)

    def wants_explorer(self, request: Request) -> bool:
        """A browser's GET without a query, when GraphiQL is on; without GraphiQL, such a GET
        is a request without a query like any other."""
        if not self._explorer or request.method != "GET" or "query" in request.query_params:
            return False
        accept = request.headers.get("accept", "")
        return "text/html" in accept or "*/*" in accept

    async def operations(self, request: Request) -> Operations:
        """The operation or the batch the request carries, checked (`server.graphql.requests`)."""
        if request.method == "GET":
            return get_operation(request.query_params)
        content_type = request.headers.get("content-type")
        if is_multipart(content_type):
            try:
                form = await request.form()
            except (StarletteHTTPException, MultiPartException) as error:
                detail = getattr(error, "detail", None) or getattr(error, "message", "")
                raise RequestError(f"the multipart body cannot be read: {detail}") from None
            return multipart_operations(form.multi_items())
        return post_operations(content_type, await request.body())

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Any:
        """A context of its own for each operation (those of a batch run side by side, each
        with its own viewer and connection)."""
        if self._context is None or not isinstance(request, Request):
            return await super().get_context(request, response)
        return self._context(request)

    async def _execute(
        self, request: Request, data: GraphQLRequestData, context: Any
    ) -> ExecutionResult:
        """Runs one operation; its context's connection goes back to the pool after it."""
        try:
            return await self.schema.execute(
                data.query,
                variable_values=data.variables,
                context_value=context,
                operation_name=data.operation_name,
                allowed_operation_types=ALLOWED_OPERATIONS[request.method],
                operation_extensions=data.extensions,
            )
        except InvalidOperationTypeError as error:  # only GET limits them: to queries
            raise RequestError(
                f"a {error.operation_type.value} must be sent with POST, not GET",
                status=405,
                headers=ALLOW,
            ) from None
        finally:
            if isinstance(context, Context):
                await context.close()

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    @staticmethod
    def sub_response(request: Request) -> Response:
        """Where the operations leave the status, headers and media type of the answer."""
        modern = accepts_graphql_response_json(request.headers.get("accept", ""))
        return Response(media_type=GRAPHQL_RESPONSE_JSON if modern else JSON)

    @staticmethod
    def response_data(sub_response: Response, result: ExecutionResult) -> dict[str, Any]:
        """One operation's part of the response body; a request error (nothing could run)
        sets the status: 503 when the database was down, else 400 for the modern type."""
        errors = list(result.errors or [])
        response: dict[str, Any] = {"data": result.data}
        if errors:
            request_id = uuid.uuid4().hex[:16]  # for the log lines of unexpected errors
            response["errors"] = [format_error(error, request_id) for error in errors]
        if result.extensions:
            response["extensions"] = result.extensions
        modern = sub_response.media_type == GRAPHQL_RESPONSE_JSON
        if is_request_error(errors, result.data):
            if any(outage_message(error.original_error) for error in errors):
                # Nothing could run (the viewer could not be read): 503, whatever the type.
                sub_response.status_code = 503
                sub_response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
            elif modern:
                sub_response.status_code = 400
            if modern:
                del response["data"]
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=sub_response.media_type or JSON,
        )
        for name, value in sub_response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response
