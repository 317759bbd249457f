"""schema.graphql contains the dashboard's API as agreed: the orders and filters of the
assessment lists, the figures of `assessmentStats` and `unarchiveAssessment`, each with the
agreed types, nullability and defaults (the check of tests/unit/test_contract.py). The types
they refer to are given only as far as this part uses them."""

from __future__ import annotations

from graphql import build_schema

from tests.unit.test_contract import SCHEMA_FILE, missing_from

LIST_ARGUMENTS = """(first: Int = 20, after: String, status: AssessmentStatus, search: String,
    orderBy: AssessmentOrder = {field: CREATED_AT, direction: DESC},
    createdAfter: DateTime, createdBefore: DateTime, phase: Phase, archived: Boolean = false)"""

DASHBOARD = f"""
scalar DateTime
enum AssessmentStatus {{ DRAFT IN_PROGRESS COMPLETED }}
enum Phase {{ STABILIZE ORGANIZE BUILD GROW SYSTEMIC }}
enum DiscType {{ D I S C }}
type UserError {{ field: [String!] message: String! code: String! }}
type Assessment {{ id: ID! archivedAt: DateTime }}
type AssessmentConnection {{ totalCount: Int! }}
type AssessmentPayload {{ assessment: Assessment userErrors: [UserError!]! }}

enum AssessmentOrderField {{ CREATED_AT UPDATED_AT COMPLETED_AT CLIENT_NAME BUSINESS_NAME }}
enum OrderDirection {{ ASC DESC }}
input AssessmentOrder {{ field: AssessmentOrderField! direction: OrderDirection! = DESC }}

type User {{ assessments{LIST_ARGUMENTS}: AssessmentConnection! }}

type StatusCount {{ status: AssessmentStatus! count: Int! }}
type PhaseCount {{ phase: Phase! count: Int! }}
type DiscTypeCount {{ type: DiscType! count: Int! }}
type AssessmentStats {{
  total: Int!
  byStatus: [StatusCount!]!
  byPrimaryPhase: [PhaseCount!]!
  byDiscType: [DiscTypeCount!]!
  completedLast30Days: Int!
  averageCompletionMinutes: Float
}}

type Query {{
  assessments{LIST_ARGUMENTS}: AssessmentConnection!
  assessmentStats(consultantId: ID): AssessmentStats!
}}

type Mutation {{ unarchiveAssessment(id: ID!): AssessmentPayload! }}
"""


def test_the_schema_contains_the_dashboard() -> None:
    schema = build_schema(SCHEMA_FILE.read_text())
    assert missing_from(schema, build_schema(DASHBOARD)) == []


def test_a_default_differs_by_value_not_by_the_order_of_its_fields() -> None:
    """The check reads `{field: CREATED_AT, direction: DESC}` and the schema's
    `{direction: DESC, field: CREATED_AT}` as the same default, and another as another."""
    schema = build_schema(SCHEMA_FILE.read_text())
    changed = DASHBOARD.replace("field: CREATED_AT, direction: DESC", "field: UPDATED_AT", 1)
    problems = missing_from(schema, build_schema(changed))
    assert problems == [
        "User.assessments(orderBy): default { direction: DESC, field: CREATED_AT }, "
        "the contract says { field: UPDATED_AT }"
    ]
