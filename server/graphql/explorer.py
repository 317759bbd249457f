"""GraphiQL as consultants meet it: the service's own example operations in the editor and
an Authorization header ready for the access token (API.md "HTTP surface").

The page is strawberry's GraphiQL page with three things replaced: the title, the welcome
text (our example operations instead) and the initial header editor content. If a strawberry
release changes the page so that a replacement no longer applies, building the page fails
loudly rather than serving GraphiQL without them; a test renders it.
"""

from __future__ import annotations

import json

from strawberry.http.ides import get_graphql_ide_html

EXAMPLES = """\
# Financial RISE: example operations. Pick one with the play button's menu.
#
# 1. Run SignIn (the demo consultant from `rise demo`, or your own account).
# 2. Copy its accessToken into the Headers tab below, in place of <access token>.
# 3. Run the others; ids come from the answers of the previous ones.

mutation SignIn {
  login(input: {email: "consultant@demo.financial-rise.example", password: "Demo-Password-2026!"}) {
    accessToken
    refreshToken
    expiresAt
    user { firstName lastName role }
    userErrors { code message }
  }
}

query MyAssessments {
  assessments(first: 10) {
    totalCount
    edges {
      node {
        id
        clientBusinessName
        status
        progressPercentage
        phaseResult { primaryPhase }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}

mutation CreateAssessment {
  createAssessment(input: {
    clientName: "Grace Hopper"
    clientBusinessName: "Hopper Bakery"
    clientEmail: "grace@hopper.example"
    confidenceBefore: 4
  }) {
    assessment { id status }
    userErrors { field code message }
  }
}

# Variables: {"id": "<assessment id>"}
query Questionnaire($id: ID!) {
  assessment(id: $id) {
    progressPercentage
    questions { id key section type text isRequired options { value label } }
  }
}

# Variables: {"id": "<assessment id>", "question": "<question id>", "value": "<option value>"}
mutation SaveAnswer($id: ID!, $question: ID!, $value: String) {
  saveResponses(input: {assessmentId: $id, responses: [{questionId: $question, value: $value}]}) {
    assessment { status progressPercentage }
    userErrors { field code message }
  }
}

# Variables: {"id": "<assessment id>"}
mutation Complete($id: ID!) {
  completeAssessment(id: $id) {
    assessment { status completedAt }
    userErrors { code message }
  }
}

# Variables: {"id": "<assessment id>"}
query Result($id: ID!) {
  assessment(id: $id) {
    clientBusinessName
    status
    phaseResult { primaryPhase secondaryPhases flags stabilize organize build grow systemic }
    discProfile { primaryType secondaryType dominance influence steadiness compliance }
    checklistItems { itemOrder itemText priority phaseCategory }
    responses { question { key text } value values rating notApplicable consultantNotes }
  }
}

# Variables: {"id": "<completed assessment id>"}. Open a downloadUrl within five minutes.
mutation Reports($id: ID!) {
  generateReports(input: {assessmentId: $id}) {
    reports { id reportType pageCount fileSizeBytes downloadUrl }
    userErrors { code message }
  }
}

# Variables: {"report": "<client report id>"}. The shareUrl is shown this once.
mutation ShareWithClient($report: ID!) {
  shareReport(input: {reportId: $report, expiresInDays: 14}) {
    report { shareUrl shareExpiresAt }
    userErrors { code message }
  }
}
"""

HEADERS = '{\n  "Authorization": "Bearer <access token>"\n}'

_TITLE = "<title>Strawberry GraphiQL</title>"
_WELCOME_START = "const EXAMPLE_QUERY = `"
_WELCOME_END = "`;\n"
_HEADERS = "React.useState(parameters.headers)"


class ExplorerPageChanged(RuntimeError):
    """Strawberry's GraphiQL page no longer has a part this module replaces."""


def explorer_html() -> str:
    page = get_graphql_ide_html(graphql_ide="graphiql")
    for marker in (_TITLE, _WELCOME_START, _HEADERS):
        if page.count(marker) != 1:
            raise ExplorerPageChanged(f"GraphiQL page: expected one {marker!r}")
    page = page.replace(_TITLE, "<title>Financial RISE · GraphiQL</title>")
    start = page.index(_WELCOME_START)
    end = page.index(_WELCOME_END, start + len(_WELCOME_START)) + len(_WELCOME_END)
    # JSON is valid JavaScript here, and escaping "<" keeps "</script>" out of the page.
    examples = json.dumps(EXAMPLES).replace("<", "\\u003c")
    headers = json.dumps(HEADERS).replace("<", "\\u003c")
    page = page[:start] + f"const EXAMPLE_QUERY = {examples};\n" + page[end:]
    return page.replace(_HEADERS, f"React.useState(parameters.headers || {headers})")
