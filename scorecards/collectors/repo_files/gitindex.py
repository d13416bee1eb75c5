"""The paths a checkout tracks, read from ``.git/index`` without running git.

``git ls-files -c`` lists a tracked file even when an ignore rule matches it (added before the
rule, or with ``git add -f``): a committed ``.env`` stays in the repository after ``.env`` is
added to ``.gitignore``. The index is hostile input like the rest of the tree: it is read
through the confined, capped reader and every offset is checked, so a malformed one yields
None (the listing then relies on the ignore rules alone), never an exception.
"""

from __future__ import annotations

import os
import re
import struct

from scorecards.collectors.repo_files.confined import read_capped, read_text_capped

# Holds a few hundred thousand entries; a bigger index is left unread.
MAX_INDEX_BYTES = 32_000_000
_FIXED = 40  # ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields
_EXTENDED = 0x4000
_GITLINK = 0b1110  # object type of a submodule entry, in bits 12-15 of the mode
_SHA256 = re.compile(r"objectformat\s*=\s*sha256", re.IGNORECASE)


def tracked_paths(git_dir: str | os.PathLike[str], boundary: str) -> list[str] | None:
    """Paths of the index (relative to the checkout's top, submodules left out), or None
    when there is no readable index of a known version."""
    try:
        data = read_capped(os.path.join(git_dir, "index"), boundary, MAX_INDEX_BYTES)
    except OSError:
        return None
    config = read_text_capped(os.path.join(git_dir, "config"), boundary) or ""
    hash_size = 32 if _SHA256.search(config) else 20
    try:
        return _parse(data, hash_size)
    except (struct.error, ValueError, IndexError):
        return None


def _parse(data: bytes, hash_size: int) -> list[str]:
    if data[:4] != b"DIRC":
        raise ValueError("not an index")
    version, count = struct.unpack_from(">II", data, 4)
    if version not in (2, 3, 4) or count > len(data) // (_FIXED + hash_size + 3):
        raise ValueError("unknown version or impossible entry count")
    paths: list[str] = []
    position, previous = 12, b""
    for _ in range(count):
        mode = struct.unpack_from(">I", data, position + 24)[0]
        name, position = _entry(data, position, version, hash_size, previous)
        previous = name
        if (mode >> 12) & 0xF != _GITLINK:
            paths.append(name.decode("utf-8", "surrogateescape"))
    return paths


def _entry(
    data: bytes, start: int, version: int, hash_size: int, previous: bytes
) -> tuple[bytes, int]:
    flags = struct.unpack_from(">H", data, start + _FIXED + hash_size)[0]
    position = start + _FIXED + hash_size + 2
    if version >= 3 and flags & _EXTENDED:
        position += 2
    if version == 4:  # the name shares a prefix with the previous entry's
        strip, position = _varint(data, position)
        if strip > len(previous):
            raise ValueError("prefix longer than the previous name")
        end = data.index(b"\0", position)
        return previous[: len(previous) - strip] + data[position:end], end + 1
    end = data.index(b"\0", position)
    return data[position:end], start + ((end - start) // 8 + 1) * 8  # NUL-padded to 8 bytes


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """Git's offset encoding: 7 bits per byte, high bit set on all but the last, +1 per
    continuation."""
    byte = data[position]
    value = byte & 0x7F
    position += 1
    while byte & 0x80:
        if value > 1 << 32:
            raise ValueError("varint too long")
        byte = data[position]
        value = ((value + 1) << 7) | (byte & 0x7F)
        position += 1
    return value, position
