"""Document files for the extraction tests, built in memory.

``pdf_bytes`` writes a small but valid PDF by hand: a catalog, a page tree, one
standard Type 1 font (Helvetica, which every reader knows without embedding) and
one content stream per page, with a cross-reference table whose offsets are
counted as the file is written. Pages given as ``None`` carry a small grey image
and no text at all, as a scanned page does. ``encrypted_pdf`` runs one of these
through pypdf's own writer, so the encryption is the real thing.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_IMAGE_SIDE = 4


def pdf_bytes(pages: Sequence[str | None], *, compressed: bool = False) -> bytes:
    """A PDF with one page per item: its lines as text, or an image-only page for ``None``.

    Text must be Latin-1 (the standard fonts know nothing else). ``compressed``
    deflates the content streams, as most real PDFs do.
    """
    objects: list[bytes] = [b"", b"", _FONT, _image_object()]
    kids: list[int] = []
    for text in pages:
        content = _text_content(text) if text is not None else _image_content()
        objects.append(_stream(content, compressed=compressed))
        content_number = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> "
            b"/Contents %d 0 R >>" % content_number
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (references, len(kids))
    return _assemble(objects)


def long_pdf(page_count: int, *, lines_per_page: int = 40) -> bytes:
    """A PDF of ``page_count`` full pages of prose, compressed, for size and speed checks."""
    sentence = "The quick brown fox jumps over the lazy dog while the report goes on, line"
    pages = [
        "\n".join(f"{sentence} {line + 1} of page {page + 1}." for line in range(lines_per_page))
        for page in range(page_count)
    ]
    return pdf_bytes(pages, compressed=True)


def encrypted_pdf(pages: Sequence[str | None], *, user_password: str) -> bytes:
    """``pdf_bytes(pages)`` encrypted by pypdf (RC4, 128 bits, needs no crypto library).

    With ``user_password=""`` anyone may open the file; only the owner password
    (set to something else) guards editing and printing, as many PDFs from
    offices and banks do.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def damaged_pdf() -> bytes:
    """A PDF header and then noise: nothing a reader can recover."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8 + b"\nthis is no pdf\n"


def truncated_pdf(pages: Sequence[str | None]) -> bytes:
    """A valid PDF cut off before its page tree and cross-reference table."""
    whole = pdf_bytes(pages)
    return whole[: whole.index(b"/Type /Pages") - 12]


def _text_content(text: str) -> bytes:
    lines = text.split("\n")
    body = [b"BT", b"/F1 11 Tf", b"14 TL", b"72 720 Td"]
    for index, line in enumerate(lines):
        if index:
            body.append(b"T*")
        body.append(b"(%s) Tj" % _pdf_string(line))
    body.append(b"ET")
    return b"\n".join(body)


def _image_content() -> bytes:
    return b"q 468 0 0 648 72 72 cm /Im1 Do Q"


def _image_object() -> bytes:
    pixels = bytes(range(40, 40 + 12 * _IMAGE_SIDE * _IMAGE_SIDE, 12))
    header = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>"
        % (_IMAGE_SIDE, _IMAGE_SIDE, len(pixels))
    )
    return header + b"\nstream\n" + pixels + b"\nendstream"


def _stream(content: bytes, *, compressed: bool) -> bytes:
    if compressed:
        data = zlib.compress(content)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


def _pdf_string(line: str) -> bytes:
    raw = line.encode("latin-1")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _assemble(objects: Sequence[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def png_bytes() -> bytes:
    """The start of a real PNG (signature, header chunk): what a picture renamed .txt holds."""
    header = struct.pack(">IIBBBBB", 64, 48, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def office_bytes(part: str = "word/document.xml") -> bytes:
    """A ZIP container like a .docx, .xlsx or .pptx (only the files API reads inside)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(part, "<document/>")
    return out.getvalue()
