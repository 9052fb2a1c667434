"""Formulas in rendered messages, drawn as images a ``QTextDocument`` shows.

The renderer writes each formula that typesets as ``<img src="kimi-math:…">``,
the address holding the LaTeX itself (:func:`kimi_desktop.render.math.formula_url`).
:func:`add_math_images` gives a document, before its HTML is set, an image for
each such address: the formula's SVG drawn by QtSvg in the text's colour, at
the text's size and the screen's device pixel ratio, registered with
``QTextDocument.addResource``. A document keeps its resources when its HTML is
set again, and a clone (used to measure a bubble) has them too; nothing is ever
loaded from anywhere else.

An inline formula sits on the text's baseline. Qt has no baseline for an
image: one with ``align="middle"`` counts as reaching half the font's x-height
higher than it reaches lower, and is drawn centred between the top and bottom
of its line, which the text or the image decides, whichever is taller. The
image is padded above or below, as little as will do, until the formula's
baseline lands on the text's (:func:`inline_placement`). On a line with a much
taller formula a short one may sit a pixel or two off.

Images are cached by formula, colour, size and device pixel ratio, up to
:data:`CACHE_BYTES`; the typeset SVG underneath is cached by the renderer.

Copying a selection copies a formula as its source: :func:`with_formula_sources`
puts ``$…$`` (or ``$$…$$``) where Qt's plain text has U+FFFC for the image.
"""

from __future__ import annotations

import html
import math
import re
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetrics,
    QFontMetricsF,
    QImage,
    QPainter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from kimi_desktop.render.math import FORMULA_SCHEME, Formula, parse_formula_url, typeset

MATH_SCALE = 1.15
"""Formula em per text em: STIX Two's letters are smaller than a UI font's at one size."""

CACHE_BYTES = 32 * 1024 * 1024
"""How many bytes of formula images are kept for reuse."""

OBJECT_REPLACEMENT = "\ufffc"
"""What Qt's plain text of a document has in place of an image."""

_MOST_PADDING_STEPS = 10_000  # a bound on the search for an inline formula's padding


@dataclass(frozen=True, slots=True)
class TextMetrics:
    """What a formula's image needs to know of the text around it, in px."""

    em: float
    x_height: int
    ascent: float
    descent: float

    @classmethod
    def of(cls, font: QFont) -> TextMetrics:
        metrics = QFontMetricsF(font)
        # Qt centres inline images with the whole-pixel x-height of QFontMetrics.
        x_height = QFontMetrics(font).xHeight()
        return cls(
            float(QFontInfo(font).pixelSize()), x_height, metrics.ascent(), metrics.descent()
        )


_FORMULA_SRC = re.compile(rf'<img src="({re.escape(FORMULA_SCHEME)}:[^"]*)"')
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\bsrc="([^"]*)"')


def add_math_images(
    document: QTextDocument, html_text: str, color: QColor, font: QFont, device_pixel_ratio: float
) -> int:
    """Give ``document`` an image for every formula in ``html_text``, drawn in ``color`` at
    the size of ``font`` (the document's), for a screen of ``device_pixel_ratio``.

    Call it before ``setHtml``; returns how many formulas got an image.
    """
    if FORMULA_SCHEME not in html_text:
        return 0
    text = TextMetrics.of(font)
    count = 0
    for src in dict.fromkeys(_FORMULA_SRC.findall(html_text)):
        address = html.unescape(src)
        image = formula_image(address, color.name(), text, device_pixel_ratio)
        if image is not None:
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(address), image)
            count += 1
    return count


def refresh_math_images(
    document: QTextDocument, html_text: str, color: QColor, font: QFont, device_pixel_ratio: float
) -> None:
    """Draw the formulas of ``html_text``, already shown by ``document``, again (another
    font, colour or screen) and lay the document out anew with them."""
    if add_math_images(document, html_text, color, font, device_pixel_ratio):
        document.markContentsDirty(0, document.characterCount())


def formula_image(
    address: str, color: str, text: TextMetrics, device_pixel_ratio: float
) -> QImage | None:
    """The image for a formula's ``address``, drawn in ``color`` (``#rrggbb``) to go with
    ``text``; ``None`` if the address is not a formula's or the formula does not typeset."""
    key = (address, color, text, device_pixel_ratio)
    image = _images.get(key)
    if image is None:
        image = _draw(address, color, text, device_pixel_ratio)
        if image is not None:
            _images.put(key, image)
    return image


def clear_cache() -> None:
    """Forget every image drawn (for tests and measurements)."""
    _images.clear()


def with_formula_sources(text: str, html_text: str) -> str:
    """``text``, the plain text of a selection whose HTML is ``html_text``, with each
    formula's image (U+FFFC) replaced by its source between dollars."""
    if OBJECT_REPLACEMENT not in text:
        return text
    pieces = text.split(OBJECT_REPLACEMENT)
    images = [_source_of(tag) for tag in _IMG.findall(html_text)]
    out = [pieces[0]]
    for index, piece in enumerate(pieces[1:]):
        source = images[index] if index < len(images) else None
        out.append(OBJECT_REPLACEMENT if source is None else source)
        out.append(piece)
    return "".join(out)


def html_with_formula_sources(html_text: str) -> str:
    """``html_text`` with each formula's image replaced by its source between dollars
    (an image with a ``kimi-math:`` address means nothing to another program)."""

    def source(match: re.Match[str]) -> str:
        found = _source_of(match.group(0))
        return match.group(0) if found is None else html.escape(found, quote=False)

    return _IMG.sub(source, html_text)


def _source_of(tag: str) -> str | None:
    """The LaTeX, between its delimiters, of the formula an ``<img>`` tag shows."""
    src = _SRC.search(tag)
    parsed = parse_formula_url(html.unescape(src.group(1))) if src else None
    if parsed is None:
        return None
    latex, display = parsed
    return f"$${latex}$$" if display else f"${latex}$"


def inline_placement(
    ascent: float, descent: float, text: TextMetrics, device_pixel_ratio: float
) -> tuple[float, float]:
    """(height, top): the shortest image, in whole device pixels, that puts the baseline
    of a formula reaching ``ascent`` px above it and ``descent`` px below, drawn
    ``top`` px down the image, on the baseline of ``text``, with Qt's rule for
    ``align="middle"`` images (see the module's docstring)."""
    half_x = text.x_height / 2
    pixels = max(1, math.ceil((ascent + descent) * device_pixel_ratio - 1e-6))
    for _ in range(_MOST_PADDING_STEPS):
        height = pixels / device_pixel_ratio
        line_ascent = max(text.ascent, (height + half_x) / 2)
        line_descent = max(text.descent, (height - half_x) / 2)
        top = (line_ascent - line_descent + height) / 2 - ascent  # centred in the line
        if -1e-6 <= top <= height - ascent - descent + 1e-6:
            return height, max(0.0, top)
        pixels += 1
    return (ascent + descent), 0.0  # unreachable: a tall enough image always fits


def _draw(address: str, color: str, text: TextMetrics, device_pixel_ratio: float) -> QImage | None:
    parsed = parse_formula_url(address)
    formula = None if parsed is None else typeset(parsed[0], display=parsed[1])
    if formula is None or text.em <= 0 or device_pixel_ratio <= 0:
        return None
    scale = text.em * MATH_SCALE
    width = formula.width * scale
    ascent, descent = formula.ascent * scale, formula.descent * scale
    if formula.display:
        height = math.ceil((ascent + descent) * device_pixel_ratio) / device_pixel_ratio
        top = 0.0
    else:
        height, top = inline_placement(ascent, descent, text, device_pixel_ratio)
    return _painted(formula, color, width, height, top, ascent + descent, device_pixel_ratio)


def _painted(
    formula: Formula,
    color: str,
    width: float,
    height: float,
    top: float,
    drawn_height: float,
    device_pixel_ratio: float,
) -> QImage | None:
    """``formula`` in ``color``, ``drawn_height`` px tall from ``top`` px down an image
    ``width`` x ``height`` px."""
    renderer = QSvgRenderer(QByteArray(formula.svg(color).encode()))
    if not renderer.isValid():
        return None
    image = QImage(
        max(1, math.ceil(width * device_pixel_ratio)),
        max(1, round(height * device_pixel_ratio)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(device_pixel_ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, top, width, drawn_height))
    painter.end()
    return image


class _ImageCache:
    """The most recently used images, up to a number of bytes."""

    def __init__(self, most_bytes: int) -> None:
        self._most = most_bytes
        self._bytes = 0
        self._images: OrderedDict[tuple[object, ...], QImage] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> QImage | None:
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def put(self, key: tuple[object, ...], image: QImage) -> None:
        self._images[key] = image
        self._bytes += image.sizeInBytes()
        while self._bytes > self._most and len(self._images) > 1:
            _, dropped = self._images.popitem(last=False)
            self._bytes -= dropped.sizeInBytes()

    def clear(self) -> None:
        self._images.clear()
        self._bytes = 0


_images = _ImageCache(CACHE_BYTES)
