"""The CI fuzz step: Schemathesis generates GraphQL operations from the running service's schema
and sends them as a signed-in administrator for a bounded time. It fails on any 5xx response and
on any error answered as INTERNAL_SERVER_ERROR (or without a code).

    uv run python .ci/fuzz.py URL --email E --password P [--seconds 180]

`logout` is left out: it would end the session the run signs in with.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import httpx

LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { accessToken userErrors { code message } }
}"""


def sign_in(url: str, email: str, password: str) -> str:
    variables = {"input": {"email": email, "password": password}}
    response = httpx.post(url, json={"query": LOGIN, "variables": variables}, timeout=30)
    response.raise_for_status()
    login = response.json()["data"]["login"]
    if not login["accessToken"]:
        sys.exit(f"could not sign in as {email}: {login['userErrors']}")
    return str(login["accessToken"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the GraphQL endpoint, e.g. http://127.0.0.1:8000/graphql")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--seconds", type=int, default=180)
    args = parser.parse_args()
    token = sign_in(args.url, args.email, args.password)
    here = Path(__file__).resolve().parent
    env = os.environ | {
        "SCHEMATHESIS_HOOKS": "fuzz_checks",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(here), os.environ.get("PYTHONPATH")])),
    }
    command = [
        "st", "run", args.url,
        "--header", f"Authorization: Bearer {token}",
        "--checks", "no_internal_error",
        "--max-time", str(args.seconds),
        "--exclude-name", "Mutation.logout",
        "--workers", "2",
        "--no-color",
    ]  # fmt: skip
    print(f"fuzzing {args.url} for {args.seconds} s", flush=True)
    sys.exit(subprocess.run(command, env=env, check=False).returncode)


if __name__ == "__main__":
    main()
