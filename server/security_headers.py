"""The headers that tell browsers how far to trust what the service sends.

Every response gets ``X-Content-Type-Options: nosniff`` (a browser takes the declared media
type, and never runs a JSON answer as a script or a style) and ``Referrer-Policy:
no-referrer`` (a page of the service, or a link followed from it, tells no other site the
address it came from, tokens in query strings included).

An HTML response also gets ``X-Frame-Options: DENY`` and the Content-Security-Policy
`PAGE_POLICY`: scripts, styles and images from the service's own origin only, requests back
to it, and nothing inline. A header the route set itself is left as it is: a page that needs
more builds its policy with `content_security_policy`, which keeps every other kind of
resource at none and forbids framing (``frame-ancestors 'none'``); GraphiQL's lists exactly
what its page loads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SELF = "'self'"
NONE = "'none'"
CSP = "Content-Security-Policy"

_CLOSED: dict[str, Sequence[str]] = {
    "default-src": (NONE,),
    "base-uri": (NONE,),
    "form-action": (NONE,),
    "frame-ancestors": (NONE,),
}


def content_security_policy(sources: Mapping[str, Sequence[str]]) -> str:
    """A policy allowing `sources` ({"script-src": [...], ...}) and nothing else: any other
    resource, a <base>, a form's target and framing by any page are all refused."""
    directives = {**_CLOSED, **sources}
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


PAGE_POLICY = content_security_policy(
    {
        "script-src": (SELF,),
        "style-src": (SELF,),
        "img-src": (SELF,),
        "connect-src": (SELF,),
        "form-action": (SELF,),
    }
)

_EVERY = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
_HTML = [(b"x-frame-options", b"DENY")]
_PAGE_POLICY = (CSP.lower().encode(), PAGE_POLICY.encode())


class SecurityHeaders:
    """Adds the headers above to every HTTP response of `app` (those it has not set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(headers: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A response's raw headers with those of this module that it does not set itself."""
    names = {name.lower() for name, _ in headers}
    added = [*headers, *(header for header in _EVERY if header[0] not in names)]
    html = any(
        name.lower() == b"content-type" and value.lower().startswith(b"text/html")
        for name, value in headers
    )
    if html:
        added.extend(header for header in (*_HTML, _PAGE_POLICY) if header[0] not in names)
    return added
