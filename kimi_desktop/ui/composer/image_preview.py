"""A larger look at an attached image, and the highlight shown while dragging files in."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QScrollArea,
    QStyle,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import _


class ImagePreviewDialog(QDialog):
    """The image at up to its real size, scrollable, closed with Esc."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imagePreview")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        image = QImage.fromData(data)
        label = QLabel(self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if image.isNull():
            label.setText(_("This image cannot be shown."))
        else:
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(
                _("{title}, {width} by {height} pixels").format(
                    title=title, width=image.width(), height=image.height()
                )
            )
        scroll = QScrollArea(self)
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        screen = self.screen().availableGeometry() if self.screen() else None
        width = min(image.width() + 24, int(screen.width() * 0.8) if screen else 1200)
        height = min(image.height() + 24, int(screen.height() * 0.8) if screen else 800)
        self.resize(max(width, 320), max(height, 240))


class DropOverlay(QLabel):
    """A tinted "Drop images or documents" sheet over its target while files are dragged.

    It follows the target's size while shown, and lets drag events through to
    the widgets beneath it.
    """

    def __init__(self, parent: QWidget) -> None:
        # TRANSLATORS: shown over the chat while files are dragged over the window.
        super().__init__(_("Drop images or documents"), parent)
        self.setObjectName("dropOverlay")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._target: QWidget | None = None
        self.hide()

    def show_over(self, target: QWidget) -> None:
        if target is not self._target:
            if self._target is not None:
                self._target.removeEventFilter(self)
            target.installEventFilter(self)
            self._target = target
        self.show()  # may lay the target out anew, so place the sheet after it
        self.raise_()
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._target and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        # The style sheet's tint is translucent; without an opaque ground first,
        # the chat's text would show through and collide with the label.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        # The parent's palette: the style sheet turns this label's own into the tint.
        ground = self.parentWidget() or self
        painter.setBrush(ground.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 12, 12)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        painter.end()
        super().paintEvent(event)

    def _place(self) -> None:
        parent, target = self.parentWidget(), self._target
        assert parent is not None
        assert target is not None
        top_left = target.mapTo(parent, target.rect().topLeft())
        self.setGeometry(top_left.x(), top_left.y(), target.width(), target.height())
