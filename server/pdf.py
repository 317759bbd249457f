"""PDF rendering of the two reports: a `domain.reports` document, laid out by the Jinja2
templates in `templates/` and turned into PDF by xhtml2pdf.

Safety: every value reaches the HTML through Jinja2's autoescaping, so a client or business
name is always text, never markup. The renderer may fetch nothing: `link_callback` refuses
every URL with a scheme (http, https, ftp, file, data, ...), every host-relative `//` link and
every path outside the templates directory (and the optional extra directory, where the
consultant's logo is written for the length of a render), deciding on the string alone,
before any file or network access; xhtml2pdf's own resource policy is set to the same
directories with remote fetches off, as a second gate. The only resources the templates load
are the font files in `templates/fonts/` and that logo: the style sheet is included as text
and the charts are tables.

Scripts: the style sheet embeds Noto Sans (Latin with its extensions, Vietnamese, Greek,
Cyrillic; regular, bold and italic) and WenQuanYi Micro Hei (Chinese, Japanese kana, Korean
Hangul) as one font-family list: xhtml2pdf draws each character in the first family that has
a glyph for it, so no markup has to pick a font for a run of text. Every value is printed in
Unicode normal form C (`printable`), since ReportLab places no combining accent: "Nguyễn"
typed with "e" and two combining accents is drawn as the font's one "ễ".

Concurrency: rendering is CPU-bound and synchronous, and xhtml2pdf serialises its own
conversions with a process-wide lock (ReportLab keeps font state in module globals). The
server therefore renders in worker processes, one per core (`server.render_pool.PdfRenderer`),
each calling `render_pdf_sync`.
"""

from __future__ import annotations

import io
import os
import posixpath
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pypdf  # a requirement of xhtml2pdf, which uses it to assemble documents
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from PIL import Image
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from domain.model import ReportType
from domain.phases import Band
from domain.reports import ReportDocument

TEMPLATES = Path(__file__).resolve().parent / "templates"
REFUSED = "data:,"  # an empty inline resource: what a refused link becomes, read from nowhere
_TEMPLATE_FOR = {ReportType.CONSULTANT: "consultant.html", ReportType.CLIENT: "client.html"}

BAND_COLORS = {  # by SCORING §2 band, as the consultant report names them
    Band.EXCELLENT.value: "#2E7D32",
    Band.GOOD.value: "#7CB342",
    Band.FAIR.value: "#F9A825",
    Band.NEEDS_ATTENTION.value: "#EF6C00",
    Band.PRIORITY_FOCUS.value: "#C62828",
}


class RenderError(RuntimeError):
    """xhtml2pdf reported errors while converting a report."""


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    content: bytes
    page_count: int
    file_size_bytes: int
    file_name: str


# -- links ------------------------------------------------------------------------------------


def link_callback(uri: str, rel: str | None = None, *, extra_dir: Path | None = None) -> str:
    """The absolute path of a file inside the templates directory (or `extra_dir`), or
    `REFUSED`. Decided on the string alone: a refused link touches no file and no network.
    `rel` (the document's own location, as xhtml2pdf passes it) is ignored: relative paths
    are read from the templates directory."""
    text = (uri or "").strip()
    if not text or "\x00" in text:
        return REFUSED
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1" and other malformed URLs
        return REFUSED
    if parts.scheme or parts.netloc or text.startswith("//"):
        return REFUSED  # http(s), ftp, file, data, javascript, mailto, //host/...
    roots = [str(TEMPLATES)]
    if extra_dir is not None:
        roots.append(os.path.abspath(extra_dir))
    for root in roots:
        candidate = posixpath.normpath(posixpath.join(root, text))
        if _inside(candidate, root):
            return candidate
    return REFUSED


def _inside(path: str, root: str) -> bool:
    return path != root and os.path.commonpath([path, root]) == root


def _callback(extra_dir: Path | None) -> Callable[[str, str | None], str]:
    def callback(uri: str, rel: str | None = None) -> str:
        return link_callback(uri, rel, extra_dir=extra_dir)

    return callback


def _policy(extra_dir: Path | None) -> ResourceAccessPolicy:
    extra = (Path(extra_dir).resolve(),) if extra_dir is not None else ()
    return ResourceAccessPolicy.server(
        base_dir=TEMPLATES, extra_roots=extra, allow_remote=False, max_render_seconds=30
    )


# -- HTML -------------------------------------------------------------------------------------

_environment: Environment | None = None


def _templates() -> Environment:
    global _environment
    if _environment is None:
        _environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=printable,
        )
    return _environment


def printable(value: object) -> object:
    """What a template prints for `value`: text in normal form C, escaped afterwards as
    usual; markup (a macro's output, already printed) and other values unchanged."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return unicodedata.normalize("NFC", value)
    return value


@dataclass(frozen=True, slots=True)
class PlacedLogo:
    """The consultant's logo as a report shows it: a file the renderer may read, and the
    size it is drawn at, in points."""

    path: str
    width: float
    height: float


LOGO_BOX = (160.0, 56.0)  # points: the most a logo takes, its proportions kept


def render_html(document: ReportDocument, logo: PlacedLogo | None = None) -> str:
    """The report as the HTML xhtml2pdf reads."""
    template = _templates().get_template(_TEMPLATE_FOR[document.report_type])
    return template.render(doc=document, palette=palette(document.branding.brand_color), logo=logo)


@contextmanager
def _logo_file(logo: bytes | None, inside: Path | None) -> Iterator[PlacedLogo | None]:
    """The logo written to a private temporary directory (inside `inside`, when given, so
    that the link gate lets the renderer read it), for as long as the render lasts; None
    when there is no logo or its file is no image (the report is then made without it)."""
    size = _image_size(logo) if logo else None
    if logo is None or size is None:
        yield None
        return
    width, height = size
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    with tempfile.TemporaryDirectory(prefix="rise-logo-", dir=inside) as directory:
        path = Path(directory) / "logo"
        path.write_bytes(logo)
        yield PlacedLogo(str(path), round(width * scale, 1), round(height * scale, 1))


def _image_size(content: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(content), formats=["PNG", "JPEG"]) as image:
            return image.size
    except Exception:  # a stored logo is one the service encoded; anything else is left out
        return None


WHITE, BLACK = "#FFFFFF", "#000000"
INK = "#1F2A33"  # body text
MUTED = "#5F6B76"  # secondary text
TRACK = "#E9EDF1"  # the empty part of a bar
TEXT_CONTRAST = 4.5  # WCAG 2 AA, for text
GRAPHIC_CONTRAST = 3.0  # WCAG 2 AA, for bars and accents


def palette(brand: str) -> dict[str, Any]:
    """The colours a report uses, from the (validated "#RRGGBB") brand colour.

    Whatever the brand colour, every text keeps a WCAG contrast of at least 4.5:1 against
    the background it is printed on: text on the brand colour is white, the body ink or
    black, whichever reads; the brand colour as text is darkened until it reads on the
    palest backgrounds it sits on (white and the brand's light tints alike); text on a tint
    is chosen for that tint. A pale brand colour (#FFFFF0, say) so keeps its own light
    covers and tints, with dark text, and a darkened version of itself for headings, bars
    and rules, which reach 3:1 against white.
    """
    light = _mix(brand, WHITE, 0.88)
    mid = _mix(brand, WHITE, 0.55)
    graphic = readable(brand, on=WHITE, ratio=GRAPHIC_CONTRAST)
    return {
        "brand": brand,  # backgrounds: the cover, the current step, tags
        "brand_ink": ink_on(brand),  # text on the brand colour
        "brand_text": readable(brand, on=light),  # the brand colour as text
        "brand_dark": readable(_mix(brand, BLACK, 0.25), on=light),
        "brand_graphic": graphic,  # the focus's bar, accent rules
        "brand_graphic_soft": _mix(graphic, WHITE, 0.5),  # the other bars
        "brand_mid": mid,
        "brand_mid_ink": ink_on(mid),
        "brand_light": light,
        "brand_light_ink": ink_on(light),
        "brand_pale": _mix(brand, WHITE, 0.94),
        "track": TRACK,
        "muted": readable(MUTED, on=light),
        "ink": INK,
        "alert": "#B3261E",
        "alert_light": "#FBECEA",
        "bands": BAND_COLORS,
    }


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _mix(color: str, other: str, share: float) -> str:
    """`color` moved `share` of the way towards `other`."""
    mixed = (round(a + (b - a) * share) for a, b in zip(_rgb(color), _rgb(other), strict=True))
    return "#" + "".join(f"{channel:02X}" for channel in mixed)


def luminance(color: str) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(color: str) -> str:
    """Text for a `color` background: white, else the body ink, else black, whichever first
    reaches 4.5:1 (one of white and black always does, by at least 4.58:1)."""
    for ink in (WHITE, INK, BLACK):
        if contrast(ink, color) >= TEXT_CONTRAST:
            return ink
    return max((WHITE, BLACK), key=lambda ink: contrast(ink, color))


def readable(color: str, *, on: str, ratio: float = TEXT_CONTRAST) -> str:
    """`color`, darkened step by step towards black until it reaches `ratio` against the
    (light) background `on`: a pale brand colour still colours the headings without
    washing them out."""
    candidate, share = color, 0.0
    while contrast(candidate, on) < ratio and share < 1:
        share = min(1.0, share + 0.05)
        candidate = _mix(color, BLACK, share)
    return candidate


# -- PDF --------------------------------------------------------------------------------------


def render_pdf_sync(document: ReportDocument, *, extra_dir: Path | None = None) -> RenderedPdf:
    """Renders in the calling thread (in the server, a worker process's)."""
    with _logo_file(document.branding.logo, extra_dir) as logo:
        readable_dir = (
            extra_dir if extra_dir is not None or logo is None else Path(logo.path).parent
        )
        content = html_to_pdf(
            render_html(document, logo), extra_dir=readable_dir, name=document.file_name
        )
    return RenderedPdf(
        content=content,
        page_count=len(pypdf.PdfReader(io.BytesIO(content)).pages),
        file_size_bytes=len(content),
        file_name=document.file_name,
    )


def html_to_pdf(html: str, *, extra_dir: Path | None = None, name: str = "document") -> bytes:
    """xhtml2pdf over `html` with the link gate and the resource policy; RenderError when
    the conversion reports errors or cannot lay the document out."""
    output = io.BytesIO()
    try:
        status = pisa.CreatePDF(
            html,
            dest=output,
            link_callback=_callback(extra_dir),
            resource_policy=_policy(extra_dir),
        )
    except Exception as exc:  # ReportLab raises plain ValueErrors on impossible layouts
        raise RenderError(f"could not lay out {name}: {exc}") from exc
    if status.err:
        raise RenderError(f"{status.err} error(s) while rendering {name}")
    return output.getvalue()
