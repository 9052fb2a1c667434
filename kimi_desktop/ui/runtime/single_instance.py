"""One running Kimi Desktop per user and data folder; a second launch hands over its files.

The first instance takes a lock file and listens on a local socket (a Unix domain
socket, a named pipe on Windows). A later launch connects, sends the paths from
its command line as one JSON line, waits for ``ok`` and exits; the running
instance raises its window and attaches the files. In the composition root::

    instance = SingleInstance(instance_key(paths.data_dir))
    if instance.try_forward(args.paths):       # only when the data folder has no lock
        return 0
    ...                                        # the window paints first
    instance.listen()
    instance.activated.connect(on_activated)   # raise_window(window), attach paths
    ...
    instance.close()

The composition root loads this module (and QtNetwork with it) only when it
needs it: after the window's first paint, or for a launch that finds the data
folder taken.

Separate data folders (``KIMI_DESKTOP_HOME``: portable installs, tests) get
separate keys, so they never see each other. The lock file tells a crashed
instance (its PID is gone) from a live one, which makes it safe to remove a
socket left behind by a crash before listening again.

Who runs is decided by the data folder's own lock
(:class:`kimi_desktop.store.DataDirLock`), taken before anything else: a launch
that finds it held waits for the holder to listen (:meth:`SingleInstance.forward_when_ready`;
it may still be building its window) and hands over, and the holder may take
this module's lock file over even if a recycled PID makes it look alive
(``listen(take_over=True)``).

Wire format, version 1: the client sends ``{"v": 1, "paths": [...]}`` and a
newline, the server answers ``ok`` and a newline and closes the connection.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QDir,
    QEventLoop,
    QLockFile,
    QObject,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket

# Re-exported: they lived here before the launch path stopped importing QtNetwork early.
from kimi_desktop.ui.runtime.desktop_application import (
    HANDOVER_TIMEOUT_MS as HANDOVER_TIMEOUT_MS,
)
from kimi_desktop.ui.runtime.desktop_application import (
    DesktopApplication as DesktopApplication,
)
from kimi_desktop.ui.runtime.desktop_application import raise_window as raise_window

_log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
#: How long a second launch waits for the running instance to acknowledge.
FORWARD_TIMEOUT_MS = 3000
#: Pause between attempts to reach an instance that does not listen yet.
_POLL_MS = 100
#: How long the running instance gives a client to send its message.
CLIENT_TIMEOUT_MS = 5000
#: A message longer than this is not from Kimi Desktop (a few thousand paths fit).
MAX_MESSAGE_BYTES = 1 << 20
_ACK = b"ok\n"
# sun_path holds 108 bytes on Linux, 104 on macOS; stay below both.
_MAX_SOCKET_PATH = 100


def instance_key(data_dir: Path) -> str:
    """The key for this user and data folder: same user and folder, same instance."""
    return f"{_user()}\0{os.path.normcase(os.path.realpath(data_dir))}"


class SingleInstance(QObject):
    """Finds the running instance for ``key``, or becomes it.

    Needs a QCoreApplication. :meth:`try_forward` runs a short local event loop
    (at startup, before the app's own loop), so it also works when the running
    instance lives in the same thread, as in tests.

    Signals:
        activated(list[str]): another launch forwarded these absolute paths (maybe
            none); the app raises its window and attaches them.
    """

    activated = Signal(list)

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server_name, lock_path = _names(key)
        self._lock = QLockFile(str(lock_path))
        # Staleness by age would let a second instance steal the lock of a long-running
        # one; QLockFile still detects a lock whose process is gone.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    @property
    def server_name(self) -> str:
        """The local socket's name (a full path on Unix when a runtime dir is available)."""
        return self._server_name

    @property
    def is_listening(self) -> bool:
        """Whether this object is the running instance."""
        return self._server is not None

    def try_forward(self, argv_paths: Sequence[str], timeout_ms: int = FORWARD_TIMEOUT_MS) -> bool:
        """Hand ``argv_paths`` to the running instance.

        True when one is running and acknowledged the message (the caller then
        exits 0); False when none answers, and the caller becomes the instance.
        """
        message = _encode([_absolute(path) for path in argv_paths])
        socket = QLocalSocket()
        loop = QEventLoop()
        reply = bytearray()

        def on_ready_read() -> None:
            reply.extend(socket.readAll().data())
            if b"\n" in reply:
                loop.quit()

        socket.connected.connect(lambda: socket.write(message))
        socket.readyRead.connect(on_ready_read)
        socket.errorOccurred.connect(loop.quit)
        socket.disconnected.connect(loop.quit)
        socket.connectToServer(self._server_name)
        # A missing or refused socket fails inside connectToServer(); quit() before
        # exec() would be lost, so check here rather than wait for the timeout.
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            QTimer.singleShot(timeout_ms, loop, loop.quit)
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        socket.abort()
        return bytes(reply).startswith(_ACK)

    def forward_when_ready(
        self, argv_paths: Sequence[str], timeout_ms: int = HANDOVER_TIMEOUT_MS
    ) -> bool:
        """:meth:`try_forward` until the running instance answers, for up to ``timeout_ms``.

        For a launch that found the data folder locked: its holder may still be
        starting (opening the history, building the window) and not listen yet.
        False when it never answered: it hangs, or it is no Kimi Desktop that listens.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if self.try_forward(argv_paths, max(1, min(FORWARD_TIMEOUT_MS, left_ms))):
                return True
            if time.monotonic() >= deadline:
                return False
            pause = QEventLoop()
            QTimer.singleShot(_POLL_MS, pause, pause.quit)
            pause.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def listen(self, *, take_over: bool = False) -> bool:
        """Become the running instance; False when another one already is (or can't).

        ``take_over``: the caller holds the data folder's lock, so no other live
        instance can exist for this key, and a lock file that looks held (its PID
        recycled by an unrelated process) is stale: it is removed.
        """
        if self._server is not None:
            return True
        if not self._lock.tryLock(0):
            if not take_over or not self._lock.removeStaleLockFile():
                return False
            if not self._lock.tryLock(0):
                return False
        # Holding the lock means no live instance owns the name: a socket file still
        # there was left by a crash, and listen() would fail with AddressInUseError.
        QLocalServer.removeServer(self._server_name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_server_new_connection)
        if not server.listen(self._server_name):
            _log.warning("Single instance: cannot listen: %s", server.errorString())
            server.deleteLater()
            self._lock.unlock()
            return False
        self._server = server
        return True

    def close(self) -> None:
        """Stop listening and release the name (the app calls this on exit)."""
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
            self._lock.unlock()

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            _Peer(socket, self.activated.emit)


class _Peer(QObject):
    """One incoming connection: reads one message, acknowledges it, reports the paths."""

    def __init__(self, socket: QLocalSocket, deliver: Callable[[list[str]], None]) -> None:
        super().__init__(socket)  # lives and dies with its socket
        self._socket = socket
        self._deliver = deliver
        self._buffer = bytearray()
        self._done = False
        socket.readyRead.connect(self._on_socket_ready_read)
        socket.disconnected.connect(socket.deleteLater)
        QTimer.singleShot(CLIENT_TIMEOUT_MS, self, self._on_timer_timeout)

    def _on_socket_ready_read(self) -> None:
        if self._done:
            return
        self._buffer.extend(self._socket.readAll().data())
        line, newline, _ = bytes(self._buffer).partition(b"\n")
        if not newline:
            if len(self._buffer) > MAX_MESSAGE_BYTES:
                self._drop("message too long")
            return
        self._done = True
        paths = _decode(line)
        if paths is None:
            self._drop("not a Kimi Desktop message")
            return
        self._socket.write(_ACK)
        self._socket.flush()
        self._socket.disconnectFromServer()
        self._deliver(paths)

    def _on_timer_timeout(self) -> None:
        if not self._done:
            self._drop("no message in time")

    def _drop(self, reason: str) -> None:
        _log.info("Single instance: ignoring a connection: %s", reason)
        self._done = True
        self._socket.abort()
        self._socket.deleteLater()


def _encode(paths: list[str]) -> bytes:
    # ensure_ascii keeps undecodable file names (lone surrogates) representable.
    return json.dumps({"v": PROTOCOL_VERSION, "paths": paths}).encode("ascii") + b"\n"


def _decode(line: bytes) -> list[str] | None:
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("v") != PROTOCOL_VERSION:
        return None
    paths = message.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return None
    return paths


def _absolute(path: str) -> str:
    # The running instance has its own working directory; file: URLs come from
    # launchers that pass %U-style arguments.
    if path.startswith("file:"):
        local = QUrl(path).toLocalFile()
        if local:
            return local
    return os.path.abspath(path)


def _user() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "user"


def _names(key: str) -> tuple[str, Path]:
    """The server name and lock file path for ``key``."""
    base = "kimi-desktop-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    runtime = _runtime_dir()
    if runtime is not None and len(str(runtime / f"{base}.sock")) <= _MAX_SOCKET_PATH:
        return str(runtime / f"{base}.sock"), runtime / f"{base}.lock"
    # A bare name: a named pipe on Windows, a socket in the temp dir elsewhere.
    return base, Path(QDir.tempPath()) / f"{base}.lock"


def _runtime_dir() -> Path | None:
    """``$XDG_RUNTIME_DIR`` when it is private to this user.

    It is preferred over /tmp, which is shared and periodically cleaned.
    """
    if sys.platform == "win32" or not hasattr(os, "getuid"):
        return None
    value = os.environ.get("XDG_RUNTIME_DIR", "")
    if not value:
        return None
    try:
        info = os.stat(value)
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return Path(value)
