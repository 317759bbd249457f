"""The service's engine: its statement timeout and the server options a URL may carry."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url

from persistence.database import create_engine


async def test_statement_timeout_is_added_to_options_from_the_url(database_url: str) -> None:
    url = make_url(database_url).update_query_dict({"options": "-c search_path=elsewhere"})
    engine = create_engine(url.render_as_string(hide_password=False), statement_timeout_ms=1234)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW search_path")) == "elsewhere"
            assert await connection.scalar(text("SHOW statement_timeout")) == "1234ms"
    finally:
        await engine.dispose()


async def test_statement_timeout_applies_without_options(database_url: str) -> None:
    engine = create_engine(database_url, statement_timeout_ms=1500)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW statement_timeout")) == "1500ms"
    finally:
        await engine.dispose()
