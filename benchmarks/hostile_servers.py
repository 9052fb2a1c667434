"""Peak memory and time to fail of ``KimiClient`` against hostile servers, full size.

    .venv/bin/python benchmarks/hostile_servers.py              # every case, ~1 minute
    .venv/bin/python benchmarks/hostile_servers.py --only huge-event,models-1m
    .venv/bin/python benchmarks/hostile_servers.py --quick      # sizes / 16
    .venv/bin/python benchmarks/hostile_servers.py --code /tmp/old-checkout  # another client

The loopback ``FakeKimiServer`` runs in this process and makes each hostile body
while it sends it (``tests/fakes/hostile.py``): a 1 GiB gzip bomb is about 1 MB
on the wire and is never built in memory. Each case runs the client in a fresh
process of its own, which reports its peak RSS (``ru_maxrss``) and how long the
request took to fail; the ``baseline`` case is a normal reply, for comparison.
Backoff waits are skipped (the policy's tries still happen), so the times are
the client's own. ``--code DIR`` puts another copy of ``kimi_desktop`` first
on the child's path, to measure a version without the limits; ``--timeout``
bounds each child. Not a test: nothing here fails on a number.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GIB = 1024**3
MB = 1000**2
API_KEY = "bench-key"
#: The start of an OpenAI chunk whose content never ends.
OPEN_CONTENT = b'data: {"choices":[{"index":0,"delta":{"content":"'
#: For the keep-alive case: the client gives up after this many seconds without text.
KEEP_ALIVE_IDLE = 2.0


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    request: str  # "chat" or "models"
    reply: Callable[[float], object]  # scale -> Reply
    times: int = 1  # how many requests it answers (retried statuses are asked again)
    idle: float | None = None


def _cases() -> list[Case]:
    from tests.fakes import moonshot_stream, openai_stream
    from tests.fakes.faults import HTML_CONTENT_TYPE, SSE_CONTENT_TYPE
    from tests.fakes.hostile import (
        endless_keep_alives,
        gzip_bomb,
        html_flood,
        huge_event,
        model_flood,
    )

    thinking = openai_stream(["thinking"], (), done=False, finish_reason=None).events
    return [
        Case("baseline", "a normal streamed reply", "chat", lambda s: moonshot_stream()),
        Case(
            "gzip-bomb-reply",
            "1 GiB gzip bomb as a JSON reply (200)",
            "chat",
            lambda s: gzip_bomb(int(GIB * s), head=b'{"choices": ['),
        ),
        Case(
            "gzip-bomb-500",
            "1 GiB gzip bomb inside a 500 HTML page",
            "chat",
            lambda s: gzip_bomb(
                int(GIB * s),
                status=500,
                content_type=HTML_CONTENT_TYPE,
                head=b"<html><head><title>Gateway exploded</title></head><body>",
            ),
            times=4,
        ),
        Case(
            "gzip-bomb-stream",
            "1 GiB gzip bomb as one SSE event",
            "chat",
            lambda s: gzip_bomb(
                int(GIB * s), content_type=SSE_CONTENT_TYPE, head=OPEN_CONTENT, filler=b"x"
            ),
        ),
        Case(
            "gzip-bomb-models",
            "1 GiB gzip bomb as the model list",
            "models",
            lambda s: gzip_bomb(int(GIB * s), head=b'{"data": ['),
        ),
        Case(
            "html-500",
            "1 GiB HTML error page (500)",
            "chat",
            lambda s: html_flood(int(GIB * s), status=500),
            times=4,
        ),
        Case(
            "huge-event",
            "one 100 MB SSE event",
            "chat",
            lambda s: huge_event(int(100 * MB * s), before=thinking),
        ),
        Case(
            "models-1m",
            "1,000,000 models",
            "models",
            lambda s: model_flood(int(1_000_000 * s)),
        ),
        Case(
            "keep-alives",
            f"keep-alives every 10 ms for 30 s (client idle limit {KEEP_ALIVE_IDLE:g} s)",
            "chat",
            lambda s: endless_keep_alives(thinking, count=3000, interval=0.01),
            idle=KEEP_ALIVE_IDLE,
        ),
    ]


# -- the child: one request, then its peak RSS --------------------------------------


def child(request: str, base_url: str, idle: float | None) -> None:
    import asyncio
    import inspect
    import resource

    from kimi_desktop.api import ApiError, ChatRequest, Endpoint, KimiClient, Message, describe
    from kimi_desktop.api.retry import RetryPolicy

    options: dict[str, object] = {}
    if idle is not None and "limits" in inspect.signature(KimiClient).parameters:
        from kimi_desktop.api.bounded import Limits

        options["limits"] = Limits(idle_content=idle)

    async def no_wait(_delay: float) -> None:
        return None

    async def run() -> str:
        endpoint = Endpoint(id="bench", name="Bench", base_url=base_url, protocol="openai")
        async with KimiClient(
            endpoint,
            API_KEY,
            retry=RetryPolicy(),
            sleep=no_wait,
            **options,  # type: ignore[arg-type]
        ) as client:
            if request == "models":
                models = await client.list_models()
                cut = " (cut short, said so)" if getattr(client, "models_truncated", False) else ""
                return f"{len(models):,} models{cut}"
            chars = 0
            chat = ChatRequest(model="kimi-k2.5", messages=[Message("user", "hi")])
            async for event in client.stream_chat(chat):
                chars += len(getattr(event, "text", ""))
            return f"complete, {chars:,} characters"

    started = time.perf_counter()
    try:
        outcome = asyncio.run(run())
    except ApiError as error:
        outcome = f"{type(error).__name__} {error.code}: {describe(error).splitlines()[0]}"
    except Exception as error:  # what the user would see
        outcome = f"CRASH {describe(error)} ({error})"[:300]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_rss_mb": peak}))


# -- the parent: the server, one child per case ----------------------------------------


def run_case(case: Case, scale: float, code: Path, timeout: float) -> dict[str, object]:
    from tests.fakes import FakeKimiServer

    with FakeKimiServer("moonshot", api_key=API_KEY) as server:
        reply = case.reply(scale)
        if case.request == "models":
            server.override("GET", "/v1/models", reply)  # type: ignore[arg-type]
        else:
            server.enqueue(reply, times=case.times)  # type: ignore[arg-type]
        command = [sys.executable, __file__, "--child", case.request, server.base_url]
        if case.idle is not None:
            command += ["--idle", str(case.idle)]
        env = {**os.environ, "PYTHONPATH": str(code)}
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            return {"case": case.name, "outcome": f"no answer within {timeout:g} s"}
        requests = len(server.requests)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"case": case.name, "outcome": f"child died ({done.returncode}): {tail}"}
    return {"case": case.name, "what": case.what, "requests": requests, **json.loads(lines[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--quick", action="store_true", help="sizes divided by 16")
    parser.add_argument("--code", type=Path, default=ROOT, help="where kimi_desktop is")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per case")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", nargs=2, metavar=("REQUEST", "BASE_URL"), help=argparse.SUPPRESS)
    parser.add_argument("--idle", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.idle)
        return
    sys.path.insert(0, str(ROOT))  # the fakes; the child finds the client on --code
    cases = _cases()
    if args.only:
        wanted = set(args.only.split(","))
        cases = [c for c in cases if c.name in wanted]
    scale = 1 / 16 if args.quick else 1.0
    results = []
    print(f"{'case':18} {'peak RSS':>9} {'time':>8} {'tries':>5}  outcome")
    for case in cases:
        result = run_case(case, scale, args.code.resolve(), args.timeout)
        results.append(result)
        rss = result.get("peak_rss_mb")
        seconds = result.get("seconds")
        print(
            f"{case.name:18} "
            f"{f'{rss:,.0f} MB' if isinstance(rss, float) else '-':>9} "
            f"{f'{seconds:.2f} s' if isinstance(seconds, float) else '-':>8} "
            f"{result.get('requests', '-'):>5}  {result['outcome']}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
