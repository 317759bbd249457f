"""GraphiQL as consultants meet it: the service's own example operations in the editor and
an Authorization header ready for the access token (API.md "HTTP surface").

The page is strawberry's GraphiQL page with five things replaced: the title, the welcome
text (our example operations instead), the initial header editor content, where GraphiQL
keeps headers, and where its scripts and stylesheets come from. A bearer token typed into the
Headers tab must live only as long as the tab, not in localStorage where any script of the
origin reads it: so GraphiQL's own persistence of headers is off (and its setting hidden),
and the storage GraphiQL is given writes its history, favourites and tabs without the headers
of their operations. Strawberry's page loads React and GraphiQL from unpkg.com, each file
pinned by its integrity hash; ours loads the same files from the service
(`server.graphql.explorer_assets`), and only when the vendored file is the one pinned, so
the page works without the internet. If a strawberry release changes the page so that a
replacement no longer applies, or pins a file that is not vendored, building the page fails
loudly rather than serving GraphiQL without them; a test renders it.

`explorer_policy` is the page's Content-Security-Policy: scripts and stylesheets from the
service only ('self'), its one inline script and one inline style by their SHA-256, the
styles GraphiQL's code adds at run time (`RUNTIME_STYLES`), the data: images and fonts of
GraphiQL's stylesheet, and requests to the service itself; nothing else, and no framing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping

from strawberry.http.ides import get_graphql_ide_html

from server.failure import Failure
from server.graphql.explorer_assets import PREFIX, Asset, graphiql_assets
from server.security_headers import SELF, content_security_policy

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

# Variables: {"item": "<checklist item id>"}
mutation TickOff($item: ID!) {
  setChecklistItemCompleted(input: {id: $item, completed: true}) {
    item { itemText isCompleted completedBy completedAt }
    userErrors { field code message }
  }
}

# Variables: {"token": "<the part of a shareUrl after /shared/>"}. No sign-in needed.
query ClientView($token: String!) {
  clientView(token: $token) {
    businessName preparedBy primaryPhase reportUrl expiresAt
    checklist { id itemText dueDate isCompleted completedBy }
    checklistProgress { total completed percentage }
    bookingLinks { meetingTypeLabel schedulerUrl }
  }
}
"""

HEADERS = '{\n  "Authorization": "Bearer <access token>"\n}'

_TITLE = "<title>Strawberry GraphiQL</title>"
_WELCOME_START = "const EXAMPLE_QUERY = `"
_WELCOME_END = "`;\n"
_HEADERS = "React.useState(parameters.headers)"
_PERSIST_HEADERS = "shouldPersistHeaders: true,"
_COMPONENT = "function GraphiQLWithExplorer() {"
# Given to GraphiQL as its storage: localStorage, but what it writes there of its history,
# favourites and tabs loses the operations' headers on the way. (Put in the page before the
# component, at its indentation.)
_STORAGE = """const storageWithoutHeaders = {
        getItem: (key) => localStorage.getItem(key),
        setItem: (key, value) =>
          localStorage.setItem(
            key,
            /:(queries|favorites|tabState)$/.test(key)
              ? JSON.stringify(JSON.parse(value), (name, member) =>
                  name === "headers" ? undefined : member,
                )
              : value,
          ),
        removeItem: (key) => localStorage.removeItem(key),
        clear: () =>
          Object.keys(localStorage)
            .filter((key) => key.startsWith("graphiql:"))
            .forEach((key) => localStorage.removeItem(key)),
        get length() {
          return localStorage.length;
        },
      };

"""

# The inline styles GraphiQL's code adds to the page, by the bundle that adds them:
# react-remove-scroll-bar's while a menu or a dialog is open (always the same text here,
# since the page's body never scrolls). A page with another GraphiQL bundle is not built
# until its styles are found again: open it in a browser, open a menu and each dialog, and
# take the hash of each inline style the console reports blocked.
RUNTIME_STYLES = {
    "graphiql@3.8.3/graphiql.min.js": ("'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='",),
}


# The address strawberry's page loads its files from; each is served by us instead.
CDN = "https://unpkg.com/"


class ExplorerPageChanged(Failure):
    """Strawberry's GraphiQL page no longer has a part this module replaces."""


def explorer_html(assets: Mapping[str, Asset] | None = None) -> str:
    """The page, its files loaded from `assets` (by default the vendored ones)."""
    page = get_graphql_ide_html(graphql_ide="graphiql")
    for marker in (_TITLE, _WELCOME_START, _HEADERS, _PERSIST_HEADERS, _COMPONENT):
        if page.count(marker) != 1:
            raise ExplorerPageChanged(f"GraphiQL page: expected one {marker!r}")
    page = _served_here(page, graphiql_assets() if assets is None else assets)
    page = page.replace(_TITLE, "<title>Financial RISE · GraphiQL</title>")
    start = page.index(_WELCOME_START)
    end = page.index(_WELCOME_END, start + len(_WELCOME_START)) + len(_WELCOME_END)
    # JSON is valid JavaScript here, and escaping "<" keeps "</script>" out of the page.
    examples = json.dumps(EXAMPLES).replace("<", "\\u003c")
    headers = json.dumps(HEADERS).replace("<", "\\u003c")
    page = page[:start] + f"const EXAMPLE_QUERY = {examples};\n" + page[end:]
    page = page.replace(
        _PERSIST_HEADERS, "shouldPersistHeaders: false,\n          storage: storageWithoutHeaders,"
    )
    page = page.replace(_COMPONENT, _STORAGE + "      " + _COMPONENT)
    return page.replace(_HEADERS, f"React.useState(parameters.headers || {headers})")


# A <script> or <link> tag; its quoted attribute values may hold ">" (the icon's SVG does).
_TAG = re.compile(r"<(?:script|link)\b(?:[^>\"]|\"[^\"]*\")*>")
_ADDRESS = re.compile(r"\b(?:src|href)=\"([^\"]*)\"")
_INTEGRITY = re.compile(r"\bintegrity=\"([^\"]*)\"")


def pinned_files(page: str) -> dict[str, str]:
    """The files strawberry's `page` loads from the CDN, by their path there (the package,
    its version and the file: "react@18.2.0/umd/react.production.min.js"), with the
    integrity hash the page pins each to. Anything loaded from elsewhere but data: addresses
    (the icon), or without its hash, is a page this module does not know."""
    pinned = {}
    for tag in _TAG.findall(page):
        address = _ADDRESS.search(tag)
        if address is None or address.group(1).startswith("data:"):
            continue
        url, pin = address.group(1), _INTEGRITY.search(tag)
        if not url.startswith(CDN) or pin is None:
            raise ExplorerPageChanged(f"GraphiQL page: {url} is not a pinned file of {CDN}")
        pinned[url.removeprefix(CDN)] = pin.group(1)
    return pinned


def _served_here(page: str, assets: Mapping[str, Asset]) -> str:
    """`page` loading each of its files from the service, once that file is the one pinned."""
    for path, pin in pinned_files(page).items():
        asset = assets.get(path)
        if asset is None:
            raise ExplorerPageChanged(
                f"GraphiQL page: {CDN}{path} is not vendored (run tools/update_graphiql.py)"
            )
        if asset.integrity != pin:
            raise ExplorerPageChanged(f"GraphiQL page: the vendored {path} is not the one pinned")
        page = page.replace(f'"{CDN}{path}"', f'"{asset.address}"')
    if CDN in page:
        raise ExplorerPageChanged(f"GraphiQL page: {CDN} is still named in it")
    return page


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
_STYLESHEET = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>", re.DOTALL)
_SOURCE = re.compile(r"\b(?:src|href)=\"([^\"]+)\"")


def explorer_policy(page: str) -> str:
    """The Content-Security-Policy that allows what `page` loads and nothing more."""
    scripts, inline_scripts = [], []
    for attributes, body in _SCRIPT.findall(page):
        source = _SOURCE.search(attributes)
        if source:
            scripts.append(source.group(1))
        else:
            inline_scripts.append(body)
    styles = [
        source.group(1) for link in _STYLESHEET.findall(page) if (source := _SOURCE.search(link))
    ]
    inline_styles = _STYLE.findall(page)
    if len(inline_scripts) != 1 or len(inline_styles) != 1:
        raise ExplorerPageChanged("GraphiQL page: expected one inline script and one inline style")
    elsewhere = [address for address in (*scripts, *styles) if not address.startswith(PREFIX)]
    if elsewhere:
        raise ExplorerPageChanged(f"GraphiQL page: loads {elsewhere} from elsewhere")
    files = [script.removeprefix(PREFIX) for script in scripts]
    runtime = [RUNTIME_STYLES.get(file) for file in files if file.startswith("graphiql@")]
    if len(runtime) != 1 or runtime[0] is None:
        raise ExplorerPageChanged(f"GraphiQL page: unknown GraphiQL bundle in {scripts}")
    return content_security_policy(
        {
            "script-src": (SELF, _hash(inline_scripts[0])),
            "style-src": (SELF, _hash(inline_styles[0]), *runtime[0]),
            "img-src": ("data:",),  # the page's icon, the stylesheet's images
            "font-src": ("data:",),  # the stylesheet's fonts
            "connect-src": (SELF,),  # the operations, to /graphql
        }
    )


def _hash(inline: str) -> str:
    digest = hashlib.sha256(inline.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
