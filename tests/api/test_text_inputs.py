"""Every String input of the schema, sent text the service does not accept (domain.text): a
NUL character and a lone surrogate, as a variable and inline in the document. Each gets a
clear error (a VALIDATION user error with its path, a top-level BAD_USER_INPUT naming the
argument, the token's own INVALID_TOKEN, or graphql-core's parse error for an inline lone
surrogate), never INTERNAL_SERVER_ERROR."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type

from domain.bank import load_bank
from server.graphql.ids import to_global_id
from server.graphql.schema import schema
from tests.api.conftest import Account, Api
from tests.builders import unique_email

BANK = load_bank()
QID = {q.key: str(to_global_id("Question", q.id)) for q in BANK.questions}
PASSWORD = "Ledger-Balance-42"

NUL, LONE_SURROGATE = "\x00", "\ud800"


@dataclass(frozen=True)
class Case:
    """One String input: `document` has VALUE where the text goes (as `$v` or a literal),
    and may name ASSESSMENT, USER and QUESTION ids; `sample` has | where the character goes.
    `expect` is ("user", mutation, path, code), ("top", path, code) or ("null", field)."""

    input: str
    who: str | None
    operation: str
    variable_type: str
    document: str
    sample: str
    expect: tuple[Any, ...]


def _user_error(mutation: str, *path: str, code: str = "VALIDATION") -> tuple[Any, ...]:
    return ("user", mutation, list(path), code)


def _top(*path: str) -> tuple[Any, ...]:
    return ("top", list(path), "BAD_USER_INPUT")


ERRORS = " { userErrors { code field message } }"
CREATE_ASSESSMENT = (
    "createAssessment(input: {clientName: NAME, clientBusinessName: BUSINESS, clientEmail: EMAIL})"
    + ERRORS
)
UPDATE_ASSESSMENT = "updateAssessment(input: {id: ASSESSMENT, FIELD: VALUE})" + ERRORS
SAVE = "saveResponses(input: {assessmentId: ASSESSMENT, responses: [ITEM]})" + ERRORS
ACCOUNT = "(input: {email: EMAIL, password: PASSWORD, firstName: FIRST, lastName: LAST})" + ERRORS
SECRET = json.dumps(PASSWORD)


# A share token's length, so that the character is what makes it open nothing; an item id
# of the right type, so that the token is looked at.
SHARE_TOKEN = "A" * 20 + "|" + "B" * 22
SOME_ITEM = json.dumps(str(to_global_id("ChecklistItem", UUID(int=1))))


def _fill(template: str, target: str, **others: str) -> str:
    """`template` with VALUE for `target` and a valid literal for every other placeholder."""
    for name, literal in others.items():
        template = template.replace(name, "VALUE" if name == target else literal)
    return template


def _account(template: str, target: str) -> str:
    literals = {
        "EMAIL": "FRESH_EMAIL",
        "PASSWORD": SECRET,
        "FIRST": '"Ada"',
        "LAST": '"Lovelace"',
    }
    return _fill(template, target, **literals)


CREATE_LINK = "createSchedulerLink(input: {meetingTypeLabel: LABEL, schedulerUrl: URL})" + ERRORS
UPDATE_LINK = "updateSchedulerLink(input: {id: LINK, FIELD: VALUE})" + ERRORS
LINK_LITERALS = {"LABEL": '"Intro call"', "URL": '"https://cal.example.com/intro"'}

SAVE_TEMPLATE = "saveEmailTemplate(input: {kind: KIND, subject: SUBJECT, body: BODY})" + ERRORS
TEMPLATE_LITERALS = {
    "KIND": '"REPORT_READY"',
    "SUBJECT": '"Your report"',
    "BODY": '"Read it: {{report_link}}"',
}

NO_REPORT = to_global_id("Report", UUID(int=5))  # the text is refused before any lookup
ASSESSMENT_LITERALS = {
    "NAME": '"Grace Hopper"',
    "BUSINESS": '"Hopper Bakery"',
    "EMAIL": '"grace@hopper.example"',
}

CASES = [
    Case("Query.assessments(search)", "consultant", "query", "String",
         "assessments(search: VALUE) { totalCount }", "Hop|per", _top("assessments")),
    Case("Query.assessments(after)", "consultant", "query", "String",
         "assessments(after: VALUE) { totalCount }", "abc|def", _top("assessments")),
    Case("Query.users(search)", "admin", "query", "String",
         "users(search: VALUE) { totalCount }", "Ada|", _top("users")),
    Case("Query.users(after)", "admin", "query", "String",
         "users(after: VALUE) { totalCount }", "abc|def", _top("users")),
    Case("Query.activityLogs(after)", "admin", "query", "String",
         "activityLogs(after: VALUE) { totalCount }", "abc|def", _top("activityLogs")),
    Case("User.assessments(search)", "consultant", "query", "String",
         "me { assessments(search: VALUE) { totalCount } }", "Hop|per", _top("me", "assessments")),
    Case("User.assessments(after)", "consultant", "query", "String",
         "me { assessments(after: VALUE) { totalCount } }", "abc|def", _top("me", "assessments")),
    Case("Mutation.requestPasswordReset(email)", None, "mutation", "String!",
         "requestPasswordReset(email: VALUE)" + ERRORS,
         "ada|@example.com", _user_error("requestPasswordReset", "email")),
    Case("Mutation.resetPassword(newPassword)", None, "mutation", "String!",
         'resetPassword(token: "unknown", newPassword: VALUE)' + ERRORS,
         "Ledger-|Balance-42", _user_error("resetPassword", "newPassword")),
    Case("Query.clientView(token)", None, "query", "String!",
         "clientView(token: VALUE) { clientName }", SHARE_TOKEN, ("null", "clientView")),
    Case("Mutation.completeChecklistItemAsClient(token)", None, "mutation", "String!",
         f"completeChecklistItemAsClient(token: VALUE, itemId: {SOME_ITEM}, completed: true)"
         + ERRORS, SHARE_TOKEN,
         _user_error("completeChecklistItemAsClient", "itemId", code="NOT_FOUND")),
    Case("Mutation.resetPassword(token)", None, "mutation", "String!",
         f"resetPassword(token: VALUE, newPassword: {SECRET})" + ERRORS,
         "tok|en", ("user", "resetPassword", None, "INVALID_TOKEN")),
    *(
        Case(f"CreateAssessmentInput.{field}", "consultant", "mutation", "String!",
             _fill(CREATE_ASSESSMENT, placeholder, **ASSESSMENT_LITERALS), sample,
             _user_error("createAssessment", field))
        for field, placeholder, sample in [
            ("clientName", "NAME", "Grace| Hopper"),
            ("clientBusinessName", "BUSINESS", "Hopper| Bakery"),
            ("clientEmail", "EMAIL", "grace|@hopper.example"),
        ]
    ),
    *(
        Case(f"UpdateAssessmentInput.{field}", "consultant", "mutation", "String",
             UPDATE_ASSESSMENT.replace("FIELD", field), sample,
             _user_error("updateAssessment", field))
        for field, sample in [
            ("clientName", "Grace| Hopper"),
            ("clientBusinessName", "Hopper| Bakery"),
            ("clientEmail", "grace|@hopper.example"),
        ]
    ),
    *(
        Case(f"CreateUserInput.{field}", "admin", "mutation", "String!",
             _account("createUser" + ACCOUNT, placeholder), sample,
             _user_error("createUser", field))
        for field, placeholder, sample in [
            ("email", "EMAIL", "ada|@example.com"),
            ("password", "PASSWORD", "Ledger-|Balance-42"),
            ("firstName", "FIRST", "A|da"),
            ("lastName", "LAST", "Love|lace"),
        ]
    ),
    *(
        Case(f"RegisterInput.{field}", None, "mutation", "String!",
             _account("register" + ACCOUNT, placeholder), sample,
             _user_error("register", field))
        for field, placeholder, sample in [
            ("email", "EMAIL", "ada|@example.com"),
            ("password", "PASSWORD", "Ledger-|Balance-42"),
            ("firstName", "FIRST", "A|da"),
            ("lastName", "LAST", "Love|lace"),
        ]
    ),
    Case("LoginInput.email", None, "mutation", "String!",
         f"login(input: {{email: VALUE, password: {SECRET}}})" + ERRORS,
         "ada|@example.com", _user_error("login", "email")),
    Case("LoginInput.password", None, "mutation", "String!",
         'login(input: {email: "nobody@example.com", password: VALUE})' + ERRORS,
         "Ledger-|Balance-42", _user_error("login", "password")),
    Case("RefreshInput.refreshToken", None, "mutation", "String!",
         "refreshToken(input: {refreshToken: VALUE})" + ERRORS,
         "tok|en", ("user", "refreshToken", None, "INVALID_TOKEN")),
    Case("ResponseInput.consultantNotes", "consultant", "mutation", "String",
         SAVE.replace("ITEM", '{questionId: "STAB-001", value: "current", consultantNotes: VALUE}'),
         "Owner| keeps receipts",
         _user_error("saveResponses", "responses", "0", "consultantNotes")),
    Case("ResponseInput.value", "consultant", "mutation", "String",
         SAVE.replace("ITEM", '{questionId: "SYS-011", value: VALUE}'),
         "We plan| to grow", _user_error("saveResponses", "responses", "0", "value")),
    Case("ResponseInput.values", "consultant", "mutation", "[String!]",
         SAVE.replace("ITEM", '{questionId: "ORG-003", values: VALUE}'),
         "bank_|feeds", _user_error("saveResponses", "responses", "0", "values")),
    *(
        Case(f"UpdateUserInput.{field}", "admin", "mutation", "String",
             f"updateUser(input: {{id: USER, {field}: VALUE}})" + ERRORS,
             sample, _user_error("updateUser", field))
        for field, sample in [("firstName", "A|da"), ("lastName", "Love|lace")]
    ),
    *(
        Case(f"CreateSchedulerLinkInput.{field}", "consultant", "mutation", "String!",
             _fill(CREATE_LINK, placeholder, **LINK_LITERALS), sample,
             _user_error("createSchedulerLink", field))
        for field, placeholder, sample in [
            ("meetingTypeLabel", "LABEL", "Intro| call"),
            ("schedulerUrl", "URL", "https://cal.example.com/|intro"),
        ]
    ),
    *(
        Case(f"UpdateSchedulerLinkInput.{field}", "consultant", "mutation", "String",
             UPDATE_LINK.replace("FIELD", field), sample,
             _user_error("updateSchedulerLink", field))
        for field, sample in [
            ("meetingTypeLabel", "Intro| call"),
            ("schedulerUrl", "https://cal.example.com/|intro"),
        ]
    ),
    *(
        Case(f"UpdateMeInput.{field}", "consultant", "mutation", "String",
             f"updateMe(input: {{{field}: VALUE}})" + ERRORS,
             sample, _user_error("updateMe", field))
        for field, sample in [("firstName", "A|da"), ("lastName", "Love|lace")]
    ),
    Case("ChangePasswordInput.currentPassword", "consultant", "mutation", "String!",
         f"changePassword(input: {{currentPassword: VALUE, newPassword: {SECRET}}})" + ERRORS,
         "Ledger-|Balance-42", _user_error("changePassword", "currentPassword")),
    Case("ChangePasswordInput.newPassword", "consultant", "mutation", "String!",
         f"changePassword(input: {{currentPassword: {SECRET}, newPassword: VALUE}})" + ERRORS,
         "Ledger-|Balance-42", _user_error("changePassword", "newPassword")),
    Case("AddChecklistItemInput.itemText", "consultant", "mutation", "String!",
         "addChecklistItem(input: {assessmentId: ASSESSMENT, itemText: VALUE})" + ERRORS,
         "Call| the bank", _user_error("addChecklistItem", "itemText")),
    Case("UpdateChecklistItemInput.itemText", "consultant", "mutation", "String",
         "updateChecklistItem(input: {id: CHECKLIST_ITEM, itemText: VALUE})" + ERRORS,
         "Call| the bank", _user_error("updateChecklistItem", "itemText")),
    *(
        Case(f"UpdateSettingsInput.{field}", "consultant", "mutation", "String",
             f"updateSettings(input: {{{field}: VALUE}})" + ERRORS,
             sample, _user_error("updateSettings", field))
        for field, sample in [
            ("companyName", "Northwind| Advisory"),
            ("brandColor", "#1F|4E79"),
            ("emailSignature", "Kind| regards"),
        ]
    ),
    *(
        Case(f"EmailTemplateInput.{field}", "consultant", "mutation", "String!",
             _fill(SAVE_TEMPLATE, placeholder, **TEMPLATE_LITERALS), sample,
             _user_error("saveEmailTemplate", field))
        for field, placeholder, sample in [
            ("kind", "KIND", "REPORT|_READY"),
            ("subject", "SUBJECT", "Your| report"),
            ("body", "BODY", "Read| it: {{report_link}}"),
        ]
    ),
    *(
        Case(f"SendReportInput.{field}", "consultant", "mutation", "String",
             f'sendReportToClient(input: {{reportId: "{NO_REPORT}", {field}: VALUE}})'
             " { userErrors { code field message } }",
             sample, _user_error("sendReportToClient", field))
        for field, sample in [
            ("to", "grace|@hopper.example"),
            ("subject", "Your| report"),
            ("body", "Read| it: {{report_link}}"),
        ]
    ),
    *(
        Case(f"SendInvitationInput.{field}", "consultant", "mutation", "String",
             "sendAssessmentInvitation(input: {assessmentId: ASSESSMENT, " + field + ": VALUE})"
             " { userErrors { code field message } }",
             sample, _user_error("sendAssessmentInvitation", field))
        for field, sample in [
            ("to", "grace|@hopper.example"),
            ("subject", "Hello| {{business_name}}"),
            ("body", "Book| {{booking_link}}"),
        ]
    ),
    Case("EraseClientInput.email", "consultant", "mutation", "String!",
         "eraseClient(input: {email: VALUE})" + ERRORS,
         "grace|@hopper.example", _user_error("eraseClient", "email")),
    Case("RequestClientExportInput.email", "consultant", "mutation", "String!",
         "requestClientExport(input: {email: VALUE})" + ERRORS,
         "grace|@hopper.example", _user_error("requestClientExport", "email")),
    Case("Mutation.resetEmailTemplate(kind)", "consultant", "mutation", "String!",
         "resetEmailTemplate(kind: VALUE)" + ERRORS,
         "REPORT|_READY", _user_error("resetEmailTemplate", "kind")),
]  # fmt: skip


def _string_inputs() -> set[str]:
    """Every argument and input field of the schema whose type is String or a list of them."""
    found: set[str] = set()
    for type_ in schema._schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLObjectType):
            for name, field in type_.fields.items():
                for arg_name, arg in field.args.items():
                    if get_named_type(arg.type).name == "String":
                        found.add(f"{type_.name}.{name}({arg_name})")
        elif isinstance(type_, GraphQLInputObjectType):
            for name, input_field in type_.fields.items():
                if get_named_type(input_field.type).name == "String":
                    found.add(f"{type_.name}.{name}")
    return found


def test_every_string_input_is_covered() -> None:
    assert {case.input for case in CASES} == _string_inputs()


@dataclass
class World:
    consultant: Account
    admin: Account
    assessment: str
    user: str
    link: str
    item: str


@pytest.fixture
async def world(api: Api) -> World:
    consultant, admin = api.account(), api.account("admin")
    created = await api(
        'mutation { createAssessment(input: {clientName: "Grace Hopper", '
        'clientBusinessName: "Hopper Bakery", clientEmail: "grace@hopper.example"}) '
        "{ assessment { id } } }",
        as_=consultant,
    )
    assessment = created["data"]["createAssessment"]["assessment"]["id"]
    made = await api(
        'mutation { createSchedulerLink(input: {meetingTypeLabel: "Intro call", '
        'schedulerUrl: "https://cal.example.com/intro"}) { link { id } } }',
        as_=consultant,
    )
    link = made["data"]["createSchedulerLink"]["link"]["id"]
    added = await api(
        'mutation($a: ID!) { addChecklistItem(input: {assessmentId: $a, itemText: "Call the bank"})'
        " { item { id } } }",
        {"a": assessment},
        as_=consultant,
    )
    item = added["data"]["addChecklistItem"]["item"]["id"]
    user = str(to_global_id("User", consultant.id))
    return World(consultant, admin, assessment, user, link, item)


async def post(api: Api, document: str, variables: dict[str, Any], who: Account | None) -> Any:
    """The request as a JSON body with ASCII escapes: a lone surrogate travels as \\ud800."""
    headers = {"content-type": "application/json", "accept": "application/json"}
    if who is not None:
        headers["authorization"] = f"Bearer {who.token}"
    body = json.dumps({"query": document, "variables": variables})
    response = await api.client.post("/graphql", content=body, headers=headers)
    return response.json()


def _document(case: Case, world: World, value: str) -> str:
    text = case.document
    for key in ("STAB-001", "SYS-011", "ORG-003"):
        text = text.replace(f'"{key}"', json.dumps(QID[key]))
    text = text.replace("ASSESSMENT", json.dumps(world.assessment))
    text = text.replace("USER", json.dumps(world.user))
    text = text.replace("LINK", json.dumps(world.link))
    text = text.replace("CHECKLIST_ITEM", json.dumps(world.item))
    text = text.replace("FRESH_EMAIL", json.dumps(unique_email()))
    return text.replace("VALUE", value)


@pytest.mark.parametrize("form", ["variable", "inline"])
@pytest.mark.parametrize("character", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize("case", CASES, ids=[case.input for case in CASES])
async def test_text_the_service_refuses_is_a_clear_error(
    api: Api, world: World, case: Case, character: str, form: str
) -> None:
    text = case.sample.replace("|", character)
    is_list = case.variable_type.startswith("[")
    who = {"consultant": world.consultant, "admin": world.admin, None: None}[case.who]
    if form == "variable":
        document = (
            f"{case.operation}($v: {case.variable_type}) {{ {_document(case, world, '$v')} }}"
        )
        body = await post(api, document, {"v": [text] if is_list else text}, who)
    else:
        literal = json.dumps(text)  # JSON's \u escapes are GraphQL's too
        inline = _document(case, world, f"[{literal}]" if is_list else literal)
        document = f"{case.operation} {{ {inline} }}"
        body = await post(api, document, {}, who)
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    assert "INTERNAL_SERVER_ERROR" not in codes, body
    if form == "inline" and character == LONE_SURROGATE:
        # graphql-core's lexer refuses the escape: the document never runs.
        assert codes == ["GRAPHQL_PARSE_FAILED"], body
        assert "\\ud800" in body["errors"][0]["message"]
        return
    kind, *expected = case.expect
    if kind == "null":  # text that opens nothing, like any unknown value
        [field] = expected
        assert codes == [], body
        assert body["data"][field] is None, body
        return
    if kind == "top":
        path, code = expected
        [error] = body["errors"]
        assert (error["path"], error["extensions"]["code"]) == (path, code), body
        argument = case.input.split("(")[1].rstrip(")")
        assert f"`{argument}`" in error["message"]
        return
    mutation, path, code = expected
    assert codes == [], body
    [user_error] = body["data"][mutation]["userErrors"]
    assert (user_error["field"], user_error["code"]) == (path, code), body
    if code == "VALIDATION":
        what = "NUL character" if character == NUL else "lone surrogate"
        assert what in user_error["message"]


async def test_one_bad_answer_never_fails_the_others(api: Api, world: World) -> None:
    document = (
        "mutation($input: SaveResponsesInput!) { saveResponses(input: $input) "
        "{ responses { question { key } consultantNotes value } userErrors { code field } } }"
    )
    items = [
        {"questionId": QID["STAB-001"], "value": "current", "consultantNotes": "fine"},
        {"questionId": QID["STAB-002"], "value": "sometimes", "consultantNotes": "a\x00b"},
        {"questionId": QID["SYS-011"], "value": "grow \ud800 fast"},
        {"questionId": QID["STAB-005"], "notApplicable": True},
    ]
    variables = {"input": {"assessmentId": world.assessment, "responses": items}}
    body = await post(api, document, variables, world.consultant)
    payload = body["data"]["saveResponses"]
    assert payload["userErrors"] == [
        {"code": "VALIDATION", "field": ["responses", "1", "consultantNotes"]},
        {"code": "VALIDATION", "field": ["responses", "2", "value"]},
    ]
    assert [r["question"]["key"] for r in payload["responses"]] == ["STAB-001", "STAB-005"]
    read = await post(
        api,
        "query($id: ID!) { assessment(id: $id) { responses { question { key } } } }",
        {"id": world.assessment},
        world.consultant,
    )
    stored = [r["question"]["key"] for r in read["data"]["assessment"]["responses"]]
    assert sorted(stored) == ["STAB-001", "STAB-005"]


async def test_a_character_beyond_the_basic_plane_is_accepted(api: Api, world: World) -> None:
    """A surrogate pair that makes a character arrives as that character, and is kept."""
    document = (
        "mutation($i: UpdateAssessmentInput!) { updateAssessment(input: $i) "
        "{ assessment { clientName } userErrors { code } } }"
    )
    variables = {"i": {"id": world.assessment, "clientName": "Grace \U0001f600 Hopper"}}
    body = await post(api, document, variables, world.consultant)
    assert body["data"]["updateAssessment"] == {
        "assessment": {"clientName": "Grace \U0001f600 Hopper"},
        "userErrors": [],
    }


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(b"[" * 50_000).decode(),
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00," + b"0" * 5_000).decode(),
        "A" * 200,
    ],
    ids=["50000-brackets", "long-id", "200-characters"],
)
async def test_an_absurd_cursor_is_bad_user_input(api: Api, world: World, cursor: str) -> None:
    for field, who in (("assessments", world.consultant), ("users", world.admin)):
        document = f"query($c: String) {{ {field}(after: $c) {{ totalCount }} }}"
        body = await post(api, document, {"c": cursor}, who)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "`after`" in error["message"]
