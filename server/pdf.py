"""PDF rendering of the two reports: a `domain.reports` document, laid out by the Jinja2
templates in `templates/` and turned into PDF by xhtml2pdf.

Safety: every value reaches the HTML through Jinja2's autoescaping, so a client or business
name is always text, never markup. The renderer may fetch nothing: `link_callback` refuses
every URL with a scheme (http, https, ftp, file, data, ...), every host-relative `//` link and
every path outside the templates directory (and the optional extra directory), deciding on
the string alone, before any file or network access; xhtml2pdf's own resource policy is set to
the same directories with remote fetches off, as a second gate. The only resources the
templates load are the font files in `templates/fonts/`: the style sheet is included as text
and the charts are tables.

Scripts: the style sheet embeds Noto Sans (Latin with its extensions, Vietnamese, Greek,
Cyrillic; regular, bold and italic) and WenQuanYi Micro Hei (Chinese, Japanese kana, Korean
Hangul) as one font-family list: xhtml2pdf draws each character in the first family that has
a glyph for it, so no markup has to pick a font for a run of text. Every value is printed in
Unicode normal form C (`printable`), since ReportLab places no combining accent: "Nguyễn"
typed with "e" and two combining accents is drawn as the font's one "ễ".

Concurrency: rendering is CPU-bound and synchronous, and xhtml2pdf serialises its own
conversions with a process-wide lock (ReportLab keeps font state in module globals). The
server therefore renders in worker processes, one per core (`server.reports_http.PdfRenderer`),
each calling `render_pdf_sync`.
"""

from __future__ import annotations

import io
import os
import posixpath
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pypdf  # a requirement of xhtml2pdf, which uses it to assemble documents
from jinja2 import Environment, FileSystemLoader, StrictUndefined
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


def render_html(document: ReportDocument) -> str:
    """The report as the HTML xhtml2pdf reads."""
    template = _templates().get_template(_TEMPLATE_FOR[document.report_type])
    return template.render(doc=document, palette=palette(document.branding.brand_color))


def palette(brand: str) -> dict[str, Any]:
    """The colours a report uses, from the (validated "#RRGGBB") brand colour."""
    return {
        "brand": brand,  # backgrounds, bars
        "brand_ink": _ink_on(brand),  # text on the brand colour
        "brand_text": _readable(brand),  # the brand colour as text on white
        "brand_dark": _readable(_mix(brand, "#000000", 0.25)),
        "brand_mid": _mix(brand, "#FFFFFF", 0.55),
        "brand_light": _mix(brand, "#FFFFFF", 0.88),
        "brand_pale": _mix(brand, "#FFFFFF", 0.94),
        "track": "#E9EDF1",
        "muted": "#5F6B76",
        "ink": "#1F2A33",
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


def _luminance(color: str) -> float:
    """WCAG relative luminance."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink_on(color: str) -> str:
    """White or near-black text, whichever reads better on `color`."""
    return "#FFFFFF" if _luminance(color) < 0.4 else "#1F2A33"


def _readable(color: str) -> str:
    """`color`, darkened until it reads on white (contrast 4.5:1, WCAG AA): a pale brand
    colour still colours the headings without washing them out."""
    share = 0.0
    candidate = color
    while _luminance(candidate) > 0.18 and share < 1:
        share += 0.05
        candidate = _mix(color, "#000000", share)
    return candidate


# -- PDF --------------------------------------------------------------------------------------


def render_pdf_sync(document: ReportDocument, *, extra_dir: Path | None = None) -> RenderedPdf:
    """Renders in the calling thread (in the server, a worker process's)."""
    content = html_to_pdf(render_html(document), extra_dir=extra_dir, name=document.file_name)
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
