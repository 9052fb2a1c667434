"""A process killed mid-reply keeps its partial text, recovered as ``interrupted``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kimi_desktop
from kimi_desktop.domain import MessageStatus
from kimi_desktop.store import ConversationRepository, Database

_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from kimi_desktop.domain import MessageStatus
    from kimi_desktop.store import ConversationRepository, Database

    repo = ConversationRepository(Database.open(sys.argv[1]))
    conversation = repo.create_conversation("crash")
    repo.add_message(conversation.id, "user", "tell me a story")
    reply = repo.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
    repo.update_streaming(reply.id, "Once upon", "")
    repo.update_streaming(reply.id, "Once upon a time, partial", "thinking so far")
    print(reply.id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")
def test_killed_process_leaves_an_interrupted_partial_reply(db_path: Path) -> None:
    root = Path(kimi_desktop.__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    reply_id = int(child.stdout.strip())

    with Database.open(db_path) as db:
        repo = ConversationRepository(db)
        assert repo.recover_interrupted() == 1
        reply = repo.get_message(reply_id)
        assert reply is not None
        assert reply.status is MessageStatus.INTERRUPTED
        assert reply.text == "Once upon a time, partial"
        assert reply.reasoning == "thinking so far"
        assert [m.role for m in repo.messages(reply.conversation_id)] == ["user", "assistant"]
        assert [h.message_id for h in repo.search("partial")] == [reply_id]
