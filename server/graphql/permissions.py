"""Who may call a field, declared on it: `permission_classes=[SignedIn]` or `[Admin]`.

What the viewer may then see of the objects they reach is decided in `domain.access`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from strawberry.permission import BasePermission

from domain.access import is_admin
from server.graphql.context import Info
from server.graphql.errors import Forbidden, Unauthenticated


class SignedIn(BasePermission):
    """Anyone signed in; UNAUTHENTICATED otherwise."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.viewer is not None

    def on_unauthorized(self) -> NoReturn:
        raise Unauthenticated()


class Admin(BasePermission):
    """Administrators only: UNAUTHENTICATED when signed out, FORBIDDEN for consultants."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = info.context.viewer
        if viewer is None:
            raise Unauthenticated()
        return is_admin(viewer)

    def on_unauthorized(self) -> NoReturn:
        raise Forbidden()
