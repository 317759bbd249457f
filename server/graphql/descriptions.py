"""What the schema says about itself: the description of every type, field, argument, input
field and enum value, in one catalogue keyed by schema coordinate.

A front-end developer reads these in GraphiQL's documentation, in introspection and in
schema.graphql: what a value is, its unit and range, its default, when it is null, and who may
see it. Every description lives here and nowhere else (no `description=` on the types in
`server/graphql/types/`); `describe` sets them on the built graphql-core schema once, when
`RiseSchema` is made, and everything that reads the schema sees them.

Keys are schema coordinates as the GraphQL specification writes them: `Type`, `Type.field`,
`Type.field(argument:)`, `InputType.field`, `Enum.VALUE`. The built-in scalars (String, Int,
Float, Boolean, ID) keep graphql-core's own descriptions. tests/unit/test_descriptions.py fails
on a coordinate without an entry, on an entry for no coordinate, and on a description given
anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    is_introspection_type,
    is_specified_scalar_type,
)

# GraphiQL shows one description at a time, so each entry reads on its own: wording shared by
# several coordinates (page sizes, cursors, user errors) is repeated rather than referred to.
DESCRIPTIONS: dict[str, str] = {
    "ActivityLog": (
        "One entry of the audit trail: a change, a sign-in attempt, or a report downloaded or "
        "opened by its link, written in the same transaction as what it records. Administrators "
        "only."
    ),
    "ActivityLog.createdAt": "When the event happened.",
    "ActivityLog.description": (
        'What happened, in one line for people to read, e.g. "assessment completed and scored"; '
        "it may name an email address."
    ),
    "ActivityLog.eventCategory": "The area the event belongs to.",
    "ActivityLog.eventType": (
        "What happened, as a dotted name, e.g. `auth.login`, `auth.login_failed`, "
        "`assessment.completed`, `report.shared`, `admin.user_updated`."
    ),
    "ActivityLog.id": "The entry's opaque global id.",
    "ActivityLog.severity": "How much attention the event deserves.",
    "ActivityLog.user": (
        "The account that acted (for sign-in events, the account signing in); null when there is "
        "none, as for a failed login with an unknown email or a view of a shared link, or when the "
        "account has since been deleted."
    ),
    "ActivityLogConnection": "A page of audit-trail entries, newest first.",
    "ActivityLogConnection.edges": "The entries of this page, each with its cursor.",
    "ActivityLogConnection.pageInfo": (
        "Where this page is in the list, and the cursor to ask for the next one."
    ),
    "ActivityLogConnection.totalCount": (
        "How many entries match the filters, over all pages (counted only when selected)."
    ),
    "ActivityLogEdge": "One audit-trail entry of a page, with its cursor.",
    "ActivityLogEdge.cursor": "Pass it as `after` to get the entries that follow this one.",
    "ActivityLogEdge.node": "The entry.",
    "AnswerOption": (
        "One answer a question offers. On RATING questions the options are the five steps of the "
        'scale, values "1" to "5".'
    ),
    "AnswerOption.discWeights": (
        "The communication-style points (0-5 for each style) that choosing this option adds; null "
        "unless the viewer is an admin, and always null on RATING questions."
    ),
    "AnswerOption.label": "The option as worded for the client.",
    "AnswerOption.phaseWeights": (
        "The readiness points (0-5) that choosing this option earns in each phase; on RATING "
        "questions the phase's weight times (rating - 1) / 4. Null unless the viewer is an admin."
    ),
    "AnswerOption.value": (
        "What to send to choose it: ResponseInput.value for SINGLE_CHOICE, one of "
        "ResponseInput.values for MULTIPLE_CHOICE; on RATING questions send the number as "
        "ResponseInput.rating."
    ),
    "Assessment": (
        "One client's questionnaire: who the client is, the answers, and once completed the "
        "scores, the checklist and the reports. Only the consultant who owns it and admins can see "
        "it."
    ),
    "Assessment.archivedAt": "When it was archived; null unless archived.",
    "Assessment.checklistItems": (
        "The action plan made at completion, in order; empty before completion."
    ),
    "Assessment.checklistProgress": (
        "How far through its checklist the assessment is, counted over the live items."
    ),
    "Assessment.clientBusinessName": "The client's business name (1-200 characters).",
    "Assessment.clientEmail": "The client's email address, lower-cased.",
    "Assessment.clientName": "The client's name (1-100 characters).",
    "Assessment.completedAt": "When it was completed and scored; null until then.",
    "Assessment.confidenceAfter": (
        "The client's rating of their confidence after the session, 1-10; null until recorded."
    ),
    "Assessment.confidenceBefore": (
        "The client's rating of their confidence before the session, 1-10; null when not recorded."
    ),
    "Assessment.consultant": "The consultant who owns the assessment.",
    "Assessment.createdAt": "When it was created; lists are ordered by it, newest first.",
    "Assessment.discProfile": (
        "The client's communication style, scored at completion; null before completion, or when "
        "no answer indicated a style (phaseResult.flags then holds DISC_UNDETERMINED). "
        "Confidential: the client report never names it."
    ),
    "Assessment.entityType": (
        "How the business is legally set up, as the label of the option the client chose, e.g. "
        '"S-Corporation (S-Corp)"; null while that question is unanswered.'
    ),
    "Assessment.id": "The assessment's opaque global id.",
    "Assessment.isSCorpOnPayroll": (
        "For an S-Corp, whether the owner is paid through payroll, from the payroll follow-up "
        'question; null when the answer is "not sure", the follow-up is unanswered, or the '
        "business is not an S-Corp."
    ),
    "Assessment.phaseResult": (
        "The readiness scores and the phase to focus on, scored at completion; null before "
        "completion."
    ),
    "Assessment.progressPercentage": (
        "The share of the visible questions answered, 0-100 with two decimals (N/A counts as "
        "answered); 100 once completed."
    ),
    "Assessment.questions": (
        "The questions the client is asked given the answers so far (follow-ups shown or hidden by "
        "their parent's answer), in the order they are asked."
    ),
    "Assessment.reports": "Every report generated for it, newest first.",
    "Assessment.responses": (
        "Every saved answer, in the order the questions are asked, including answers to follow-ups "
        "that a changed answer has hidden since."
    ),
    "Assessment.startedAt": (
        "When the first answer was saved, which moved it from DRAFT to IN_PROGRESS; null while a "
        "draft."
    ),
    "Assessment.status": "Where the assessment is in its life.",
    "Assessment.updatedAt": (
        "When it last changed: its details, an answer, its status or its archiving."
    ),
    "AssessmentConnection": "A page of assessments, newest first.",
    "AssessmentConnection.edges": "The assessments of this page, each with its cursor.",
    "AssessmentConnection.pageInfo": (
        "Where this page is in the list, and the cursor to ask for the next one."
    ),
    "AssessmentConnection.totalCount": (
        "How many assessments match the filters, over all pages (counted only when selected)."
    ),
    "AssessmentEdge": "One assessment of a page, with its cursor.",
    "AssessmentEdge.cursor": "Pass it as `after` to get the assessments that follow this one.",
    "AssessmentEdge.node": "The assessment.",
    "AssessmentPayload": "The outcome of a mutation on one assessment.",
    "AssessmentPayload.assessment": "The assessment as it is now; null when the mutation failed.",
    "AssessmentPayload.userErrors": "Why the mutation failed; empty when it succeeded.",
    "AssessmentStatus": "Where an assessment is in its life.",
    "AssessmentStatus.COMPLETED": (
        "Scored: its answers can no longer change, and reports can be generated."
    ),
    "AssessmentStatus.DRAFT": "Created, with no answer saved yet.",
    "AssessmentStatus.IN_PROGRESS": "At least one answer saved; not yet completed.",
    "AuthPayload": "The outcome of signing in (register, login, refreshToken).",
    "AuthPayload.accessToken": (
        "The access token (a JWT) to send as `Authorization: Bearer <token>`, valid 15 minutes; "
        "null when signing in failed."
    ),
    "AuthPayload.expiresAt": "When the access token expires; null when signing in failed.",
    "AuthPayload.refreshToken": (
        "An opaque token that refreshToken trades for a new access token: valid 7 days and for one "
        "use, since each use returns the next one. Null when signing in failed; keep it secret."
    ),
    "AuthPayload.user": "The account now signed in; null when signing in failed.",
    "AuthPayload.userErrors": (
        "Why signing in failed, e.g. INVALID_CREDENTIALS, ACCOUNT_LOCKED, INVALID_TOKEN, "
        "EMAIL_TAKEN or VALIDATION; empty when it succeeded."
    ),
    "ChecklistItem": (
        "One action of the client's action plan: made at completion from the recommendations "
        "that apply to their answers, or added by the consultant. Items of one assessment change "
        "only while it is not archived."
    ),
    "ChecklistItem.completedBy": (
        "Who marked it done: the consultant, or the client through their shared link; null "
        "while not done."
    ),
    "ChecklistItem.completedAt": "When it was marked done; null while not done.",
    "ChecklistItem.createdAt": "When the item was made.",
    "ChecklistItem.dueDate": (
        "The day it is due; null when no date is set. The plan made at completion spreads its "
        "items over their recommendation's time frame: quick wins within 4 weeks, strategic "
        "steps within 6 months, long-term ones within 12 months of completion."
    ),
    "ChecklistItem.id": "The item's opaque global id.",
    "ChecklistItem.isCompleted": "Whether it is marked done; false when the plan is made.",
    "ChecklistItem.itemOrder": "Its place in the plan, from 1.",
    "ChecklistItem.itemText": "The action to take.",
    "ChecklistItem.phaseCategory": (
        "The readiness phase of the recommendation it comes from, or the one the consultant "
        "gave it; null when it has none."
    ),
    "ChecklistItem.priority": (
        "HIGH for the primary phase, MEDIUM for a secondary phase, LOW for the others; null when "
        "it has none."
    ),
    "ChecklistItem.updatedAt": "When the item last changed.",
    "ChecklistPhaseProgress": "The progress through one phase's items.",
    "ChecklistPhaseProgress.completed": "How many of them are done.",
    "ChecklistPhaseProgress.phase": "The phase; null for the items that have none.",
    "ChecklistPhaseProgress.total": "How many live items the phase has.",
    "ChecklistProgress": "How far through its checklist an assessment is.",
    "ChecklistProgress.byPhase": (
        "The same counts for each phase that has items, in phase order, the items without a "
        "phase last."
    ),
    "ChecklistProgress.completed": "How many of the items are done.",
    "ChecklistProgress.percentage": (
        "The share done, 0-100 with two decimals; 0 when there are no items."
    ),
    "ChecklistProgress.total": "How many live (not deleted) items there are.",
    "ClientView": (
        "What a client sees through the link of their shared client report, with no sign-in: "
        "their business, the consultant's branding, their primary phase, the checklist with "
        "its progress, the booking links and the report. Never the communication style, a "
        "score of it, or a consultant's note."
    ),
    "ClientView.bookingLinks": (
        "The booking links the client report offers: up to three active links recommended for "
        "the primary phase, or else the consultant's first two active links, in display order."
    ),
    "ClientView.brandColor": (
        'The consultant\'s brand colour, "#RRGGBB" in capitals; null means the default brand.'
    ),
    "ClientView.businessName": "The client's business, as the consultant wrote it.",
    "ClientView.checklist": (
        "The assessment's live checklist items in their order, as the consultant keeps them; "
        "the client ticks them with completeChecklistItemAsClient."
    ),
    "ClientView.checklistProgress": "How far through the checklist the client and consultant are.",
    "ClientView.clientName": "The client's name, as the consultant wrote it.",
    "ClientView.expiresAt": (
        "When the link stops working, this view and the report with it (the consultant may "
        "revoke or replace it sooner)."
    ),
    "ClientView.logoUrl": (
        "Path on this server of the consultant's logo, such as /logos/<random>.png (public); "
        "null when there is none."
    ),
    "ClientView.preparedBy": (
        "Who prepared the assessment: the consultant's company name, or their first and last "
        "name when they have none."
    ),
    "ClientView.primaryPhase": "The phase the client's business is asked to focus on now.",
    "ClientView.reportUrl": (
        "The absolute URL of the shared client report's PDF, /shared/<token> on this service."
    ),
    "CompletedBy": "Who marked a checklist item done.",
    "CompletedBy.CLIENT": "The client, through the link of their shared report.",
    "CompletedBy.CONSULTANT": "The consultant (or an administrator).",
    "CreateAssessmentInput": (
        "A new assessment, owned by the signed-in viewer and started in DRAFT."
    ),
    "CreateAssessmentInput.clientBusinessName": (
        "The client's business name: 1-200 characters once trimmed, no control characters."
    ),
    "CreateAssessmentInput.clientEmail": (
        "The client's email address, at most 254 characters; kept trimmed and lower-cased."
    ),
    "CreateAssessmentInput.clientName": (
        "The client's name: 1-100 characters once trimmed, no control characters."
    ),
    "CreateAssessmentInput.confidenceBefore": (
        "The client's rating of their confidence before the session, a whole number from 1 to 10; "
        "null or left out when not recorded."
    ),
    "CreateUserInput": "A new account, made by an administrator.",
    "CreateUserInput.email": (
        "The account's email address and sign-in name, at most 254 characters; kept trimmed and "
        "lower-cased, and unique (EMAIL_TAKEN otherwise)."
    ),
    "CreateUserInput.firstName": (
        "The first name: 1-100 characters once trimmed, no control characters."
    ),
    "CreateUserInput.lastName": (
        "The last name: 1-100 characters once trimmed, no control characters."
    ),
    "CreateUserInput.password": (
        "The first password: 12-128 characters with an upper-case and a lower-case letter, a digit "
        "and a symbol."
    ),
    "CreateUserInput.role": "The account's role; CONSULTANT by default.",
    "Date": "A calendar date in ISO 8601, YYYY-MM-DD, e.g. 2026-03-01.",
    "DateTime": (
        "An instant in ISO 8601 with its offset from UTC, e.g. 2026-03-01T14:05:09.123456+00:00 "
        "(the fraction is left out when it is zero). Stored times carry the database server's time "
        "zone, so compare instants rather than strings."
    ),
    "DiscProfile": (
        "The client's communication style (DISC), scored at completion from the answers that read "
        "it. Confidential to the consultant and admins: the client report never names it."
    ),
    "DiscProfile.calculatedAt": "When it was scored.",
    "DiscProfile.compliance": (
        "The C score (Conscientiousness): the share of the C points the answered style questions "
        "could give, 0-100 with two decimals."
    ),
    "DiscProfile.dominance": (
        "The D score (Dominance): the share of the D points the answered style questions could "
        "give, 0-100 with two decimals."
    ),
    "DiscProfile.influence": (
        "The I score (Influence): the share of the I points the answered style questions could "
        "give, 0-100 with two decimals."
    ),
    "DiscProfile.primaryType": (
        "The style with the highest score; a tie goes to the style chosen latest in the "
        "questionnaire."
    ),
    "DiscProfile.secondaryType": (
        "The runner-up style when it scores at least 25 and within 15 points of the primary; null "
        "otherwise."
    ),
    "DiscProfile.steadiness": (
        "The S score (Steadiness): the share of the S points the answered style questions could "
        "give, 0-100 with two decimals."
    ),
    "DiscScores": "Communication-style points, one number for each DISC style.",
    "DiscScores.c": "Points for C (Conscientiousness).",
    "DiscScores.d": "Points for D (Dominance).",
    "DiscScores.i": "Points for I (Influence).",
    "DiscScores.s": "Points for S (Steadiness).",
    "DiscType": (
        "A DISC communication style, which shapes how the consultant and the client report speak "
        "to the client."
    ),
    "DiscType.C": "Conscientiousness (the `compliance` score): detailed and data-backed.",
    "DiscType.D": "Dominance: direct and results-first.",
    "DiscType.I": "Influence: warm and big-picture.",
    "DiscType.S": "Steadiness: step-by-step and reassuring.",
    "EventCategory": "The area an audit-trail event belongs to.",
    "EventCategory.ADMIN": (
        "Account administration: accounts created, changed, deactivated, unlocked or erased, "
        "passwords set from the command line, and a consultant's branding (settings and logo) "
        "changed."
    ),
    "EventCategory.ASSESSMENT": (
        "Assessments created, changed, answered, completed, archived, unarchived or deleted."
    ),
    "EventCategory.AUTH": (
        "Signing in and out: registrations, logins (failed and refused ones too), reused refresh "
        "tokens, logouts, password reset requests and resets, password changes and changes to "
        "the account's own names."
    ),
    "EventCategory.REPORT": (
        "Reports generated, downloaded, shared, opened by their public link, or unshared; and "
        "the booking links the client report offers, created, changed, reordered or deleted."
    ),
    "EventCategory.SYSTEM": (
        "The service's own upkeep, such as erasing deleted assessments for good."
    ),
    "GenerateReportsInput": "Which reports to render for a completed assessment.",
    "GenerateReportsInput.assessmentId": "The completed assessment (an Assessment id).",
    "GenerateReportsInput.types": (
        "The reports to render, each once whatever the repeats; at least one. Both by default."
    ),
    "LoginInput": "The email and password to sign in with.",
    "LoginInput.email": "The account's email address, in any letter case.",
    "LoginInput.password": "The account's password.",
    "Mutation": (
        "The operations that change data. register, login, refreshToken, requestPasswordReset and "
        "resetPassword need no sign-in, the others a signed-in viewer (UNAUTHENTICATED otherwise). "
        "Expected failures come back in each payload's userErrors; FORBIDDEN (admins only) and "
        "RATE_LIMITED are top-level errors."
    ),
    "Mutation.archiveAssessment": (
        "Puts a completed assessment away: left out of `assessments` unless `archived` asks "
        "for it, and read-only (every change to it, its answers or its reports answers "
        "ARCHIVED) until `unarchiveAssessment`. NOT_COMPLETED for an assessment that is not "
        "completed; archiving an archived one changes nothing. Recorded in the audit trail."
    ),
    "Mutation.archiveAssessment(id:)": "The assessment (an Assessment id).",
    "Mutation.completeAssessment": (
        "Completes an assessment: every visible required question must be answered (INCOMPLETE "
        "names those missing; ALREADY_COMPLETED if done before). Then the phases and the "
        "communication style are scored, the checklist is made and the answers become read-only."
    ),
    "Mutation.completeAssessment(id:)": "The assessment (an Assessment id).",
    "Mutation.completeChecklistItemAsClient": (
        "The client ticks a checklist item off as done by them (completedBy CLIENT), or back "
        "on as not done, through their share link; no sign-in. An item already so stays as it "
        "is. NOT_FOUND when the token is unknown, revoked or expired or the item is not one of "
        "its assessment's live items, alike; ARCHIVED while the assessment is archived. Rate "
        "limited per client address, with clientView."
    ),
    "Mutation.completeChecklistItemAsClient(completed:)": "true: done; false: not done.",
    "Mutation.completeChecklistItemAsClient(itemId:)": (
        "The item (a ChecklistItem id), one of the shared assessment's."
    ),
    "Mutation.completeChecklistItemAsClient(token:)": (
        "The token of the shared client report's link, the part after /shared/."
    ),
    "Mutation.createAssessment": "Starts an assessment for a client, owned by the viewer.",
    "Mutation.createAssessment(input:)": "Who the client is.",
    "Mutation.createUser": "Creates an account of either role. Admins only.",
    "Mutation.createUser(input:)": "The new account.",
    "Mutation.deleteAssessment": (
        "Deletes an assessment: it disappears from every list and lookup at once, and `rise "
        "assessments purge` erases it for good later, with its answers and reports."
    ),
    "Mutation.deleteAssessment(id:)": "The assessment (an Assessment id).",
    "Mutation.generateReports": (
        "Renders the PDF reports of a completed assessment (NOT_COMPLETED otherwise); earlier "
        "reports are kept. Rate-limited: 20 a minute per account and 60 per client address, unless "
        "the service is configured otherwise."
    ),
    "Mutation.generateReports(input:)": "The assessment and the reports wanted.",
    "Mutation.login": (
        "Signs in with email and password. An unknown email and a wrong password both give "
        "INVALID_CREDENTIALS; 5 failures within 15 minutes lock the account for 15 minutes "
        "(ACCOUNT_LOCKED). Rate-limited: 10 a minute per account, 20 per client address."
    ),
    "Mutation.login(input:)": "The email and password.",
    "Mutation.logout": (
        "Ends the login the access token belongs to: its access and refresh tokens stop working at "
        "once. ok is false when it had already ended."
    ),
    "Mutation.recalculateAssessment": (
        "Scores a COMPLETED assessment again with the question bank in force, as completion "
        "scored it. Its answers stay; its phaseResult and discProfile are replaced. Its "
        "checklist gains, at the end, the actions of the new result that it lacks; every item "
        "already there stays as it is, the consultant's edits, ticks and order included, and an "
        "item the consultant deleted does not come back. Reports made earlier are not changed. "
        "NOT_COMPLETED before completion, ARCHIVED when archived. Recorded in the audit log with "
        "the old and new primary phase and communication style."
    ),
    "Mutation.recalculateAssessment(id:)": "The assessment (an Assessment id).",
    "Mutation.refreshToken": (
        "Trades a refresh token for a new access token and a new refresh token; the one sent stops "
        "working. Presenting a refresh token again after it was used ends that whole login "
        "(INVALID_TOKEN)."
    ),
    "Mutation.refreshToken(input:)": "The refresh token to trade in.",
    "Mutation.register": (
        "Creates a consultant account and signs it in (only admins make admins, with createUser). "
        "Rate-limited: 5 an hour per email, 10 per client address."
    ),
    "Mutation.register(input:)": "The new account.",
    "Mutation.requestPasswordReset": (
        "Mails a single-use link for a new password, valid 24 hours, when an active account has "
        "this email; the answer is the same whether or not one has. Rate-limited: 3 an hour per "
        "email, and 10 an hour per client address shared with resetPassword."
    ),
    "Mutation.requestPasswordReset(email:)": (
        "The account's email address; a malformed one is a VALIDATION error."
    ),
    "Mutation.resetPassword": (
        "Sets a new password with the token of a reset link, clears the account's lockout and ends "
        "all its sessions: sign in again afterwards. INVALID_TOKEN when the link is unknown, used "
        "or expired. Rate-limited: 10 an hour per client address, shared with "
        "requestPasswordReset."
    ),
    "Mutation.resetPassword(newPassword:)": (
        "The new password: 12-128 characters with an upper-case and a lower-case letter, a digit "
        "and a symbol."
    ),
    "Mutation.resetPassword(token:)": "The token from the reset link.",
    "Mutation.revokeReportShare": (
        "Ends a report's public link at once; a report that is not shared stays as it is."
    ),
    "Mutation.revokeReportShare(reportId:)": "The report (a Report id).",
    "Mutation.saveResponses": (
        "Saves answers to an assessment (the autosave path), each replacing the question's earlier "
        "answer. Each answer is checked on its own: the valid ones are saved together, the others "
        "come back as user errors by position. The first saved answer moves a DRAFT to "
        "IN_PROGRESS. A COMPLETED assessment takes new notes only: an item must name a question "
        "it has an answer to and repeat that answer unchanged with the new consultantNotes; an "
        "item that would change or add an answer is refused by position (ALREADY_COMPLETED), and "
        "progress, status and results stay as they are. An archived assessment refuses them all "
        "(ARCHIVED)."
    ),
    "Mutation.saveResponses(input:)": "The assessment and its answers.",
    "Mutation.shareReport": (
        "Gives a client report a public link that anyone holding it can open without signing in, "
        "replacing any earlier link of the report. Consultant reports are never shared "
        "(NOT_SHAREABLE)."
    ),
    "Mutation.shareReport(input:)": "The report and how long the link works.",
    "Mutation.deleteUser": (
        "Deletes an account for good with everything it owns: its assessments with their "
        "answers, results, checklists, reports and files, messages, settings, logo and booking "
        "links; the audit rows it acted in or that name it lose their details. Admins only; "
        "not one's own account, not the last active administrator, and not an account that "
        "made reports or checklist items on other consultants' assessments (CONFLICT: "
        "deactivate it instead). Recorded in the audit trail without whom."
    ),
    "Mutation.deleteUser(id:)": "The account (a User id).",
    "Mutation.eraseClient": (
        "Erases a client for good by email: every assessment of theirs (deleted ones too) "
        "with its answers, results, checklists, reports and files, and messages; the audit "
        "rows that name them lose their details. A consultant erases among their own "
        "assessments; an admin among one consultant's or everyone's. NOT_FOUND when there is "
        "none. Recorded in the audit trail without whom."
    ),
    "Mutation.eraseClient(input:)": "The client's address, and whose assessments.",
    "EraseClientInput": "Whose data to erase.",
    "EraseClientInput.email": "The client's email address, in any case.",
    "EraseClientInput.consultantId": (
        "Admins: only this consultant's assessments (a User id); null erases the client's "
        "assessments at every consultant. A consultant may give only their own id."
    ),
    "Mutation.requestAccountExport": (
        "Asks for an export of everything the service holds about the viewer's account and "
        "practice: the account, settings, booking links, every assessment with its answers, "
        "notes, results, checklist, reports (with the PDFs) and messages, and the viewer's "
        'audit trail. A job builds it into one ZIP file (README "Data rights"); follow it '
        "in dataExports."
    ),
    "Mutation.requestClientExport": (
        "Asks for an export of everything the service holds about one client, by email: "
        "their assessments, as in an account export, and the audit rows about them. A "
        "consultant exports among their own assessments; an admin among one consultant's or "
        "everyone's."
    ),
    "Mutation.requestClientExport(input:)": "The client's address, and whose assessments.",
    "RequestClientExportInput": "Whose data to export.",
    "RequestClientExportInput.email": "The client's email address, in any case.",
    "RequestClientExportInput.consultantId": (
        "Admins: only this consultant's assessments (a User id); null exports the client's "
        "assessments at every consultant. A consultant may give only their own id."
    ),
    "DataExportPayload": "The export requested, or why it could not be.",
    "DataExportPayload.export": "The request, pending until the job has built it.",
    "DataExportPayload.userErrors": "Why the request failed; empty when it succeeded.",
    "Query.dataExports": (
        "The viewer's export requests that are still kept, newest first. A built export is "
        "kept for a day."
    ),
    "DataExport": "An export of an account or of a client, built by a job into a ZIP file.",
    "DataExport.id": "Its global id.",
    "DataExport.subject": "An account export or a client export.",
    "DataExport.clientEmail": "A client export's address; null for an account export.",
    "DataExport.status": "PENDING until built, then READY, or FAILED with the error.",
    "DataExport.createdAt": "When it was requested.",
    "DataExport.readyAt": "When it was built.",
    "DataExport.expiresAt": "When it is removed, file and all.",
    "DataExport.fileSizeBytes": "The ZIP file's size, once built.",
    "DataExport.error": "Why it could not be built.",
    "DataExport.downloadUrl": (
        "While it is ready and kept: the ZIP file's path, signed for the viewer and their "
        "login for five minutes; the same path without the query works with the viewer's "
        "bearer token. Each download is recorded in the audit trail."
    ),
    "DataExportStatus": "Where an export stands.",
    "DataExportStatus.PENDING": "Requested; the job has not built it yet.",
    "DataExportStatus.READY": "Built; downloadable until it expires.",
    "DataExportStatus.FAILED": "The job could not build it; see error.",
    "DataExportSubject": "What an export covers.",
    "DataExportSubject.ACCOUNT": "The requester's own account and practice.",
    "DataExportSubject.CLIENT": "One client, by email.",
    "ErasurePayload": "The outcome of an erasure.",
    "ErasurePayload.assessments": "How many assessments were erased; null when it failed.",
    "ErasurePayload.reportFiles": "How many report files were deleted; null when it failed.",
    "ErasurePayload.userErrors": "Why the erasure failed; empty when it succeeded.",
    "Mutation.unlockUser": (
        "Lifts an account's login lockout and clears its count of failed logins. Admins only."
    ),
    "Mutation.unlockUser(id:)": "The account (a User id).",
    "Mutation.updateAssessment": (
        "Changes the client details given, a completed assessment's too; an archived one is "
        "read-only (ARCHIVED)."
    ),
    "Mutation.updateAssessment(input:)": "The assessment and the details to change.",
    "Mutation.updateUser": (
        "Changes an account's names, role or activation. Admins only; nobody demotes or "
        "deactivates themselves, and the last active admin stays one (CONFLICT)."
    ),
    "Mutation.updateUser(input:)": "The account and the changes.",
    "Node": "An object with an opaque global id, which node(id:) fetches.",
    "Node.id": "The object's opaque global id: the same in every response, and not to be parsed.",
    "OkPayload": "The outcome of a mutation that returns no object.",
    "OkPayload.ok": (
        "Whether the mutation did what it was asked; when false, userErrors says why (for logout: "
        "the login had already ended)."
    ),
    "OkPayload.userErrors": "Why the mutation failed; empty when it succeeded.",
    "PageInfo": (
        "Where a page is in its list. Lists page forward only: ask for the next page with `after: "
        "endCursor` while hasNextPage."
    ),
    "PageInfo.endCursor": (
        "The cursor of the page's last item, to pass as `after` for the next page; null when the "
        "page is empty."
    ),
    "PageInfo.hasNextPage": "Whether more items follow this page.",
    "PageInfo.hasPreviousPage": "Whether this page was asked for with an `after` cursor.",
    "PageInfo.startCursor": "The cursor of the page's first item; null when the page is empty.",
    "Phase": "The five readiness phases, in the order a business works through them.",
    "Phase.BUILD": (
        "Build: the routines, checklists and safeguards that keep the finances running every month."
    ),
    "Phase.GROW": "Grow: planning cash, setting budgets and getting ready for new opportunities.",
    "Phase.ORGANIZE": (
        "Organize: accounting tools, categories and records set up so information lands in the "
        "right place."
    ),
    "Phase.STABILIZE": "Stabilize: current books, taxes in order and cash on solid ground.",
    "Phase.SYSTEMIC": (
        "Systemic: reading and using the numbers with confidence, as a regular part of running the "
        "business."
    ),
    "PhaseResult": (
        "The business's readiness in each phase and the phase to focus on, scored at completion."
    ),
    "PhaseResult.build": (
        "Build readiness, 0-100 with two decimals; 0 when no answered question could earn points "
        "in it (flags then holds INSUFFICIENT_DATA)."
    ),
    "PhaseResult.calculatedAt": "When it was scored.",
    "PhaseResult.flags": (
        "What the consultant must look at: CRITICAL_STABILIZE (Stabilize below 40), "
        "SCORP_PAYROLL_RISK (an S-Corp owner not confirmed as paid through payroll), "
        "FOUNDATION_GAP (a phase at 70 or more while an earlier one is below 50), "
        "INSUFFICIENT_DATA (a phase had nothing to score), DISC_UNDETERMINED (no communication "
        "style found)."
    ),
    "PhaseResult.grow": (
        "Grow readiness, 0-100 with two decimals; 0 when no answered question could earn points in "
        "it (flags then holds INSUFFICIENT_DATA)."
    ),
    "PhaseResult.organize": (
        "Organize readiness, 0-100 with two decimals; 0 when no answered question could earn "
        "points in it (flags then holds INSUFFICIENT_DATA)."
    ),
    "PhaseResult.primaryPhase": (
        "The phase to focus on now: the first of Stabilize, Organize, Build and Grow below 70, or "
        "Systemic when all four reach 70."
    ),
    "PhaseResult.secondaryPhases": (
        "The other phases below 70 within 15 points of the primary phase's readiness, in phase "
        "order; may be empty."
    ),
    "PhaseResult.stabilize": (
        "Stabilize readiness, 0-100 with two decimals; 0 when no answered question could earn "
        "points in it (flags then holds INSUFFICIENT_DATA)."
    ),
    "PhaseResult.systemic": (
        "Systemic readiness, 0-100 with two decimals; 0 when no answered question could earn "
        "points in it (flags then holds INSUFFICIENT_DATA)."
    ),
    "PhaseScores": "Readiness points, one number for each phase.",
    "PhaseScores.build": "Points for Build.",
    "PhaseScores.grow": "Points for Grow.",
    "PhaseScores.organize": "Points for Organize.",
    "PhaseScores.stabilize": "Points for Stabilize.",
    "PhaseScores.systemic": "Points for Systemic.",
    "Priority": "How soon a checklist item should be done.",
    "Priority.HIGH": "First: the item belongs to the primary phase.",
    "Priority.LOW": "Later: the item belongs to neither the primary nor a secondary phase.",
    "Priority.MEDIUM": "Next: the item belongs to a secondary phase.",
    "Query": (
        "Everything the API reads. Unless a field says otherwise, it needs a signed-in viewer "
        "(UNAUTHENTICATED otherwise); a consultant reaches only their own data, an admin "
        "everything."
    ),
    "Query.activityLogs": "The audit trail, newest first. Admins only.",
    "Query.activityLogs(after:)": (
        "The endCursor of the previous page, to get the entries after it; a cursor the service did "
        "not hand out is BAD_USER_INPUT."
    ),
    "Query.activityLogs(category:)": "Only the events of this category.",
    "Query.activityLogs(first:)": (
        "How many entries to return, 1-100 (BAD_USER_INPUT otherwise); 50 when null or left out."
    ),
    "Query.activityLogs(userId:)": (
        "Only the events of this account (a User id); a malformed id, or the id of anything but a "
        "User, is BAD_USER_INPUT."
    ),
    "Query.assessment": (
        "One assessment by its id; null with a NOT_FOUND error when it is missing, deleted or "
        "another consultant's."
    ),
    "Query.assessment(id:)": "An Assessment id.",
    "Query.assessments": (
        "The viewer's assessments (for admins, every consultant's), newest first unless orderBy "
        "says otherwise; deleted ones are left out, and archived ones unless archived asks "
        "for them."
    ),
    "Query.assessments(after:)": (
        "The endCursor of the previous page, to get the assessments after it; a cursor the service "
        "did not hand out is BAD_USER_INPUT."
    ),
    "Query.assessments(first:)": (
        "How many assessments to return, 1-100 (BAD_USER_INPUT otherwise); 20 when null or left "
        "out."
    ),
    "Query.assessments(search:)": (
        "Only assessments whose client name, business name or client email contains this text, "
        "ignoring letter case; blank text filters nothing."
    ),
    "Query.assessments(status:)": "Only assessments in this status.",
    "Query.clientView": (
        "What the client sees through the link of their shared client report, for anyone "
        "holding the token, signed in or not. Null when the token is unknown, revoked or "
        "expired, or its assessment deleted. Rate limited per client address, with "
        "completeChecklistItemAsClient; each opening is in the audit log with the address."
    ),
    "Query.clientView(token:)": (
        "The token of the shared client report's link, the part after /shared/."
    ),
    "Query.me": "The signed-in account; null when signed out (no sign-in needed).",
    "Query.node": (
        "Any object by its global id; null with a NOT_FOUND error when it is missing or not the "
        "viewer's to see."
    ),
    "Query.node(id:)": "The id field of any Node.",
    "Query.questions": (
        "The question bank, in the order questions are asked; the scoring weights are shown to "
        "admins only."
    ),
    "Query.questions(section:)": (
        "Only the questions of this section; every question when null or left out."
    ),
    "Query.serviceVersion": (
        'The version of the running service, or "unknown" when it cannot be told; no sign-in '
        "needed."
    ),
    "Query.users": (
        "Accounts, active and deactivated, newest first; deleted ones are left out. Admins only."
    ),
    "Query.users(after:)": (
        "The endCursor of the previous page, to get the accounts after it; a cursor the service "
        "did not hand out is BAD_USER_INPUT."
    ),
    "Query.users(first:)": (
        "How many accounts to return, 1-100 (BAD_USER_INPUT otherwise); 20 when null or left out."
    ),
    "Query.users(role:)": "Only accounts with this role.",
    "Query.users(search:)": (
        "Only accounts whose email, first name or last name contains this text, ignoring letter "
        "case; blank text filters nothing."
    ),
    "Question": (
        "One question of the bank, the same on every install: its id is derived from its key."
    ),
    "Question.allowsNotApplicable": (
        "Whether N/A is an accepted answer (ResponseInput.notApplicable)."
    ),
    "Question.conditionalParent": (
        "The question whose answer shows this follow-up; null unless it is one."
    ),
    "Question.conditionalTriggerValue": (
        "The parent's option value that shows this follow-up (for a multiple-choice parent, one of "
        "the values chosen); null unless it is one."
    ),
    "Question.helpText": "A hint shown to the client with the question; null when there is none.",
    "Question.id": "The question's global id, derived from its key: the same on every install.",
    "Question.isConditional": (
        "Whether it is a follow-up, asked only while its parent's answer is the trigger value."
    ),
    "Question.isRequired": (
        "Whether completion needs an answer to it (N/A counts) while it is visible."
    ),
    "Question.key": "The stable key, e.g. STAB-003.",
    "Question.options": (
        "The answers to choose from, in order: the five steps of the scale on RATING questions, "
        "none on TEXT questions."
    ),
    "Question.orderIndex": "Its position in the order questions are asked: 10, 20, 30 and so on.",
    "Question.section": "The part of the questionnaire it belongs to.",
    "Question.text": "The question as put to the client.",
    "Question.type": "How it is answered.",
    "QuestionType": "How a question is answered.",
    "QuestionType.MULTIPLE_CHOICE": "Any number of the options, sent as ResponseInput.values.",
    "QuestionType.RATING": (
        "A whole number from 1 to 5 on the question's scale, sent as ResponseInput.rating."
    ),
    "QuestionType.SINGLE_CHOICE": "One of the options, sent as ResponseInput.value.",
    "QuestionType.TEXT": (
        "Free text of at most 5,000 characters, sent as ResponseInput.value; it earns no readiness "
        "points."
    ),
    "RefreshInput": "The refresh token to trade in.",
    "RefreshInput.refreshToken": "The refresh token of the last sign-in or refresh.",
    "RegisterInput": "A new consultant account.",
    "RegisterInput.email": (
        "The account's email address and sign-in name, at most 254 characters; kept trimmed and "
        "lower-cased, and unique (EMAIL_TAKEN otherwise)."
    ),
    "RegisterInput.firstName": (
        "The first name: 1-100 characters once trimmed, no control characters."
    ),
    "RegisterInput.lastName": (
        "The last name: 1-100 characters once trimmed, no control characters."
    ),
    "RegisterInput.password": (
        "The password: 12-128 characters with an upper-case and a lower-case letter, a digit and a "
        "symbol."
    ),
    "Report": (
        "A PDF rendered from a completed assessment. The consultant report is confidential; only a "
        "client report may be shared by a public link."
    ),
    "Report.createdAt": "When it was generated.",
    "Report.downloadUrl": (
        "The PDF's path on this server, signed for the viewer and their login and valid five "
        "minutes; the same path without its query also works with the viewer's bearer token."
    ),
    "Report.fileSizeBytes": "The PDF's size in bytes; null when not recorded.",
    "Report.generatedBy": "Who generated it; null unless the viewer is that person or an admin.",
    "Report.id": "The report's opaque global id.",
    "Report.isShared": "Whether its public link works now: shared, not revoked and not expired.",
    "Report.pageCount": "The PDF's number of pages; null when not recorded.",
    "Report.reportType": "Which of the two reports it is.",
    "Report.shareExpiresAt": (
        "When the public link stops working; null when the report is not shared or its link was "
        "revoked."
    ),
    "Report.shareUrl": (
        "The public link's path, /shared/<token>, given only in the answer of the shareReport that "
        "made it (the service keeps only a hash of the token); null in every other read."
    ),
    "Report.viewCount": "How many times the PDF was opened through its public link.",
    "ReportPayload": "The outcome of a mutation on one report.",
    "ReportPayload.report": "The report as it is now; null when the mutation failed.",
    "ReportPayload.userErrors": "Why the mutation failed; empty when it succeeded.",
    "ReportType": "Which report a PDF is.",
    "ReportType.CLIENT": (
        "For the client: their five-phase journey, what their readiness means, 3-5 quick wins, a "
        "roadmap, booking links and the consultant's branding; it never names the communication "
        "style. The only kind that can be shared."
    ),
    "ReportType.CONSULTANT": (
        "Confidential, for the consultant: the executive summary, readiness by phase, the "
        "communication guide, red flags, the full action plan and every answer with the "
        "consultant's notes."
    ),
    "ReportsPayload": "The outcome of generateReports.",
    "ReportsPayload.reports": (
        "The new reports, in the order of the types asked for; empty when it failed."
    ),
    "ReportsPayload.userErrors": "Why no report was made; empty when it succeeded.",
    "Response": (
        "A saved answer to one question of an assessment. It may hold notes alone, with no answer "
        "yet."
    ),
    "Response.consultantNotes": (
        "The consultant's notes on the answer, shown in the consultant report and never to the "
        "client; null when there are none."
    ),
    "Response.id": "The answer's opaque global id.",
    "Response.notApplicable": (
        "Whether the answer is N/A: it counts as answered, and the question is left out of the "
        "scores."
    ),
    "Response.question": "The question answered.",
    "Response.rating": "The rating, 1-5, on a RATING question; null otherwise.",
    "Response.updatedAt": "When the answer was last saved.",
    "Response.value": (
        "The chosen option's value on a SINGLE_CHOICE question, or the text on a TEXT question; "
        "null otherwise."
    ),
    "Response.values": (
        "The chosen options' values on a MULTIPLE_CHOICE question, in the question's option order; "
        "null otherwise."
    ),
    "ResponseInput": (
        "One answer to save, which replaces the question's earlier answer whole, notes included. "
        "Give the one field the question's type takes (value, values or rating), or notApplicable, "
        "or none of them to keep the question unanswered with notes."
    ),
    "ResponseInput.consultantNotes": (
        "The consultant's notes, at most 5,000 characters, never shown to the client; null or left "
        "out for none, which drops earlier notes. The one part of an answer a completed "
        "assessment still lets change."
    ),
    "ResponseInput.notApplicable": (
        "True to answer N/A, where the question allowsNotApplicable, with no value, values or "
        "rating; false when null or left out."
    ),
    "ResponseInput.questionId": "The question (a Question id).",
    "ResponseInput.rating": "On a RATING question: a whole number from 1 to 5.",
    "ResponseInput.value": (
        "On a SINGLE_CHOICE question: one option's value. On a TEXT question: the answer, not "
        "blank, at most 5,000 characters."
    ),
    "ResponseInput.values": "On a MULTIPLE_CHOICE question: the chosen options' values, each once.",
    "Role": "What an account may do.",
    "Role.ADMIN": (
        "An administrator: sees every assessment, the audit trail and the scoring weights, and "
        "manages accounts."
    ),
    "Role.CONSULTANT": "A consultant: works with their own assessments only.",
    "SaveResponsesInput": "Answers to save on one assessment, any number at once.",
    "SaveResponsesInput.assessmentId": (
        "The assessment (an Assessment id); once it is completed, only notes change."
    ),
    "SaveResponsesInput.responses": "The answers, each to a different question.",
    "SaveResponsesPayload": "The outcome of an autosave.",
    "SaveResponsesPayload.assessment": (
        "The assessment after the save, with its new progress; null when it is missing or "
        "archived, and nothing was saved."
    ),
    "SaveResponsesPayload.responses": "The answers this call saved, in the order sent.",
    "SaveResponsesPayload.userErrors": (
        'One error for each answer not saved, at its position, e.g. field ["responses", "2", '
        '"rating"]; the other answers are saved. An error about the assessment itself '
        "(NOT_FOUND, ARCHIVED) means nothing was saved. On a completed assessment an item that "
        "would change an answer is ALREADY_COMPLETED at the answer's field (questionId when "
        "the question has no answer)."
    ),
    "Section": "A part of the questionnaire.",
    "Section.BUILD": (
        "Build: routines and safeguards, how the regular money work gets done and who does it."
    ),
    "Section.DISC": (
        "How the client likes to work and receive information; read for the communication style "
        "only, earning no readiness points."
    ),
    "Section.GROW": "Grow: planning ahead and readiness for new opportunities.",
    "Section.METADATA": (
        "About the business: what it does, its age, revenue, staff and legal form. It earns no "
        "readiness points, though the legal form is read for SCORP_PAYROLL_RISK."
    ),
    "Section.ORGANIZE": (
        "Organize: accounting tools, records and the paperwork that keeps the business in good "
        "standing."
    ),
    "Section.STABILIZE": "Stabilize: how current the books are, taxes, debts and cash.",
    "Section.SYSTEMIC": (
        "Systemic: how comfortable the owner and team are with the numbers, and how they use them."
    ),
    "Severity": "How much attention an audit-trail event deserves.",
    "Severity.CRITICAL": "Needs attention at once.",
    "Severity.ERROR": "A failure worth looking into.",
    "Severity.INFO": "Routine.",
    "Severity.WARNING": (
        "Worth an administrator's look, such as a login refused on a locked account, a reused "
        "refresh token, or a deactivated or erased account."
    ),
    "ShareReportInput": "A public link for a client report.",
    "ShareReportInput.expiresInDays": (
        "How many days the link works, 1-90; 14 when null or left out."
    ),
    "ShareReportInput.reportId": "The client report (a Report id).",
    "UpdateAssessmentInput": "Client details to change; a field null or left out keeps its value.",
    "UpdateAssessmentInput.clientBusinessName": (
        "The client's business name: 1-200 characters once trimmed, no control characters."
    ),
    "UpdateAssessmentInput.clientEmail": (
        "The client's email address, at most 254 characters; kept trimmed and lower-cased."
    ),
    "UpdateAssessmentInput.clientName": (
        "The client's name: 1-100 characters once trimmed, no control characters."
    ),
    "UpdateAssessmentInput.confidenceAfter": (
        "The client's rating of their confidence after the session, a whole number from 1 to 10."
    ),
    "UpdateAssessmentInput.confidenceBefore": (
        "The client's rating of their confidence before the session, a whole number from 1 to 10."
    ),
    "UpdateAssessmentInput.id": "The assessment (an Assessment id).",
    "UpdateUserInput": "Account changes; a field null or left out keeps its value.",
    "UpdateUserInput.firstName": (
        "The first name: 1-100 characters once trimmed, no control characters."
    ),
    "UpdateUserInput.id": "The account (a User id).",
    "UpdateUserInput.isActive": (
        "False deactivates the account: it can no longer sign in, and its sessions and tokens stop "
        "working at once. True reactivates it."
    ),
    "UpdateUserInput.lastName": (
        "The last name: 1-100 characters once trimmed, no control characters."
    ),
    "UpdateUserInput.role": "The new role.",
    "User": (
        "An account: a consultant or an administrator. A consultant sees only their own account; "
        "admins see every one."
    ),
    "User.assessments": (
        "The account's assessments, newest first unless orderBy says otherwise; deleted ones "
        "are left out, and archived ones unless archived asks for them. Only for the account "
        "itself and admins (NOT_FOUND otherwise)."
    ),
    "User.assessments(after:)": (
        "The endCursor of the previous page, to get the assessments after it; a cursor the service "
        "did not hand out is BAD_USER_INPUT."
    ),
    "User.assessments(first:)": (
        "How many assessments to return, 1-100 (BAD_USER_INPUT otherwise); 20 when null or left "
        "out."
    ),
    "User.assessments(search:)": (
        "Only assessments whose client name, business name or client email contains this text, "
        "ignoring letter case; blank text filters nothing."
    ),
    "User.assessments(status:)": "Only assessments in this status.",
    "User.createdAt": "When the account was created.",
    "User.email": "The email address, lower-cased: the account's sign-in name.",
    "User.firstName": "The first name.",
    "User.id": "The account's opaque global id.",
    "User.isActive": "Whether the account may sign in; false once an admin has deactivated it.",
    "User.lastLoginAt": (
        "When the account last signed in with a password (login or register; refreshing a token "
        "does not count); null if never."
    ),
    "User.lastName": "The last name.",
    "User.role": "What the account may do.",
    "UserConnection": "A page of accounts, newest first.",
    "UserConnection.edges": "The accounts of this page, each with its cursor.",
    "UserConnection.pageInfo": (
        "Where this page is in the list, and the cursor to ask for the next one."
    ),
    "UserConnection.totalCount": (
        "How many accounts match the filters, over all pages (counted only when selected)."
    ),
    "UserEdge": "One account of a page, with its cursor.",
    "UserEdge.cursor": "Pass it as `after` to get the accounts that follow this one.",
    "UserEdge.node": "The account.",
    "UserError": (
        "An expected failure of a mutation, in its payload's userErrors; never a top-level error."
    ),
    "UserError.code": (
        "What kind of failure, for programs: VALIDATION, NOT_FOUND, EMAIL_TAKEN, "
        "INVALID_CREDENTIALS, ACCOUNT_LOCKED, INVALID_TOKEN, INCOMPLETE, ALREADY_COMPLETED, "
        "NOT_COMPLETED, NOT_SHAREABLE, ARCHIVED or CONFLICT."
    ),
    "UserError.field": (
        'The path of the input at fault, e.g. ["clientEmail"] or ["responses", "3", '
        '"value"]; null when the failure is not about one input.'
    ),
    "UserError.message": "What went wrong, as a sentence to show the user.",
    "UserPayload": "The outcome of a mutation on one account.",
    "UserPayload.user": "The account as it is now; null when the mutation failed.",
    "UserPayload.userErrors": "Why the mutation failed; empty when it succeeded.",
    # Booking links
    "SchedulerLink": (
        "A page where the consultant's clients book a meeting (any scheduler: Calendly, Cal.com, "
        "...). The client report offers up to 3 active ones recommended for the client's primary "
        "phase, in display order, or else the first 2 active ones. Seen by its consultant and "
        "admins."
    ),
    "SchedulerLink.id": "The link's global id, for node(id:) and the link mutations.",
    "SchedulerLink.meetingTypeLabel": (
        "What the meeting is, as the client report shows it (1-100 characters)."
    ),
    "SchedulerLink.schedulerUrl": (
        "The booking page: an https URL with a host, at most 2,048 characters."
    ),
    "SchedulerLink.durationMinutes": "How long the meeting lasts, 5-480 minutes; null if unsaid.",
    "SchedulerLink.recommendedForPhases": (
        "The phases the meeting suits, in the phases' order; empty when it suits none in "
        "particular."
    ),
    "SchedulerLink.isActive": (
        "Whether it is offered: inactive links are kept but never shown to clients."
    ),
    "SchedulerLink.displayOrder": (
        "Its place in the consultant's list, from 1; lists and the report follow it."
    ),
    "SchedulerLinkPayload": "The outcome of creating or changing a booking link.",
    "SchedulerLinkPayload.link": "The link as saved; null when the mutation failed.",
    "SchedulerLinkPayload.userErrors": "Why the mutation failed; empty when it succeeded.",
    "CreateSchedulerLinkInput": "A new booking link of the viewer's; it goes last in their list.",
    "CreateSchedulerLinkInput.meetingTypeLabel": (
        "What the meeting is, 1-100 characters (trimmed)."
    ),
    "CreateSchedulerLinkInput.schedulerUrl": (
        "The booking page: https only, with a host and no user name or password, at most 2,048 "
        "characters, no spaces or control characters (surrounding whitespace is trimmed)."
    ),
    "CreateSchedulerLinkInput.durationMinutes": "How long the meeting lasts, 5-480 minutes.",
    "CreateSchedulerLinkInput.recommendedForPhases": (
        "The phases it suits, each at most once (default: none)."
    ),
    "CreateSchedulerLinkInput.isActive": (
        "Whether it is offered at once (default true); a consultant has at most 20 active links."
    ),
    "UpdateSchedulerLinkInput": (
        "Changes to one of the viewer's booking links: a field left out or null stays as it is, "
        "except durationMinutes, which null clears."
    ),
    "UpdateSchedulerLinkInput.id": "The link (a SchedulerLink id).",
    "UpdateSchedulerLinkInput.meetingTypeLabel": "A new label, 1-100 characters (trimmed).",
    "UpdateSchedulerLinkInput.schedulerUrl": (
        "A new booking page, under the same rules as when creating a link."
    ),
    "UpdateSchedulerLinkInput.durationMinutes": "5-480 minutes; null clears it.",
    "UpdateSchedulerLinkInput.recommendedForPhases": "The phases it suits, each at most once.",
    "UpdateSchedulerLinkInput.isActive": (
        "Offer it or stop offering it; re-activating a 21st active link is refused."
    ),
    "Mutation.createSchedulerLink": (
        "Adds a booking link for the viewer, last in their list. Recorded in the audit trail."
    ),
    "Mutation.createSchedulerLink(input:)": "The link to add.",
    "Mutation.updateSchedulerLink": (
        "Changes one of the viewer's booking links; another consultant's is NOT_FOUND, like a "
        "missing one. Recorded in the audit trail with the old and new values."
    ),
    "Mutation.updateSchedulerLink(input:)": "The link and the changes.",
    "Mutation.deleteSchedulerLink": (
        "Deletes one of the viewer's booking links: it is never shown again, and looks unknown "
        "from then on. Recorded in the audit trail."
    ),
    "Mutation.deleteSchedulerLink(id:)": "The link (a SchedulerLink id).",
    "Mutation.reorderSchedulerLinks": (
        "Puts the viewer's booking links in a new order, numbered 1, 2, 3... A list that leaves "
        "one out, repeats one or names one that is not theirs is refused with a VALIDATION error "
        "at ids. Recorded in the audit trail."
    ),
    "Mutation.reorderSchedulerLinks(ids:)": (
        "Every one of the viewer's live links (active and inactive), in the new order."
    ),
    "User.schedulerLinks": (
        "The user's booking links in display order. Seen by the user and admins."
    ),
    "User.schedulerLinks(includeInactive:)": (
        "Also list the links not offered to clients (default false)."
    ),
    # The consultant's checklist
    "AddChecklistItemInput": (
        "A new item for an assessment's checklist, placed last. Items may be added before "
        "completion too; the plan made at completion goes after them."
    ),
    "AddChecklistItemInput.assessmentId": "The assessment (an Assessment id).",
    "AddChecklistItemInput.itemText": "The action: 1-500 characters once trimmed.",
    "AddChecklistItemInput.phaseCategory": "The phase it belongs to; none when left out.",
    "AddChecklistItemInput.priority": "How soon it should be done; none when left out.",
    "AddChecklistItemInput.dueDate": (
        "The day it is due, no earlier than the day (UTC) the assessment was created; none "
        "when left out."
    ),
    "UpdateChecklistItemInput": (
        "Changes to one checklist item: a field left out stays as it is; null clears "
        "phaseCategory, priority or dueDate (itemText cannot be cleared)."
    ),
    "UpdateChecklistItemInput.id": "The item (a ChecklistItem id).",
    "UpdateChecklistItemInput.itemText": "New words for the action, 1-500 characters once trimmed.",
    "UpdateChecklistItemInput.phaseCategory": "A new phase; null clears it.",
    "UpdateChecklistItemInput.priority": "A new priority; null clears it.",
    "UpdateChecklistItemInput.dueDate": (
        "A new due date, no earlier than the day (UTC) the assessment was created; null clears it."
    ),
    "SetChecklistItemCompletedInput": "Whether one checklist item is done.",
    "SetChecklistItemCompletedInput.id": "The item (a ChecklistItem id).",
    "SetChecklistItemCompletedInput.completed": (
        "true marks it done by the consultant now; false marks it not done and clears who and "
        "when. An item already so stays as it is."
    ),
    "ReorderChecklistInput": "A new order for an assessment's checklist.",
    "ReorderChecklistInput.assessmentId": "The assessment (an Assessment id).",
    "ReorderChecklistInput.itemIds": (
        "Every live item of the assessment's checklist, each once, in the new order."
    ),
    "ChecklistItemPayload": "The outcome of a change to one checklist item.",
    "ChecklistItemPayload.item": "The item as it is now; null when the change failed.",
    "ChecklistItemPayload.userErrors": (
        "Why the change failed (VALIDATION at the input's field, NOT_FOUND, ARCHIVED); empty "
        "when it succeeded."
    ),
    "ChecklistPayload": "The outcome of a change to a whole checklist.",
    "ChecklistPayload.items": (
        "The assessment's live items in their new order; empty when the change failed."
    ),
    "ChecklistPayload.userErrors": (
        "Why the change failed (VALIDATION at itemIds naming what is missing, not one of the "
        "checklist's items or repeated; NOT_FOUND; ARCHIVED); empty when it succeeded."
    ),
    "Mutation.addChecklistItem": (
        "Adds an item at the end of an assessment's checklist. Recorded in the audit trail."
    ),
    "Mutation.addChecklistItem(input:)": "The assessment and the item.",
    "Mutation.updateChecklistItem": (
        "Changes a checklist item's text, phase, priority or due date. Recorded in the audit "
        "trail with the old and new values."
    ),
    "Mutation.updateChecklistItem(input:)": "The item and the changes.",
    "Mutation.deleteChecklistItem": (
        "Deletes a checklist item: it is never shown or counted again, and looks unknown from "
        "then on; the others keep their places. Recorded in the audit trail."
    ),
    "Mutation.deleteChecklistItem(id:)": "The item (a ChecklistItem id).",
    "Mutation.setChecklistItemCompleted": (
        "Marks a checklist item done (completedBy CONSULTANT, completedAt now) or not done. "
        "Recorded in the audit trail."
    ),
    "Mutation.setChecklistItemCompleted(input:)": "The item and whether it is done.",
    "Mutation.reorderChecklist": (
        "Puts an assessment's checklist in a new order, numbered 1, 2, 3... Recorded in the "
        "audit trail."
    ),
    "Mutation.reorderChecklist(input:)": "The assessment and its items in the new order.",
    # Account self-service
    "UpdateMeInput": "The signed-in user's own names; a name left out (or null) stays as it is.",
    "UpdateMeInput.firstName": "1-100 characters, trimmed; no control characters.",
    "UpdateMeInput.lastName": "1-100 characters, trimmed; no control characters.",
    "ChangePasswordInput": "The signed-in user's password, and the one to replace it.",
    "ChangePasswordInput.currentPassword": "The password the account has now.",
    "ChangePasswordInput.newPassword": (
        "12-128 characters with an upper-case and a lower-case letter, a digit and a symbol."
    ),
    "Mutation.updateMe": (
        "Changes the signed-in user's own names, checked as registration checks them; recorded "
        "in the audit trail with the old and new values."
    ),
    "Mutation.updateMe(input:)": "The names to change.",
    "Mutation.changePassword": (
        "Sets a new password for the signed-in user, who gives the current one (a wrong one is "
        "INVALID_CREDENTIALS at currentPassword and counts as a failed login towards the "
        "lockout). Every other login of the user ends at once, its refresh and access tokens "
        "included; this one stays signed in. Rate limited like login; recorded in the audit "
        "trail, never with a password."
    ),
    "Mutation.changePassword(input:)": "The current password and the new one.",
    "User.lockedUntil": (
        "When the lock after too many failed logins ends; null when the account is not locked "
        "now. Administrators only: null for anyone else, the account's owner included."
    ),
    "User.failedLoginAttempts": (
        "Wrong passwords given since the last successful login, password change or unlock (five "
        "within 15 minutes lock the account for 15 minutes). Administrators only: null for "
        "anyone else, the account's owner included."
    ),
    # The dashboard: ordered, filtered lists, figures, archiving
    "AssessmentOrder": "An order of assessments: a field and a direction.",
    "AssessmentOrder.direction": "Which way; newest or Z first by default.",
    "AssessmentOrder.field": "What to sort by.",
    "AssessmentOrderField": (
        "What a list of assessments is sorted by. Ties are broken by the assessment's id, in "
        "the same direction, so every assessment has one place."
    ),
    "AssessmentOrderField.BUSINESS_NAME": (
        "The client's business name, case-insensitively, as CLIENT_NAME."
    ),
    "AssessmentOrderField.CLIENT_NAME": (
        "The client's name, case-insensitively: by the lower-cased name, character by "
        "character in Unicode code-point order."
    ),
    "AssessmentOrderField.COMPLETED_AT": (
        "When the assessment was completed. Those not completed yet come last in either "
        "direction, among themselves by id."
    ),
    "AssessmentOrderField.CREATED_AT": "When the assessment was created.",
    "AssessmentOrderField.UPDATED_AT": (
        "When the assessment last changed (saving an answer changes it)."
    ),
    "AssessmentStats": (
        "A practice in figures, over its assessments that are not deleted (archived ones "
        "included). Every list holds every value, in the enum's order, with 0 where there are"
        " none."
    ),
    "AssessmentStats.averageCompletionMinutes": (
        "The average time from the first saved answer (startedAt) to completion (completedAt)"
        " over the completed assessments, in minutes, two decimals; null when none is "
        "completed."
    ),
    "AssessmentStats.byDiscType": "Completed assessments by their primary communication style.",
    "AssessmentStats.byPrimaryPhase": "Completed assessments by the primary phase of their result.",
    "AssessmentStats.byStatus": "Assessments by status.",
    "AssessmentStats.completedLast30Days": (
        "Assessments completed in the last 30 days (30 times 24 hours up to now)."
    ),
    "AssessmentStats.total": "Assessments, whatever their status.",
    "DiscTypeCount": "How many completed assessments found this communication style.",
    "DiscTypeCount.count": "How many.",
    "DiscTypeCount.type": "The primary communication style.",
    "Mutation.unarchiveAssessment": (
        "Brings an archived assessment back into the lists and lets it change again; "
        "unarchiving one that is not archived changes nothing."
    ),
    "Mutation.unarchiveAssessment(id:)": "The assessment (an Assessment id).",
    "OrderDirection": "Which way a list is sorted.",
    "OrderDirection.ASC": "Smallest first: earliest, or A to Z.",
    "OrderDirection.DESC": "Largest first: latest, or Z to A.",
    "PhaseCount": "How many completed assessments have this primary phase.",
    "PhaseCount.count": "How many.",
    "PhaseCount.phase": "The primary phase.",
    "Query.assessmentStats": (
        "The viewer's own figures; for administrators, one user's (consultantId) or "
        "everyone's (null)."
    ),
    "Query.assessmentStats(consultantId:)": (
        "Whose assessments: a user's id. Administrators may name anyone, or leave it null for"
        " everyone's; others get their own, and NOT_FOUND for anyone else's id."
    ),
    "Query.assessments(archived:)": (
        "false (the default): only assessments that are not archived; true: only archived "
        "ones; null: both."
    ),
    "Query.assessments(createdAfter:)": (
        "Only assessments created at this time or later (inclusive). A time with its offset, "
        "such as 2026-01-01T00:00:00Z."
    ),
    "Query.assessments(createdBefore:)": (
        "Only assessments created before this time (exclusive): with createdAfter, the half-"
        "open range [createdAfter, createdBefore). A time with its offset; not earlier than "
        "createdAfter."
    ),
    "Query.assessments(orderBy:)": (
        "The order of the list, newest first by default (null means the default). A cursor "
        "belongs to the order it was read in: `after` with a cursor of another order is "
        "BAD_USER_INPUT."
    ),
    "Query.assessments(phase:)": (
        "Only assessments whose result has this primary phase (so only completed ones)."
    ),
    "StatusCount": "How many assessments are in one status.",
    "StatusCount.count": "How many.",
    "StatusCount.status": "The status.",
    "User.assessments(archived:)": (
        "false (the default): only assessments that are not archived; true: only archived "
        "ones; null: both."
    ),
    "User.assessments(createdAfter:)": (
        "Only assessments created at this time or later (inclusive). A time with its offset, "
        "such as 2026-01-01T00:00:00Z."
    ),
    "User.assessments(createdBefore:)": (
        "Only assessments created before this time (exclusive): with createdAfter, the half-"
        "open range [createdAfter, createdBefore). A time with its offset; not earlier than "
        "createdAfter."
    ),
    "User.assessments(orderBy:)": (
        "The order of the list, newest first by default (null means the default). A cursor "
        "belongs to the order it was read in: `after` with a cursor of another order is "
        "BAD_USER_INPUT."
    ),
    "User.assessments(phase:)": (
        "Only assessments whose result has this primary phase (so only completed ones)."
    ),
    # Branding
    "ConsultantSettings": (
        "A consultant's branding and email settings: the user's own, or any user's for "
        "administrators. Every field is null until set; unset, reports use the default "
        "Financial RISE brand."
    ),
    "ConsultantSettings.brandColor": (
        'The brand colour, "#RRGGBB" in capitals; null means the default brand. Reports '
        "darken a pale colour where text needs it, so they stay readable."
    ),
    "ConsultantSettings.companyName": (
        "The firm's name on reports (1-200 characters); null: Financial RISE."
    ),
    "ConsultantSettings.emailSignature": (
        "Text closing the consultant's emails (at most 2,000 characters)."
    ),
    "ConsultantSettings.logoUrl": (
        "Path on this server of the stored, re-encoded logo (PNG or JPEG, at most 800 px "
        "wide), such as /logos/<random>.png; public, and a new path for every upload. Null "
        "when there is none."
    ),
    "ConsultantSettings.updatedAt": "When the settings last changed; null when they never were.",
    "Mutation.previewClientReport": (
        "Renders a client report of a made-up client in the viewer's current branding and "
        "booking links, and links to it. No assessment or report is made. Rate limited "
        "together with generateReports."
    ),
    "Mutation.removeLogo": "Removes the viewer's logo. Recorded in the audit trail.",
    "Mutation.updateSettings": (
        "Changes the viewer's company name, brand colour or email signature. Recorded in the "
        "audit trail with the old and new values."
    ),
    "Mutation.updateSettings(input:)": "The settings to change.",
    "Mutation.uploadLogo": (
        "Makes the file the viewer's logo, replacing the previous one: a PNG or JPEG (by its "
        "content) of at most 2 MiB and at least 200 × 75 pixels, at most 16 megapixels. It is"
        " decoded and encoded again without metadata, at most 800 pixels wide. Send it with "
        "the GraphQL multipart request spec. Recorded in the audit trail."
    ),
    "Mutation.uploadLogo(file:)": "The image, as a file part of the multipart request.",
    "ReportPreviewPayload": "A link to the sample client report just rendered.",
    "ReportPreviewPayload.downloadUrl": (
        "The sample PDF's path, signed for the viewer for five minutes."
    ),
    "ReportPreviewPayload.userErrors": "Why the mutation failed; empty when it succeeded.",
    "SettingsPayload": "The settings after a change, or why it was refused.",
    "SettingsPayload.settings": "The settings as saved; null when the mutation failed.",
    "SettingsPayload.userErrors": "Why the mutation failed; empty when it succeeded.",
    "UpdateSettingsInput": (
        "The settings to change: a field left out stays as it is, a null clears it."
    ),
    "UpdateSettingsInput.brandColor": (
        '"#RRGGBB" in hexadecimal digits (either case); null: the default brand.'
    ),
    "UpdateSettingsInput.companyName": "1-200 characters; null clears it.",
    "UpdateSettingsInput.emailSignature": (
        "At most 2,000 characters, line breaks allowed; blank or null clears it."
    ),
    "Upload": (
        "A file sent with the GraphQL multipart request spec: a multipart/form-data POST with"
        " an `operations` field (the operation, this variable null), a `map` field naming the"
        " variable each file part fills, and the file parts. Input only."
    ),
    "User.settings": (
        "The user's branding and email settings: for that user and for admins (NOT_FOUND for "
        "anyone else); empty, never null, before any are saved."
    ),
    # Email templates
    "ConsultantSettings.emailTemplates": (
        "The consultant's email templates, one for each kind of email (REPORT_READY, "
        "PASSWORD_RESET, ASSESSMENT_INVITATION, in this order): their own where they saved "
        "one, the built-in wording otherwise."
    ),
    "EmailTemplate": (
        "The wording of one kind of email: plain text in which {{name}} stands for a value "
        "filled in when the email is written (spaces inside the braces allowed). Nothing else "
        "in it has a meaning; a lone { or } is ordinary text."
    ),
    "EmailTemplate.body": (
        "The body, 1-20,000 characters of plain text with {{variables}} and line breaks."
    ),
    "EmailTemplate.isDefault": (
        "True while the consultant has not saved their own: the built-in wording is used."
    ),
    "EmailTemplate.kind": (
        "Which email: REPORT_READY (a client's report), PASSWORD_RESET or ASSESSMENT_INVITATION."
    ),
    "EmailTemplate.subject": "The subject line, 1-200 characters on one line, with {{variables}}.",
    "EmailTemplate.variables": (
        "The variables this kind of email offers, such as client_name or report_link: the "
        "only names its subject and body may use. A variable without a value is left empty."
    ),
    "EmailTemplateInput": "The consultant's own wording of one kind of email.",
    "EmailTemplateInput.body": (
        "1-20,000 characters once trimmed, line breaks allowed; only the kind's variables, "
        "each written {{name}}."
    ),
    "EmailTemplateInput.kind": (
        "Which email: REPORT_READY, PASSWORD_RESET or ASSESSMENT_INVITATION (VALIDATION otherwise)."
    ),
    "EmailTemplateInput.subject": (
        "1-200 characters on one line once trimmed; only the kind's variables, each written "
        "{{name}}."
    ),
    "Mutation.resetEmailTemplate": (
        "Removes the viewer's own template of this kind: the built-in wording is used again. "
        "Without one of their own nothing changes. Recorded in the audit trail."
    ),
    "Mutation.resetEmailTemplate(kind:)": (
        "Which email: REPORT_READY, PASSWORD_RESET or ASSESSMENT_INVITATION (VALIDATION otherwise)."
    ),
    "Mutation.saveEmailTemplate": (
        "Saves the viewer's own wording of a kind of email, replacing any before. A variable "
        "the kind does not offer, a {{ or }} without its partner, or a subject or body too "
        "long or empty is a VALIDATION user error naming subject or body. Recorded in the "
        "audit trail with the old and new subject and body."
    ),
    "Mutation.saveEmailTemplate(input:)": "The kind of email and its subject and body.",
    # Email messages
    "Assessment.emails": (
        "The emails sent about this assessment (the client's report, invitations), oldest "
        "first, each with how its delivery went."
    ),
    "EmailMessage": (
        "An email the service sends: queued in the same transaction as what caused it, then "
        "delivered by a background worker, which tries up to 3 times with growing pauses "
        "when the mail server cannot take it now."
    ),
    "EmailMessage.attempts": "How many deliveries were tried so far.",
    "EmailMessage.createdAt": "When it was queued.",
    "EmailMessage.id": "The message's global id.",
    "EmailMessage.kind": (
        "What it is: REPORT_READY (a client's report), ASSESSMENT_INVITATION, PASSWORD_RESET "
        "or PASSWORD_CHANGED (the confirmation of a reset)."
    ),
    "EmailMessage.lastError": (
        "What the mail server (or the service) answered to the last failed try; null when "
        "none failed, and again once it was sent."
    ),
    "EmailMessage.sentAt": "When the mail server took it; null until then.",
    "EmailMessage.status": "Where its delivery stands.",
    "EmailMessage.subject": "The subject line, as written with its values.",
    "EmailMessage.to": "The recipient's address.",
    "EmailPayload": "The result of sending an email: the queued message, or why nothing was sent.",
    "EmailPayload.message": "The queued message; null when there are user errors.",
    "EmailPayload.userErrors": "Why nothing was sent; empty on success.",
    "EmailStatus": "Where a message's delivery stands.",
    "EmailStatus.FAILED": (
        "Not delivered, for good: the server refused it (a rejected recipient, refused "
        "credentials), or 3 tries failed, or mail is off. lastError says why."
    ),
    "EmailStatus.QUEUED": "Waiting for a worker, or for its next try after a failed one.",
    "EmailStatus.SENT": "Taken by the mail server for delivery.",
    "Mutation.sendReportToClient": (
        "Emails a client report to its client: a link to it (the report's live link when that "
        "lasts to within a day of expiresInDays, otherwise a new link, which replaces the old "
        "one), written from the consultant's REPORT_READY template with their signature, "
        "replies going to the consultant. Queued, then delivered in the background: the "
        "message's status tells how it went. NOT_FOUND for a report the viewer may not see, "
        "NOT_SHAREABLE for a consultant report, ARCHIVED while the assessment is archived, "
        "VALIDATION for a bad address, wording or duration. Recorded in the audit trail. "
        "Rate-limited with sendAssessmentInvitation: 30 an hour per account, 60 per client "
        "address."
    ),
    "Mutation.sendReportToClient(input:)": "The report, and what to change of the default email.",
    "Mutation.sendAssessmentInvitation": (
        "Emails the assessment's client (or `to`) an invitation to the assessment, written "
        "from the consultant's ASSESSMENT_INVITATION template with their first active "
        "booking link and signature, replies going to the consultant. Queued, then "
        "delivered in the background. NOT_FOUND for an assessment the viewer may not see, "
        "ARCHIVED while it is archived, VALIDATION for a bad address or wording. Recorded "
        "in the audit trail. Rate-limited with sendReportToClient."
    ),
    "Mutation.sendAssessmentInvitation(input:)": (
        "The assessment, and what to change of the default email."
    ),
    "SendInvitationInput": (
        "Which assessment's client to invite, and how the email differs from the default."
    ),
    "SendInvitationInput.assessmentId": "The assessment (an Assessment id).",
    "SendInvitationInput.body": (
        "This email's body instead of the template's, with the same variables and rules "
        "(1-20,000 characters); null: the template's."
    ),
    "SendInvitationInput.subject": (
        "This email's subject instead of the template's, with the same variables and rules "
        "(1-200 characters on one line); null: the template's."
    ),
    "SendInvitationInput.to": "The recipient; null: the assessment's client email.",
    "SendReportInput": "Which client report to send, and how the email differs from the default.",
    "SendReportInput.body": (
        "This email's body instead of the template's, with the same variables and rules "
        "(1-20,000 characters); null: the template's."
    ),
    "SendReportInput.expiresInDays": "How long the link the email carries works: 1-90 days.",
    "SendReportInput.reportId": "The client report (a Report id).",
    "SendReportInput.subject": (
        "This email's subject instead of the template's, with the same variables and rules "
        "(1-200 characters on one line); null: the template's."
    ),
    "SendReportInput.to": "The recipient; null: the assessment's client email.",
    # Sections of the questionnaire
    "Assessment.sections": (
        "The questions the client is asked given the answers so far (as `questions`: follow-ups "
        "shown or hidden by their parent's answer), grouped by section in the order they are "
        "asked; a section with no visible question is left out."
    ),
    "MarkSectionNotApplicableInput": "The section of an assessment to mark not applicable.",
    "MarkSectionNotApplicableInput.assessmentId": (
        "The assessment (an Assessment id), not yet completed."
    ),
    "MarkSectionNotApplicableInput.section": "The section whose questions are marked N/A.",
    "Mutation.markSectionNotApplicable": (
        "Answers N/A to every question of the section that the assessment shows (as in "
        "`Assessment.sections`) and that allows it, through the autosave path: answers already "
        "given there are replaced (the audit trail keeps them), consultant notes stay, and a "
        "question already N/A is left as it is. Each shown question that cannot be N/A comes "
        'back as a VALIDATION user error at ["section", "<index>"], its position among the '
        "section's questions in `Assessment.sections` before the call. Progress and the status "
        "follow as for saveResponses; a completed assessment refuses it (ALREADY_COMPLETED), an "
        "archived one too (ARCHIVED)."
    ),
    "Mutation.markSectionNotApplicable(input:)": "The assessment and the section.",
    "Query.sections": (
        "The whole question bank grouped by section, in the order questions are asked, with "
        "each section's title and introduction; the scoring weights are shown to admins only."
    ),
    "QuestionSection": (
        "A part of the questionnaire as a client sees it: its heading, its introduction and its "
        "questions."
    ),
    "QuestionSection.description": (
        "A sentence or two introducing the section to the business owner."
    ),
    "QuestionSection.questions": "Its questions, in the order they are asked.",
    "QuestionSection.section": "Which section it is.",
    "QuestionSection.title": (
        'The heading shown to the business owner, e.g. "Getting on solid ground".'
    ),
}

Described = GraphQLNamedType | GraphQLField | GraphQLArgument | GraphQLInputField | GraphQLEnumValue


def coordinates(schema: GraphQLSchema) -> Iterator[tuple[str, Described]]:
    """Every element of `schema` that takes a description, with its coordinate: the named
    types (not the introspection types nor the built-in scalars) in name order, each followed
    by its fields and their arguments, its input fields or its enum values."""
    for name, named in sorted(schema.type_map.items()):
        if is_introspection_type(named) or is_specified_scalar_type(named):
            continue
        yield name, named
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                yield f"{name}.{field_name}", field
                for argument_name, argument in field.args.items():
                    yield f"{name}.{field_name}({argument_name}:)", argument
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                yield f"{name}.{field_name}", input_field
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                yield f"{name}.{value_name}", value


def describe(schema: GraphQLSchema, catalogue: Mapping[str, str] = DESCRIPTIONS) -> None:
    """Gives each element of `schema` its description from `catalogue`. An element the
    catalogue does not name is left as it is (the tests list every such coordinate)."""
    for coordinate, element in coordinates(schema):
        text = catalogue.get(coordinate)
        if text is not None:
            element.description = text
