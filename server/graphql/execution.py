"""An executor that completes plain data without graphql-core's per-field machinery.

graphql-core spends about 5 µs on every field it completes, even a field that only reads an
attribute: a ResolveInfo, a Path, awaitable checks and several calls per level. The dashboard
read completes some 50,000 fields, most of them attributes of frozen values already in
memory, so that overhead costs more than the SQL behind it.

`FastPathExecutionContext` builds, once per request and per selection, a plan of each object's
fields (`server.graphql.plans`). Fields that merely read an attribute and whose completion is
known from the schema (leaves, non-null and list wrappers, nested objects made only of such
fields) are computed directly from the source; the rest go through graphql-core's own
`execute_field`, with a real Path, gathered exactly as graphql-core's `execute_fields` does.

The invariant: the same data, key order and errors as graphql-core. Whenever a direct field
meets anything irregular (a null where the schema forbids it, a value a scalar cannot
represent, an exception, an awaitable), the whole object is completed again by graphql-core's
own code, which reports the error as usual. That is safe because direct fields have no side
effects, and they all run before any other field of the object does. Selections under
@defer or @stream keep graphql-core's path throughout, and root fields (mutations' serial
order included) are executed by graphql-core as ever.

The hook is `collect_and_execute_subfields`, which graphql-core 3.3 calls once it has
checked an object's type; it is an internal method, so this module follows the pinned
graphql-core and Strawberry, and tests/unit/test_execution*.py compare the two executors.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_nullable_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.incremental.incremental_executor import DeliveryGroupMap
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from server.graphql.plans import Plan, Planner


class FastPathExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with plain-data fields completed straight from their source;
    pass it as `strawberry.Schema(..., execution_context_class=...)`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._planner = Planner(self)

    def collect_and_execute_subfields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        result: Any,
        position_context: DeliveryGroupMap | None,
    ) -> AwaitableOrValue[dict[str, Any]]:
        # A delivery group map means an enclosing @defer: graphql-core's bookkeeping decides.
        plan = (
            None
            if position_context is not None
            else self._planner.plan(return_type, field_details_list)
        )
        if plan is not None:
            direct = plan.complete_direct(result)
            if direct is not None:
                if plan.is_pure:
                    return direct
                return self._execute_resolved_fields(plan, return_type, result, path, direct)
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: DeliveryGroupMap | None,
    ) -> AwaitableOrValue[Any]:
        """A resolver's result (a list of plain objects, say) completed in one go when its
        whole selection is direct; graphql-core's way otherwise, or on anything irregular
        (completing has no side effects, so starting again is safe)."""
        if position_context is None and not is_leaf_type(get_nullable_type(return_type)):
            complete = self._planner.completer(return_type, field_details_list)
            if complete is not None:
                try:
                    return complete(result)
                except Exception:  # graphql-core's code reports it as it should
                    pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _execute_resolved_fields(
        self,
        plan: Plan,
        parent_type: GraphQLObjectType,
        source: Any,
        path: Path,
        direct: dict[str, Any],
    ) -> AwaitableOrValue[dict[str, Any]]:
        """graphql-core's `execute_fields`, with the direct values slotted in at their place
        in the grouped field set so that the keys keep the document's order."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in plan.steps:
                if field_details_list is None:
                    results[response_name] = direct[response_name]
                    continue
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(
                    parent_type, source, field_details_list, field_path, None
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                # As graphql-core: settle the siblings already started, they may fail too.
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gather_fields(results, awaitable_fields)


async def _gather_fields(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    """The awaited form of `results`, as graphql-core's `execute_fields` builds it."""
    if len(awaitable_fields) == 1:
        field = awaitable_fields[0]
        results[field] = await results[field]
    else:
        awaitables: list[Awaitable[Any]] = [results[field] for field in awaitable_fields]
        awaited = await gather_with_cancel(*awaitables)
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results
