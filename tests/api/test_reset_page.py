"""The page password-reset links lead to, as the app serves it: plain HTML whose script and
style sheet are files of the same origin, no referrer, not cached. The browser test is in
tests/integration/test_reset_page_browser.py."""

from __future__ import annotations

import re

from tests.api.conftest import Api

PAGE = "/reset-password?token=not-a-real-token"


async def test_the_page_is_plain_html_with_its_files_beside_it(api: Api) -> None:
    page = await api.client.get(PAGE)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert '<meta name="referrer" content="no-referrer">' in html
    # Nothing inline, so that `script-src 'self'` and `style-src 'self'` allow the page.
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="reset-password.js" defer>']
    assert "<style" not in html
    assert re.search(r"\s(on\w+|style)=", html) is None
    assert '<link rel="stylesheet" href="reset-password.css">' in html
    assert "not-a-real-token" not in html  # the server does nothing with the token

    script = await api.client.get("/reset-password.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    style = await api.client.get("/reset-password.css")
    assert style.status_code == 200
    assert style.headers["content-type"] == "text/css; charset=utf-8"


async def test_the_script_sends_a_document_the_schema_accepts(api: Api) -> None:
    script = (await api.client.get("/reset-password.js")).text
    match = re.search(r"const RESET = `([^`]*)`", script)
    assert match is not None
    document = match.group(1)
    weak = await api(document, {"token": "not-a-real-token", "newPassword": "x"})
    payload = weak["data"]["resetPassword"]
    assert payload["ok"] is False
    # The password is checked first: the policy's message, which the page shows.
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["newPassword"], "VALIDATION")
    assert error["message"].startswith("password must be at least 12 characters long")
    strong = await api(document, {"token": "not-a-real-token", "newPassword": "Ok-Pass-2026!"})
    assert [e["code"] for e in strong["data"]["resetPassword"]["userErrors"]] == ["INVALID_TOKEN"]
