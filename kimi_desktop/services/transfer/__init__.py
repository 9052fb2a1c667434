"""Conversations out of the app and back: Markdown to read, JSON to restore.

:class:`ConversationTransfer` is what the window uses; the format is
documented in :mod:`.json_export`, the checks an import passes in
:mod:`.json_fields`.
"""

from kimi_desktop.services.transfer.errors import TransferFailed
from kimi_desktop.services.transfer.exporting import Exported, ExportKind
from kimi_desktop.services.transfer.file_names import safe_file_stem
from kimi_desktop.services.transfer.json_export import FORMAT, VERSION
from kimi_desktop.services.transfer.json_import import MAX_IMPORT_BYTES
from kimi_desktop.services.transfer.markdown_export import images_folder
from kimi_desktop.services.transfer.service import ConversationTransfer

__all__ = [
    "FORMAT",
    "MAX_IMPORT_BYTES",
    "VERSION",
    "ConversationTransfer",
    "ExportKind",
    "Exported",
    "TransferFailed",
    "images_folder",
    "safe_file_stem",
]
