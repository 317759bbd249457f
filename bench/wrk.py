"""wrk for a bounded time against one URL, POSTing JSON bodies, with figures read back.

Each run writes a Lua script of its own: the bodies go in a file beside it, one per line,
and thread t of T sends bodies t, t + T, t + 2T, ... in turn (all threads send the one body
when there is only one), so a body list laid out per client gives each thread its own.
`done()` prints one machine-readable line, `WRK_RESULT key=value ...`: requests, duration,
latency percentiles (p50, p95, p99, microseconds from `latency:percentile`), and errors.

Errors: wrk counts responses of status 400 and above, and socket errors (connect, read,
write, timeout). With `check_bodies`, the script also reads every response in Lua's
`response()` and counts any other non-2xx status, and any 200 whose body carries a GraphQL
`"errors"` entry or a non-empty `userErrors` list; that costs wrk time, so it is only on
when asked for.

    uv run python -m bench.wrk URL --body '{"query": "{ me { id } }"}' [--token T]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

WRK = shutil.which("wrk") or "/usr/bin/wrk"

_SCRIPT = r"""
local bodies = {}
for line in io.lines(@BODIES_FILE@) do bodies[#bodies + 1] = line end
wrk.method = "POST"
@HEADERS@

local threads, next_id = {}, 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local mine, position = {}, 0
function init(args)
  for i = tid + 1, #bodies, @THREADS@ do mine[#mine + 1] = bodies[i] end
  if #mine == 0 then mine[1] = bodies[tid % #bodies + 1] end
  bad = 0
end

function request()
  position = position % #mine + 1
  return wrk.format(nil, nil, nil, mine[position])
end

@CHECK@

function done(summary, latency, requests)
  local checked = 0
  for _, thread in ipairs(threads) do checked = checked + (thread:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d "
    .. "status_errors=%d socket_errors=%d checked_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout,
    checked))
end
"""

_CHECK = r"""
function response(status, headers, body)
  if status < 200 or (status > 299 and status < 400) then
    bad = bad + 1
  elseif status < 300 and (body:find('"errors"', 1, true)
      or body:find('"userErrors"%s*:%s*%[%s*{')) then
    bad = bad + 1
  end
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50: float  # seconds
    p95: float
    p99: float
    max: float
    status_errors: int  # 4xx and 5xx, counted by wrk
    socket_errors: int
    checked_errors: int  # other non-2xx, GraphQL errors and user errors (check_bodies only)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors + self.checked_errors


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string of ASCII is a valid Lua string literal


def script(bodies_file: Path, headers: Mapping[str, str], threads: int, check: bool) -> str:
    lines = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
    )
    return (
        _SCRIPT.replace("@BODIES_FILE@", _lua_string(str(bodies_file)))
        .replace("@THREADS@", str(threads))
        .replace("@CHECK@", _CHECK if check else "")
        .replace("@HEADERS@", lines)
    )


def parse(output: str) -> WrkResult:
    line = next((ln for ln in output.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    fields = dict(item.split("=", 1) for item in line.split()[1:])
    number = {k: int(v) for k, v in fields.items()}
    return WrkResult(
        requests=number["requests"],
        seconds=number["duration_us"] / 1e6,
        p50=number["p50_us"] / 1e6,
        p95=number["p95_us"] / 1e6,
        p99=number["p99_us"] / 1e6,
        max=number["max_us"] / 1e6,
        status_errors=number["status_errors"],
        socket_errors=number["socket_errors"],
        checked_errors=number["checked_errors"],
    )


def run_wrk(
    url: str,
    bodies: Sequence[str],
    *,
    token: str = "",
    connections: int = 1,
    threads: int = 1,
    duration: float = 10,
    check_bodies: bool = False,
    timeout: float = 10,
) -> WrkResult:
    """POSTs `bodies` (JSON, rotating) to `url` for `duration` seconds over `connections`;
    a response slower than `timeout` seconds counts as a socket error."""
    if not bodies or any("\n" in body for body in bodies):
        raise ValueError("bodies must be one line each, and at least one")
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    threads = max(1, min(threads, connections))
    with tempfile.TemporaryDirectory(prefix="rise-wrk-") as tmp:
        bodies_file = Path(tmp) / "bodies.txt"
        bodies_file.write_text("\n".join(bodies) + "\n")
        lua = Path(tmp) / "bench.lua"
        lua.write_text(script(bodies_file, headers, threads, check_bodies))
        command = [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s"]
        command += ["--timeout", f"{timeout:g}s", "-s", str(lua), url]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + timeout + 60, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--body", action="append", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--check-bodies", action="store_true")
    args = parser.parse_args()
    result = run_wrk(
        args.url,
        args.body,
        token=args.token,
        connections=args.connections,
        threads=args.threads,
        duration=args.duration,
        check_bodies=args.check_bodies,
    )
    print(
        f"{result.rps:.0f} req/s, p50 {result.p50 * 1000:.2f} ms, p95 {result.p95 * 1000:.2f} ms,"
        f" p99 {result.p99 * 1000:.2f} ms, {result.errors} errors"
    )


if __name__ == "__main__":
    main()
