"""A password reset as a person does it: the link a development `rise serve` prints, opened
in headless Chromium, the form filled in, the new password signed in with. The token
leaves the address bar, goes into no Referer, no storage and no other log line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Request, expect, sync_playwright

from tests.builders import unique_email
from tests.integration.cli import environment
from tests.integration.test_serve import Server, _create_user
from tests.integration.test_serve_production import _request_reset

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium"),
]

NEW_PASSWORD = "Fresh-Start-2026!"
LOGIN = (
    "mutation($e: String!, $p: String!) "
    "{ login(input: {email: $e, password: $p}) { accessToken userErrors { code } } }"
)


def test_the_page_resets_a_password_in_a_browser(tmp_path: Path, empty_database: str) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_RUN_JOBS="true")
    server = Server(env, "--workers", "1")
    try:
        server.wait_ready()
        email = unique_email()
        assert _create_user(env, email).code == 0
        _request_reset(server, email)
        printed = re.search(r"http://\S+", server.wait_for("/reset-password?token="))
        assert printed is not None
        link = urlsplit(printed.group(0))
        assert link.path == "/reset-password"
        token = link.query.removeprefix("token=")
        page_url = f"{server.base}/reset-password"

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            try:
                page = browser.new_page()
                requests: list[Request] = []
                page.on("request", lambda request: requests.append(request))
                page.goto(f"{page_url}?{link.query}")
                assert page.url == page_url  # the token is out of the address bar
                outcome = page.locator("#outcome")

                page.fill("#password", NEW_PASSWORD)
                page.fill("#confirmation", NEW_PASSWORD + "?")
                page.click("#submit")
                expect(outcome).to_have_text("The two passwords are not the same.")

                page.fill("#password", "Short-1!")
                page.fill("#confirmation", "Short-1!")
                page.click("#submit")
                expect(outcome).to_have_text("Password must be at least 12 characters long.")

                page.fill("#password", NEW_PASSWORD)
                page.fill("#confirmation", NEW_PASSWORD)
                page.click("#submit")
                expect(outcome).to_contain_text("Your password has been changed.")
                expect(page.locator("#reset")).to_be_hidden()
                page.screenshot(path=tmp_path / "reset-password.png")

                kept = page.evaluate(
                    "() => [localStorage.length, sessionStorage.length, document.cookie]"
                )
                sent = [(r.url, r.all_headers()) for r in requests]
            finally:
                browser.close()

        signed_in = httpx.post(
            f"{server.base}/graphql",
            json={"query": LOGIN, "variables": {"e": email, "p": NEW_PASSWORD}},
        ).json()
        assert signed_in["data"]["login"]["accessToken"], signed_in
    finally:
        output = server.stop()

    assert kept == [0, 0, ""]
    assert sorted(url for url, _ in sent) == sorted(
        [
            f"{page_url}?{link.query}",
            f"{server.base}/reset-password.css",
            f"{server.base}/reset-password.js",
            f"{server.base}/graphql",  # the weak password
            f"{server.base}/graphql",  # the new one
        ]
    )
    assert all("referer" not in headers for _, headers in sent), sent
    # Printed once, in the development mail, and nowhere else.
    assert output.count(token) == 1, output
    assert (tmp_path / "reset-password.png").stat().st_size > 0
