"""schema.graphql is exported from the code and checked in; it must not drift."""

from __future__ import annotations

from pathlib import Path

from server.graphql.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_checked_in_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == export_sdl(), "run `rise export-schema` and commit it"
