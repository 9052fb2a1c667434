"""The loopback fake Kimi server in a process of its own, streaming one long reply.

In-process, the fake server's thread would compete with the measured code for
the GIL, and every switch can hold the UI thread up by
``sys.getswitchinterval()`` (5 ms); a real server is never inside the client's
interpreter either. So the benchmarks run it here and talk to it over loopback::

    with ServerProcess(tokens=20_000) as server:
        ...  # POST server.base_url + "/chat/completions", Bearer server.api_key

Every chat request is answered with the same stream: ``tokens`` content deltas
from :func:`benchmarks.corpus.markdown_tokens`, as fast as the socket takes them.
Run directly (``python benchmarks/fake_server.py --tokens 20000``) it prints
``PORT <n>`` and serves until its standard input closes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from types import TracebackType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import markdown_tokens
from benchmarks.harness import child_environment

API_KEY = "bench-key"
USAGE = {"prompt_tokens": 12, "completion_tokens": 0, "total_tokens": 12}


def serve(tokens: int, seed: int) -> None:
    from tests.fakes import FakeKimiServer, openai_stream

    content = markdown_tokens(tokens, seed)
    usage = {**USAGE, "completion_tokens": tokens, "total_tokens": tokens + 12}
    reply = openai_stream(content=content, usage=usage)
    with FakeKimiServer("moonshot", api_key=API_KEY) as server:
        server.override("POST", "/v1/chat/completions", reply)
        print(f"PORT {server.port}", flush=True)
        sys.stdin.read()  # until the parent closes the pipe


class ServerProcess:
    """Starts :func:`serve` in a child process; a context manager."""

    def __init__(self, tokens: int, seed: int = 2026) -> None:
        self.tokens = tokens
        self.seed = seed
        self.api_key = API_KEY
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> ServerProcess:
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--tokens", str(self.tokens), "--seed", str(self.seed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_environment(),
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("PORT "):
            self._process.kill()
            raise RuntimeError(f"the fake server did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process = self._process
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    serve(args.tokens, args.seed)


if __name__ == "__main__":
    main()
