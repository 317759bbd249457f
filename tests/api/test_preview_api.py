"""`previewClientReport`: a sample client report in the consultant's current branding (the
logo drawn in the PDF, the colour, the company name, the booking links), behind a signed
five-minute link, with no assessment or report left in any list, rate limited with
generateReports."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pypdf

from domain.reports.sample import SAMPLE_BUSINESS, SAMPLE_CLIENT
from server.rate_limits import RULES
from tests.api.conftest import Account, Api, strict_api
from tests.api.test_logo_api import multipart, png, post_form
from tests.api.test_reports_api import GENERATE, _assessment
from tests.database import execute, query

PREVIEW = "mutation { previewClientReport { downloadUrl userErrors { field code message } } }"
UPLOAD = "mutation($file: Upload!) { uploadLogo(file: $file) { userErrors { code } } }"


async def _preview(api: Api, who: Account) -> str:
    result = await api(PREVIEW, as_=who)
    payload = result["data"]["previewClientReport"]
    assert payload["userErrors"] == []
    url: str = payload["downloadUrl"]
    return url


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _rows(api: Api, who: Account) -> tuple[int, int]:
    [(assessments, reports)] = query(
        api.url,
        "SELECT (SELECT count(*) FROM assessments WHERE consultant_id = :u),"
        " (SELECT count(*) FROM reports WHERE generated_by = :u)",
        u=who.id,
    )
    return assessments, reports


async def test_the_sample_wears_the_current_branding(api: Api) -> None:
    ann = api.account()
    await api(
        'mutation { updateSettings(input: {companyName: "Northwind Advisory",'
        ' brandColor: "#4B006E"}) { userErrors { code } } }',
        as_=ann,
    )
    execute(
        api.url,
        "INSERT INTO scheduler_links (consultant_id, meeting_type_label, scheduler_url,"
        " duration_minutes, recommended_for_phases, is_active, display_order) VALUES"
        " (:c, 'Strategy session', 'https://cal.example.com/s', 45, '{organize}', true, 1)",
        c=ann.id,
    )
    body = multipart(
        {"query": UPLOAD, "variables": {"file": None}}, {"0": ("l.png", png(), "image/png")}
    )
    assert (await post_form(api, body, ann)).status_code == 200

    url = await _preview(api, ann)
    assert url.startswith("/previews/client-report?")
    response = await api.client.get(url)  # the signed link alone opens it
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-disposition"].startswith("inline;")
    text = _text(response.content)
    assert "Northwind Advisory" in text
    assert "NORTHWIND ADVISORY" in text  # the cover's kicker
    assert SAMPLE_CLIENT in text
    assert SAMPLE_BUSINESS in text
    assert "Strategy session" in text
    assert "Financial RISE" not in text.replace("Financial Readiness", "")
    first_page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    [logo] = first_page.images
    assert logo.image is not None
    assert logo.image.size == (800, 267)
    assert _rows(api, ann) == (0, 0)
    listed = await api("{ assessments { totalCount } }", as_=ann)
    assert listed["data"]["assessments"]["totalCount"] == 0


async def test_without_branding_the_sample_uses_the_default_brand(api: Api) -> None:
    ann = api.account()
    response = await api.client.get(await _preview(api, ann))
    text = _text(response.content)
    assert "FINANCIAL RISE" in text
    assert not pypdf.PdfReader(io.BytesIO(response.content)).pages[0].images


async def test_the_link_is_signed_for_the_viewer_alone(api: Api) -> None:
    ann, bob = api.account(), api.account()
    url = await _preview(api, ann)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    path = urlsplit(url).path
    for tampered in (
        params | {"signature": "0" * 64},
        params | {"user": str(bob.id)},
        params | {"expires": str(int(params["expires"]) + 3600)},
        {k: v for k, v in params.items() if k != "signature"} | {"signature": "nothex"},
    ):
        assert (await api.client.get(path, params=tampered)).status_code == 401
    assert (await api.client.get(path)).status_code == 401  # neither link nor token
    # a bearer token opens the viewer's own sample, and nobody else's
    own = await api.client.get(path, headers={"authorization": f"Bearer {ann.token}"})
    assert own.status_code == 200
    others = await api.client.get(path, headers={"authorization": f"Bearer {bob.token}"})
    assert others.status_code == 404  # bob has made none
    # a report's download signature does not open a preview, nor the other way round
    report_path = (
        f"/reports/{'UmVwb3J0OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA'}/download"
    )
    assert (await api.client.get(report_path, params=params)).status_code in (401, 404)


async def test_previewing_is_rate_limited_with_generating(api: Api, tmp_path: Path) -> None:
    rules = RULES | {"generate_reports": ("100/minute", "3/minute")}
    async with strict_api(api.url, tmp_path, rules) as strict:
        ann = strict.account()
        assessment_id = await _assessment(strict, ann)
        codes: list[Any] = []
        for document, variables in [
            (PREVIEW, {}),
            (GENERATE, {"id": assessment_id, "types": ["CLIENT"]}),
            (PREVIEW, {}),
            (PREVIEW, {}),
        ]:
            result = await strict(document, variables, as_=ann)
            codes.append(result["errors"][0]["extensions"]["code"] if "errors" in result else "ok")
        assert codes == ["ok", "ok", "ok", "RATE_LIMITED"]
        # the refused call rendered nothing and stored nothing new
        assert len(list((tmp_path / "previews").glob("*.pdf"))) == 1


async def test_a_new_sample_replaces_the_last(api: Api, app: Any) -> None:
    ann = api.account()
    await _preview(api, ann)
    await api(
        'mutation { updateSettings(input: {companyName: "Second Name Ltd"})'
        " { userErrors { code } } }",
        as_=ann,
    )
    response = await api.client.get(await _preview(api, ann))
    assert "Second Name Ltd" in _text(response.content)
    root: Path = app.state.services.reports.store.root
    assert (root / "previews" / f"{ann.id}.pdf").exists()
