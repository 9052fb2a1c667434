"""The chat history as domain objects: conversations, messages, attachments, search.

Everything above ``store/`` sees :class:`Conversation`, :class:`StoredMessage`
and friends, never rows or SQL. Every method is a short blocking call; the
service layer runs the slow ones (search, purge) through ``asyncio.to_thread``.

Any change to a conversation's messages (add, streaming update, finish,
delete) bumps its ``updated_at``, which orders the sidebar. Renaming, pinning
and settings changes do not: they should not move a chat to the top.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kimi_desktop.domain import (
    AttachedDocument,
    Conversation,
    Message,
    MessageStatus,
    NewAttachment,
    Role,
    SearchHit,
    StoredMessage,
    Usage,
)
from kimi_desktop.i18n import N_, _
from kimi_desktop.store import branches, rows
from kimi_desktop.store import messages as message_sql
from kimi_desktop.store.branches import SHOWN_LEAF, ShownLeaf
from kimi_desktop.store.db import Database
from kimi_desktop.store.errors import MessageNotSavedError
from kimi_desktop.store.search import search as search_history

#: Shown under a reply the app did not get to finish (it crashed, was killed, lost power);
#: stored in the language of the start-up that found it.
INTERRUPTED_BY_EXIT = N_("The app closed before this reply finished; what arrived is kept.")


class NotFoundError(LookupError):
    """The conversation does not exist (or was already purged): a caller's mistake.

    Its text is for the log, never shown: the conversation's id is on ``conversation_id``.
    """

    def __init__(self, conversation_id: int) -> None:
        super().__init__(f"no conversation with id {conversation_id}")
        self.conversation_id = conversation_id


class ConversationRepository:
    """Reads and writes conversations and their messages in a :class:`Database`.

    ``clock`` returns Unix seconds; tests pass a fake one to control ordering.
    """

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    @property
    def path(self) -> Path:
        """The history's file (where it would be, for one kept in memory)."""
        return self._db.path

    @property
    def writable(self) -> bool:
        """False when the history was opened read-only: every write then fails."""
        return not self._db.read_only

    # -- conversations -------------------------------------------------------

    def create_conversation(
        self,
        title: str = "",
        *,
        endpoint_id: str | None = None,
        model: str | None = None,
        system_prompt: str = "",
        max_tokens: int | None = None,
        web_search: bool = False,
    ) -> Conversation:
        now = self._clock()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, created_at, updated_at, system_prompt,"
                " endpoint_id, model, max_tokens, web_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (title, now, now, system_prompt, endpoint_id, model, max_tokens, int(web_search)),
            )
            conversation_id = int(cursor.lastrowid or 0)
        return Conversation(
            id=conversation_id,
            title=title,
            created_at=now,
            updated_at=now,
            system_prompt=system_prompt,
            endpoint_id=endpoint_id,
            model=model,
            max_tokens=max_tokens,
            web_search=web_search,
        )

    def get_conversation(self, conversation_id: int) -> Conversation | None:
        """The conversation, or ``None`` if it does not exist or is deleted."""
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {rows.CONVERSATION_COLUMNS} FROM conversations"
                " WHERE id = ? AND deleted_at IS NULL",
                (conversation_id,),
            ).fetchone()
        return None if row is None else rows.conversation(row)

    def list_conversations(self) -> list[Conversation]:
        """Conversations not deleted: pinned first, then most recently updated first."""
        with self._db.read() as conn:
            found = conn.execute(
                f"SELECT {rows.CONVERSATION_COLUMNS} FROM conversations"
                " WHERE deleted_at IS NULL ORDER BY pinned DESC, updated_at DESC, id DESC"
            ).fetchall()
        return [rows.conversation(row) for row in found]

    def rename(self, conversation_id: int, title: str) -> None:
        self._update_conversation(conversation_id, "title = ?", title)

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._update_conversation(conversation_id, "pinned = ?", int(pinned))

    def set_system_prompt(self, conversation_id: int, text: str) -> None:
        self._update_conversation(conversation_id, "system_prompt = ?", text)

    def set_max_tokens(self, conversation_id: int, max_tokens: int | None) -> None:
        """The output budget asked for each reply; ``None`` for the app's default."""
        self._update_conversation(conversation_id, "max_tokens = ?", max_tokens)

    def set_web_search(self, conversation_id: int, enabled: bool) -> None:
        self._update_conversation(conversation_id, "web_search = ?", int(enabled))

    def set_temperature(self, conversation_id: int, temperature: float | None) -> None:
        """The temperature asked for each reply; ``None`` for the model's own
        (the column comes from ``assistant_columns.m007_conversation_temperature``)."""
        self._update_conversation(conversation_id, "temperature = ?", temperature)

    def set_model(self, conversation_id: int, endpoint_id: str | None, model: str | None) -> None:
        self._update_conversation(conversation_id, "endpoint_id = ?, model = ?", endpoint_id, model)

    def delete_conversation(self, conversation_id: int) -> None:
        """Hide the conversation from the list and from search until restored or purged."""
        self._update_conversation(conversation_id, "deleted_at = ?", self._clock())

    def restore_conversation(self, conversation_id: int) -> None:
        """Undo :meth:`delete_conversation`."""
        self._update_conversation(conversation_id, "deleted_at = NULL")

    def purge_deleted(self) -> int:
        """Really delete soft-deleted conversations (messages cascade); return how many."""
        with self._db.transaction() as conn:
            count = conn.execute("DELETE FROM conversations WHERE deleted_at IS NOT NULL").rowcount
            message_sql.drop_orphan_blobs(conn)
        return count

    def _update_conversation(self, conversation_id: int, assignments: str, *values: object) -> None:
        # ``assignments`` is always a literal from this class, never user input.
        with self._db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE conversations SET {assignments} WHERE id = ?", (*values, conversation_id)
            )
            if cursor.rowcount == 0:
                raise NotFoundError(conversation_id)

    # -- messages ------------------------------------------------------------

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        """The messages of the branch the conversation shows, in order, with their
        images, documents and versions (see :mod:`.branches`)."""
        with self._db.read() as conn:
            return message_sql.load_branch(conn, conversation_id)

    def select_branch(self, conversation_id: int, message_id: int) -> bool:
        """Show the branch through ``message_id`` that ends in its newest continuation;
        False if the conversation has no such message. The choice is saved."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?",
                (message_id, conversation_id),
            ).fetchone()
            if row is None:
                return False
            branches.set_leaf(conn, conversation_id, branches.newest_below(conn, message_id))
        return True

    def tool_turns(self, conversation_id: int) -> dict[int, tuple[Message, ...]]:
        """The turns each reply's web search rounds added before its answer, by message
        id (replies that did not search are left out); see :mod:`.tool_turns`."""
        with self._db.read() as conn:
            return message_sql.load_tool_turns(conn, conversation_id)

    def get_message(self, message_id: int) -> StoredMessage | None:
        with self._db.read() as conn:
            return message_sql.load_one(conn, message_id)

    def message_count(self, conversation_id: int) -> int:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
        return int(row[0])

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        text: str,
        *,
        status: MessageStatus = MessageStatus.COMPLETE,
        reasoning: str = "",
        model: str | None = None,
        attachments: Sequence[NewAttachment] = (),
        documents: Sequence[AttachedDocument] = (),
        parent_id: int | ShownLeaf | None = SHOWN_LEAF,
    ) -> StoredMessage:
        """Add a message after ``parent_id`` (by default the last message shown; ``None``:
        as a first message) and show the branch it ends. Its images are stored once
        per distinct content.

        The message, its attachment and document rows and any new image bytes
        are written in one transaction, so a message never exists without its
        images and documents.
        """
        described = [(item.describe(), item.data) for item in attachments]
        now = self._clock()
        with self._db.transaction() as conn:
            if not message_sql.touch_conversation(conn, conversation_id, now):
                raise NotFoundError(conversation_id)
            if isinstance(parent_id, ShownLeaf):
                parent_id = branches.shown_leaf(conn, conversation_id)
            message_id = message_sql.insert(
                conn,
                conversation_id,
                role,
                text,
                status=status,
                reasoning=reasoning,
                model=model,
                created_at=now,
                attachments=described,
                documents=documents,
                parent_id=parent_id,
            )
            versions = branches.siblings_of(conn, conversation_id, parent_id)
        return StoredMessage(
            id=message_id,
            conversation_id=conversation_id,
            role=role,
            text=text,
            created_at=now,
            status=status,
            reasoning=reasoning,
            model=model,
            attachments=tuple(meta for meta, _ in described),
            documents=tuple(documents),
            parent_id=parent_id,
            versions=versions,
        )

    def blob(self, sha256: str) -> bytes | None:
        """The bytes of a stored image, by the hash in its :class:`Attachment`."""
        with self._db.read() as conn:
            row = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else bytes(row[0])

    def update_streaming(
        self, message_id: int, text: str, reasoning: str, *, web_searches: int = 0
    ) -> None:
        """Save the text (and web searches so far) of a reply still streaming; called
        about once a second.

        Two primary-key UPDATEs in one commit, no fsync (WAL + NORMAL), and no
        search-index work: streaming rows are indexed when they finish. Only
        a row still ``streaming`` is touched, so a late throttled write can
        never overwrite a finished reply. A save that updates no row raises
        :class:`MessageNotSavedError`: the caller still holds text nobody saved.
        """
        with self._db.transaction() as conn:
            if not message_sql.save_streaming(conn, message_id, text, reasoning, web_searches):
                raise MessageNotSavedError(message_id, "no streaming reply has this id")
            message_sql.touch_conversation_of(conn, message_id, self._clock())

    def resume_streaming(self, message_id: int) -> StoredMessage:
        """Put a finished reply back to ``streaming``, to be continued in place.

        Its text stays; its error goes. From here it is saved like any streaming
        reply (:meth:`update_streaming`, then :meth:`finish_message`), and a crash
        leaves it to :meth:`recover_interrupted`. Raises
        :class:`MessageNotSavedError` if the reply is gone or streams already.
        """
        with self._db.transaction() as conn:
            found = message_sql.resume_streaming(conn, message_id)
            resumed = message_sql.load_one(conn, message_id) if found else None
            if resumed is None:
                raise MessageNotSavedError(message_id, "no finished reply has this id")
            message_sql.touch_conversation_of(conn, message_id, self._clock())
        return resumed

    def finish_message(
        self,
        message_id: int,
        *,
        status: MessageStatus,
        text: str,
        reasoning: str,
        reasoning_seconds: float | None = None,
        usage: Usage | None = None,
        error: str | None = None,
        error_fix: str | None = None,
        reasoning_field: str | None = None,
        web_searches: int = 0,
        tool_turns: Sequence[Message] = (),
    ) -> StoredMessage:
        """Write a reply's final state and return the row as saved.

        ``web_searches`` counts the searches the reply ran; ``tool_turns`` are the
        turns those rounds added before the answer (all of them: a continued reply
        passes the earlier ones too), read back by :meth:`tool_turns`.

        Raises :class:`MessageNotSavedError` if the message is gone (deleted meanwhile).
        """
        with self._db.transaction() as conn:
            found = message_sql.save_final(
                conn,
                message_id,
                status=status,
                text=text,
                reasoning=reasoning,
                reasoning_seconds=reasoning_seconds,
                usage=usage,
                error=error,
                error_fix=error_fix,
                reasoning_field=reasoning_field,
                web_searches=web_searches,
                turns=tool_turns,
            )
            saved = message_sql.load_one(conn, message_id) if found else None
            if saved is None:
                raise MessageNotSavedError(message_id, "the message no longer exists")
            message_sql.touch_conversation_of(conn, message_id, self._clock())
        return saved

    def delete_message(self, message_id: int) -> None:
        """Delete one message; what followed it stays, after the message before it."""
        with self._db.transaction() as conn:
            message_sql.touch_conversation_of(conn, message_id, self._clock())
            branches.remove(conn, [message_id])
            message_sql.drop_orphan_blobs(conn)

    def recover_interrupted(self) -> int:
        """Mark replies left ``streaming`` by a crash or kill as ``interrupted``.

        Called once at startup, before any stream starts. The partial text
        saved by the last :meth:`update_streaming` stays, and becomes searchable;
        the reply says why it stopped and offers Retry.
        """
        with self._db.transaction() as conn:
            return conn.execute(
                "UPDATE messages SET status = 'interrupted', error = ?, error_fix = 'retry'"
                " WHERE status = 'streaming'",
                (_(INTERRUPTED_BY_EXIT),),
            ).rowcount

    def conversation_usage(self, conversation_id: int) -> Usage:
        """Token totals over every reply of the conversation that reported usage."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0),"
                " coalesce(sum(cached_tokens), 0) FROM messages WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
        return Usage(prompt_tokens=row[0], completion_tokens=row[1], cached_tokens=row[2])

    # -- search --------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Search titles and messages of conversations not deleted; see :mod:`.search`.

        Snippets mark matches with ``\\x02`` ... ``\\x03``; a title hit has
        ``message_id == 0``. Any typed text is safe; an empty query gives ``[]``.
        """
        with self._db.read() as conn:
            return search_history(conn, query, limit)
