"""Logos through the GraphQL multipart request spec, as a browser or client library sends
them: real PNG and JPEG files made with Pillow, re-encoded and served at `logoUrl`; every
kind of file that is no acceptable logo refused as a user error; malformed multipart
requests refused with a 400 before anything runs; replacing and removing, with the old file
gone and an audit row for each change."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw, PngImagePlugin
from starlette.applications import Starlette

from server import images
from server.storage import StorageUnavailable
from tests.api.conftest import Account, Api
from tests.database import query

UPLOAD = """
mutation($file: Upload!) {
  uploadLogo(file: $file) {
    settings { logoUrl companyName updatedAt }
    userErrors { field code message }
  }
}"""
REMOVE = "mutation { removeLogo { settings { logoUrl } userErrors { field code message } } }"
MINE = "{ me { settings { logoUrl } } }"
MODERN = "application/graphql-response+json"
LOGO_PATH = re.compile(r"/logos/[0-9a-f]{32}\.(png|jpg)")


def picture(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A logo-like picture: a coloured disc and a bar, on a transparent ground for RGBA."""
    ground = (0, 0, 0, 0) if mode == "RGBA" else "white"
    image = Image.new(mode, (width, height), ground)
    draw = ImageDraw.Draw(image)
    side = min(width, height) - 1
    draw.ellipse((0, 0, side, side), fill=(200, 30, 30))
    if width > side + 20:
        draw.rectangle((side + 10, height // 3, width - 1, 2 * height // 3), fill=(20, 60, 160))
    return image


def png(width: int = 1200, height: int = 400, mode: str = "RGBA") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made by the test; must not survive")
    buffer = io.BytesIO()
    picture(width, height, mode).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg(width: int = 1600, height: int = 600) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Test Camera Maker"  # Make
    exif[0x0131] = "secret editing software"  # Software
    buffer = io.BytesIO()
    picture(width, height).save(buffer, format="JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


Part = tuple[str, str | tuple[str, bytes, str]]  # a text field, or (file name, bytes, type)


def form(parts: list[Part]) -> dict[str, Any]:
    """A multipart/form-data body made by hand, so that any part may be left out or wrong."""
    boundary = "rise-test-boundary-7d1e"
    body = b""
    for name, value in parts:
        body += f"--{boundary}\r\n".encode()
        if isinstance(value, str):
            body += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            body += value.encode() + b"\r\n"
        else:
            file_name, content, media_type = value
            body += (
                f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                f"Content-Type: {media_type}\r\n\r\n"
            ).encode()
            body += content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return {"content": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def multipart(
    operations: Any, files: dict[str, tuple[str, bytes, str]], mapping: Any = None
) -> dict[str, Any]:
    """A multipart request as the spec lays it out: `mapping` defaults to each file part
    filling `variables.file`."""
    if mapping is None:
        mapping = {name: ["variables.file"] for name in files}
    return form(
        [
            ("operations", operations if isinstance(operations, str) else json.dumps(operations)),
            ("map", mapping if isinstance(mapping, str) else json.dumps(mapping)),
            *files.items(),
        ]
    )


async def post_form(
    api: Api, body: dict[str, Any], who: Account | None, accept: str = MODERN
) -> httpx.Response:
    headers = {"accept": accept, "content-type": body["content_type"]}
    if who is not None:
        headers["authorization"] = f"Bearer {who.token}"
    return await api.client.post("/graphql", headers=headers, content=body["content"])


async def upload(
    api: Api,
    who: Account | None,
    content: bytes,
    *,
    name: str = "logo.png",
    media_type: str = "image/png",
    accept: str = MODERN,
) -> httpx.Response:
    operation = {"query": UPLOAD, "variables": {"file": None}}
    body = multipart(operation, {"0": (name, content, media_type)})
    return await post_form(api, body, who, accept)


async def uploaded(api: Api, who: Account, content: bytes, **kwargs: Any) -> dict[str, Any]:
    response = await upload(api, who, content, **kwargs)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["uploadLogo"]
    return payload


def logo_files(app: Starlette) -> set[str]:
    root: Path = app.state.services.reports.store.root
    return {path.name for path in (root / "logos").glob("*")}  # none when there is no folder


def _audit(api: Api, who: Account) -> list[tuple[str, dict[str, Any]]]:
    rows = query(
        api.url,
        "SELECT event_type, metadata FROM activity_logs WHERE user_id = :u"
        " AND event_type LIKE 'settings.logo%' ORDER BY created_at",
        u=who.id,
    )
    return [(row[0], row[1]) for row in rows]


async def test_a_png_is_reencoded_resized_and_served(api: Api, app: Starlette) -> None:
    ann = api.account()
    original = png(1200, 400)
    payload = await uploaded(api, ann, original)
    assert payload["userErrors"] == []
    url = payload["settings"]["logoUrl"]
    assert LOGO_PATH.fullmatch(url)
    assert url.endswith(".png")
    assert (await api(MINE, as_=ann))["data"]["me"]["settings"]["logoUrl"] == url

    served = await api.client.get(url)  # no sign-in: logos are public branding
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.content != original
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.format == "PNG"
        assert image.size == (800, 267)  # at most 800 wide, the proportions kept
        assert image.mode == "RGBA"  # the transparency kept
        assert image.getpixel((799, 0))[3] == 0
        assert "Comment" not in image.info
        assert not image.text
    assert logo_files(app) >= {url.rsplit("/", 1)[1]}


async def test_nothing_of_the_uploaded_bytes_is_served(api: Api) -> None:
    """A PNG with a script after its end (a polyglot) is an image to the decoder; what is
    served is the re-encoded picture alone."""
    ann = api.account()
    payload = await uploaded(api, ann, png() + b"<html><script>alert(1)</script></html>")
    served = await api.client.get(payload["settings"]["logoUrl"])
    assert served.status_code == 200
    assert b"<script>" not in served.content
    assert b"made by the test" not in served.content


async def test_a_jpeg_loses_its_metadata_and_keeps_its_format(api: Api) -> None:
    ann = api.account()
    original = jpeg(1600, 600)
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif()[0x010F] == "Test Camera Maker"
    payload = await uploaded(api, ann, original, name="logo.jpeg", media_type="image/jpeg")
    url = payload["settings"]["logoUrl"]
    assert LOGO_PATH.fullmatch(url)
    assert url.endswith(".jpg")
    served = await api.client.get(url)
    assert served.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(served.content)) as image:
        assert (image.format, image.size) == ("JPEG", (800, 300))
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
    assert b"secret editing software" not in served.content


async def test_a_small_enough_logo_keeps_its_size(api: Api) -> None:
    ann = api.account()
    payload = await uploaded(api, ann, png(200, 75, mode="RGB"))
    served = await api.client.get(payload["settings"]["logoUrl"])
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (200, 75)
        assert image.mode == "RGB"


def _svg() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400"'
        b' height="200"><script>alert(1)</script><rect width="400" height="200"/></svg>'
    )


def _bomb() -> bytes:
    """10,000 x 10,000 pixels of one colour: a few hundred KB of PNG, 400 MB decoded."""
    buffer = io.BytesIO()
    Image.new("L", (10_000, 10_000)).save(buffer, format="PNG")
    return buffer.getvalue()


def _truncated_png() -> bytes:
    whole = png(1200, 400)
    return whole[: len(whole) // 2]


def _truncated_jpeg() -> bytes:
    whole = jpeg(1600, 600)
    return whole[: len(whole) // 2]


def _gif() -> bytes:
    buffer = io.BytesIO()
    picture(400, 200).save(buffer, format="GIF")
    return buffer.getvalue()


REFUSED = [
    ("svg", _svg, "logo.svg", "image/svg+xml", "SVG images are not accepted"),
    ("svg-named-png", _svg, "logo.png", "image/png", "SVG images are not accepted"),
    ("text-named-png", lambda: b"just some text, not a picture\n" * 20, "logo.png",
     "image/png", "not a PNG or JPEG image"),
    ("gif", _gif, "logo.gif", "image/gif", "not a PNG or JPEG image"),
    ("truncated-png", _truncated_png, "logo.png", "image/png", "truncated or damaged"),
    ("truncated-jpeg", _truncated_jpeg, "logo.jpg", "image/jpeg", "truncated or damaged"),
    ("png-header-only", lambda: png()[:33], "logo.png", "image/png", "truncated or damaged"),
    ("decompression-bomb", _bomb, "logo.png", "image/png",
     "the logo is 10000 × 10000 pixels; a logo may have at most 16 megapixels"),
    ("too-narrow", lambda: png(199, 200), "logo.png", "image/png",
     "the logo is 199 × 200 pixels; it needs at least 200 × 75"),
    ("too-short", lambda: png(1000, 74), "logo.png", "image/png",
     "the logo is 1000 × 74 pixels; it needs at least 200 × 75"),
    ("empty", lambda: b"", "logo.png", "image/png", "the file is empty"),
    ("over-2-mib", lambda: png() + b"\0" * (2 * 1024 * 1024), "logo.png", "image/png",
     "a logo may have at most 2 MiB"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "name", "media_type", "message"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
async def test_anything_but_a_fitting_png_or_jpeg_is_a_user_error(
    api: Api, app: Starlette, make: Any, name: str, media_type: str, message: str
) -> None:
    ann = api.account()
    before = logo_files(app)
    response = await upload(api, ann, make(), name=name, media_type=media_type)
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["uploadLogo"]
    assert payload["settings"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["file"])
    assert message in error["message"]
    assert (await api(MINE, as_=ann))["data"]["me"]["settings"]["logoUrl"] is None
    assert _audit(api, ann) == []
    assert logo_files(app) - before == set()  # nothing stored


async def test_a_bomb_is_refused_before_a_pixel_is_decoded(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[int] = []

    def spy(content: bytes, width: int, height: int) -> Any:
        decoded.append(len(content))
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(images, "reencode_image", spy)
    ann = api.account()
    payload = (await upload(api, ann, _bomb())).json()["data"]["uploadLogo"]
    assert [e["code"] for e in payload["userErrors"]] == ["VALIDATION"]
    assert decoded == []


async def test_a_body_over_the_upload_allowance_is_413(api: Api) -> None:
    ann = api.account()
    response = await upload(api, ann, b"\0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "message": "the request body is larger than 2,112 KiB",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
    # a JSON body keeps its own limit of 1 MiB
    big = await api.client.post(
        "/graphql", json={"query": "#" + "x" * (1024 * 1024) + "\n{ serviceVersion }"}
    )
    assert big.status_code == 413
    assert "larger than 1 MiB" in big.json()["errors"][0]["message"]


async def test_replacing_a_logo_deletes_the_old_file_and_its_url(api: Api, app: Starlette) -> None:
    ann = api.account()
    first = (await uploaded(api, ann, png()))["settings"]["logoUrl"]
    second = (await uploaded(api, ann, jpeg(), name="new.jpg", media_type="image/jpeg"))[
        "settings"
    ]["logoUrl"]
    assert first != second
    assert (await api.client.get(first)).status_code == 404
    assert (await api.client.get(second)).status_code == 200
    files = logo_files(app)
    assert first.rsplit("/", 1)[1] not in files
    assert second.rsplit("/", 1)[1] in files
    assert _audit(api, ann) == [
        ("settings.logo_uploaded", _uploaded_metadata(None, first, "PNG", 800, 267)),
        ("settings.logo_uploaded", _uploaded_metadata(first, second, "JPEG", 800, 300)),
    ]


def _uploaded_metadata(old: str | None, new: str, kind: str, width: int, height: int) -> Any:
    return {
        "changes": {"logo_url": {"old": old, "new": new}},
        "format": kind,
        "width": width,
        "height": height,
        "file_size_bytes": pytest_any_int,
        "uploaded_bytes": pytest_any_int,
    }


class _AnyInt:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, int) and not isinstance(other, bool) and other > 0

    def __repr__(self) -> str:
        return "<any positive int>"


pytest_any_int = _AnyInt()


async def test_removing_the_logo_deletes_the_file(api: Api, app: Starlette) -> None:
    ann, bob = api.account(), api.account()
    url = (await uploaded(api, ann, png()))["settings"]["logoUrl"]
    bobs = (await uploaded(api, bob, png()))["settings"]["logoUrl"]
    removed = (await api(REMOVE, as_=ann))["data"]["removeLogo"]
    assert removed == {"settings": {"logoUrl": None}, "userErrors": []}
    assert (await api.client.get(url)).status_code == 404
    assert url.rsplit("/", 1)[1] not in logo_files(app)
    assert (await api.client.get(bobs)).status_code == 200  # only one's own logo
    again = (await api(REMOVE, as_=ann))["data"]["removeLogo"]  # nothing left to remove
    assert again == {"settings": {"logoUrl": None}, "userErrors": []}
    assert [event for event, _ in _audit(api, ann)] == [
        "settings.logo_uploaded",
        "settings.logo_removed",
    ]
    assert _audit(api, ann)[1][1] == {"changes": {"logo_url": {"old": url, "new": None}}}


async def test_removing_without_a_logo_changes_nothing(api: Api) -> None:
    ann = api.account()
    assert (await api(REMOVE, as_=ann))["data"]["removeLogo"] == {
        "settings": {"logoUrl": None},
        "userErrors": [],
    }
    assert _audit(api, ann) == []
    assert query(
        api.url, "SELECT count(*) FROM consultant_settings WHERE consultant_id = :u", u=ann.id
    ) == [(0,)]


async def test_a_logo_leaves_the_other_settings_alone(api: Api) -> None:
    ann = api.account()
    await api(
        'mutation { updateSettings(input: {companyName: "Northwind"}) { userErrors { code } } }',
        as_=ann,
    )
    payload = await uploaded(api, ann, png())
    assert payload["settings"]["companyName"] == "Northwind"


@pytest.mark.parametrize(
    "path", ["/logos/nothing.png", "/logos/" + "0" * 32 + ".png", "/logos/" + "a" * 32 + ".gif",
             "/logos/..%2Fsecrets.json", "/logos/" + "A" * 32 + ".png"],
)  # fmt: skip
async def test_unknown_logo_paths_are_404(api: Api, path: str) -> None:
    assert (await api.client.get(path)).status_code == 404


# -- malformed multipart requests: 400, never a 500, nothing run -------------------------------

OPERATION = {"query": UPLOAD, "variables": {"file": None}}
FILE = {"0": ("logo.png", b"x", "image/png")}
SETTINGS = (
    "mutation($input: UpdateSettingsInput!) { updateSettings(input: $input)"
    " { userErrors { code } } }"
)

MALFORMED = [
    ("operations-not-json", form([("operations", "{query"), ("map", "{}")]),
     "the operations field is not valid JSON"),
    ("operations-a-number", multipart("42", FILE), "the operations field must be a JSON object"),
    ("map-not-json", multipart(OPERATION, FILE, "{0:"), "the map field is not valid JSON"),
    ("map-an-array", multipart(OPERATION, FILE, [["variables.file"]]),
     "the map must be a JSON object, not an array"),
    ("map-entry-a-string", multipart(OPERATION, FILE, {"0": "variables.file"}),
     "the map's entry '0' must be a non-empty array of paths"),
    ("map-entry-empty", multipart(OPERATION, FILE, {"0": []}),
     "the map's entry '0' must be a non-empty array of paths"),
    ("map-path-a-number", multipart(OPERATION, FILE, {"0": [7]}),
     "the map's entry '0' must hold paths as strings"),
    ("missing-file-part", multipart(OPERATION, {}, {"0": ["variables.file"]}),
     "the map names the file part '0', which is not there"),
    ("unmapped-file-part", multipart(OPERATION, {**FILE, "1": ("x.png", b"x", "image/png")},
                                     {"0": ["variables.file"]}),
     "the file part '1' is not in the map"),
    ("path-outside-variables", multipart(OPERATION, FILE, {"0": ["query"]}),
     "the map's path 'query' is not inside an operation's variables"),
    ("path-to-nothing", multipart(OPERATION, FILE, {"0": ["variables.logo"]}),
     "the map's path 'variables.logo' names nothing in the operations"),
    ("path-to-a-value", multipart({"query": UPLOAD, "variables": {"file": "x"}}, FILE),
     "the map's path 'variables.file' must name a null where the file goes"),
    ("non-upload-variable", multipart({"query": SETTINGS, "variables": {"input": None}}, FILE,
                                      {"0": ["variables.input"]}),
     "the map puts a file in $input, which is a UpdateSettingsInput, not an Upload"),
    ("undeclared-variable", multipart({"query": UPLOAD, "variables": {"file": None, "x": None}},
                                      FILE, {"0": ["variables.x"]}),
     "the map puts a file in $x, which the operation does not declare"),
    ("no-map", form([("operations", json.dumps(OPERATION)), *FILE.items()]),
     "the multipart request has no map field"),
    ("no-operations", form([("map", "{}"), *FILE.items()]),
     "the multipart request has no operations field"),
    ("operations-as-a-file", form([("map", "{}"),
                                   ("operations", ("o.json", b"{}", "application/json"))]),
     "the multipart request has no operations field"),
    ("a-stray-text-field", form([("operations", json.dumps(OPERATION)), ("map", "{}"),
                                 ("extra", "x")]),
     "the multipart part 'extra' is no file"),
    ("two-maps", form([("operations", json.dumps(OPERATION)), ("map", "{}"), ("map", "{}")]),
     "the multipart request has two parts named 'map'"),
    ("batch-path-out-of-range", multipart([OPERATION], FILE, {"0": ["1.variables.file"]}),
     "the map's path '1.variables.file' names nothing in the operations"),
]  # fmt: skip


@pytest.mark.parametrize("accept", [MODERN, "application/json"])
@pytest.mark.parametrize(
    ("body", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
async def test_a_malformed_multipart_request_is_a_400(
    api: Api, body: dict[str, Any], message: str, accept: str
) -> None:
    ann = api.account()
    response = await post_form(api, body, ann, accept)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert response.json() == {"errors": [error]}
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert error["message"].startswith(message), error["message"]
    assert (await api(MINE, as_=ann))["data"]["me"]["settings"]["logoUrl"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"--x\r\nno headers at all\r\n--x--\r\n", "the multipart body cannot be read"),
        (b"anything", "the multipart body cannot be read"),
    ],
)
async def test_a_broken_multipart_body_is_a_400(api: Api, content: bytes, message: str) -> None:
    for content_type in ("multipart/form-data; boundary=x", "multipart/form-data"):
        response = await api.client.post(
            "/graphql", content=content, headers={"content-type": content_type, "accept": MODERN}
        )
        assert response.status_code == 400, response.text
        [error] = response.json()["errors"]
        assert error["extensions"] == {"code": "BAD_REQUEST"}
        assert error["message"].startswith(message)


async def test_an_upload_variable_cannot_come_as_json_or_inline(api: Api) -> None:
    ann = api.account()
    as_json = await api(UPLOAD, {"file": "iVBORw0KGgo="}, as_=ann)
    assert [e["extensions"]["code"] for e in as_json["errors"]] == ["BAD_USER_INPUT"]
    assert "multipart" in as_json["errors"][0]["message"]
    inline = await api('mutation { uploadLogo(file: "abc") { userErrors { code } } }', as_=ann)
    assert [e["extensions"]["code"] for e in inline["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    missing = await api(UPLOAD, {"file": None}, as_=ann)
    assert [e["extensions"]["code"] for e in missing["errors"]] == ["BAD_USER_INPUT"]


async def test_a_batch_may_carry_the_upload(api: Api) -> None:
    ann = api.account()
    operations = [{"query": "{ me { email } }"}, {"query": UPLOAD, "variables": {"file": None}}]
    body = multipart(
        operations, {"logo": ("logo.png", png(), "image/png")}, {"logo": ["1.variables.file"]}
    )
    response = await post_form(api, body, ann, "application/json")
    assert response.status_code == 200, response.text
    me, logo = response.json()
    assert me["data"]["me"]["email"] == ann.email
    assert LOGO_PATH.fullmatch(logo["data"]["uploadLogo"]["settings"]["logoUrl"])


async def test_a_failed_replacement_keeps_the_old_logo_and_leaves_no_new_file(
    api: Api, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old file cannot be removed (the storage fails): the change rolls back, the new
    file goes again, and the old logo is still the one shown."""
    ann = api.account()
    first = (await uploaded(api, ann, png()))["settings"]["logoUrl"]
    store = app.state.services.reports.store
    real_delete = store.delete
    deleted: list[list[str]] = []

    async def failing_delete(keys: Any) -> None:
        deleted.append(list(keys))
        if f"logos/{first.rsplit('/', 1)[1]}" in keys:
            raise StorageUnavailable("the disk went away")
        await real_delete(keys)

    monkeypatch.setattr(store, "delete", failing_delete)
    before = logo_files(app)
    response = await upload(api, ann, jpeg(), name="new.jpg", media_type="image/jpeg")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert (await api(MINE, as_=ann))["data"]["me"]["settings"]["logoUrl"] == first
    assert (await api.client.get(first)).status_code == 200
    assert logo_files(app) == before  # the new file was removed again
    assert len(deleted) == 2  # the old one (refused), then the new one
    assert [event for event, _ in _audit(api, ann)] == ["settings.logo_uploaded"]


async def test_a_chunked_upload_over_the_allowance_is_413(api: Api) -> None:
    ann = api.account()
    body = multipart(
        {"query": UPLOAD, "variables": {"file": None}},
        {"0": ("logo.png", b"\0" * (3 * 1024 * 1024), "image/png")},
    )

    async def chunks() -> Any:
        content = body["content"]
        for start in range(0, len(content), 65_536):
            yield content[start : start + 65_536]

    response = await api.client.post(
        "/graphql",
        content=chunks(),
        headers={
            "content-type": body["content_type"],
            "authorization": f"Bearer {ann.token}",
            "accept": MODERN,
        },
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == "the request body is larger than 2,112 KiB"
