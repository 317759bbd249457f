"""DATABASE_URL: the accepted spellings and the refusals."""

from __future__ import annotations

import pytest

from persistence.database import DatabaseUrlError, describe, normalize_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgresql://u:p@db:5433/rise", "postgresql+psycopg://u:p@db:5433/rise"),
        ("postgres://u:p@db/rise", "postgresql+psycopg://u:p@db/rise"),
        ("postgresql+psycopg://u@db/rise", "postgresql+psycopg://u@db/rise"),
        (" postgresql://db/rise?sslmode=require ", "postgresql+psycopg://db/rise?sslmode=require"),
    ],
)
def test_postgres_urls_are_normalised_to_psycopg(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("mysql://u@db/rise", "must start with postgresql://"),
        ("postgresql+asyncpg://u@db/rise", "must start with postgresql://"),
        ("postgresql://u@db", "must name a database"),
        ("not a url", "not a valid URL"),
    ],
)
def test_other_urls_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(DatabaseUrlError, match=reason):
        normalize_url(raw)


def test_description_never_shows_the_password() -> None:
    text = describe("postgresql+psycopg://rise:hunter2@db.internal:5433/rise")
    assert "hunter2" not in text
    assert text == "rise on db.internal:5433 as rise"


@pytest.mark.parametrize(
    "raw", ["postgresql://rise:hunter2@db:abc/rise", "postgresql://rise:hunter2@[::1/rise"]
)
def test_unparseable_url_is_refused_without_echoing_it(raw: str) -> None:
    with pytest.raises(DatabaseUrlError, match="not a valid URL") as raised:
        normalize_url(raw)
    assert "hunter2" not in str(raised.value)
