"""Paint a sample answer with each theme into PNGs, to look at the styles.

A tool for working on the themes and the renderer, not a test: nothing is checked.

Run: QT_QPA_PLATFORM=offscreen python scripts/preview_render.py [file.md] [out-dir]
Writes render-light.png and render-dark.png (default: the system temp directory).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QTextDocument

from kimi_desktop.render.markdown import MarkdownRenderer
from kimi_desktop.render.theme import theme_for

SAMPLE = """\
## Reading a CSV file in Python

Use the [`csv` module](https://docs.python.org/3/library/csv.html) from the standard \
library, or `pandas.read_csv()` when you need speed. Here are the options:
- **csv**: no install, streams rows
- **pandas**: fast, but a big dependency
  - install it with `pip install pandas`

```python
import csv

def read_rows(path: str) -> list[dict[str, str]]:
    \"\"\"Return every row as a dict keyed by the header.\"\"\"
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))  # a long comment to show how long lines wrap in a block
```

| Library | Speed | Install |
|:--------|------:|:-------:|
| csv     | 1×    | none    |
| pandas  | 12×   | `pip`   |

- [x] Read the file
- [ ] Validate the header
- [ ] Write tests

> **Note:** files saved by Excel may start with a byte-order mark; open them with
> `encoding="utf-8-sig"`.

---

Chart: ![rows per second](https://example.com/chart.png)
"""


def paint(markdown: str, dark: bool, out: Path, width: int = 680) -> Path:
    theme = theme_for(dark)
    doc = QTextDocument()
    doc.setDocumentMargin(16)
    doc.setIndentWidth(24)
    doc.setDefaultStyleSheet(theme.css)
    doc.setHtml(MarkdownRenderer().render(markdown))
    doc.setTextWidth(width)
    image = QImage(doc.size().toSize(), QImage.Format.Format_ARGB32)
    image.fill(QColor(theme.palette.background))
    painter = QPainter(image)
    doc.drawContents(painter)
    painter.end()
    path = out / f"render-{theme.name}.png"
    image.save(str(path))
    return path


def main() -> None:
    markdown = Path(sys.argv[1]).read_text(encoding="utf-8") if len(sys.argv) > 1 else SAMPLE
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.gettempdir())
    app = QGuiApplication(sys.argv[:1])
    for dark in (False, True):
        print(paint(markdown, dark, out))
    del app


if __name__ == "__main__":
    main()
