"""Consultants' settings (`consultant_settings`, one row per consultant, made on the first
change), read and written with Core statements on the unit of work's connection. The row's
`logo_url` column holds the stored logo's key (`logos/<random>.png`), as `reports.file_url`
holds a report's. The `email_templates` column holds the consultant's own templates, keyed by
kind, each with the variables it uses: `{"REPORT_READY": {"subject": "...", "body": "...",
"variables": ["client_name", ...]}}`; NULL while they have none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, null, select, update
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.branding import ConsultantSettings
from domain.email_templates import EmailKind, EmailTemplate, check_template, used_variables
from domain.errors import ValidationError
from persistence.connections import Connection
from persistence.models import ConsultantSettingsRow
from persistence.queries import any_of, id_array
from persistence.statements import Row, fetch, first, one

SETTINGS_COLUMNS = (
    ConsultantSettingsRow.consultant_id,
    ConsultantSettingsRow.company_name,
    ConsultantSettingsRow.brand_color,
    ConsultantSettingsRow.email_signature,
    ConsultantSettingsRow.logo_url,
    ConsultantSettingsRow.email_templates,
    ConsultantSettingsRow.updated_at,
)
# The domain's names of the columns that differ.
_COLUMN_OF = {"logo_key": "logo_url"}

_BY_CONSULTANT = select(*SETTINGS_COLUMNS).where(
    ConsultantSettingsRow.consultant_id == bindparam("consultant_id")
)
_LOCKED = _BY_CONSULTANT.with_for_update()
_CREATE = (
    upsert(ConsultantSettingsRow)
    .values(consultant_id=bindparam("consultant_id"))
    .on_conflict_do_nothing(index_elements=["consultant_id"])
    .returning(ConsultantSettingsRow.consultant_id)
)
_MANY = select(*SETTINGS_COLUMNS).where(any_of(ConsultantSettingsRow.consultant_id))


def templates_from_json(stored: object) -> tuple[EmailTemplate, ...]:
    """The templates of an `email_templates` value, in EmailKind order. An entry for no kind,
    or one that does not pass `check_template` (written by hand, or under older rules), is
    left out: its kind uses the built-in wording rather than fail when mail is written."""
    if not isinstance(stored, dict):
        return ()
    found = []
    for kind in EmailKind:
        entry = stored.get(kind.value)
        if not isinstance(entry, dict):
            continue
        subject, body = entry.get("subject"), entry.get("body")
        if isinstance(subject, str) and isinstance(body, str):
            try:
                found.append(check_template(kind, subject, body))
            except ValidationError:
                continue
    return tuple(found)


def templates_to_json(templates: Sequence[EmailTemplate]) -> dict[str, Any] | None:
    """The `email_templates` value of these templates; None (SQL NULL) for none."""
    stored = {
        t.kind.value: {"subject": t.subject, "body": t.body, "variables": [*used_variables(t)]}
        for t in templates
    }
    return stored or None


def settings_from_row(row: Row) -> ConsultantSettings:
    return ConsultantSettings(
        consultant_id=row.consultant_id,
        company_name=row.company_name,
        brand_color=row.brand_color,
        email_signature=row.email_signature,
        logo_key=row.logo_url,
        updated_at=row.updated_at,
        email_templates=templates_from_json(row.email_templates),
    )


async def settings_by_consultant(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, ConsultantSettings]:
    """The saved settings of these consultants (none for those who saved none)."""
    rows = await fetch(connection, _MANY, {"ids": id_array(ids)})
    return {row.consultant_id: settings_from_row(row) for row in rows}


class SqlSettingsRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self, consultant_id: UUID) -> ConsultantSettings | None:
        row = await first(self._connection, _BY_CONSULTANT, {"consultant_id": consultant_id})
        return settings_from_row(row) if row else None

    async def locked(self, consultant_id: UUID) -> ConsultantSettings:
        params = {"consultant_id": consultant_id}
        row = await first(self._connection, _LOCKED, params)
        if row is not None:
            return settings_from_row(row)
        # Made here, the row is this transaction's until it commits; had another made it
        # meanwhile, the insert waits for that one to commit and does nothing.
        if await first(self._connection, _CREATE, params) is not None:
            return ConsultantSettings(consultant_id=consultant_id)
        return settings_from_row(await one(self._connection, _LOCKED, params))

    async def update(
        self, consultant_id: UUID, changes: Mapping[str, object]
    ) -> ConsultantSettings:
        values: dict[str, Any] = {_COLUMN_OF.get(k, k): v for k, v in changes.items()}
        if "email_templates" in values:
            stored = templates_to_json(values["email_templates"])
            values["email_templates"] = null() if stored is None else stored
        statement = (
            update(ConsultantSettingsRow)
            .where(ConsultantSettingsRow.consultant_id == consultant_id)
            .values({**values, "updated_at": func.now()})
            .returning(*SETTINGS_COLUMNS)
        )
        return settings_from_row(await one(self._connection, statement))
