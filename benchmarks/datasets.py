"""Generated inputs kept in the cache directory: history databases and a screenshot.

Each is built once, through the app's own store (``ConversationRepository``),
into a temporary file that is renamed into place when complete, so an
interrupted build is never mistaken for a finished one. File names carry the
size and :data:`VERSION`; bump it when a generator changes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks import corpus

VERSION = 1
_EPOCH = 1_767_225_600.0  # 2026-01-01: timestamps of generated history start here


class _Clock:
    """Unix seconds that advance a little on every call, like a chat unfolding."""

    def __init__(self, step: float) -> None:
        self.now = _EPOCH
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@contextmanager
def _building(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    yield partial
    partial.replace(path)
    for leftover in path.parent.glob(partial.name + "*"):  # -wal / -shm of the temp name
        leftover.unlink()


def _title(text: str) -> str:
    line = text.splitlines()[0]
    return line if len(line) <= 60 else line[:59].rstrip() + "…"


def long_conversation_db(cache_dir: Path, messages: int) -> Path:
    """A history with one conversation of ``messages`` messages (~500 characters each).

    Replies are markdown with code blocks, lists and tables; about a third carry
    reasoning.
    """
    path = cache_dir / f"long-conversation-{messages}-v{VERSION}.sqlite3"
    if not path.exists():
        from kimi_desktop.store.conversations import ConversationRepository
        from kimi_desktop.store.db import Database

        rng = random.Random(messages)
        with _building(path) as partial, Database.open(partial) as database:
            repository = ConversationRepository(database, clock=_Clock(20.0))
            first = corpus.question(rng)
            conversation = repository.create_conversation(_title(first), model="kimi-k2.5")
            with database.transaction():
                for index in range(messages):
                    if index % 2 == 0:
                        text = first if index == 0 else corpus.question(rng)
                        repository.add_message(conversation.id, "user", text)
                    else:
                        reasoning = corpus.paragraph(rng, (2, 5)) if rng.random() < 0.33 else ""
                        reply = corpus.markdown_reply(rng, rng.randint(300, 1400))
                        repository.add_message(
                            conversation.id,
                            "assistant",
                            reply,
                            reasoning=reasoning,
                            model="kimi-k2.5",
                        )
    return path


def search_db(cache_dir: Path, messages: int, per_conversation: int = 50) -> Path:
    """A history of ``messages`` messages in conversations of ``per_conversation``."""
    path = cache_dir / f"search-{messages}-v{VERSION}.sqlite3"
    if path.exists():
        return path
    from kimi_desktop.store.conversations import ConversationRepository
    from kimi_desktop.store.db import Database

    rng = random.Random(messages)
    with _building(path) as partial, Database.open(partial) as database:
        repository = ConversationRepository(database, clock=_Clock(7.0))
        with database.transaction():
            written = 0
            while written < messages:
                first = corpus.question(rng)
                conversation = repository.create_conversation(_title(first), model="kimi-k2.5")
                for index in range(min(per_conversation, messages - written)):
                    if index % 2 == 0:
                        text = first if index == 0 else corpus.question(rng)
                        repository.add_message(conversation.id, "user", text)
                    else:
                        text = corpus.paragraph(rng, (3, 8))
                        if rng.random() < 0.3:
                            text += "\n\n" + corpus.code_block(rng, lines=(3, 10))
                        repository.add_message(conversation.id, "assistant", text)
                    written += 1
    return path


def screenshot_png(cache_dir: Path, width: int, height: int) -> Path:
    """A UI-like screenshot: sidebar, chat with text and code, a photo, buttons."""
    path = cache_dir / f"screenshot-{width}x{height}-v{VERSION + 1}.png"
    if path.exists():
        return path
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter

    rng = random.Random(width * height)
    scale = height / 1080
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f6f7f9"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)

    def px(value: float) -> int:
        return round(value * scale)

    ui_font = QFont("DejaVu Sans")
    ui_font.setPixelSize(px(14))
    mono = QFont("DejaVu Sans Mono")
    mono.setPixelSize(px(13))
    # Title bar with a gradient and window buttons.
    bar = QLinearGradient(0, 0, 0, px(40))
    bar.setColorAt(0, QColor("#e9ebef"))
    bar.setColorAt(1, QColor("#dfe2e7"))
    painter.fillRect(0, 0, width, px(40), bar)
    for i, colour in enumerate(("#ff5f57", "#febc2e", "#28c840")):
        painter.setBrush(QColor(colour))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(px(14 + i * 22), px(13), px(14), px(14))
    # Sidebar: conversation titles.
    sidebar = px(300)
    painter.fillRect(0, px(40), sidebar, height - px(40), QColor("#eceef2"))
    painter.setFont(ui_font)
    y = px(60)
    while y < height - px(40):
        selected = rng.random() < 0.05
        if selected:
            painter.fillRect(px(8), y - px(6), sidebar - px(16), px(36), QColor("#d4dcf5"))
        painter.setPen(QColor("#1f2328"))
        painter.drawText(px(20), y + px(18), corpus.sentence(rng, 3, 6, inline=False)[:34])
        y += px(40)
    # Chat column: paragraphs, code blocks, an avatar per message.
    left, right = sidebar + px(60), width - px(120)
    y = px(70)
    while y < height - px(160):
        painter.setBrush(QColor("#5b6cf0"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(left - px(44), y, px(28), px(28))
        painter.setPen(QColor("#24292f"))
        painter.setFont(ui_font)
        text = corpus.paragraph(rng, (2, 5))
        box = QRect(left, y, right - left, height)
        bounds = painter.boundingRect(box, Qt.TextFlag.TextWordWrap, text)
        painter.drawText(box, Qt.TextFlag.TextWordWrap, text)
        y = bounds.bottom() + px(18)
        if rng.random() < 0.6:
            code = corpus.code_block(rng, lines=(3, 9)).splitlines()[1:-1]
            block = QRect(left, y, right - left, px(20) * len(code) + px(24))
            painter.fillRect(block, QColor("#1e1f24"))
            painter.setFont(mono)
            for line_no, line in enumerate(code):
                painter.setPen(QColor(rng.choice(("#e6edf3", "#ff7b72", "#a5d6ff", "#d2a8ff"))))
                painter.drawText(left + px(16), y + px(28) + line_no * px(20), line)
            y = block.bottom() + px(24)
    # A photo someone pasted into the chat: smooth colour with fine grain, the
    # part of a real screenshot that PNG compresses worst.
    grain_w, grain_h = width // 8, height // 8
    grain = QImage(
        rng.randbytes(grain_w * grain_h * 4), grain_w, grain_h, QImage.Format.Format_RGB32
    )
    photo = QRect(right - px(520), px(90), px(480), px(320))
    painter.drawImage(photo, grain.scaled(photo.size()))
    sky = QLinearGradient(0, photo.top(), 0, photo.bottom())
    sky.setColorAt(0, QColor(70, 130, 200, 215))
    sky.setColorAt(1, QColor(230, 180, 120, 215))
    painter.fillRect(photo, sky)
    # Composer and its buttons.
    painter.setPen(QColor("#c9ced6"))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(left, height - px(130), right - left, px(100), px(12), px(12))
    painter.setBrush(QColor("#5b6cf0"))
    painter.drawRoundedRect(right - px(110), height - px(76), px(90), px(34), px(8), px(8))
    painter.setPen(QColor("#ffffff"))
    painter.setFont(ui_font)
    painter.drawText(right - px(88), height - px(53), "Send")
    painter.end()
    with _building(path) as partial:
        # The stub types the format as bytes; PySide6 6.11 accepts only str.
        if not image.save(str(partial), "PNG"):  # type: ignore[call-overload]
            raise RuntimeError(f"could not write {partial}")
    return path
