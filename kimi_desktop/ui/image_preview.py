"""A larger look at an attached image, and the highlight shown while dragging images in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget


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
            label.setText("This image cannot be shown.")
        else:
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(f"{title}, {image.width()} by {image.height()} pixels")
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
    """A translucent "Drop images to attach" sheet over the chat while dragging."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("Drop images to attach them", parent)
        self.setObjectName("dropOverlay")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def show_over(self, target: QWidget) -> None:
        parent = self.parentWidget()
        assert parent is not None
        top_left = target.mapTo(parent, target.rect().topLeft())
        self.setGeometry(top_left.x(), top_left.y(), target.width(), target.height())
        self.raise_()
        self.show()
