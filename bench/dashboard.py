"""The nested dashboard read, and its floor: one hand-written SQL statement that returns the
same JSON document as the API's `data`, built by PostgreSQL (json_build_object, json_agg).

The answers and notes are sealed at rest: the statement hands each over with the ids it is
sealed for, and `unsealed` opens them in one pass over the text, the least any reader of
sealed answers must do. The floor matches the API value for value: enum names upper-case
as GraphQL spells them, timestamps as Python's `isoformat()` writes them (microseconds only
when not zero, the session's offset as +HH:MM), ids as the API's global ids (base64url of
"Type:" and the uuid's 16 bytes, without padding, server/graphql/ids.py), cursors as
persistence/keysets.py makes them for the newest-first order (base64url of "created_at,id"),
answers in bank order, checklist items by order, reports newest first, and the viewer check
(the user active and not deleted, the token's login still live) in the same statement.
`difference()` finds where two documents part, for the check that every run makes once.
"""

from __future__ import annotations

import json
import re
from typing import Any

from persistence.answer_rows import NOTES, VALUE
from persistence.sealing import Keyring

PAGE = 50

QUERY = """query { assessments(first: 50) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id clientName clientBusinessName clientEmail status progressPercentage
    createdAt updatedAt completedAt
    responses { id value values rating notApplicable consultantNotes updatedAt
      question { id key text section type } }
    phaseResult { stabilize organize build grow systemic primaryPhase secondaryPhases flags
      calculatedAt }
    discProfile { dominance influence steadiness compliance primaryType secondaryType
      calculatedAt }
    checklistItems { id itemText itemOrder phaseCategory priority isCompleted completedAt dueDate }
    reports { id reportType fileSizeBytes pageCount isShared viewCount createdAt } } } } }"""


def _iso(column: str) -> str:
    """`column` (timestamptz) as datetime.isoformat() writes it in the session's zone."""
    return (
        f"to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN to_char({column}, 'US')"
        f" = '000000' THEN '' ELSE to_char({column}, '.US') END || to_char({column}, 'TZH:TZM')"
    )


def _b64url(data: str) -> str:
    """base64url of the bytea `data`, without padding (encode() wraps at 76 columns)."""
    return f"rtrim(translate(replace(encode({data}, 'base64'), E'\\n', ''), '+/', '-_'), '=')"


def _global_id(type_name: str, column: str) -> str:
    return _b64url(f"convert_to('{type_name}:', 'UTF8') || uuid_send({column})")


def _cursor(alias: str) -> str:
    """f"{created_at.isoformat()},{id}", base64url."""
    text = f"{_iso(alias + '.created_at')} || ',' || {alias}.id"
    return _b64url(f"convert_to({text}, 'UTF8')")


def _object(**fields: str) -> str:
    pairs = ", ".join(f"'{name}', {expression}" for name, expression in fields.items())
    return f"json_build_object({pairs})"


def _list(element: str, order: str, source: str) -> str:
    """A JSON array of `element` over the rows of `source`, in `order`; [] when none."""
    return f"(SELECT COALESCE(json_agg({element} ORDER BY {order}), '[]'::json) {source})"


def _sealed(kind: str, column: str, name: str) -> str:
    """A sealed column as `kind/place/sealed value`, the place (persistence/sealing.py
    `place`) in hex, which `unsealed` opens and puts in place; NULL when the column is."""
    where = (
        f"encode(convert_to('{name}/', 'UTF8') || uuid_send(r.assessment_id)"
        " || uuid_send(r.question_id), 'hex')"
    )
    return f"CASE WHEN {column} IS NOT NULL THEN {kind} || '/' || {where} || '/' || {column} END"


_RESPONSES = _list(
    _object(
        id=_global_id("Response", "r.id"),
        sealedAnswer=_sealed("q.question_type", "r.answer_value", VALUE),
        notApplicable="r.is_not_applicable",
        consultantNotes=_sealed("'notes'", "r.consultant_notes", NOTES),
        updatedAt=_iso("r.updated_at"),
        question=_object(
            id=_global_id("Question", "q.id"),
            key="q.key",
            text="q.question_text",
            section="upper(q.section)",
            type="upper(q.question_type)",
        ),
    ),
    "q.order_index, q.key",
    "FROM responses r JOIN questions q ON q.id = r.question_id AND q.deleted_at IS NULL"
    " WHERE r.assessment_id = a.id",
)

_PHASE_RESULT = "(SELECT {} FROM phase_results p WHERE p.assessment_id = a.id)".format(
    _object(
        stabilize="p.stabilize_score",
        organize="p.organize_score",
        build="p.build_score",
        grow="p.grow_score",
        systemic="p.systemic_score",
        primaryPhase="upper(p.primary_phase)",
        secondaryPhases=_list(
            "upper(s.phase)", "s.n", "FROM unnest(p.secondary_phases) WITH ORDINALITY s(phase, n)"
        ),
        flags="to_json(p.flags)",
        calculatedAt=_iso("p.calculated_at"),
    )
)

_DISC_PROFILE = "(SELECT {} FROM disc_profiles d WHERE d.assessment_id = a.id)".format(
    _object(
        dominance="d.dominance_score",
        influence="d.influence_score",
        steadiness="d.steadiness_score",
        compliance="d.compliance_score",
        primaryType="upper(d.primary_type)",
        secondaryType="upper(d.secondary_type)",
        calculatedAt=_iso("d.calculated_at"),
    )
)

_CHECKLIST = _list(
    _object(
        id=_global_id("ChecklistItem", "c.id"),
        itemText="c.item_text",
        itemOrder="c.item_order",
        phaseCategory="upper(c.phase_category)",
        priority="upper(c.priority)",
        isCompleted="c.is_completed",
        completedAt=_iso("c.completed_at"),
        dueDate="to_char(c.due_date, 'YYYY-MM-DD')",
    ),
    "c.item_order, c.id",
    "FROM checklist_items c WHERE c.assessment_id = a.id AND c.deleted_at IS NULL",
)

_REPORTS = _list(
    _object(
        id=_global_id("Report", "rp.id"),
        reportType="upper(rp.report_type)",
        fileSizeBytes="rp.file_size_bytes",
        pageCount="rp.page_count",
        isShared="rp.is_shared AND rp.share_expires_at IS NOT NULL AND rp.share_expires_at > now()",
        viewCount="rp.view_count",
        createdAt=_iso("rp.created_at"),
    ),
    "rp.created_at DESC, rp.id DESC",
    "FROM reports rp WHERE rp.assessment_id = a.id",
)

_NODE = _object(
    id=_global_id("Assessment", "a.id"),
    clientName="a.client_name",
    clientBusinessName="a.client_business_name",
    clientEmail="a.client_email",
    status="upper(a.status)",
    progressPercentage="a.progress_percentage",
    createdAt=_iso("a.created_at"),
    updatedAt=_iso("a.updated_at"),
    completedAt=_iso("a.completed_at"),
    responses=_RESPONSES,
    phaseResult=_PHASE_RESULT,
    discProfile=_DISC_PROFILE,
    checklistItems=_CHECKLIST,
    reports=_REPORTS,
)

_EDGES = _list(
    _object(cursor=_cursor("a"), node=_NODE), "a.created_at DESC, a.id DESC", "FROM shown a"
)

# Parameters: %(user_id)s and %(session_id)s, from the viewer's access token.
FLOOR = f"""
WITH viewer AS (
  SELECT u.id FROM users u
  WHERE u.id = %(user_id)s AND u.deleted_at IS NULL AND u.is_active
    AND EXISTS (SELECT 1 FROM sessions named JOIN sessions s ON s.family_id = named.family_id
                WHERE named.id = %(session_id)s AND named.user_id = u.id
                  AND s.revoked_at IS NULL)
), page AS (
  SELECT a.* FROM assessments a JOIN viewer v ON a.consultant_id = v.id
  WHERE a.deleted_at IS NULL
  ORDER BY a.created_at DESC, a.id DESC
  LIMIT {PAGE + 1}
), shown AS (
  SELECT * FROM page ORDER BY created_at DESC, id DESC LIMIT {PAGE}
)
SELECT json_build_object('assessments', json_build_object(
  'totalCount', (SELECT count(*) FROM assessments a JOIN viewer v ON a.consultant_id = v.id
                 WHERE a.deleted_at IS NULL),
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) FROM page) > {PAGE},
    'endCursor', (SELECT {_cursor("a")} FROM shown a ORDER BY a.created_at, a.id LIMIT 1)),
  'edges', {_EDGES}
))::text
"""


_NO_ANSWER = '"value" : null, "values" : null, "rating" : null'
_SEALED_FIELD = re.compile(r'"(sealedAnswer|consultantNotes)" : ("[^"\\]*(?:\\.[^"\\]*)*"|null)')


def unsealed(document: str, keys: Keyring) -> str:
    """The floor's document with its sealed fields opened: each `sealedAnswer` becomes the
    response's value, values and rating as the API gives them (persistence/answer_rows.py
    says how an answer is kept), each `consultantNotes` the notes."""

    open_value, dumps = keys.open, json.dumps

    def opened(match: re.Match[str]) -> str:
        field, given = match.group(1), match.group(2)
        if given == "null":
            return _NO_ANSWER if field == "sealedAnswer" else match.group(0)
        # Only a value stored before encryption may hold JSON escapes.
        text = json.loads(given) if "\\" in given else given[1:-1]
        kind, where, stored = text.split("/", 2)
        plain = open_value(stored, bytes.fromhex(where))
        if kind == "notes":
            return f'"consultantNotes" : {dumps(plain)}'
        if kind == "multiple_choice":
            return f'"value" : null, "values" : {dumps(json.loads(plain) or None)}, "rating" : null'
        if kind == "rating":
            return f'"value" : null, "values" : null, "rating" : {int(plain)}'
        return f'"value" : {dumps(plain)}, "values" : null, "rating" : null'

    return _SEALED_FIELD.sub(opened, document)


def difference(api: Any, floor: Any, path: str = "data") -> list[str]:
    """Where two parsed JSON documents differ, as paths (at most a few per list)."""
    if isinstance(api, dict) and isinstance(floor, dict):
        found: list[str] = []
        for key in sorted(set(api) | set(floor)):
            if key not in api or key not in floor:
                found.append(f"{path}.{key} (only in the {'floor' if key in floor else 'API'})")
            else:
                found += difference(api[key], floor[key], f"{path}.{key}")
        return found
    if isinstance(api, list) and isinstance(floor, list):
        if len(api) != len(floor):
            return [f"{path} ({len(api)} items in the API, {len(floor)} in the floor)"]
        found = []
        for index, (a, f) in enumerate(zip(api, floor, strict=True)):
            found += difference(a, f, f"{path}[{index}]")
        return found
    if (api == floor and type(api) is type(floor)) or _same_number(api, floor):
        return []
    return [f"{path}: API {api!r}, floor {floor!r}"]


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    both = isinstance(a, numbers) and isinstance(b, numbers)
    return both and not isinstance(a, bool) and not isinstance(b, bool) and a == b
