"""How a document is put before the model: a context block of its own naming the file.

Moonshot's guides put each extracted file in a system message of its own, ahead
of the question ("每个文件一条 system 消息", platform.kimi.com/docs, guide
"基于 PDF 内容进行问答"; platform.moonshot.ai/docs/guide/use-kimi-api-for-file-based-qa).
What they put there is the body of ``GET /v1/files/{id}/content`` as is, a JSON
object such as ``{"content":"…","file_type":"application/pdf",
"filename":"xlnet.pdf","title":"","type":"file"}``, which the same guide calls the
officially recommended format that the model reads most easily. The block below
is that object, built from the stored text, so a local PDF and one read by the
files API reach the model in the same shape.

Moonshot caches a repeated prompt prefix automatically, and only a
byte-identical prefix hits the cache, so the block depends on nothing but the
document: fixed key order, compact separators, no ASCII escaping (the files API
sends Chinese as is), no time, no locale.
"""

from __future__ import annotations

import json

from kimi_desktop.documents.document import ExtractedDocument


def context_block(doc: ExtractedDocument) -> str:
    """The text that carries ``doc`` to the model, the same bytes on every call."""
    return json.dumps(
        {
            "content": doc.text,
            "file_type": doc.kind.mime_type,
            "filename": doc.name,
            "title": "",
            "type": "file",
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
