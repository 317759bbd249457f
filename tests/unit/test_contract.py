"""schema.graphql contains ../shared/design/contract.graphql, and the delivered sections of
contract-phase2.graphql: every type, field, argument, input field, interface and enum value of
the contract, with the same type and nullability, and the same default wherever the contract
gives one. The schema may add to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    ListValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    Undefined,
    ValueNode,
    build_schema,
    print_ast,
)

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FILE = ROOT.parent / "shared" / "design" / "contract.graphql"
SCHEMA_FILE = ROOT / "schema.graphql"
PHASE2_FILE = CONTRACT_FILE.with_name("contract-phase2.graphql")
SECTION_RULE = "# " + "-" * 93

# The lists' arguments as the core contract gives them, and with what the Practice section
# adds to them (in a comment, since SDL cannot extend a field's arguments).
CORE_LIST_ARGUMENTS = "(first: Int = 20, after: String, status: AssessmentStatus, search: String)"
PRACTICE_LIST_ARGUMENTS = (
    "(first: Int = 20, after: String, status: AssessmentStatus, search: String,"
    " orderBy: AssessmentOrder = {field: CREATED_AT, direction: DESC},"
    " createdAfter: DateTime, createdBefore: DateTime, phase: Phase, archived: Boolean = false)"
)


def phase2_section(title: str) -> str:
    """The SDL of the section of contract-phase2.graphql whose heading starts with `title`
    (each section is headed by a comment line between two rules)."""
    parts = PHASE2_FILE.read_text().split(SECTION_RULE)
    for heading, body in zip(parts[1::2], parts[2::2], strict=False):
        if heading.strip().lstrip("#").strip().startswith(title):
            return body
    raise LookupError(f"no section {title!r} in {PHASE2_FILE.name}")


def practice_contract() -> str:
    """The core contract with the Practice section, its list arguments included."""
    core = CONTRACT_FILE.read_text()
    assert core.count(CORE_LIST_ARGUMENTS) == 2  # Query.assessments and User.assessments
    return core.replace(CORE_LIST_ARGUMENTS, PRACTICE_LIST_ARGUMENTS) + phase2_section("Practice")


def checklists_contract() -> str:
    """The Practice contract with the Checklists section."""
    return practice_contract() + phase2_section("Checklists")


def email_contract() -> str:
    """The Checklists contract with the Email section."""
    return checklists_contract() + phase2_section("Email")


def missing_from(schema: GraphQLSchema, contract: GraphQLSchema) -> list[str]:
    """What of the contract the schema lacks or declares differently, one line each."""
    problems: list[str] = []
    for name, wanted in contract.type_map.items():
        if name.startswith("__"):
            continue
        found = schema.type_map.get(name)
        if found is None or type(found) is not type(wanted):
            problems.append(f"type {name}: missing or of another kind")
            continue
        problems += _compare(name, wanted, found)
    return problems


def _compare(name: str, wanted: GraphQLNamedType, found: GraphQLNamedType) -> list[str]:
    problems: list[str] = []
    if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType):
        assert isinstance(found, GraphQLObjectType | GraphQLInterfaceType)
        ours = {i.name for i in found.interfaces}
        problems += [
            f"{name} does not implement {i.name}" for i in wanted.interfaces if i.name not in ours
        ]
        for field_name, field in wanted.fields.items():
            mine = found.fields.get(field_name)
            where = f"{name}.{field_name}"
            if mine is None:
                problems.append(f"{where}: missing")
                continue
            if str(mine.type) != str(field.type):
                problems.append(f"{where}: {mine.type}, the contract says {field.type}")
            for arg_name, arg in field.args.items():
                problems += _value(f"{where}({arg_name})", arg, mine.args.get(arg_name))
            problems += [
                f"{where}({extra}): a required argument the contract lacks"
                for extra, arg in mine.args.items()
                if extra not in field.args
                and str(arg.type).endswith("!")
                and arg.default_value is Undefined
            ]
    elif isinstance(wanted, GraphQLInputObjectType):
        assert isinstance(found, GraphQLInputObjectType)
        for field_name, field in wanted.fields.items():
            problems += _value(f"{name}.{field_name}", field, found.fields.get(field_name))
    elif isinstance(wanted, GraphQLEnumType):
        assert isinstance(found, GraphQLEnumType)
        problems += [f"{name}.{v}: missing" for v in wanted.values if v not in found.values]
    return problems


def _default(value: object) -> str | None:
    """The default as written in the SDL (both sides are built from SDL files), if any; an
    input object's fields in name order, as their order means nothing."""
    node = getattr(value, "ast_node", None)
    default = getattr(node, "default_value", None)
    return print_ast(_fields_sorted(default)) if default is not None else None


def _fields_sorted(node: ValueNode) -> ValueNode:
    if isinstance(node, ObjectValueNode):
        fields = sorted(node.fields, key=lambda f: f.name.value)
        return ObjectValueNode(
            fields=tuple(
                ObjectFieldNode(name=f.name, value=_fields_sorted(f.value)) for f in fields
            )
        )
    if isinstance(node, ListValueNode):
        return ListValueNode(values=tuple(_fields_sorted(v) for v in node.values))
    return node


def _value(where: str, wanted: object, found: object) -> list[str]:
    """An argument or input field: same type; the contract's default, where it has one."""
    if found is None:
        return [f"{where}: missing"]
    wanted_type, found_type = str(wanted.type), str(found.type)  # type: ignore[attr-defined]
    if wanted_type != found_type:
        return [f"{where}: {found_type}, the contract says {wanted_type}"]
    default, mine = _default(wanted), _default(found)
    if default is not None and mine != default:
        return [f"{where}: default {mine}, the contract says {default}"]
    return []


def test_the_schema_contains_the_contract() -> None:
    contract = build_schema(CONTRACT_FILE.read_text())
    schema = build_schema(SCHEMA_FILE.read_text())
    assert missing_from(schema, contract) == []


def test_the_schema_contains_the_practice_section() -> None:
    schema = build_schema(SCHEMA_FILE.read_text())
    assert missing_from(schema, build_schema(practice_contract())) == []


def test_the_schema_contains_the_checklists_section() -> None:
    schema = build_schema(SCHEMA_FILE.read_text())
    assert missing_from(schema, build_schema(checklists_contract())) == []


def test_the_checklists_section_is_read_whole() -> None:
    """The section read is the Checklists one, to its end: its first and last declarations."""
    section = phase2_section("Checklists")
    assert "enum CompletedBy" in section
    assert "recalculateAssessment(id: ID!): AssessmentPayload!" in section
    assert "EmailStatus" not in section  # the next section's


def test_a_departure_from_the_checklists_section_is_found() -> None:
    drifted = SCHEMA_FILE.read_text().replace("  reportUrl: String!\n", "  reportUrl: String\n", 1)
    problems = missing_from(build_schema(drifted), build_schema(checklists_contract()))
    assert problems == ["ClientView.reportUrl: String, the contract says String!"]


def test_the_schema_contains_the_email_section() -> None:
    schema = build_schema(SCHEMA_FILE.read_text())
    assert missing_from(schema, build_schema(email_contract())) == []


def test_the_email_section_is_read_whole() -> None:
    """The section read is the Email one, to its end: its first and last declarations."""
    section = phase2_section("Email")
    assert "enum EmailStatus { QUEUED SENT FAILED }" in section
    assert "sendReportToClient(input: SendReportInput!): EmailPayload!" in section
    assert "enum CompletedBy" not in section  # the section before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("  isDefault: Boolean!\n", "  isDefault: Boolean\n"),
            "EmailTemplate.isDefault: Boolean,",
        ),
        (("  emailTemplates: [", "  templates: ["), "ConsultantSettings.emailTemplates: missing"),
        (("resetEmailTemplate(\n", "resetEmailTemplates(\n"), "Mutation.resetEmailTemplate: miss"),
        (("EmailTemplateInput", "TemplateInput"), "type EmailTemplateInput: missing"),
        (("  lastError: String\n", "  lastError: String!\n"), "EmailMessage.lastError: String!"),
        (("  emails: [EmailMessage!]!\n", "  emails: [EmailMessage!]\n"), "Assessment.emails:"),
        (
            ("expiresInDays: Int = 14\n", "expiresInDays: Int = 7\n"),
            "SendReportInput.expiresInDays",
        ),
    ],
)
def test_a_departure_from_the_email_section_is_found(
    change: tuple[str, str], expected: str
) -> None:
    """The check on the Email section: the schema drifted from it is reported."""
    schema_text = SCHEMA_FILE.read_text()
    old, new = change
    assert old in schema_text, old
    drifted = schema_text.replace(old, new)
    problems = missing_from(build_schema(drifted), build_schema(email_contract()))
    assert any(p.startswith(expected) for p in problems), problems


def test_the_practice_section_is_read_whole() -> None:
    """The section read is the Practice one, to its end: its first and last declarations."""
    section = phase2_section("Practice")
    assert "scalar Upload" in section
    assert "unarchiveAssessment(id: ID!): AssessmentPayload!" in section
    assert "clientView" not in section  # the next section's


def test_a_default_differs_by_value_not_by_the_order_of_its_fields() -> None:
    """The check reads the contract's `{field: CREATED_AT, direction: DESC}` and the schema's
    `{direction: DESC, field: CREATED_AT}` as the same default, and another as another."""
    schema = build_schema(SCHEMA_FILE.read_text())
    changed = practice_contract().replace("field: CREATED_AT, direction: DESC", "field: UPDATED_AT")
    problems = missing_from(schema, build_schema(changed))
    assert sorted(problems) == [
        f"{owner}.assessments(orderBy): default {{ direction: DESC, field: CREATED_AT }}, "
        "the contract says { field: UPDATED_AT }"
        for owner in ("Query", "User")
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("reportType: ReportType!", "reportType: ReportType"), "Report.reportType: ReportType"),
        (("  pageCount: Int\n", ""), "Report.pageCount: missing"),
        (("enum Priority { LOW MEDIUM HIGH }", "enum Priority { LOW MEDIUM }"), "Priority.HIGH"),
        (("expiresInDays: Int = 14", "expiresInDays: Int = 7"), "ShareReportInput.expiresInDays"),
        (("first: Int = 20, after", "first: Int!, after"), "User.assessments(first): Int!"),
        (("first: Int = 20, after", "first: Int = 10, after"), "(first): default 10"),
        (("type Report implements Node", "type Report"), "Report does not implement Node"),
    ],
)
def test_a_departure_from_the_contract_is_found(change: tuple[str, str], expected: str) -> None:
    """The check itself: the contract altered as a schema might drift is reported."""
    contract_text = CONTRACT_FILE.read_text()
    old, new = change
    assert old in contract_text
    drifted = build_schema(contract_text.replace(old, new, 1))
    problems = missing_from(drifted, build_schema(contract_text))
    assert any(expected in p for p in problems), problems
