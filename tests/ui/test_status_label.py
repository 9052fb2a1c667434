"""Status lines: the words alone as text, the status's icon drawn before them in the
label's own colour, following a palette change, beside right-aligned text too."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette

from kimi_desktop.ui.icons import ICON_NAMES, STATUS_ICONS, Status, StatusLabel

RED, PALE = QColor("#b42318"), QColor("#e6e7ea")
GROUND_LIGHT, GROUND_DARK = QColor("#ffffff"), QColor("#1e1f22")


def coloured(label: StatusLabel, ink: QColor, ground: QColor) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, ink)
    palette.setColor(QPalette.ColorRole.Window, ground)
    label.setPalette(palette)
    label.setAutoFillBackground(True)


def pixels_near(image: QImage, rect: QRect, ink: QColor) -> int:
    """How many pixels of ``rect`` (logical) are close to ``ink``."""
    ratio = image.devicePixelRatio()
    count = 0
    for x in range(rect.left(), rect.right() + 1):
        for y in range(rect.top(), rect.bottom() + 1):
            colour = image.pixelColor(round(x * ratio), round(y * ratio))
            if max(abs(colour.red() - ink.red()), abs(colour.green() - ink.green()),
                   abs(colour.blue() - ink.blue())) <= 40:  # fmt: skip
                count += 1
    return count


def test_every_status_has_a_bundled_icon() -> None:
    assert set(STATUS_ICONS) == set(Status)
    assert all(name in ICON_NAMES for name in STATUS_ICONS.values())


def test_the_text_is_the_words_and_the_icon_is_drawn_before_them(qtbot) -> None:
    label = StatusLabel()
    qtbot.addWidget(label)
    coloured(label, RED, GROUND_LIGHT)
    label.show_status(Status.ERROR, "The key was rejected.")
    label.resize(320, label.sizeHint().height())
    assert label.text() == "The key was rejected."
    assert label.property("status") == "error"
    where = label.icon_rect()
    assert where is not None
    assert where.right() < label.contentsRect().left()  # in the room kept free for it
    assert pixels_near(label.grab().toImage(), where, RED) >= 8

    label.setText("Testing…")  # words without a verdict
    assert label.status is None
    assert label.icon_rect() is None
    assert label.contentsMargins().left() == 0
    label.show_status(Status.OK, "Connected.")
    label.clear()
    assert label.status is None
    assert label.text() == ""


def test_each_status_draws_its_own_icon(qtbot) -> None:
    label = StatusLabel()
    qtbot.addWidget(label)
    coloured(label, RED, GROUND_LIGHT)
    drawn = {}
    for status in Status:
        label.show_status(status, "Words")
        label.resize(200, label.sizeHint().height())
        where = label.icon_rect()
        assert where is not None
        image = label.grab().toImage()
        assert pixels_near(image, where, RED) >= 8, status
        ratio = image.devicePixelRatio()
        drawn[status] = image.copy(QRect(where.topLeft() * ratio, where.size() * ratio))
    assert len({image.cacheKey() for image in drawn.values()}) == len(Status)
    assert all(
        drawn[a] != drawn[b] for a in Status for b in Status if a != b
    )  # four different pictures


def test_the_icon_follows_a_palette_change(qtbot) -> None:
    label = StatusLabel()
    qtbot.addWidget(label)
    coloured(label, RED, GROUND_LIGHT)
    label.show_status(Status.WARNING, "Plain http sends the key unencrypted.")
    label.resize(360, label.sizeHint().height())
    where = label.icon_rect()
    assert where is not None
    assert pixels_near(label.grab().toImage(), where, RED) >= 8

    coloured(label, PALE, GROUND_DARK)  # what a theme switch does
    image = label.grab().toImage()
    assert pixels_near(image, where, PALE) >= 8
    assert pixels_near(image, where, RED) == 0


def test_beside_right_aligned_text_the_icon_stands_just_before_it(qtbot) -> None:
    label = StatusLabel()
    qtbot.addWidget(label)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.show_status(Status.WARNING, "250,000 / 262,144")
    label.resize(label.sizeHint().width() + 100, label.sizeHint().height())
    where = label.icon_rect()
    assert where is not None
    text_left = label.contentsRect().right() + 1
    text_left -= label.fontMetrics().horizontalAdvance(label.text())
    assert 0 <= text_left - where.right() <= 8
    assert where.left() > 50  # not stranded at the far left


def test_a_wrapped_text_keeps_its_room_for_the_icon(qtbot) -> None:
    label = StatusLabel()
    qtbot.addWidget(label)
    label.setWordWrap(True)
    label.show_status(Status.ERROR, "word " * 40)
    width = 200
    with_icon = label.heightForWidth(width)
    label.setText("word " * 40)
    assert label.heightForWidth(width) < with_icon  # the icon's room narrows the lines
