"""TokenMeter: readings and levels, debouncing, one count at a time, stale answers, failures."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from kimi_desktop.api import BadRequestError, Endpoint, KimiClient, NetworkError
from kimi_desktop.domain import AttachedDocument, ImageData, Message, StoredMessage
from kimi_desktop.services.budget import DEFAULT_MAX_TOKENS, MIN_MAX_TOKENS, output_budget
from kimi_desktop.services.document_context import document_block, document_tokens
from kimi_desktop.services.request_history import build_history
from kimi_desktop.services.token_estimate import IMAGE_TOKENS, estimate_messages, estimate_turn
from kimi_desktop.services.token_meter import Estimator, TokenMeter
from kimi_desktop.services.token_reading import (
    Level,
    TokenReading,
    reading_explanation,
    reading_text,
)
from tests.fakes import FakeKimiServer, json_reply
from tests.loop_support import run_until, settle

NEVER = 3_600_000  # a debounce that never fires by itself: the test calls flush()
HISTORY = (Message("system", "Be brief."), Message("user", "Hi"), Message("assistant", "Hello!"))
PNG = ImageData("image/png", b"\x89PNG fake")
K = 262_144


class Counter:
    """An ``estimate`` coroutine the test answers by hand, counting what it is asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[Message]]] = []
        self.waiting: list[asyncio.Future[int]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, model: str, messages: Sequence[Message]) -> int:
        self.asked.append((model, list(messages)))
        answer: asyncio.Future[int] = asyncio.get_event_loop().create_future()
        self.waiting.append(answer)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await answer
        finally:
            self.in_flight -= 1

    def answer(self, loop: asyncio.AbstractEventLoop, value: int | BaseException) -> None:
        """Answer the oldest open question and let the meter take the answer."""
        run_until(loop, lambda: bool(self.waiting))
        future = self.waiting.pop(0)
        if isinstance(value, BaseException):
            future.set_exception(value)
        else:
            future.set_result(value)
        run_until(loop, lambda: future.done() and self.in_flight == len(self.waiting))
        loop.run_until_complete(asyncio.sleep(0))

    def texts(self) -> list[str]:
        return [messages[-1].text for _model, messages in self.asked]


@pytest.fixture
def meter(qapp, qloop):
    made = TokenMeter(delay_ms=NEVER)
    yield made
    made.close()
    settle(qloop)
    made.deleteLater()


def readings(meter: TokenMeter) -> list[TokenReading | None]:
    seen: list[TokenReading | None] = []
    meter.reading_changed.connect(seen.append)
    return seen


def counting(meter: TokenMeter) -> Counter:
    """A counter the meter asks, on kimi-k2.5 with the default budget."""
    counter = Counter()
    meter.set_estimator(counter)
    meter.set_model("kimi-k2.5", K, 32_768)
    return counter


def client_estimator(server: FakeKimiServer) -> Estimator:
    """The endpoint's counter as the app hands it out: the client's ``estimate_tokens``."""
    endpoint = Endpoint("moonshot-global", "Moonshot", server.base_url)

    async def estimate(model: str, messages: Sequence[Message]) -> int:
        async with KimiClient(endpoint, server.api_key) as client:
            return await client.estimate_tokens(model, messages)

    return estimate


# -- the reading -------------------------------------------------------------------


def fits(tokens: int, *, exact: bool) -> TokenReading:
    """A reading of a prompt that leaves the whole default budget."""
    return TokenReading(tokens, K, 32_768, exact, wanted=32_768)


def test_levels_follow_what_sending_does() -> None:
    fits = TokenReading(1_000, K, 32_768, exact=True, wanted=32_768)
    assert fits.level is Level.OK
    assert not fits.budget_cut

    cut = TokenReading(K - 10_000, K, 10_000, exact=True, wanted=32_768)
    assert cut.level is Level.NEAR
    assert cut.budget_cut

    crowded = TokenReading(int(0.85 * K), K, 1_024, exact=True, wanted=1_024)
    assert crowded.level is Level.NEAR
    assert not crowded.budget_cut

    # Sending never asks for less than MIN_MAX_TOKENS: then prompt and budget overflow.
    refused = TokenReading(K - 100, K, MIN_MAX_TOKENS, exact=True, wanted=32_768)
    assert refused.level is Level.OVER
    assert TokenReading(K + 5, K, 32_768, exact=False).level is Level.OVER

    unknown = TokenReading(10**7, None, 32_768, exact=False, wanted=32_768)
    assert unknown.level is Level.OK


def test_the_meter_asks_for_the_budget_sending_would(meter: TokenMeter) -> None:
    meter.set_model("kimi-k2.5", K, None)  # the conversation's budget is the default
    meter.set_draft("hello")
    meter.flush()
    assert meter.reading.wanted == DEFAULT_MAX_TOKENS
    assert meter.reading.budget == output_budget(None, K, [Message("user", "hello")])
    assert meter.reading.level is Level.OK

    history = (Message("user", "x" * 3 * (K - 20_000)),)  # fills the context, as sending counts
    meter.set_history(history)
    meter.flush()
    sent = output_budget(None, K, [*history, Message("user", "hello")])
    assert sent < DEFAULT_MAX_TOKENS
    assert meter.reading.budget == sent
    assert meter.reading.budget_cut
    assert meter.reading.level is not Level.OK

    meter.set_model("kimi-k2.5", 4 * K, None)  # a larger context: nothing to cut
    assert meter.reading.budget == DEFAULT_MAX_TOKENS
    assert not meter.reading.budget_cut


def test_the_text_marks_an_estimate_and_groups_digits() -> None:
    exact = reading_text(TokenReading(1_234, K, 32_768, exact=True))
    estimate = reading_text(TokenReading(1_234, K, 32_768, exact=False))
    assert "1,234" in exact
    assert "262,144" in exact
    assert "≈" not in exact
    assert estimate.startswith("≈")
    assert "1,234" in estimate
    assert "262,144" not in reading_text(TokenReading(1_234, None, 32_768, exact=True))


def test_each_level_explains_itself_differently() -> None:
    texts = {
        reading_explanation(reading)
        for reading in (
            TokenReading(1_000, K, 32_768, exact=True, wanted=32_768),  # fits
            TokenReading(K - 10_000, K, 10_000, exact=True, wanted=32_768),  # cut
            TokenReading(int(0.85 * K), K, 1_024, exact=True, wanted=1_024),  # crowded
            TokenReading(K, K, 512, exact=True, wanted=32_768),  # refused
        )
    }
    assert len(texts) == 4
    cut = TokenReading(K - 10_000, K, 10_000, exact=True, wanted=32_768)
    assert "10,000" in reading_explanation(cut)
    assert reading_explanation(TokenReading(1, K, 1, exact=True)) != reading_explanation(
        TokenReading(1, K, 1, exact=False)
    )


# -- the local estimate --------------------------------------------------------------


def test_without_a_counter_the_local_estimate_shows_marked(meter: TokenMeter) -> None:
    seen = readings(meter)
    meter.set_model("kimi-k2.5", K, 32_768)
    meter.set_draft("hello there")
    assert seen == []  # nothing before the pause
    meter.flush()
    assert seen == [fits(estimate_turn("hello there"), exact=False)]

    meter.set_history(HISTORY)
    meter.flush()
    assert seen[-1] == fits(estimate_messages(HISTORY) + estimate_turn("hello there"), exact=False)


def test_nothing_to_measure_hides_the_meter_at_once(meter: TokenMeter) -> None:
    seen = readings(meter)
    meter.set_model("kimi-k2.5", K, 32_768)
    meter.set_draft("a")
    meter.flush()
    meter.set_draft("  \n")
    assert seen[-1] is None  # no pause needed to hide
    meter.set_history(HISTORY)
    meter.flush()
    assert seen[-1] is not None  # a conversation is shown even with an empty draft
    meter.set_history(())
    assert seen[-1] is None


def test_other_limits_relevel_the_same_count_without_asking(meter, qloop) -> None:
    counter = counting(meter)
    meter.set_draft("hello")
    meter.flush()
    counter.answer(qloop, 215_000)  # over 80 % of the context
    assert meter.reading == fits(215_000, exact=True)
    assert meter.reading.level is Level.NEAR
    meter.set_model("kimi-k2.5", 1_048_576, 32_768)
    assert meter.reading == TokenReading(215_000, 1_048_576, 32_768, True, wanted=32_768)
    assert meter.reading.level is Level.OK
    assert len(counter.asked) == 1


# -- counting by the provider --------------------------------------------------------


def test_a_burst_of_typing_is_counted_once_after_the_pause(qapp, qloop, qtbot) -> None:
    meter = TokenMeter(delay_ms=5)
    counter = counting(meter)
    for typed in ("h", "he", "hel", "hell", "hello"):
        meter.set_draft(typed)
    assert counter.asked == []
    run_until(qloop, lambda: bool(counter.asked))  # the timer fired, once
    assert counter.texts() == ["hello"]
    assert counter.asked[0][0] == "kimi-k2.5"
    with qtbot.waitSignal(meter.reading_changed) as changed:
        counter.answer(qloop, 7)
    assert changed.args == [fits(7, exact=True)]
    assert counter.texts() == ["hello"]
    meter.close()
    meter.deleteLater()


def test_one_count_at_a_time_and_stale_answers_are_dropped(meter, qloop) -> None:
    counter = counting(meter)
    seen = readings(meter)
    meter.set_draft("first")
    meter.flush()
    run_until(qloop, lambda: len(counter.waiting) == 1)
    assert seen == [fits(estimate_turn("first"), exact=False)]

    meter.set_draft("second draft")
    meter.flush()  # while "first" is still being counted
    loop_turns(qloop)
    assert len(counter.asked) == 1  # not a second request in flight

    counter.answer(qloop, 111)  # the answer for "first": stale
    assert all(r is None or r.tokens != 111 for r in seen)
    run_until(qloop, lambda: len(counter.asked) == 2)
    assert counter.texts() == ["first", "second draft"]
    counter.answer(qloop, 222)
    assert meter.reading == fits(222, exact=True)
    assert counter.most_in_flight == 1

    meter.set_draft("first")  # counted before: answered at once, nobody asked
    meter.flush()
    assert meter.reading == fits(111, exact=True)
    assert len(counter.asked) == 2


def test_an_answer_for_changed_inputs_waits_for_the_next_pause(meter, qloop) -> None:
    counter = counting(meter)
    meter.set_draft("one")
    meter.flush()
    run_until(qloop, lambda: bool(counter.waiting))
    meter.set_draft("one two")  # no pause yet
    counter.answer(qloop, 5)
    loop_turns(qloop)
    assert meter.reading is not None
    assert not meter.reading.exact
    assert counter.texts() == ["one"]  # typing goes on: the next pause asks
    meter.flush()
    counter.answer(qloop, 9)
    assert meter.reading == fits(9, exact=True)


def test_typing_sends_only_the_draft_not_the_history_or_images(meter, qloop) -> None:
    counter = counting(meter)
    meter.set_history(HISTORY)
    meter.set_draft("look at this", [PNG])
    meter.flush()
    counter.answer(qloop, 1_000)  # the history
    counter.answer(qloop, 10)  # the draft's text
    counter.answer(qloop, 3_005)  # the image, with a probe text
    counter.answer(qloop, 5)  # the probe text alone
    assert meter.reading == fits(1_000 + 10 + 3_000, exact=True)
    assert next(m for _model, m in counter.asked) == list(HISTORY)
    assert counter.asked[2][1][0].images == (PNG,)
    assert counter.asked[3][1][0].images == ()

    meter.set_draft("look at this!", [PNG])
    meter.flush()
    counter.answer(qloop, 11)
    assert meter.reading == fits(1_000 + 11 + 3_000, exact=True)
    assert counter.asked[-1][1] == [Message("user", "look at this!")]
    assert len(counter.asked) == 5


def test_images_already_sent_count_at_their_most_and_keep_the_reading_an_estimate(
    meter, qloop
) -> None:
    """The history is measured without its images' bytes: each earlier image adds the
    most an image can cost, locally and on top of the endpoint's count."""
    seen = readings(meter)
    meter.set_model("kimi-k2.5", K, 32_768)
    meter.set_history(HISTORY, image_count=2)
    meter.flush()
    assert seen[-1] == fits(estimate_messages(HISTORY) + 2 * IMAGE_TOKENS, exact=False)

    counter = counting(meter)
    meter.set_history(HISTORY, image_count=1)
    meter.flush()
    counter.answer(qloop, 1_000)
    assert meter.reading == fits(1_000 + IMAGE_TOKENS, exact=False)

    meter.set_history(HISTORY, image_count=0)
    meter.flush()
    assert meter.reading == fits(1_000, exact=True)  # the same history, counted before


def test_a_failed_count_falls_back_quietly_until_the_history_changes(meter, qloop) -> None:
    counter = counting(meter)
    meter.set_draft("hello")
    meter.flush()
    counter.answer(qloop, NetworkError("The connection dropped."))
    local = fits(estimate_turn("hello"), exact=False)
    assert meter.reading == local

    meter.set_draft("hello again")
    meter.flush()
    assert meter.reading == fits(estimate_turn("hello again"), exact=False)
    assert len(counter.asked) == 1  # not asked at every pause after a failure

    meter.set_history(HISTORY)  # a new turn: worth asking again
    meter.flush()
    counter.answer(qloop, 40)
    counter.answer(qloop, 3)
    assert meter.reading == fits(43, exact=True)


def test_an_endpoint_that_cannot_count_is_not_asked_again(meter, qloop) -> None:
    counter = counting(meter)
    meter.set_draft("hello")
    meter.flush()
    counter.answer(qloop, BadRequestError("cannot count", status=404, code="no_token_count"))
    meter.set_history(HISTORY)
    meter.set_model("kimi-k2.6", K, 32_768)
    meter.flush()
    assert meter.reading is not None
    assert not meter.reading.exact
    assert len(counter.asked) == 1


def test_a_strange_answer_counts_as_a_failure(meter, qloop) -> None:
    async def nonsense(model: str, messages: Sequence[Message]) -> int:
        return -3

    meter.set_estimator(nonsense)
    meter.set_model("kimi-k2.5", K, 32_768)
    meter.set_draft("hello")
    meter.flush()
    settle(qloop)
    assert meter.reading == fits(estimate_turn("hello"), exact=False)


def test_another_endpoint_cancels_the_count_and_forgets_the_old_ones(meter, qloop) -> None:
    first, second = Counter(), Counter()
    meter.set_estimator(first)
    meter.set_model("kimi-k2.5", K, 32_768)
    meter.set_draft("hello")
    meter.flush()
    run_until(qloop, lambda: bool(first.waiting))
    meter.set_estimator(second)
    run_until(qloop, lambda: first.in_flight == 0)  # its request was cancelled
    assert first.waiting[0].cancelled()
    meter.flush()
    second.answer(qloop, 6)
    assert meter.reading == fits(6, exact=True)

    meter.set_estimator(None)  # an endpoint that cannot count: estimated, marked
    meter.flush()
    assert meter.reading == fits(estimate_turn("hello"), exact=False)


# -- the draft's documents -----------------------------------------------------------


def attached(name: str, text: str) -> AttachedDocument:
    document = AttachedDocument(name, "text", text, lines=text.count("\n") + 1)
    return AttachedDocument(
        name, "text", text, lines=document.lines, tokens=document_tokens(document)
    )


REPORT = attached("report.md", "# Findings\n" + "The figures hold up. " * 2_000)
NOTES = attached("笔记.txt", "第一章 总结。" * 500)


def test_a_document_is_counted_once_as_the_block_it_is_sent_as(meter, qloop) -> None:
    counter = counting(meter)
    meter.set_history(HISTORY)
    block = document_block(REPORT)
    meter.set_draft("Summarise it.", documents=[block])
    meter.flush()
    counter.answer(qloop, 1_000)  # the history
    counter.answer(qloop, 6)  # the draft's text
    counter.answer(qloop, 9_000)  # the document
    assert counter.asked[2][1] == [Message("system", block)]  # a system message of its own
    assert meter.reading == fits(1_000 + 6 + 9_000, exact=True)

    for typed in ("Summarise it in", "Summarise it in one line."):
        meter.set_draft(typed, documents=[document_block(REPORT)])  # the same block, rebuilt
        meter.flush()
        counter.answer(qloop, 8)
    assert meter.reading == fits(1_000 + 8 + 9_000, exact=True)
    assert len(counter.asked) == 5
    assert [m[-1].role for _model, m in counter.asked[3:]] == ["user", "user"]


def test_adding_removing_and_bringing_back_documents(meter, qloop) -> None:
    counter = counting(meter)
    report, notes = document_block(REPORT), document_block(NOTES)
    meter.set_draft("Compare them.", documents=[report])
    meter.flush()
    counter.answer(qloop, 4)
    counter.answer(qloop, 9_000)
    meter.set_draft("Compare them.", documents=[report, notes])
    meter.flush()
    counter.answer(qloop, 2_500)  # only the new one is asked about
    assert meter.reading == fits(4 + 9_000 + 2_500, exact=True)
    assert counter.asked[-1][1] == [Message("system", notes)]

    meter.set_draft("Compare them.", documents=[notes])  # the report removed
    meter.flush()
    assert meter.reading == fits(4 + 2_500, exact=True)
    meter.set_draft("Compare them.", documents=[notes, report])  # and attached again
    meter.flush()
    assert meter.reading == fits(4 + 2_500 + 9_000, exact=True)
    assert len(counter.asked) == 3


def test_many_documents_stay_remembered_while_typing(meter, qloop) -> None:
    counter = counting(meter)
    blocks = [document_block(attached(f"part {n}.txt", f"Part {n} of the log.")) for n in range(24)]
    meter.set_draft("What failed?", documents=blocks)
    meter.flush()
    for _ in range(25):
        counter.answer(qloop, 100)
    for n in range(20):  # more pauses than parts are remembered besides the documents
        meter.set_draft("What failed?" + " and why" * (n + 1), documents=blocks)
        meter.flush()
        counter.answer(qloop, 5)
    assert meter.reading == fits(5 + 24 * 100, exact=True)
    assert len(counter.asked) == 25 + 20
    assert all(m[-1].role == "user" for _model, m in counter.asked[25:])


def test_documents_alone_are_measured_and_estimated_like_their_chips(meter) -> None:
    seen = readings(meter)
    meter.set_model("kimi-k2.5", K, 32_768)
    meter.set_draft("", documents=[document_block(REPORT), document_block(NOTES)])
    meter.flush()
    assert seen == [fits(REPORT.tokens + NOTES.tokens, exact=False)]
    meter.set_draft("Which is longer?", documents=[document_block(REPORT)])
    meter.flush()
    assert seen[-1] == fits(estimate_turn("Which is longer?") + REPORT.tokens, exact=False)
    meter.set_draft("")
    assert seen[-1] is None


def test_the_budget_with_documents_is_the_one_sending_asks_for(meter) -> None:
    big = attached("dump.log", "x" * 3 * (K - 25_000))  # nearly fills the context, as sent
    stored = [
        StoredMessage(1, 1, "user", "Hi", 0.0),
        StoredMessage(2, 1, "assistant", "Hello!", 0.0),
    ]
    meter.set_model("kimi-k2.5", K, None)
    meter.set_history(build_history(stored, blob=lambda _sha: None))
    for documents in ((REPORT,), (REPORT, big), ()):
        draft = StoredMessage(3, 1, "user", "What went wrong?", 0.0, documents=documents)
        sent = build_history([*stored, draft], blob=lambda _sha: None)
        meter.set_draft(draft.text, documents=[document_block(d) for d in documents])
        meter.flush()
        assert meter.reading.budget == output_budget(None, K, sent)
    meter.set_draft("What went wrong?", documents=[document_block(REPORT), document_block(big)])
    meter.flush()
    assert meter.reading.budget_cut
    assert meter.reading.level is not Level.OK


def loop_turns(loop: asyncio.AbstractEventLoop, turns: int = 5) -> None:
    """Let queued callbacks run a few times (to show that something does not happen)."""
    for _ in range(turns):
        loop.run_until_complete(asyncio.sleep(0))


# -- against the loopback server -----------------------------------------------------


def test_moonshot_counts_through_the_client(meter, qloop) -> None:
    with FakeKimiServer("moonshot") as server:
        server.override(
            "POST",
            "/v1/tokenizers/estimate-token-count",
            json_reply({"data": {"total_tokens": 1_234}}),
        )
        meter.set_estimator(client_estimator(server))
        meter.set_model("kimi-k2.5", K, 32_768)
        meter.set_draft("你好，我叫李雷")
        meter.flush()
        run_until(qloop, lambda: meter.reading is not None and meter.reading.exact)
        assert meter.reading == fits(1_234, exact=True)
        [asked] = [r for r in server.requests if r.path.endswith("/estimate-token-count")]
        assert asked.json() == {
            "model": "kimi-k2.5",
            "messages": [{"role": "user", "content": "你好，我叫李雷"}],
        }


def test_an_endpoint_without_a_tokenizer_is_estimated_and_not_asked_again(meter, qloop) -> None:
    path = "/v1/tokenizers/estimate-token-count"
    with FakeKimiServer("moonshot") as server:
        server.override("POST", path, json_reply({"error": {"message": "Not found"}}, status=404))
        meter.set_estimator(client_estimator(server))
        meter.set_model("kimi-k2.5", K, 32_768)
        meter.set_draft("hello")
        meter.flush()
        settle(qloop)
        assert meter.reading == fits(estimate_turn("hello"), exact=False)

        meter.set_history(HISTORY)
        meter.flush()
        settle(qloop)
        assert meter.reading == fits(
            estimate_messages(HISTORY) + estimate_turn("hello"), exact=False
        )
        assert [r.path for r in server.requests].count(path) == 1
