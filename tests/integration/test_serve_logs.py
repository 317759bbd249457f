"""What `rise serve` writes to its log at DEBUG while clients make mistakes: one line per
client error at INFO or WARNING, no traceback, and none of what the clients sent (passwords,
variables, tokens in paths and headers), from our loggers, strawberry's or uvicorn's."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import httpx
import pytest

from tests.integration.cli import environment
from tests.integration.test_serve import Server

pytestmark = pytest.mark.slow

PASSWORD = "Zq-Password-Marker-71"
VALUE = "zq-variable-marker-33"
TOKEN = "zq-token-marker-94"
SECRET_KEY = "zq-secret-key-marker-" + "k" * 24


def test_client_errors_are_one_line_each_and_quote_nothing(
    tmp_path: Path, empty_database: str
) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_SECRET_KEY=SECRET_KEY)
    server = Server(env, log_level="DEBUG")
    try:
        server.wait_ready()
        graphql = f"{server.base}/graphql"
        extra = {"i": {"email": "ann@example.com", "password": PASSWORD, "remember": VALUE}}
        login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"
        assert httpx.post(graphql, json={"query": login, "variables": extra}).status_code == 200
        logout = httpx.post(graphql, json={"query": "mutation { logout { ok } }"})
        assert logout.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        search = "query($s: String) { assessments(search: $s) { totalCount } }"
        read = httpx.get(
            graphql,
            params={"query": search, "variables": json.dumps({"s": VALUE})},
            headers={"authorization": f"Bearer {TOKEN}"},
        )
        assert read.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert httpx.get(f"{server.base}/shared/{TOKEN}").status_code == 404
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(f"NOT HTTP {TOKEN}\r\n\r\n".encode())
            assert raw.recv(1024).startswith(b"HTTP/1.1 400")
    finally:
        log = server.stop()
    assert server.process.returncode == 0, log
    for sent in (PASSWORD, VALUE, TOKEN, SECRET_KEY):
        assert sent not in log, log
    assert "Traceback" not in log
    assert not re.search(r" (ERROR|CRITICAL) ", log), log
    client_errors = [
        line.split(": ", 1)[1] for line in log.splitlines() if " rise.graphql: " in line
    ]
    assert client_errors == [
        "client error BAD_USER_INPUT in variable $i",
        "client error UNAUTHENTICATED at logout",
        "client error UNAUTHENTICATED at assessments",
    ]
    assert "Invalid HTTP request received." in log  # uvicorn's own line, about nothing sent
