"""The domain's `LogoImages` with Pillow: read an image's header, then decode, scale and encode
it again, in a worker thread.

Only the PNG and JPEG decoders are ever asked to read a file, so a file of any other kind,
whatever it is called, is no image here. `inspect` reads the header alone, and the domain
judges the size it states before `reencode` decodes a pixel. Pillow's own bomb guard is set
to the same limit and made an error, as a second gate: `Image.open` refuses an image that
states more than `LOGO_MAX_PIXELS` pixels before its pixels are read, wherever in this
process an image is opened.

Re-encoding keeps nothing of the file but its pixels: no EXIF, ICC profile, text chunks or
comments are passed to the encoder, and the pixels are first converted to plain RGB (or RGBA
for a PNG with transparency), so that an unusual mode or a CMYK JPEG comes out as an ordinary
picture. A file whose pixels cannot be decoded (cut short, damaged) is None: Pillow's
`LOAD_TRUNCATED_IMAGES` stays off, so a truncated file is never padded out.
"""

from __future__ import annotations

import asyncio
import io
import warnings

from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin

from domain.branding import LOGO_FORMATS, LOGO_MAX_PIXELS, EncodedLogo, ImageFacts

Image.MAX_IMAGE_PIXELS = LOGO_MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False
# Over the limit Pillow warns (and over twice the limit it raises): make both refusals.
warnings.simplefilter("error", Image.DecompressionBombWarning)

JPEG_QUALITY = 90


class PillowLogoImages:
    async def inspect(self, content: bytes) -> ImageFacts | None:
        return await asyncio.to_thread(inspect_image, content)

    async def reencode(self, content: bytes, *, width: int, height: int) -> EncodedLogo | None:
        return await asyncio.to_thread(reencode_image, content, width, height)


def _open(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content), formats=list(LOGO_FORMATS))


# The decoders' own classes: made directly, they read the header and stop there, with no
# check of the size it states (that is `Image.open`'s): the domain judges it.
_HEADER_READERS: dict[str, type[ImageFile.ImageFile]] = {
    "PNG": PngImagePlugin.PngImageFile,
    "JPEG": JpegImagePlugin.JpegImageFile,
}


def inspect_image(content: bytes) -> ImageFacts | None:
    """The header's format and size, or None when no PNG or JPEG header can be read."""
    for name, reader in _HEADER_READERS.items():
        try:
            with reader(io.BytesIO(content)) as image:
                return ImageFacts(format=name, width=image.width, height=image.height)
        except Exception:  # any failure to read untrusted input means "not this format"
            continue
    return None


def reencode_image(content: bytes, width: int, height: int) -> EncodedLogo | None:
    """The image's pixels at `width` × `height`, encoded afresh in its own format."""
    try:
        with _open(content) as image:
            source_format = str(image.format)
            if source_format == "JPEG":
                image.draft("RGB", (width, height))  # decode at a reduced scale when it can
            image.load()
            pixels = _plain(image)
    except Exception:  # truncated, damaged, or over the pixel limit after all
        return None
    if pixels.size != (width, height):
        pixels = pixels.resize((width, height), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    if source_format == "PNG":
        pixels.save(output, format="PNG", optimize=True)
    else:
        pixels.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return EncodedLogo(output.getvalue(), source_format, width, height)


def _plain(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when a PNG has transparency; a new image that carries no metadata."""
    transparent = image.format == "PNG" and (
        image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    )
    converted = image.convert("RGBA" if transparent else "RGB")
    plain = Image.new(converted.mode, converted.size)
    plain.paste(converted)
    return plain
