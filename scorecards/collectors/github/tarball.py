"""Repository facts from a GitHub tarball (``.tar.gz``), read as a stream, never extracted.

GitHub's archives hold one top folder, ``{owner}-{repo}-{sha7}/``, which is stripped. Nothing
is written to disk, and these members are never read:

- names that are absolute, contain a ``..`` component or a NUL byte, or lie outside the top
  folder: reported in ``errors`` (and in ``rejected``);
- symbolic and hard links: counted in ``skipped.link`` (and listed in ``rejected``), never
  followed, so a link cannot make the analysis read outside the repository;
- devices, FIFOs and other special files: reported in ``errors`` (and in ``rejected``);
- regular files over ``max_file_bytes``: counted in ``skipped.too_large``.

The archive is read twice as a stream: first the names (the exclusions of
``.twelve-factor.yml`` and the Helm chart folders need the whole listing), then the bodies of
the kept files, one at a time. Decompression goes through ``gzip.GzipFile`` under
``tarfile``'s plain stream mode (``r|``) rather than ``r|gz``: ``GzipFile`` inflates at most
what is asked for, while ``r|gz`` inflates whole compressed blocks at once and re-slices its
buffer on every read, so a run of zeros would cost tens of megabytes and quadratic copying.
Memory stays bounded by one file body plus the facts, whatever the size of the repository.
A gzip bomb stops early, never inflated in full: the sizes the headers declare are summed
against ``max_unpacked_bytes`` (one huge member stops at its header), and the bytes actually
inflated are counted too, so headers ``tarfile`` reads whole into memory (pax and GNU long-name
records) cannot exceed ``HEADER_ALLOWANCE``. The second pass stops after the last file it
needs instead of inflating the rest of the archive again.
"""

from __future__ import annotations

import gzip
import re
import tarfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from scorecards.collectors.github.errors import GitHubError, TooLarge
from scorecards.collectors.localdir import check_member_path, collect_entries, shown_name
from scorecards.collectors.repo_files import walk

MAX_UNPACKED_BYTES = 1024**3
# Inflated bytes allowed between the end of one member's body and the next member: its header
# blocks, and the pax or long-name records tarfile reads into memory in one piece.
HEADER_ALLOWANCE = 1024**2

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

_SPECIAL = {
    tarfile.CHRTYPE: "character device",
    tarfile.BLKTYPE: "block device",
    tarfile.FIFOTYPE: "FIFO",
    tarfile.CONTTYPE: "contiguous file",
}


@dataclass
class Listing:
    """What the first pass learnt: archive name -> relative path of every readable file."""

    files: dict[str, str] = field(default_factory=dict)
    oversized: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (name, reason), not links
    link_members: list[tuple[str, str]] = field(default_factory=list)
    config: bytes | None = None
    top: str | None = None
    commit: str | None = None  # the pax global header's comment: the commit archived

    def report(self) -> list[dict[str, str]]:
        """Every member left out for safety, for the caller's log: links included."""
        return [
            {"member": shown_name(name), "reason": reason}
            for name, reason in [*self.rejected, *self.link_members]
        ]


@dataclass
class TarballFacts:
    facts: dict
    rejected: list[dict[str, str]]
    commit: str | None = None  # the commit the archive names, when it names a consistent one


def read_tarball(
    fileobj: IO[bytes],
    *,
    root_name: str,
    commit: str | None,
    max_file_bytes: int = walk.MAX_FILE_BYTES,
    max_members: int = 200_000,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    source: str = "github",
) -> TarballFacts:
    """Repository facts (docs/repo-facts.md) of a GitHub ``.tar.gz`` held in ``fileobj``.

    ``commit=None`` (an archive fetched by branch name): the facts carry the commit the archive
    names (``archived_commit``), or none when it names none.
    ``fileobj`` must be seekable (a spool file): it is read twice. Raises ``GitHubError``
    when it is not a gzip tar archive, ``TooLarge`` past ``max_members`` entries or when the
    members add up to (or inflate to) more than ``max_unpacked_bytes``.
    """
    try:
        fileobj.seek(0)
        listing = _list(fileobj, max_file_bytes, max_members, max_unpacked_bytes)
        named = archived_commit(listing)
        commit = commit or named

        def contents(kept: frozenset[str]):
            fileobj.seek(0)
            wanted = set(kept) & set(listing.files.values())
            inflated = _CappedInflate(fileobj, max_unpacked_bytes)
            with _open(inflated) as archive:
                for member in archive:
                    if not wanted:
                        return  # the rest of the archive holds nothing to read
                    inflated.allow_through(member)
                    rel = listing.files.get(member.name)
                    if rel is None or rel not in wanted or not member.isreg():
                        continue
                    handle = archive.extractfile(member)
                    if handle is not None:
                        wanted.discard(rel)
                        yield rel, handle.read(max_file_bytes + 1)

        facts = collect_entries(
            list(listing.files.values()),
            contents,
            root_name,
            commit=commit,
            source=source,
            config=listing.config,
            oversized=listing.oversized,
            links=listing.links,
            rejected=listing.rejected,
            max_file_bytes=max_file_bytes,
        )
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        raise GitHubError(f"archive of {root_name} is not a readable .tar.gz: {exc}") from None
    return TarballFacts(facts=facts, rejected=listing.report(), commit=named)


class _CappedInflate:
    """The inflated stream, cut off with ``TooLarge`` past ``cap`` bytes in all, or past the
    current member's body plus ``HEADER_ALLOWANCE`` (set by ``allow_through``)."""

    def __init__(self, fileobj: IO[bytes], cap: int) -> None:
        self._gzip = gzip.GzipFile(fileobj=fileobj, mode="rb")
        self.cap = cap
        self.until = min(cap, HEADER_ALLOWANCE)
        self.total = 0

    def allow_through(self, member: tarfile.TarInfo) -> None:
        """Room for ``member``'s body (whole blocks) and the header of the next one."""
        body_end = member.offset_data + -(-max(0, member.size) // tarfile.BLOCKSIZE) * 512
        self.until = min(self.cap, body_end + HEADER_ALLOWANCE)

    def read(self, size: int = -1) -> bytes:
        room = self.until - self.total + 1  # one byte more than allowed tells it was passed
        data = self._gzip.read(room if size is None or size < 0 else min(size, room))
        self.total += len(data)
        if self.total > self.until:
            if self.until >= self.cap:
                raise TooLarge(f"archive unpacks to more than {self.cap} bytes", limit=self.cap)
            raise TooLarge(f"archive header over {HEADER_ALLOWANCE} bytes", limit=HEADER_ALLOWANCE)
        return data


def archived_commit(listing: Listing) -> str | None:
    """The commit ``git archive`` wrote in the pax global header, when the top folder's short
    sha (``{owner}-{repo}-{sha7}``) agrees with it: a header alone could be anything."""
    sha = listing.commit
    if not sha or not _SHA.fullmatch(sha) or not listing.top:
        return None
    return sha if listing.top.rpartition("-")[2] == sha[:7] else None


def _open(inflated: _CappedInflate) -> tarfile.TarFile:
    """A forward-only tar reader over a gzip stream that inflates only what is read."""
    return tarfile.open(fileobj=inflated, mode="r|")  # type: ignore[arg-type]


def _list(
    fileobj: IO[bytes], max_file_bytes: int, max_members: int, max_unpacked_bytes: int
) -> Listing:
    listing = Listing()
    count = unpacked = 0
    inflated = _CappedInflate(fileobj, max_unpacked_bytes)
    with _open(inflated) as archive:
        for member in archive:
            inflated.allow_through(member)
            count += 1
            unpacked += max(0, member.size)
            if count > max_members:
                raise TooLarge(f"archive has more than {max_members} entries", limit=max_members)
            if unpacked > max_unpacked_bytes:
                raise TooLarge(
                    f"archive unpacks to more than {max_unpacked_bytes} bytes",
                    limit=max_unpacked_bytes,
                )
            _classify(member, archive, listing, max_file_bytes)
        comment = archive.pax_headers.get("comment")
    listing.commit = comment.strip() if isinstance(comment, str) else None
    return listing


def _classify(
    member: tarfile.TarInfo, archive: tarfile.TarFile, listing: Listing, max_file_bytes: int
) -> None:
    name = member.name
    rel, problem = check_member_path(name)
    if rel is None:
        listing.rejected.append((name, problem or "unsafe name"))
        return
    top, _, inner = rel.partition("/")
    if listing.top is None and (inner or member.isdir()):
        listing.top = top  # GitHub's "{owner}-{repo}-{sha7}" folder, the first entry
    if top != listing.top or not inner:
        if not (member.isdir() and top == listing.top):
            listing.rejected.append((name, "outside the archive's top folder"))
        return
    if member.isdir():
        return
    if member.issym() or member.islnk():
        listing.links.append(inner)
        kind = "symbolic link" if member.issym() else "hard link"
        listing.link_members.append((name, kind))
        return
    if not member.isreg():
        listing.rejected.append((name, f"special file ({_SPECIAL.get(member.type, 'unknown')})"))
        return
    if member.size > max_file_bytes:
        listing.oversized.append(inner)
        return
    if inner in walk.CONFIG_NAMES and listing.config is None:
        handle = archive.extractfile(member)
        listing.config = handle.read(max_file_bytes + 1) if handle is not None else None
    listing.files[name] = inner
