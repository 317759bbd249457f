"""GraphiQL as a developer opens it, with no internet: a development `rise serve`, headless
Chromium that may reach that server and nothing else, the page loaded, the editor showing
our examples, the play button's menu of operations, and `{ serviceVersion }` run with the
Authorization header of the Headers tab. Every file comes from the service, the page's
Content-Security-Policy blocks nothing it needs, and no token lands in localStorage."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Request, Route, expect, sync_playwright
from strawberry.http.ides import get_graphql_ide_html

from server.graphql.explorer import pinned_files
from server.graphql.explorer_assets import PREFIX
from tests.integration.cli import environment
from tests.integration.test_serve import Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]

QUERY = "{ serviceVersion }"
EDITOR = ".graphiql-query-editor .CodeMirror"
# What GraphiQL's own code logs as an error, harmlessly: the page's body never scrolls.
HARMLESS = ("react-remove-scroll-bar: cannot calculate scrollbar size",)


def test_graphiql_works_offline_in_a_browser(tmp_path: Path, empty_database: str) -> None:
    server = Server(environment(tmp_path, DATABASE_URL=empty_database), "--workers", "1")
    try:
        server.wait_ready()
        page_url = f"{server.base}/graphql"
        here = urlsplit(server.base).netloc
        version = httpx.post(page_url, json={"query": QUERY}).json()["data"]["serviceVersion"]
        assets = re.findall(r'(?:src|href)="(/[^"]+)"', httpx.get(page_url).text)

        requests: list[Request] = []
        refused: list[str] = []
        sockets: list[str] = []
        errors: list[str] = []

        def only_the_service(route: Route) -> None:
            if urlsplit(route.request.url).netloc == here:
                route.continue_()
            else:  # the network is off: nothing else answers
                refused.append(route.request.url)
                route.abort("internetdisconnected")

        def console(message: ConsoleMessage) -> None:
            if message.type == "error" and not message.text.startswith(HARMLESS):
                errors.append(message.text)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            try:
                context = browser.new_context()
                context.route("**/*", only_the_service)
                context.on("request", lambda request: requests.append(request))
                page = context.new_page()
                page.on("console", console)
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on("websocket", lambda socket: sockets.append(socket.url))
                page.goto(page_url)  # the page and its files loaded (or refused)
                assert refused == [], f"the page asked another host for {refused}"

                editor = page.locator(EDITOR)
                expect(editor).to_contain_text("mutation SignIn", timeout=30_000)
                expect(page.locator("#graphiql")).not_to_contain_text("Loading...")

                # With nine operations in the editor, the play button asks which one to run.
                run = page.locator(".graphiql-execute-button")
                expect(run).to_have_attribute("aria-haspopup", "menu")
                run.click()
                expect(page.get_by_role("menuitem", name="ShareWithClient")).to_be_visible()
                page.keyboard.press("Escape")
                expect(page.get_by_role("menuitem")).to_have_count(0)

                page.get_by_role("button", name="Headers").click()
                headers_editor = page.locator(".graphiql-editor-tool .CodeMirror").last
                expect(headers_editor).to_contain_text('"Authorization": "Bearer <access token>"')

                page.evaluate(f"document.querySelector({EDITOR!r}).CodeMirror.setValue({QUERY!r})")
                expect(run).not_to_have_attribute("aria-haspopup", "menu")  # one operation now
                with page.expect_request(
                    lambda request: request.method == "POST" and QUERY in (request.post_data or "")
                ) as sent:
                    run.click()
                result = page.locator(".graphiql-response")
                expect(result).to_contain_text(f'"serviceVersion": "{version}"')
                page.screenshot(path=tmp_path / "graphiql.png")
                authorization = sent.value.all_headers().get("authorization")
                kept = page.evaluate("() => JSON.stringify({...localStorage})")
            finally:
                browser.close()
    finally:
        server.stop()

    assert version, "the service names its version"
    assert refused == []
    assert sockets == []
    assert errors == []  # a file refused by the policy or its integrity hash would be here
    hosts = {urlsplit(request.url).netloc for request in requests}
    assert hosts == {here}
    files = [urlsplit(r.url).path for r in requests if r.resource_type in ("script", "stylesheet")]
    assert sorted(files) == sorted(assets)
    # the files strawberry's page pins, each loaded from the service instead
    assert sorted(assets) == sorted(PREFIX + path for path in pinned_files(get_graphql_ide_html()))
    assert authorization == "Bearer <access token>"  # the Headers tab's content, sent
    assert "graphiql:query" in kept, kept  # GraphiQL keeps its state there...
    assert "Bearer" not in kept, kept  # ...but not the token
    assert (tmp_path / "graphiql.png").stat().st_size > 0
