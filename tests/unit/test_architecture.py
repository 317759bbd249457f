"""Dependency direction (ARCHITECTURE.md): server -> persistence -> domain, and the domain
imports nothing outside the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OWN_PACKAGES = {"domain", "persistence", "server", "migrations", "tests"}

ALLOWED = {
    "domain": {"domain"},
    "persistence": {"domain", "persistence"},
    "server": {"domain", "persistence", "server"},
    "migrations": {"persistence", "migrations"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_inward(package: str) -> None:
    wrong = {
        f"{path.relative_to(REPO)} imports {name}"
        for path in _modules(package)
        for name in _imports(path) & OWN_PACKAGES
        if name not in ALLOWED[package]
    }
    assert wrong == set()


def test_domain_imports_only_the_standard_library() -> None:
    outside = {
        f"{path.relative_to(REPO)} imports {name}"
        for path in _modules("domain")
        for name in _imports(path)
        if name not in sys.stdlib_module_names and name not in {"domain", "__future__"}
    }
    assert outside == set()


def test_the_walk_sees_real_imports() -> None:
    """Guards the two tests above against passing on an empty walk."""
    assert "sqlalchemy" in _imports(REPO / "persistence" / "models.py")
    assert "domain" in _imports(REPO / "persistence" / "repositories.py")
    assert len(_modules("domain")) >= 5
