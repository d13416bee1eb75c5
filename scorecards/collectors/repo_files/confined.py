"""Reading a file of a hostile tree: only inside the tree, only a regular file, only up to a cap.

A scanned repository controls every name and link in it, so a read must not follow a symbolic
link out of the tree (``.twelve-factor.yml -> /etc/passwd``), must not block on a FIFO or a
device, and must not load a 2 GB file (sparse files cost the attacker nothing).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

MAX_READ_BYTES = 1_000_000


class ReadRefused(OSError):
    """The file was not read: ``reason`` is ``outside``, ``not a file`` or ``too large``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.strerror = reason


def real_root(root: str | os.PathLike[str]) -> str:
    return os.path.realpath(root)


def is_inside(real_path: str, root_real: str) -> bool:
    """True when the already resolved ``real_path`` is ``root_real`` or below it."""
    return real_path == root_real or real_path.startswith(root_real.rstrip(os.sep) + os.sep)


def read_capped(path: str | os.PathLike[str], root_real: str, cap: int = MAX_READ_BYTES) -> bytes:
    """The bytes of ``path`` if it resolves to a regular file inside ``root_real`` of at most
    ``cap`` bytes; otherwise :class:`ReadRefused` (or the ``OSError`` of a missing file)."""
    shown = os.fspath(path)
    fd = _open_regular(shown, root_real)
    try:
        if os.fstat(fd).st_size > cap:
            raise ReadRefused(shown, "too large")
        data = _read_at_most(fd, cap + 1)
    finally:
        os.close(fd)
    if len(data) > cap:  # the file grew after fstat
        raise ReadRefused(shown, "too large")
    return data


def lines_capped(
    path: str | os.PathLike[str], root_real: str, cap: int, max_line: int = 4096
) -> Iterator[str]:
    """The lines of a confined regular file, read a chunk at a time and only up to ``cap``
    bytes; longer lines are dropped. Nothing when the file is missing or refused."""
    try:
        fd = _open_regular(os.fspath(path), root_real)
    except OSError:
        return
    try:
        pending, total = b"", 0
        while total < cap:
            chunk = os.read(fd, min(1 << 16, cap - total))
            if not chunk:
                break
            total += len(chunk)
            *lines, pending = (pending + chunk).split(b"\n")
            pending = pending if len(pending) <= max_line else b""
            yield from (line.decode("utf-8", "replace") for line in lines if len(line) <= max_line)
        if pending:
            yield pending.decode("utf-8", "replace")
    finally:
        os.close(fd)


def _open_regular(shown: str, root_real: str) -> int:
    target = os.path.realpath(shown)
    if not is_inside(target, root_real):
        raise ReadRefused(shown, "outside")
    # The links are resolved already: O_NOFOLLOW refuses one swapped in since; O_NONBLOCK keeps
    # a FIFO from stalling the open until fstat turns it away.
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ReadRefused(shown, "not a file")
    return fd


def read_text_capped(
    path: str | os.PathLike[str], root_real: str, cap: int = MAX_READ_BYTES
) -> str | None:
    """``read_capped`` as UTF-8 text, or None when the file is missing, refused or unreadable."""
    try:
        return read_capped(path, root_real, cap).decode("utf-8", "replace")
    except OSError:
        return None


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = os.read(fd, min(1 << 20, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)
