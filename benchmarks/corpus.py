"""Deterministic, realistic inputs: chat prose, markdown replies, token streams.

Words are drawn from a fixed vocabulary of everyday and programming English
with Zipf-like frequencies (the most common words are the most frequent, as in
real text), so full-text search sees realistic posting-list sizes. Replies mix
what models write: paragraphs with inline code and emphasis, bullet and
numbered lists, fenced code in several languages, tables, headings.

Everything is a pure function of a seed: the fake server process and the
benchmark that checks what it received build the same text independently.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from itertools import accumulate

# Ordered roughly by frequency: the weight of the word at rank r is 1 / (r + 2).
_VOCABULARY_TEXT = """
the of and to a in is that it for you this be with as on are not or can by your if from
at have an use but will which all one when we more so there do has they function value
code should data file each new also time would how then these need other first only like
make error return list type set some call example using class method string object its
run about into may just used because test state way any after what server request number
first than key user name version change thread line update read write loop event async
await module import python first window model stream token reply message view widget
layout render text search index query table column row database cache memory process
build config path default option argument parameter variable result output input
response client endpoint network timeout retry status header body json http connection
before while where without between through since both under each within during
performance latency throughput benchmark profile budget baseline median worst simple
small large fast slow better quick careful clear correct simple common handle create
remove open close start stop send receive parse format check load save store fetch apply
compute convert validate encode decode render measure component interface service
session signal slot timer queue task future promise array vector map dictionary tuple
struct enum trait pointer reference lifetime compile link package dependency release
deploy container image volume cluster react rust java typescript javascript golang
kotlin swift linux windows macos Qt GUI API SDK CPU GPU SQL CSS HTML DOM URL UTF JSON
YAML TOML however therefore instead usually actually probably finally otherwise rather
important different possible available specific particular similar certain problem
solution approach pattern design architecture layer boundary contract scroll click press
drag drop paste select focus resize repaint flush coalesce markdown heading paragraph
bullet fence highlight syntax theme palette font keyring secret credential token quota
balance credit limit billing account
"""
_VOCABULARY = tuple(_VOCABULARY_TEXT.split())

_WEIGHTS = [1 / (rank + 2) for rank in range(len(_VOCABULARY))]
_CUMULATIVE = list(accumulate(_WEIGHTS))

_IDENTIFIERS_TEXT = """
items result config session client buffer reader writer handler options payload records
cursor rows widget model view stream chunk delta index count total offset limit path url
response request timeout retries state cache
"""
_IDENTIFIERS = tuple(_IDENTIFIERS_TEXT.split())
_FUNCTIONS_TEXT = """
load_config parse_args fetch_page render_row build_index open_stream read_chunk
apply_delta save_state retry_later flush_buffer handle_event make_client send_request
close_all measure_height
"""
_FUNCTIONS = tuple(_FUNCTIONS_TEXT.split())
_LANGUAGES = ("python", "typescript", "bash", "rust", "sql", "json")


def words(rng: random.Random, count: int) -> list[str]:
    """``count`` words with Zipf-like frequencies."""
    return rng.choices(_VOCABULARY, cum_weights=_CUMULATIVE, k=count)


def sentence(rng: random.Random, low: int = 6, high: int = 18, *, inline: bool = True) -> str:
    ws = words(rng, rng.randint(low, high))
    if inline and rng.random() < 0.35:
        at = rng.randrange(len(ws))
        ws[at] = f"`{rng.choice(_IDENTIFIERS)}.{rng.choice(_FUNCTIONS)}()`"
    if inline and rng.random() < 0.2:
        at = rng.randrange(len(ws))
        ws[at] = f"**{ws[at]}**"
    ws[0] = ws[0][:1].upper() + ws[0][1:]
    return " ".join(ws) + rng.choice(".....?!:")[:1]


def paragraph(rng: random.Random, sentences: tuple[int, int] = (2, 6)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def question(rng: random.Random) -> str:
    """A user prompt: one to three sentences, sometimes with a snippet."""
    text = " ".join(sentence(rng, 5, 16) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.1:
        text += "\n\n" + code_block(rng, lines=(2, 6))
    return text


# -- markdown blocks --------------------------------------------------------------------


def _python_line(rng: random.Random, depth: int) -> tuple[str, int]:
    pad = "    " * depth
    name, fn = rng.choice(_IDENTIFIERS), rng.choice(_FUNCTIONS)
    other = rng.choice(_IDENTIFIERS)
    kind = rng.randrange(8)
    if kind == 0 and depth < 3:
        return f"{pad}for {name[:-1] or 'x'} in {other}:", depth + 1
    if kind == 1 and depth < 3:
        return f"{pad}if {name} is None:", depth + 1
    if kind == 2 and depth > 1:
        return f"{pad}return {name}", depth - 1
    if kind == 3:
        return (
            f"{pad}{name} = {fn}({other}, timeout={rng.randint(1, 60)})  # {words(rng, 1)[0]}",
            depth,
        )
    if kind == 4:
        return f'{pad}log.debug("{" ".join(words(rng, 3))}: %s", {name})', depth
    return f"{pad}{name} = await {fn}({other}[{rng.randint(0, 9)}])", depth


def code_block(rng: random.Random, lines: tuple[int, int] = (4, 18)) -> str:
    language = rng.choice(_LANGUAGES)
    count = rng.randint(*lines)
    body: list[str] = []
    if language == "python":
        body.append(f"async def {rng.choice(_FUNCTIONS)}({rng.choice(_IDENTIFIERS)}):")
        depth = 1
        for _ in range(count):
            line, depth = _python_line(rng, depth)
            body.append(line)
    elif language == "typescript":
        body.append(f"export function {rng.choice(_FUNCTIONS)}(props: Props) {{")
        for _ in range(count):
            name = rng.choice(_IDENTIFIERS)
            body.append(
                f"  const {name} = useMemo(() => {rng.choice(_FUNCTIONS)}(props.{name}), []);"
            )
        body.append("}")
    elif language == "bash":
        for _ in range(count):
            body.append(
                f"{rng.choice(('git', 'curl -sS', 'python -m', 'make', 'ls -la'))} "
                f"{rng.choice(_IDENTIFIERS)}/{rng.choice(_FUNCTIONS)} --{rng.choice(_IDENTIFIERS)}"
            )
    elif language == "rust":
        body.append(f"fn {rng.choice(_FUNCTIONS)}(input: &str) -> Result<usize, Error> {{")
        for _ in range(count):
            body.append(f"    let {rng.choice(_IDENTIFIERS)} = input.len() * {rng.randint(2, 99)};")
        body.append("    Ok(0)\n}")
    elif language == "sql":
        body.append(f"SELECT id, {rng.choice(_IDENTIFIERS)} FROM {rng.choice(_IDENTIFIERS)}")
        body.append(f"WHERE {rng.choice(_IDENTIFIERS)} > {rng.randint(1, 999)}")
        body.append("ORDER BY id DESC LIMIT 50;")
    else:
        body.append("{")
        body += [f'  "{rng.choice(_IDENTIFIERS)}": {rng.randint(0, 9999)},' for _ in range(count)]
        body.append('  "ok": true\n}')
    return f"```{language}\n" + "\n".join(body) + "\n```"


def bullet_list(rng: random.Random, *, numbered: bool = False) -> str:
    items = []
    for i in range(rng.randint(3, 7)):
        marker = f"{i + 1}." if numbered else "-"
        items.append(f"{marker} {sentence(rng, 4, 14)}")
        if not numbered and rng.random() < 0.15:
            items.append(f"  - {sentence(rng, 3, 8)}")
    return "\n".join(items)


def table(rng: random.Random) -> str:
    columns = rng.randint(3, 5)
    head = [w.capitalize() for w in words(rng, columns)]
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * columns) + "|"]
    for _ in range(rng.randint(3, 8)):
        cells = [
            f"`{rng.choice(_IDENTIFIERS)}`" if c == 0 else " ".join(words(rng, rng.randint(1, 3)))
            for c in range(columns)
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def heading(rng: random.Random) -> str:
    return f"{'#' * rng.choice((2, 3, 3))} " + " ".join(words(rng, rng.randint(2, 5))).capitalize()


_BLOCKS: tuple[tuple[Callable[[random.Random], str], float], ...] = (
    (paragraph, 5.0),
    (bullet_list, 1.5),
    (lambda rng: bullet_list(rng, numbered=True), 0.8),
    (code_block, 1.6),
    (table, 0.5),
    (heading, 1.0),
    (lambda rng: "> " + sentence(rng, 8, 20), 0.2),
)


def markdown_blocks(rng: random.Random) -> str:
    """One top-level markdown block chosen as model replies mix them."""
    block = rng.choices([b for b, _ in _BLOCKS], weights=[w for _, w in _BLOCKS])[0]
    return block(rng)


def markdown_reply(rng: random.Random, target_chars: int) -> str:
    """A reply of about ``target_chars`` characters, starting with prose."""
    parts = [paragraph(rng, (1, 3))]
    size = len(parts[0])
    while size < target_chars:
        block = markdown_blocks(rng)
        parts.append(block)
        size += len(block) + 2
    return "\n\n".join(parts)


# -- token streams ------------------------------------------------------------------------

# Roughly how BPE tokenisers cut text: short word pieces carrying their leading
# space, numbers in groups of up to three digits, punctuation alone, runs of
# newlines or of indentation on their own.
_TOKEN = re.compile(r" ?[A-Za-z]{1,7}| ?\d{1,3}|\n+| +|[^\S\n ]| ?[^\sA-Za-z\d]", re.ASCII)


def tokenize(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text:  # every character belongs to exactly one token
        raise AssertionError("tokenizer lost characters")
    return tokens


def markdown_tokens(count: int, seed: int = 2026) -> list[str]:
    """Exactly ``count`` tokens of one long markdown reply (prose, lists, code, tables)."""
    rng = random.Random(seed)
    tokens: list[str] = []
    text = paragraph(rng, (2, 4))
    while True:
        tokens = tokenize(text)
        if len(tokens) >= count:
            return tokens[:count]
        text += "\n\n" + "\n\n".join(markdown_blocks(rng) for _ in range(64))
