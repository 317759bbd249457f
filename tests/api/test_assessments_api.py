"""Assessments through GraphQL as a client sees them: create, autosave, complete, read the
nested result; ownership and sign-in enforced on every path."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domain.bank import load_bank
from server.graphql.ids import expect_id, to_global_id
from tests.api.conftest import Account, Api
from tests.builders import unique_email
from tests.unit.test_client_stories import STORIES

BANK = load_bank()
QID = {q.key: str(to_global_id("Question", q.id)) for q in BANK.questions}

CREATE = """
mutation($input: CreateAssessmentInput!) {
  createAssessment(input: $input) {
    assessment { id status clientName progressPercentage consultant { email } }
    userErrors { field message code }
  }
}"""
SAVE = """
mutation($input: SaveResponsesInput!) {
  saveResponses(input: $input) {
    assessment { status progressPercentage entityType isSCorpOnPayroll }
    responses { question { key } value values rating notApplicable }
    userErrors { field message code }
  }
}"""
COMPLETE = """
mutation($id: ID!) {
  completeAssessment(id: $id) {
    assessment { status completedAt }
    userErrors { field message code }
  }
}"""
NESTED = """
query($id: ID!) {
  assessment(id: $id) {
    clientBusinessName status
    consultant { email }
    responses { question { key text } value }
    discProfile { primaryType dominance }
    phaseResult { primaryPhase secondaryPhases flags stabilize }
    checklistItems { itemText priority phaseCategory }
  }
}"""


def _input(**overrides: Any) -> dict[str, Any]:
    return {
        "clientName": "Grace Hopper",
        "clientBusinessName": "Hopper Bakery",
        "clientEmail": "grace@hopper.example",
        "confidenceBefore": 4,
    } | overrides


def _responses(sheet: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for key, answer in sheet.items():
        item: dict[str, Any] = {"questionId": QID[key]}
        if answer.value is not None:
            item["value"] = answer.value
        if answer.values:
            item["values"] = list(answer.values)
        if answer.rating is not None:
            item["rating"] = answer.rating
        if answer.not_applicable:
            item["notApplicable"] = True
        items.append(item)
    return items


REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) { accessToken user { id email role } userErrors { code } }
}"""


async def test_the_full_journey(api: Api) -> None:
    email = unique_email()
    registered = await api(
        REGISTER,
        {
            "input": {
                "email": email,
                "password": "Correct-Horse-9-Battery",
                "firstName": "Ann",
                "lastName": "Lovelace",
            }
        },
    )
    account = registered["data"]["register"]
    assert account["userErrors"] == []
    assert account["user"]["role"] == "CONSULTANT"
    ann = Account(expect_id(account["user"]["id"], "User"), email, account["accessToken"])

    created = await api(CREATE, {"input": _input()}, as_=ann)
    payload = created["data"]["createAssessment"]
    assert payload["userErrors"] == []
    assessment = payload["assessment"]
    assert (assessment["status"], assessment["consultant"]["email"]) == ("DRAFT", ann.email)

    story, phase, style = STORIES["manufacturer building systems who values stability"]
    items = _responses(story.sheet())
    # The entity type first: the S-Corp payroll follow-up then appears among the questions.
    first = await api(
        SAVE, {"input": {"assessmentId": assessment["id"], "responses": items[:5]}}, as_=ann
    )
    saved = first["data"]["saveResponses"]
    assert saved["userErrors"] == []
    assert saved["assessment"]["status"] == "IN_PROGRESS"
    assert saved["assessment"]["entityType"] == "S-Corporation (S-Corp)"
    visible = await api(
        "query($id: ID!) { assessment(id: $id) { questions { key } } }",
        {"id": assessment["id"]},
        as_=ann,
    )
    assert "ORG-007" in [q["key"] for q in visible["data"]["assessment"]["questions"]]

    for start in range(5, len(items), 20):
        batch = await api(
            SAVE,
            {"input": {"assessmentId": assessment["id"], "responses": items[start : start + 20]}},
            as_=ann,
        )
        assert batch["data"]["saveResponses"]["userErrors"] == []
    done = await api(COMPLETE, {"id": assessment["id"]}, as_=ann)
    assert done["data"]["completeAssessment"]["assessment"]["status"] == "COMPLETED"

    nested = (await api(NESTED, {"id": assessment["id"]}, as_=ann))["data"]["assessment"]
    assert nested["phaseResult"]["primaryPhase"] == phase.name
    assert nested["discProfile"]["primaryType"] == style.name
    assert nested["checklistItems"][0]["priority"] == "HIGH"
    assert len(nested["responses"]) == len(items)
    assert nested["consultant"]["email"] == email


async def test_autosave_reports_bad_items_by_position_and_saves_the_rest(api: Api) -> None:
    ann = api.account()
    assessment_id = (await api(CREATE, {"input": _input()}, as_=ann))["data"]["createAssessment"][
        "assessment"
    ]["id"]
    result = await api(
        SAVE,
        {"input": {"assessmentId": assessment_id, "responses": [
            {"questionId": QID["STAB-001"], "value": "current"},
            {"questionId": QID["STAB-002"], "value": "sometimes"},
            {"questionId": "not-an-id", "value": "x"},
            {"questionId": QID["SYS-001"], "rating": 7},
            {"questionId": QID["STAB-005"], "notApplicable": True},
        ]}},
        as_=ann,
    )  # fmt: skip
    payload = result["data"]["saveResponses"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["responses", "1", "value"], "VALIDATION"),
        (["responses", "2", "questionId"], "VALIDATION"),
        (["responses", "3", "rating"], "VALIDATION"),
    ]
    assert [r["question"]["key"] for r in payload["responses"]] == ["STAB-001", "STAB-005"]
    assert payload["assessment"]["status"] == "IN_PROGRESS"


STORED = """
query($id: ID!) { assessment(id: $id) {
  status progressPercentage entityType isSCorpOnPayroll startedAt updatedAt } }"""


async def test_the_assessment_a_save_answers_is_the_one_stored(api: Api) -> None:
    """The save computes the assessment it answers rather than reading it back."""
    ann = api.account()
    assessment_id = (await api(CREATE, {"input": _input()}, as_=ann))["data"]["createAssessment"][
        "assessment"
    ]["id"]
    story = STORIES["manufacturer building systems who values stability"][0]
    items = _responses(story.sheet())
    seen = []
    for batch in (items[:1], items[1:7], items[7:8]):  # a draft started, then in progress
        saved = await api(
            SAVE.replace("isSCorpOnPayroll }", "isSCorpOnPayroll startedAt updatedAt }"),
            {"input": {"assessmentId": assessment_id, "responses": batch}},
            as_=ann,
        )
        payload = saved["data"]["saveResponses"]
        assert payload["userErrors"] == []
        stored = await api(STORED, {"id": assessment_id}, as_=ann)
        assert payload["assessment"] == stored["data"]["assessment"]
        seen.append(payload["assessment"])
    assert [a["status"] for a in seen] == ["IN_PROGRESS"] * 3
    assert float(seen[0]["progressPercentage"]) < float(seen[1]["progressPercentage"])
    assert seen[1]["entityType"] is not None
    assert len({a["updatedAt"] for a in seen}) == 3
    assert len({a["startedAt"] for a in seen}) == 1


async def test_a_question_id_is_read_in_any_form_it_decodes_from(api: Api) -> None:
    ann = api.account()
    assessment_id = (await api(CREATE, {"input": _input()}, as_=ann))["data"]["createAssessment"][
        "assessment"
    ]["id"]
    padded = QID["STAB-001"] + "=" * (-len(QID["STAB-001"]) % 4)
    assert padded != QID["STAB-001"]
    items = [
        {"questionId": padded, "value": "current"},
        {"questionId": assessment_id, "value": "current"},  # an id, not of a question
    ]
    result = await api(
        SAVE, {"input": {"assessmentId": assessment_id, "responses": items}}, as_=ann
    )
    payload = result["data"]["saveResponses"]
    assert [r["question"]["key"] for r in payload["responses"]] == ["STAB-001"]
    assert [e["field"] for e in payload["userErrors"]] == [["responses", "1", "questionId"]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"clientName": "  "}, ["clientName"]),
        ({"clientBusinessName": "b" * 201}, ["clientBusinessName"]),
        ({"clientEmail": "grace@"}, ["clientEmail"]),
        ({"confidenceBefore": 0}, ["confidenceBefore"]),
    ],
)
async def test_bad_input_is_a_user_error(
    api: Api, overrides: dict[str, Any], field: list[str]
) -> None:
    ann = api.account()
    result = await api(CREATE, {"input": _input(**overrides)}, as_=ann)
    payload = result["data"]["createAssessment"]
    assert payload["assessment"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "VALIDATION")]


async def test_another_consultants_assessment_looks_missing(api: Api) -> None:
    ann, bob = api.account(), api.account()
    assessment_id = (await api(CREATE, {"input": _input()}, as_=ann))["data"]["createAssessment"][
        "assessment"
    ]["id"]
    read = await api(NESTED, {"id": assessment_id}, as_=bob)
    assert read["data"] == {"assessment": None}
    assert read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for mutation, variables in [
        (COMPLETE, {"id": assessment_id}),
        (
            SAVE,
            {
                "input": {
                    "assessmentId": assessment_id,
                    "responses": [{"questionId": QID["STAB-001"], "value": "current"}],
                }
            },
        ),
    ]:
        result = await api(mutation, variables, as_=bob)
        payload = next(iter(result["data"].values()))
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    mine = await api(NESTED, {"id": assessment_id}, as_=ann)
    assert mine["data"]["assessment"]["status"] == "DRAFT"  # untouched
    assert mine["data"]["assessment"]["responses"] == []  # the refused save rolled back


async def test_saves_of_one_assessment_at_once_take_turns(api: Api) -> None:
    """Each save sees every save before it: ten at once, one answer each, give ten
    different progress figures, the last of them the stored one."""
    ann = api.account()
    assessment_id = (await api(CREATE, {"input": _input()}, as_=ann))["data"]["createAssessment"][
        "assessment"
    ]["id"]
    parents = {q.condition.parent_key for q in BANK.questions if q.condition}
    plain = [
        q
        for q in BANK.questions
        if q.condition is None and q.mirror is None and q.key not in parents and q.options
    ][:10]
    assert len(plain) == 10

    async def save(key: str, value: str) -> float:
        batch = [{"questionId": QID[key], "value": value}]
        result = await api(
            SAVE, {"input": {"assessmentId": assessment_id, "responses": batch}}, as_=ann
        )
        payload = result["data"]["saveResponses"]
        assert payload["userErrors"] == [], payload
        return float(payload["assessment"]["progressPercentage"])

    figures = await asyncio.gather(*(save(q.key, q.options[0].value) for q in plain))
    assert len(set(figures)) == 10, figures
    stored = await api(STORED, {"id": assessment_id}, as_=ann)
    assert float(stored["data"]["assessment"]["progressPercentage"]) == max(figures)


async def test_anonymous_callers_must_sign_in(api: Api) -> None:
    result = await api(CREATE, {"input": _input()})
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api("{ me { id } }"))["data"] == {"me": None}


async def test_a_deactivated_account_stops_working_at_once(api: Api) -> None:
    gone = api.account(active=False)
    result = await api("{ assessments { totalCount } }", as_=gone)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_weights_are_for_admins_only(api: Api) -> None:
    query = "{ questions(section: STABILIZE) { key options { value phaseWeights { stabilize } } } }"
    consultant = await api(query, as_=api.account())
    admin = await api(query, as_=api.account("admin"))
    stabilize = [q for q in BANK.questions if q.section.value == "stabilize"]
    assert len(consultant["data"]["questions"]) == len(admin["data"]["questions"]) == len(stabilize)
    assert all(
        o["phaseWeights"] is None for q in consultant["data"]["questions"] for o in q["options"]
    )
    assert any(
        o["phaseWeights"]["stabilize"] > 0 for q in admin["data"]["questions"] for o in q["options"]
    )


async def test_page_size_over_100_is_refused(api: Api) -> None:
    result = await api("{ assessments(first: 101) { totalCount } }", as_=api.account())
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_status_filter(api: Api) -> None:
    ann = api.account()
    await api(CREATE, {"input": _input()}, as_=ann)
    drafts = await api("{ assessments(status: DRAFT) { totalCount } }", as_=ann)
    done = await api("{ assessments(status: COMPLETED) { totalCount } }", as_=ann)
    assert (
        drafts["data"]["assessments"]["totalCount"],
        done["data"]["assessments"]["totalCount"],
    ) == (1, 0)


async def test_an_explicit_null_page_size_means_the_default(api: Api) -> None:
    result = await api("{ assessments(first: null) { totalCount } }", as_=api.account())
    assert result["data"]["assessments"]["totalCount"] == 0
