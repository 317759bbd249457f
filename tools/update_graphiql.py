"""Vendors the files of strawberry's GraphiQL page into server/static/graphiql/.

    uv run python tools/update_graphiql.py

Run it after a strawberry upgrade that changes the page's files (the service then refuses to
build the page, naming the file that is not vendored). It needs npm and the npm registry;
nothing else does, and the service never fetches anything.

For every file the installed strawberry's page pins (package, version, file and SHA-384),
npm installs that package at that version into a temporary folder, checking the tarball
against the registry's own integrity hash. The file is taken only if its SHA-384 is the one
the page pins. Beside it go the package's licence (`LICENSE`) and the licences of what its
bundle may hold (`THIRD-PARTY-LICENSES.txt`: the packages of its dependency tree, and peer
packages whose modules the bundle names). `assets.json` records each package's version,
licence and tarball integrity, and the SHA-384 of every file written, which the service
checks before it serves any of them. The folder is replaced whole.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

from server.graphql.explorer import pinned_files
from server.graphql.explorer_assets import ASSETS, MANIFEST, integrity

# "react@18.2.0/umd/react.production.min.js", "@graphiql/plugin-explorer@1.0.2/dist/style.css"
_PINNED = re.compile(r"^((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)$")
_LICENCE = re.compile(r"^licen[cs]e(\.(md|txt))?$", re.IGNORECASE)
# Packages that ship no licence file, and the package of the same repository (and licence)
# whose file is theirs: @graphiql/plugin-explorer is published from graphql/graphiql.
LICENCE_OF = {"@graphiql/plugin-explorer": "graphiql"}
THIRD_PARTY = "THIRD-PARTY-LICENSES.txt"


def main() -> int:
    wanted: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for pinned, pin in pinned_files(get_graphql_ide_html(graphql_ide="graphiql")).items():
        match = _PINNED.match(pinned)
        if match is None:
            return _fail(f"{pinned}: not package@version/file")
        name, version, file = match.groups()
        wanted[(name, version)][file] = pin
    vendored = {name for name, _ in wanted}
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        out = work / "graphiql"
        packages = []
        for index, ((name, version), files) in enumerate(sorted(wanted.items())):
            tree = _install(f"{name}@{version}", work / f"npm-{index}")
            lock = _lock(tree)
            meta = lock[f"node_modules/{name}"]
            if meta.get("version") != version:
                return _fail(f"npm installed {name}@{meta.get('version')}, not {version}")
            target = out / f"{name}@{version}"
            for file, pin in files.items():
                body = (tree / "node_modules" / name / file).read_bytes()
                if integrity(body) != pin:
                    return _fail(f"{name}@{version}/{file} from npm is not the file pinned")
                (target / file).parent.mkdir(parents=True, exist_ok=True)
                (target / file).write_bytes(body)
            (target / "LICENSE").write_text(_licence(name, tree, work))
            bundle = "\n".join((target / file).read_text() for file in files)
            (target / THIRD_PARTY).write_text(_third_party(lock, tree, name, vendored, bundle))
            packages.append(
                {
                    "name": name,
                    "version": version,
                    "license": meta.get("license", "unknown"),
                    "tarball": meta["integrity"],
                }
            )
            print(f"{name}@{version}: {', '.join(sorted(files))}")
        files_written = {
            path.relative_to(out).as_posix(): integrity(path.read_bytes())
            for path in sorted(out.rglob("*"))
            if path.is_file()
        }
        manifest = {"packages": packages, "files": files_written}
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        shutil.rmtree(ASSETS, ignore_errors=True)
        shutil.copytree(out, ASSETS)
    print(f"wrote {len(files_written)} files and {MANIFEST} to {ASSETS}")
    return 0


def _install(spec: str, folder: Path) -> Path:
    folder.mkdir()
    subprocess.run(
        ["npm", "install", spec, "--prefix", str(folder), "--ignore-scripts", "--no-audit",
         "--no-fund", "--loglevel", "error"],
        check=True,
    )  # fmt: skip
    return folder


def _lock(tree: Path) -> dict[str, dict[str, str]]:
    """npm's record of what it installed: {"node_modules/name": {version, license, ...}}."""
    packages: dict[str, dict[str, str]] = json.loads(
        (tree / "node_modules" / ".package-lock.json").read_text()
    )["packages"]
    return packages


def _licence_file(folder: Path) -> Path | None:
    found = sorted(p for p in folder.iterdir() if p.is_file() and _LICENCE.match(p.name))
    return found[0] if found else None


def _licence(name: str, tree: Path, work: Path) -> str:
    own = _licence_file(tree / "node_modules" / name)
    if own is not None:
        return own.read_text()
    source = LICENCE_OF.get(name)
    if source is None:
        raise SystemExit(f"update_graphiql: {name} ships no licence file; say whose it is")
    # The source package at the version its own dependency tree holds, else its latest.
    holder = tree / "node_modules" / source
    if not holder.is_dir():
        holder = _install(source, work / f"licence-of-{source}") / "node_modules" / source
    found = _licence_file(holder)
    if found is None:
        raise SystemExit(f"update_graphiql: {source} ships no licence file either")
    return (
        f"{name} ships no licence file; it is published from the repository of {source},\n"
        f"under this licence (the file of {source}):\n\n{found.read_text()}"
    )


def _third_party(
    lock: dict[str, dict[str, str]], tree: Path, name: str, vendored: set[str], bundle: str
) -> str:
    """The licences of the packages `name`'s bundle may hold, one after another."""
    sections = {}
    for key, meta in lock.items():
        if not key:
            continue
        package = key.rsplit("node_modules/", 1)[1]
        named = f"node_modules/{package}/" in bundle
        if package in vendored or (meta.get("peer") and not named):
            continue
        found = _licence_file(tree / key)
        declared = f"(no licence file; its package.json says {meta.get('license')})\n"
        sections[f"{package}@{meta.get('version')}"] = found.read_text() if found else declared
    heading = (
        f"Licences of the packages the files of {name} may bundle: its dependency tree as npm\n"
        "resolves it under the package's declared ranges, and the peer packages whose modules\n"
        "the files name.\n"
    )
    rule = "=" * 72
    body = "".join(f"\n{rule}\n{key}\n{rule}\n\n{text}" for key, text in sorted(sections.items()))
    return heading + (body or "\n(none)\n")


def _fail(message: str) -> int:
    print(f"update_graphiql: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
