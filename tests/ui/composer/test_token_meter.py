"""The composer's token meter: where it sits, what it shows, warnings readable in both themes.

Nothing here reads English words: counts, marks, levels and colours only, so the
checks hold in any language.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QMimeData
from PySide6.QtGui import QColor, QImage, QPalette

from kimi_desktop.services.token_estimate import IMAGE_TOKENS, estimate_turn
from kimi_desktop.services.token_meter import TokenMeter
from kimi_desktop.services.token_reading import TokenReading
from kimi_desktop.ui.composer.panel import ComposerPanel
from kimi_desktop.ui.composer.token_meter import TokenMeterLabel
from kimi_desktop.ui.icons import Status
from kimi_desktop.ui.shell.style import apply_style
from tests.loop_support import settle
from tests.ui.colours import contrast

NEVER = 3_600_000  # the test calls flush() instead of waiting for the pause
K = 262_144


@pytest.fixture
def meter(qapp, qloop) -> Iterator[TokenMeter]:
    made = TokenMeter(delay_ms=NEVER)
    made.set_model("kimi-k2.5", K, 32_768)
    yield made
    made.close()
    settle(qloop)
    made.deleteLater()


@pytest.fixture
def composer(qtbot, meter: TokenMeter) -> ComposerPanel:
    panel = ComposerPanel(meter=meter)
    qtbot.addWidget(panel)
    panel.resize(700, 200)
    panel.show()
    return panel


def png(side: int) -> bytes:
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("#2f6feb"))
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(array.data())


def signed_in(label: TokenMeterLabel, ink: QColor) -> bool:
    """Whether the label draws its warning icon in ``ink``, just before its text."""
    label.resize(label.sizeHint().width() + 40, label.sizeHint().height())  # room to spare
    where = label.icon_rect()
    assert where is not None
    text_left = label.width() - label.contentsMargins().right()
    text_left -= label.fontMetrics().horizontalAdvance(label.text())
    assert 0 <= text_left - where.right() <= 8  # next to the right-aligned text
    image = label.grab().toImage()
    ratio = image.devicePixelRatio()
    pixels = [
        image.pixelColor(round(x * ratio), round(y * ratio))
        for x in range(where.left(), where.right() + 1)
        for y in range(where.top(), where.bottom() + 1)
    ]

    def distance(colour: QColor) -> int:
        return max(
            abs(colour.red() - ink.red()),
            abs(colour.green() - ink.green()),
            abs(colour.blue() - ink.blue()),
        )

    return sum(distance(colour) <= 40 for colour in pixels) >= 8


def estimated(tokens: int) -> TokenReading:
    """A local estimate of a prompt that leaves the whole default budget."""
    return TokenReading(tokens, K, 32_768, exact=False, wanted=32_768)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def text_colour(label: TokenMeterLabel) -> QColor:
    return label.palette().color(QPalette.ColorRole.WindowText)


# -- in the composer -------------------------------------------------------------------


def test_the_meter_sits_under_the_box_and_hides_with_nothing_to_measure(
    composer: ComposerPanel, meter: TokenMeter, qtbot
) -> None:
    label = composer.findChild(TokenMeterLabel, "tokenMeter")
    assert label is composer.token_meter
    assert label.accessibleName()
    assert not label.isVisible()

    qtbot.keyClicks(composer.edit, "hello there")
    meter.flush()
    assert label.isVisible()
    assert label.level.value == label.property("level") == "ok"
    assert label.text().startswith("≈")  # no counter: a local estimate, marked
    assert digits(label.text()) == f"{estimate_turn('hello there')}262144"
    assert label.toolTip()
    assert label.accessibleDescription()
    qtbot.waitUntil(lambda: label.geometry().top() >= composer.edit.geometry().bottom())

    composer.clear_draft()
    assert not label.isVisible()
    assert label.property("level") == ""


def test_the_draft_counts_its_images_and_pasted_text(
    composer: ComposerPanel, meter: TokenMeter, qloop
) -> None:
    qloop.run_until_complete(composer.attach([png(40)]))
    meter.flush()
    assert meter.reading == estimated(estimate_turn("", 1))
    assert meter.reading.tokens >= IMAGE_TOKENS

    mime = QMimeData()
    mime.setText("x" * 200_000)  # too large for the box: held beside it, still counted
    composer.edit.insertFromMimeData(mime)
    meter.flush()
    assert meter.reading == estimated(estimate_turn("x" * 200_000, 1))

    composer.tray.clear()
    meter.flush()
    assert meter.reading == estimated(estimate_turn("x" * 200_000))


def test_a_composer_without_a_meter_never_shows_one(qtbot) -> None:
    panel = ComposerPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.keyClicks(panel.edit, "hello")
    assert not panel.token_meter.isVisible()


# -- the label alone -----------------------------------------------------------------


@pytest.mark.usefixtures("restore_style")
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_warnings_are_signed_coloured_and_readable(qapp, qtbot, dark: bool) -> None:
    apply_style(qapp, dark)
    label = TokenMeterLabel()
    qtbot.addWidget(label)
    window = qapp.palette().color(QPalette.ColorRole.Window)

    label.show_reading(TokenReading(1_000, K, 32_768, exact=True))
    assert label.isVisible()
    assert label.status is None
    assert label.icon_rect() is None
    assert "≈" not in label.text()
    assert digits(label.text()) == "1000262144"
    muted = text_colour(label)
    assert muted == qapp.palette().color(QPalette.ColorRole.PlaceholderText)
    assert muted != qapp.palette().color(QPalette.ColorRole.WindowText)
    ok_tip = label.toolTip()

    label.show_reading(TokenReading(K - 10_000, K, 9_000, exact=True, wanted=32_768))
    assert label.property("level") == "near"
    assert label.status is Status.WARNING
    near = text_colour(label)
    assert signed_in(label, near)
    assert near != muted
    assert contrast(near, window) >= 4.5
    near_tip = label.toolTip()

    label.show_reading(TokenReading(K + 1, K, 32_768, exact=False))
    assert label.property("level") == "over"
    assert label.status is Status.WARNING
    assert "≈" in label.text()
    over = text_colour(label)
    assert signed_in(label, over)
    assert over not in (near, muted)
    assert contrast(over, window) >= 4.5
    assert len({ok_tip, near_tip, label.toolTip()}) == 3

    label.show_reading(None)
    assert not label.isVisible()


@pytest.mark.usefixtures("restore_style")
def test_a_theme_change_recolours_the_meter(qapp, qtbot) -> None:
    apply_style(qapp, False)
    label = TokenMeterLabel()
    qtbot.addWidget(label)
    label.show_reading(TokenReading(K - 10_000, K, 9_000, exact=True, wanted=32_768))
    light = text_colour(label)

    apply_style(qapp, True)
    qtbot.waitUntil(lambda: text_colour(label) != light)
    assert contrast(text_colour(label), qapp.palette().color(QPalette.ColorRole.Window)) >= 4.5

    label.show_reading(TokenReading(1_000, K, 32_768, exact=True))
    assert text_colour(label) == qapp.palette().color(QPalette.ColorRole.PlaceholderText)
    apply_style(qapp, False)
    qtbot.waitUntil(
        lambda: text_colour(label) == qapp.palette().color(QPalette.ColorRole.PlaceholderText)
    )


def test_the_label_follows_its_meter(qtbot, meter: TokenMeter) -> None:
    label = TokenMeterLabel(meter)
    qtbot.addWidget(label)
    meter.set_draft("你好")
    meter.flush()
    assert label.text().startswith("≈")
    assert digits(label.text()) == f"{estimate_turn('你好')}262144"
    meter.set_model("kimi-k2.5", 4, 32_768)  # a tiny context: over at once, no new count
    assert label.property("level") == "over"
