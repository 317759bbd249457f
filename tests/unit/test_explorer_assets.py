"""GraphiQL's vendored files: exactly what the manifest records, each package with its
licences, the packages strawberry's page pins, and nothing served that fails its digest."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from strawberry.http.ides import get_graphql_ide_html

from server.app import create_app
from server.failure import Failure
from server.graphql import explorer_assets
from server.graphql.explorer import pinned_files
from server.graphql.explorer_assets import (
    ASSETS,
    MANIFEST,
    AssetsDamaged,
    graphiql_assets,
    integrity,
    load_assets,
)
from server.serving import serve
from server.settings import Settings
from tests.builders import free_port

REPO = Path(__file__).resolve().parents[2]


def _manifest() -> dict[str, object]:
    manifest: dict[str, object] = json.loads((ASSETS / MANIFEST).read_text())
    return manifest


def test_the_folder_holds_exactly_the_files_the_manifest_records() -> None:
    on_disk = {p.relative_to(ASSETS).as_posix() for p in ASSETS.rglob("*") if p.is_file()}
    files = _manifest()["files"]
    assert isinstance(files, dict)
    assert on_disk == {*files, MANIFEST}
    assert load_assets().keys() == files.keys()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_ignores_none_of_the_vendored_files() -> None:
    """A file that .gitignore matches (a dist/ folder, say) would be missing from a clone."""
    files = [p.relative_to(REPO).as_posix() for p in ASSETS.rglob("*") if p.is_file()]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        input="\n".join(files),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.returncode == 1, ignored  # 1: none of them, 0: some, 128: no repository
    assert ignored.stdout == ""


def test_the_packages_are_those_the_page_pins_each_with_its_licences() -> None:
    pinned = pinned_files(get_graphql_ide_html(graphql_ide="graphiql"))
    packages = _manifest()["packages"]
    assert isinstance(packages, list)
    names = {f"{p['name']}@{p['version']}" for p in packages}
    # "@graphiql/plugin-explorer@1.0.2/dist/style.css": "@graphiql/plugin-explorer@1.0.2"
    assert names == {re.sub(r"^((?:@[^/]+/)?[^/]+)/.*$", r"\1", path) for path in pinned}
    assets = load_assets()
    for package in packages:
        assert package["license"] == "MIT", package
        assert package["tarball"].startswith("sha512-"), package
        folder = f"{package['name']}@{package['version']}"
        assert "Permission is hereby granted" in assets[f"{folder}/LICENSE"].body.decode()
        assert f"{folder}/THIRD-PARTY-LICENSES.txt" in assets
    for path, pin in pinned.items():
        assert assets[path].integrity == pin


def test_integrity_is_the_base64_sha384() -> None:
    body = b"console.log(1);\n"
    assert integrity(body) == "sha384-" + b64encode(hashlib.sha384(body).digest()).decode()
    assert integrity(body) != integrity(body + b" ")


def _folder(
    tmp_path: Path, files: dict[str, bytes], recorded: dict[str, str] | None = None
) -> Path:
    for path, body in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(body)
    tmp_path.mkdir(exist_ok=True)
    if recorded is None:
        recorded = {path: integrity(body) for path, body in files.items()}
    (tmp_path / MANIFEST).write_text(json.dumps({"packages": [], "files": recorded}))
    return tmp_path


def test_a_folder_whose_files_match_loads(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"lib@1.0.0/dist/lib.js": b"var lib;", "lib@1.0.0/LICENSE": b"MIT"})
    assets = load_assets(folder)
    script, licence = assets["lib@1.0.0/dist/lib.js"], assets["lib@1.0.0/LICENSE"]
    assert script.body == b"var lib;"
    assert script.address == "/graphiql/lib@1.0.0/dist/lib.js"
    assert (script.media_type, licence.media_type) == ("text/javascript", "text/plain")


def test_a_changed_file_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"lib@1.0.0/lib.css": b"a{}"})
    (folder / "lib@1.0.0/lib.css").write_bytes(b"a{color:red}")
    with pytest.raises(AssetsDamaged, match=r"lib@1\.0\.0/lib\.css is not the file recorded"):
        load_assets(folder)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"lib@1.0.0/lib.js": b"var lib;"})
    (folder / "lib@1.0.0/lib.js").unlink()
    with pytest.raises(AssetsDamaged, match=r"lib@1\.0\.0/lib\.js is missing"):
        load_assets(folder)


@pytest.mark.parametrize("path", ["../outside.js", "/etc/hostname", ""])
def test_a_manifest_naming_a_file_outside_the_folder_is_refused(tmp_path: Path, path: str) -> None:
    folder = _folder(tmp_path / "graphiql", {}, {path: integrity(b"")})
    (tmp_path / "outside.js").write_bytes(b"")
    with pytest.raises(AssetsDamaged, match="is no path inside"):
        load_assets(folder)


@pytest.mark.parametrize("manifest", [None, "not json", '{"packages": []}'])
def test_a_missing_or_broken_manifest_is_refused(tmp_path: Path, manifest: str | None) -> None:
    if manifest is not None:
        (tmp_path / MANIFEST).write_text(manifest)
    with pytest.raises(AssetsDamaged, match="no readable"):
        load_assets(tmp_path)


@pytest.fixture
def damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The vendored folder replaced by one whose file is not the one recorded."""
    folder = _folder(tmp_path / "graphiql", {"lib@1.0.0/lib.js": b"var lib;"})
    (folder / "lib@1.0.0/lib.js").write_bytes(b"var changed;")
    monkeypatch.setattr(explorer_assets, "ASSETS", folder)
    graphiql_assets.cache_clear()
    yield folder
    graphiql_assets.cache_clear()


def test_rise_serve_stops_before_the_database_with_a_damaged_file(damaged: Path) -> None:
    # A database that does not exist: reaching for it would fail otherwise.
    settings = Settings(
        secret_key=SecretStr("s" * 32), database_url="postgresql://nobody@127.0.0.1:9/none"
    )
    with pytest.raises(AssetsDamaged, match=r"lib@1\.0\.0/lib\.js is not the file recorded"):
        serve(settings, "127.0.0.1", free_port(), workers=2)
    assert issubclass(AssetsDamaged, Failure)  # `rise` shows it as one line


def test_without_graphiql_the_files_are_not_read(damaged: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none"  # not reached by building an app
    production = Settings(
        env="production", secret_key=SecretStr("s" * 32), public_url="https://rise.example"
    )
    assert not production.graphiql_enabled
    assert create_app(production, url) is not None
    with pytest.raises(AssetsDamaged):
        create_app(Settings(secret_key=SecretStr("s" * 32)), url)
