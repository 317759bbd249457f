"""What each operation costs in statements PostgreSQL receives: BEGIN, COMMIT, ROLLBACK and
pings included (counted from libpq's trace of every connection, see tests/statements.py).
A nested list costs the same for 5 rows as for 50."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import pytest
from starlette.applications import Starlette

from server.app import create_app
from server.auth import Argon2PasswordHasher
from server.graphql.ids import expect_id, to_global_id
from tests.api.conftest import Account, Api, api_settings, roomy_rules
from tests.api.flows import completed_assessment
from tests.api.test_assessments_api import _responses
from tests.database import execute, query
from tests.statements import Wire
from tests.unit.test_client_stories import STORIES

NESTED_LIST = """
{ assessments(first: 100) { totalCount edges { node {
    clientName consultant { email }
    responses { value question { key } }
    discProfile { primaryType } phaseResult { primaryPhase flags }
    reports { id reportType } checklistItems { itemText }
} } } }"""


@pytest.fixture(scope="module")
async def wire() -> AsyncIterator[Wire]:
    tap = Wire()
    yield tap
    tap.close()


@pytest.fixture(scope="module")
async def traced_app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, wire: Wire
) -> AsyncIterator[Starlette]:
    """An app of its own, whose every database connection is traced."""
    application = create_app(
        api_settings(tmp_path_factory),
        database_url,
        rate_rules=roomy_rules(),
        on_connect=wire.trace,
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(traced_app: Starlette, database_url: str) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=traced_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        yield Api(client, database_url)


async def _sent(
    wire: Wire, api: Api, query: str, as_: Account | None, **variables: Any
) -> list[str]:
    await api(query, variables, as_=as_)  # a first run: prepared statements, pool warm
    async with wire.counting() as sent:
        result = await api(query, variables, as_=as_)
    assert "errors" not in result, result
    return sent()


async def test_a_query_without_the_database_sends_nothing(api: Api, wire: Wire) -> None:
    assert await _sent(wire, api, "{ serviceVersion }", None) == []
    assert await _sent(wire, api, "{ me { id } }", None) == []


async def test_me_is_one_statement(api: Api, wire: Wire) -> None:
    sent = await _sent(wire, api, "{ me { id email } }", api.account())
    assert len(sent) == 1, sent


async def test_the_email_templates_cost_no_statement_more_than_the_settings(
    api: Api, wire: Wire
) -> None:
    """The templates come with the settings' row: reading them costs nothing more."""
    owner = api.account()
    await api(
        'mutation { saveEmailTemplate(input: {kind: "REPORT_READY", subject: "Ready",'
        ' body: "{{report_link}}"}) { userErrors { code } } }',
        as_=owner,
    )
    plain = await _sent(wire, api, "{ me { settings { companyName } } }", owner)
    with_templates = await _sent(
        wire, api, "{ me { settings { companyName emailTemplates { kind body } } } }", owner
    )
    assert len(plain) == len(with_templates) == 2, with_templates  # the viewer, the settings


async def test_one_assessment_is_two_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    query = "query($id: ID!) { assessment(id: $id) { id status progressPercentage } }"
    sent = await _sent(wire, api, query, owner, id=_new_assessment(api, owner))
    assert len(sent) == 2, sent  # the viewer, the assessment


def _global(kind: str, raw: UUID) -> str:
    return str(to_global_id(kind, raw))


def _seed(api: Api, owner_id: object, count: int) -> None:
    execute(
        api.url,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name, client_email) "
        "SELECT :c, 'Client ' || n, 'Business ' || n, 'c' || n || '@example.com' "
        "FROM generate_series(1, :n) AS n",
        c=owner_id,
        n=count,
    )
    execute(
        api.url,
        "INSERT INTO responses (assessment_id, question_id, answer_value) "
        "SELECT a.id, q.id, ':' || 'current' FROM assessments a, questions q "
        "WHERE a.consultant_id = :c AND q.key = 'STAB-001'",
        c=owner_id,
    )


async def test_a_nested_list_costs_the_same_nine_statements_for_5_or_50(
    api: Api, wire: Wire
) -> None:
    counts = {}
    for count in (5, 50):
        owner = api.account()
        _seed(api, owner.id, count)
        sent = await _sent(wire, api, NESTED_LIST, owner)
        counts[count] = len(sent)
        # the viewer, the page, its count, and one for each of the six relations
        assert len(sent) == 9, sent
    assert counts[5] == counts[50]


async def test_checklist_progress_on_a_page_is_one_statement_more(api: Api, wire: Wire) -> None:
    owner = api.account()
    _seed(api, owner.id, 5)
    with_progress = NESTED_LIST.replace(
        "checklistItems {", "checklistProgress { total } checklistItems {"
    )
    assert len(await _sent(wire, api, with_progress, owner)) == 10


SAVE = """
mutation($input: SaveResponsesInput!) { saveResponses(input: $input) {
  assessment { progressPercentage } responses { id } userErrors { field code } } }"""
COMPLETE = """
mutation($id: ID!) { completeAssessment(id: $id) {
  assessment { status } userErrors { code } } }"""


def _new_assessment(api: Api, owner: Account) -> str:
    [(assessment_id,)] = execute(
        api.url,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name, client_email)"
        " VALUES (:c, 'Ann', 'Bakery', 'ann@example.com') RETURNING id",
        c=owner.id,
    )
    return _global("Assessment", assessment_id)


def _every_answer() -> list[dict[str, Any]]:
    """The saveResponses items of a client story: every question answered."""
    story = next(iter(STORIES.values()))[0]
    return _responses(story.sheet())


async def _counted(
    wire: Wire, api: Api, owner: Account, query: str, **variables: Any
) -> tuple[int, int]:
    """The mutation's statements and round trips: a transaction's BEGIN goes with its first
    statement, and its audit row with COMMIT."""
    async with wire.counting() as sent:
        result = await api(query, variables, as_=owner)
    assert "errors" not in result, result
    payload = next(iter(result["data"].values()))
    assert payload["userErrors"] == [], payload
    return len(sent()), wire.round_trips()


async def test_an_autosave_does_not_read_back_what_it_wrote(api: Api, wire: Wire) -> None:
    owner = api.account()
    warm, measured = _new_assessment(api, owner), _new_assessment(api, owner)
    items = _every_answer()
    counts = []
    for assessment in (warm, measured, measured):
        batch = {"input": {"assessmentId": assessment, "responses": items[:10]}}
        counts.append(await _counted(wire, api, owner, SAVE, **batch))
    # the viewer; BEGIN, the assessment locked and the upsert with the rest of the sheet;
    # the progress and the audit row with COMMIT
    assert counts[1:] == [(7, 3), (7, 3)]


async def test_completing_is_at_most_twelve_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    counts = []
    for _ in range(2):  # the first warms the prepared statements
        assessment, items = _new_assessment(api, owner), _every_answer()
        saved = await api(
            SAVE, {"input": {"assessmentId": assessment, "responses": items}}, as_=owner
        )
        assert saved["data"]["saveResponses"]["userErrors"] == []
        counts.append(await _counted(wire, api, owner, COMPLETE, id=assessment))
    # the viewer; BEGIN, the assessment locked and its answers; the phase result, the style
    # profile and the checklist in one INSERT with the status; the audit row with COMMIT
    assert counts[1] == (10, 4)


RECALCULATE = """
mutation($id: ID!) { recalculateAssessment(id: $id) {
  assessment { status } userErrors { code } } }"""


async def _completed(api: Api, owner: Account) -> str:
    assessment = _new_assessment(api, owner)
    saved = await api(
        SAVE, {"input": {"assessmentId": assessment, "responses": _every_answer()}}, as_=owner
    )
    assert saved["data"]["saveResponses"]["userErrors"] == []
    done = await api(COMPLETE, {"id": assessment}, as_=owner)
    assert done["data"]["completeAssessment"]["userErrors"] == []
    return assessment


async def test_recalculating_is_nine_statements_and_one_insert_for_new_items(
    api: Api, wire: Wire
) -> None:
    owner = api.account()
    counts = []
    for _ in range(2):  # the first warms the prepared statements
        counts.append(
            await _counted(wire, api, owner, RECALCULATE, id=await _completed(api, owner))
        )
    # the viewer; BEGIN, the assessment locked and its answers; the phase result and the
    # style profile each replaced; the checklist's items; the audit row with COMMIT (nothing
    # to add)
    assert counts[1] == (9, 6)
    assessment = await _completed(api, owner)
    execute(
        api.url,
        "DELETE FROM checklist_items WHERE assessment_id = :a",
        a=expect_id(assessment, "Assessment"),
    )
    async with wire.counting() as sent:
        result = await api(RECALCULATE, {"id": assessment}, as_=owner)
    assert result["data"]["recalculateAssessment"]["userErrors"] == []
    assert len(sent()) == 10, sent()  # the same and one INSERT of every item
    [(items,)] = query(
        api.url,
        "SELECT count(*) FROM checklist_items WHERE assessment_id = :a",
        a=expect_id(assessment, "Assessment"),
    )
    assert items > 1


async def test_notes_after_completion_are_seven_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    note = [_every_answer()[0] | {"consultantNotes": "Noted"}]
    counts = []
    for _ in range(2):
        batch = {"input": {"assessmentId": await _completed(api, owner), "responses": note}}
        counts.append(await _counted(wire, api, owner, SAVE, **batch))
    # the viewer; BEGIN, the assessment locked and its answers (the save held back, as the
    # assessment is completed); the notes' upsert; the audit row with COMMIT
    assert counts[1] == (7, 4)


LOGIN = """
mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) {
  accessToken userErrors { code } } }"""


async def test_a_login_is_ten_statements(api: Api, wire: Wire) -> None:
    account = api.account()
    password = "Ledger-Balance-42"
    hashed = await Argon2PasswordHasher().hash(password)
    execute(api.url, "UPDATE users SET password_hash = :h WHERE id = :id", h=hashed, id=account.id)
    counts = []
    for _ in range(2):  # the first warms the prepared statements
        async with wire.counting() as sent:
            result = await api(LOGIN, {"email": account.email, "password": password})
        assert result["data"]["login"]["accessToken"], result
        # After a ROLLBACK on a connection holding prepared statements, psycopg also sends
        # DEALLOCATE ALL (whether it does depends on which pooled connection the first
        # transaction got): counted apart.
        statements = [s for s in sent() if s != "Query DEALLOCATE ALL"]
        counts.append(len(statements))
    # the windows of the address and the account, counted in one statement; BEGIN, the
    # account, ROLLBACK; (argon2;) BEGIN, the account locked, its sign-in recorded, the
    # session, the audit row, COMMIT
    assert counts[1] == 10, statements
    windows = [s for s in statements if "INSERT INTO rate_limit_windows" in s]
    assert len(windows) == 1, statements


STATS = """query($id: ID) { assessmentStats(consultantId: $id) {
  total byStatus { status count } byPrimaryPhase { phase count } byDiscType { type count }
  completedLast30Days averageCompletionMinutes } }"""


async def test_the_dashboards_figures_are_one_statement(api: Api, wire: Wire) -> None:
    owner, admin = api.account(), api.account("admin")
    _seed(api, owner.id, 5)
    # the viewer, then every figure in one statement
    assert len(await _sent(wire, api, STATS, owner)) == 2
    assert len(await _sent(wire, api, STATS, admin)) == 2
    # an administrator naming a consultant: the viewer, that consultant, the figures
    named = await _sent(wire, api, STATS, admin, id=_global("User", owner.id))
    assert len(named) == 3, named


ORDERED_LIST = """query($order: AssessmentOrder) {
  assessments(first: 3, orderBy: $order, archived: null) {
    totalCount edges { node { clientName } } pageInfo { endCursor } } }"""


@pytest.mark.parametrize("field", ["CREATED_AT", "UPDATED_AT", "COMPLETED_AT", "CLIENT_NAME"])
async def test_any_order_costs_the_statements_of_the_default(
    api: Api, wire: Wire, field: str
) -> None:
    owner = api.account()
    _seed(api, owner.id, 5)
    order = {"field": field, "direction": "ASC"}
    sent = await _sent(wire, api, ORDERED_LIST, owner, order=order)
    assert len(sent) == 3, sent  # the viewer, the page, its count


USERS_WITH_LINKS = """
query($first: Int) { users(first: $first) { edges { node { email
    schedulerLinks(includeInactive: true) { meetingTypeLabel schedulerUrl } } } } }"""


def _links(api: Api, owner_id: object, count: int) -> None:
    execute(
        api.url,
        "INSERT INTO scheduler_links (consultant_id, meeting_type_label, scheduler_url,"
        " display_order, is_active) SELECT :c, 'Link ' || n, 'https://cal.example.com/' || n, n,"
        " n % 2 = 0 FROM generate_series(1, :n) AS n",
        c=owner_id,
        n=count,
    )


async def test_the_links_of_a_page_of_users_are_one_statement(api: Api, wire: Wire) -> None:
    admin = api.account("admin")
    for _ in range(12):
        _links(api, api.account().id, 3)
    counts = {}
    for first in (2, 12):
        result = await api(USERS_WITH_LINKS, {"first": first}, as_=admin)
        edges = result["data"]["users"]["edges"]
        assert len(edges) == first
        assert sum(len(e["node"]["schedulerLinks"]) for e in edges) > 0
        sent = await _sent(wire, api, USERS_WITH_LINKS, admin, first=first)
        counts[first] = len(sent)
        # the viewer, the page, every user's links
        assert len(sent) == 3, sent
    assert counts[2] == counts[12]


async def test_my_links_are_two_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    _links(api, owner.id, 5)
    query = "{ me { schedulerLinks { id displayOrder } } }"
    sent = await _sent(wire, api, query, owner)
    assert len(sent) == 2, sent  # the viewer, the links


CREATE_LINK = """
mutation { createSchedulerLink(input: {meetingTypeLabel: "Call",
  schedulerUrl: "https://cal.example.com/call"}) { link { id } userErrors { code } } }"""


async def test_creating_a_link_is_seven_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    counts = [await _counted(wire, api, owner, CREATE_LINK) for _ in range(2)]
    # the viewer; BEGIN, the consultant's links locked, their list, the insert, the audit
    # row, COMMIT
    assert counts[1] == (7, 5)


async def test_the_banks_sections_are_the_viewer_alone(api: Api, wire: Wire) -> None:
    query = "{ sections { section title description questions { key options { value } } } }"
    sent = await _sent(wire, api, query, api.account())
    assert len(sent) == 1, sent  # the viewer; the bank is in memory


ONE_WITH = "query($id: ID!) {{ assessment(id: $id) {{ id {fields} }} }}"
SECTIONS = "sections { section title questions { key } }"


async def test_an_assessments_sections_cost_what_its_questions_cost(api: Api, wire: Wire) -> None:
    owner = api.account()
    assessment = _new_assessment(api, owner)
    counts = {}
    for fields in ("questions { key }", SECTIONS, f"questions {{ key }} {SECTIONS}"):
        sent = await _sent(wire, api, ONE_WITH.format(fields=fields), owner, id=assessment)
        counts[fields] = len(sent)
    # the viewer, the assessment, its answers (read once for both fields)
    assert set(counts.values()) == {3}, counts


async def test_the_sections_of_a_page_are_one_statement_for_5_or_50(api: Api, wire: Wire) -> None:
    for count in (5, 50):
        owner = api.account()
        _seed(api, owner.id, count)
        query = f"{{ assessments(first: 100) {{ edges {{ node {{ id {SECTIONS} }} }} }} }}"
        sent = await _sent(wire, api, query, owner)
        # the viewer, the page, every assessment's answers
        assert len(sent) == 3, sent


MARK = """
mutation($input: MarkSectionNotApplicableInput!) { markSectionNotApplicable(input: $input) {
  assessment { progressPercentage } responses { id } userErrors { field code } } }"""


async def test_marking_a_section_not_applicable_is_eight_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    counts = []
    for _ in range(2):  # the first warms the prepared statements
        variables = {"input": {"assessmentId": _new_assessment(api, owner), "section": "GROW"}}
        async with wire.counting() as sent:
            result = await api(MARK, variables, as_=owner)
        assert len(result["data"]["markSectionNotApplicable"]["responses"]) == 1, result
        counts.append(len(sent()))
    # the viewer; BEGIN, the assessment locked, its answers, the upsert with the rest of the
    # sheet, the progress, the audit row, COMMIT
    assert counts[1] == 8


CLIENT_VIEW = """query($t: String!) { clientView(token: $t) {
  clientName businessName preparedBy brandColor logoUrl primaryPhase
  checklist { id itemText isCompleted completedBy }
  checklistProgress { total completed byPhase { phase total } }
  bookingLinks { id meetingTypeLabel } reportUrl expiresAt } }"""
SHARE_REPORT = """mutation($id: ID!) { shareReport(input: {reportId: $id}) {
  report { shareUrl } userErrors { code } } }"""


async def _shared_token(api: Api, owner: Account, items: int) -> str:
    """The share token of a client report of a completed assessment with `items` checklist
    items more than the generated ones."""
    assessment = expect_id(await completed_assessment(api, owner), "Assessment")
    execute(
        api.url,
        "INSERT INTO checklist_items (assessment_id, created_by, item_text, item_order) "
        "SELECT :a, :u, 'Step ' || n, 1000 + n FROM generate_series(1, :n) AS n",
        a=assessment,
        u=owner.id,
        n=items,
    )
    [(report,)] = execute(
        api.url,
        "INSERT INTO reports (assessment_id, report_type, file_url, generated_by) "
        "VALUES (:a, 'client', 'reports/none.pdf', :u) RETURNING id",
        a=assessment,
        u=owner.id,
    )
    shared = await api(SHARE_REPORT, {"id": _global("Report", report)}, as_=owner)
    url: str = shared["data"]["shareReport"]["report"]["shareUrl"]
    return url.removeprefix("/shared/")


async def test_the_clients_view_is_twelve_statements_for_any_checklist(
    api: Api, wire: Wire
) -> None:
    owner = api.account()
    _links(api, owner.id, 4)
    counts = {}
    for items in (0, 60):
        token = await _shared_token(api, owner, items)
        sent = await _sent(wire, api, CLIENT_VIEW, None, t=token)
        counts[items] = len(sent)
        # the address's window; BEGIN, the share, its assessment, the audit row, COMMIT; then
        # one each for the settings, the consultant, the phase result, the checklist, its
        # progress and the booking links
        assert len(sent) == 12, sent
    assert counts[0] == counts[60]


CLIENT_TICK = """mutation($t: String!, $i: ID!, $c: Boolean!) {
  completeChecklistItemAsClient(token: $t, itemId: $i, completed: $c) {
    item { completedBy } userErrors { code } } }"""


async def test_a_clients_tick_is_eight_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    token = await _shared_token(api, owner, 2)
    [(item,)] = query(
        api.url,
        "SELECT c.id FROM checklist_items c JOIN reports r ON r.assessment_id = c.assessment_id "
        "WHERE r.share_token = encode(sha256(convert_to(:t, 'UTF8')), 'hex') "
        "AND c.item_order = 1001",
        t=token,
    )
    counts = []
    for completed in (True, False, True):  # the first warms the prepared statements
        variables = {"t": token, "i": _global("ChecklistItem", item), "c": completed}
        async with wire.counting() as sent:
            result = await api(CLIENT_TICK, variables)
        assert result["data"]["completeChecklistItemAsClient"]["userErrors"] == []
        counts.append(len(sent()))
    # the address's window; BEGIN, the share, its assessment locked, the item locked, its
    # update, the audit row, COMMIT
    assert counts[1:] == [8, 8]


ADD_ITEM = """
mutation($id: ID!) { addChecklistItem(input: {assessmentId: $id, itemText: "Call the bank"}) {
  item { id itemOrder } userErrors { code } } }"""
SET_DONE = """
mutation($id: ID!, $done: Boolean!) {
  setChecklistItemCompleted(input: {id: $id, completed: $done}) {
    item { isCompleted } userErrors { code } } }"""


async def test_adding_a_checklist_item_is_six_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    assessment = _new_assessment(api, owner)
    counts = [await _counted(wire, api, owner, ADD_ITEM, id=assessment) for _ in range(2)]
    # the viewer; BEGIN, the assessment locked, the insert placing it last, the audit row,
    # COMMIT
    assert counts[1] == (6, 4)


async def test_ticking_a_checklist_item_is_eight_statements(api: Api, wire: Wire) -> None:
    owner = api.account()
    assessment = _new_assessment(api, owner)
    added = await api(ADD_ITEM, {"id": assessment}, as_=owner)
    item = added["data"]["addChecklistItem"]["item"]["id"]
    counts = [
        await _counted(wire, api, owner, SET_DONE, id=item, done=done) for done in (True, False)
    ]
    # the viewer; BEGIN, the item (whose assessment), the assessment locked, the item locked,
    # its marks, the audit row, COMMIT
    assert counts[1] == (8, 6)
