"""The two reports rendered to PDF (server/pdf.py) and read back with pypdf: what each shows
and hides, escaping of hostile names, and a renderer that fetches nothing. No database."""

from __future__ import annotations

import builtins
import io
import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from domain.model import DiscType, Phase
from domain.questionnaire import visible_questions
from domain.reports import Branding, SchedulerLink, client_report, consultant_report
from server import pdf
from server.pdf import (
    REFUSED,
    TEMPLATES,
    RenderedPdf,
    html_to_pdf,
    link_callback,
    palette,
    render_pdf_sync,
)
from tests.unit.test_reports import (
    BANNED,
    QUESTION_KEY,
    QUESTIONS,
    STORY_BY_STYLE,
    report_inputs,
    story_sheet,
)

HOSTILE_CLIENT = 'Ann <b>Bold</b> & "Co"'
HOSTILE_BUSINESS = '<img src="http://example.com/x.png">'
LINKS = (
    SchedulerLink("Book a follow-up call", "https://cal.example.com/jane", 30, (Phase.BUILD,)),
)


def full_sheet() -> dict[str, Any]:
    """The S-Corporation owner's sheet: every one of the bank's 63 questions visible and
    answered."""
    sheet = story_sheet(STORY_BY_STYLE[DiscType.S])
    assert len(visible_questions(QUESTIONS, sheet)) == len(QUESTIONS) == 63
    assert set(sheet) == {q.key for q in QUESTIONS}
    return sheet


def pages_text(rendered: RenderedPdf) -> list[str]:
    reader = PdfReader(io.BytesIO(rendered.content))
    assert len(reader.pages) == rendered.page_count
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to resolve or connect is recorded and refused."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise AssertionError("the renderer tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_client_pdf_shows_the_plan_and_nothing_confidential() -> None:
    inputs = report_inputs(full_sheet(), links=LINKS, branding=Branding("Doe Advisory"))
    document = client_report(inputs)
    rendered = render_pdf_sync(document)
    pages = pages_text(rendered)
    text = flat(" ".join(pages))
    assert rendered.file_name == document.file_name
    assert rendered.file_size_bytes == len(rendered.content)
    assert rendered.content.startswith(b"%PDF")
    assert 2 <= rendered.page_count <= 6
    assert "Example Bakery LLC" in text
    assert "Your focus now: Build" in text
    for win in document.quick_wins:
        assert flat(win.title) in text
    assert "Doe Advisory" in text
    assert "https://cal.example.com/jane" in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {rendered.page_count}" in page
    assert [p.pattern for p in BANNED if p.search(text)] == []
    assert "Influence" not in text
    assert "CONFIDENTIAL" not in text
    assert QUESTION_KEY.search(text) is None


def test_consultant_pdf_is_confidential_on_every_page_and_holds_the_guide() -> None:
    inputs = report_inputs(full_sheet())
    rendered = render_pdf_sync(consultant_report(inputs))
    pages = pages_text(rendered)
    for number, page in enumerate(pages, start=1):
        assert "CONFIDENTIAL" in page
        assert f"Page {number} of {rendered.page_count}" in page
    text = flat(" ".join(pages))
    assert "Page 1 of " in pages[0]
    assert "Communication guide" in text
    assert "Steadiness" in text
    assert "Step-by-step and reassuring" in text
    assert "Action plan" in text
    assert "All answers" in text
    assert "ORG-007" in text  # the S-Corp follow-up, answered


def test_hostile_names_are_literal_text_and_nothing_is_fetched(no_network: list[str]) -> None:
    inputs = report_inputs(full_sheet(), client_name=HOSTILE_CLIENT, business_name=HOSTILE_BUSINESS)
    for document in (client_report(inputs), consultant_report(inputs)):
        text = flat(" ".join(pages_text(render_pdf_sync(document))))
        assert HOSTILE_CLIENT in text
        assert HOSTILE_BUSINESS in text
    assert no_network == []


def test_hostile_markup_is_refused_without_network_or_file_reads(
    no_network: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Markup that tries every fetch xhtml2pdf knows renders without any of them."""
    asked: list[str] = []
    answered: list[str] = []

    def spy(uri: str, rel: str | None = None, *, extra_dir: Path | None = None) -> str:
        asked.append(uri)
        answered.append(link_callback(uri, rel, extra_dir=extra_dir))
        return answered[-1]

    monkeypatch.setattr(pdf, "link_callback", spy)
    html = """<html><head>
    <link rel="stylesheet" href="https://example.com/x.css">
    <style>@import url(http://example.com/y.css);
    @font-face { font-family: Remote; src: url(http://example.com/z.ttf); }</style>
    </head><body><p>Hello</p>
    <img src="http://169.254.169.254/latest/meta-data/">
    <img src="file:///etc/passwd"><img src="/etc/passwd"><img src="../../../../etc/hostname">
    <img src="ftp://example.com/x.png">
    </body></html>"""
    content = html_to_pdf(html)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Hello" in text
    assert "root:" not in text
    assert no_network == []
    assert asked, "the callback must see the links"
    assert set(answered) == {REFUSED}


@pytest.mark.parametrize(
    "uri",
    [
        "http://example.com/x.png",
        "https://example.com/x.css",
        "HTTP://EXAMPLE.COM/x.png",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "//example.com/x.png",
        "/etc/passwd",
        "../../../../etc/passwd",
        "../pdf.py",
        "fonts/../../pdf.py",
        "",
        "   ",
        "report.css\x00.png",
        "http://[::1",
    ],
)
def test_link_callback_refuses(uri: str) -> None:
    assert link_callback(uri, None) == REFUSED


def test_link_callback_allows_template_files_and_the_extra_directory(tmp_path: Path) -> None:
    assert link_callback("report.css", None) == str(TEMPLATES / "report.css")
    assert link_callback("./images/../report.css", None) == str(TEMPLATES / "report.css")
    storage = tmp_path / "storage"
    logo = storage / "logos" / "firm.png"
    assert link_callback(str(logo), None, extra_dir=storage) == str(logo)
    assert link_callback(str(logo), None) == REFUSED
    outside = storage / ".." / "secrets.txt"
    assert link_callback(str(outside), None, extra_dir=storage) == REFUSED


def test_link_callback_decides_without_touching_files(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("the link callback touched the file system")

    for name in ("stat", "lstat", "open", "listdir", "scandir"):
        monkeypatch.setattr(os, name, no_files)
    monkeypatch.setattr(builtins, "open", no_files)
    for uri in ("http://example.com/x", "file:///etc/passwd", "../../etc/passwd", "report.css"):
        link_callback(uri, None, extra_dir=Path("/srv/storage"))


def test_palette_keeps_text_readable_on_light_and_dark_brands() -> None:
    assert palette("#1F4E79")["brand_ink"] == "#FFFFFF"
    assert palette("#FFD54F")["brand_ink"] != "#FFFFFF"
    assert re.fullmatch(r"#[0-9A-F]{6}", palette("#ABCDEF")["brand_light"])
