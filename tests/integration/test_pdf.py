"""The two reports rendered to PDF (server/pdf.py) and read back with pypdf: what each shows
and hides, escaping of hostile names, a renderer that fetches nothing, and the consultant's
branding (the logo drawn, the text colours readable whatever the brand). No database."""

from __future__ import annotations

import builtins
import dataclasses
import io
import logging
import os
import re
import socket
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream

from domain.model import Answer, DiscType, Phase
from domain.questionnaire import visible_questions
from domain.reports import Branding, SchedulerLink, client_report, consultant_report
from server import pdf
from server.pdf import (
    REFUSED,
    TEMPLATES,
    TEXT_CONTRAST,
    RenderedPdf,
    contrast,
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

# Latin with its extensions, Vietnamese, Greek, Cyrillic and Chinese, in every place user
# text reaches a report.
CLIENT = "Zoë Łukasiewicz-Nguyễn"
BUSINESS = "Łódź Café 北京 Ltd"
CONSULTANT = ("Nguyễn Thị", "Bích")
COMPANY = "Αθηνά & Юлия 北京 Advisory"
NOTES = "Αθηνά met Юлия in 北京; Nguyễn Thị Bích keeps the books."
ANSWER = "Мы растём: 北京 and Αθηνά next year."
LINK_LABEL = "Buổi tư vấn 北京"
EMBEDDED_FACES = {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "WenQuanYiMicroHei-0"}
MISSING_GLYPH = "No font this document has can draw"


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


@dataclasses.dataclass(frozen=True)
class Run:
    """A piece of text as the PDF draws it, with its font."""

    text: str
    face: str  # the font's name without its subset tag: "NotoSans-Bold"
    embedded: bool


def runs(rendered: RenderedPdf) -> list[Run]:
    found: list[Run] = []

    def visit(text: str, cm: object, tm: object, font: Any, size: object) -> None:
        if not text.strip():
            return
        if font is None:
            found.append(Run(text, "", embedded=False))
            return
        face = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
        descriptor = font.get("/FontDescriptor")
        embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
        found.append(Run(text, face, embedded))

    for page in PdfReader(io.BytesIO(rendered.content)).pages:
        page.extract_text(visitor_text=visit)
    return found


def international_inputs() -> Any:
    sheet = full_sheet()
    sheet["STAB-001"] = dataclasses.replace(sheet["STAB-001"], notes=NOTES)
    sheet["SYS-011"] = Answer("SYS-011", value=ANSWER)
    inputs = report_inputs(
        sheet,
        client_name=CLIENT,
        business_name=BUSINESS,
        branding=Branding(COMPANY),
        links=(SchedulerLink(LINK_LABEL, "https://cal.example.com/bich", 45, (Phase.BUILD,)),),
    )
    first, last = CONSULTANT
    consultant = dataclasses.replace(inputs.consultant, first_name=first, last_name=last)
    return dataclasses.replace(inputs, consultant=consultant)


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


def test_every_script_prints_in_both_reports_in_embedded_fonts(
    caplog: pytest.LogCaptureFixture, no_network: list[str]
) -> None:
    """Each piece of user text comes back out of the PDF exactly as it went in, every
    character drawn in an embedded font that has its glyph: no box, no blank."""
    inputs = international_inputs()
    consultant = " ".join(CONSULTANT)
    expected = {
        "client": [CLIENT, BUSINESS, COMPANY, consultant, LINK_LABEL, "Hello Zoë, thank you"],
        "consultant": [CLIENT, BUSINESS, COMPANY, consultant, NOTES, ANSWER],
    }
    caplog.set_level(logging.WARNING, logger="xhtml2pdf")
    for document in (client_report(inputs), consultant_report(inputs)):
        rendered = render_pdf_sync(document)
        text = flat(" ".join(pages_text(rendered)))
        for name in expected[document.report_type.value]:
            assert name in text, (document.report_type, name)
        drawn = runs(rendered)
        assert {run.face for run in drawn} <= EMBEDDED_FACES
        assert all(run.embedded for run in drawn)
        chinese = [run for run in drawn if "北" in run.text]
        assert chinese
        assert {run.face for run in chinese} == {"WenQuanYiMicroHei-0"}
        latin = [run for run in drawn if "Łukasiewicz" in run.text]
        assert latin
        assert {run.face for run in latin} <= {"NotoSans-Regular", "NotoSans-Bold"}
        title = PdfReader(io.BytesIO(rendered.content)).metadata.title
        assert title is not None
        assert BUSINESS in title
    assert [r.getMessage() for r in caplog.records if MISSING_GLYPH in r.getMessage()] == []
    assert no_network == []


@pytest.mark.parametrize("name", ["Αθηνά", "Юлия", "Nguyễn Thị Bích", "北京", CLIENT])
def test_each_name_comes_back_exactly_from_both_reports(name: str) -> None:
    inputs = report_inputs(full_sheet(), client_name=name, business_name=f"{name} Trading")
    client = flat(" ".join(pages_text(render_pdf_sync(client_report(inputs)))))
    assert f"Prepared for {name} ·" in client
    assert f"Hello {name.split()[0]}, thank you" in client
    assert f"questions about {name} Trading." in client
    consultant = flat(" ".join(pages_text(render_pdf_sync(consultant_report(inputs)))))
    assert f"Client {name} Business {name} Trading" in consultant


def test_accents_typed_as_combining_marks_print_as_one_letter() -> None:
    """ReportLab does not place combining accents, so text is printed composed (NFC)."""
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Bích")
    assert decomposed != "Nguyễn Thị Bích"
    inputs = report_inputs(full_sheet(), client_name=decomposed)
    for document in (client_report(inputs), consultant_report(inputs)):
        text = flat(" ".join(pages_text(render_pdf_sync(document))))
        assert "Nguyễn Thị Bích" in text
        assert not any(unicodedata.combining(char) for char in text)


def test_bold_and_italic_text_is_drawn_in_the_matching_face() -> None:
    sheet = full_sheet()
    sheet["STAB-005"] = Answer("STAB-005", not_applicable=True)
    drawn = runs(render_pdf_sync(consultant_report(report_inputs(sheet))))
    faces = {run.text.strip(): run.face for run in drawn}
    assert faces["Not applicable"] == "NotoSans-Italic"
    assert faces["Executive summary"] == "NotoSans-Bold"
    assert faces["Client"] == "NotoSans-Regular"


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


# -- branding: the logo, the colour, the company name -------------------------------------------


def logo_png(width: int = 1200, height: int = 400) -> bytes:
    """A re-encoded logo as the store holds one: a red disc and a blue bar, transparent."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, height - 1, height - 1), fill=(200, 30, 30, 255))
    draw.rectangle((height + 20, height // 3, width - 1, 2 * height // 3), fill=(20, 60, 160, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def text_colours(content: bytes) -> set[tuple[float, ...]]:
    """The fill colour of every text-showing operator in the PDF, as RGB."""
    reader = PdfReader(io.BytesIO(content))
    found: set[tuple[float, ...]] = set()
    for page in reader.pages:
        fill: tuple[float, ...] = (0.0, 0.0, 0.0)
        saved: list[tuple[float, ...]] = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                saved.append(fill)
            elif operator == b"Q" and saved:
                fill = saved.pop()
            elif operator == b"rg":
                fill = tuple(float(v) for v in operands)
            elif operator == b"g":
                fill = (float(operands[0]),) * 3
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                found.add(fill)
    return found


def as_hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in rgb)


def test_the_client_report_wears_the_logo_colour_and_name(tmp_path: Path) -> None:
    branding = Branding("Northwind Advisory", "#4B006E", logo_key="logos/x.png", logo=logo_png())
    inputs = report_inputs(full_sheet(), links=LINKS, branding=branding)
    rendered = render_pdf_sync(client_report(inputs))
    text = flat(" ".join(pages_text(rendered)))
    assert "Northwind Advisory" in text
    assert "NORTHWIND ADVISORY" in text
    assert "Financial RISE" not in text.replace("Financial Readiness", "")
    reader = PdfReader(io.BytesIO(rendered.content))
    [logo] = reader.pages[0].images
    assert logo.image is not None
    assert logo.image.size == (1200, 400)
    assert all(not page.images for page in reader.pages[1:])
    assert as_hex(max(text_colours(rendered.content), key=sum)) == "#FFFFFF"  # on the purple
    # the consultant report keeps to the name and colour
    consultant = render_pdf_sync(consultant_report(inputs))
    assert not PdfReader(io.BytesIO(consultant.content)).pages[0].images
    assert "Northwind Advisory" in flat(" ".join(pages_text(consultant)))


def test_the_logo_file_lives_only_as_long_as_the_render(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    branding = Branding("Northwind", logo_key="logos/x.png", logo=logo_png())
    render_pdf_sync(client_report(report_inputs(full_sheet(), branding=branding)))
    assert list(tmp_path.iterdir()) == []


def test_a_logo_that_is_no_image_is_left_out() -> None:
    branding = Branding("Northwind", logo_key="logos/x.png", logo=b"<svg/>")
    rendered = render_pdf_sync(client_report(report_inputs(full_sheet(), branding=branding)))
    assert not PdfReader(io.BytesIO(rendered.content)).pages[0].images
    assert "Northwind" in flat(" ".join(pages_text(rendered)))


@pytest.mark.parametrize("brand", ["#FFFFF0", "#FFFF00", "#F5F5F5"])
def test_a_pale_brand_colour_gives_no_pale_text(brand: str) -> None:
    """Every background of a pale brand's report is light: all its text must read on white
    and on the brand colour itself."""
    branding = Branding("Ivory & Co", brand, logo_key="logos/x.png", logo=logo_png())
    inputs = report_inputs(full_sheet(), links=LINKS, branding=branding)
    rendered = render_pdf_sync(client_report(inputs))
    colours = {as_hex(rgb) for rgb in text_colours(rendered.content)}
    assert "#FFFFFF" not in colours
    unreadable = {
        colour
        for colour in colours
        if min(contrast(colour, "#FFFFFF"), contrast(colour, brand)) < TEXT_CONTRAST
    }
    assert unreadable == set()
    assert "Ivory & Co" in flat(" ".join(pages_text(rendered)))


def test_a_dark_brand_colour_gives_white_text_only_on_itself() -> None:
    branding = Branding("Midnight", "#101820")
    rendered = render_pdf_sync(client_report(report_inputs(full_sheet(), branding=branding)))
    colours = {as_hex(rgb) for rgb in text_colours(rendered.content)}
    assert "#FFFFFF" in colours
    assert all(
        contrast(colour, "#FFFFFF") >= TEXT_CONTRAST or contrast(colour, "#101820") >= TEXT_CONTRAST
        for colour in colours
    )
