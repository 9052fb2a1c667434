"""Chat history in SQLite (stdlib ``sqlite3`` only, no Qt).

``Database.open(path)`` opens the file and migrates it; ``ConversationRepository``
reads and writes it as domain objects. See ``search`` for the snippet markers.
"""

from kimi_desktop.store.conversations import ConversationRepository, NotFoundError
from kimi_desktop.store.db import Database
from kimi_desktop.store.errors import (
    STORAGE_ERRORS,
    MessageNotSavedError,
    Problem,
    StoreError,
    problem_of,
)
from kimi_desktop.store.lock import DataDirBusyError, DataDirLock
from kimi_desktop.store.migrations import LATEST_VERSION, SchemaTooNewError
from kimi_desktop.store.search import ELLIPSIS, MATCH_END, MATCH_START, TITLE_MATCH_MESSAGE_ID

__all__ = [
    "ELLIPSIS",
    "LATEST_VERSION",
    "MATCH_END",
    "MATCH_START",
    "STORAGE_ERRORS",
    "TITLE_MATCH_MESSAGE_ID",
    "ConversationRepository",
    "DataDirBusyError",
    "DataDirLock",
    "Database",
    "MessageNotSavedError",
    "NotFoundError",
    "Problem",
    "SchemaTooNewError",
    "StoreError",
    "problem_of",
]
