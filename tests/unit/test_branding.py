"""The branding rules (domain/branding.py) and the report palette's contrast (server/pdf.py):
every brand colour, pale or dark, gives text of at least 4.5:1 on whatever it is printed on."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.branding import (
    LOGO_MAX_BYTES,
    LOGO_MAX_PIXELS,
    ImageFacts,
    check_logo_bytes,
    check_logo_facts,
    clean_brand_color,
    clean_settings,
    logo_path,
    looks_like_svg,
    new_logo_key,
    stored_size,
)
from domain.errors import ValidationError
from domain.reports import DEFAULT_BRAND_COLOR, DEFAULT_COMPANY, Branding
from server.pdf import GRAPHIC_CONTRAST, TEXT_CONTRAST, WHITE, contrast, ink_on, palette

# (text, background) pairs as the templates print them, by palette name ("#FFFFFF" as is).
TEXT_ON = [
    ("brand_ink", "brand"),  # the cover, the current step and stage, tags, quick-win numbers
    ("brand_text", WHITE),  # headings, figures
    ("brand_text", "brand_pale"),  # the focus box, "inside this report"
    ("brand_text", "brand_light"),
    ("brand_dark", WHITE),  # sub-headings, quick-win titles
    ("brand_dark", "brand_light"),  # later stages, booking links, table heads, soft tags
    ("brand_dark", "brand_pale"),
    ("brand_mid_ink", "brand_mid"),  # steps already in place
    ("brand_light_ink", "brand_light"),  # strong steps ahead
    ("ink", WHITE),
    ("ink", "track"),
    ("muted", WHITE),
    ("muted", "brand_pale"),
    ("muted", "brand_light"),  # the details of a booking link
]
COLOR = st.integers(0, 0xFFFFFF).map(lambda value: f"#{value:06X}")


def _color(colors: dict[str, str], name: str) -> str:
    return name if name.startswith("#") else colors[name]


@pytest.mark.parametrize(
    "brand",
    ["#FFFFF0", "#FFFFFF", "#FFFF00", "#F0F8FF", "#808080", "#777777", "#00FF00", "#FF0000",
     "#000000", "#1F4E79", "#4B006E", DEFAULT_BRAND_COLOR],
)  # fmt: skip
def test_every_text_reads_on_its_background(brand: str) -> None:
    colors = palette(brand)
    for text, background in TEXT_ON:
        ratio = contrast(_color(colors, text), _color(colors, background))
        assert ratio >= TEXT_CONTRAST, (brand, text, background, round(ratio, 2))
    assert contrast(colors["brand_graphic"], WHITE) >= GRAPHIC_CONTRAST


@given(COLOR)
def test_any_brand_colour_gives_readable_text(brand: str) -> None:
    colors = palette(brand)
    for text, background in TEXT_ON:
        assert contrast(_color(colors, text), _color(colors, background)) >= TEXT_CONTRAST
    assert contrast(colors["brand_graphic"], WHITE) >= GRAPHIC_CONTRAST
    assert all(re.fullmatch(r"#[0-9A-F]{6}", v) for v in colors.values() if isinstance(v, str))


def test_a_pale_brand_never_gets_white_text() -> None:
    colors = palette("#FFFFF0")
    assert colors["brand"] == "#FFFFF0"  # the consultant's colour is kept where it is a ground
    assert colors["brand_ink"] != WHITE
    assert colors["brand_text"] != "#FFFFF0"
    assert contrast(colors["brand_text"], WHITE) >= TEXT_CONTRAST


def test_the_brand_colour_is_kept_where_it_already_reads() -> None:
    colors = palette("#1F4E79")
    assert (colors["brand_text"], colors["brand_ink"], colors["brand_graphic"]) == (
        "#1F4E79",
        WHITE,
        "#1F4E79",
    )


def test_contrast_is_wcags() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert ink_on("#777777") == "#000000"  # neither white nor the body ink reaches 4.5:1


# -- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [("#4b006e", "#4B006E"), (" #abcdef ", "#ABCDEF"), ("#000000", "#000000")],
)
def test_a_brand_colour_is_stored_in_capitals(given: str, stored: str) -> None:
    assert clean_brand_color(given) == stored


@pytest.mark.parametrize("bad", ["red", "#FFF", "#GGGGGG", "FFFFFF", "#FFFFFFF", "", "#12 456"])
def test_a_brand_colour_is_six_hex_digits(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_brand_color(bad)
    assert refused.value.field == "brand_color"


def test_settings_changes_clear_with_none_and_check_the_rest() -> None:
    assert clean_settings({"company_name": None, "email_signature": "  Bye\n"}) == {
        "company_name": None,
        "email_signature": "Bye",
    }
    assert clean_settings({"email_signature": " \n "}) == {"email_signature": None}
    assert clean_settings({}) == {}
    with pytest.raises(ValidationError):
        clean_settings({"company_name": ""})
    with pytest.raises(ValueError, match="not a setting"):
        clean_settings({"logo_key": "logos/x.png"})


def test_report_branding_falls_back_to_the_default() -> None:
    assert Branding("", "") == Branding(DEFAULT_COMPANY, DEFAULT_BRAND_COLOR)
    assert Branding("Northwind", "#4b006e").brand_color == "#4B006E"


# -- logos ------------------------------------------------------------------------------------


def test_a_logo_fits_200_by_75_to_16_megapixels() -> None:
    assert check_logo_facts(ImageFacts("PNG", 200, 75), b"")
    assert check_logo_facts(ImageFacts("JPEG", 4000, 4000), b"")
    for facts in (ImageFacts("PNG", 199, 75), ImageFacts("PNG", 200, 74)):
        with pytest.raises(ValidationError, match="needs at least 200 × 75"):
            check_logo_facts(facts, b"")
    with pytest.raises(ValidationError, match="at most 16 megapixels"):
        check_logo_facts(ImageFacts("PNG", 4001, 4000), b"")
    assert LOGO_MAX_PIXELS == 16_000_000
    with pytest.raises(ValidationError, match="not a PNG or JPEG"):
        check_logo_facts(ImageFacts("GIF", 400, 400), b"GIF89a")
    with pytest.raises(ValidationError, match="not a PNG or JPEG"):
        check_logo_facts(None, b"hello")
    with pytest.raises(ValidationError, match="truncated or damaged"):
        check_logo_facts(None, b"\x89PNG\r\n\x1a\n\0\0")


def test_the_bytes_are_checked_before_anything_else() -> None:
    check_logo_bytes(b"\x89PNG" + b"\0" * (LOGO_MAX_BYTES - 4))
    with pytest.raises(ValidationError, match="at most 2 MiB"):
        check_logo_bytes(b"\0" * (LOGO_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="empty"):
        check_logo_bytes(b"")
    with pytest.raises(ValidationError, match="SVG") as refused:
        check_logo_bytes(b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>")
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    ("content", "svg"),
    [(b"<svg/>", True), (b'<?xml version="1.0"?><svg/>', True), (b"\n <SVG>", True),
     (b"\x89PNG\r\n", False), (b"<html>", False), (b"", False)],
)  # fmt: skip
def test_svg_is_told_apart(content: bytes, svg: bool) -> None:
    assert looks_like_svg(content) is svg


@pytest.mark.parametrize(
    ("size", "stored"),
    [((800, 300), (800, 300)), ((1200, 400), (800, 267)), ((10_000, 75), (800, 6)),
     ((200, 3000), (200, 3000)), ((1601, 1), (800, 1))],
)  # fmt: skip
def test_stored_at_most_800_wide_in_proportion(
    size: tuple[int, int], stored: tuple[int, int]
) -> None:
    assert stored_size(*size) == stored


def test_logo_keys_are_random_and_served_under_logos() -> None:
    keys = {new_logo_key("png") for _ in range(100)}
    assert len(keys) == 100
    key = keys.pop()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", key)
    assert logo_path(key) == f"/{key}"
    assert str(uuid.uuid4()) not in key
