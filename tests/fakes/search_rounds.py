"""A reply that searches the web in two rounds before it answers, as Moonshot streams it.

The client's loop (``stream_chat``) and the chat session that stores the rounds
are tested against the same rounds, so what one level sends and the other keeps
can be compared call for call. The third call's arguments are written the way no
JSON library writes them (odd spacing, a raw CJK query), so anything that
re-encodes them instead of echoing them byte for byte shows.
"""

from __future__ import annotations

from tests.fakes.builders import openai_stream, web_search_arguments, web_search_stream
from tests.fakes.kimi_server import FakeKimiServer

#: The tool every request with web search declares (Kimi's built-in ``$web_search``).
WEB_SEARCH_TOOL = {"type": "builtin_function", "function": {"name": "$web_search"}}

ARGS_1 = web_search_arguments("s-first", 8933)
ARGS_2 = web_search_arguments("s-second", 1204)
ARGS_3 = (
    '{"search_result":{"search_id":"s-third" ,  "query":"海 的诗"},"usage":{"total_tokens":77}}'
)
USAGE_1 = {"prompt_tokens": 20, "completion_tokens": 9, "total_tokens": 29, "cached_tokens": 4}
USAGE_2 = {"prompt_tokens": 8953, "completion_tokens": 14, "total_tokens": 8967}
USAGE_3 = {"prompt_tokens": 10300, "completion_tokens": 41, "total_tokens": 10341}


def three_rounds(server: FakeKimiServer, *, finish_reason: str = "stop") -> None:
    """Queue the reply: search once (thinking first), search twice at once (saying so,
    its arguments in four pieces), then answer, ending with ``finish_reason``."""
    server.enqueue(
        web_search_stream(
            [("t-web_search-1", ARGS_1)],
            reasoning=("The user wants", " today's news;", " search."),
            usage=USAGE_1,
        )
    )
    server.enqueue(
        web_search_stream(
            [("t-web_search-2", ARGS_2), ("t-web_search-3", ARGS_3)],
            content=("Let me look further.",),
            usage=USAGE_2,
            argument_pieces=4,
        )
    )
    server.enqueue(
        openai_stream(
            ("Two sources", " agree."),
            ("A storm", " crossed the bay."),
            USAGE_3,
            usage_in_choice=True,
            finish_reason=finish_reason,
        )
    )
