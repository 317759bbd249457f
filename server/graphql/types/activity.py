"""The audit trail (`activityLogs`), for administrators only."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from domain import model
from domain.model import EventCategory, Severity
from domain.results import ActivityRecord
from persistence import listings
from server.graphql.context import Info
from server.graphql.errors import ApiError
from server.graphql.fields import field
from server.graphql.ids import BadId, expect_id, to_global_id
from server.graphql.loaders import now_or_later
from server.graphql.pagination import Connection, connection
from server.graphql.permissions import Admin
from server.graphql.types.common import Node
from server.graphql.types.users import User


@strawberry.type
class ActivityLog(Node):
    id: strawberry.ID
    event_type: str
    event_category: EventCategory
    description: str
    severity: Severity
    created_at: datetime
    user_id: strawberry.Private[UUID | None]

    @classmethod
    def of(cls, record: ActivityRecord) -> ActivityLog:
        return cls(
            id=to_global_id("ActivityLog", record.id),
            event_type=record.event_type,
            event_category=record.category,
            description=record.description,
            severity=record.severity,
            created_at=record.created_at,
            user_id=record.user_id,
        )

    @field(graphql_type=User | None)
    def user(self, info: Info) -> Any:
        if self.user_id is None:
            return None

        def found(user: model.User | None) -> User | None:
            return User.of(user) if user else None

        return now_or_later(info.context.loaders.users, self.user_id, found)


@strawberry.type
class ActivityQueries:
    @field(permission_classes=[Admin])
    async def activity_logs(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        category: EventCategory | None = None,
        user_id: strawberry.ID | None = None,
    ) -> Connection[ActivityLog]:
        try:
            who = expect_id(user_id, "User") if user_id is not None else None
        except BadId as exc:
            raise ApiError(str(exc)) from exc
        listing = listings.activity(category=category, user_id=who)
        return await connection(
            info.context, listing, ActivityLog.of, first=first, after=after, default=50
        )
