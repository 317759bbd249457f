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
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
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
            if request.method not in METHODS:
                raise RequestError(
                    "the GraphQL endpoint answers GET and POST only", status=405, headers=ALLOW
                )
            response = await self.run(request)
        except RequestError as error:
            response = request_error_response(error, request.headers.get("accept", ""))
        except HTTPException as error:  # any refusal of strawberry's own
            refusal = RequestError(error.reason, status=error.status_code)
            response = request_error_response(refusal, request.headers.get("accept", ""))
        finally:
            await request.close()  # an upload's files, spooled to disk past 1 MiB
        await response(scope, receive, send)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # Without GraphiQL, a browser's GET is a request without a query like any other.
        return bool(self._explorer) and super().should_render_graphql_ide(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._explorer, headers={CSP: self._explorer_policy})

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Operations:
        if request.method == "GET":
            return get_operation(request.query_params)  # type: ignore[arg-type]
        if is_multipart(request.content_type):
            try:
                form = (await request.get_form_data()).form
            except (StarletteHTTPException, MultiPartException) as error:
                detail = getattr(error, "detail", None) or getattr(error, "message", "")
                raise RequestError(f"the multipart body cannot be read: {detail}") from None
            return multipart_operations(form.multi_items())  # type: ignore[attr-defined]
        return post_operations(request.content_type, await request.get_body())

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Any:
        if self._context is None or not isinstance(request, Request):
            return await super().get_context(request, response)
        return self._context(request)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """A batch's operations, each with a context of its own."""
        batch, context = kwargs.get("request_data"), kwargs.get("context")
        if not isinstance(batch, list) or self._context is None:
            return await super().execute_operation(*args, **kwargs)
        request: Request = kwargs["request"]
        return await asyncio.gather(
            *(
                self.execute_single(
                    request=request,
                    request_adapter=kwargs["request_adapter"],
                    sub_response=kwargs["sub_response"],
                    context=context if index == 0 else self._context(request),
                    root_value=kwargs["root_value"],
                    request_data=data,
                )
                for index, data in enumerate(batch)
            )
        )

    async def execute_single(  # type: ignore[override]
        self,
        *,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Any,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Runs one operation; its context's connection goes back to the pool after it."""
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=OperationType.from_http(request_adapter.method),
                operation_extensions=request_data.extensions,
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

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        request.state.sub_response = sub_response
        modern = accepts_graphql_response_json(request.headers.get("accept", ""))
        sub_response.media_type = GRAPHQL_RESPONSE_JSON if modern else JSON
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        sub_response: Response = request.state.sub_response
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
        return response  # type: ignore[return-value]

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=sub_response.media_type or JSON,
        )
        for name, value in sub_response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response
