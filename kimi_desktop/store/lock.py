"""One process at a time per data folder: an exclusive lock held for the app's life.

Two processes writing one history would undo each other: the second one's
start-up marks the first one's live reply ``interrupted``, after which the
first one's saves find no ``streaming`` row. :meth:`DataDirLock.acquire` takes
an exclusive, non-blocking lock on ``<data dir>/instance.lock`` (``flock`` on
POSIX, ``msvcrt.locking`` on Windows). The operating system releases it when
the process ends, however it ends, so a crash never leaves a stale lock.

The lock file holds the owner's process id, for a person who wonders.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Final

LOCK_FILE: Final = "instance.lock"


class DataDirBusyError(Exception):
    """Another process holds the data folder's lock."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(f"another process is using {data_dir}")
        self.data_dir = data_dir


class DataDirLock:
    """The exclusive lock on a data folder; :meth:`release` (or process exit) frees it."""

    def __init__(self, data_dir: Path, fd: int | None) -> None:
        self.data_dir = data_dir
        self._fd = fd

    @classmethod
    def acquire(cls, data_dir: Path) -> DataDirLock:
        """Lock ``data_dir`` (created if needed) for this process.

        Raises :class:`DataDirBusyError` when another process (or another lock
        object of this one) holds it, and :class:`OSError` when no lock file
        can be opened at all (a read-only folder without one, a full disk).
        """
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = data_dir / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
            writable = True
        except OSError:
            # A read-only folder: an existing lock file can still be locked for reading.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            writable = False
        try:
            _lock(fd)
        except BlockingIOError:
            os.close(fd)
            raise DataDirBusyError(data_dir) from None
        except OSError as exc:
            os.close(fd)
            if _held_elsewhere(exc):
                raise DataDirBusyError(data_dir) from None
            raise
        if writable:
            with contextlib.suppress(OSError):  # the pid is a courtesy, the lock is what counts
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        return cls(data_dir, fd)

    @property
    def held(self) -> bool:
        """Whether this object still holds the lock."""
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up; calling it again does nothing."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            _unlock(fd)
        with contextlib.suppress(OSError):
            os.close(fd)

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _held_elsewhere(exc: OSError) -> bool:
        # LK_NBLCK fails with EACCES (or EDEADLOCK) when another process holds the byte.
        return exc.errno in (13, 36)

else:
    import fcntl

    def _lock(fd: int) -> None:
        # flock, not fcntl/lockf: its locks belong to the open file, so a second
        # lock in the same process conflicts too (tests, a stray second build()).
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _held_elsewhere(exc: OSError) -> bool:
        import errno

        return exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES)
